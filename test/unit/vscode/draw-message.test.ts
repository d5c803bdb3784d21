import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DrawEvent } from '../../../src/client/types';
import { exactBytes, toDrawMessage } from '../../../src/vscode/draw-message';

function draw(data: Uint8Array): DrawEvent {
  return {
    wid: 3, x: 1, y: 2, width: 2, height: 1, coding: 'rgb32', seq: 9, rowstride: 8,
    rgbFormat: 'BGRX', compression: 'none', flush: 0, data,
  };
}

test('exact plain array is passed through', () => {
  const data = new Uint8Array([1, 2, 3]);
  assert.equal(exactBytes(data), data);
});

test('view of a larger buffer is copied', () => {
  const pool = new Uint8Array(1024);
  pool.set([7, 8, 9], 100);
  const bytes = exactBytes(pool.subarray(100, 103));
  assert.equal(bytes.buffer.byteLength, 3);
  assert.equal(bytes.byteOffset, 0);
  assert.deepEqual([...bytes], [7, 8, 9]);
});

test('node Buffer becomes a plain Uint8Array', () => {
  const bytes = exactBytes(Buffer.from([4, 5]));
  assert.equal(bytes.constructor, Uint8Array);
  assert.equal(Buffer.isBuffer(bytes), false);
  assert.equal(bytes.byteLength, 2);
  assert.deepEqual([...bytes], [4, 5]);
});

test('draw message carries exact-size pixels', () => {
  const message = toDrawMessage(draw(Buffer.alloc(8, 255)));
  assert.equal(message.type, 'draw');
  assert.equal(message.data.constructor, Uint8Array);
  assert.equal(message.data.buffer.byteLength, 8);
  assert.equal(message.seq, 9);
  assert.equal(message.rgbFormat, 'BGRX');
  assert.equal('scrolls' in message, false);
});

test('draw message keeps scroll copies', () => {
  const event = { ...draw(new Uint8Array(0)), coding: 'scroll', scrolls: [[0, 0, 10, 10, 0, 5]] };
  assert.deepEqual(toDrawMessage(event).scrolls, [[0, 0, 10, 10, 0, 5]]);
});
