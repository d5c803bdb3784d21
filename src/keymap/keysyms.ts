/**
 * X11 keysym values for the keysym names that the US layout uses, from X11/keysymdef.h.
 * Printable ASCII keysyms equal their character code, so `SPECIAL_KEYVALS` lists only the
 * others and `keyvalForName` derives the ASCII ones from `ASCII_KEYSYM_NAMES`.
 */

/** Keysym names of the printable ASCII characters 0x20 to 0x7e, indexed by code - 0x20. */
const ASCII_KEYSYM_NAMES: readonly string[] = [
  'space', 'exclam', 'quotedbl', 'numbersign', 'dollar', 'percent', 'ampersand', 'apostrophe',
  'parenleft', 'parenright', 'asterisk', 'plus', 'comma', 'minus', 'period', 'slash',
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
  'colon', 'semicolon', 'less', 'equal', 'greater', 'question', 'at',
  'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M',
  'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z',
  'bracketleft', 'backslash', 'bracketright', 'asciicircum', 'underscore', 'grave',
  'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm',
  'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z',
  'braceleft', 'bar', 'braceright', 'asciitilde',
];

const FIRST_ASCII_KEYSYM = 0x20;

/** Keysyms outside printable ASCII: function, cursor, keypad and modifier keys. */
const SPECIAL_KEYVALS: Readonly<Record<string, number>> = {
  BackSpace: 0xff08,
  Tab: 0xff09,
  Linefeed: 0xff0a,
  Return: 0xff0d,
  Pause: 0xff13,
  Scroll_Lock: 0xff14,
  Sys_Req: 0xff15,
  Escape: 0xff1b,
  Delete: 0xffff,
  Home: 0xff50,
  Left: 0xff51,
  Up: 0xff52,
  Right: 0xff53,
  Down: 0xff54,
  Prior: 0xff55,
  Next: 0xff56,
  End: 0xff57,
  Print: 0xff61,
  Insert: 0xff63,
  Menu: 0xff67,
  Break: 0xff6b,
  Num_Lock: 0xff7f,
  KP_Enter: 0xff8d,
  KP_Home: 0xff95,
  KP_Left: 0xff96,
  KP_Up: 0xff97,
  KP_Right: 0xff98,
  KP_Down: 0xff99,
  KP_Prior: 0xff9a,
  KP_Next: 0xff9b,
  KP_End: 0xff9c,
  KP_Begin: 0xff9d,
  KP_Insert: 0xff9e,
  KP_Delete: 0xff9f,
  KP_Equal: 0xffbd,
  KP_Multiply: 0xffaa,
  KP_Add: 0xffab,
  KP_Separator: 0xffac,
  KP_Subtract: 0xffad,
  KP_Decimal: 0xffae,
  KP_Divide: 0xffaf,
  KP_0: 0xffb0,
  KP_1: 0xffb1,
  KP_2: 0xffb2,
  KP_3: 0xffb3,
  KP_4: 0xffb4,
  KP_5: 0xffb5,
  KP_6: 0xffb6,
  KP_7: 0xffb7,
  KP_8: 0xffb8,
  KP_9: 0xffb9,
  Shift_L: 0xffe1,
  Shift_R: 0xffe2,
  Control_L: 0xffe3,
  Control_R: 0xffe4,
  Caps_Lock: 0xffe5,
  Meta_L: 0xffe7,
  Meta_R: 0xffe8,
  Alt_L: 0xffe9,
  Alt_R: 0xffea,
  Super_L: 0xffeb,
  Super_R: 0xffec,
  ISO_Level3_Shift: 0xfe03,
  ISO_Left_Tab: 0xfe20,
};

/** F1 is 0xffbe and F2 to F35 follow it without gaps. */
const F1_KEYVAL = 0xffbe;
const MAX_FUNCTION_KEY = 35;

/** Unicode keysyms (for characters without a legacy keysym) are 0x01000000 + code point. */
const UNICODE_KEYSYM_OFFSET = 0x01000000;

const ASCII_KEYVALS: ReadonlyMap<string, number> = new Map(
  ASCII_KEYSYM_NAMES.map((name, index) => [name, FIRST_ASCII_KEYSYM + index]),
);

/** Returns the X keysym value of a keysym name, or undefined for a name this module lacks. */
export function keyvalForName(name: string): number | undefined {
  const ascii = ASCII_KEYVALS.get(name);
  if (ascii !== undefined) {
    return ascii;
  }
  if (Object.prototype.hasOwnProperty.call(SPECIAL_KEYVALS, name)) {
    return SPECIAL_KEYVALS[name];
  }
  const functionKey = /^F([1-9][0-9]?)$/.exec(name);
  if (functionKey) {
    const number = Number(functionKey[1]);
    return number <= MAX_FUNCTION_KEY ? F1_KEYVAL + number - 1 : undefined;
  }
  const unicode = /^U([0-9A-F]{4,6})$/.exec(name);
  if (unicode) {
    return UNICODE_KEYSYM_OFFSET + parseInt(unicode[1], 16);
  }
  return undefined;
}

/** Returns the keysym name of a printable ASCII character, or undefined for any other text. */
export function asciiKeysymName(character: string): string | undefined {
  if (character.length !== 1) {
    return undefined;
  }
  return ASCII_KEYSYM_NAMES[character.charCodeAt(0) - FIRST_ASCII_KEYSYM];
}

/** Returns the printable ASCII character of a keysym name, or undefined for other keysyms. */
export function characterForKeysymName(name: string): string | undefined {
  const keyval = ASCII_KEYVALS.get(name);
  return keyval === undefined ? undefined : String.fromCharCode(keyval);
}

/**
 * Returns the Unicode keysym name and value of one character ("U20AC", 0x010020ac), the
 * form X uses for characters that have no legacy keysym name.
 */
export function unicodeKeysym(character: string): { keyname: string; keyval: number } | undefined {
  const codePoint = character.codePointAt(0);
  if (codePoint === undefined || String.fromCodePoint(codePoint) !== character) {
    return undefined;
  }
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
  return { keyname: `U${hex}`, keyval: UNICODE_KEYSYM_OFFSET + codePoint };
}
