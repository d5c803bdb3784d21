/**
 * Values that the xpra packet encoders carry. Text is `string`, binary is `Uint8Array`.
 * bencode and rencode cannot tell the two apart, so under those encoders every string
 * decodes as `Uint8Array`; use `asText` / `asBytes` where the protocol means one of them.
 * Dict keys are strings: integer keys (seen in `info-response`) become decimal strings.
 */
export type Value = number | bigint | boolean | null | string | Uint8Array | Value[] | Dict;

/** A decoded dictionary. Keys keep the order in which they were decoded or inserted. */
export interface Dict {
  [key: string]: Value;
}

/** The packet encoders, named as in the hello capabilities. */
export type Encoder = 'bencode' | 'rencode' | 'rencodeplus';

/** The packet compressors; `none` stands for a level byte of 0. */
export type Compressor = 'none' | 'zlib' | 'lz4' | 'brotli';

/** A packet: its type name first, then its fields. */
export type Packet = [string, ...Value[]];
