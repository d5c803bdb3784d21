import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import type { DrawMessage, PixelCompression, WindowDescription } from '../../src/webview/messages';
import { Harness } from './harness';
import {
  blocks, convert, encodePng, gradient, greys, lz4Compress, maxDifference, meanDifference,
  noise, Picture, rawRows, rows, solid, zlibCompress,
} from './pictures';

const WIDTH = 64;
const HEIGHT = 48;
const TOP_LEVEL = 1;
const POPUP = 2;
const ALPHA_WINDOW = 3;

function describeWindow(wid: number, x: number, y: number, width: number, height: number, extra: Partial<WindowDescription> = {}): WindowDescription {
  return {
    wid, x, y, width, height,
    title: `window ${wid}`,
    overrideRedirect: false,
    modal: false,
    hasAlpha: false,
    sizeConstraints: {},
    ...extra,
  };
}

let seq = 0;

function draw(coding: string, data: Uint8Array, extra: Partial<DrawMessage> = {}): DrawMessage {
  seq += 1;
  return {
    type: 'draw',
    wid: TOP_LEVEL,
    x: 0,
    y: 0,
    width: WIDTH,
    height: HEIGHT,
    coding,
    seq,
    rowstride: 0,
    compression: 'none',
    flush: 0,
    data,
    ...extra,
  };
}

function compress(data: Uint8Array, compression: PixelCompression): Uint8Array {
  if (compression === 'zlib') {
    return zlibCompress(data);
  }
  return compression === 'lz4' ? lz4Compress(data) : data;
}

describe('webview draws in Chromium', () => {
  let harness: Harness;

  before(async () => {
    harness = await Harness.open();
    await harness.send({ type: 'window-new', window: describeWindow(TOP_LEVEL, 100, 50, WIDTH, HEIGHT) });
    await harness.send({ type: 'window-new', window: describeWindow(POPUP, 120, 70, 16, 16, { overrideRedirect: true }) });
    await harness.send({ type: 'window-new', window: describeWindow(ALPHA_WINDOW, 100, 130, 8, 8, { hasAlpha: true, transientFor: TOP_LEVEL }) });
  });

  after(async () => {
    await harness?.close();
  });

  /** Sends one draw, waits for its acknowledgement and returns it. */
  async function paint(message: DrawMessage): Promise<{ decodeMicros: number; error?: string }> {
    await harness.send(message);
    await harness.page.waitForFunction(
      ([wid, wanted]) => (window as unknown as { posted: Array<{ type: string; wid: number; seq: number }> }).posted
        .some((posted) => posted.type === 'painted' && posted.wid === wid && posted.seq === wanted),
      [message.wid, message.seq] as const,
      { timeout: 5000 },
    );
    const acknowledgement = (await harness.posted()).find(
      (posted) => posted.type === 'painted' && posted.wid === message.wid && posted.seq === message.seq,
    );
    assert.ok(acknowledgement?.type === 'painted');
    return acknowledgement;
  }

  async function assertPicture(picture: Picture, tolerance: { max: number; mean: number } = { max: 0, mean: 0 }, wid = TOP_LEVEL): Promise<void> {
    const pixels = await harness.readPixels(wid, 0, 0, picture.width, picture.height);
    assert.equal(pixels.length, picture.rgba.length);
    if (tolerance.max === 0) {
      assert.deepEqual(pixels, picture.rgba);
      return;
    }
    const max = maxDifference(pixels, picture.rgba);
    const mean = meanDifference(pixels, picture.rgba);
    assert.ok(max <= tolerance.max, `largest channel difference ${max} exceeds ${tolerance.max}`);
    assert.ok(mean <= tolerance.mean, `mean channel difference ${mean.toFixed(2)} exceeds ${tolerance.mean}`);
  }

  it('places popups relative to the top-level window', async () => {
    const offsets = await harness.page.evaluate(() => {
      const [top, popup, transient] = [1, 2, 3].map((wid) =>
        (document.querySelector(`canvas[data-wid="${wid}"]`) as HTMLCanvasElement).getBoundingClientRect());
      return [popup.left - top.left, popup.top - top.top, transient.top - top.top, top.left, top.top, popup.width];
    });
    assert.deepEqual(offsets, [20, 20, 80, 0, 0, 16]);
  });

  it('paints png exactly', async () => {
    const picture = noise(WIDTH, HEIGHT, 1);
    const acknowledgement = await paint(draw('png', encodePng(picture)));
    assert.ok(acknowledgement.decodeMicros >= 0, `decode time ${acknowledgement.decodeMicros}`);
    await assertPicture(picture);
  });

  it('paints palette png/P exactly', async () => {
    const picture = blocks(WIDTH, HEIGHT);
    const file = convert(picture, 'PNG8');
    assert.equal(file[25], 3, 'convert did not write a palette PNG (colour type 3)');
    const acknowledgement = await paint(draw('png/P', file));
    assert.ok(acknowledgement.decodeMicros >= 0);
    await assertPicture(picture);
  });

  it('paints greyscale png/L exactly', async () => {
    const picture = greys(WIDTH, HEIGHT);
    const file = convert(picture, 'PNG', ['-define', 'png:color-type=0', '-define', 'png:bit-depth=8']);
    assert.equal(file[25], 0, 'convert did not write a greyscale PNG (colour type 0)');
    const acknowledgement = await paint(draw('png/L', file));
    assert.ok(acknowledgement.decodeMicros >= 0);
    await assertPicture(picture);
  });

  it('paints jpeg within tolerance', async () => {
    const picture = gradient(WIDTH, HEIGHT);
    const acknowledgement = await paint(draw('jpeg', convert(picture, 'JPEG', ['-quality', '92'])));
    assert.ok(acknowledgement.decodeMicros >= 0);
    await assertPicture(picture, { max: 16, mean: 2 });
  });

  it('paints lossy webp within tolerance', async () => {
    const picture = gradient(WIDTH, HEIGHT);
    const file = convert(picture, 'WEBP', ['-quality', '90']);
    assert.equal(Buffer.from(file.subarray(8, 12)).toString('latin1'), 'WEBP');
    const acknowledgement = await paint(draw('webp', file));
    assert.ok(acknowledgement.decodeMicros >= 0);
    await assertPicture(picture, { max: 24, mean: 3 });
  });

  it('paints lossless webp exactly', async () => {
    const picture = noise(WIDTH, HEIGHT, 2);
    const acknowledgement = await paint(draw('webp', convert(picture, 'WEBP', ['-define', 'webp:lossless=true'])));
    assert.ok(acknowledgement.decodeMicros >= 0);
    await assertPicture(picture);
  });

  it('paints png with alpha', async () => {
    const picture = noise(8, 8, 23);
    for (let index = 3; index < picture.rgba.length; index += 4) {
      picture.rgba[index] = 160 + (index % 64);
    }
    const acknowledgement = await paint(draw('png', encodePng(picture), { wid: ALPHA_WINDOW, width: 8, height: 8 }));
    assert.ok(acknowledgement.decodeMicros >= 0, acknowledgement.error);
    // The canvas stores premultiplied alpha, so reading back may round by a few steps.
    await assertPicture(picture, { max: 3, mean: 1 }, ALPHA_WINDOW);
  });

  for (const compression of ['none', 'zlib', 'lz4'] as const) {
    it(`paints rgb32 RGBX ${compression} with padded rows`, async () => {
      const picture = noise(WIDTH, HEIGHT, 3);
      // Padding bytes of 0 must still paint opaque, and rows carry 12 bytes of padding.
      const { rows: data, rowstride } = rawRows(picture, 'RGBX', 12, 0);
      const acknowledgement = await paint(draw('rgb32', compress(data, compression), { rowstride, rgbFormat: 'RGBX', compression }));
      assert.equal(acknowledgement.error, undefined);
      assert.ok(acknowledgement.decodeMicros >= 0);
      await assertPicture(picture);
    });

    it(`paints rgb24 ${compression} with padded rows`, async () => {
      const picture = noise(WIDTH, HEIGHT, 4);
      const { rows: data, rowstride } = rawRows(picture, 'RGB', 5);
      const acknowledgement = await paint(draw('rgb24', compress(data, compression), { rowstride, rgbFormat: 'RGB', compression }));
      assert.equal(acknowledgement.error, undefined);
      assert.ok(acknowledgement.decodeMicros >= 0);
      await assertPicture(picture);
    });
  }

  it('paints rgb32 RGBA with alpha', async () => {
    const picture = noise(8, 8, 5);
    for (let index = 3; index < picture.rgba.length; index += 4) {
      picture.rgba[index] = 160 + (index % 64);
    }
    const { rows: data, rowstride } = rawRows(picture, 'RGBA', 0);
    const acknowledgement = await paint(draw('rgb32', lz4Compress(data), {
      wid: ALPHA_WINDOW, width: 8, height: 8, rowstride, rgbFormat: 'RGBA', compression: 'lz4',
    }));
    assert.ok(acknowledgement.decodeMicros >= 0);
    // The canvas stores premultiplied alpha, so reading back may round by a few steps.
    await assertPicture(picture, { max: 3, mean: 1 }, ALPHA_WINDOW);
  });

  it('paints rgb32 with unpadded rows and the default rowstride', async () => {
    const picture = noise(WIDTH, HEIGHT, 6);
    const { rows: data } = rawRows(picture, 'RGBX', 0, 0x7f);
    const acknowledgement = await paint(draw('rgb32', data, { rowstride: 0, rgbFormat: 'RGBX' }));
    assert.ok(acknowledgement.decodeMicros >= 0);
    await assertPicture(picture);
  });

  it('scrolls with copies that read the same source region', async () => {
    const picture = noise(WIDTH, HEIGHT, 7);
    await paint(draw('png', encodePng(picture)));
    // Both copies read rows 8 to 23 as they were before the draw. The first one writes
    // rows 16 to 31, which overlap the source, so a copy that read the live picture
    // would put changed rows 16 to 23 into the second destination.
    const acknowledgement = await paint(draw('scroll', new Uint8Array(0), {
      scrolls: [[0, 8, WIDTH, 16, 0, 8], [0, 8, WIDTH, 16, 0, 24]],
    }));
    assert.ok(acknowledgement.decodeMicros >= 0);
    const pixels = await harness.readPixels(TOP_LEVEL, 0, 0, WIDTH, HEIGHT);
    const rowBytes = WIDTH * 4;
    assert.deepEqual(pixels.slice(0, 16 * rowBytes), rows(picture, 0, 16), 'rows 0 to 15 stay');
    assert.deepEqual(pixels.slice(16 * rowBytes, 32 * rowBytes), rows(picture, 8, 16), 'rows 16 to 31 are old rows 8 to 23');
    assert.deepEqual(pixels.slice(32 * rowBytes, 48 * rowBytes), rows(picture, 8, 16), 'rows 32 to 47 are old rows 8 to 23');
  });

  it('acknowledges void draws without painting', async () => {
    const picture = noise(WIDTH, HEIGHT, 8);
    await paint(draw('png', encodePng(picture)));
    const acknowledgement = await paint(draw('void', new Uint8Array(0)));
    assert.ok(acknowledgement.decodeMicros >= 0);
    await assertPicture(picture);
  });

  it('acknowledges a mixed update in packet order', async () => {
    await harness.clearPosted();
    const first = seq + 1;
    const picture = noise(WIDTH, HEIGHT, 9);
    const { rows: data, rowstride } = rawRows(picture, 'RGB', 0);
    // A large png decodes slower than the rgb draws after it, yet must paint first.
    const messages = [
      draw('png', encodePng(noise(WIDTH, HEIGHT, 10)), { flush: 3 }),
      draw('jpeg', convert(gradient(WIDTH, HEIGHT), 'JPEG'), { flush: 2 }),
      draw('webp', convert(gradient(WIDTH, HEIGHT), 'WEBP'), { flush: 1 }),
      draw('rgb24', lz4Compress(data), { rowstride, rgbFormat: 'RGB', compression: 'lz4', flush: 0 }),
    ];
    for (const message of messages) {
      await harness.send(message);
    }
    const acknowledgements = await harness.waitForPosted('painted', messages.length);
    assert.deepEqual(acknowledgements.map((message) => message.seq), [first, first + 1, first + 2, first + 3]);
    for (const acknowledgement of acknowledgements) {
      assert.ok(acknowledgement.decodeMicros >= 0, `draw ${acknowledgement.seq} decode time ${acknowledgement.decodeMicros} ${acknowledgement.error}`);
      assert.ok(Number.isInteger(acknowledgement.decodeMicros));
    }
    await assertPicture(picture);
  });

  it('paints a draw batch in order', async () => {
    await harness.clearPosted();
    const picture = noise(WIDTH, HEIGHT, 21);
    const band = HEIGHT / 4;
    const draws = [0, 1, 2, 3].map((index) => {
      const part = { width: WIDTH, height: band, rgba: picture.rgba.subarray(index * band * WIDTH * 4, (index + 1) * band * WIDTH * 4) };
      const { rows: data, rowstride } = rawRows(part, 'RGB', 0);
      return draw('rgb24', lz4Compress(data), { y: index * band, height: band, rowstride, rgbFormat: 'RGB', compression: 'lz4', flush: 3 - index });
    });
    await harness.sendDrawBatch(draws);
    const acknowledgements = await harness.waitForPosted('painted', draws.length);
    assert.deepEqual(acknowledgements.map((message) => message.seq), draws.map((message) => message.seq));
    for (const acknowledgement of acknowledgements) {
      assert.ok(acknowledgement.decodeMicros >= 0, `draw ${acknowledgement.seq}: ${acknowledgement.error}`);
    }
    const batches = await harness.paintedBatches();
    assert.ok(batches.some((size) => size > 1), `acknowledgements left one per message: batches ${JSON.stringify(batches)}`);
    await assertPicture(picture);
  });

  it('presents an update only at flush 0', async () => {
    await harness.clearPosted();
    const before = noise(WIDTH, HEIGHT, 11);
    await paint(draw('png', encodePng(before)));
    await harness.clearPosted();
    const red = solid(WIDTH, 16, 255, 0, 0);
    const { rows: redRows, rowstride } = rawRows(red, 'RGB', 0);
    const partial = draw('rgb24', redRows, { rowstride, rgbFormat: 'RGB', height: 16, flush: 1 });
    await harness.send(partial);
    const [early] = await harness.waitForPosted('painted', 1);
    assert.equal(early.seq, partial.seq, 'a draw is acknowledged once painted into the back buffer');
    assert.ok(early.decodeMicros >= 0, `decode time ${early.decodeMicros}`);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(await harness.readPixels(TOP_LEVEL, 0, 0, WIDTH, 16), rows(before, 0, 16), 'nothing shown before the update ends');
    await harness.send(draw('void', new Uint8Array(0), { flush: 0 }));
    const acknowledgements = await harness.waitForPosted('painted', 2);
    assert.equal(acknowledgements.length, 2);
    assert.deepEqual(await harness.readPixels(TOP_LEVEL, 0, 0, WIDTH, 16), red.rgba);
  });

  it('reports -1 for a corrupt png and keeps painting', async () => {
    const corrupt = encodePng(noise(WIDTH, HEIGHT, 12)).slice(0, 60);
    const failed = await paint(draw('png', corrupt));
    assert.equal(failed.decodeMicros, -1);
    assert.match(failed.error ?? '', /invalid png/);
    const picture = noise(WIDTH, HEIGHT, 13);
    const next = await paint(draw('png', encodePng(picture)));
    assert.ok(next.decodeMicros >= 0);
    await assertPicture(picture);
  });

  it('reports -1 for invalid pixel data', async () => {
    const picture = noise(WIDTH, HEIGHT, 14);
    const { rows: data, rowstride } = rawRows(picture, 'RGBX', 0);
    const cases: Array<[string, DrawMessage, RegExp]> = [
      ['short rgb32', draw('rgb32', data.slice(0, 100), { rowstride, rgbFormat: 'RGBX' }), /expected at least/],
      ['bad lz4 size prefix', draw('rgb32', lz4Compress(data.slice(0, 64)), { rowstride, rgbFormat: 'RGBX', compression: 'lz4' }), /size prefix/],
      ['lz4 offset before start', draw('rgb32', Uint8Array.from([48, 0, 0, 0, 0x0f, 0x05, 0x00]), { width: 4, height: 3, rowstride: 16, rgbFormat: 'RGBX', compression: 'lz4' }), /offset/],
      ['zlib bomb', draw('rgb32', zlibCompress(new Uint8Array(rowstride * HEIGHT * 4)), { rowstride, rgbFormat: 'RGBX', compression: 'zlib' }), /expands beyond/],
      ['garbage zlib', draw('rgb32', Uint8Array.from([1, 2, 3, 4, 5]), { rowstride, rgbFormat: 'RGBX', compression: 'zlib' }), /invalid zlib/],
      ['rowstride too small', draw('rgb24', data, { rowstride: 10, rgbFormat: 'RGB' }), /invalid rowstride/],
      ['wrong format', draw('rgb24', data, { rowstride, rgbFormat: 'RGBX' }), /invalid pixel format/],
      ['unknown encoding', draw('h265', data), /unsupported encoding/],
      ['negative size', draw('png', encodePng(picture), { width: -1 }), /invalid draw geometry/],
      ['too many pixels', draw('rgb32', zlibCompress(data), { width: 16000, height: 16000, rowstride: 64000, compression: 'zlib' }), /maximum of \d+ pixels$/],
      ['bad scroll list', draw('scroll', new Uint8Array(0), { scrolls: [[1, 2, 3]] }), /six integers/],
    ];
    for (const [name, message, pattern] of cases) {
      const acknowledgement = await paint(message);
      assert.equal(acknowledgement.decodeMicros, -1, `${name}: decode time`);
      assert.match(acknowledgement.error ?? '', pattern, `${name}: error message`);
    }
  });

  it('requires draw data as Uint8Array', async () => {
    const picture = noise(WIDTH, HEIGHT, 15);
    const { rows: data, rowstride } = rawRows(picture, 'RGBX', 0);
    // Without buffer serialization a Uint8Array arrives as a plain object with numeric keys.
    const asJson = JSON.parse(JSON.stringify(draw('rgb32', data, { rowstride, rgbFormat: 'RGBX' }))) as DrawMessage;
    const rejected = await paint(asJson);
    assert.equal(rejected.decodeMicros, -1);
    assert.match(rejected.error ?? '', /expected a Uint8Array/);
    const accepted = await paint(draw('rgb32', data, { rowstride, rgbFormat: 'RGBX' }));
    assert.ok(accepted.decodeMicros >= 0);
    await assertPicture(picture);
  });

  it('acknowledges draws for an unknown window with -1', async () => {
    const acknowledgement = await paint(draw('png', encodePng(noise(4, 4)), { wid: 99, width: 4, height: 4 }));
    assert.equal(acknowledgement.decodeMicros, -1);
    assert.match(acknowledgement.error ?? '', /unknown window 99/);
  });

  it('keeps the picture when a window grows', async () => {
    const picture = noise(WIDTH, HEIGHT, 16);
    await paint(draw('png', encodePng(picture)));
    await harness.send({ type: 'window-move-resize', wid: TOP_LEVEL, x: 100, y: 50, width: WIDTH + 10, height: HEIGHT + 10 });
    const size = await harness.page.evaluate(() => {
      const canvas = document.querySelector('canvas[data-wid="1"]') as HTMLCanvasElement;
      return [canvas.width, canvas.height];
    });
    assert.deepEqual(size, [WIDTH + 10, HEIGHT + 10]);
    await assertPicture(picture);
  });

  it('shows a PNG cursor without policy violations', async () => {
    const cursor = encodePng(solid(8, 8, 0, 0, 0));
    await harness.send({ type: 'cursor', png: cursor, width: 8, height: 8, xhot: 3, yhot: 4 });
    const style = await harness.page.evaluate(() => (document.querySelector('.xpra-desktop') as HTMLElement).style.cursor);
    assert.match(style, /^url\("blob:http:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+"\) 3 4, default$/);
    await harness.send({ type: 'cursor-default' });
    const reset = await harness.page.evaluate(() => (document.querySelector('.xpra-desktop') as HTMLElement).style.cursor);
    assert.equal(reset, '');
    assert.deepEqual(await harness.violations(), []);
  });

  it('shows the session state and the insecure banner', async () => {
    const read = (): Promise<[boolean, string, boolean]> => harness.page.evaluate(() => {
      const status = document.querySelector('.xpra-status') as HTMLElement;
      const banner = document.querySelector('.xpra-insecure') as HTMLElement;
      return [status.hidden, status.textContent ?? '', banner.hidden];
    });
    await harness.send({ type: 'session', state: 'connecting', insecure: false });
    assert.deepEqual(await read(), [false, 'Connecting\u2026', true]);
    await harness.send({ type: 'session', state: 'connected', insecure: true });
    assert.deepEqual(await read(), [true, '', false]);
    await harness.send({ type: 'session', state: 'disconnected', insecure: false, detail: 'server shut down' });
    assert.deepEqual(await read(), [false, 'Disconnected: server shut down', true]);
  });

  it('flashes a window for the bell', async () => {
    await harness.send({ type: 'bell', wid: TOP_LEVEL });
    const ringing = await harness.page.evaluate(() => document.querySelector('.xpra-window[data-wid="1"]')?.classList.contains('xpra-bell'));
    assert.equal(ringing, true);
    await harness.page.waitForFunction(() => !document.querySelector('.xpra-window[data-wid="1"]')?.classList.contains('xpra-bell'));
  });

  it('presents an update whose flush 0 never comes', async () => {
    await harness.clearPosted();
    const blue = solid(WIDTH, 8, 0, 0, 255);
    const { rows: blueRows, rowstride } = rawRows(blue, 'RGB', 0);
    const message = draw('rgb24', blueRows, { rowstride, rgbFormat: 'RGB', height: 8, flush: 2 });
    await harness.send(message);
    const [acknowledgement] = await harness.waitForPosted('painted', 1, 2000);
    assert.equal(acknowledgement.seq, message.seq);
    const deadline = Date.now() + 2000;
    let visiblePixels = await harness.readPixels(TOP_LEVEL, 0, 0, WIDTH, 8);
    while (!Buffer.from(visiblePixels).equals(Buffer.from(blue.rgba)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      visiblePixels = await harness.readPixels(TOP_LEVEL, 0, 0, WIDTH, 8);
    }
    assert.deepEqual(visiblePixels, blue.rgba);
  });

  it('removes a lost window', async () => {
    await harness.send({ type: 'window-lost', wid: POPUP });
    const count = await harness.page.evaluate(() => document.querySelectorAll('canvas[data-wid="2"]').length);
    assert.equal(count, 0);
  });
});
