/**
 * Certificate pinning by SHA-256 fingerprint: a pinned server certificate is trusted for
 * one host and port without a CA, and any other certificate there is rejected.
 */
import type { CertificateSummary } from './certificate';
import {
  TlsVerificationError,
  verificationError,
  type TlsCheck,
  type TlsFailureContext,
} from './errors';

/**
 * Checks that a matching pin overrides. A pin replaces the CA and the host name, but not
 * the validity dates: an expired pinned certificate is still rejected.
 */
const OVERRIDDEN_BY_PIN: ReadonlySet<TlsCheck> = new Set<TlsCheck>([
  'unknown-issuer',
  'self-signed',
  'self-signed-in-chain',
  'hostname',
]);

/**
 * Normalizes a SHA-256 fingerprint to node's form, upper-case hex pairs joined by colons.
 * Accepts colons, spaces or nothing between the pairs, any case, and a `sha256:` prefix.
 */
export function normalizeFingerprint(text: string): string {
  const digits = text.trim().replace(/^sha-?256[:=]/i, '').replace(/[:\s]/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(digits)) {
    throw new Error(`invalid SHA-256 fingerprint '${text}': expected 64 hex digits, optionally in pairs joined by ':'`);
  }
  return digits.toUpperCase().match(/../g)?.join(':') ?? '';
}

export type PinResult =
  | { kind: 'no-pin' }
  | { kind: 'mismatch'; error: TlsVerificationError }
  /** The pin matches; `failure` is a check that the pin does not override, if any. */
  | { kind: 'match'; failure?: TlsVerificationError };

/** Compares the server certificate with the pin and decides what remains of `failure`. */
export function applyPin(
  pinned: string | undefined,
  leaf: CertificateSummary,
  failure: TlsVerificationError | undefined,
  context: TlsFailureContext,
): PinResult {
  if (pinned === undefined) {
    return { kind: 'no-pin' };
  }
  if (leaf.fingerprint256 !== pinned) {
    const message =
      `certificate changed: pinned SHA-256 ${pinned}, but the server sent ${leaf.fingerprint256} ` +
      `(${leaf.subject})`;
    return { kind: 'mismatch', error: new TlsVerificationError('fingerprint-mismatch', message, context) };
  }
  if (failure && !OVERRIDDEN_BY_PIN.has(failure.check)) {
    return { kind: 'match', failure };
  }
  // Node reports one verification error per handshake, so an issuer error that the pin
  // overrides could hide an expired leaf. The dates are therefore checked here as well.
  const now = (context.now ?? new Date()).getTime();
  if (leaf.validTo.getTime() < now) {
    return { kind: 'match', failure: verificationError('CERT_HAS_EXPIRED', context) };
  }
  if (leaf.validFrom.getTime() > now) {
    return { kind: 'match', failure: verificationError('CERT_NOT_YET_VALID', context) };
  }
  return { kind: 'match' };
}
