/**
 * The keyboard mapping from browser key events to X11 keysyms and keycodes, for a US
 * layout on a standard evdev keyboard. Pure: no DOM and no Node APIs, so the webview,
 * the client (for the hello's keymap) and the command line share it.
 */
import { asciiKeysymName, characterForKeysymName, keyvalForName, unicodeKeysym } from './keysyms';
import { ALTGR_KEYCODE, KeyRow, US_KEY_ROWS } from './us';

export { keyvalForName } from './keysyms';

/** One X key: keysym name, keysym value (keyval) and X keycode (0 when the layout lacks it). */
export interface KeyMapping {
  keyname: string;
  keyval: number;
  keycode: number;
}

/** A KeyMapping plus the text the key produces ('' for keys that produce none). */
export interface ResolvedKey extends KeyMapping {
  text: string;
}

/** The fields of a KeyboardEvent that the mapping reads. */
export interface KeyEventFields {
  code: string;
  key: string;
  /** KeyboardEvent.location: 1 left, 2 right, 3 numpad. */
  location?: number;
}

/** One entry of the hello's `xkbmap_keycodes`: [keyval, keysym name, keycode, group, level]. */
export type KeycodeEntry = [keyval: number, keyname: string, keycode: number, group: number, level: number];

const DOM_KEY_LOCATION_RIGHT = 2;

const ROWS_BY_CODE: ReadonlyMap<string, KeyRow> = new Map(
  US_KEY_ROWS.filter((keyRow) => keyRow.code !== '').map((keyRow) => [keyRow.code, keyRow]),
);

/** Older Chrome and Firefox releases name the Super keys OSLeft and OSRight. */
const CODE_ALIASES: ReadonlyMap<string, string> = new Map([
  ['OSLeft', 'MetaLeft'],
  ['OSRight', 'MetaRight'],
]);

/** KeyboardEvent.key values of non-character keys, as [left or only keysym, right keysym]. */
const NAMED_KEYS: ReadonlyMap<string, readonly [string, string?]> = new Map(Object.entries({
  Enter: ['Return'],
  Tab: ['Tab'],
  Backspace: ['BackSpace'],
  Escape: ['Escape'],
  Delete: ['Delete'],
  Insert: ['Insert'],
  Home: ['Home'],
  End: ['End'],
  PageUp: ['Prior'],
  PageDown: ['Next'],
  ArrowUp: ['Up'],
  ArrowDown: ['Down'],
  ArrowLeft: ['Left'],
  ArrowRight: ['Right'],
  Shift: ['Shift_L', 'Shift_R'],
  Control: ['Control_L', 'Control_R'],
  Alt: ['Alt_L', 'Alt_R'],
  Meta: ['Super_L', 'Super_R'],
  OS: ['Super_L', 'Super_R'],
  CapsLock: ['Caps_Lock'],
  NumLock: ['Num_Lock'],
  ScrollLock: ['Scroll_Lock'],
  Pause: ['Pause'],
  PrintScreen: ['Print'],
  ContextMenu: ['Menu'],
} satisfies Record<string, readonly [string, string?]>));

/**
 * The key and level of each keysym, for keys found by keysym rather than by code. The lowest
 * keycode wins, so '<' is Shift+comma (59) on every US keyboard rather than the ISO-only key 94.
 */
const KEYCODES_BY_KEYSYM: ReadonlyMap<string, { keycode: number; level: number }> = buildKeysymIndex();

function buildKeysymIndex(): Map<string, { keycode: number; level: number }> {
  const index = new Map<string, { keycode: number; level: number }>();
  for (const keyRow of US_KEY_ROWS) {
    keyRow.levels.forEach((name, level) => {
      if (!index.has(name)) {
        index.set(name, { keycode: keyRow.keycode, level });
      }
    });
  }
  return index;
}

function mapping(keyname: string, keycode: number): KeyMapping {
  const keyval = keyvalForName(keyname);
  if (keyval === undefined) {
    throw new Error(`keysym name ${keyname} has no keysym value in src/keymap/keysyms.ts`);
  }
  return { keyname, keyval, keycode };
}

/**
 * Returns every key and shift level of the US layout as the hello's `xkbmap_keycodes`
 * entries, in keycode order, group 0.
 */
export function usKeycodes(): KeycodeEntry[] {
  const entries: KeycodeEntry[] = [];
  for (const keyRow of US_KEY_ROWS) {
    keyRow.levels.forEach((keyname, level) => {
      entries.push([mapping(keyname, keyRow.keycode).keyval, keyname, keyRow.keycode, 0, level]);
    });
  }
  return entries;
}

/**
 * Returns the key that types one character on the US layout and whether Shift must be held,
 * or undefined when no US key types it. A newline ('\n' or '\r') is Return and a tab is Tab.
 */
export function keysymForCharacter(character: string): (KeyMapping & { shift: boolean }) | undefined {
  let keyname: string | undefined;
  if (character === '\n' || character === '\r') {
    keyname = 'Return';
  } else if (character === '\t') {
    keyname = 'Tab';
  } else {
    keyname = asciiKeysymName(character);
  }
  if (keyname === undefined) {
    return undefined;
  }
  const position = KEYCODES_BY_KEYSYM.get(keyname);
  if (position === undefined) {
    return undefined;
  }
  return { ...mapping(keyname, position.keycode), shift: position.level === 1 };
}

/** Returns true when `key` is one character (one code point), as KeyboardEvent.key is for text. */
function isCharacter(key: string): boolean {
  return key.length > 0 && String.fromCodePoint(key.codePointAt(0) ?? 0) === key;
}

/** Chooses the keysym of a known physical key from the character or name the browser reports. */
function keysymForRow(keyRow: KeyRow, key: string): string {
  const [plain, shifted] = keyRow.levels;
  if (shifted === undefined || shifted === plain) {
    return plain;
  }
  // Numpad keys: a digit or decimal point means Num Lock is on, a name (Home, ...) means off.
  if (plain.startsWith('KP_')) {
    return isCharacter(key) ? shifted : plain;
  }
  if (characterForKeysymName(shifted) !== undefined && key === characterForKeysymName(shifted)) {
    return shifted;
  }
  if (characterForKeysymName(plain) !== undefined && key !== characterForKeysymName(plain) && isCharacter(key)) {
    // The browser's own layout typed another character on this key: send that character.
    return asciiKeysymName(key) ?? unicodeKeysym(key)?.keyname ?? plain;
  }
  return plain;
}

/**
 * Maps a browser key event to the X key to send: keysym name, keysym value, X keycode and
 * the text it types. Returns undefined for keys that have no X equivalent here ("Unidentified",
 * "Dead", media keys).
 */
export function keyForEvent(event: KeyEventFields): ResolvedKey | undefined {
  const text = isCharacter(event.key) ? event.key : '';
  if (event.key === 'AltGraph') {
    return { ...mapping('ISO_Level3_Shift', ALTGR_KEYCODE), text: '' };
  }
  const keyRow = ROWS_BY_CODE.get(CODE_ALIASES.get(event.code) ?? event.code);
  if (keyRow !== undefined) {
    const keyname = keysymForRow(keyRow, event.key);
    return { ...mapping(keyname, keyRow.keycode), text };
  }
  return keyForUnknownCode(event, text);
}

/** Maps a key whose code is missing or unknown (virtual keyboards, IME) by its key value. */
function keyForUnknownCode(event: KeyEventFields, text: string): ResolvedKey | undefined {
  if (text !== '') {
    const typed = keysymForCharacter(text);
    if (typed !== undefined) {
      return { keyname: typed.keyname, keyval: typed.keyval, keycode: typed.keycode, text };
    }
    const unicode = unicodeKeysym(text);
    return unicode === undefined ? undefined : { ...unicode, keycode: 0, text };
  }
  let keyname: string | undefined;
  const named = NAMED_KEYS.get(event.key);
  if (named !== undefined) {
    keyname = event.location === DOM_KEY_LOCATION_RIGHT && named[1] !== undefined ? named[1] : named[0];
  } else if (/^F([1-9]|[12][0-9]|3[0-5])$/.test(event.key)) {
    keyname = event.key;
  }
  if (keyname === undefined) {
    return undefined;
  }
  const keycode = KEYCODES_BY_KEYSYM.get(keyname)?.keycode ?? 0;
  return { ...mapping(keyname, keycode), text: '' };
}
