import { ProtocolError } from './errors';

const utf8Encoder = new TextEncoder();
const strictUtf8Decoder = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8Decoder = new TextDecoder('utf-8');

/** Encodes text as UTF-8. */
export function encodeUtf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Decodes UTF-8, throwing a ProtocolError that names `context` on invalid bytes. */
export function decodeUtf8Strict(bytes: Uint8Array, context: string): string {
  try {
    return strictUtf8Decoder.decode(bytes);
  } catch {
    throw new ProtocolError(`invalid UTF-8 in ${context}`);
  }
}

/** Decodes UTF-8, replacing invalid sequences with U+FFFD. */
export function decodeUtf8Lenient(bytes: Uint8Array): string {
  return lenientUtf8Decoder.decode(bytes);
}

/** Formats a byte as `0x` and two hex digits, for error messages. */
export function hexByte(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/** Joins byte arrays into one new array. */
export function concatBytes(parts: readonly Uint8Array[], totalLength?: number): Uint8Array {
  const length = totalLength ?? parts.reduce((sum, part) => sum + part.length, 0);
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/** A growable byte buffer for the encoders. */
export class ByteWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  writeByte(byte: number): void {
    this.reserve(1);
    this.buffer[this.length++] = byte;
  }

  writeBytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Writes a string of ASCII characters (digits, signs, separators) one byte each. */
  writeAscii(text: string): void {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) {
      this.buffer[this.length++] = text.charCodeAt(i);
    }
  }

  /** Returns the bytes written so far as a view of the internal buffer. */
  toBytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) {
      return;
    }
    let capacity = this.buffer.length * 2;
    while (capacity < needed) {
      capacity *= 2;
    }
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}

/** Returns the type name of a value for error messages: list, bytes, null or the typeof name. */
export function describeType(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'list';
  }
  if (value instanceof Uint8Array) {
    return 'bytes';
  }
  return typeof value;
}

/** Tests whether a bigint fits in a number without loss. */
export function isSafeBigInt(value: bigint): boolean {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER);
}

/** Returns a bigint as a number when it is a safe integer, else unchanged. */
export function narrowInteger(value: bigint): number | bigint {
  return isSafeBigInt(value) ? Number(value) : value;
}

/** Returns the decimal form of an integer, without the exponent notation of large numbers. */
export function decimalInteger(value: number | bigint): string {
  return typeof value === 'bigint' || !Number.isSafeInteger(value)
    ? BigInt(value).toString()
    : value.toString();
}
