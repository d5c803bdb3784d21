/**
 * Typed getters for packet fields. bencode and rencode deliver every string
 * as bytes, rencodeplus delivers text and bytes apart, and servers send
 * booleans as 1/0; these getters accept each form the protocol allows and
 * throw a ProtocolError that names the field otherwise.
 */
import type { Dict, Value } from './types';
import { ProtocolError } from './errors';
import { decodeUtf8Lenient, describeType, encodeUtf8, isSafeBigInt } from './bytes';

type Field = Value | undefined;

function invalid(field: string, expected: string, value: Field): ProtocolError {
  const found = value === undefined ? 'nothing' : describeType(value);
  return new ProtocolError(`invalid packet field ${field}: expected ${expected}, got ${found}`);
}

/** Returns text; bytes are decoded as UTF-8, with U+FFFD for invalid sequences. */
export function asText(value: Field, field = 'value'): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value instanceof Uint8Array) {
    return decodeUtf8Lenient(value);
  }
  throw invalid(field, 'text', value);
}

/** Returns bytes; text is encoded as UTF-8. */
export function asBytes(value: Field, field = 'value'): Uint8Array {
  if (value instanceof Uint8Array) {
    return value;
  }
  if (typeof value === 'string') {
    return encodeUtf8(value);
  }
  throw invalid(field, 'bytes', value);
}

/** Returns a safe integer; booleans count as 1 and 0, as in Python. */
export function asInt(value: Field, field = 'value'): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    return value;
  }
  if (typeof value === 'bigint' && isSafeBigInt(value)) {
    return Number(value);
  }
  if (typeof value === 'boolean') {
    return value ? 1 : 0;
  }
  throw invalid(field, 'an integer', value);
}

/** Returns a number, integer or float; a bigint must be a safe integer. */
export function asNumber(value: Field, field = 'value'): number {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'bigint' || typeof value === 'boolean') {
    return asInt(value, field);
  }
  throw invalid(field, 'a number', value);
}

/** Returns a boolean from true/false or from an integer (0 is false, as in Python). */
export function asBool(value: Field, field = 'value'): boolean {
  if (typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'number' && Number.isInteger(value)) {
    return value !== 0;
  }
  if (typeof value === 'bigint') {
    return value !== 0n;
  }
  throw invalid(field, 'a boolean', value);
}

/** Returns a dict. */
export function asDict(value: Field, field = 'value'): Dict {
  const isObject = value !== null && typeof value === 'object';
  if (isObject && !Array.isArray(value) && !(value instanceof Uint8Array)) {
    return value;
  }
  throw invalid(field, 'a dict', value);
}

/** Returns a list. */
export function asList(value: Field, field = 'value'): Value[] {
  if (Array.isArray(value)) {
    return value;
  }
  throw invalid(field, 'a list', value);
}
