/**
 * Node-side painting for the command line and the tests: one RGBA image per window, the
 * draw encodings decoded here, and all windows composed into one PNG at their positions.
 */
import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { MAX_DECOMPRESSED_SIZE, decompressLz4 } from '../protocol';
import type { DrawEvent, WindowDescription } from './types';

/** The encodings `apply` decodes; a client painting with this class advertises only these. */
export const FRAMEBUFFER_ENCODINGS = ['rgb24', 'rgb32', 'png', 'png/P', 'png/L', 'scroll'];

/** The largest window image we allocate, in pixels per side. */
const MAX_SIDE = 16384;

export class DecodeError extends Error {
  override name = 'DecodeError';
}

/** An RGBA image, 4 bytes per pixel, rows without padding. */
export class WindowImage {
  pixels: Uint8Array;

  constructor(
    public width: number,
    public height: number,
  ) {
    this.pixels = new Uint8Array(checkedSide(width) * checkedSide(height) * 4);
  }

  /** Changes the size and keeps the overlapping top-left part of the picture. */
  resize(width: number, height: number): void {
    if (width === this.width && height === this.height) return;
    const next = new Uint8Array(checkedSide(width) * checkedSide(height) * 4);
    const rowBytes = Math.min(this.width, width) * 4;
    for (let row = 0; row < Math.min(this.height, height); row++) {
      const start = row * this.width * 4;
      next.set(this.pixels.subarray(start, start + rowBytes), row * width * 4);
    }
    this.pixels = next;
    this.width = width;
    this.height = height;
  }

  /** Copies an RGBA block of `width` x `height` to (x, y), clipped to the image. */
  putRgba(x: number, y: number, width: number, height: number, rgba: Uint8Array): void {
    const left = Math.max(0, x);
    const right = Math.min(this.width, x + width);
    if (right <= left) return;
    for (let row = Math.max(0, y); row < Math.min(this.height, y + height); row++) {
      const sourceStart = ((row - y) * width + (left - x)) * 4;
      this.pixels.set(
        rgba.subarray(sourceStart, sourceStart + (right - left) * 4),
        (row * this.width + left) * 4,
      );
    }
  }

  /** Returns true when any pixel differs from the first one. */
  hasContent(): boolean {
    const view = new Uint32Array(
      this.pixels.buffer,
      this.pixels.byteOffset,
      this.pixels.byteLength / 4,
    );
    return view.some((pixel) => pixel !== view[0]);
  }
}

/** Decoder of a whole-image encoding such as webp or jpeg, from file bytes to RGBA. */
export type ImageDecoder = (data: Uint8Array) => {
  width: number;
  height: number;
  rgba: Uint8Array;
};

export class Framebuffer {
  readonly images = new Map<number, WindowImage>();
  /** Windows that have received at least one decoded draw. */
  readonly painted = new Set<number>();

  /** `decoders` adds image encodings beyond FRAMEBUFFER_ENCODINGS, keyed by coding name. */
  constructor(private readonly decoders: Record<string, ImageDecoder> = {}) {}

  addWindow(window: WindowDescription): void {
    this.images.set(window.wid, new WindowImage(window.width, window.height));
  }

  resizeWindow(wid: number, width: number, height: number): void {
    this.images.get(wid)?.resize(width, height);
  }

  removeWindow(wid: number): void {
    this.images.delete(wid);
    this.painted.delete(wid);
  }

  /** Decodes one draw into its window's image; throws DecodeError for data it cannot decode. */
  apply(draw: DrawEvent): void {
    const image = this.images.get(draw.wid);
    if (!image) return;
    switch (draw.coding) {
      case 'rgb24':
      case 'rgb32':
        image.putRgba(draw.x, draw.y, draw.width, draw.height, decodeRgb(draw));
        break;
      case 'png':
      case 'png/P':
      case 'png/L':
        this.applyPng(image, draw);
        break;
      case 'scroll':
        applyScroll(image, draw.scrolls ?? []);
        break;
      case 'void':
        return;
      default:
        this.applyImage(image, draw);
    }
    this.painted.add(draw.wid);
  }

  /** Composes the windows at their positions into one PNG, cropped to their bounding box. */
  composePng(windows: Iterable<WindowDescription>): Buffer {
    const placed = [...windows].filter((window) => this.images.has(window.wid));
    if (placed.length === 0) throw new DecodeError('there is no window to compose');
    const left = Math.min(...placed.map((window) => window.x));
    const top = Math.min(...placed.map((window) => window.y));
    const right = Math.max(
      ...placed.map((window) => window.x + (this.images.get(window.wid)?.width ?? 0)),
    );
    const bottom = Math.max(
      ...placed.map((window) => window.y + (this.images.get(window.wid)?.height ?? 0)),
    );
    if (right - left > MAX_SIDE || bottom - top > MAX_SIDE) {
      throw new DecodeError(
        `the windows span ${right - left}x${bottom - top} pixels, more than ${MAX_SIDE} per side`,
      );
    }

    const canvas = new WindowImage(right - left, bottom - top);
    // Top-level windows first, popups over them.
    placed.sort((a, b) => Number(a.overrideRedirect) - Number(b.overrideRedirect));
    for (const window of placed) {
      const image = this.images.get(window.wid) as WindowImage;
      canvas.putRgba(
        window.x - left,
        window.y - top,
        image.width,
        image.height,
        opaque(image.pixels),
      );
    }

    const png = new PNG({ width: canvas.width, height: canvas.height });
    png.data = Buffer.from(
      canvas.pixels.buffer,
      canvas.pixels.byteOffset,
      canvas.pixels.byteLength,
    );
    return PNG.sync.write(png);
  }

  private applyImage(image: WindowImage, draw: DrawEvent): void {
    const decoder = this.decoders[draw.coding];
    if (!decoder) throw new DecodeError(`the encoding '${draw.coding}' cannot be decoded here`);
    const { width, height, rgba } = decoder(draw.data);
    image.putRgba(draw.x, draw.y, width, height, rgba);
  }

  private applyPng(image: WindowImage, draw: DrawEvent): void {
    let decoded: PNG;
    try {
      decoded = PNG.sync.read(
        Buffer.from(draw.data.buffer, draw.data.byteOffset, draw.data.byteLength),
      );
    } catch (error) {
      throw new DecodeError(
        `invalid ${draw.coding} data: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    image.putRgba(
      draw.x,
      draw.y,
      decoded.width,
      decoded.height,
      new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength),
    );
  }
}

/** Decompresses rgb24/rgb32 pixels and converts rows of `rowstride` bytes to RGBA. */
export function decodeRgb(draw: DrawEvent): Uint8Array {
  const format = draw.rgbFormat ?? (draw.coding === 'rgb24' ? 'RGB' : 'RGBX');
  const bytesPerPixel = format.length;
  if (
    !/^[RGBXA]{3,4}$/.test(format) ||
    !format.includes('R') ||
    !format.includes('G') ||
    !format.includes('B')
  ) {
    throw new DecodeError(`unsupported rgb_format '${format}'`);
  }
  checkedSide(draw.width);
  checkedSide(draw.height);
  const rowstride = draw.rowstride || draw.width * bytesPerPixel;
  // The bound keeps a hostile size prefix from allocating more than any real draw needs.
  const expected = Math.min(rowstride * draw.height, MAX_DECOMPRESSED_SIZE);

  const data = decompressPixels(draw, expected);
  if (
    rowstride < draw.width * bytesPerPixel ||
    data.byteLength < rowstride * (draw.height - 1) + draw.width * bytesPerPixel
  ) {
    throw new DecodeError(
      `${draw.coding} data of ${data.byteLength} bytes is too short for ${draw.width}x${draw.height} with rowstride ${rowstride}`,
    );
  }

  const [r, g, b, a] = ['R', 'G', 'B', 'A'].map((channel) => format.indexOf(channel));
  const out = new Uint8Array(draw.width * draw.height * 4);
  for (let row = 0; row < draw.height; row++) {
    for (let column = 0; column < draw.width; column++) {
      const source = row * rowstride + column * bytesPerPixel;
      const target = (row * draw.width + column) * 4;
      out[target] = data[source + r];
      out[target + 1] = data[source + g];
      out[target + 2] = data[source + b];
      // X (padding) is not guaranteed to be 0xFF, so only a real alpha channel is copied.
      out[target + 3] = a >= 0 ? data[source + a] : 255;
    }
  }
  return out;
}

function decompressPixels(draw: DrawEvent, expected: number): Uint8Array {
  try {
    if (draw.compression === 'lz4') return decompressLz4(draw.data, expected);
    if (draw.compression === 'zlib')
      return new Uint8Array(inflateSync(draw.data, { maxOutputLength: Math.max(1, expected) }));
  } catch (error) {
    throw new DecodeError(
      `invalid ${draw.compression} pixel data: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return draw.data;
}

/**
 * Applies scroll copies. Each copy reads the picture as it was before the packet, so all
 * of them read a snapshot.
 */
function applyScroll(image: WindowImage, scrolls: number[][]): void {
  const before = image.pixels.slice();
  for (const [x, y, width, height, dx, dy] of scrolls) {
    for (let row = 0; row < height; row++) {
      const sourceY = y + row;
      const targetY = sourceY + dy;
      if (sourceY < 0 || sourceY >= image.height || targetY < 0 || targetY >= image.height)
        continue;
      const sourceLeft = Math.max(0, x, -dx);
      const sourceRight = Math.min(image.width, x + width, image.width - dx);
      if (sourceRight <= sourceLeft) continue;
      const start = (sourceY * image.width + sourceLeft) * 4;
      const end = (sourceY * image.width + sourceRight) * 4;
      image.pixels.set(before.subarray(start, end), (targetY * image.width + sourceLeft + dx) * 4);
    }
  }
}

/** Returns the pixels with alpha set to 255, so the composed PNG shows no holes. */
function opaque(pixels: Uint8Array): Uint8Array {
  const copy = pixels.slice();
  for (let i = 3; i < copy.length; i += 4) copy[i] = 255;
  return copy;
}

function checkedSide(side: number): number {
  if (!Number.isInteger(side) || side < 1 || side > MAX_SIDE) {
    throw new DecodeError(`invalid window side of ${side} pixels: expected 1 to ${MAX_SIDE}`);
  }
  return side;
}
