import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { encoderOrder, forgetEncoders, rememberEncoder, type WireFormatStore } from '../../../src/client/wire-format';

/** Returns a store kept in a Map, as the extension's global state keeps wire formats between reloads. */
function mapStore(): WireFormatStore & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    load: (key) => entries.get(key) as ReturnType<WireFormatStore['load']>,
    save: (key, encoder) => void entries.set(key, encoder),
  };
}

beforeEach(() => forgetEncoders());

test('unknown server tries rencodeplus first', () => {
  assert.deepEqual(encoderOrder('127.0.0.1:10000', undefined, '127.0.0.1'), ['rencodeplus', 'rencode']);
});

test('known server starts with its encoder', () => {
  rememberEncoder('127.0.0.1:10000', 'rencode', undefined, '127.0.0.1');
  assert.deepEqual(encoderOrder('127.0.0.1:10000', undefined, '127.0.0.1'), ['rencode', 'rencodeplus']);
});

test('new port starts with the host encoder', () => {
  rememberEncoder('127.0.0.1:10000', 'rencode', undefined, '127.0.0.1');
  assert.deepEqual(encoderOrder('127.0.0.1:10001', undefined, '127.0.0.1'), ['rencode', 'rencodeplus']);
  assert.deepEqual(encoderOrder('127.0.0.2:10000', undefined, '127.0.0.2'), ['rencodeplus', 'rencode']);
});

test('port encoder wins over host encoder', () => {
  rememberEncoder('127.0.0.1:10000', 'rencodeplus', undefined, '127.0.0.1');
  rememberEncoder('127.0.0.1:10001', 'rencode', undefined, '127.0.0.1');
  assert.deepEqual(encoderOrder('127.0.0.1:10000', undefined, '127.0.0.1'), ['rencodeplus', 'rencode']);
  assert.deepEqual(encoderOrder('127.0.0.1:10002', undefined, '127.0.0.1'), ['rencode', 'rencodeplus']);
});

test('store keeps port and host keys', () => {
  const store = mapStore();
  rememberEncoder('[::1]:10000', 'rencode', store, '::1');
  assert.deepEqual([...store.entries], [['[::1]:10000', 'rencode'], ['[::1]', 'rencode']]);
  forgetEncoders();
  assert.deepEqual(encoderOrder('[::1]:10005', store, '::1'), ['rencode', 'rencodeplus']);
});
