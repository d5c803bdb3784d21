/**
 * State files: each server we start gets `<stateDir>/servers/<id>/server.json`, so that a
 * later process (a reloaded VS Code window, `xpra-sessions stop`) can find and stop it.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SERVER_MODES, type LocalServer } from './types';

export const STATE_FILE_NAME = 'server.json';
export const SESSION_FILE_NAME = 'session.xpra';

/** Returns `$XDG_STATE_HOME/xpra-sessions`, or `~/.local/state/xpra-sessions` without it. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME)
    ? env.XDG_STATE_HOME
    : path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'xpra-sessions');
}

export function serversDir(stateDir: string): string {
  return path.join(stateDir, 'servers');
}

export function serverDir(stateDir: string, id: string): string {
  return path.join(serversDir(stateDir), id);
}

/** Creates a folder and its missing parents with mode 0700, and tightens it if it existed. */
export async function makePrivateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700);
}

/**
 * Writes `text` to `file` through a new temporary file created with `mode`, then renames it
 * over `file`. The data never exists with wider permissions, readers see either the old
 * file or the whole new one, and a failed write removes the temporary file.
 */
export async function writeFileAtomic(file: string, text: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await fs.open(temporary, 'wx', mode);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/** Writes the state file with mode 0600 through a temporary file. */
export async function writeState(server: LocalServer, dir: string): Promise<void> {
  const file = path.join(dir, STATE_FILE_NAME);
  await writeFileAtomic(file, `${JSON.stringify(server, null, 2)}\n`, 0o600);
}

/** Reads and checks a state file, and raises an error that names the file when it is invalid. */
export function readState(file: string): LocalServer {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the server state file ${file}: ${describe(error)}`);
  }
  const problem = checkState(value);
  if (problem) {
    throw new Error(`invalid server state file ${file}: ${problem}`);
  }
  return value as LocalServer;
}

function checkState(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) {
    return 'not a JSON object';
  }
  const record = value as Record<string, unknown>;
  for (const key of ['pid', 'display', 'port'] as const) {
    const field = record[key];
    if (typeof field !== 'number' || !Number.isInteger(field) || field <= 0) {
      return `${key} is not a positive integer`;
    }
  }
  const strings = ['id', 'host', 'uri', 'sessionFile', 'caCertFile', 'clientCertFile',
    'clientKeyFile', 'logFile', 'socketDir', 'start', 'startedAt'] as const;
  for (const key of strings) {
    if (typeof record[key] !== 'string') {
      return `${key} is missing`;
    }
  }
  if (!/^[\w.-]+$/.test(record.id as string) || record.id === '.' || record.id === '..') {
    return `id ${JSON.stringify(record.id)} is not a folder name`;
  }
  if (!SERVER_MODES.includes(record.mode as never)) {
    return `mode ${JSON.stringify(record.mode)} is not one of ${SERVER_MODES.join(', ')}`;
  }
  return undefined;
}

/**
 * Returns whether `pid` is a live xpra process for `display`. Checking the command line
 * guards against a reused pid, so that we never signal an unrelated process.
 */
export function isServerProcess(pid: number, display: number): boolean {
  let status: string;
  let commandLine: string[];
  try {
    status = readFileSync(`/proc/${pid}/stat`, 'utf8');
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return false;
  }
  // The state is the field after the parenthesised command name, and Z means a zombie.
  const state = status.slice(status.lastIndexOf(')') + 2, status.lastIndexOf(')') + 3);
  if (state === 'Z' || state === 'X') {
    return false;
  }
  const isXpra = commandLine.some((argument) => path.basename(argument) === 'xpra');
  return isXpra && commandLine.includes(`:${display}`);
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
