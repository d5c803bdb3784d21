import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildHello, FRAMEBUFFER_ENCODINGS } from '../../../src/client';
import type { Dict } from '../../../src/protocol/types';
import { VideoSupport, webviewEncodings, type ProbeStore, type VideoProbeMessage } from '../../../src/vscode/video-support';

function hello(encodings: string[], nested = false): Dict {
  return buildHello({
    encodings,
    desktopSize: [1920, 1080],
    keycodes: [],
    tls: true,
    compressors: ['lz4'],
    nested,
  });
}

const yes: VideoProbeMessage = { type: 'video-probe', h264: true, hardware: true, detail: 'decoded a 32x32 avc1.42C00A key frame' };
const software: VideoProbeMessage = { type: 'video-probe', h264: true, hardware: false, detail: 'decoded a 32x32 avc1.42C00A key frame' };
const no: VideoProbeMessage = { type: 'video-probe', h264: false, detail: 'this page has no WebCodecs VideoDecoder' };

test('successful probe adds h264', () => {
  const caps = hello(webviewEncodings(yes));
  assert.ok((caps.encodings as string[]).includes('h264'));
  assert.ok((caps['encodings.core'] as string[]).includes('h264'));
  assert.deepEqual(caps['encoding.full_csc_modes'], { h264: ['YUV420P'] });
  assert.equal(caps['encoding.video_scaling'], false);
  assert.deepEqual(caps['encoding.video_b_frames'], []);
  assert.equal(caps['encoding.eos'], true);
  assert.equal(caps['encoding.h264.fast-decode'], true);
});

test('failed probe leaves h264 out', () => {
  const caps = hello(webviewEncodings(no));
  assert.ok(!(caps.encodings as string[]).includes('h264'));
  assert.ok(!(caps['encodings.core'] as string[]).includes('h264'));
  assert.equal(caps['encoding.full_csc_modes'], undefined);
  assert.equal(caps['encoding.video_scaling'], undefined);
});

test('missing probe leaves h264 out', () => {
  assert.ok(!webviewEncodings(undefined).includes('h264'));
});

test('image encodings stay the same', () => {
  const withVideo = webviewEncodings(yes).filter((name) => name !== 'h264');
  assert.deepEqual(withVideo, webviewEncodings(no));
  assert.deepEqual(webviewEncodings(no), ['png', 'png/P', 'png/L', 'jpeg', 'webp', 'rgb24', 'rgb32', 'scroll']);
});

test('nested hello carries h264 caps', () => {
  const caps = hello(webviewEncodings(yes), true);
  const encoding = caps.encoding as Dict;
  assert.deepEqual(encoding.full_csc_modes, { h264: ['YUV420P'] });
  assert.equal(encoding.video_scaling, false);
  assert.deepEqual(caps['encoding.full_csc_modes'], { h264: ['YUV420P'] });
});

test('command line never offers h264', () => {
  const caps = hello(FRAMEBUFFER_ENCODINGS);
  assert.ok(!(caps.encodings as string[]).includes('h264'));
  assert.equal(caps['encoding.full_csc_modes'], undefined);
});

test('wait resolves with a later probe', async () => {
  const support = new VideoSupport();
  const waiting = support.wait(1000);
  support.record(yes);
  assert.deepEqual(await waiting, yes);
});

test('wait times out without a probe', async () => {
  const support = new VideoSupport();
  const started = Date.now();
  assert.equal(await support.wait(50), undefined);
  assert.ok(Date.now() - started >= 45);
  assert.equal(support.known, undefined);
});

test('first probe result is kept', async () => {
  const support = new VideoSupport();
  support.record(yes);
  support.record(no);
  assert.equal(support.known?.h264, true);
  assert.deepEqual(await support.wait(0), yes);
});

test('malformed probe counts as failed', () => {
  const support = new VideoSupport();
  support.record({ type: 'video-probe', h264: 'yes', detail: 42 } as unknown as VideoProbeMessage);
  assert.equal(support.known?.h264, false);
  assert.equal(support.known?.detail, '42');
});

test('auto mode skips software decoders', () => {
  assert.ok(!webviewEncodings(software, 'auto').includes('h264'));
  assert.ok(webviewEncodings(yes, 'auto').includes('h264'));
});

test('on mode accepts software decoders', () => {
  assert.ok(webviewEncodings(software, 'on').includes('h264'));
  assert.ok(!webviewEncodings(no, 'on').includes('h264'));
});

test('off mode never offers h264', () => {
  assert.ok(!webviewEncodings(yes, 'off').includes('h264'));
  assert.ok(!webviewEncodings(software, 'off').includes('h264'));
});

test('remembered probe serves until a page reports', async () => {
  const saved: VideoProbeMessage[] = [];
  const store: ProbeStore = { load: () => yes, save: (result) => saved.push(result) };
  const support = new VideoSupport(store);
  assert.equal(support.known?.hardware, true);
  assert.equal((await support.wait(5000))?.h264, true);
  support.record(software);
  assert.equal(support.known?.hardware, false);
  assert.equal(saved.length, 1);
  assert.equal(saved[0].hardware, false);
});
