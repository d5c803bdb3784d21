import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDraw } from '../../../src/client/draw';
import type { Packet } from '../../../src/protocol/types';
import { toDrawMessage } from '../../../src/vscode/draw-message';

function h264Packet(options: Record<string, unknown>): Packet {
  const data = new Uint8Array([0, 0, 0, 1, 0x65, 0x88]);
  return ['draw', 2, 0, 0, 1280, 720, 'h264', data, 5, 0, options] as unknown as Packet;
}

test('video options reach the message', () => {
  const draw = parseDraw(h264Packet({ frame: 0, type: 'IDR', csc: 'YUV420P', scaled_size: [852, 480] }));
  const message = toDrawMessage(draw);
  assert.equal(message.frame, 0);
  assert.equal(message.frameType, 'IDR');
  assert.equal(message.csc, 'YUV420P');
  assert.deepEqual(message.scaledSize, [852, 480]);
});

test('image draw has no video fields', () => {
  const message = toDrawMessage(parseDraw(h264Packet({})));
  assert.equal('frame' in message, false);
  assert.equal('frameType' in message, false);
  assert.equal('scaledSize' in message, false);
  assert.equal('csc' in message, false);
});

test('frame type arrives as bytes under rencode', () => {
  const draw = parseDraw(h264Packet({ type: new TextEncoder().encode('P'), frame: 7 }));
  assert.equal(draw.frameType, 'P');
  assert.equal(draw.frame, 7);
});

test('malformed scaled_size is rejected', () => {
  assert.throws(() => parseDraw(h264Packet({ scaled_size: [852] })), /scaled_size/);
  assert.throws(() => parseDraw(h264Packet({ scaled_size: 'big' })), /scaled_size/);
});
