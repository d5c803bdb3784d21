/**
 * Packet compression, selected by the compression byte of the frame header:
 * 0 means none, otherwise the high nibble names the algorithm and the low
 * nibble is the level (1 to 15). Every decompressor is bounded by a maximum
 * output size, checked before or while allocating.
 */
import {
  brotliCompressSync,
  brotliDecompressSync,
  constants as zlibConstants,
  deflateSync,
  inflateSync,
} from 'node:zlib';
import type { Compressor } from './types';
import { ProtocolError } from './errors';
import { MAX_DECOMPRESSED_SIZE } from './limits';
import { hexByte } from './bytes';
import { compressLz4Block, decompressLz4Block } from './lz4';

/** The algorithm bits of the compression byte. zlib has none, so a level alone means zlib. */
export const COMPRESSOR_BITS: Readonly<Record<Exclude<Compressor, 'none'>, number>> = {
  zlib: 0x00,
  lz4: 0x10,
  brotli: 0x40,
};

const LZO_BITS = 0x20;
const ZSTD_BITS = 0x80;
const LZ4_PREFIX_SIZE = 4;

/** Returns the compressor that a compression byte names. */
export function compressorFromLevelByte(levelByte: number): Compressor {
  if (levelByte === 0) {
    return 'none';
  }
  switch (levelByte & 0xf0) {
    case COMPRESSOR_BITS.zlib:
      return 'zlib';
    case COMPRESSOR_BITS.lz4:
      return 'lz4';
    case COMPRESSOR_BITS.brotli:
      return 'brotli';
    case LZO_BITS:
      throw new ProtocolError('lzo compression is not supported; the client does not advertise it');
    case ZSTD_BITS:
      throw new ProtocolError(
        'zstd compression is not supported; the client does not advertise it',
      );
    default:
      throw new ProtocolError(`invalid compression byte ${hexByte(levelByte)}`);
  }
}

/** Decompresses a payload according to its compression byte; 0 returns it unchanged. */
export function decompressPayload(
  levelByte: number,
  data: Uint8Array,
  maxSize: number = MAX_DECOMPRESSED_SIZE,
): Uint8Array {
  switch (compressorFromLevelByte(levelByte)) {
    case 'none':
      return data;
    case 'zlib':
      return inflateBounded('zlib', maxSize, () => inflateSync(data, { maxOutputLength: maxSize }));
    case 'brotli':
      return inflateBounded('brotli', maxSize, () =>
        brotliDecompressSync(data, { maxOutputLength: maxSize }),
      );
    case 'lz4':
      return decompressLz4(data, maxSize);
  }
}

function inflateBounded(name: string, maxSize: number, inflate: () => Buffer): Uint8Array {
  try {
    const output = inflate();
    return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new ProtocolError(
        `${name} data decompresses to more than the maximum of ${maxSize} bytes`,
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new ProtocolError(`invalid ${name} data: ${reason}`);
  }
}

/**
 * Decompresses an lz4 block that starts with its uncompressed size as a
 * 4-byte little-endian integer. The size is checked against `maxSize`
 * before the output is allocated.
 */
export function decompressLz4(
  data: Uint8Array,
  maxSize: number = MAX_DECOMPRESSED_SIZE,
): Uint8Array {
  if (data.length < LZ4_PREFIX_SIZE) {
    throw new ProtocolError(
      `invalid lz4 data: ${data.length} bytes is shorter than the 4-byte size prefix`,
    );
  }
  const size = new DataView(data.buffer, data.byteOffset, LZ4_PREFIX_SIZE).getUint32(0, true);
  if (size > maxSize) {
    throw new ProtocolError(
      `lz4 size prefix of ${size} bytes exceeds the maximum of ${maxSize} bytes`,
    );
  }
  return decompressLz4Block(data.subarray(LZ4_PREFIX_SIZE), size);
}

/** Compresses into an lz4 block with the 4-byte little-endian size prefix. */
export function compressLz4(data: Uint8Array): Uint8Array {
  const block = compressLz4Block(data);
  const output = new Uint8Array(LZ4_PREFIX_SIZE + block.length);
  new DataView(output.buffer).setUint32(0, data.length, true);
  output.set(block, LZ4_PREFIX_SIZE);
  return output;
}

/** A compressed payload and the compression byte that announces it. */
export interface CompressedPayload {
  payload: Uint8Array;
  levelByte: number;
}

/**
 * Compresses a payload for sending. `level` (1 to 15, default 1) goes in the
 * low nibble of the compression byte. zlib and brotli also use it as their own
 * level, clamped to their range, but lz4 ignores it.
 */
export function compressPayload(
  compressor: Compressor,
  data: Uint8Array,
  level = 1,
): CompressedPayload {
  if (compressor === 'none') {
    return { payload: data, levelByte: 0 };
  }
  if (!Number.isInteger(level) || level < 1 || level > 15) {
    throw new ProtocolError(`invalid compression level ${level}: expected an integer from 1 to 15`);
  }
  const levelByte = COMPRESSOR_BITS[compressor] | level;
  switch (compressor) {
    case 'zlib':
      return { payload: deflateSync(data, { level: Math.min(level, 9) }), levelByte };
    case 'brotli': {
      const params = { [zlibConstants.BROTLI_PARAM_QUALITY]: Math.min(level, 11) };
      return { payload: brotliCompressSync(data, { params }), levelByte };
    }
    case 'lz4':
      return { payload: compressLz4(data), levelByte };
  }
}
