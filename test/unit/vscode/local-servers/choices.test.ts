import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  START_CHOICES_KEY, describeStartChoices, parseStartChoices, readStartChoices, saveStartChoices, type ChoiceStore,
} from '../../../../src/vscode/local-servers/choices';

/** A workspaceState stand-in that keeps values as VS Code does: in a map, by key. */
class MemoryStore implements ChoiceStore {
  readonly values = new Map<string, unknown>();
  get(key: string): unknown {
    return this.values.get(key);
  }
  update(key: string, value: unknown): Thenable<void> {
    this.values.set(key, structuredClone(value));
    return Promise.resolve();
  }
}

describe('readStartChoices', () => {
  it('defaults to the setting, ssl, free port and display', () => {
    assert.deepEqual(readStartChoices(new MemoryStore(), 'xclock'), { start: 'xclock', mode: 'ssl' });
  });

  it('falls back to xterm for an empty setting', () => {
    assert.equal(readStartChoices(new MemoryStore(), '  ').start, 'xterm');
  });

  it('returns saved choices', async () => {
    const store = new MemoryStore();
    await saveStartChoices(store, { start: ' xterm -e vim ', mode: 'www', port: 14500, display: 120 });
    assert.deepEqual(readStartChoices(store, 'xclock'), { start: 'xterm -e vim', mode: 'www', port: 14500, display: 120 });
  });

  it('does not save an unset port or display', async () => {
    const store = new MemoryStore();
    await saveStartChoices(store, { start: 'xterm', mode: 'tcp' });
    assert.deepEqual(store.values.get(START_CHOICES_KEY), { start: 'xterm', mode: 'tcp' });
  });

  it('ignores invalid stored choices', () => {
    const invalid: unknown[] = ['xterm', 42, [1], { mode: 'vnc' }, { port: 0 }, { display: 1.5 }, { start: 'a\nb' }];
    for (const value of invalid) {
      const store = new MemoryStore();
      store.values.set(START_CHOICES_KEY, value);
      assert.deepEqual(readStartChoices(store, 'xterm'), { start: 'xterm', mode: 'ssl' }, JSON.stringify(value));
    }
  });
});

describe('parseStartChoices', () => {
  it('accepts a partial object', () => {
    assert.deepEqual(parseStartChoices({ mode: 'tcp' }), { mode: 'tcp' });
    assert.deepEqual(parseStartChoices(undefined), {});
  });

  it('names the invalid field', () => {
    assert.throws(() => parseStartChoices({ mode: 'http' }), /invalid mode "http"/);
    assert.throws(() => parseStartChoices({ port: 70000 }), /invalid port 70000/);
    assert.throws(() => parseStartChoices({ display: -1 }), /invalid display -1/);
    assert.throws(() => parseStartChoices({ start: '' }), /invalid start command/);
    assert.throws(() => parseStartChoices({ start: 7 }), /not a string/);
    assert.throws(() => parseStartChoices('ssl'), /not an object/);
  });
});

describe('describeStartChoices', () => {
  it('summarizes free and fixed values', () => {
    assert.equal(describeStartChoices({ start: 'xterm', mode: 'ssl' }), 'xterm, ssl, free port, free display');
    assert.equal(describeStartChoices({ start: 'xterm', mode: 'www', port: 9, display: 7 }), 'xterm, www, port 9, display :7');
  });
});
