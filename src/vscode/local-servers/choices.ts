/**
 * The start choices of a local server (start command, socket kind, port, display), which
 * VS Code remembers per workspace. Pure: the store is any Memento-like object.
 */
import { SERVER_MODES, type ServerMode } from '../engine';

/** workspaceState key of the remembered choices. */
export const START_CHOICES_KEY = 'xpra.localServer.startChoices';

export interface StartChoices {
  /** Command that runs inside the server, such as `xterm`. */
  start: string;
  mode: ServerMode;
  /** TCP port on 127.0.0.1; undefined picks a free port at each start. */
  port?: number;
  /** X11 display number; undefined picks the first free one at each start. */
  display?: number;
}

/** The part of `vscode.Memento` that the choices use. */
export interface ChoiceStore {
  get(key: string): unknown;
  update(key: string, value: unknown): Thenable<void>;
}

export function isValidPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

export function isValidDisplay(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** Returns a problem with a start command, or undefined when it can be used. */
export function checkStartCommand(value: string): string | undefined {
  if (value.trim() === '') return 'The start command is empty: enter a command such as xterm.';
  if (/[\r\n]/.test(value)) return 'The start command must be a single line.';
  return undefined;
}

/**
 * Reads a partial set of choices from an unknown value (stored state or a command
 * argument). Raises an error that names the first invalid field.
 */
export function parseStartChoices(value: unknown): Partial<StartChoices> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('the start choices are not an object with start, mode, port and display');
  }
  const record = value as Record<string, unknown>;
  const choices: Partial<StartChoices> = {};
  if (record.start !== undefined) {
    const problem = typeof record.start === 'string' ? checkStartCommand(record.start) : 'The start command is not a string.';
    if (problem) throw new Error(`invalid start command: ${problem}`);
    choices.start = (record.start as string).trim();
  }
  if (record.mode !== undefined) {
    if (!SERVER_MODES.includes(record.mode as ServerMode)) {
      throw new Error(`invalid mode ${JSON.stringify(record.mode)}: expected one of ${SERVER_MODES.join(', ')}`);
    }
    choices.mode = record.mode as ServerMode;
  }
  if (record.port !== undefined) {
    if (!isValidPort(record.port)) throw new Error(`invalid port ${JSON.stringify(record.port)}: expected an integer from 1 to 65535`);
    choices.port = record.port;
  }
  if (record.display !== undefined) {
    if (!isValidDisplay(record.display)) {
      throw new Error(`invalid display ${JSON.stringify(record.display)}: expected an integer from 1 to 65535`);
    }
    choices.display = record.display;
  }
  return choices;
}

/**
 * Returns the remembered choices, completed with the defaults: `defaultStart` (the
 * `xpra.localServer.command` setting), `ssl`, a free port and a free display. Stored state
 * that is invalid (written by another version, or edited) is ignored as a whole.
 */
export function readStartChoices(store: ChoiceStore, defaultStart: string): StartChoices {
  let stored: Partial<StartChoices> = {};
  try {
    stored = parseStartChoices(store.get(START_CHOICES_KEY));
  } catch {
    stored = {};
  }
  const start = defaultStart.trim() || 'xterm';
  return { start, mode: 'ssl', ...stored };
}

/** Remembers the choices for the next start in this workspace. */
export function saveStartChoices(store: ChoiceStore, choices: StartChoices): Thenable<void> {
  const saved: StartChoices = { start: choices.start.trim(), mode: choices.mode };
  if (choices.port !== undefined) saved.port = choices.port;
  if (choices.display !== undefined) saved.display = choices.display;
  return store.update(START_CHOICES_KEY, saved);
}

/** Returns a one-line summary such as `xterm, ssl, free port, display :100`. */
export function describeStartChoices(choices: StartChoices): string {
  const port = choices.port === undefined ? 'free port' : `port ${choices.port}`;
  const display = choices.display === undefined ? 'free display' : `display :${choices.display}`;
  return `${choices.start}, ${choices.mode}, ${port}, ${display}`;
}
