import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  bencodeDecode,
  bencodeEncode,
  MAX_NESTING_DEPTH,
  MAX_VALUE_COUNT,
  ProtocolError,
  type Value,
} from '../../../src/protocol';
import { ascii, fromHex, hex } from './helpers';

// Vectors measured against xpra 3.1.3's Cython bencode encoder.
const VECTORS: [string, Value, string][] = [
  ['zero', 0, '693065'],
  ['minus one', -1, '692d3165'],
  ['empty bytes', new Uint8Array(0), '303a'],
  ['text abc', 'abc', '333a616263'],
  ['bytes abc', ascii('abc'), '333a616263'],
  ['text é as UTF-8', 'é', '323ac3a9'],
  ['empty list', [], '6c65'],
  ['list of ints', [1, 2], '6c69316569326565'],
  ['empty dict', {}, '6465'],
  ['one-entry dict', { a: 1 }, '64313a6169316565'],
  ['dict in insertion order', { b: 1, a: 2 }, '64313a626931 65 313a61693265 65'],
  ['hello', ['hello', { version: '3.1.3' }], '6c353a68656c6c6f64373a76657273696f6e353a332e312e336565'],
];

describe('bencode encode', () => {
  for (const [name, value, expected] of VECTORS) {
    it(`encodes ${name}`, () => {
      assert.equal(hex(bencodeEncode(value)), expected.replace(/\s+/g, ''));
    });
  }

  it('encodes booleans as 1 and 0', () => {
    assert.equal(hex(bencodeEncode(true)), '693165');
    assert.equal(hex(bencodeEncode(false)), '693065');
  });

  it('encodes integers beyond the safe range', () => {
    assert.equal(new TextDecoder().decode(bencodeEncode(2n ** 64n)), 'i18446744073709551616e');
    assert.equal(new TextDecoder().decode(bencodeEncode(1e21)), 'i1000000000000000000000e');
  });

  it('rejects floats with a clear error', () => {
    assert.throws(() => bencodeEncode(1.5), { name: 'ProtocolError', message: /non-integer number 1\.5/ });
  });

  it('rejects null with a clear error', () => {
    assert.throws(() => bencodeEncode([null]), { name: 'ProtocolError', message: /type null/ });
  });

  it('rejects cyclic values', () => {
    const list: Value[] = [];
    list.push(list);
    assert.throws(() => bencodeEncode(list), /nests deeper than/);
  });
});

describe('bencode decode', () => {
  it('decodes strings as bytes', () => {
    const decoded = bencodeDecode(fromHex('6c353a68656c6c6f64373a76657273696f6e353a332e312e336565'));
    assert.deepEqual(decoded, [ascii('hello'), { version: ascii('3.1.3') }]);
  });

  it('keeps dict insertion order', () => {
    const decoded = bencodeDecode(ascii('d1:bi1e1:ai2ee'));
    assert.deepEqual(Object.keys(decoded as object), ['b', 'a']);
  });

  it('decodes integer keys as decimal strings', () => {
    assert.deepEqual(bencodeDecode(ascii('di3e1:xi-1e1:ye')), { '3': ascii('x'), '-1': ascii('y') });
  });

  it('decodes the u extension as text', () => {
    assert.equal(bencodeDecode(fromHex('75323ac3a9')), 'é');
  });

  it('decodes large integers as bigint', () => {
    assert.equal(bencodeDecode(ascii('i18446744073709551616e')), 2n ** 64n);
    assert.equal(bencodeDecode(ascii('i9007199254740991e')), Number.MAX_SAFE_INTEGER);
  });

  it('stores a __proto__ key as data', () => {
    const decoded = bencodeDecode(ascii('d9:__proto__d1:xi1eee')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
    assert.deepEqual(Object.keys(decoded), ['__proto__']);
    assert.equal((decoded as { x?: unknown }).x, undefined);
  });

  const MALFORMED: [string, string, RegExp][] = [
    ['empty input', '', /truncated/],
    ['truncated integer', 'i12', /truncated integer/],
    ['malformed integer', 'i1-2e', /malformed integer/],
    ['empty integer', 'ie', /malformed integer/],
    ['truncated string', '5:abc', /truncated to 3/],
    ['unterminated list', 'li1e', /truncated/],
    ['unknown type byte', 'x', /unexpected byte 0x78/],
    ['trailing bytes', 'i1ei2e', /3 trailing bytes/],
    ['long length prefix', '12345678901:', /string length longer than 10 characters/],
    ['64-character integer', `i${'9'.repeat(64)}e`, /longer than 63 characters/],
    ['list as dict key', 'dlei1ee', /dict key of type list/],
    ['invalid UTF-8 key', 'd1:\xffi1ee', /invalid UTF-8/],
  ];
  for (const [name, input, message] of MALFORMED) {
    it(`rejects ${name}`, () => {
      assert.throws(() => bencodeDecode(ascii(input)), (error: unknown) => {
        assert.ok(error instanceof ProtocolError);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  it('rejects nesting deeper than the limit', () => {
    const deep = 'l'.repeat(MAX_NESTING_DEPTH + 1) + 'e'.repeat(MAX_NESTING_DEPTH + 1);
    assert.throws(() => bencodeDecode(ascii(deep)), /nesting deeper than 64/);
    const allowed = 'l'.repeat(MAX_NESTING_DEPTH) + 'e'.repeat(MAX_NESTING_DEPTH);
    assert.ok(Array.isArray(bencodeDecode(ascii(allowed))));
  });

  it('rejects more values than the limit', () => {
    const emptyLists = 'le'.repeat(MAX_VALUE_COUNT);
    assert.throws(() => bencodeDecode(ascii(`l${emptyLists}e`)), /more than 1000000 values in one packet/);
  });

  it('round-trips a nested packet', () => {
    // Text comes back as bytes under bencode, so the packet contains bytes only.
    const packet: Value = [ascii('draw'), 1, 2, 3, ascii('\x00\xff'), { options: { lz4: 1, list: [-5, 0] } }];
    assert.deepEqual(bencodeDecode(bencodeEncode(packet)), packet);
  });
});
