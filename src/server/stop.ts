/** Stopping a local server that we started, by its recorded pid and display. */
import { existsSync, promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import {
  STATE_FILE_NAME, defaultStateDir, describe, isServerProcess, readState, serverDir,
} from './state';
import type { LocalServer, Logger } from './types';
import { findXpra, runXpra } from './xpra';

const XPRA_STOP_TIMEOUT_MS = 15_000;
const EXIT_WAIT_MS = 10_000;
const POLL_INTERVAL_MS = 100;

export interface StopOptions {
  /** State folder for a server given by id. Default: `defaultStateDir()`. */
  stateDir?: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

export interface StopResult {
  server: LocalServer;
  /** False when the process had already exited and only the state was removed. */
  wasRunning: boolean;
}

/**
 * Stops a server given as a `LocalServer`, its id, its session file or its folder, and
 * removes its folder. It runs `xpra stop` over the server's private unix-domain socket
 * first, then signals the recorded pid, and only while that pid is still an xpra process
 * for the recorded display.
 */
export async function stopLocalServer(
  target: string | LocalServer,
  options: StopOptions = {},
): Promise<StopResult> {
  const server = typeof target === 'string' ? readState(locateStateFile(target, options)) : target;
  const log = options.logger;
  const wasRunning = isServerProcess(server.pid, server.display);
  if (wasRunning) {
    log?.info('server', `stopping xpra ${server.id} (pid ${server.pid}, display :${server.display})`);
    await askXpraToStop(server, options.env ?? process.env, log);
    if (!(await waitForExit(server.pid, server.display, EXIT_WAIT_MS))) {
      log?.warn('server', `xpra ${server.id} is still running after 'xpra stop'; sending SIGTERM to pid ${server.pid}`);
      await terminateProcess(server.pid, server.display);
    }
  } else {
    log?.info('server', `xpra ${server.id} (pid ${server.pid}) is no longer running; removing its state`);
  }
  await removeServerFolder(server, log);
  return { server, wasRunning };
}

/**
 * Removes `<stateDir>/servers/<id>/`. The folder comes from the state file, so it is removed
 * only when its path has that shape. Otherwise only the state file is removed.
 */
async function removeServerFolder(server: LocalServer, log?: Logger): Promise<void> {
  const folder = path.dirname(path.resolve(server.sessionFile));
  if (path.basename(folder) === server.id && path.basename(path.dirname(folder)) === 'servers') {
    await fs.rm(folder, { recursive: true, force: true });
    return;
  }
  log?.warn('server', `not removing ${folder}: it is not the folder of server ${server.id}`);
  await fs.rm(path.join(folder, STATE_FILE_NAME), { force: true });
}

/** Returns the state file for an id, a session file, a server folder or a state file. */
export function locateStateFile(target: string, options: StopOptions = {}): string {
  const isPath = target.includes('/') || target.endsWith('.xpra');
  if (!isPath && /^[\w.-]+$/.test(target)) {
    const byId = path.join(serverDir(options.stateDir ?? defaultStateDir(options.env), target), STATE_FILE_NAME);
    if (existsSync(byId)) {
      return byId;
    }
    throw new Error(`no local server with id '${target}': give the path of its session file or its id`);
  }
  let candidate: string;
  if (existsSync(target) && statSync(target).isDirectory()) {
    candidate = path.join(target, STATE_FILE_NAME);
  } else if (path.basename(target) === STATE_FILE_NAME) {
    candidate = target;
  } else {
    // The state file is the session file's sibling, and it outlives a deleted session file.
    candidate = path.join(path.dirname(target), STATE_FILE_NAME);
  }
  if (existsSync(candidate)) {
    return path.resolve(candidate);
  }
  if (!existsSync(target)) {
    throw new Error(`session file ${target} not found: the server was stopped already, or the path is wrong`);
  }
  throw new Error(`no server state found for ${target}: expected ${candidate}, ` +
    'which xpra-sessions serve writes next to the session file');
}

async function askXpraToStop(server: LocalServer, env: NodeJS.ProcessEnv, log?: Logger): Promise<void> {
  let xpra: string;
  try {
    xpra = findXpra(env);
  } catch (error) {
    log?.warn('server', `cannot run 'xpra stop': ${describe(error)}`);
    return;
  }
  const args = ['stop', `:${server.display}`, `--socket-dir=${server.socketDir}`, `--socket-dirs=${server.socketDir}`];
  try {
    const result = await runXpra(xpra, args, { env, timeoutMs: XPRA_STOP_TIMEOUT_MS });
    if (result.exitCode !== 0) {
      log?.warn('server', `'xpra ${args.join(' ')}' exited with code ${result.exitCode}: ${lastLine(result.stderr)}`);
    }
  } catch (error) {
    log?.warn('server', describe(error));
  }
}

/**
 * Sends SIGTERM to `pid`, then SIGKILL if it has not exited within 10 seconds. Does nothing
 * when `pid` is not an xpra process for `display`, so a reused pid is never signalled.
 */
export async function terminateProcess(pid: number, display: number): Promise<void> {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    if (!isServerProcess(pid, display)) {
      return;
    }
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitForExit(pid, display, EXIT_WAIT_MS)) {
      return;
    }
  }
}

async function waitForExit(pid: number, display: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isServerProcess(pid, display)) {
    if (Date.now() >= deadline) {
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  return true;
}

function lastLine(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim());
  return lines[lines.length - 1] ?? '';
}
