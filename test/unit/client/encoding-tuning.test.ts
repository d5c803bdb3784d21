import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildHello, effectiveTuning, LOOPBACK_MIN_SPEED, type EncodingTuning } from '../../../src/client';
import { isLoopbackHost } from '../../../src/transport';
import type { Dict } from '../../../src/protocol/types';

function hello(tuning: EncodingTuning | undefined, nested: boolean): Dict {
  return buildHello({
    encodings: ['png', 'jpeg', 'rgb24'],
    desktopSize: [1920, 1080],
    keycodes: [],
    tls: true,
    compressors: ['lz4'],
    nested,
    tuning,
  });
}

describe('speed and quality in the hello', () => {
  it('flat keys for 3.1', () => {
    const caps = hello({ speed: 90, minSpeed: 80, quality: 70, minQuality: 40 }, false);
    assert.equal(caps['encoding.speed'], 90);
    assert.equal(caps['encoding.min-speed'], 80);
    assert.equal(caps['encoding.quality'], 70);
    assert.equal(caps['encoding.min-quality'], 40);
    assert.equal(caps.encoding, 'auto');
  });

  it('encoding dict keys for 6.x', () => {
    const caps = hello({ minSpeed: 80, minQuality: 50 }, true);
    const nested = caps.encoding as Dict;
    assert.equal(nested['min-speed'], 80);
    assert.equal(nested['min-quality'], 50);
    assert.equal(caps['encoding.min-speed'], 80);
    assert.equal(nested.speed, undefined);
  });

  it('drops 0 and out-of-range values', () => {
    const caps = hello({ speed: 0, minSpeed: 101, quality: -5, minQuality: 2.5 }, true);
    for (const name of ['speed', 'min-speed', 'quality', 'min-quality']) {
      assert.equal(caps[`encoding.${name}`], undefined, name);
      assert.equal((caps.encoding as Dict)[name], undefined, name);
    }
  });

  it('no keys without tuning', () => {
    const caps = hello(undefined, false);
    assert.equal(Object.keys(caps).filter((key) => /speed|quality/.test(key)).length, 0);
  });
});

describe('the loopback speed floor', () => {
  it('applies to loopback hosts', () => {
    for (const host of ['127.0.0.1', '127.3.2.1', 'localhost', '::1', 'LOCALHOST']) {
      assert.deepEqual(effectiveTuning(host), { minSpeed: LOOPBACK_MIN_SPEED }, host);
    }
    assert.deepEqual(effectiveTuning('127.0.0.1', { quality: 60 }), { quality: 60, minSpeed: LOOPBACK_MIN_SPEED });
  });

  it('skips other hosts', () => {
    for (const host of ['example.com', '203.0.113.7', '10.0.0.1', '::2', '128.0.0.1']) {
      assert.deepEqual(effectiveTuning(host), {}, host);
    }
  });

  it('yields to a named speed', () => {
    assert.deepEqual(effectiveTuning('127.0.0.1', { minSpeed: 0 }), { minSpeed: 0 });
    assert.deepEqual(effectiveTuning('127.0.0.1', { speed: 50 }), { speed: 50 });
    assert.deepEqual(effectiveTuning('127.0.0.1', { minSpeed: 30 }), { minSpeed: 30 });
  });

  it('recognises loopback names', () => {
    assert.ok(isLoopbackHost('[::1]'));
    assert.ok(isLoopbackHost('a.localhost'));
    assert.ok(!isLoopbackHost('localhost.example.com'));
    assert.ok(!isLoopbackHost('127.example.com'));
  });
});
