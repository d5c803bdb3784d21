/**
 * xpra's bencode variant (protocol flag 0). It differs from BitTorrent bencode:
 * dict keys keep their insertion order and may be integers, and `u<len>:` decodes
 * to text. There are no floats and no null; encoding them throws.
 */
import type { Dict, Value } from './types';
import { ProtocolError } from './errors';
import {
  MAX_INTEGER_LENGTH,
  MAX_LENGTH_DIGITS,
  MAX_NESTING_DEPTH,
  MAX_VALUE_COUNT,
} from './limits';
import {
  ByteWriter,
  decimalInteger,
  decodeUtf8Strict,
  describeType,
  encodeUtf8,
  hexByte,
  narrowInteger,
} from './bytes';
import { setDictEntry } from './dict';

const CHAR_I = 0x69;
const CHAR_L = 0x6c;
const CHAR_D = 0x64;
const CHAR_E = 0x65;
const CHAR_U = 0x75;
const CHAR_COLON = 0x3a;

function invalid(problem: string, offset: number): ProtocolError {
  return new ProtocolError(`invalid bencode: ${problem} at offset ${offset}`);
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

/**
 * Encodes a value. Text and bytes are both written as byte strings (text as UTF-8),
 * booleans as `i1e` / `i0e`, and dict keys in insertion order.
 */
export function bencodeEncode(value: Value): Uint8Array {
  const writer = new ByteWriter();
  encodeValue(writer, value, 0);
  return writer.toBytes();
}

function encodeValue(writer: ByteWriter, value: Value, depth: number): void {
  if (depth > MAX_NESTING_DEPTH) {
    throw new ProtocolError(`bencode: value nests deeper than ${MAX_NESTING_DEPTH} levels`);
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof value === 'number' && !Number.isInteger(value)) {
      throw new ProtocolError(
        `bencode cannot encode the non-integer number ${value}; send an integer or use rencodeplus`,
      );
    }
    writer.writeAscii(`i${decimalInteger(value)}e`);
  } else if (typeof value === 'boolean') {
    writer.writeAscii(value ? 'i1e' : 'i0e');
  } else if (typeof value === 'string') {
    encodeByteString(writer, encodeUtf8(value));
  } else if (value instanceof Uint8Array) {
    encodeByteString(writer, value);
  } else if (Array.isArray(value)) {
    writer.writeByte(CHAR_L);
    for (const item of value) {
      encodeValue(writer, item, depth + 1);
    }
    writer.writeByte(CHAR_E);
  } else if (value !== null && typeof value === 'object') {
    writer.writeByte(CHAR_D);
    for (const [key, item] of Object.entries(value)) {
      encodeByteString(writer, encodeUtf8(key));
      encodeValue(writer, item, depth + 1);
    }
    writer.writeByte(CHAR_E);
  } else {
    throw new ProtocolError(`bencode cannot encode a value of type ${describeType(value)}`);
  }
}

function encodeByteString(writer: ByteWriter, bytes: Uint8Array): void {
  writer.writeAscii(`${bytes.length}:`);
  writer.writeBytes(bytes);
}

/**
 * Decodes one value that must fill `bytes` exactly. Byte strings decode as
 * Uint8Array views of `bytes`, `u<len>:` strings as text, integers as numbers
 * (bigint outside the safe range), and integer dict keys as decimal strings.
 */
export function bencodeDecode(bytes: Uint8Array): Value {
  const decoder = new BencodeDecoder(bytes);
  const value = decoder.decodeValue(0);
  if (decoder.offset !== bytes.length) {
    throw new ProtocolError(
      `invalid bencode: ${bytes.length - decoder.offset} trailing bytes` +
        ` after the value at offset ${decoder.offset}`,
    );
  }
  return value;
}

// NOTE: plain objects list integer-like keys ("0", "1", ...) first, so a dict
// with integer keys (xpra's info-response) does not keep its wire order.
class BencodeDecoder {
  offset = 0;
  private valueCount = 0;

  constructor(private readonly bytes: Uint8Array) {}

  decodeValue(depth: number): Value {
    if (++this.valueCount > MAX_VALUE_COUNT) {
      throw invalid(`more than ${MAX_VALUE_COUNT} values in one packet`, this.offset);
    }
    const byte = this.peek();
    if (byte === CHAR_I) {
      this.offset++;
      return this.decodeInteger();
    }
    if (isDigit(byte)) {
      return this.decodeByteString();
    }
    if (byte === CHAR_U) {
      this.offset++;
      return decodeUtf8Strict(this.decodeByteString(), `bencode text at offset ${this.offset}`);
    }
    if (byte === CHAR_L || byte === CHAR_D) {
      if (depth >= MAX_NESTING_DEPTH) {
        throw invalid(`nesting deeper than ${MAX_NESTING_DEPTH} levels`, this.offset);
      }
      this.offset++;
      return byte === CHAR_L ? this.decodeList(depth + 1) : this.decodeDict(depth + 1);
    }
    throw invalid(`unexpected byte ${hexByte(byte)}`, this.offset);
  }

  private peek(): number {
    if (this.offset >= this.bytes.length) {
      throw invalid('truncated', this.offset);
    }
    return this.bytes[this.offset];
  }

  /** Reads ASCII characters up to `terminator`, which is consumed. */
  private readUntil(terminator: number, maxLength: number, description: string): string {
    const start = this.offset;
    const end = Math.min(this.bytes.length, start + maxLength + 1);
    for (let i = start; i < end; i++) {
      if (this.bytes[i] === terminator) {
        this.offset = i + 1;
        return String.fromCharCode(...this.bytes.subarray(start, i));
      }
    }
    if (end === this.bytes.length) {
      throw invalid(`truncated ${description}`, start);
    }
    throw invalid(`${description} longer than ${maxLength} characters`, start);
  }

  private decodeInteger(): number | bigint {
    const start = this.offset;
    const text = this.readUntil(CHAR_E, MAX_INTEGER_LENGTH, 'integer');
    if (!/^-?[0-9]+$/.test(text)) {
      throw invalid(`malformed integer ${JSON.stringify(text)}`, start);
    }
    return narrowInteger(BigInt(text));
  }

  private decodeByteString(): Uint8Array {
    const start = this.offset;
    const text = this.readUntil(CHAR_COLON, MAX_LENGTH_DIGITS, 'string length');
    if (!/^[0-9]+$/.test(text)) {
      throw invalid(`malformed string length ${JSON.stringify(text)}`, start);
    }
    const length = Number(text);
    if (length > this.bytes.length - this.offset) {
      const left = this.bytes.length - this.offset;
      throw invalid(`string of ${length} bytes truncated to ${left}`, start);
    }
    const value = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  private decodeList(depth: number): Value[] {
    const items: Value[] = [];
    while (this.peek() !== CHAR_E) {
      items.push(this.decodeValue(depth));
    }
    this.offset++;
    return items;
  }

  private decodeDict(depth: number): Dict {
    const dict: Dict = {};
    while (this.peek() !== CHAR_E) {
      const keyOffset = this.offset;
      const key = this.decodeValue(depth);
      setDictEntry(dict, dictKey(key, keyOffset), this.decodeValue(depth));
    }
    this.offset++;
    return dict;
  }
}

function dictKey(key: Value, offset: number): string {
  if (key instanceof Uint8Array) {
    return decodeUtf8Strict(key, `bencode dict key at offset ${offset}`);
  }
  if (typeof key === 'string') {
    return key;
  }
  if (typeof key === 'number' || typeof key === 'bigint') {
    return decimalInteger(key);
  }
  throw invalid(`dict key of type ${describeType(key)}`, offset);
}
