/**
 * Errors of TLS connections, in words a person can act on, with the certificate facts that
 * explain them.
 */
import { formatDate, type CertificateSummary } from './certificate';

/** The verification or handshake check that failed. */
export type TlsCheck =
  | 'expired'
  | 'not-yet-valid'
  | 'hostname'
  | 'unknown-issuer'
  | 'self-signed'
  | 'self-signed-in-chain'
  | 'invalid-certificate'
  | 'fingerprint-mismatch'
  | 'client-certificate-required'
  | 'client-certificate-rejected'
  | 'protocol'
  | 'handshake';

export interface TlsFailureContext {
  host: string;
  port: number;
  /** The host name or address the certificate was checked against. */
  checkedHost: string;
  /** Server certificate first, then its issuers as far as they are known. */
  chain: CertificateSummary[];
  clientCertificateSent: boolean;
  /** Negotiated version and cipher, when the handshake got that far. */
  protocol?: string;
  cipher?: string;
  now?: Date;
}

/** A TLS connection rejected by a certificate or handshake check. */
export class TlsVerificationError extends Error {
  readonly host: string;
  readonly port: number;
  readonly checkedHost: string;
  readonly chain: CertificateSummary[];
  readonly peerCertificate?: CertificateSummary;
  readonly protocol?: string;
  readonly cipher?: string;

  constructor(
    readonly check: TlsCheck,
    message: string,
    context: TlsFailureContext,
    /** The code from node or OpenSSL, e.g. CERT_HAS_EXPIRED. */
    readonly nodeCode?: string,
  ) {
    super(message);
    this.name = 'TlsVerificationError';
    this.host = context.host;
    this.port = context.port;
    this.checkedHost = context.checkedHost;
    this.chain = context.chain;
    this.peerCertificate = context.chain[0];
    this.protocol = context.protocol;
    this.cipher = context.cipher;
  }

  /** Returns the message followed by the certificate facts, one per line, for logs and details views. */
  describe(): string {
    const lines = [this.message, `server: ${this.host}:${this.port}, name checked: ${this.checkedHost}`];
    if (this.nodeCode) {
      lines.push(`code: ${this.nodeCode}`);
    }
    if (this.protocol) {
      lines.push(`negotiated: ${this.protocol} ${this.cipher ?? ''}`.trimEnd());
    } else {
      lines.push(`offered: ${OFFERED_VERSIONS}`);
    }
    this.chain.forEach((certificate, depth) => {
      lines.push(...describeCertificate(certificate, depth));
    });
    return lines.join('\n');
  }
}

/** The protocol versions this client offers, as set in tls-options.ts. */
export const OFFERED_VERSIONS = 'TLS 1.2 and TLS 1.3';

export type ConnectionErrorCode = 'timeout' | 'aborted' | 'closed' | 'network';

/** A connection that failed before or outside the TLS checks: timeout, cancel, socket error. */
export class ConnectionError extends Error {
  constructor(
    readonly code: ConnectionErrorCode,
    message: string,
    readonly nodeCode?: string,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

/** Describes one certificate of a chain in indented lines, for logs and reports. */
export function describeCertificate(certificate: CertificateSummary, depth: number): string[] {
  const names = certificate.subjectAltNames.length > 0 ? certificate.subjectAltNames.join(', ') : 'none';
  return [
    `certificate ${depth}: ${certificate.subject}`,
    `  issuer: ${certificate.issuer}`,
    `  valid: ${certificate.validFrom.toISOString()} to ${certificate.validTo.toISOString()}`,
    `  subject alternative names: ${names}`,
    `  SHA-256: ${certificate.fingerprint256}`,
  ];
}

/** Verification codes from OpenSSL (as node reports them) mapped to checks. */
const VERIFY_CHECKS: Record<string, TlsCheck> = {
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unknown-issuer',
  UNABLE_TO_GET_ISSUER_CERT: 'unknown-issuer',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unknown-issuer',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed-in-chain',
};

/** Words for the other OpenSSL verification codes that node can report. */
const INVALID_CERTIFICATE_REASONS: Record<string, string> = {
  CERT_SIGNATURE_FAILURE: 'its signature does not verify',
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: 'its signature cannot be decrypted',
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: "the issuer's public key cannot be decoded",
  CERT_REVOKED: 'it was revoked',
  INVALID_CA: 'a certificate in the chain is not a valid CA',
  PATH_LENGTH_EXCEEDED: 'the chain is longer than a CA allows',
  INVALID_PURPOSE: 'it is not meant for TLS servers',
  CERT_UNTRUSTED: 'it is not trusted for this purpose',
  CERT_REJECTED: 'it is marked as rejected',
  ERROR_IN_CERT_NOT_BEFORE_FIELD: 'its notBefore date is malformed',
  ERROR_IN_CERT_NOT_AFTER_FIELD: 'its notAfter date is malformed',
  HOSTNAME_MISMATCH: 'it does not name the host',
};

/** OpenSSL alerts from a server that wanted a client certificate it did not get or accept. */
const CLIENT_CERTIFICATE_ALERTS: Record<string, string> = {
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'certificate required',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'bad certificate',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'unknown CA',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: 'certificate unknown',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'certificate expired',
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: 'access denied',
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: 'decrypt error',
};

const PROTOCOL_VERSION_CODES = new Set([
  'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
  'ERR_SSL_UNSUPPORTED_PROTOCOL',
  'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
  'ERR_SSL_VERSION_TOO_LOW',
]);

const NOT_TLS_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST']);

/**
 * Maps a verification code (node's `authorizationError`) to a TlsVerificationError.
 */
export function verificationError(code: string, context: TlsFailureContext): TlsVerificationError {
  const check = VERIFY_CHECKS[code] ?? 'invalid-certificate';
  return new TlsVerificationError(check, verificationMessage(check, code, context), context, code);
}

function verificationMessage(check: TlsCheck, code: string, context: TlsFailureContext): string {
  const leaf = context.chain[0];
  const top = context.chain[context.chain.length - 1];
  const now = context.now ?? new Date();
  switch (check) {
    case 'expired': {
      const expired = context.chain.find((certificate) => certificate.validTo.getTime() < now.getTime()) ?? leaf;
      if (!expired) {
        return 'certificate expired';
      }
      const label = expired === leaf ? 'certificate' : `CA certificate ${expired.subject}`;
      return `${label} expired on ${formatDate(expired.validTo)}`;
    }
    case 'not-yet-valid': {
      const future = context.chain.find((certificate) => certificate.validFrom.getTime() > now.getTime()) ?? leaf;
      if (!future) {
        return 'certificate is not valid yet';
      }
      const label = future === leaf ? 'certificate' : `CA certificate ${future.subject}`;
      return `${label} is not valid before ${formatDate(future.validFrom)}`;
    }
    case 'hostname':
      return `certificate is issued for ${issuedNames(leaf)}, not ${context.checkedHost}`;
    case 'unknown-issuer':
      return `unknown issuer ${top?.issuer ?? '(no certificate)'}: add its CA certificate or check the server`;
    case 'self-signed':
      return `self-signed certificate ${leaf?.subject ?? ''}: trust it by adding it as the CA certificate`;
    case 'self-signed-in-chain':
      return `self-signed certificate ${top?.subject ?? ''} in the chain is not a trusted CA`;
    default: {
      const reason = INVALID_CERTIFICATE_REASONS[code] ?? code;
      return `certificate ${leaf?.subject ?? ''} is invalid: ${reason}`;
    }
  }
}

function issuedNames(certificate: CertificateSummary | undefined): string {
  if (!certificate) {
    return 'no name';
  }
  const names = [...certificate.dnsNames, ...certificate.ipAddresses];
  return names.length > 0 ? names.join(', ') : certificate.commonName;
}

/**
 * Maps a socket error raised during or just after a TLS handshake to a TlsVerificationError,
 * or returns undefined for errors that are not about TLS (refused, reset, DNS).
 */
export function handshakeError(error: Error & { code?: string }, context: TlsFailureContext): TlsVerificationError | undefined {
  const code = error.code ?? '';
  if (code in VERIFY_CHECKS || code in INVALID_CERTIFICATE_REASONS) {
    return verificationError(code, context);
  }
  const alert = CLIENT_CERTIFICATE_ALERTS[code];
  if (alert !== undefined) {
    if (!context.clientCertificateSent) {
      return new TlsVerificationError('client-certificate-required', 'the server requires a client certificate', context, code);
    }
    return new TlsVerificationError(
      'client-certificate-rejected',
      `the server rejected the client certificate (alert: ${alert})`,
      context,
      code,
    );
  }
  if (code === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE') {
    // On TLS 1.2, OpenSSL servers (xpra 3.1.3, node) answer a missing client certificate
    // with handshake_failure, the same alert as for having no cipher in common.
    const message = context.clientCertificateSent
      ? 'the server ended the TLS handshake (handshake failure alert): no common cipher, or the client certificate was rejected'
      : 'the server requires a client certificate, or has no cipher in common with this client (handshake failure alert)';
    const check = context.clientCertificateSent ? 'handshake' : 'client-certificate-required';
    return new TlsVerificationError(check, message, context, code);
  }
  if (PROTOCOL_VERSION_CODES.has(code)) {
    return new TlsVerificationError('protocol', 'the server does not offer TLS 1.2 or 1.3', context, code);
  }
  if (NOT_TLS_CODES.has(code)) {
    return new TlsVerificationError(
      'protocol',
      `the server at ${context.host}:${context.port} did not answer with TLS: is this a plain tcp or http port?`,
      context,
      code,
    );
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return new TlsVerificationError('handshake', `TLS handshake failed: ${error.message}`, context, code);
  }
  return undefined;
}
