/**
 * lz4 pixel decompression for rgb draws: a 4-byte little-endian decompressed size, then one
 * lz4 block. The block decoder is the protocol layer's, which is pure TypeScript and checks
 * every length and offset, so the webview and the engine share one bounded implementation.
 */
import { decompressLz4Block } from '../../protocol/lz4';

const SIZE_PREFIX_BYTES = 4;

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
  return decompressLz4Block(data.subarray(SIZE_PREFIX_BYTES), declaredSize);
}
