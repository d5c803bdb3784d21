import type { Encoder, Value } from './types';
import { bencodeDecode, bencodeEncode } from './bencode';
import { rencodeDecode, rencodeEncode } from './rencode';

/** Encodes a value with the named packet encoder. */
export function encodeValue(value: Value, encoder: Encoder): Uint8Array {
  return encoder === 'bencode' ? bencodeEncode(value) : rencodeEncode(value, encoder);
}

/** Decodes a payload with the named packet encoder. */
export function decodeValue(bytes: Uint8Array, encoder: Encoder): Value {
  return encoder === 'bencode' ? bencodeDecode(bytes) : rencodeDecode(bytes, encoder);
}
