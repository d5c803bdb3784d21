/**
 * TLS connections to xpra servers: handshake, verification with errors in words, timeouts
 * and cancellation.
 */
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { summarizeCertificate, type CertificateSummary } from './certificate';
import { ConnectionError, handshakeError, TlsVerificationError, verificationError, type TlsFailureContext } from './errors';
import { buildTlsOptions, type BuiltTlsOptions, type TlsSettings, type TlsTarget } from './tls-options';

/** Levelled, categorised logging. Messages never contain keys or passwords. */
export interface TransportLogger {
  trace(category: string, message: string): void;
  debug(category: string, message: string): void;
  info(category: string, message: string): void;
  warn(category: string, message: string): void;
  error(category: string, message: string): void;
}

export interface ConnectOptions {
  /** Time allowed for the whole handshake, in milliseconds. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** An open connection to run TLS over, e.g. a TCP socket; the target still names the host checked. */
  socket?: Duplex;
  logger?: TransportLogger;
}

export interface TlsConnection {
  socket: tls.TLSSocket;
  /** True when verification is off (verify mode `none`). */
  insecure: boolean;
  /** E.g. `TLSv1.3`. */
  protocol: string;
  /** OpenSSL cipher name, e.g. `TLS_AES_256_GCM_SHA384`. */
  cipher: string;
  peerCertificate: CertificateSummary;
  /** Server certificate first, then its issuers as far as they are known. */
  chain: CertificateSummary[];
  checkedHost: string;
  /** The verification failure that verify mode `none` let through, if any. */
  verificationFailure?: TlsVerificationError;
}

export const DEFAULT_TIMEOUT_MS = 20_000;
/**
 * After a TLS 1.3 handshake the server checks the client certificate and either sends its
 * session tickets or an alert. Waiting this long for one of them (an estimate for loopback
 * and LAN round trips) turns a missing client certificate into a handshake error.
 */
const TLS13_SETTLE_MS = 250;

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed temporarily',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed by the server',
};

interface Handshake {
  socket: tls.TLSSocket;
  protocol: string;
  cipher: string;
  chain: CertificateSummary[];
  failure?: TlsVerificationError;
}

/**
 * Opens a verified TLS connection. Rejects with TlsVerificationError when a check fails
 * (unless the verify mode is `none`), ConnectionError on timeout, abort or socket errors,
 * and TlsSettingsError for unusable settings. On rejection the socket is destroyed.
 */
export async function connectTls(target: TlsTarget, settings: TlsSettings, options: ConnectOptions = {}): Promise<TlsConnection> {
  const built = await buildTlsOptions(target, settings);
  const result = await handshake(target, built, options);
  const log = options.logger;
  if (result.failure && !built.insecure) {
    result.socket.destroy();
    log?.warn('tls', `${target.host}:${target.port} rejected: ${result.failure.message}`);
    throw result.failure;
  }
  const peerCertificate = result.chain[0];
  if (built.insecure) {
    const state = result.failure ? `would fail verification: ${result.failure.message}` : 'would pass verification';
    log?.warn('tls', `${target.host}:${target.port}: certificate NOT verified (verify mode none); it ${state}`);
  }
  log?.info(
    'tls',
    `connected to ${target.host}:${target.port} with ${result.protocol} ${result.cipher}, ` +
      `certificate ${peerCertificate.subject} SHA-256 ${peerCertificate.fingerprint256}`,
  );
  return {
    socket: result.socket,
    insecure: built.insecure,
    protocol: result.protocol,
    cipher: result.cipher,
    peerCertificate,
    chain: result.chain,
    checkedHost: built.checkedHost,
    ...(result.failure ? { verificationFailure: result.failure } : {}),
  };
}

export interface TlsCheckResult {
  target: TlsTarget;
  checkedHost: string;
  /** True when the certificate chain and host name verified. */
  verified: boolean;
  /** The verification or handshake failure, when there was one. */
  failure?: TlsVerificationError;
  protocol?: string;
  cipher?: string;
  chain: CertificateSummary[];
}

/**
 * Connects, verifies, reports the chain and the result, and closes: the check of
 * `openssl s_client -CAfile`. Verification failures are results; socket errors, timeouts
 * and unusable settings still reject.
 */
export async function checkTls(target: TlsTarget, settings: TlsSettings, options: ConnectOptions = {}): Promise<TlsCheckResult> {
  const built = await buildTlsOptions(target, { ...settings, verifyMode: 'required' });
  let result: Handshake;
  try {
    result = await handshake(target, built, options);
  } catch (error) {
    if (error instanceof TlsVerificationError) {
      return { target, checkedHost: built.checkedHost, verified: false, failure: error, chain: error.chain };
    }
    throw error;
  }
  result.socket.destroy();
  return {
    target,
    checkedHost: built.checkedHost,
    verified: result.failure === undefined,
    ...(result.failure ? { failure: result.failure } : {}),
    protocol: result.protocol,
    cipher: result.cipher,
    chain: result.chain,
  };
}

/**
 * Runs the handshake with verification failures collected rather than raised, so that the
 * error can carry the chain. Rejects for socket errors, alerts, timeouts and aborts.
 */
function handshake(target: TlsTarget, built: BuiltTlsOptions, options: ConnectOptions): Promise<Handshake> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const where = `${target.host}:${target.port}`;
  const context = (chain: CertificateSummary[]): TlsFailureContext => ({
    host: target.host,
    port: target.port,
    checkedHost: built.checkedHost,
    chain,
    clientCertificateSent: built.clientCertificateSent,
  });

  return new Promise<Handshake>((resolve, reject) => {
    if (options.signal?.aborted) {
      options.socket?.destroy();
      reject(new ConnectionError('aborted', `connection to ${where} was cancelled`));
      return;
    }
    options.logger?.debug('tls', `TLS handshake with ${where}, checking the name ${built.checkedHost}`);
    const socket = tls.connect({
      ...built.options,
      rejectUnauthorized: false,
      ...(options.socket ? { socket: options.socket } : {}),
    });
    let settled = false;
    let chain: CertificateSummary[] = [];

    const finish = (outcome: { value: Handshake } | { error: Error }): void => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      clearTimeout(settleTimer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.off('secureConnect', onSecureConnect);
      socket.off('session', onSession);
      socket.off('error', onError);
      socket.off('close', onClose);
      if ('error' in outcome) {
        socket.destroy();
        options.socket?.destroy();
        reject(outcome.error);
      } else {
        resolve(outcome.value);
      }
    };
    const onAbort = (): void => finish({ error: new ConnectionError('aborted', `connection to ${where} was cancelled`) });
    let ready: Handshake | undefined;
    // Some servers (node's among them) reject a client certificate by closing the
    // connection without an alert, once the server certificate has been sent.
    const closedAfterClientCertificate = (): TlsVerificationError | undefined => {
      if (!built.clientCertificateSent || (!ready && !socket.getPeerCertificate()?.raw)) {
        return undefined;
      }
      const message = `${where} closed the connection right after the TLS handshake: it may have rejected the client certificate`;
      return new TlsVerificationError('client-certificate-rejected', message, context(chain));
    };
    const onError = (error: Error & { code?: string }): void => {
      const reset = error.code === 'ECONNRESET' || error.code === 'EPIPE';
      const rejected = reset ? closedAfterClientCertificate() : undefined;
      let failure = rejected ?? describeSocketError(error, where, context(chain));
      if (reset && !rejected && built.clientCertificateSent) {
        const message = `${failure.message} during the TLS handshake (it may have rejected the client certificate)`;
        failure = new ConnectionError('network', message, error.code);
      }
      finish({ error: failure });
    };
    const onClose = (): void => {
      const when = ready ? 'right after' : 'during';
      const closed = new ConnectionError('closed', `${where} closed the connection ${when} the TLS handshake`);
      finish({ error: closedAfterClientCertificate() ?? closed });
    };
    const onSession = (): void => {
      if (ready) {
        finish({ value: ready });
      }
    };
    let settleTimer: NodeJS.Timeout | undefined;
    const onSecureConnect = (): void => {
      try {
        chain = peerChain(socket);
      } catch (error) {
        const message = `the server certificate cannot be read: ${(error as Error).message}`;
        finish({ error: new TlsVerificationError('invalid-certificate', message, context(chain)) });
        return;
      }
      if (chain.length === 0) {
        finish({ error: new TlsVerificationError('handshake', 'the server sent no certificate', context(chain)) });
        return;
      }
      const code = socket.authorized ? undefined : String(socket.authorizationError ?? 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      ready = {
        socket,
        protocol: socket.getProtocol() ?? 'unknown',
        cipher: socket.getCipher()?.name ?? 'unknown',
        chain,
        ...(code !== undefined ? { failure: verificationError(code, context(chain)) } : {}),
      };
      if (ready.protocol !== 'TLSv1.3' || ready.failure) {
        finish({ value: ready });
        return;
      }
      const value = ready;
      settleTimer = setTimeout(() => finish({ value }), TLS13_SETTLE_MS);
    };
    const timer = setTimeout(() => {
      finish({ error: new ConnectionError('timeout', `TLS handshake with ${where} timed out after ${timeoutMs} ms`) });
    }, timeoutMs);

    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('secureConnect', onSecureConnect);
    socket.on('session', onSession);
    socket.on('error', onError);
    socket.on('close', onClose);
  });
}

function describeSocketError(error: Error & { code?: string }, where: string, context: TlsFailureContext): Error {
  const tlsError = handshakeError(error, context);
  if (tlsError) {
    return tlsError;
  }
  const code = error.code ?? '';
  const words = NETWORK_ERRORS[code];
  const message = words ? `cannot connect to ${where}: ${words}` : `cannot connect to ${where}: ${error.message}`;
  return new ConnectionError('network', message, code || undefined);
}

/** Returns the peer's certificate chain, server certificate first, without repeating a root. */
function peerChain(socket: tls.TLSSocket): CertificateSummary[] {
  const chain: CertificateSummary[] = [];
  const seen = new Set<string>();
  let certificate: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (certificate?.raw && !seen.has(certificate.fingerprint256)) {
    seen.add(certificate.fingerprint256);
    chain.push(summarizeCertificate(certificate.raw));
    certificate = certificate.issuerCertificate;
  }
  return chain;
}
