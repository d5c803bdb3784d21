import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

import { keyForEvent, keysymForCharacter, keyvalForName, usKeycodes } from '../../src/keymap';

describe('keyForEvent', () => {
  const cases: Array<[code: string, key: string, location: number, keyname: string, keyval: number, keycode: number]> = [
    ['KeyA', 'a', 0, 'a', 0x61, 38],
    ['KeyA', 'A', 0, 'A', 0x41, 38],
    ['KeyZ', 'z', 0, 'z', 0x7a, 52],
    ['Enter', 'Enter', 0, 'Return', 0xff0d, 36],
    ['Digit1', '1', 0, '1', 0x31, 10],
    ['Digit1', '!', 0, 'exclam', 0x21, 10],
    ['Digit0', ')', 0, 'parenright', 0x29, 19],
    ['Minus', '_', 0, 'underscore', 0x5f, 20],
    ['Slash', '?', 0, 'question', 0x3f, 61],
    ['Backquote', '~', 0, 'asciitilde', 0x7e, 49],
    ['Quote', '"', 0, 'quotedbl', 0x22, 48],
    ['Space', ' ', 0, 'space', 0x20, 65],
    ['Backspace', 'Backspace', 0, 'BackSpace', 0xff08, 22],
    ['Tab', 'Tab', 0, 'Tab', 0xff09, 23],
    ['Escape', 'Escape', 0, 'Escape', 0xff1b, 9],
    ['ArrowUp', 'ArrowUp', 0, 'Up', 0xff52, 111],
    ['ArrowLeft', 'ArrowLeft', 0, 'Left', 0xff51, 113],
    ['PageDown', 'PageDown', 0, 'Next', 0xff56, 117],
    ['Numpad8', '8', 3, 'KP_8', 0xffb8, 80],
    ['Numpad8', 'ArrowUp', 3, 'KP_Up', 0xff97, 80],
    ['Numpad7', 'Home', 3, 'KP_Home', 0xff95, 79],
    ['NumpadDecimal', '.', 3, 'KP_Decimal', 0xffae, 91],
    ['NumpadDecimal', 'Delete', 3, 'KP_Delete', 0xff9f, 91],
    ['NumpadEnter', 'Enter', 3, 'KP_Enter', 0xff8d, 104],
    ['NumpadAdd', '+', 3, 'KP_Add', 0xffab, 86],
    ['ShiftLeft', 'Shift', 1, 'Shift_L', 0xffe1, 50],
    ['ShiftRight', 'Shift', 2, 'Shift_R', 0xffe2, 62],
    ['ControlLeft', 'Control', 1, 'Control_L', 0xffe3, 37],
    ['ControlRight', 'Control', 2, 'Control_R', 0xffe4, 105],
    ['AltLeft', 'Alt', 1, 'Alt_L', 0xffe9, 64],
    ['AltRight', 'Alt', 2, 'Alt_R', 0xffea, 108],
    ['AltRight', 'AltGraph', 2, 'ISO_Level3_Shift', 0xfe03, 92],
    ['MetaLeft', 'Meta', 1, 'Super_L', 0xffeb, 133],
    ['OSRight', 'Meta', 2, 'Super_R', 0xffec, 134],
    ['CapsLock', 'CapsLock', 0, 'Caps_Lock', 0xffe5, 66],
    ['F1', 'F1', 0, 'F1', 0xffbe, 67],
    ['F11', 'F11', 0, 'F11', 0xffc8, 95],
    ['F12', 'F12', 0, 'F12', 0xffc9, 96],
    ['ContextMenu', 'ContextMenu', 0, 'Menu', 0xff67, 135],
    // A code the table lacks falls back to the key value.
    ['', 'q', 0, 'q', 0x71, 24],
    ['', 'Enter', 0, 'Return', 0xff0d, 36],
    ['', 'Shift', 2, 'Shift_R', 0xffe2, 62],
    ['F13', 'F13', 0, 'F13', 0xffca, 0],
    // Another browser layout on a US keycode sends the character it typed.
    ['KeyQ', 'a', 0, 'a', 0x61, 24],
    ['Digit2', '\u00e9', 0, 'U00E9', 0x010000e9, 11],
  ];
  for (const [code, key, location, keyname, keyval, keycode] of cases) {
    it(`maps code ${code || '(none)'} key ${JSON.stringify(key)}`, () => {
      const mapped = keyForEvent({ code, key, location });
      assert.ok(mapped, 'no mapping');
      assert.equal(mapped.keyname, keyname);
      assert.equal(mapped.keyval, keyval);
      assert.equal(mapped.keycode, keycode);
    });
  }

  it('gives text for character keys only', () => {
    assert.equal(keyForEvent({ code: 'KeyA', key: 'A' })?.text, 'A');
    assert.equal(keyForEvent({ code: 'Enter', key: 'Enter' })?.text, '');
    assert.equal(keyForEvent({ code: 'ShiftLeft', key: 'Shift' })?.text, '');
  });

  it('returns undefined for keys without X equivalent', () => {
    assert.equal(keyForEvent({ code: '', key: 'Unidentified' }), undefined);
    assert.equal(keyForEvent({ code: 'AudioVolumeMute', key: 'AudioVolumeMute' }), undefined);
    assert.equal(keyForEvent({ code: 'constructor', key: 'constructor' }), undefined);
  });
});

describe('keysymForCharacter', () => {
  it('types every printable ASCII character', () => {
    for (let code = 0x20; code <= 0x7e; code++) {
      const character = String.fromCharCode(code);
      const typed = keysymForCharacter(character);
      assert.ok(typed, `no key types ${JSON.stringify(character)}`);
      assert.equal(typed.keyval, code, `keyval of ${JSON.stringify(character)}`);
      assert.ok(typed.keycode >= 9, `keycode of ${JSON.stringify(character)}`);
      assert.ok(typed.keycode <= 135, `keycode of ${JSON.stringify(character)}`);
    }
  });

  it('needs shift for upper case and shifted symbols', () => {
    assert.deepEqual(keysymForCharacter('a'), { keyname: 'a', keyval: 0x61, keycode: 38, shift: false });
    assert.deepEqual(keysymForCharacter('A'), { keyname: 'A', keyval: 0x41, keycode: 38, shift: true });
    assert.deepEqual(keysymForCharacter('/'), { keyname: 'slash', keyval: 0x2f, keycode: 61, shift: false });
    assert.deepEqual(keysymForCharacter('?'), { keyname: 'question', keyval: 0x3f, keycode: 61, shift: true });
    assert.deepEqual(keysymForCharacter('<'), { keyname: 'less', keyval: 0x3c, keycode: 59, shift: true });
    assert.deepEqual(keysymForCharacter('>'), { keyname: 'greater', keyval: 0x3e, keycode: 60, shift: true });
  });

  it('types newline, carriage return and tab', () => {
    assert.deepEqual(keysymForCharacter('\n'), { keyname: 'Return', keyval: 0xff0d, keycode: 36, shift: false });
    assert.deepEqual(keysymForCharacter('\r'), { keyname: 'Return', keyval: 0xff0d, keycode: 36, shift: false });
    assert.deepEqual(keysymForCharacter('\t'), { keyname: 'Tab', keyval: 0xff09, keycode: 23, shift: false });
  });

  it('returns undefined for characters without a US key', () => {
    assert.equal(keysymForCharacter('\u00e9'), undefined);
    assert.equal(keysymForCharacter('ab'), undefined);
    assert.equal(keysymForCharacter(''), undefined);
    assert.equal(keysymForCharacter('\u0000'), undefined);
  });
});

describe('usKeycodes', () => {
  const entries = usKeycodes();

  it('lists entries as keyval, name, keycode, group, level', () => {
    assert.deepEqual(entries.find((entry) => entry[1] === 'a'), [0x61, 'a', 38, 0, 0]);
    assert.deepEqual(entries.find((entry) => entry[1] === 'A'), [0x41, 'A', 38, 0, 1]);
    assert.deepEqual(entries.find((entry) => entry[1] === 'Return'), [0xff0d, 'Return', 36, 0, 0]);
    assert.deepEqual(entries.find((entry) => entry[1] === 'ISO_Level3_Shift'), [0xfe03, 'ISO_Level3_Shift', 92, 0, 0]);
  });

  it('covers letters, digits and punctuation', () => {
    const names = new Set(entries.map((entry) => entry[1]));
    for (const name of ['z', 'Z', '0', '9', 'minus', 'slash', 'period', 'space', 'BackSpace', 'Tab', 'F12', 'KP_0', 'KP_Enter']) {
      assert.ok(names.has(name), `missing ${name}`);
    }
  });

  it('uses keysym values from keysymdef.h', (t) => {
    const header = '/usr/include/X11/keysymdef.h';
    if (!existsSync(header)) {
      t.skip(`${header} is not installed (Debian package x11proto-dev)`);
      return;
    }
    const defined = new Map<string, number>();
    for (const match of readFileSync(header, 'utf8').matchAll(/^#define XK_(\w+)\s+0x([0-9a-fA-F]+)/gm)) {
      defined.set(match[1], parseInt(match[2], 16));
    }
    for (const [keyval, name] of entries) {
      assert.equal(keyval, defined.get(name), `keysym value of ${name}`);
    }
    assert.equal(keyvalForName('F35'), defined.get('F35'));
  });

  it('matches xmodmap on a real Xvfb', async (t) => {
    const missing = ['/usr/bin/Xvfb', '/usr/bin/xmodmap'].filter((path) => !existsSync(path));
    if (missing.length > 0) {
      t.skip(`not installed: ${missing.join(', ')}`);
      return;
    }
    const table = await readXvfbKeymap();
    for (const [, name, keycode, , level] of entries) {
      assert.equal(table.get(keycode)?.[level], name, `keycode ${keycode} level ${level}`);
    }
    // Every key the X server has at level 0 in the main block is in our table, except
    // keys no browser reports by code (F13 and up, media, Japanese and Korean keys).
    const ours = new Set(entries.map((entry) => entry[2]));
    for (const [keycode, levels] of table) {
      if (keycode <= 135 && levels[0] !== 'NoSymbol' && !/^(XF86|Hangul|Katakana|Hiragana|Henkan|Muhenkan|Linefeed|plusminus|Cancel|Redo|Undo|Sun|Find|Help)/.test(levels[0])) {
        assert.ok(ours.has(keycode), `keycode ${keycode} (${levels[0]}) is missing`);
      }
    }
  });
});

/** Starts a private Xvfb with the default layout and reads its keymap with xmodmap -pke. */
async function readXvfbKeymap(): Promise<Map<number, string[]>> {
  const display = `:${200 + (process.pid % 500)}`;
  const server = spawn('/usr/bin/Xvfb', [display, '-nolisten', 'tcp', '-screen', '0', '320x200x24'], {
    stdio: 'ignore',
  });
  try {
    let output = '';
    for (let attempt = 0; attempt < 50; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const result = spawnSync('/usr/bin/xmodmap', ['-display', display, '-pke'], { encoding: 'utf8' });
      if (result.status === 0) {
        output = result.stdout;
        break;
      }
    }
    assert.ok(output !== '', `xmodmap could not read the keymap of Xvfb ${display}`);
    const table = new Map<number, string[]>();
    for (const match of output.matchAll(/^keycode\s+(\d+) =(.*)$/gm)) {
      const names = match[2].trim();
      if (names !== '') {
        table.set(Number(match[1]), names.split(/\s+/));
      }
    }
    return table;
  } finally {
    server.kill();
  }
}
