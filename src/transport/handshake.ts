/**
 * One TLS handshake, run with verification failures collected rather than raised so that
 * the error can carry the certificate chain.
 */
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { summarizeCertificate, type CertificateSummary } from './certificate';
import { ConnectionError, handshakeError, TlsVerificationError, verificationError, type TlsFailureContext } from './errors';
import type { BuiltTlsOptions, TlsTarget } from './tls-options';

export interface HandshakeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  socket?: Duplex;
  logger?: { debug(category: string, message: string): void };
}

export interface Handshake {
  socket: tls.TLSSocket;
  protocol: string;
  cipher: string;
  chain: CertificateSummary[];
  /** The failed verification check; the caller decides whether the verify mode allows it. */
  failure?: TlsVerificationError;
}

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

/**
 * Runs a handshake. Resolves once it is complete, with any verification failure in
 * `failure`. Rejects for socket errors, alerts, timeouts and aborts, and then destroys the
 * socket, including one passed in `options.socket`.
 */
export function runHandshake(target: TlsTarget, built: BuiltTlsOptions, options: HandshakeOptions): Promise<Handshake> {
  return new Promise<Handshake>((resolve, reject) => {
    new HandshakeAttempt(target, built, options, resolve, reject).start();
  });
}

class HandshakeAttempt {
  private readonly where: string;
  private socket?: tls.TLSSocket;
  private chain: CertificateSummary[] = [];
  /** The completed handshake while a TLS 1.3 connection waits for tickets or an alert. */
  private ready?: Handshake;
  private settled = false;
  private timer?: NodeJS.Timeout;
  private settleTimer?: NodeJS.Timeout;

  constructor(
    private readonly target: TlsTarget,
    private readonly built: BuiltTlsOptions,
    private readonly options: HandshakeOptions,
    private readonly resolve: (handshake: Handshake) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.where = `${target.host}:${target.port}`;
  }

  start(): void {
    if (this.options.signal?.aborted) {
      this.fail(new ConnectionError('aborted', `connection to ${this.where} was cancelled`));
      return;
    }
    this.options.logger?.debug('tls', `TLS handshake with ${this.where}, checking the name ${this.built.checkedHost}`);
    const socket = tls.connect({
      ...this.built.options,
      // Verification still runs: node records a failed check in authorizationError, and
      // connectTls rejects the connection with the chain unless verify mode `none` was chosen.
      rejectUnauthorized: false,
      ...(this.options.socket ? { socket: this.options.socket } : {}),
    });
    // Acknowledgements and input are small writes that must leave at once. With Nagle's
    // algorithm on, each could wait for the server's delayed ACK of the previous one.
    const transport = (this.options.socket ?? socket) as { setNoDelay?: (noDelay: boolean) => unknown };
    transport.setNoDelay?.(true);
    this.socket = socket;
    this.timer = setTimeout(this.onTimeout, this.options.timeoutMs);
    this.options.signal?.addEventListener('abort', this.onAbort, { once: true });
    socket.on('secureConnect', this.onSecureConnect);
    socket.on('session', this.onSession);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  private context(): TlsFailureContext {
    return {
      host: this.target.host,
      port: this.target.port,
      checkedHost: this.built.checkedHost,
      chain: this.chain,
      clientCertificateSent: this.built.clientCertificateSent,
      ...this.negotiated(),
    };
  }

  private negotiated(): { protocol?: string; cipher?: string } {
    const protocol = this.socket?.getProtocol();
    const cipher = this.socket?.getCipher()?.name;
    if (!protocol || protocol === 'unknown') {
      return {};
    }
    return { protocol, ...(cipher ? { cipher } : {}) };
  }

  private readonly onSecureConnect = (): void => {
    const socket = this.socket as tls.TLSSocket;
    try {
      this.chain = peerChain(socket);
    } catch (error) {
      const message = `the server certificate cannot be read: ${(error as Error).message}`;
      this.fail(new TlsVerificationError('invalid-certificate', message, this.context()));
      return;
    }
    if (this.chain.length === 0) {
      this.fail(new TlsVerificationError('handshake', 'the server sent no certificate', this.context()));
      return;
    }
    const code = socket.authorized ? undefined : String(socket.authorizationError ?? 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const ready: Handshake = {
      socket,
      protocol: socket.getProtocol() ?? 'unknown',
      cipher: socket.getCipher()?.name ?? 'unknown',
      chain: this.chain,
      ...(code !== undefined ? { failure: verificationError(code, this.context()) } : {}),
    };
    if (ready.protocol !== 'TLSv1.3' || ready.failure) {
      this.succeed(ready);
      return;
    }
    this.ready = ready;
    this.settleTimer = setTimeout(() => this.succeed(ready), TLS13_SETTLE_MS);
  };

  private readonly onSession = (): void => {
    if (this.ready) {
      this.succeed(this.ready);
    }
  };

  private readonly onError = (error: Error & { code?: string }): void => {
    const reset = error.code === 'ECONNRESET' || error.code === 'EPIPE';
    const rejected = reset ? this.closedAfterClientCertificate() : undefined;
    let failure = rejected ?? this.describeSocketError(error);
    if (reset && !rejected && this.built.clientCertificateSent) {
      const message = `${failure.message} during the TLS handshake (it may have rejected the client certificate)`;
      failure = new ConnectionError('network', message, error.code);
    }
    this.fail(failure);
  };

  private readonly onClose = (): void => {
    const when = this.ready ? 'right after' : 'during';
    const closed = new ConnectionError('closed', `${this.where} closed the connection ${when} the TLS handshake`);
    this.fail(this.closedAfterClientCertificate() ?? closed);
  };

  private readonly onTimeout = (): void => {
    const message = `TLS handshake with ${this.where} timed out after ${this.options.timeoutMs} ms`;
    this.fail(new ConnectionError('timeout', message));
  };

  private readonly onAbort = (): void => {
    this.fail(new ConnectionError('aborted', `connection to ${this.where} was cancelled`));
  };

  /**
   * Some servers (node's among them) reject a client certificate by closing the connection
   * without an alert. A close after the server certificate arrived points to that.
   */
  private closedAfterClientCertificate(): TlsVerificationError | undefined {
    const serverCertificateSeen = this.ready !== undefined || Boolean(this.socket?.getPeerCertificate()?.raw);
    if (!this.built.clientCertificateSent || !serverCertificateSeen) {
      return undefined;
    }
    const message =
      `${this.where} closed the connection right after the TLS handshake: ` +
      'it may have rejected the client certificate';
    return new TlsVerificationError('client-certificate-rejected', message, this.context());
  }

  private describeSocketError(error: Error & { code?: string }): Error {
    const tlsError = handshakeError(error, this.context());
    if (tlsError) {
      return tlsError;
    }
    const code = error.code ?? '';
    const words = NETWORK_ERRORS[code] ?? error.message;
    return new ConnectionError('network', `cannot connect to ${this.where}: ${words}`, code || undefined);
  }

  private succeed(handshake: Handshake): void {
    if (this.cleanUp()) {
      // Until the caller adds its own listener, an 'error' event would be unhandled and end
      // the process. This one destroys the socket, so the caller sees it closed instead.
      handshake.socket.on('error', () => handshake.socket.destroy());
      this.resolve(handshake);
    }
  }

  private fail(error: Error): void {
    if (this.cleanUp()) {
      this.socket?.destroy();
      this.options.socket?.destroy();
      this.reject(error);
    }
  }

  /** Removes the timers and listeners. Returns false when the attempt had already ended. */
  private cleanUp(): boolean {
    if (this.settled) {
      return false;
    }
    this.settled = true;
    clearTimeout(this.timer);
    clearTimeout(this.settleTimer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    const socket = this.socket;
    socket?.off('secureConnect', this.onSecureConnect);
    socket?.off('session', this.onSession);
    socket?.off('error', this.onError);
    socket?.off('close', this.onClose);
    return true;
  }
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
