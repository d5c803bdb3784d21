/**
 * Starts and stops one xpra 3.1.3 server on loopback with one workload. The server listens
 * for TLS on 127.0.0.1 only. With `html` it also serves xpra's HTML5 client from the Debian
 * package on that port, over HTTPS and WSS.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, connect } from 'node:net';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { listProcessTree } from './process-stats';
import { join } from 'node:path';
import type { CertificateFiles } from './certificate';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const FIRST_DISPLAY = 300;

export interface XpraServerOptions {
  /** Shell command line of the workload, started with `--start-child`. */
  command: string;
  /** Title of the workload's window: the server counts as ready once that window exists. */
  windowTitle: string;
  html: boolean;
  certificate: CertificateFiles;
  /** A directory of this run: sockets and the server log go there. */
  directory: string;
}

export interface XpraServer {
  display: number;
  port: number;
  socketDirectory: string;
  logFile: string;
  pid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

// A benchmark stopped by an exception or Ctrl-C must not leave servers behind.
process.on('exit', () => {
  for (const child of running) {
    if (child.pid !== undefined && child.exitCode === null) child.kill('SIGKILL');
  }
});

/** Returns a TCP port that was free on 127.0.0.1 a moment ago. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function findFreeDisplay(): number {
  for (let display = FIRST_DISPLAY; display < FIRST_DISPLAY + 200; display++) {
    if (!existsSync(`/tmp/.X${display}-lock`) && !existsSync(`/tmp/.X11-unix/X${display}`)) return display;
  }
  throw new Error(`no free X display number between :${FIRST_DISPLAY} and :${FIRST_DISPLAY + 199}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function serverArguments(display: number, port: number, socketDirectory: string, options: XpraServerOptions): string[] {
  return [
    'start', `:${display}`,
    '--daemon=no',
    `--bind-ssl=127.0.0.1:${port}`,
    `--ssl-cert=${options.certificate.certFile}`,
    `--ssl-key=${options.certificate.keyFile}`,
    `--html=${options.html ? 'on' : 'off'}`,
    `--socket-dir=${socketDirectory}`,
    `--start-child=${options.command}`,
    '--exit-with-children=no',
    '--terminate-children=yes',
    // Everything below is switched off so that it neither costs time nor reaches outside.
    '--mdns=no', '--pulseaudio=no', '--notifications=no', '--dbus-proxy=no', '--dbus-launch=',
    '--dbus-control=no', '--webcam=no', '--speaker=off', '--microphone=off', '--printing=no',
    '--file-transfer=no', '--systemd-run=no', '--xsettings=no', '--start-new-commands=no',
    '--clipboard=no', '--bell=no',
  ];
}

/** Starts the server and returns once its TLS port accepts connections. */
export async function startXpraServer(options: XpraServerOptions): Promise<XpraServer> {
  const display = findFreeDisplay();
  const port = await findFreePort();
  const socketDirectory = join(options.directory, `sockets-${display}`);
  mkdirSync(socketDirectory, { recursive: true });
  const logFile = join(options.directory, `xpra-${display}.log`);
  const logFd = openSync(logFile, 'a');
  const child = spawn('xpra', serverArguments(display, port, socketDirectory, options), {
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, XPRA_SOCKET_DIR: socketDirectory },
  });
  closeSync(logFd);
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null) throw new Error(`xpra server on :${display} exited with code ${child.exitCode}; see ${logFile}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`xpra server on :${display} did not listen on 127.0.0.1:${port} within ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  try {
    await waitForWindow(display, options.windowTitle, deadline);
    await endXsession(logFile);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}; see ${logFile}`);
  }
  return { display, port, socketDirectory, logFile, pid: child.pid as number, stop };
}

const runCommand = promisify(execFile);

/** Returns the ids of the windows on `display` whose title matches `pattern`, found with xdotool. */
async function findWindows(display: number, pattern: string): Promise<string[]> {
  try {
    const { stdout } = await runCommand('xdotool', ['search', '--name', pattern], { env: { ...process.env, DISPLAY: `:${display}` } });
    return stdout.split('\n').filter((line) => line.trim() !== '');
  } catch {
    // xdotool exits with 1 when no window matches.
    return [];
  }
}

async function waitForWindow(display: number, title: string, deadline: number): Promise<void> {
  const pattern = `^${title}$`;
  while ((await findWindows(display, pattern)).length === 0) {
    if (Date.now() > deadline) throw new Error(`the workload window '${title}' did not appear on :${display}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Ends the '/etc/X11/Xsession true' command that Debian's xpra 3.1.3 configuration starts
 * in every session, with everything it started. Xsession does not accept 'true' as a
 * session, shows an xmessage window about it and, once that closes, starts a terminal.
 * Either window would be one more window for each client to paint. A command-line --start
 * adds to the configured list instead of replacing it, so the server's log gives the pid.
 */
async function endXsession(logFile: string): Promise<void> {
  const match = /started command '\/etc\/X11\/Xsession[^']*' with pid (\d+)/.exec(readFileSync(logFile, 'latin1'));
  if (!match) return;
  for (const stat of listProcessTree(Number(match[1])).reverse()) {
    try {
      process.kill(stat.pid, 'SIGTERM');
    } catch {
      // It exited on its own in the meantime.
    }
  }
}
