/**
 * python-rencode 1.0.6 (protocol flag 0x01) and xpra's rencodeplus (flag 0x10).
 *
 * Both share the type codes below. rencodeplus adds `<len>/` for binary data,
 * decodes the other strings as text and writes non-integer numbers as float64.
 * rencode decodes every string as bytes and writes non-integer numbers as float32.
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

export type RencodeMode = 'rencode' | 'rencodeplus';

const INT_POS_FIXED_COUNT = 44; // 0x00..0x2B hold 0..43
const FLOAT64 = 0x2c;
const BYTES_SEPARATOR = 0x2f; // '/' after the length: rencodeplus binary
const TEXT_SEPARATOR = 0x3a; // ':' after the length
const LIST = 0x3b;
const DICT = 0x3c;
const BIG_INT = 0x3d;
const INT8 = 0x3e;
const INT16 = 0x3f;
const INT32 = 0x40;
const INT64 = 0x41;
const FLOAT32 = 0x42;
const TRUE = 0x43;
const FALSE = 0x44;
const NONE = 0x45;
const INT_NEG_FIXED_START = 0x46; // 0x46..0x65 hold -1..-32
const INT_NEG_FIXED_COUNT = 32;
const DICT_FIXED_START = 0x66; // 0x66..0x7E hold dicts of 0..24 entries
const DICT_FIXED_COUNT = 25;
const TERMINATOR = 0x7f;
const STR_FIXED_START = 0x80; // 0x80..0xBF hold strings of 0..63 bytes
const STR_FIXED_COUNT = 64;
const LIST_FIXED_START = 0xc0; // 0xC0..0xFF hold lists of 0..63 items
const LIST_FIXED_COUNT = 64;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Encodes a value; see the module comment for how the two modes differ. */
export function rencodeEncode(value: Value, mode: RencodeMode): Uint8Array {
  const writer = new ByteWriter();
  new RencodeEncoder(writer, mode).encodeValue(value, 0);
  return writer.toBytes();
}

/**
 * Decodes one value that must fill `bytes` exactly. Binary strings decode as
 * Uint8Array views of `bytes`. Integers decode as numbers, and as bigint when
 * they are outside the safe range or use the decimal big-integer form.
 */
export function rencodeDecode(bytes: Uint8Array, mode: RencodeMode): Value {
  const decoder = new RencodeDecoder(bytes, mode);
  const value = decoder.decodeValue(0);
  if (decoder.offset !== bytes.length) {
    throw new ProtocolError(
      `invalid ${mode}: ${bytes.length - decoder.offset} trailing bytes` +
        ` after the value at offset ${decoder.offset}`,
    );
  }
  return value;
}

class RencodeEncoder {
  constructor(
    private readonly writer: ByteWriter,
    private readonly mode: RencodeMode,
  ) {}

  encodeValue(value: Value, depth: number): void {
    if (depth > MAX_NESTING_DEPTH) {
      throw new ProtocolError(`${this.mode}: value nests deeper than ${MAX_NESTING_DEPTH} levels`);
    }
    if (typeof value === 'number') {
      if (Number.isInteger(value)) {
        this.encodeInteger(BigInt(value));
      } else {
        this.encodeFloat(value);
      }
    } else if (typeof value === 'bigint') {
      this.encodeInteger(value);
    } else if (typeof value === 'boolean') {
      this.writer.writeByte(value ? TRUE : FALSE);
    } else if (value === null) {
      this.writer.writeByte(NONE);
    } else if (typeof value === 'string') {
      this.encodeString(encodeUtf8(value));
    } else if (value instanceof Uint8Array) {
      this.encodeBinary(value);
    } else if (Array.isArray(value)) {
      this.encodeList(value, depth);
    } else if (typeof value === 'object') {
      this.encodeDict(value, depth);
    } else {
      throw new ProtocolError(`${this.mode} cannot encode a value of type ${describeType(value)}`);
    }
  }

  private encodeInteger(value: bigint): void {
    const writer = this.writer;
    if (value >= 0n && value < BigInt(INT_POS_FIXED_COUNT)) {
      writer.writeByte(Number(value));
    } else if (value < 0n && value >= -BigInt(INT_NEG_FIXED_COUNT)) {
      writer.writeByte(INT_NEG_FIXED_START - 1 - Number(value));
    } else if (value >= -128n && value <= 127n) {
      writer.writeByte(INT8);
      writer.writeByte(Number(value) & 0xff);
    } else if (value >= -32768n && value <= 32767n) {
      this.writeFixed(INT16, 2, (view) => view.setInt16(0, Number(value)));
    } else if (value >= -(2n ** 31n) && value < 2n ** 31n) {
      this.writeFixed(INT32, 4, (view) => view.setInt32(0, Number(value)));
    } else if (value >= INT64_MIN && value <= INT64_MAX) {
      this.writeFixed(INT64, 8, (view) => view.setBigInt64(0, value));
    } else {
      const digits = value.toString();
      if (digits.length > MAX_INTEGER_LENGTH) {
        const limit = `the maximum is ${MAX_INTEGER_LENGTH}`;
        throw new ProtocolError(
          `${this.mode} cannot encode an integer of ${digits.length} characters; ${limit}`,
        );
      }
      writer.writeByte(BIG_INT);
      writer.writeAscii(digits);
      writer.writeByte(TERMINATOR);
    }
  }

  private encodeFloat(value: number): void {
    if (this.mode === 'rencodeplus') {
      this.writeFixed(FLOAT64, 8, (view) => view.setFloat64(0, value));
    } else {
      this.writeFixed(FLOAT32, 4, (view) => view.setFloat32(0, value));
    }
  }

  private writeFixed(typeCode: number, size: number, write: (view: DataView) => void): void {
    const bytes = new Uint8Array(size);
    write(new DataView(bytes.buffer));
    this.writer.writeByte(typeCode);
    this.writer.writeBytes(bytes);
  }

  /** Writes text (UTF-8 already applied): embedded length below 64 bytes, else `<len>:`. */
  private encodeString(bytes: Uint8Array): void {
    if (bytes.length < STR_FIXED_COUNT) {
      this.writer.writeByte(STR_FIXED_START + bytes.length);
    } else {
      this.writer.writeAscii(`${bytes.length}:`);
    }
    this.writer.writeBytes(bytes);
  }

  private encodeBinary(bytes: Uint8Array): void {
    if (this.mode === 'rencode') {
      this.encodeString(bytes);
      return;
    }
    this.writer.writeAscii(`${bytes.length}/`);
    this.writer.writeBytes(bytes);
  }

  private encodeList(items: Value[], depth: number): void {
    const fixed = items.length < LIST_FIXED_COUNT;
    this.writer.writeByte(fixed ? LIST_FIXED_START + items.length : LIST);
    for (const item of items) {
      this.encodeValue(item, depth + 1);
    }
    if (!fixed) {
      this.writer.writeByte(TERMINATOR);
    }
  }

  private encodeDict(dict: Dict, depth: number): void {
    const entries = Object.entries(dict);
    const fixed = entries.length < DICT_FIXED_COUNT;
    this.writer.writeByte(fixed ? DICT_FIXED_START + entries.length : DICT);
    for (const [key, item] of entries) {
      this.encodeString(encodeUtf8(key));
      this.encodeValue(item, depth + 1);
    }
    if (!fixed) {
      this.writer.writeByte(TERMINATOR);
    }
  }
}

// NOTE: plain objects list integer-like keys ("0", "1", ...) first, so a dict
// with integer keys (xpra's info-response) does not keep its wire order.
class RencodeDecoder {
  offset = 0;
  private valueCount = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly mode: RencodeMode,
  ) {}

  decodeValue(depth: number): Value {
    const start = this.offset;
    if (++this.valueCount > MAX_VALUE_COUNT) {
      throw this.invalid(`more than ${MAX_VALUE_COUNT} values in one packet`, start);
    }
    const code = this.readByte();
    if (code < INT_POS_FIXED_COUNT) {
      return code;
    }
    if (code >= INT_NEG_FIXED_START && code < INT_NEG_FIXED_START + INT_NEG_FIXED_COUNT) {
      return INT_NEG_FIXED_START - 1 - code;
    }
    if (code >= STR_FIXED_START && code < STR_FIXED_START + STR_FIXED_COUNT) {
      return this.decodeString(this.take(code - STR_FIXED_START), TEXT_SEPARATOR, start);
    }
    if (code >= 0x30 && code <= 0x39) {
      this.offset--;
      return this.decodeLengthPrefixedString(start);
    }
    if (code >= LIST_FIXED_START || code === LIST) {
      return this.decodeList(code, depth, start);
    }
    if ((code >= DICT_FIXED_START && code < DICT_FIXED_START + DICT_FIXED_COUNT) || code === DICT) {
      return this.decodeDict(code, depth, start);
    }
    return this.decodeScalar(code, start);
  }

  private decodeScalar(code: number, start: number): Value {
    switch (code) {
      case INT8:
        return this.readFixed(1).getInt8(0);
      case INT16:
        return this.readFixed(2).getInt16(0);
      case INT32:
        return this.readFixed(4).getInt32(0);
      case INT64:
        return narrowInteger(this.readFixed(8).getBigInt64(0));
      case FLOAT32:
        return this.readFixed(4).getFloat32(0);
      case FLOAT64:
        return this.readFixed(8).getFloat64(0);
      case BIG_INT:
        return this.decodeBigInteger(start);
      case TRUE:
        return true;
      case FALSE:
        return false;
      case NONE:
        return null;
      default:
        throw this.invalid(`unknown type code ${hexByte(code)}`, start);
    }
  }

  /** Builds the error for malformed input at `offset`. */
  private invalid(problem: string, offset: number): ProtocolError {
    return new ProtocolError(`invalid ${this.mode}: ${problem} at offset ${offset}`);
  }

  private readByte(): number {
    if (this.offset >= this.bytes.length) {
      throw this.invalid('truncated', this.offset);
    }
    return this.bytes[this.offset++];
  }

  private take(length: number): Uint8Array {
    const left = this.bytes.length - this.offset;
    if (length > left) {
      throw this.invalid(`${length} bytes needed, ${left} left,`, this.offset);
    }
    const value = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** Returns a DataView over the next `size` bytes, which are consumed. */
  private readFixed(size: number): DataView {
    const bytes = this.take(size);
    return new DataView(bytes.buffer, bytes.byteOffset, size);
  }

  private decodeLengthPrefixedString(start: number): Value {
    let length = 0;
    let digits = 0;
    for (;;) {
      const byte = this.readByte();
      if (byte >= 0x30 && byte <= 0x39) {
        if (++digits > MAX_LENGTH_DIGITS) {
          throw this.invalid(`string length over ${MAX_LENGTH_DIGITS} digits`, start);
        }
        length = length * 10 + (byte - 0x30);
        continue;
      }
      if (byte === TEXT_SEPARATOR || (byte === BYTES_SEPARATOR && this.mode === 'rencodeplus')) {
        return this.decodeString(this.take(length), byte, start);
      }
      throw this.invalid(`unexpected byte ${hexByte(byte)} in the string length`, start);
    }
  }

  /** Returns bytes for rencode and for `/` strings, text for the other rencodeplus strings. */
  private decodeString(bytes: Uint8Array, separator: number, start: number): Value {
    if (this.mode === 'rencode' || separator === BYTES_SEPARATOR) {
      return bytes;
    }
    return decodeUtf8Strict(bytes, `the ${this.mode} text at offset ${start}`);
  }

  private decodeBigInteger(start: number): bigint {
    const digitsStart = this.offset;
    const end = this.bytes.indexOf(TERMINATOR, digitsStart);
    if (end < 0) {
      throw this.invalid('big integer without a terminator', start);
    }
    if (end - digitsStart > MAX_INTEGER_LENGTH) {
      throw this.invalid(`big integer longer than ${MAX_INTEGER_LENGTH} characters`, start);
    }
    const text = String.fromCharCode(...this.bytes.subarray(digitsStart, end));
    if (!/^-?[0-9]+$/.test(text)) {
      throw this.invalid(`malformed big integer ${JSON.stringify(text)}`, start);
    }
    this.offset = end + 1;
    return BigInt(text);
  }

  private checkDepth(depth: number, start: number): void {
    if (depth >= MAX_NESTING_DEPTH) {
      throw this.invalid(`nesting deeper than ${MAX_NESTING_DEPTH} levels`, start);
    }
  }

  private decodeList(code: number, depth: number, start: number): Value[] {
    this.checkDepth(depth, start);
    const items: Value[] = [];
    if (code === LIST) {
      while (this.peekByte() !== TERMINATOR) {
        items.push(this.decodeValue(depth + 1));
      }
      this.offset++;
    } else {
      for (let count = code - LIST_FIXED_START; count > 0; count--) {
        items.push(this.decodeValue(depth + 1));
      }
    }
    return items;
  }

  private decodeDict(code: number, depth: number, start: number): Dict {
    this.checkDepth(depth, start);
    const dict: Dict = {};
    if (code === DICT) {
      while (this.peekByte() !== TERMINATOR) {
        this.decodeEntry(dict, depth + 1);
      }
      this.offset++;
    } else {
      for (let count = code - DICT_FIXED_START; count > 0; count--) {
        this.decodeEntry(dict, depth + 1);
      }
    }
    return dict;
  }

  private decodeEntry(dict: Dict, depth: number): void {
    const keyOffset = this.offset;
    const key = this.decodeValue(depth);
    setDictEntry(dict, this.dictKey(key, keyOffset), this.decodeValue(depth));
  }

  private peekByte(): number {
    if (this.offset >= this.bytes.length) {
      throw this.invalid('missing terminator, truncated', this.offset);
    }
    return this.bytes[this.offset];
  }

  private dictKey(key: Value, offset: number): string {
    if (typeof key === 'string') {
      return key;
    }
    if (key instanceof Uint8Array) {
      return decodeUtf8Strict(key, `the ${this.mode} dict key at offset ${offset}`);
    }
    if (typeof key === 'number' || typeof key === 'bigint') {
      return decimalInteger(key);
    }
    throw this.invalid(`dict key of type ${describeType(key)}`, offset);
  }
}
