/**
 * TLS connections to xpra servers: handshake, verification with errors in words, timeouts
 * and cancellation.
 */
import type { Duplex } from 'node:stream';
import type * as tls from 'node:tls';
import type { CertificateSummary } from './certificate';
import { TlsVerificationError } from './errors';
import { runHandshake, type Handshake, type HandshakeOptions } from './handshake';
import { applyPin } from './pin';
import { parseServerUri } from './uri';
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
  /** An open connection to run TLS over, e.g. a TCP socket. The target still names the host checked. */
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
  /** True when the certificate was accepted because it matches the pinned fingerprint. */
  pinned: boolean;
  /** The verification failure that verify mode `none` let through, if any. */
  verificationFailure?: TlsVerificationError;
}

export const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * Opens a verified TLS connection. Rejects with TlsVerificationError when a check fails
 * (unless the verify mode is `none`), ConnectionError on timeout, abort or socket errors,
 * and TlsSettingsError for unusable settings. On rejection the socket is destroyed.
 */
export async function connectTls(target: TlsTarget, settings: TlsSettings, options: ConnectOptions = {}): Promise<TlsConnection> {
  const built = await buildOrDestroy(target, settings, options);
  const result = await runHandshake(target, built, handshakeOptions(options));
  const log = options.logger;
  const { failure, pinned } = judge(target, built, result);
  if (failure && (!built.insecure || failure.check === 'fingerprint-mismatch')) {
    result.socket.destroy();
    log?.warn('tls', `${target.host}:${target.port} rejected: ${failure.message}`);
    throw failure;
  }
  const peerCertificate = result.chain[0];
  if (built.insecure) {
    const state = failure ? `would fail verification: ${failure.message}` : 'would pass verification';
    log?.warn('tls', `${target.host}:${target.port}: certificate NOT verified (verify mode none); it ${state}`);
  }
  if (pinned) {
    log?.info('tls', `${target.host}:${target.port}: certificate matches the pinned SHA-256 fingerprint`);
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
    pinned,
    ...(failure ? { verificationFailure: failure } : {}),
  };
}

export interface TlsCheckResult {
  target: TlsTarget;
  checkedHost: string;
  /** True when the certificate chain and host name verified, or the pinned certificate matched. */
  verified: boolean;
  pinned: boolean;
  /** The verification or handshake failure, when there was one. */
  failure?: TlsVerificationError;
  protocol?: string;
  cipher?: string;
  chain: CertificateSummary[];
}

/**
 * Connects, verifies, reports the chain and the result, and closes: the check of
 * `openssl s_client -CAfile`. `server` is a URI such as `ssl:host:port` or a host and port.
 * Verification failures are results. Socket errors, timeouts and unusable settings reject.
 */
export async function checkTls(
  server: string | TlsTarget,
  settings: TlsSettings,
  options: ConnectOptions = {},
): Promise<TlsCheckResult> {
  const parsed = typeof server === 'string' ? parseServerUri(server) : server;
  const target = { host: parsed.host, port: parsed.port };
  const built = await buildOrDestroy(target, { ...settings, verifyMode: 'required' }, options);
  let result: Handshake;
  try {
    result = await runHandshake(target, built, handshakeOptions(options));
  } catch (error) {
    if (error instanceof TlsVerificationError) {
      return { target, checkedHost: built.checkedHost, verified: false, pinned: false, failure: error, chain: error.chain };
    }
    throw error;
  }
  result.socket.destroy();
  const { failure, pinned } = judge(target, built, result);
  return {
    target,
    checkedHost: built.checkedHost,
    verified: failure === undefined,
    pinned,
    ...(failure ? { failure } : {}),
    protocol: result.protocol,
    cipher: result.cipher,
    chain: result.chain,
  };
}

function handshakeOptions(options: ConnectOptions): HandshakeOptions {
  return { ...options, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS };
}

/** Builds the TLS options, destroying a socket passed in `options` when the settings are unusable. */
async function buildOrDestroy(target: TlsTarget, settings: TlsSettings, options: ConnectOptions): Promise<BuiltTlsOptions> {
  try {
    return await buildTlsOptions(target, settings);
  } catch (error) {
    options.socket?.destroy();
    throw error;
  }
}

/** Applies the pin, if any, to the handshake's verification result. */
function judge(
  target: TlsTarget,
  built: BuiltTlsOptions,
  result: Handshake,
): { failure?: TlsVerificationError; pinned: boolean } {
  const context = {
    host: target.host,
    port: target.port,
    checkedHost: built.checkedHost,
    chain: result.chain,
    clientCertificateSent: built.clientCertificateSent,
    protocol: result.protocol,
    cipher: result.cipher,
  };
  const pin = applyPin(built.pinnedFingerprint, result.chain[0], result.failure, context);
  switch (pin.kind) {
    case 'no-pin':
      return { ...(result.failure ? { failure: result.failure } : {}), pinned: false };
    case 'mismatch':
      return { failure: pin.error, pinned: false };
    case 'match':
      return { ...(pin.failure ? { failure: pin.failure } : {}), pinned: true };
  }
}
