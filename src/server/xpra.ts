/** Finding the xpra executable and running its short commands (`list`, `stop`, `version`). */
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** Raised when no xpra executable is on PATH. The message names the install command. */
export class XpraMissingError extends Error {
  constructor(readonly installCommand: string) {
    super(`xpra was not found on PATH. Install it with: ${installCommand}`);
    this.name = 'XpraMissingError';
  }
}

/** Returns the install command for xpra, Xvfb and xterm on this platform. */
export function installCommand(
  platform: NodeJS.Platform = process.platform,
  osRelease = readOsRelease(),
): string {
  if (platform === 'darwin' || platform === 'win32') {
    // xpra can only start an X11 server (Xvfb) on Linux and other Unix systems.
    return 'a Linux machine: xpra can start an X11 server only there (see https://xpra.org)';
  }
  const ids = `${osRelease.ID ?? ''} ${osRelease.ID_LIKE ?? ''}`.split(/\s+/);
  if (ids.some((id) => id === 'debian' || id === 'ubuntu')) {
    return 'sudo apt-get install xpra xvfb xterm';
  }
  if (ids.some((id) => id === 'fedora' || id === 'rhel' || id === 'centos')) {
    return 'sudo dnf install xpra xorg-x11-server-Xvfb xterm';
  }
  if (ids.some((id) => id === 'arch')) {
    return 'sudo pacman -S xpra xorg-server-xvfb xterm';
  }
  if (ids.some((id) => id === 'opensuse' || id === 'suse')) {
    return 'sudo zypper install xpra xvfb-run xterm';
  }
  return 'your package manager (packages xpra, Xvfb and xterm; Debian/Ubuntu: ' +
    'sudo apt-get install xpra xvfb xterm)';
}

function readOsRelease(): Record<string, string> {
  const fields: Record<string, string> = {};
  let text: string;
  try {
    text = readFileSync('/etc/os-release', 'utf8');
  } catch {
    return fields;
  }
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) {
      fields[match[1]] = match[2].replace(/^["']|["']$/g, '').toLowerCase();
    }
  }
  return fields;
}

/** Returns the absolute path of the xpra executable on PATH, or raises `XpraMissingError`. */
export function findXpra(env: NodeJS.ProcessEnv = process.env): string {
  const names = process.platform === 'win32' ? ['xpra.exe', 'xpra_cmd.exe'] : ['xpra'];
  for (const name of names) {
    const found = findExecutable(name, env);
    if (found) {
      return found;
    }
  }
  throw new XpraMissingError(installCommand());
}

/** Returns the absolute path of `name` (a path, or a name looked up on PATH), or undefined. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (name.includes('/')) {
    return isExecutableFile(name) ? path.resolve(name) : undefined;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = dir ? path.resolve(dir, name) : undefined;
    if (candidate && isExecutableFile(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/**
 * Returns the program of a start command: its first word, split the way xpra splits it
 * (POSIX shell quoting, no expansion).
 */
export function commandProgram(command: string): string {
  const match = /^\s*(?:'([^']*)'|"((?:[^"\\]|\\.)*)"|((?:[^\s'"\\]|\\.)+))/.exec(command);
  if (!match) {
    return '';
  }
  return match[1] ?? match[2]?.replace(/\\(.)/g, '$1') ?? match[3].replace(/\\(.)/g, '$1');
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Returns the [major, minor] version that `xpra --version` prints ("xpra v3.1.3"), or
 * undefined when it cannot be run or read.
 */
export async function readXpraVersion(xpra: string, env: NodeJS.ProcessEnv): Promise<[number, number] | undefined> {
  try {
    const result = await runXpra(xpra, ['--version'], { env, timeoutMs: 10_000 });
    const match = /\bv?(\d+)\.(\d+)/.exec(`${result.stdout}\n${result.stderr}`);
    return match ? [Number(match[1]), Number(match[2])] : undefined;
  } catch {
    return undefined;
  }
}

export interface XpraResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `xpra ARGS...` to completion; a non-zero exit is returned, not raised. */
export function runXpra(
  xpra: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<XpraResult> {
  return new Promise((resolve, reject) => {
    execFile(
      xpra,
      args,
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 30_000, maxBuffer: 4 << 20 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          // Spawn failures and timeouts have no numeric exit code.
          const reason = error.killed ? `timed out after ${options.timeoutMs ?? 30_000} ms` : error.message;
          reject(new Error(`xpra ${args[0]} failed: ${reason}`));
          return;
        }
        resolve({ exitCode: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}
