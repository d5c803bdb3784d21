/**
 * The draws a real xpra 3.1.3 server sends for the benchmark's 1280x720 animation. When the
 * hello offers h264, they are an h264 stream of the whole window at full size in YUV420P,
 * starting with an IDR frame. Without h264 in the hello, no video arrives at all.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DrawEvent } from '../../src/client';
import { WEBVIEW_IMAGE_ENCODINGS, webviewEncodings } from '../../src/vscode/video-support';
import { collectAnimationDraws, startAnimationServer } from '../support/video-session';
import { makeTestCertificates, type TestCertificates, type XpraServer } from '../support/xpra';

/** h264 frames to wait for. The server switches to video after a few image frames. */
const H264_FRAMES = 30;
const COLLECT_TIMEOUT_MS = 20_000;

describe('h264 from xpra 3.1.3', () => {
  let dir: string;
  let certificates: TestCertificates;
  let server: XpraServer;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'video-conformance-'));
    certificates = await makeTestCertificates(dir);
    server = await startAnimationServer(certificates);
  });

  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('animation arrives as full-size h264', async () => {
    const h264 = (draws: readonly DrawEvent[]): DrawEvent[] => draws.filter((draw) => draw.coding === 'h264');
    const collected = await collectAnimationDraws({
      server,
      caFile: certificates.caFile,
      encodings: webviewEncodings({ h264: true }, 'on'),
      done: (draws) => h264(draws).length >= H264_FRAMES,
      timeoutMs: COLLECT_TIMEOUT_MS,
    });
    collected.session.disconnect();
    const frames = h264(collected.draws);
    const codings = [...new Set(collected.draws.map((draw) => draw.coding))].join(', ');
    assert.ok(frames.length >= H264_FRAMES, `${frames.length} h264 draws in ${collected.draws.length} (${codings})`);
    const first = frames[0];
    assert.equal(first.frame, 0);
    assert.equal(first.frameType, 'IDR');
    assert.equal(first.csc, 'YUV420P');
    for (const frame of frames) {
      assert.deepEqual([frame.x, frame.y, frame.width, frame.height], [0, 0, 1280, 720], `frame ${frame.frame} area`);
      assert.equal(frame.scaledSize, undefined, `frame ${frame.frame} is scaled to ${String(frame.scaledSize)}`);
      assert.ok(frame.frameType !== 'B', `frame ${frame.frame} is a B-frame`);
    }
    const numbers = frames.map((frame) => frame.frame);
    assert.deepEqual(numbers, numbers.map((_, index) => index), 'frame counters of one stream');
  });

  test('no h264 without the probe', async () => {
    const collected = await collectAnimationDraws({
      server,
      caFile: certificates.caFile,
      encodings: webviewEncodings(undefined),
      done: (draws) => draws.length >= 60,
      timeoutMs: COLLECT_TIMEOUT_MS,
    });
    collected.session.disconnect();
    assert.ok(collected.draws.length >= 60, `only ${collected.draws.length} draws arrived`);
    const codings = new Set(collected.draws.map((draw) => draw.coding));
    assert.ok(!codings.has('h264'), `codings: ${[...codings].join(', ')}`);
    for (const coding of codings) {
      assert.ok(WEBVIEW_IMAGE_ENCODINGS.includes(coding), `unexpected coding ${coding}`);
    }
  });
});
