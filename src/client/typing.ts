/** Typing text as key presses on the US keymap, for the command line and the tests. */
import { keysymForCharacter, keyvalForName } from '../keymap';
import type { XpraSession } from './session';

/** Pause between typed characters, in ms, so the application receives separate key events. */
const KEY_INTERVAL_MS = 15;
/** Shift_L on the evdev keyboard that the US keymap describes. */
const SHIFT_KEYCODE = 50;

/**
 * Focuses the window and types `text` into it, holding Shift for shifted characters. A
 * newline is Return. Throws before sending anything when a character has no US key.
 */
export async function typeText(session: XpraSession, wid: number, text: string): Promise<void> {
  const keys = [...text].map((character) => {
    const key = keysymForCharacter(character);
    if (!key)
      throw new Error(`cannot type ${JSON.stringify(character)}: the US keymap has no key for it`);
    const typed = character === '\n' || character === '\r' ? '' : character;
    return { ...key, typed };
  });
  const shiftKeyval = keyvalForName('Shift_L') ?? 0xffe1;
  session.focus(wid);
  for (const key of keys) {
    const modifiers = key.shift ? ['shift'] : [];
    if (key.shift) session.key(wid, 'Shift_L', true, shiftKeyval, SHIFT_KEYCODE, '', []);
    session.key(wid, key.keyname, true, key.keyval, key.keycode, key.typed, modifiers);
    session.key(wid, key.keyname, false, key.keyval, key.keycode, key.typed, modifiers);
    if (key.shift) session.key(wid, 'Shift_L', false, shiftKeyval, SHIFT_KEYCODE, '', modifiers);
    await new Promise((resolve) => setTimeout(resolve, KEY_INTERVAL_MS));
  }
}
