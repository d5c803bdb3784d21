import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_NESTING_DEPTH,
  MAX_VALUE_COUNT,
  ProtocolError,
  rencodeDecode,
  rencodeEncode,
  type Dict,
  type RencodeMode,
  type Value,
} from '../../../src/protocol';
import { ascii, fromHex, hex } from './helpers';

function dictOf(size: number): Dict {
  const dict: Dict = {};
  for (let i = 0; i < size; i++) {
    dict[`k${i}`] = i;
  }
  return dict;
}

function listOf(size: number): Value[] {
  return Array.from({ length: size }, () => 0);
}

/** Builds the hex that python-rencode writes for a dict of `size` entries `k<i>: i`, without the type code. */
function dictEntriesHex(size: number): string {
  let entries = '';
  for (let i = 0; i < size; i++) {
    const key = ascii(`k${i}`);
    entries += (0x80 + key.length).toString(16) + hex(key) + hex(rencodeEncode(i, 'rencode'));
  }
  return entries;
}

// Vectors measured against python-rencode 1.0.6 and xpra's rencodeplus;
// `null` in the last column means the rencodeplus bytes equal the rencode bytes.
const VECTORS: [string, Value, string, string | null][] = [
  ['0', 0, '00', null],
  ['43', 43, '2b', null],
  ['44', 44, '3e2c', null],
  ['-1', -1, '46', null],
  ['-32', -32, '65', null],
  ['-33', -33, '3edf', null],
  ['127', 127, '3e7f', null],
  ['128', 128, '3f0080', null],
  ['-129', -129, '3fff7f', null],
  ['32768', 32768, '4000008000', null],
  ['-32769', -32769, '40ffff7fff', null],
  ['2**31', 2 ** 31, '410000000080000000', null],
  ['2**64', 2n ** 64n, '3d31383434363734343037333730393535313631367f', null],
  ['True', true, '43', null],
  ['False', false, '44', null],
  ['None', null, '45', null],
  ['1.5', 1.5, '423fc00000', '2c3ff8000000000000'],
  ['text abc', 'abc', '83616263', null],
  ['bytes abc', ascii('abc'), '83616263', '332f616263'],
  ['empty text', '', '80', null],
  ['empty bytes', new Uint8Array(0), '80', '302f'],
  ['text é', 'é', '82c3a9', null],
  ['64-byte text', 'x'.repeat(64), '36343a' + '78'.repeat(64), null],
  ['64-byte bytes', ascii('x'.repeat(64)), '36343a' + '78'.repeat(64), '36342f' + '78'.repeat(64)],
  ['list [1, 2]', [1, 2], 'c20102', null],
  ['dict {a: 1}', { a: 1 }, '67816101', null],
  ['24-entry dict', dictOf(24), '7e' + dictEntriesHex(24), null],
  ['25-entry dict', dictOf(25), '3c' + dictEntriesHex(25) + '7f', null],
  ['63-item list', listOf(63), 'ff' + '00'.repeat(63), null],
  ['64-item list', listOf(64), '3b' + '00'.repeat(64) + '7f', null],
  [
    'hello',
    ['hello', { version: '3.1.3' }],
    'c28568656c6c6f678776657273696f6e85332e312e33',
    null,
  ],
];

const PLUS_ONLY_VECTORS: [string, Value, string][] = [
  ['mixed text and bytes', ['x', fromHex('89504e47'), 'PNG'], 'c38178342f89504e4783504e47'],
  [
    'damage-sequence',
    ['damage-sequence', 5, 2, 484, 316, 1234, ''],
    'c78f64616d6167652d73657175656e636505023f01e43f013c3f04d280',
  ],
];

describe('rencode and rencodeplus encode', () => {
  for (const [name, value, rencodeHex, plusHex] of VECTORS) {
    it(`encodes ${name} with rencode`, () => {
      assert.equal(hex(rencodeEncode(value, 'rencode')), rencodeHex);
    });
    it(`encodes ${name} with rencodeplus`, () => {
      assert.equal(hex(rencodeEncode(value, 'rencodeplus')), plusHex ?? rencodeHex);
    });
  }
  for (const [name, value, plusHex] of PLUS_ONLY_VECTORS) {
    it(`encodes ${name} with rencodeplus`, () => {
      assert.equal(hex(rencodeEncode(value, 'rencodeplus')), plusHex);
    });
  }

  it('encodes int64 bounds and beyond', () => {
    assert.equal(hex(rencodeEncode(2n ** 63n - 1n, 'rencode')), '417fffffffffffffff');
    assert.equal(hex(rencodeEncode(-(2n ** 63n), 'rencode')), '418000000000000000');
    assert.equal(hex(rencodeEncode(-(2n ** 63n) - 1n, 'rencode')), '3d' + hex(ascii('-9223372036854775809')) + '7f');
  });

  it('rejects an integer over 64 digits', () => {
    assert.throws(() => rencodeEncode(10n ** 70n, 'rencodeplus'), /integer of 71 characters; the maximum is 63/);
  });
});

describe('rencode and rencodeplus decode', () => {
  for (const [name, value, rencodeHex, plusHex] of VECTORS) {
    it(`decodes ${name} from rencodeplus`, () => {
      assert.deepEqual(rencodeDecode(fromHex(plusHex ?? rencodeHex), 'rencodeplus'), value);
    });
  }

  it('decodes rencode strings as bytes', () => {
    const decoded = rencodeDecode(fromHex('c28568656c6c6f678776657273696f6e85332e312e33'), 'rencode');
    assert.deepEqual(decoded, [ascii('hello'), { version: ascii('3.1.3') }]);
  });

  it('decodes rencode 64-byte strings as bytes', () => {
    assert.deepEqual(rencodeDecode(fromHex('36343a' + '78'.repeat(64)), 'rencode'), ascii('x'.repeat(64)));
  });

  it('decodes rencodeplus text and bytes apart', () => {
    const decoded = rencodeDecode(fromHex('c38178342f89504e4783504e47'), 'rencodeplus');
    assert.deepEqual(decoded, ['x', fromHex('89504e47'), 'PNG']);
  });

  it('decodes float32 in both modes', () => {
    assert.equal(rencodeDecode(fromHex('423fc00000'), 'rencodeplus'), 1.5);
    assert.equal(rencodeDecode(fromHex('2c3ff8000000000000'), 'rencode'), 1.5);
  });

  it('decodes int64 within the safe range as number', () => {
    assert.equal(rencodeDecode(fromHex('410000000080000000'), 'rencode'), 2 ** 31);
  });

  it('decodes int64 outside the safe range as bigint', () => {
    assert.equal(rencodeDecode(fromHex('417fffffffffffffff'), 'rencode'), 2n ** 63n - 1n);
  });

  it('decodes big integers as bigint', () => {
    assert.equal(rencodeDecode(fromHex('3d31383434363734343037333730393535313631367f'), 'rencode'), 2n ** 64n);
    assert.equal(rencodeDecode(fromHex('3d2d357f'), 'rencode'), -5n);
  });

  it('decodes integer dict keys as decimal strings', () => {
    assert.deepEqual(rencodeDecode(fromHex('68078161' + '46' + '8162'), 'rencode'), { '7': ascii('a'), '-1': ascii('b') });
  });

  it('stores a __proto__ key as data', () => {
    const decoded = rencodeDecode(rencodeEncode({ ['__proto__']: { x: 1 } } as Dict, 'rencodeplus'), 'rencodeplus');
    assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
    assert.equal((decoded as { x?: unknown }).x, undefined);
  });

  const MALFORMED: [string, RencodeMode, string, RegExp][] = [
    ['empty input', 'rencodeplus', '', /truncated at offset 0/],
    ['truncated int32', 'rencode', '400000', /4 bytes needed, 2 left, at offset 1/],
    ['truncated fixed string', 'rencodeplus', '85616263', /5 bytes needed/],
    ['truncated fixed list', 'rencode', 'c301', /truncated at offset 2/],
    ['unterminated list', 'rencode', '3b0102', /missing terminator/],
    ['unterminated dict', 'rencodeplus', '3c816101', /missing terminator/],
    ['unterminated big integer', 'rencode', '3d3132', /big integer without a terminator/],
    ['malformed big integer', 'rencode', '3d31613f7f', /malformed big integer/],
    ['64-digit big integer', 'rencode', '3d' + '39'.repeat(64) + '7f', /longer than 63 characters/],
    ['unknown type code 0x2d', 'rencodeplus', '2d', /unknown type code 0x2d/],
    ['stray terminator', 'rencode', '7f', /unknown type code 0x7f/],
    ['trailing bytes', 'rencodeplus', '0102', /1 trailing bytes/],
    ['slash string under rencode', 'rencode', '332f616263', /unexpected byte 0x2f/],
    ['length with a bad separator', 'rencodeplus', '3378616263', /unexpected byte 0x78/],
    ['length over 10 digits', 'rencodeplus', '3132333435363738393031', /string length over 10 digits/],
    ['length past the end', 'rencodeplus', '39393a6162', /99 bytes needed/],
    ['invalid UTF-8 text', 'rencodeplus', '81ff', /invalid UTF-8/],
    ['list as dict key', 'rencodeplus', '67c001', /dict key of type list/],
  ];
  for (const [name, mode, input, message] of MALFORMED) {
    it(`rejects ${name}`, () => {
      assert.throws(() => rencodeDecode(fromHex(input), mode), (error: unknown) => {
        assert.ok(error instanceof ProtocolError);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  it('rejects nesting deeper than the limit', () => {
    const deep = fromHex('c1'.repeat(MAX_NESTING_DEPTH + 1) + '00');
    assert.throws(() => rencodeDecode(deep, 'rencodeplus'), /nesting deeper than 64/);
    const allowed = fromHex('c1'.repeat(MAX_NESTING_DEPTH) + '00');
    assert.ok(Array.isArray(rencodeDecode(allowed, 'rencodeplus')));
  });

  it('rejects more values than the limit', () => {
    const emptyLists = 'c0'.repeat(MAX_VALUE_COUNT);
    assert.throws(
      () => rencodeDecode(fromHex('3b' + emptyLists + '7f'), 'rencodeplus'),
      /more than 1000000 values in one packet at offset 1000000/,
    );
    const withinLimit = fromHex('3b' + 'c0'.repeat(MAX_VALUE_COUNT - 1) + '7f');
    assert.equal((rencodeDecode(withinLimit, 'rencodeplus') as Value[]).length, MAX_VALUE_COUNT - 1);
  });

  it('rejects a long claimed list without allocating for it', () => {
    // 0xFF claims 63 items; only one follows.
    assert.throws(() => rencodeDecode(fromHex('ff00'), 'rencode'), /truncated at offset 2/);
  });

  it('round-trips a draw packet with rencodeplus', () => {
    const packet: Value = [
      'draw', 4194316, 0, 0, 484, 316, 'webp', fromHex('52494646'), 34, 0,
      { rgb_format: 'BGRX', quality: 74, 'window-size': [484, 316], scale: 0.5, none: null },
    ];
    assert.deepEqual(rencodeDecode(rencodeEncode(packet, 'rencodeplus'), 'rencodeplus'), packet);
  });

  it('round-trips integers at every size boundary', () => {
    const values = [0, 43, 44, -32, -33, 127, -128, 128, -129, 32767, -32768, 32768, 2 ** 31 - 1, -(2 ** 31), 2 ** 31,
      Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 100n, -(2n ** 100n)];
    for (const value of values) {
      const decoded = rencodeDecode(rencodeEncode(value, 'rencode'), 'rencode');
      assert.equal(BigInt(decoded as number | bigint), BigInt(value), `integer ${value}`);
    }
  });
});
