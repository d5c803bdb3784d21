/**
 * The decoder for raw pixel draws: rgb32 (RGBX, RGBA, BGRX, BGRA) and rgb24 (RGB, BGR),
 * uncompressed or compressed with lz4 or zlib. Rows are `rowstride` bytes apart and the
 * result is RGBA in an ImageData that replaces the area with putImageData.
 *
 * NOTE: decompression and conversion run on the webview's main thread. A decode worker
 * may pay off for large frames, but no measurement has asked for one yet.
 */
import type { DrawMessage } from '../messages';
import type { Decoder, Paint } from './decoder';
import { decompressLz4 } from './lz4';

interface PixelLayout {
  bytesPerPixel: 3 | 4;
  /** Byte offsets of red, green and blue inside one pixel. */
  red: number;
  green: number;
  blue: number;
  /** Byte offset of alpha, or -1 when the fourth byte is padding and alpha is 255. */
  alpha: number;
}

const LAYOUTS: ReadonlyMap<string, PixelLayout> = new Map([
  ['RGBX', { bytesPerPixel: 4, red: 0, green: 1, blue: 2, alpha: -1 }],
  ['RGBA', { bytesPerPixel: 4, red: 0, green: 1, blue: 2, alpha: 3 }],
  ['BGRX', { bytesPerPixel: 4, red: 2, green: 1, blue: 0, alpha: -1 }],
  ['BGRA', { bytesPerPixel: 4, red: 2, green: 1, blue: 0, alpha: 3 }],
  ['RGB', { bytesPerPixel: 3, red: 0, green: 1, blue: 2, alpha: -1 }],
  ['BGR', { bytesPerPixel: 3, red: 2, green: 1, blue: 0, alpha: -1 }],
]);

const DEFAULT_FORMATS: Readonly<Record<string, string>> = { rgb32: 'RGBX', rgb24: 'RGB' };

export class RgbDecoder implements Decoder {
  async decode(draw: DrawMessage): Promise<Paint> {
    const format = draw.rgbFormat ?? DEFAULT_FORMATS[draw.coding];
    const layout = format === undefined ? undefined : LAYOUTS.get(format);
    const expectedBytes = draw.coding === 'rgb32' ? 4 : 3;
    if (layout === undefined || layout.bytesPerPixel !== expectedBytes) {
      throw new Error(`invalid pixel format ${String(format)} for ${draw.coding}`);
    }
    const rowBytes = draw.width * layout.bytesPerPixel;
    const rowstride = draw.rowstride === 0 ? rowBytes : draw.rowstride;
    if (!Number.isInteger(rowstride) || rowstride < rowBytes) {
      throw new Error(`invalid rowstride ${draw.rowstride} for ${draw.width} pixels of ${format}`);
    }
    // The last row may come without its padding.
    const minBytes = rowstride * (draw.height - 1) + rowBytes;
    const maxBytes = rowstride * draw.height;
    const pixels = await decompress(draw, minBytes, maxBytes);
    if (pixels.length < minBytes) {
      throw new Error(`${draw.coding} data has ${pixels.length} bytes, expected at least ${minBytes}`);
    }
    const image = toImageData(pixels, draw.width, draw.height, rowstride, layout);
    const { x, y } = draw;
    return {
      apply(context: CanvasRenderingContext2D): void {
        context.putImageData(image, x, y);
      },
      release: () => undefined,
    };
  }
}

async function decompress(draw: DrawMessage, minBytes: number, maxBytes: number): Promise<Uint8Array> {
  switch (draw.compression) {
    case 'none':
      return draw.data;
    case 'lz4':
      return decompressLz4(draw.data, minBytes, maxBytes);
    case 'zlib':
      return inflate(draw.data, maxBytes);
    default:
      throw new Error(`unknown pixel compression ${String(draw.compression)}`);
  }
}

/** Inflates zlib data (RFC 1950), and stops with an error as soon as the output passes `maxBytes`. */
async function inflate(data: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      length += value.length;
      if (length > maxBytes) {
        throw new Error(`zlib data expands beyond ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    void reader.cancel().catch(() => undefined);
    throw error instanceof Error && error.message.startsWith('zlib') ? error : new Error(`invalid zlib data: ${String(error)}`);
  }
  return concatenate(chunks, length);
}

function concatenate(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) {
    return chunks[0];
  }
  const output = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    output.set(chunk, offset);
    offset += chunk.length;
  }
  return output;
}

/** Converts rows of `layout` pixels into RGBA, dropping row padding and forcing padding alpha to 255. */
function toImageData(pixels: Uint8Array, width: number, height: number, rowstride: number, layout: PixelLayout): ImageData {
  const rgba = new Uint8ClampedArray(width * height * 4);
  const { bytesPerPixel, red, green, blue, alpha } = layout;
  if (bytesPerPixel === 4 && red === 0 && rowstride === width * 4) {
    // RGBX and RGBA without row padding: one copy, then opaque alpha for RGBX.
    rgba.set(pixels.subarray(0, rgba.length));
    if (alpha < 0) {
      for (let index = 3; index < rgba.length; index += 4) {
        rgba[index] = 255;
      }
    }
    return new ImageData(rgba, width, height);
  }
  let target = 0;
  for (let row = 0; row < height; row++) {
    let source = row * rowstride;
    const rowEnd = source + width * bytesPerPixel;
    for (; source < rowEnd; source += bytesPerPixel) {
      rgba[target] = pixels[source + red];
      rgba[target + 1] = pixels[source + green];
      rgba[target + 2] = pixels[source + blue];
      rgba[target + 3] = alpha < 0 ? 255 : pixels[source + alpha];
      target += 4;
    }
  }
  return new ImageData(rgba, width, height);
}
