/**
 * "Xpra: Start Local Server with Options…": quick picks for the start command, the socket
 * kind, the port and the display. The choices are remembered for this workspace and used by
 * every later "Xpra: Start Local Secured Server".
 */
import * as vscode from 'vscode';
import type { ServerMode } from '../engine';
import {
  checkStartCommand, isValidDisplay, isValidPort, readStartChoices, saveStartChoices, type StartChoices,
} from './choices';
import { readDesktopApplications } from './desktop-apps';

const TITLE = 'Xpra: Start Local Server with Options';

interface ValuePick<T> extends vscode.QuickPickItem {
  value?: T;
  /** Set on the item that opens an input box for another value. */
  enter?: true;
}

const MODE_ITEMS: ValuePick<ServerMode>[] = [
  { label: 'ssl', value: 'ssl', detail: 'A TLS socket (--bind-ssl). The default.' },
  { label: 'tcp', value: 'tcp', detail: 'A TCP socket upgraded to TLS (--bind-tcp, --ssl=on), with a random password as well.' },
  { label: 'www', value: 'www', detail: 'A TLS socket that also serves xpra\'s HTML5 client over HTTPS to browsers with the client certificate.' },
];

/**
 * Asks for the four choices, starting from the remembered ones, and saves them. Returns
 * undefined when a pick is cancelled; nothing is saved then.
 */
export async function pickStartChoices(
  store: vscode.Memento,
  defaultStart: string,
): Promise<StartChoices | undefined> {
  const current = readStartChoices(store, defaultStart);
  const start = await pickStartCommand(current.start, defaultStart);
  if (start === undefined) return undefined;
  const mode = await pickOne(MODE_ITEMS, current.mode, 'Step 2 of 4: socket kind');
  if (mode === undefined) return undefined;
  const port = await pickNumber('port', current.port, 'Step 3 of 4: TCP port on 127.0.0.1', isValidPort);
  if (port === null) return undefined;
  const display = await pickNumber('display', current.display, 'Step 4 of 4: X11 display number', isValidDisplay);
  if (display === null) return undefined;
  const choices: StartChoices = { start, mode };
  if (port !== undefined) choices.port = port;
  if (display !== undefined) choices.display = display;
  await saveStartChoices(store, choices);
  return choices;
}

async function pickStartCommand(current: string, defaultStart: string): Promise<string | undefined> {
  const items: ValuePick<string>[] = [{ label: current, value: current, description: 'last used' }];
  const setting = defaultStart.trim() || 'xterm';
  if (setting !== current) items.push({ label: setting, value: setting, description: 'xpra.localServer.command' });
  for (const application of await readDesktopApplications()) {
    if (items.some((item) => item.value === application.command)) continue;
    items.push({ label: application.name, value: application.command, description: application.command });
  }
  items.push({ label: '$(edit) Enter a command…', enter: true, alwaysShow: true });
  const picked = await vscode.window.showQuickPick(items, {
    title: `${TITLE} (step 1 of 4: start command)`,
    placeHolder: 'Pick the application that the server runs',
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (!picked.enter) return picked.value;
  const typed = await vscode.window.showInputBox({
    title: `${TITLE} (step 1 of 4: start command)`,
    prompt: 'Command that runs inside the server, such as xterm or firefox',
    value: current,
    validateInput: (value) => checkStartCommand(value),
  });
  return typed?.trim();
}

async function pickOne<T>(items: ValuePick<T>[], current: T, step: string): Promise<T | undefined> {
  const ordered = [...items].sort((a, b) => Number(b.value === current) - Number(a.value === current));
  const picked = await vscode.window.showQuickPick(ordered, { title: `${TITLE} (${step.toLowerCase()})` });
  return picked?.value;
}

/**
 * Asks for a port or a display: a free one, the remembered number, or a typed number.
 * Returns undefined for "a free one" and null when cancelled.
 */
async function pickNumber(
  noun: 'port' | 'display',
  current: number | undefined,
  step: string,
  isValid: (value: unknown) => value is number,
): Promise<number | undefined | null> {
  const items: ValuePick<number>[] = [{ label: `A free ${noun}`, detail: 'Chosen at each start.' }];
  if (current !== undefined) items.unshift({ label: String(current), value: current, description: 'last used' });
  items.push({ label: `$(edit) Enter a ${noun}…`, enter: true });
  const picked = await vscode.window.showQuickPick(items, { title: `${TITLE} (${step.toLowerCase()})` });
  if (!picked) return null;
  if (!picked.enter) return picked.value;
  const typed = await vscode.window.showInputBox({
    title: `${TITLE} (${step.toLowerCase()})`,
    prompt: `An integer from 1 to 65535`,
    validateInput: (value) => (isValid(Number(value.trim())) ? undefined : `Enter an integer from 1 to 65535.`),
  });
  return typed === undefined ? null : Number(typed.trim());
}
