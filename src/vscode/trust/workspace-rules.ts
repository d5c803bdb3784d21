/**
 * Rules for session files in a workspace that VS Code does not trust. Such a file may not
 * start commands, and the files outside the workspace that it names (keys, certificates,
 * passwords) are read only after the person agrees. Pure: no `vscode` import.
 */
import * as path from 'node:path';

/**
 * xpra options whose value is a command line that xpra runs (on the server for the start
 * family, on the client for `ssh` and `exec-wrapper`).
 */
export const COMMAND_KEYS: readonly string[] = [
  'start',
  'start-child',
  'start-after-connect',
  'start-child-after-connect',
  'start-on-connect',
  'start-child-on-connect',
  'start-on-last-client-exit',
  'start-child-on-last-client-exit',
  'exec-wrapper',
  'ssh',
  'remote-xpra',
];

/** Options that name a file this client reads when it attaches. */
export const FILE_KEYS: readonly string[] = ['ssl-cert', 'ssl-key', 'ssl-ca-certs', 'password-file'];

export interface OutsideFile {
  key: string;
  /** The absolute path, resolved from the session file's folder. */
  path: string;
}

export interface UntrustedFindings {
  /** Command options set in the file, which are never run from an untrusted workspace. */
  commandKeys: string[];
  /** Files named by the session file that lie outside every workspace folder. */
  outsideFiles: OutsideFile[];
}

/**
 * Finds what an untrusted workspace forbids or must ask about in a session file's values.
 * `home` expands a leading `~`, as the attach code does.
 */
export function findUntrustedUses(
  values: ReadonlyMap<string, unknown>,
  sessionFile: string,
  workspaceFolders: readonly string[],
  home: string,
): UntrustedFindings {
  const isSet = (value: unknown): boolean => (typeof value === 'string' ? value.trim() !== '' : value !== undefined);
  const commandKeys = COMMAND_KEYS.filter((key) => isSet(values.get(key)));
  const outsideFiles: OutsideFile[] = [];
  for (const key of FILE_KEYS) {
    const value = values.get(key);
    if (typeof value !== 'string' || value.trim() === '') continue;
    const expanded = value.trim().replace(/^~(?=$|\/)/, home);
    const resolved = path.resolve(path.dirname(sessionFile), expanded);
    if (!workspaceFolders.some((folder) => isInside(resolved, folder))) outsideFiles.push({ key, path: resolved });
  }
  return { commandKeys, outsideFiles };
}

/** Returns true when `file` is `folder` or lies below it, after resolving `..` segments. */
export function isInside(file: string, folder: string): boolean {
  const relative = path.relative(path.resolve(folder), path.resolve(file));
  const escapes = relative === '..' || relative.startsWith(`..${path.sep}`);
  return !escapes && !path.isAbsolute(relative);
}
