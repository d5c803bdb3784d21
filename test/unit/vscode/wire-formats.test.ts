import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { globalStateWireFormats } from '../../../src/vscode/wire-formats';

/** A Memento kept in a Map, as the extension's global state keeps values between reloads. */
function memoryMemento(): vscode.Memento {
  const values = new Map<string, unknown>();
  return {
    keys: () => [...values.keys()],
    get: <T>(key: string, fallback?: T) => (values.has(key) ? (values.get(key) as T) : fallback),
    update: async (key: string, value: unknown) => {
      values.set(key, value);
    },
  } as vscode.Memento;
}

test('wire format survives a new store', () => {
  const state = memoryMemento();
  globalStateWireFormats(state).save('127.0.0.1:14500', 'rencode');
  assert.equal(globalStateWireFormats(state).load('127.0.0.1:14500'), 'rencode');
});

test('unknown server has no wire format', () => {
  assert.equal(globalStateWireFormats(memoryMemento()).load('[::1]:1'), undefined);
});

test('stored value that is not an encoder is ignored', async () => {
  const state = memoryMemento();
  await state.update('xpra.wireFormats', { 'h:1': 'yaml' });
  assert.equal(globalStateWireFormats(state).load('h:1'), undefined);
});

test('store keeps the newest 200 servers', () => {
  const state = memoryMemento();
  const store = globalStateWireFormats(state);
  for (let port = 1; port <= 205; port++) store.save(`h:${port}`, 'rencodeplus');
  assert.equal(store.load('h:1'), undefined);
  assert.equal(store.load('h:205'), 'rencodeplus');
  assert.equal(Object.keys(state.get<Record<string, string>>('xpra.wireFormats', {})).length, 200);
});
