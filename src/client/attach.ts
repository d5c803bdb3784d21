/**
 * `attach()`: connect over TLS, agree on a packet encoder, authenticate, and return a live
 * session. The encoder is chosen per server without asking the user. The hello goes out as
 * rencodeplus first. When the server cannot read it (it replies with plain text about the
 * encoder, or closes before its hello), we reconnect with the legacy rencode hello.
 */
import { connect as connectTcp } from 'node:net';
import type { Duplex } from 'node:stream';
import { connectTls, isLoopbackHost, parseServerUri, type ServerUri } from '../transport';
import type { Encoder } from '../protocol/types';
import { usKeycodes } from '../keymap';
import { PacketChannel } from './channel';
import { silentLogger } from './context';
import { AttachError, runHandshake } from './handshake';
import { buildHello, newClientUuid } from './hello';
import { XpraSession } from './session';
import type { AttachOptions, EncodingTuning, Logger } from './types';
import { encoderOrder, hostPortKey, rememberEncoder } from './wire-format';

/** Time allowed for the TLS handshake and the server hello when the caller sets none, in ms. */
export const DEFAULT_TIMEOUT_MS = 20_000;

/** The packet compressors the protocol module decodes. */
const COMPRESSORS = ['lz4', 'zlib', 'brotli'];

/**
 * The minimum speed requested from a server on a loopback host when the caller names no speed.
 *
 * xpra 3.1.3 counts a draw acknowledged more than about 100 ms late as network congestion
 * and lowers its speed (`window_source.py`). At a lower speed it sends terminal lines as
 * webp and png instead of lz4-compressed rgb, which cost the server more to encode and the
 * webview more to decode, on the same machine. In `npm run bench` runs with a floor of 80,
 * our panel kept 0.59 of the null client's terminal updates instead of 0.40. Over loopback
 * the extra bytes cost nothing, so the floor applies there only.
 */
export const LOOPBACK_MIN_SPEED = 80;

/** Returns the tuning for the hello: the caller's, plus the loopback speed floor when it names no speed. */
export function effectiveTuning(host: string, tuning: EncodingTuning = {}): EncodingTuning {
  const namesSpeed = tuning.speed !== undefined || tuning.minSpeed !== undefined;
  if (namesSpeed || !isLoopbackHost(host)) return tuning;
  return { ...tuning, minSpeed: LOOPBACK_MIN_SPEED };
}

export async function attach(options: AttachOptions): Promise<XpraSession> {
  const logger = options.logger ?? silentLogger;
  const target = parseServerUri(options.uri);
  const hostPort = hostPortKey(target.host, target.port);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const uuid = newClientUuid();
  const order = encoderOrder(hostPort, options.wireFormats, target.host);
  let lastDetail = '';

  for (const [index, encoder] of order.entries()) {
    if (index > 0) {
      logger.info(
        'handshake',
        `${hostPort} did not accept a ${order[index - 1]} hello (${lastDetail}); retrying with ${encoder}`,
      );
    }
    const started = Date.now();
    const connection = await openConnection(target, options, timeoutMs, logger);
    if (connection.insecure) {
      logger.warn(
        'tls',
        `the connection to ${hostPort} is not verified (ssl-server-verify-mode ${options.tls.verifyMode})`,
      );
    }
    let encodings: string[];
    try {
      encodings = typeof options.encodings === 'function' ? await options.encodings() : options.encodings;
    } catch (error) {
      connection.socket.destroy();
      throw error;
    }
    const channel = new PacketChannel(connection.socket, encoder, logger);
    const onAbort = (): void => channel.destroy(new AttachError('the attach was cancelled'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const hello = buildHello({
      encodings,
      desktopSize: options.desktopSize,
      keycodes: usKeycodes(),
      tls: !connection.insecurePlain,
      compressors: COMPRESSORS,
      nested: encoder === 'rencodeplus',
      uuid,
      username: target.username,
      tuning: effectiveTuning(target.host, options.encodingTuning),
    });
    const result = await runHandshake({
      channel,
      hello,
      host: target.host,
      port: target.port,
      username: target.username,
      tls: !connection.insecurePlain,
      timeoutMs: Math.max(1, timeoutMs - (Date.now() - started)),
      limitMs: timeoutMs,
      getPassword: options.getPassword,
      logger,
    }).finally(() => options.signal?.removeEventListener('abort', onAbort));
    if (result.kind === 'wrong-encoder') {
      lastDetail = result.detail;
      channel.destroy();
      continue;
    }
    rememberEncoder(hostPort, encoder, options.wireFormats, target.host);
    logger.info(
      'handshake',
      `attached to ${hostPort} with ${encoder} in ${Date.now() - started} ms`,
    );
    return new XpraSession({
      channel,
      serverCaps: result.serverCaps,
      encoder: result.encoder as Encoder,
      insecure: connection.insecure,
      tlsProtocol: connection.protocol ?? '',
      logger,
    });
  }
  throw new AttachError(
    `the server at ${hostPort} accepted none of our packet encoders (${order.join(', ')}): ${lastDetail}`,
  );
}

interface OpenConnection {
  socket: Duplex;
  insecure: boolean;
  /** True for a `tcp:` URI: no TLS at all, so no xor digest either. */
  insecurePlain: boolean;
  protocol?: string;
}

async function openConnection(
  target: ServerUri,
  options: AttachOptions,
  timeoutMs: number,
  logger: Logger,
): Promise<OpenConnection> {
  if (target.mode === 'tcp') {
    logger.warn(
      'network',
      `${target.displayName} is plain TCP: everything, including passwords, travels unencrypted`,
    );
    const socket = await connectPlain(target.host, target.port, timeoutMs);
    return { socket, insecure: true, insecurePlain: true };
  }
  const connection = await connectTls(target, options.tls, {
    timeoutMs,
    signal: options.signal,
    logger,
  });
  return {
    socket: connection.socket,
    insecure: connection.insecure,
    insecurePlain: false,
    protocol: connection.protocol,
  };
}

function connectPlain(host: string, port: number, timeoutMs: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new AttachError(`timed out after ${timeoutMs / 1000} s connecting to ${host}:${port}`),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new AttachError(`cannot connect to ${host}:${port}: ${error.message}`));
    });
  });
}
