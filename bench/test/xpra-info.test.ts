import { test } from 'node:test';
import assert from 'node:assert/strict';
import { busiestWindow, clientFigures, parseInfo } from '../lib/xpra-info';

const SAMPLE = [
  'client.connection.output.count.draw=120',
  'client.connection.output.bytecount=5000',
  'client.connection.input.packetcount=130',
  'client.connection.input.count.hello=1',
  'client.connection.input.count.ping_echo=3',
  'client.connection.input.count.damage-sequence=1',
  'client.encoding.pixels_decoded_per_second=1000000',
  'client.damage.frame-total-latency=42',
  'client.window.1.total_frames.png=2',
  'client.window.2.total_frames.webp=90',
  'client.window.2.total_frames.scroll=10',
  'client.window.2.total_pixels.webp=900000',
  'client.window.2.encoding.quality.cur=81',
  'client.window.2.dimensions=(1280, 720)',
  'client.window.2.encoding.pipeline_option.encoder.width=852',
  'client.window.2.encoding.pipeline_option.encoder.height=480',
  'server.title=a=b',
].join('\n');

test('parseInfo keeps = inside values', () => {
  assert.equal(parseInfo(SAMPLE).get('server.title'), 'a=b');
});

test('clientFigures reads connection counters', () => {
  const figures = clientFigures(parseInfo(SAMPLE));
  assert.ok(figures);
  assert.equal(figures.drawPackets, 120);
  assert.equal(figures.bytesSent, 5000);
  assert.equal(figures.pixelsDecodedPerSecond, 1_000_000);
  assert.equal(figures.frameTotalLatencyMs, 42);
});

test('damage acks sent under an alias are counted', () => {
  // 130 packets, of which hello and 3 ping_echo were counted by name: 126 acks.
  assert.equal(clientFigures(parseInfo(SAMPLE))?.damageAcks, 126);
});

test('busiest window is the workload window', () => {
  const window = busiestWindow(clientFigures(parseInfo(SAMPLE))!);
  assert.equal(window?.wid, 2);
  assert.equal(window?.qualityCurrent, 81);
  assert.equal(window?.videoEncoderSize, '852x480');
  assert.deepEqual(window?.framesByEncoding, { webp: 90, scroll: 10 });
});

test('clientFigures without a client is undefined', () => {
  assert.equal(clientFigures(parseInfo('server.pid=12\n')), undefined);
});
