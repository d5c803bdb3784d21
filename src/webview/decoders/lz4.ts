/**
 * lz4 pixel decompression for rgb draws: a 4-byte little-endian decompressed size, then
 * one lz4 block. lz4js copies without bounds checks, so `decompressLz4` walks the block's
 * sequences first and rejects any block that would write past the declared size or copy
 * from before its start.
 */
import { decompressBlock } from 'lz4js';

const SIZE_PREFIX_BYTES = 4;
const MIN_MATCH = 4;
const MATCH_OFFSET_BYTES = 2;

/**
 * Decompresses size-prefixed lz4 data whose declared size must lie in [minSize, maxSize],
 * so that a hostile size prefix cannot make the webview allocate more than `maxSize`.
 */
export function decompressLz4(data: Uint8Array, minSize: number, maxSize: number): Uint8Array {
  if (data.length < SIZE_PREFIX_BYTES) {
    throw new Error(`lz4 data of ${data.length} bytes is too short for its size prefix`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const declaredSize = view.getUint32(0, true);
  if (declaredSize < minSize || declaredSize > maxSize) {
    throw new Error(`lz4 size prefix ${declaredSize} is outside the expected ${minSize} to ${maxSize} bytes`);
  }
  const blockEnd = data.length;
  checkBlock(data, SIZE_PREFIX_BYTES, blockEnd, declaredSize);
  const output = new Uint8Array(declaredSize);
  const written = decompressBlock(data, output, SIZE_PREFIX_BYTES, blockEnd - SIZE_PREFIX_BYTES, 0);
  if (written !== declaredSize) {
    throw new Error(`lz4 block expanded to ${written} bytes, expected ${declaredSize}`);
  }
  return output;
}

/** Reads an lz4 length extension (bytes of 255 that continue it) starting at `index`. */
function readLengthExtension(data: Uint8Array, index: number, end: number): [length: number, next: number] {
  let length = 0;
  for (;;) {
    if (index >= end) {
      throw new Error('lz4 block ends inside a length field');
    }
    const byte = data[index++];
    length += byte;
    if (byte !== 0xff) {
      return [length, index];
    }
  }
}

/** Walks the sequences of one block and throws unless it writes exactly `outputSize` bytes. */
function checkBlock(data: Uint8Array, start: number, end: number, outputSize: number): void {
  let index = start;
  let produced = 0;
  while (index < end) {
    const token = data[index++];
    let literals = token >> 4;
    if (literals === 0xf) {
      const [extra, next] = readLengthExtension(data, index, end);
      literals += extra;
      index = next;
    }
    if (index + literals > end) {
      throw new Error('lz4 literals run past the end of the block');
    }
    index += literals;
    produced += literals;
    if (produced > outputSize) {
      throw new Error(`lz4 block expands beyond ${outputSize} bytes`);
    }
    if (index >= end) {
      break;
    }
    if (index + MATCH_OFFSET_BYTES > end) {
      throw new Error('lz4 block ends inside a match offset');
    }
    const offset = data[index] | (data[index + 1] << 8);
    index += MATCH_OFFSET_BYTES;
    if (offset === 0 || offset > produced) {
      throw new Error(`lz4 match offset ${offset} points before the start of the output`);
    }
    let matchLength = token & 0xf;
    if (matchLength === 0xf) {
      const [extra, next] = readLengthExtension(data, index, end);
      matchLength += extra;
      index = next;
    }
    produced += matchLength + MIN_MATCH;
    if (produced > outputSize) {
      throw new Error(`lz4 block expands beyond ${outputSize} bytes`);
    }
  }
  if (produced !== outputSize) {
    throw new Error(`lz4 block expands to ${produced} bytes, expected ${outputSize}`);
  }
}
