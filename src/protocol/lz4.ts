/**
 * The LZ4 block format (not the frame format), as xpra uses it for packets and
 * rgb pixels. Both directions follow the block format rules that liblz4 enforces:
 * the last 5 bytes of a block are literals and the last match starts at least
 * 12 bytes before the end.
 *
 * NOTE: lz4js 0.2.0 is not used here. Its block decoder has no bounds checks,
 * and its block encoder places matches inside the last 12 bytes, which
 * liblz4 1.9.4 `LZ4_decompress_safe` (and so an xpra server) rejects.
 */
import { ProtocolError } from './errors';

const MIN_MATCH = 4;
const LAST_LITERALS = 5;
const MATCH_START_LIMIT = 12;
const MAX_OFFSET = 0xffff;
const HASH_BITS = 16;
const RUN_MASK = 15;

/**
 * Decompresses one block into exactly `outputSize` bytes. The caller bounds
 * `outputSize` before calling, and the work done is linear in input plus output.
 */
export function decompressLz4Block(src: Uint8Array, outputSize: number): Uint8Array {
  const dst = new Uint8Array(outputSize);
  let s = 0;
  let d = 0;
  for (;;) {
    if (s >= src.length) {
      throw invalid(`truncated at input offset ${s}`);
    }
    const token = src[s++];
    let literals = token >>> 4;
    if (literals === RUN_MASK) {
      [literals, s] = readLengthExtension(src, s, literals);
    }
    if (literals > src.length - s) {
      throw invalid(`${literals} literal bytes at input offset ${s} run past the input`);
    }
    if (literals > outputSize - d) {
      throw invalid(`output exceeds the announced ${outputSize} bytes`);
    }
    dst.set(src.subarray(s, s + literals), d);
    s += literals;
    d += literals;
    if (s === src.length) {
      break;
    }
    if (src.length - s < 2) {
      throw invalid(`truncated match offset at input offset ${s}`);
    }
    const offset = src[s] | (src[s + 1] << 8);
    s += 2;
    if (offset === 0 || offset > d) {
      throw invalid(`match offset ${offset} at output offset ${d}`);
    }
    let matchLength = token & RUN_MASK;
    if (matchLength === RUN_MASK) {
      [matchLength, s] = readLengthExtension(src, s, matchLength);
    }
    matchLength += MIN_MATCH;
    if (matchLength > outputSize - d) {
      throw invalid(`output exceeds the announced ${outputSize} bytes`);
    }
    copyMatch(dst, d, offset, matchLength);
    d += matchLength;
  }
  if (d !== outputSize) {
    throw invalid(`${d} bytes decoded, ${outputSize} announced`);
  }
  return dst;
}

function invalid(problem: string): ProtocolError {
  return new ProtocolError(`invalid lz4 block: ${problem}`);
}

/** Adds the 255-terminated length bytes that follow a token nibble of 15. */
function readLengthExtension(src: Uint8Array, s: number, base: number): [number, number] {
  let length = base;
  for (;;) {
    if (s >= src.length) {
      throw invalid(`truncated length at input offset ${s}`);
    }
    const byte = src[s++];
    length += byte;
    if (byte !== 0xff) {
      return [length, s];
    }
  }
}

function copyMatch(dst: Uint8Array, d: number, offset: number, length: number): void {
  if (offset >= length) {
    dst.copyWithin(d, d - offset, d - offset + length);
    return;
  }
  // An overlapping match repeats the last `offset` bytes, so copy byte by byte.
  for (let i = 0; i < length; i++) {
    dst[d + i] = dst[d + i - offset];
  }
}

/** Compresses `src` into one block, greedily, with a 64 Ki-entry hash of 4-byte sequences. */
export function compressLz4Block(src: Uint8Array): Uint8Array {
  const n = src.length;
  const out = new Uint8Array(n + Math.ceil(n / 255) + 16);
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  const lastMatchStart = n - MATCH_START_LIMIT;
  const matchEndLimit = n - LAST_LITERALS;
  let o = 0;
  let anchor = 0;
  let p = 0;
  while (p <= lastMatchStart) {
    const sequence = view.getUint32(p, true);
    const hash = Math.imul(sequence, 2654435761) >>> (32 - HASH_BITS);
    const candidate = table[hash];
    table[hash] = p;
    const inRange = candidate >= 0 && p - candidate <= MAX_OFFSET;
    if (!inRange || view.getUint32(candidate, true) !== sequence) {
      p++;
      continue;
    }
    let length = MIN_MATCH;
    while (p + length < matchEndLimit && src[candidate + length] === src[p + length]) {
      length++;
    }
    o = writeSequence(out, o, src.subarray(anchor, p), p - candidate, length);
    p += length;
    anchor = p;
  }
  o = writeSequence(out, o, src.subarray(anchor, n), 0, 0);
  return out.slice(0, o);
}

/** Writes a token, literals and, unless `matchLength` is 0 (the last sequence), a match. */
function writeSequence(
  out: Uint8Array,
  o: number,
  literals: Uint8Array,
  offset: number,
  matchLength: number,
): number {
  const literalNibble = Math.min(literals.length, RUN_MASK);
  const matchNibble = matchLength === 0 ? 0 : Math.min(matchLength - MIN_MATCH, RUN_MASK);
  out[o++] = (literalNibble << 4) | matchNibble;
  if (literalNibble === RUN_MASK) {
    o = writeLengthExtension(out, o, literals.length - RUN_MASK);
  }
  out.set(literals, o);
  o += literals.length;
  if (matchLength === 0) {
    return o;
  }
  out[o++] = offset & 0xff;
  out[o++] = offset >>> 8;
  if (matchNibble === RUN_MASK) {
    o = writeLengthExtension(out, o, matchLength - MIN_MATCH - RUN_MASK);
  }
  return o;
}

function writeLengthExtension(out: Uint8Array, o: number, rest: number): number {
  while (rest >= 0xff) {
    out[o++] = 0xff;
    rest -= 0xff;
  }
  out[o++] = rest;
  return o;
}
