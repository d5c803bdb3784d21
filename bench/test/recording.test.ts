import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecording, writeRecording, type RecordedMessage } from '../replay/recording';

const MESSAGES: RecordedMessage[] = [
  { t: 0, page: 1, message: { type: 'session', state: 'connected', insecure: false } },
  {
    t: 12.5,
    page: 1,
    message: {
      type: 'draw', wid: 1, x: 0, y: 0, width: 2, height: 1, coding: 'rgb32', seq: 7, rowstride: 8,
      compression: 'none', flush: 0, data: new Uint8Array([1, 2, 3, 255, 4, 5, 6, 255]),
    },
  },
];

function tempFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'bench-recording-')), 'session.rec');
}

test('recording round trip keeps messages and bytes', () => {
  const file = tempFile();
  writeRecording(file, MESSAGES);
  const read = readRecording(file);
  assert.equal(read.length, 2);
  assert.deepEqual(read[0], MESSAGES[0]);
  const draw = read[1].message;
  assert.equal(draw.type, 'draw');
  if (draw.type !== 'draw') return;
  assert.equal(draw.seq, 7);
  assert.ok(draw.data instanceof Uint8Array);
  assert.deepEqual([...draw.data], [1, 2, 3, 255, 4, 5, 6, 255]);
  assert.equal(read[1].t, 12.5);
});

test('recording without the magic line is rejected', () => {
  const file = tempFile();
  writeFileSync(file, 'not a recording');
  assert.throws(() => readRecording(file), /is not a benchmark recording/);
});

test('truncated recording is rejected', () => {
  const file = tempFile();
  writeRecording(file, MESSAGES);
  const whole = readFileSync(file);
  writeFileSync(file, whole.subarray(0, whole.length - 3));
  assert.throws(() => readRecording(file), /truncated or corrupt/);
});
