/**
 * Installed desktop applications, read from the `Exec` lines of freedesktop.org desktop
 * entries, for the start command quick pick. Pure parsing plus one folder read; no `vscode`.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export const DEFAULT_APPLICATION_DIRS = ['/usr/share/applications'];

/** Terminal that runs the applications whose entry has `Terminal=true`. */
const TERMINAL_PREFIX = 'xterm -e ';

/** Maximum size of a desktop entry that is read, so a huge or hostile file is skipped. */
const MAX_ENTRY_BYTES = 64 * 1024;

export interface DesktopApplication {
  /** The untranslated `Name` of the entry. */
  name: string;
  /** The start command: `Exec` without its field codes, wrapped in xterm for `Terminal=true`. */
  command: string;
  /** The desktop entry file. */
  file: string;
}

/**
 * Returns the keys of the `[Desktop Entry]` group. Other groups (actions) and localized keys
 * such as `Name[de]` are left out, because their key contains a bracket.
 */
export function readDesktopEntryGroup(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  let inEntry = false;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      inEntry = line === '[Desktop Entry]';
      continue;
    }
    if (!inEntry) continue;
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    const key = line.slice(0, equals).trim();
    if (!/^[A-Za-z0-9-]+$/.test(key) || keys.has(key)) continue;
    keys.set(key, line.slice(equals + 1).trim());
  }
  return keys;
}

/**
 * Removes the field codes (`%f`, `%U`, `%i` and the others) from an `Exec` value, which the
 * desktop entry specification lets a launcher fill with files, URLs or icons, and turns
 * `%%` into `%`. Returns undefined for an empty command.
 */
export function execToCommand(exec: string): string | undefined {
  const words = exec.split(/\s+/).filter((word) => word !== '' && !/^"?%[fFuUdDnNickvm]"?$/.test(word));
  const command = words.join(' ').replace(/%[fFuUdDnNickvm]/g, '').replace(/%%/g, '%').trim();
  return command === '' ? undefined : command;
}

/** Returns the application of one desktop entry, or undefined when it is hidden or not an application. */
export function parseDesktopEntry(text: string, file: string): DesktopApplication | undefined {
  const keys = readDesktopEntryGroup(text);
  if (keys.get('Type') !== 'Application') return undefined;
  if (keys.get('NoDisplay') === 'true' || keys.get('Hidden') === 'true') return undefined;
  const name = keys.get('Name');
  const exec = keys.get('Exec');
  if (!name || !exec) return undefined;
  const command = execToCommand(exec);
  if (!command) return undefined;
  // xpra's own launchers would start a second xpra inside the server, which is of no use.
  if (/^(\S*\/)?xpra(_launcher)?$/.test(command.split(' ')[0])) return undefined;
  const inTerminal = keys.get('Terminal') === 'true';
  return { name, command: inTerminal ? `${TERMINAL_PREFIX}${command}` : command, file };
}

/**
 * Reads the desktop entries of `dirs` (not their subfolders) and returns their applications
 * sorted by name, one per command. Unreadable files and folders are skipped.
 */
export async function readDesktopApplications(
  dirs: readonly string[] = DEFAULT_APPLICATION_DIRS,
): Promise<DesktopApplication[]> {
  const byCommand = new Map<string, DesktopApplication>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((each) => each.endsWith('.desktop')).sort()) {
      const file = path.join(dir, name);
      const application = await readEntryFile(file);
      if (application && !byCommand.has(application.command)) byCommand.set(application.command, application);
    }
  }
  return [...byCommand.values()].sort((a, b) => a.name.localeCompare(b.name));
}

async function readEntryFile(file: string): Promise<DesktopApplication | undefined> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile() || stat.size > MAX_ENTRY_BYTES) return undefined;
    return parseDesktopEntry(await fs.readFile(file, 'utf8'), file);
  } catch {
    return undefined;
  }
}
