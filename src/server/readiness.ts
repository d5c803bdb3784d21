/** Waiting until a freshly started xpra server is ready to accept our client. */
import { promises as fs } from 'node:fs';
import * as tls from 'node:tls';
import { describe } from './state';

/** The line xpra 3.1 to 6.x print once every socket is bound and the display is up. */
const READY_LINE = 'xpra is ready.';
const POLL_INTERVAL_MS = 200;
const HANDSHAKE_TIMEOUT_MS = 3_000;
/** Lines of xpra's log quoted in a start error. */
const LOG_TAIL_LINES = 15;

/** Raised when a server fails to start. The message ends with the last lines of its log. */
export class ServerStartError extends Error {
  constructor(message: string, readonly logFile: string, readonly logTail: string) {
    super(logTail ? `${message}\nLast lines of ${logFile}:\n${logTail}` : `${message} (log: ${logFile})`);
    this.name = 'ServerStartError';
  }
}

export interface TlsMaterial {
  ca: string;
  cert: string;
  key: string;
}

export interface ReadinessCheck {
  port: number;
  logFile: string;
  tls: TlsMaterial;
  timeoutMs: number;
  /** Returns the exit description once the server process has exited, otherwise undefined. */
  exitStatus: () => string | undefined;
}

/** Returns the last `count` non-empty lines of a log file, or '' when it cannot be read. */
export async function readLogTail(logFile: string, count = LOG_TAIL_LINES): Promise<string> {
  try {
    const lines = (await fs.readFile(logFile, 'utf8')).split('\n').filter((line) => line.trim());
    return lines.slice(-count).join('\n');
  } catch {
    return '';
  }
}

/**
 * Waits until xpra has printed its ready line and the port completes a TLS handshake that
 * verifies the server against our CA while presenting our client certificate. Raises a
 * `ServerStartError` when the process exits first or the wait times out.
 */
export async function waitUntilReady(check: ReadinessCheck): Promise<void> {
  const deadline = Date.now() + check.timeoutMs;
  let lastProblem = 'xpra has not printed its ready line yet';
  for (;;) {
    const exit = check.exitStatus();
    if (exit) {
      throw new ServerStartError(`xpra exited during start-up (${exit})`, check.logFile,
        await readLogTail(check.logFile));
    }
    if (await logContains(check.logFile, READY_LINE)) {
      const failure = await tryHandshake(check.port, check.tls);
      if (failure === undefined) {
        return;
      }
      lastProblem = `the TLS handshake with 127.0.0.1:${check.port} failed: ${failure}`;
    }
    if (Date.now() >= deadline) {
      throw new ServerStartError(
        `xpra was not ready after ${check.timeoutMs} ms: ${lastProblem}`,
        check.logFile, await readLogTail(check.logFile));
    }
    await sleep(POLL_INTERVAL_MS);
  }
}

async function logContains(logFile: string, text: string): Promise<boolean> {
  try {
    return (await fs.readFile(logFile, 'utf8')).includes(text);
  } catch {
    return false;
  }
}

/**
 * Performs one verified TLS handshake without ALPN, because xpra treats an `http/1.1` ALPN
 * offer as HTTPS. Returns undefined on success or the reason of the failure.
 * NOTE: xpra 3.1.3 speaks TLS 1.2 by default, where the server checks our client certificate
 * within the handshake. Under TLS 1.3 the handshake completes before that check, so success
 * would not prove that the server accepts the certificate.
 */
export function tryHandshake(port: number, material: TlsMaterial): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      ca: material.ca,
      cert: material.cert,
      key: material.key,
      rejectUnauthorized: true,
      timeout: HANDSHAKE_TIMEOUT_MS,
    });
    const finish = (result: string | undefined): void => {
      socket.destroy();
      resolve(result);
    };
    socket.once('secureConnect', () => finish(socket.authorized ? undefined : String(socket.authorizationError)));
    socket.once('timeout', () => finish(`no handshake within ${HANDSHAKE_TIMEOUT_MS} ms`));
    socket.once('error', (error) => finish(describe(error)));
  });
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
