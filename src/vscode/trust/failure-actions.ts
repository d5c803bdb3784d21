/**
 * The choices that a failed TLS handshake offers, and the text that explains it. Pure: no
 * `vscode` import, so unit tests run in plain Node.
 */
import { OFFERED_VERSIONS, type TlsCheck, type TlsVerificationError } from '../../transport';

/**
 * A choice offered after a failed handshake:
 * - `trust-ca`: pick a CA file that issued the server certificate;
 * - `pin`: trust this exact certificate for this host and port, after comparing its SHA-256;
 * - `replace-pin`: the pinned certificate changed, so replace the pin after confirming;
 * - `connect-once`: connect this one time without verification;
 * - `show-log`: read the full detail.
 */
export type TrustAction = 'trust-ca' | 'pin' | 'replace-pin' | 'connect-once' | 'show-log';

/** The labels of the notification buttons, in the order they are shown. */
export const TRUST_ACTION_LABELS: Record<TrustAction, string> = {
  'trust-ca': 'Trust CA File…',
  pin: 'Pin This Certificate…',
  'replace-pin': 'Replace Pinned Certificate…',
  'connect-once': 'Connect Once Without Verification',
  'show-log': 'Show Log',
};

/**
 * The choices for each failed check. A pin overrides the issuer and the host name but not
 * the validity dates, so expired and not-yet-valid certificates get no pin. A CA file cannot
 * fix a host name. Failures of the client certificate or the protocol are not about trusting
 * the server, so they offer only the log.
 */
const ACTIONS_BY_CHECK: Record<TlsCheck, readonly TrustAction[]> = {
  'self-signed': ['pin', 'trust-ca', 'connect-once'],
  'unknown-issuer': ['trust-ca', 'pin', 'connect-once'],
  'self-signed-in-chain': ['trust-ca', 'pin', 'connect-once'],
  hostname: ['pin', 'connect-once'],
  expired: ['connect-once'],
  'not-yet-valid': ['connect-once'],
  'invalid-certificate': ['connect-once'],
  'fingerprint-mismatch': ['replace-pin', 'connect-once'],
  'client-certificate-required': [],
  'client-certificate-rejected': [],
  protocol: [],
  handshake: [],
};

/** Facts about the attach that change which choices make sense. */
export interface FailureContext {
  /** True when the server certificate is known, so it can be pinned. */
  hasCertificate: boolean;
  /** True when verification was already off, so connecting without it would change nothing. */
  alreadyInsecure?: boolean;
}

/** Returns the choices for `check`, always ending with `show-log`. None of them is a default. */
export function trustActionsFor(check: TlsCheck, context: FailureContext): TrustAction[] {
  const actions = ACTIONS_BY_CHECK[check].filter((action) => {
    if ((action === 'pin' || action === 'replace-pin') && !context.hasCertificate) return false;
    if (action === 'connect-once' && context.alreadyInsecure) return false;
    return true;
  });
  return [...actions, 'show-log'];
}

/** A short name of each check for the notification, e.g. "self-signed certificate". */
const CHECK_NAMES: Record<TlsCheck, string> = {
  expired: 'certificate expired',
  'not-yet-valid': 'certificate not valid yet',
  hostname: 'host name does not match',
  'unknown-issuer': 'unknown certificate authority',
  'self-signed': 'self-signed certificate',
  'self-signed-in-chain': 'untrusted root certificate in chain',
  'invalid-certificate': 'invalid certificate',
  'fingerprint-mismatch': 'pinned certificate changed',
  'client-certificate-required': 'client certificate required',
  'client-certificate-rejected': 'client certificate rejected',
  protocol: 'protocol version',
  handshake: 'TLS handshake',
};

/** The facts of a failure that the notification and the log read. */
export type FailureFacts = Pick<
  TlsVerificationError,
  'check' | 'message' | 'host' | 'port' | 'checkedHost' | 'chain' | 'protocol' | 'cipher' | 'describe'
>;

/**
 * Returns the one-line notification text: the server, the failed check, the reason, and the
 * SHA-256 of the server certificate when there is one.
 */
export function failureNotification(failure: FailureFacts): string {
  const server = formatHostPort(failure.host, failure.port);
  const leaf = failure.chain[0];
  const fingerprint = leaf ? ` Server certificate SHA-256 ${leaf.fingerprint256}.` : '';
  return `Xpra: TLS check failed for ${server} (${CHECK_NAMES[failure.check]}): ${failure.message}.${fingerprint}`;
}

/** Returns the full detail for the log: the certificate facts, protocol versions and cipher. */
export function failureLogDetail(failure: FailureFacts): string {
  const lines = [`TLS check '${failure.check}' failed for ${formatHostPort(failure.host, failure.port)}`, failure.describe()];
  lines.push(`protocol versions offered by this client: ${OFFERED_VERSIONS}`);
  if (failure.protocol || failure.cipher) {
    lines.push(`negotiated before the failure: ${failure.protocol ?? 'unknown version'} ${failure.cipher ?? ''}`.trimEnd());
  }
  if (failure.chain.length === 0) lines.push('the server sent no certificate');
  return lines.join('\n');
}

/** Returns `host:port`, with an IPv6 address in brackets. */
export function formatHostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Returns true for an error that is a TlsVerificationError, also across bundle copies. */
export function isTlsVerificationError(error: unknown): error is TlsVerificationError {
  return error instanceof Error && error.name === 'TlsVerificationError' && typeof (error as { check?: unknown }).check === 'string';
}
