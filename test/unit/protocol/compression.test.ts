import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  compressLz4,
  compressLz4Block,
  compressorFromLevelByte,
  compressPayload,
  decompressLz4,
  decompressLz4Block,
  decompressPayload,
  ProtocolError,
} from '../../../src/protocol';
import { ascii, fromHex, hex } from './helpers';

const XPRA_100 = ascii('xpra '.repeat(20));

function assertProtocolError(run: () => unknown, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}

/** Inputs that exercise literals only, long runs, overlapping matches and matches near the end. */
function sampleInputs(): Uint8Array[] {
  const inputs = [new Uint8Array(0), ascii('a'), ascii('abcdefghijkl'), XPRA_100, new Uint8Array(70000)];
  inputs.push(new Uint8Array(randomBytes(5000)));
  const text = ascii('the quick brown fox jumps over the lazy dog. '.repeat(300));
  inputs.push(text);
  for (let n = 13; n < 40; n++) {
    for (let shift = 0; shift < 4; shift++) {
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        bytes[i] = (i * 7 + shift) & 0xff;
      }
      bytes.set(bytes.subarray(0, 4), Math.max(5, n - 12 + shift));
      inputs.push(bytes);
    }
  }
  return inputs;
}

describe('lz4', () => {
  it('decodes the xpra vector', () => {
    // `"xpra " * 20` compressed by python-lz4 with its size prefix.
    const compressed = fromHex('64000000 5f7870726120050047507870726120');
    assert.deepEqual(decompressLz4(compressed), XPRA_100);
  });

  it('writes the little-endian size prefix', () => {
    const compressed = compressLz4(XPRA_100);
    assert.equal(hex(compressed.subarray(0, 4)), '64000000');
    assert.ok(compressed.length < 40, `100 repetitive bytes compress to ${compressed.length} bytes`);
  });

  it('round-trips sample inputs', () => {
    for (const input of sampleInputs()) {
      assert.deepEqual(decompressLz4(compressLz4(input)), input, `input of ${input.length} bytes`);
    }
  });

  it('rejects a size prefix over the bound before allocating', () => {
    const announcesFourGiB = fromHex('ffffffff 00');
    assertProtocolError(() => decompressLz4(announcesFourGiB), /size prefix of 4294967295 bytes exceeds the maximum of 268435456/);
    assertProtocolError(() => decompressLz4(fromHex('00010000 00'), 255), /256 bytes exceeds the maximum of 255/);
  });

  it('rejects data shorter than the prefix', () => {
    assertProtocolError(() => decompressLz4(fromHex('0400')), /shorter than the 4-byte size prefix/);
  });

  it('rejects a match offset before the output start', () => {
    // One literal 'a', then a match at offset 2 while only 1 byte is decoded.
    assertProtocolError(() => decompressLz4Block(fromHex('10 61 0200 00'), 10), /match offset 2 at output offset 1/);
  });

  it('rejects a zero match offset', () => {
    assertProtocolError(() => decompressLz4Block(fromHex('10 61 0000 00'), 10), /match offset 0/);
  });

  it('rejects output longer than announced', () => {
    assertProtocolError(() => decompressLz4Block(fromHex('40 61626364'), 3), /exceeds the announced 3 bytes/);
    // A long match: 1 literal, then 4 + 15 + 255 + 255 + 10 bytes.
    assertProtocolError(() => decompressLz4Block(fromHex('1f 61 0100 ffff0a 00'), 100), /exceeds the announced 100/);
  });

  it('rejects output shorter than announced', () => {
    assertProtocolError(() => decompressLz4Block(fromHex('30 616263'), 10), /3 bytes decoded, 10 announced/);
  });

  it('rejects truncated blocks', () => {
    assertProtocolError(() => decompressLz4Block(new Uint8Array(0), 0), /truncated at input offset 0/);
    assertProtocolError(() => decompressLz4Block(fromHex('50 6162'), 5), /run past the input/);
    assertProtocolError(() => decompressLz4Block(fromHex('f0 ffff'), 600), /truncated length/);
    assertProtocolError(() => decompressLz4Block(fromHex('14 61 01'), 10), /truncated match offset/);
  });

  it('decodes overlapping matches', () => {
    // 'ab' then a match of 8 at offset 2: 'abababababab'.
    assert.deepEqual(decompressLz4Block(fromHex('24 6162 0200 00'), 10), ascii('ababababab'));
  });

  const liblz4 = '/usr/lib/x86_64-linux-gnu/liblz4.so.1';
  it('writes blocks that liblz4 accepts', { skip: existsSync(liblz4) ? false : 'liblz4 is not installed' }, () => {
    // liblz4's LZ4_decompress_safe is what python-lz4, and so an xpra server, runs.
    const cases = sampleInputs().map((input) => ({ input: hex(input), block: hex(compressLz4Block(input)) }));
    const script = [
      'import ctypes, json, sys',
      `lib = ctypes.CDLL(${JSON.stringify(liblz4)})`,
      'bad = []',
      'for case in json.load(sys.stdin):',
      '    src = bytes.fromhex(case["input"]); block = bytes.fromhex(case["block"])',
      '    out = ctypes.create_string_buffer(max(len(src), 1))',
      '    n = lib.LZ4_decompress_safe(block, out, len(block), len(src))',
      '    if n != len(src) or out.raw[:n] != src: bad.append(len(src))',
      'print(json.dumps(bad))',
    ].join('\n');
    const result = spawnSync('python3', ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), [], 'input sizes that liblz4 rejected');
  });
});

describe('packet compression', () => {
  it('decodes the zlib vector', () => {
    assert.deepEqual(decompressPayload(0x01, fromHex('7801ab28284a54a8a02d010061bf251d')), XPRA_100);
  });

  it('names compressors from the level byte', () => {
    assert.equal(compressorFromLevelByte(0), 'none');
    assert.equal(compressorFromLevelByte(0x03), 'zlib');
    assert.equal(compressorFromLevelByte(0x11), 'lz4');
    assert.equal(compressorFromLevelByte(0x45), 'brotli');
  });

  it('rejects lzo and zstd', () => {
    assertProtocolError(() => decompressPayload(0x21, XPRA_100), /lzo compression is not supported/);
    assertProtocolError(() => decompressPayload(0x81, XPRA_100), /zstd compression is not supported/);
  });

  for (const compressor of ['zlib', 'lz4', 'brotli'] as const) {
    it(`round-trips ${compressor}`, () => {
      const { payload, levelByte } = compressPayload(compressor, XPRA_100, 3);
      assert.equal(compressorFromLevelByte(levelByte), compressor);
      assert.equal(levelByte & 0x0f, 3);
      assert.deepEqual(decompressPayload(levelByte, payload), XPRA_100);
    });

    it(`bounds ${compressor} output`, () => {
      const big = new Uint8Array(100_000);
      const { payload, levelByte } = compressPayload(compressor, big, 1);
      assertProtocolError(() => decompressPayload(levelByte, payload, 1000), /more than|exceeds/);
    });
  }

  it('rejects corrupt zlib and brotli data', () => {
    assertProtocolError(() => decompressPayload(0x01, ascii('not zlib at all')), /invalid zlib data/);
    assertProtocolError(() => decompressPayload(0x41, ascii('not brotli at all')), /invalid brotli data/);
  });

  it('leaves level 0 payloads unchanged', () => {
    assert.equal(compressPayload('none', XPRA_100).levelByte, 0);
    assert.equal(decompressPayload(0, XPRA_100), XPRA_100);
  });

  it('rejects an out-of-range level', () => {
    assertProtocolError(() => compressPayload('lz4', XPRA_100, 16), /invalid compression level 16/);
    assertProtocolError(() => compressPayload('zlib', XPRA_100, 0), /invalid compression level 0/);
  });
});
