/**
 * Pointer, wheel and keyboard input. Pointer positions arrive relative to a window and go
 * out in the server's root coordinates. Modifier names from the webview go out as the X11
 * modifiers that the server hello's `modifier_keycodes` assigns.
 */
import type { Dict, Value } from '../protocol/types';
import type { SessionContext } from './context';
import type { WindowDescription } from './types';

/** X11 wheel buttons: 4 up, 5 down, 6 left, 7 right. */
const WHEEL_UP = 4;
const WHEEL_DOWN = 5;
const WHEEL_LEFT = 6;
const WHEEL_RIGHT = 7;
/** More notches than this in one call are clamped, so one event cannot flood the server. */
const MAX_WHEEL_NOTCHES = 20;

/** Keysym names that identify each webview modifier in `modifier_keycodes`, best first. */
const MODIFIER_KEYSYMS: Record<string, string[]> = {
  alt: ['Alt_L', 'Alt_R'],
  meta: ['Super_L', 'Super_R', 'Meta_L', 'Meta_R'],
  altgr: ['ISO_Level3_Shift', 'Mode_switch'],
  numlock: ['Num_Lock'],
};

/** The usual assignment, used when the server hello has no `modifier_keycodes` entry. */
const DEFAULT_MODIFIERS: Record<string, string> = {
  shift: 'shift',
  lock: 'lock',
  control: 'control',
  alt: 'mod1',
  numlock: 'mod2',
  meta: 'mod4',
  altgr: 'mod5',
};

// NOTE: pointer-position, button-action and key-action have no renamed form. A 6.5 server
// started with XPRA_BACKWARDS_COMPATIBLE=0 may reject them, which is untested: the 6.5.3
// captures of that mode contain no input.
export class Input {
  private readonly modifierMap: Record<string, string>;

  constructor(
    private readonly context: SessionContext,
    private readonly windowOf: (wid: number) => WindowDescription | undefined,
  ) {
    this.modifierMap = modifierMapFromHello(context.serverCaps);
  }

  /** Maps webview modifier names (shift, lock, control, alt, meta, altgr, numlock) to X11 names. */
  x11Modifiers(modifiers: string[]): string[] {
    const names = modifiers
      .map((name) => this.modifierMap[name.toLowerCase()])
      .filter((name): name is string => !!name);
    return [...new Set(names)];
  }

  /** Moves the pointer to (x, y) relative to the window's top-left corner. */
  pointerPosition(
    wid: number,
    x: number,
    y: number,
    modifiers: string[] = [],
    buttons: number[] = [],
  ): void {
    this.context.send(
      'pointer-position',
      wid,
      this.rootPosition(wid, x, y),
      this.x11Modifiers(modifiers),
      buttons,
    );
  }

  button(
    wid: number,
    button: number,
    pressed: boolean,
    x: number,
    y: number,
    modifiers: string[] = [],
    buttons: number[] = [],
  ): void {
    const position = this.rootPosition(wid, x, y);
    this.context.send(
      'button-action',
      wid,
      button,
      pressed,
      position,
      this.x11Modifiers(modifiers),
      buttons,
    );
  }

  /**
   * Scrolls by whole notches: negative dy is up, positive dy is down, negative dx is left,
   * positive dx is right. Each notch is a press and a release of X buttons 4 to 7.
   */
  wheel(
    wid: number,
    dx: number,
    dy: number,
    x: number,
    y: number,
    modifiers: string[] = [],
    buttons: number[] = [],
  ): void {
    const steps: Array<[number, number]> = [
      [dy < 0 ? WHEEL_UP : WHEEL_DOWN, Math.abs(dy)],
      [dx < 0 ? WHEEL_LEFT : WHEEL_RIGHT, Math.abs(dx)],
    ];
    for (const [button, count] of steps) {
      const notches = Math.min(MAX_WHEEL_NOTCHES, Math.round(count));
      for (let i = 0; i < notches; i++) {
        this.button(wid, button, true, x, y, modifiers, buttons);
        this.button(wid, button, false, x, y, modifiers, buttons);
      }
    }
  }

  /** Sends one key press or release. `keyname` is the X11 keysym name, `text` the character. */
  key(
    wid: number,
    keyname: string,
    pressed: boolean,
    keyval: number,
    keycode: number,
    text: string,
    modifiers: string[] = [],
    group = 0,
  ): void {
    this.context.send(
      'key-action',
      wid,
      keyname,
      pressed,
      this.x11Modifiers(modifiers),
      keyval,
      text,
      keycode,
      group,
    );
  }

  private rootPosition(wid: number, x: number, y: number): Value[] {
    const window = this.windowOf(wid);
    const originX = window?.x ?? 0;
    const originY = window?.y ?? 0;
    return [Math.round(originX + x), Math.round(originY + y)];
  }
}

/**
 * Reads `modifier_keycodes` ({mod1: [[keyname, level] | [keycode, keyname], ...], ...}) and
 * finds which X11 modifier carries Alt, Meta (Super), AltGr and Num Lock. On the Xvfb of
 * xpra 3.1.3, Super_L sat on mod3, so the defaults alone would be wrong there.
 */
export function modifierMapFromHello(serverCaps: Dict): Record<string, string> {
  const map = { ...DEFAULT_MODIFIERS };
  const table = serverCaps.modifier_keycodes;
  if (
    table === undefined ||
    table === null ||
    typeof table !== 'object' ||
    Array.isArray(table) ||
    table instanceof Uint8Array
  ) {
    return map;
  }
  const keysymsByModifier = new Map<string, Set<string>>();
  for (const [modifier, entries] of Object.entries(table as Dict)) {
    keysymsByModifier.set(modifier, collectNames(entries));
  }
  for (const [name, keysyms] of Object.entries(MODIFIER_KEYSYMS)) {
    const found = findModifier(keysymsByModifier, keysyms);
    if (found) map[name] = found;
  }
  return map;
}

function findModifier(
  keysymsByModifier: Map<string, Set<string>>,
  keysyms: string[],
): string | undefined {
  for (const keysym of keysyms) {
    for (const [modifier, names] of keysymsByModifier) {
      if (/^mod[1-5]$/.test(modifier) && names.has(keysym)) return modifier;
    }
  }
  return undefined;
}

/** Collects every text item of nested lists; bencode and rencode deliver text as bytes. */
function collectNames(value: Value, names = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    names.add(value);
  } else if (value instanceof Uint8Array) {
    names.add(new TextDecoder().decode(value));
  } else if (Array.isArray(value)) {
    for (const item of value) collectNames(item, names);
  }
  return names;
}
