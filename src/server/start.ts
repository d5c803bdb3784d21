/** Starting a local secured xpra server. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs, openSync, closeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureLocalCertificates, type LocalCertificatePaths } from './certificates';
import { buildServerArguments, buildServerEnvironment, type ServerLayout } from './arguments';
import { findFreeDisplay, findFreePort, isDisplayInUse, isPortFree } from './ports';
import { ServerStartError, readLogTail, waitUntilReady } from './readiness';
import { writeSessionFile } from './session-file';
import {
  SESSION_FILE_NAME, STATE_FILE_NAME, describe, makePrivateDir, serverDir, writeState,
} from './state';
import { terminateProcess } from './stop';
import { SERVER_MODES, type LocalServer, type ServerMode, type StartOptions } from './types';
import { commandProgram, findExecutable, findXpra, readXpraVersion } from './xpra';
import { writePrivateConfig } from './xpra-config';

const DEFAULT_START_TIMEOUT_MS = 30_000;
const DEFAULT_START_COMMAND = 'xterm';
/** Maximum start attempts when another process takes the display or port that we chose. */
const MAX_START_ATTEMPTS = 3;

/** Displays handed out by this process and not yet visible as X lock files. */
const reservedDisplays = new Set<number>();

/**
 * Starts xpra with a TLS socket on 127.0.0.1 that requires our client certificate, waits
 * until it is ready, and writes its state file and session file. The process is detached,
 * so it outlives the caller (a VS Code window reload, the `serve` command). Raises
 * `XpraMissingError` without xpra and `ServerStartError`, with xpra's log, when it fails.
 */
export async function startLocalServer(options: StartOptions): Promise<LocalServer> {
  const env = options.env ?? process.env;
  const mode = options.mode ?? 'ssl';
  const start = (options.start ?? DEFAULT_START_COMMAND).trim();
  const log = options.logger;
  checkOptions(options, mode, start);
  const xpra = findXpra(env);
  const program = commandProgram(start);
  if (!findExecutable(program, env)) {
    throw new Error(`the start command '${program}' was not found on PATH; install it or choose another start command`);
  }
  const stateDir = path.resolve(options.stateDir);
  const certificates = await ensureLocalCertificates(path.join(stateDir, 'certificates'),
    new Date(), { logger: log });
  const xpraVersion = await readXpraVersion(xpra, env);
  const request = { xpra, env, mode, start, stateDir, certificates, options, xpraVersion };

  const tried = new Set<number>();
  for (let attempt = 1; ; attempt++) {
    const display = chooseDisplay(options.display, tried);
    try {
      return await startOnDisplay(request, display, await choosePort(options.port));
    } catch (error) {
      const collision = error instanceof ServerStartError ? findCollision(error.logTail, options) : undefined;
      if (!collision || attempt >= MAX_START_ATTEMPTS) {
        throw error;
      }
      log?.warn('server', `${collision} while starting on :${display}; trying again on another display and port`);
      tried.add(display);
    } finally {
      reservedDisplays.delete(display);
    }
  }
}

interface StartRequest {
  xpra: string;
  env: NodeJS.ProcessEnv;
  mode: ServerMode;
  start: string;
  stateDir: string;
  certificates: LocalCertificatePaths;
  options: StartOptions;
  xpraVersion?: [number, number];
}

async function startOnDisplay(request: StartRequest, display: number, port: number): Promise<LocalServer> {
  const { xpra, env, mode, start, certificates } = request;
  const log = request.options.logger;
  const id = `display-${display}`;
  const dir = serverDir(request.stateDir, id);
  await fs.rm(dir, { recursive: true, force: true });
  const layout = await prepareLayout(dir, { display, port, mode, start, certificates, env });

  const server: LocalServer = {
    id, pid: 0, display, host: '127.0.0.1', port, mode,
    uri: `ssl://127.0.0.1:${port}/`,
    sessionFile: path.join(dir, SESSION_FILE_NAME),
    caCertFile: certificates.caCert,
    clientCertFile: certificates.clientCert,
    clientKeyFile: certificates.clientKey,
    passwordFile: layout.passwordFile,
    logFile: path.join(dir, 'xpra.log'),
    socketDir: layout.socketDir,
    start,
    startedAt: new Date().toISOString(),
    xpraVersion: request.xpraVersion?.join('.'),
  };

  const args = buildServerArguments(layout, env);
  log?.info('server', `starting xpra on :${display}, ${mode} socket 127.0.0.1:${port}, running '${start}'`);
  log?.debug('server', `${xpra} ${args.join(' ')}`);
  // The started commands inherit xpra's working folder, so a terminal opens in the home folder.
  const home = env.HOME || os.homedir();
  const child = spawnDetached(xpra, args, buildServerEnvironment(layout, env), server.logFile, home);
  server.pid = child.process.pid ?? 0;
  if (server.pid > 0) {
    await writeState(server, dir);
  }

  try {
    await waitUntilReady({
      port, logFile: server.logFile, exitStatus: child.exitStatus,
      timeoutMs: request.options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      tls: await readTlsMaterial(certificates),
    });
  } catch (error) {
    log?.error('server', `xpra on :${display} failed to start: ${describe(error)}`);
    await abandon(server, child.exitStatus);
    throw error;
  }

  await writeSessionFile(server.sessionFile, {
    id, mode, host: server.host, port,
    caCertPem: await fs.readFile(certificates.caCert, 'utf8'),
    clientCertFile: certificates.clientCert,
    clientKeyFile: certificates.clientKey,
    passwordFile: server.passwordFile,
    xpraVersion: request.xpraVersion,
  });
  log?.info('server', `xpra ${id} is ready: pid ${server.pid}, ${server.uri}, session file ${server.sessionFile}`);
  return server;
}

/**
 * Returns what another process took between our check and xpra's start, when we chose it
 * and so may choose again: the display (Xvfb's "Server is already active") or the port.
 */
function findCollision(logTail: string, options: StartOptions): string | undefined {
  if (options.display === undefined && /Server is already active for display/.test(logTail)) {
    return 'the display was taken';
  }
  if (options.port === undefined && /Address already in use/.test(logTail)) {
    return 'the port was taken';
  }
  return undefined;
}

function checkOptions(options: StartOptions, mode: string, start: string): void {
  if (!SERVER_MODES.includes(mode as never)) {
    throw new Error(`invalid mode '${mode}': expected one of ${SERVER_MODES.join(', ')}`);
  }
  if (!start) {
    throw new Error('the start command is empty: give a command such as xterm');
  }
  if (/[\r\n]/.test(start)) {
    throw new Error('the start command must be a single line');
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 1 && options.port <= 65535)) {
    throw new Error(`invalid port ${options.port}: expected an integer from 1 to 65535`);
  }
  if (options.display !== undefined && !(Number.isInteger(options.display) && options.display >= 1 && options.display <= 65535)) {
    throw new Error(`invalid display ${options.display}: expected a positive integer`);
  }
  // xpra splits --tcp-auth options at commas, so no path it receives may contain one.
  if (options.stateDir.includes(',')) {
    throw new Error(`invalid state folder '${options.stateDir}': xpra cannot take a path with a comma`);
  }
}

function chooseDisplay(requested: number | undefined, tried: ReadonlySet<number>): number {
  if (requested !== undefined) {
    if (isDisplayInUse(requested) || reservedDisplays.has(requested)) {
      throw new Error(`display :${requested} is already in use; choose another or leave it out`);
    }
    reservedDisplays.add(requested);
    return requested;
  }
  const display = findFreeDisplay(new Set([...reservedDisplays, ...tried]));
  reservedDisplays.add(display);
  return display;
}

async function choosePort(requested: number | undefined): Promise<number> {
  if (requested === undefined) {
    return findFreePort();
  }
  if (!(await isPortFree(requested))) {
    throw new Error(`port ${requested} on 127.0.0.1 is already in use; choose another or leave it out`);
  }
  return requested;
}

interface LayoutRequest {
  display: number;
  port: number;
  mode: LocalServer['mode'];
  start: string;
  certificates: { caCert: string; serverCert: string; serverKey: string };
  env: NodeJS.ProcessEnv;
}

/** Creates the server's private folders, and its password file in `tcp` mode. */
async function prepareLayout(dir: string, request: LayoutRequest): Promise<ServerLayout> {
  const layout: ServerLayout = {
    display: request.display,
    port: request.port,
    mode: request.mode,
    start: request.start,
    caCertFile: request.certificates.caCert,
    serverCertFile: request.certificates.serverCert,
    serverKeyFile: request.certificates.serverKey,
    socketDir: path.join(dir, 'sockets'),
    emptyCaDir: path.join(dir, 'no-default-ca'),
    runtimeDir: path.join(dir, 'runtime'),
    configDir: path.join(dir, 'xpra-config'),
  };
  for (const folder of [dir, layout.socketDir, layout.emptyCaDir, layout.runtimeDir, layout.configDir]) {
    await makePrivateDir(folder);
  }
  await writePrivateConfig(layout.configDir, request.env);
  if (request.mode === 'tcp') {
    layout.passwordFile = path.join(dir, 'password');
    await fs.writeFile(layout.passwordFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return layout;
}

interface DetachedChild {
  process: ChildProcess;
  exitStatus: () => string | undefined;
}

/**
 * Spawns xpra in its own session, with its output in `logFile`, and unreferences it so
 * that the caller can exit while the server keeps running.
 */
function spawnDetached(
  command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, cwd: string,
): DetachedChild {
  const logFd = openSync(logFile, 'a', 0o600);
  let exit: string | undefined;
  let child: ChildProcess;
  try {
    child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  child.once('error', (error) => {
    exit = `cannot run ${command}: ${error.message}`;
  });
  child.once('exit', (code, signal) => {
    exit = signal ? `killed by ${signal}` : `exit code ${code}`;
  });
  child.unref();
  return { process: child, exitStatus: () => exit };
}

async function readTlsMaterial(certificates: { caCert: string; clientCert: string; clientKey: string }) {
  const [ca, cert, key] = await Promise.all([
    fs.readFile(certificates.caCert, 'utf8'),
    fs.readFile(certificates.clientCert, 'utf8'),
    fs.readFile(certificates.clientKey, 'utf8'),
  ]);
  return { ca, cert, key };
}

/** Stops a server that failed to start and removes its state file, but keeps its log. */
async function abandon(server: LocalServer, exitStatus: () => string | undefined): Promise<void> {
  if (server.pid > 0 && !exitStatus()) {
    await terminateProcess(server.pid, server.display);
  }
  await fs.rm(path.join(path.dirname(server.sessionFile), STATE_FILE_NAME), { force: true });
}

export { ServerStartError, readLogTail };
