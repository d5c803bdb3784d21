/**
 * The US layout on a standard evdev keyboard (XKB rules evdev, model pc105, layout us).
 * Each row is one physical key: its KeyboardEvent.code, its X keycode (the Linux evdev
 * code + 8) and its keysym names at level 0 (plain) and level 1 (Shift), group 0.
 * The rows match `xmodmap -pke` on an Xvfb with the default us layout, for every key that
 * a browser reports with a code.
 */

export interface KeyRow {
  /** KeyboardEvent.code, or '' for a key that browsers never report by code. */
  readonly code: string;
  readonly keycode: number;
  /** Keysym names by shift level. A key with one level has one name. */
  readonly levels: readonly string[];
}

function row(code: string, keycode: number, ...levels: string[]): KeyRow {
  return { code, keycode, levels };
}

/** Letter keys in keycode order per keyboard row, as [first keycode, letters]. */
const LETTER_RUNS: ReadonlyArray<readonly [number, string]> = [
  [24, 'qwertyuiop'],
  [38, 'asdfghjkl'],
  [52, 'zxcvbnm'],
];

function letterRows(): KeyRow[] {
  const rows: KeyRow[] = [];
  for (const [firstKeycode, letters] of LETTER_RUNS) {
    [...letters].forEach((letter, index) => {
      rows.push(row(`Key${letter.toUpperCase()}`, firstKeycode + index, letter, letter.toUpperCase()));
    });
  }
  return rows;
}

/** The shifted symbols of the digit keys 1, 2, ... 9, 0. */
const DIGIT_SHIFTED = [
  'exclam', 'at', 'numbersign', 'dollar', 'percent',
  'asciicircum', 'ampersand', 'asterisk', 'parenleft', 'parenright',
];

function digitRows(): KeyRow[] {
  return DIGIT_SHIFTED.map((shifted, index) => {
    const digit = String((index + 1) % 10);
    return row(`Digit${digit}`, 10 + index, digit, shifted);
  });
}

/** Function keys F1 to F10 are keycodes 67 to 76, and F11 and F12 are 95 and 96. */
function functionKeyRows(): KeyRow[] {
  const rows: KeyRow[] = [];
  for (let number = 1; number <= 12; number++) {
    const keycode = number <= 10 ? 66 + number : 84 + number;
    rows.push(row(`F${number}`, keycode, `F${number}`, `F${number}`));
  }
  return rows;
}

const OTHER_ROWS: KeyRow[] = [
  row('Escape', 9, 'Escape'),
  row('Minus', 20, 'minus', 'underscore'),
  row('Equal', 21, 'equal', 'plus'),
  row('Backspace', 22, 'BackSpace', 'BackSpace'),
  row('Tab', 23, 'Tab', 'ISO_Left_Tab'),
  row('BracketLeft', 34, 'bracketleft', 'braceleft'),
  row('BracketRight', 35, 'bracketright', 'braceright'),
  row('Enter', 36, 'Return'),
  row('ControlLeft', 37, 'Control_L'),
  row('Semicolon', 47, 'semicolon', 'colon'),
  row('Quote', 48, 'apostrophe', 'quotedbl'),
  row('Backquote', 49, 'grave', 'asciitilde'),
  row('ShiftLeft', 50, 'Shift_L'),
  row('Backslash', 51, 'backslash', 'bar'),
  row('Comma', 59, 'comma', 'less'),
  row('Period', 60, 'period', 'greater'),
  row('Slash', 61, 'slash', 'question'),
  row('ShiftRight', 62, 'Shift_R'),
  row('NumpadMultiply', 63, 'KP_Multiply', 'KP_Multiply'),
  row('AltLeft', 64, 'Alt_L', 'Meta_L'),
  row('Space', 65, 'space'),
  row('CapsLock', 66, 'Caps_Lock'),
  row('NumLock', 77, 'Num_Lock'),
  row('ScrollLock', 78, 'Scroll_Lock'),
  row('Numpad7', 79, 'KP_Home', 'KP_7'),
  row('Numpad8', 80, 'KP_Up', 'KP_8'),
  row('Numpad9', 81, 'KP_Prior', 'KP_9'),
  row('NumpadSubtract', 82, 'KP_Subtract', 'KP_Subtract'),
  row('Numpad4', 83, 'KP_Left', 'KP_4'),
  row('Numpad5', 84, 'KP_Begin', 'KP_5'),
  row('Numpad6', 85, 'KP_Right', 'KP_6'),
  row('NumpadAdd', 86, 'KP_Add', 'KP_Add'),
  row('Numpad1', 87, 'KP_End', 'KP_1'),
  row('Numpad2', 88, 'KP_Down', 'KP_2'),
  row('Numpad3', 89, 'KP_Next', 'KP_3'),
  row('Numpad0', 90, 'KP_Insert', 'KP_0'),
  row('NumpadDecimal', 91, 'KP_Delete', 'KP_Decimal'),
  // AltGr. Browsers report it as key "AltGraph" on code AltRight.
  row('', 92, 'ISO_Level3_Shift'),
  // The extra key left of Z on ISO keyboards.
  row('IntlBackslash', 94, 'less', 'greater'),
  row('NumpadEnter', 104, 'KP_Enter'),
  row('ControlRight', 105, 'Control_R'),
  row('NumpadDivide', 106, 'KP_Divide', 'KP_Divide'),
  row('PrintScreen', 107, 'Print', 'Sys_Req'),
  row('AltRight', 108, 'Alt_R', 'Meta_R'),
  row('Home', 110, 'Home'),
  row('ArrowUp', 111, 'Up'),
  row('PageUp', 112, 'Prior'),
  row('ArrowLeft', 113, 'Left'),
  row('ArrowRight', 114, 'Right'),
  row('End', 115, 'End'),
  row('ArrowDown', 116, 'Down'),
  row('PageDown', 117, 'Next'),
  row('Insert', 118, 'Insert'),
  row('Delete', 119, 'Delete'),
  row('NumpadEqual', 125, 'KP_Equal'),
  row('Pause', 127, 'Pause', 'Break'),
  row('NumpadComma', 129, 'KP_Decimal', 'KP_Decimal'),
  row('MetaLeft', 133, 'Super_L'),
  row('MetaRight', 134, 'Super_R'),
  row('ContextMenu', 135, 'Menu'),
];

/** Every key of the layout, sorted by keycode. */
export const US_KEY_ROWS: readonly KeyRow[] = [
  ...letterRows(),
  ...digitRows(),
  ...functionKeyRows(),
  ...OTHER_ROWS,
].sort((a, b) => a.keycode - b.keycode);

/** The X keycode of the key that browsers report as AltGraph. */
export const ALTGR_KEYCODE = 92;
