/**
 * Known test pictures and their encodings, made at test time: PNG with pngjs, palette and
 * greyscale PNG, JPEG and WebP with ImageMagick's convert, zlib with node:zlib and lz4
 * with the protocol layer's encoder, whose blocks liblz4 accepts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { compressLz4 } from '../../src/protocol/compression';

export const CONVERT_PATH = '/usr/bin/convert';

/** An RGBA picture, 4 bytes per pixel, rows without padding. */
export interface Picture {
  width: number;
  height: number;
  rgba: Uint8Array;
}

function makePicture(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Picture {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      rgba.set(pixel(x, y), (y * width + x) * 4);
    }
  }
  return { width, height, rgba };
}

/** Returns a smooth gradient, which lossy codecs keep close to the original. */
export function gradient(width: number, height: number): Picture {
  return makePicture(width, height, (x, y) => [
    Math.round((x * 255) / (width - 1)),
    Math.round((y * 255) / (height - 1)),
    96,
    255,
  ]);
}

/** Returns sharp-edged pixels whose bytes differ from their neighbours', for lossless checks. */
export function noise(width: number, height: number, seed = 1): Picture {
  return makePicture(width, height, (x, y) => [
    (x * 37 + y * 11 + seed * 5) & 0xff,
    (x * 13 + y * 71 + seed * 29) & 0xff,
    (x * y * 7 + seed * 53) & 0xff,
    255,
  ]);
}

/** Returns 8x8 blocks of eight colours, which a palette PNG stores exactly. */
export function blocks(width: number, height: number): Picture {
  const colours: Array<[number, number, number]> = [
    [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0],
    [0, 255, 255], [255, 0, 255], [32, 32, 32], [240, 240, 240],
  ];
  return makePicture(width, height, (x, y) => [...colours[((x >> 3) + (y >> 3) * 3) % colours.length], 255]);
}

/** Returns a greyscale pattern. */
export function greys(width: number, height: number): Picture {
  return makePicture(width, height, (x, y) => {
    const value = (x * 9 + y * 5) & 0xff;
    return [value, value, value, 255];
  });
}

export function solid(width: number, height: number, red: number, green: number, blue: number): Picture {
  return makePicture(width, height, () => [red, green, blue, 255]);
}

export function encodePng(picture: Picture): Uint8Array {
  const png = new PNG({ width: picture.width, height: picture.height });
  png.data = Buffer.from(picture.rgba);
  return new Uint8Array(PNG.sync.write(png, { colorType: 6 }));
}

/** Runs convert on the raw RGBA picture and returns the file it writes. */
export function convert(picture: Picture, output: string, options: string[] = []): Uint8Array {
  const directory = mkdtempSync(join(tmpdir(), 'xpra-webview-'));
  try {
    const input = join(directory, 'input.rgba');
    const target = join(directory, `output.${output.split(':')[0].toLowerCase()}`);
    writeFileSync(input, picture.rgba);
    execFileSync(CONVERT_PATH, [
      '-size', `${picture.width}x${picture.height}`, '-depth', '8', `rgba:${input}`,
      ...options, `${output.split(':')[0]}:${target}`,
    ]);
    return new Uint8Array(readFileSync(target));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * Returns the picture as rows of `format` pixels ('RGBX', 'RGBA', 'RGB') with `padding`
 * extra bytes at the end of each row. RGBX padding bytes are set to `fill`.
 */
export function rawRows(picture: Picture, format: 'RGBX' | 'RGBA' | 'RGB', padding: number, fill = 0): { rows: Uint8Array; rowstride: number } {
  const bytesPerPixel = format === 'RGB' ? 3 : 4;
  const rowstride = picture.width * bytesPerPixel + padding;
  const rows = new Uint8Array(rowstride * picture.height).fill(0xa5);
  for (let y = 0; y < picture.height; y++) {
    for (let x = 0; x < picture.width; x++) {
      const source = (y * picture.width + x) * 4;
      const target = y * rowstride + x * bytesPerPixel;
      rows[target] = picture.rgba[source];
      rows[target + 1] = picture.rgba[source + 1];
      rows[target + 2] = picture.rgba[source + 2];
      if (format === 'RGBX') {
        rows[target + 3] = fill;
      } else if (format === 'RGBA') {
        rows[target + 3] = picture.rgba[source + 3];
      }
    }
  }
  return { rows, rowstride };
}

export function zlibCompress(data: Uint8Array): Uint8Array {
  return new Uint8Array(deflateSync(data));
}

/** Compresses into xpra's lz4 form: a 4-byte little-endian size, then one lz4 block. */
export function lz4Compress(data: Uint8Array): Uint8Array {
  return compressLz4(data);
}

/** Returns the largest per-channel difference between two RGBA buffers. */
export function maxDifference(actual: Uint8Array, expected: Uint8Array): number {
  let max = 0;
  for (let index = 0; index < expected.length; index++) {
    max = Math.max(max, Math.abs(actual[index] - expected[index]));
  }
  return max;
}

/** Returns the mean per-channel difference between two RGBA buffers. */
export function meanDifference(actual: Uint8Array, expected: Uint8Array): number {
  let total = 0;
  for (let index = 0; index < expected.length; index++) {
    total += Math.abs(actual[index] - expected[index]);
  }
  return total / expected.length;
}

/** Returns the RGBA bytes of rows [top, top + count) of a picture. */
export function rows(picture: Picture, top: number, count: number): Uint8Array {
  return picture.rgba.slice(top * picture.width * 4, (top + count) * picture.width * 4);
}
