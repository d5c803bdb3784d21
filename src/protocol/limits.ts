/**
 * Every limit of the protocol layer, each with the reason for its value.
 * Sizes are checked before the matching allocation and counts while decoding,
 * so a hostile or broken server gets a ProtocolError instead of exhausting
 * memory or the stack.
 */

const MIB = 1024 * 1024;

/**
 * Maximum payload size announced by a frame header, in bytes (256 MiB).
 * xpra servers 3.1 to 6.5 use the same absolute maximum for what they read,
 * and a 4K rgb32 frame (about 33 MB) fits with room to spare.
 */
export const MAX_PACKET_SIZE = 256 * MIB;

/**
 * Maximum size of a payload after decompression, in bytes (256 MiB).
 * It matches the bound xpra applies to the lz4 size prefix
 * (`MAX_SIZE` in 3.1.3, `MAX_DECOMPRESSED_SIZE` in 6.x).
 */
export const MAX_DECOMPRESSED_SIZE = 256 * MIB;

/**
 * Maximum number of chunk frames (index > 0) waiting for their main packet.
 * xpra 3.1.3 and 6.6-dev reject a fourth pending chunk ("too many raw packets").
 */
export const MAX_PENDING_CHUNKS = 3;

/**
 * Largest chunk index accepted. xpra 6.6-dev rejects index 16 and above;
 * the servers lift `draw` data (index 7) and `window-icon` data (index 5).
 */
export const MAX_CHUNK_INDEX = 15;

/**
 * Maximum nesting of lists and dicts in one decoded packet. The deepest
 * packet recorded from a 6.5.3 server (its hello) nests 7 levels. 64 leaves
 * room and keeps the recursive decoders far from the JavaScript stack limit.
 */
export const MAX_NESTING_DEPTH = 64;

/**
 * Maximum number of values (scalars, lists, dicts and keys) in one decoded
 * packet. Each costs tens of bytes of heap, so without a bound a 256 MiB
 * payload of one-byte empty lists would expand to gigabytes. The largest
 * packet recorded from a 6.5.3 server (its hello) has 873 values.
 */
export const MAX_VALUE_COUNT = 1_000_000;

/**
 * Maximum length of a plain-text line that a server sends instead of a
 * frame, in bytes. The error lines recorded from 3.1.3 and 6.5.3 are under 100 bytes.
 */
export const MAX_TEXT_LINE_LENGTH = 4096;

/**
 * Maximum length of an integer written in decimal, sign included.
 * python-rencode 1.0.6 raises "overflow" at 64 characters or more.
 */
export const MAX_INTEGER_LENGTH = 63;

/**
 * Maximum number of decimal digits in a string length prefix. Ten digits
 * exceed any length that fits in a MAX_PACKET_SIZE payload.
 */
export const MAX_LENGTH_DIGITS = 10;
