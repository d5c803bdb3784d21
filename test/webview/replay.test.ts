/**
 * Replays the draws of a recorded xpra 6.5.3 session into the webview. In the session an
 * xterm prints a line every 0.25 s, which the server sends as webp, rgb24 with lz4, and
 * scroll draws. The final picture must match a model painted in Node from the same packets.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { asText, decompressLz4, normalizeIncomingName, PacketReader, type Dict, type Value } from '../../src/protocol';
import type { DrawMessage, PixelCompression } from '../../src/webview/messages';
import { Harness } from './harness';
import { CONVERT_PATH, maxDifference, meanDifference } from './pictures';

const CAPTURE = resolve(__dirname, '..', 'fixtures', 'xpra-6.5.3', 'bc1-ticker-50frames', 'frames-received.bin');

interface RecordedSession {
  window: { wid: number; width: number; height: number };
  draws: DrawMessage[];
}

function toNumber(value: Value | undefined, fallback = 0): number {
  if (typeof value === 'bigint') {
    return Number(value);
  }
  return typeof value === 'number' ? value : fallback;
}

function toCopies(value: Value | undefined): number[][] | undefined {
  return Array.isArray(value) ? value.map((copy) => (copy as Value[]).map((number) => toNumber(number))) : undefined;
}

/** Turns a recorded draw packet into the message the panel host posts for it. */
function drawMessage(packet: Value[]): DrawMessage {
  const options = (packet[10] ?? {}) as Dict;
  const coding = asText(packet[6]);
  const payload = packet[7];
  const rgbFormat = options.rgb_format === undefined ? undefined : asText(options.rgb_format);
  let compression: PixelCompression = 'none';
  if (options.lz4 !== undefined) {
    compression = 'lz4';
  } else if (options.zlib !== undefined) {
    compression = 'zlib';
  }
  return {
    type: 'draw',
    wid: toNumber(packet[1]),
    x: toNumber(packet[2]),
    y: toNumber(packet[3]),
    width: toNumber(packet[4]),
    height: toNumber(packet[5]),
    coding,
    seq: toNumber(packet[8]),
    rowstride: toNumber(packet[9]),
    ...(rgbFormat !== undefined ? { rgbFormat } : {}),
    compression,
    flush: toNumber(options.flush),
    ...(coding === 'scroll' ? { scrolls: toCopies(options.scroll ?? payload) } : {}),
    data: payload instanceof Uint8Array ? new Uint8Array(payload) : new Uint8Array(0),
  };
}

function readSession(): RecordedSession {
  const events = new PacketReader().push(readFileSync(CAPTURE));
  let window: RecordedSession['window'] | undefined;
  const draws: DrawMessage[] = [];
  for (const event of events) {
    if (event.kind !== 'packet') {
      continue;
    }
    const name = normalizeIncomingName(event.packet[0]);
    if (name === 'new-window' && window === undefined) {
      const packet = event.packet;
      window = { wid: toNumber(packet[1]), width: toNumber(packet[4]), height: toNumber(packet[5]) };
    } else if (name === 'draw') {
      draws.push(drawMessage(event.packet));
    }
  }
  assert.ok(window, 'the capture has no new-window packet');
  return { window, draws };
}

/** Decodes a webp file to RGBA with ImageMagick (libwebp). */
function decodeWebp(data: Uint8Array): Uint8Array {
  const directory = mkdtempSync(join(tmpdir(), 'xpra-replay-'));
  try {
    const input = join(directory, 'draw.webp');
    writeFileSync(input, data);
    return new Uint8Array(execFileSync(CONVERT_PATH, [`webp:${input}`, '-depth', '8', 'rgba:-'], { maxBuffer: 64 << 20 }));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Paints the recorded draws in Node: the expected picture of the window. */
function paintModel(session: RecordedSession): Uint8Array {
  const { width, height } = session.window;
  const picture = new Uint8Array(width * height * 4);
  const put = (x: number, y: number, rowBytes: (row: number) => Uint8Array, columns: number, rows: number): void => {
    for (let row = 0; row < rows && y + row < height; row++) {
      const line = rowBytes(row).subarray(0, Math.min(columns, width - x) * 4);
      picture.set(line, ((y + row) * width + x) * 4);
    }
  };
  for (const draw of session.draws) {
    if (draw.coding === 'webp') {
      const rgba = decodeWebp(draw.data);
      put(draw.x, draw.y, (row) => rgba.subarray(row * draw.width * 4, (row + 1) * draw.width * 4), draw.width, draw.height);
    } else if (draw.coding === 'rgb24') {
      const rgb = draw.compression === 'lz4' ? decompressLz4(draw.data) : draw.data;
      put(draw.x, draw.y, (row) => {
        const line = new Uint8Array(draw.width * 4);
        for (let column = 0; column < draw.width; column++) {
          line.set(rgb.subarray(row * draw.rowstride + column * 3, row * draw.rowstride + column * 3 + 3), column * 4);
          line[column * 4 + 3] = 255;
        }
        return line;
      }, draw.width, draw.height);
    } else if (draw.coding === 'scroll') {
      const before = picture.slice();
      for (const [x, y, copyWidth, copyHeight, dx, dy] of draw.scrolls ?? []) {
        put(x + dx, y + dy, (row) => before.subarray(((y + row) * width + x) * 4, ((y + row) * width + x + copyWidth) * 4), copyWidth, copyHeight);
      }
    } else {
      assert.fail(`the capture has a ${draw.coding} draw, which the model cannot paint`);
    }
  }
  return picture;
}

const skip = existsSync(CAPTURE) ? false : `capture not found: ${CAPTURE}`;

describe('replay of a recorded xpra 6.5.3 session', { skip }, () => {
  let harness: Harness;
  let session: RecordedSession;

  before(async () => {
    session = readSession();
    harness = await Harness.open(600, 400);
    const { wid, width, height } = session.window;
    await harness.send({
      type: 'window-new',
      window: {
        wid, x: 0, y: 0, width, height, title: 'xterm', overrideRedirect: false, modal: false,
        hasAlpha: false, sizeConstraints: {},
      },
    });
  });

  after(async () => {
    await harness?.close();
  });

  it('contains webp, rgb24 with lz4 and scroll draws', () => {
    const kinds = new Set(session.draws.map((draw) => `${draw.coding}/${draw.compression}`));
    assert.ok(kinds.has('webp/none'));
    assert.ok(kinds.has('rgb24/lz4'));
    assert.ok(kinds.has('rgb24/none'));
    assert.ok(kinds.has('scroll/none'));
  });

  it('paints every draw in order and matches the model', async () => {
    await harness.clearPosted();
    for (const draw of session.draws) {
      await harness.send(draw);
    }
    const acknowledgements = await harness.waitForPosted('painted', session.draws.length, 20000);
    assert.deepEqual(acknowledgements.map((message) => message.seq), session.draws.map((draw) => draw.seq));
    for (const acknowledgement of acknowledgements) {
      assert.ok(acknowledgement.decodeMicros >= 0, `draw ${acknowledgement.seq}: ${acknowledgement.error}`);
    }
    const { wid, width, height } = session.window;
    const pixels = await harness.readPixels(wid, 0, 0, width, height);
    const expected = paintModel(session);
    if (process.env.XPRA_REPLAY_SCREENSHOT) {
      await harness.page.screenshot({ path: process.env.XPRA_REPLAY_SCREENSHOT });
    }
    // Chromium and ImageMagick decode webp with separate libwebp builds. They matched
    // exactly with Debian 12's chromium and ImageMagick 6.9.11, and a small margin allows
    // for rounding changes in either.
    const max = maxDifference(pixels, expected);
    const mean = meanDifference(pixels, expected);
    assert.ok(max <= 4, `largest channel difference ${max}`);
    assert.ok(mean < 0.1, `mean channel difference ${mean.toFixed(3)}`);
    const distinct = new Set<number>();
    for (let index = 0; index < pixels.length; index += 4) {
      distinct.add((pixels[index] << 16) | (pixels[index + 1] << 8) | pixels[index + 2]);
    }
    assert.ok(distinct.size > 2, 'the window is blank');
  });
});
