// Types for the parts of the lz4js package (0.2.x, plain JavaScript) that the webview uses.
declare module 'lz4js' {
  /**
   * Decompresses the lz4 block src[sIndex, sIndex + sLength) into dst from dIndex on and
   * returns the index after the last byte written. It does no bounds checks.
   */
  export function decompressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    dIndex: number,
  ): number;

  /** Returns the largest size that compressing n bytes can produce. */
  export function compressBound(n: number): number;

  /**
   * Compresses src[sIndex, sIndex + sLength) into one lz4 block at the start of dst and
   * returns its length. hashTable is a zeroed Uint32Array of 65536 entries.
   */
  export function compressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    hashTable: Uint32Array,
  ): number;
}
