/**
 * h264 in the real webview bundle in headless Chromium: the start-up probe, a recorded
 * stream from a real xpra 3.1.3 server, and recovery after bad frames. The painted stream
 * is compared with an independent decode of the same stream by xpra's libavcodec decoder
 * and swscale. The fixtures and the scripts that made them are in test/webview/fixtures.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { DrawMessage, WebviewMessage, WindowDescription } from '../../src/webview/messages';
import { Harness } from './harness';

const FIXTURES = join(__dirname, 'fixtures');

interface RecordedDraw extends Omit<DrawMessage, 'type' | 'data'> {
  offset: number;
  length: number;
}

interface Recording {
  window: { width: number; height: number };
  draws: RecordedDraw[];
}

interface Expected {
  tile: number;
  columns: number;
  rows: number;
  /** Mean [red, green, blue] of each tile, row by row. */
  means: number[][];
}

const recording = JSON.parse(readFileSync(join(FIXTURES, 'animation-h264.json'), 'utf8')) as Recording;
const recordedData = readFileSync(join(FIXTURES, 'animation-h264.bin'));
const expected = JSON.parse(readFileSync(join(FIXTURES, 'animation-h264-expected.json'), 'utf8')) as Expected;

/**
 * The largest difference of one tile's mean channel value from the reference decode.
 * Both decoders follow the h264 standard, so the YUV pictures agree. What differs is the
 * conversion to RGB and its rounding. A wrong or missing frame moves tiles by far more.
 */
const TILE_TOLERANCE = 8;
/** The mean of all those differences. */
const MEAN_TOLERANCE = 2;

const WID = 7;
let nextSeq = 1;

function windowDescription(): WindowDescription {
  return {
    wid: WID, x: 0, y: 0, width: recording.window.width, height: recording.window.height,
    title: 'video', overrideRedirect: false, modal: false, hasAlpha: false, sizeConstraints: {},
  };
}

/** Returns the recorded draw `index` as a message for window WID with a fresh sequence number. */
function recordedDraw(index: number, data?: Uint8Array): DrawMessage {
  const { offset, length, ...fields } = recording.draws[index];
  return {
    ...fields,
    type: 'draw',
    wid: WID,
    seq: nextSeq++,
    data: data ?? new Uint8Array(recordedData.subarray(offset, offset + length)),
  };
}

type Painted = Extract<WebviewMessage, { type: 'painted' }>;

describe('webview h264 in Chromium', () => {
  let harness: Harness;

  before(async () => {
    harness = await Harness.open();
    await harness.send({ type: 'window-new', window: windowDescription() });
  });

  after(async () => {
    await harness?.close();
  });

  /** Sends draws in order and returns their acknowledgements, in the same order. */
  async function paint(draws: DrawMessage[]): Promise<Painted[]> {
    for (const draw of draws) await harness.send(draw);
    const expectedSeqs = draws.map((draw) => draw.seq);
    await harness.page.waitForFunction(
      (seqs) => seqs.every((seq) => (window as unknown as { posted: Array<{ type: string; seq: number }> }).posted
        .some((posted) => posted.type === 'painted' && posted.seq === seq)),
      expectedSeqs,
      { timeout: 10_000 },
    );
    const posted = (await harness.posted()).filter((message): message is Painted => message.type === 'painted');
    return expectedSeqs.map((seq) => posted.find((message) => message.seq === seq) as Painted);
  }

  /**
   * Returns the mean [red, green, blue] of each tile of the window's visible canvas, with
   * tiles and canvas `scale` times the size of the expected picture's.
   */
  async function tileMeans(scale: number): Promise<number[][]> {
    return harness.page.evaluate(async ([wid, tile, columns, rows]) => {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const canvas = document.querySelector<HTMLCanvasElement>(`canvas[data-wid="${wid}"]`) as HTMLCanvasElement;
      const pixels = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, canvas.width, canvas.height).data;
      const means: number[][] = [];
      for (let row = 0; row < rows; row++) {
        for (let column = 0; column < columns; column++) {
          const sums = [0, 0, 0];
          for (let y = row * tile; y < (row + 1) * tile; y++) {
            for (let x = column * tile; x < (column + 1) * tile; x++) {
              const index = (y * canvas.width + x) * 4;
              sums[0] += pixels[index];
              sums[1] += pixels[index + 1];
              sums[2] += pixels[index + 2];
            }
          }
          means.push(sums.map((sum) => sum / (tile * tile)));
        }
      }
      return means;
    }, [WID, expected.tile * scale, expected.columns, expected.rows] as const);
  }

  async function assertExpectedPicture(scale = 1, tolerance = { tile: TILE_TOLERANCE, mean: MEAN_TOLERANCE }): Promise<void> {
    const means = await tileMeans(scale);
    assert.equal(means.length, expected.means.length);
    let largest = 0;
    let total = 0;
    for (const [index, tile] of means.entries()) {
      for (let channel = 0; channel < 3; channel++) {
        const difference = Math.abs(tile[channel] - expected.means[index][channel]);
        largest = Math.max(largest, difference);
        total += difference;
      }
    }
    const mean = total / (means.length * 3);
    assert.ok(largest <= tolerance.tile, `largest tile difference ${largest.toFixed(1)} exceeds ${tolerance.tile}`);
    assert.ok(mean <= tolerance.mean, `mean tile difference ${mean.toFixed(2)} exceeds ${tolerance.mean}`);
  }

  async function clearCanvas(): Promise<void> {
    await harness.send({ type: 'window-lost', wid: WID });
    await harness.send({ type: 'window-new', window: windowDescription() });
  }

  it('probe reports a working decoder', async () => {
    const [probe] = await harness.waitForPosted('video-probe', 1);
    assert.equal(probe.h264, true, probe.detail);
    assert.match(probe.detail, /32x32 avc1\.42C00A/);
  });

  it('paints a recorded 3.1.3 stream', async () => {
    const acknowledgements = await paint(recording.draws.map((_, index) => recordedDraw(index)));
    for (const acknowledgement of acknowledgements) {
      assert.equal(acknowledgement.error, undefined, `draw ${acknowledgement.seq}`);
      assert.ok(acknowledgement.decodeMicros > 0, `draw ${acknowledgement.seq} decode time ${acknowledgement.decodeMicros}`);
    }
    await assertExpectedPicture();
  });

  it('stream without its key frame fails', async () => {
    await clearCanvas();
    const [acknowledgement] = await paint([recordedDraw(1)]);
    assert.equal(acknowledgement.decodeMicros, -1);
    assert.match(acknowledgement.error ?? '', /waiting for a key frame/);
  });

  it('corrupt frame fails, next key frame paints', async () => {
    await clearCanvas();
    const [keyFrame] = await paint([recordedDraw(0)]);
    assert.ok(keyFrame.decodeMicros > 0);
    const corrupt = recordedDraw(1);
    corrupt.data = corruptSlices(corrupt.data);
    const [failed, following] = await paint([corrupt, recordedDraw(2)]);
    assert.equal(failed.decodeMicros, -1);
    assert.match(failed.error ?? '', /h264 decoder failed/);
    assert.equal(following.decodeMicros, -1, 'a frame after the failure is decoded without its key frame');
    const acknowledgements = await paint(recording.draws.map((_, index) => recordedDraw(index)));
    for (const acknowledgement of acknowledgements) {
      assert.ok(acknowledgement.decodeMicros > 0, `draw ${acknowledgement.seq}: ${acknowledgement.error ?? ''}`);
    }
    await assertExpectedPicture();
  });

  it('stretches a scaled stream', async () => {
    await clearCanvas();
    const halfSize = (draw: DrawMessage): DrawMessage => ({
      ...draw,
      width: draw.width / 2,
      height: draw.height / 2,
      scaledSize: [draw.width, draw.height],
    });
    const acknowledgements = await paint(recording.draws.map((_, index) => halfSize(recordedDraw(index))));
    for (const acknowledgement of acknowledgements) {
      assert.ok(acknowledgement.decodeMicros > 0, `draw ${acknowledgement.seq}: ${acknowledgement.error ?? ''}`);
    }
    // Scaling blends pixels across tile edges, so tiles differ more than at full size.
    await assertExpectedPicture(0.5, { tile: 3 * TILE_TOLERANCE, mean: 2 * MEAN_TOLERANCE });
  });

  it('eos drops the stream', async () => {
    await paint([recordedDraw(0)]);
    await harness.send({ type: 'eos', wid: WID });
    const [acknowledgement] = await paint([recordedDraw(1)]);
    assert.equal(acknowledgement.decodeMicros, -1);
    assert.match(acknowledgement.error ?? '', /ended the video stream/);
  });

  it('wrong picture size fails', async () => {
    await paint([recordedDraw(0)]);
    const smaller = { ...recordedDraw(1), width: 640, height: 360 };
    const [acknowledgement] = await paint([smaller]);
    assert.equal(acknowledgement.decodeMicros, -1);
    assert.match(acknowledgement.error ?? '', /640x360/);
  });

  it('oversized picture is rejected', async () => {
    const huge = { ...recordedDraw(0), scaledSize: [8192, 8192] as [number, number] };
    const [acknowledgement] = await paint([huge]);
    assert.equal(acknowledgement.decodeMicros, -1);
    assert.match(acknowledgement.error ?? '', /exceeds the maximum/);
  });
});

/**
 * Zeroes the first bytes after the NAL header of every non-IDR slice, which turns the
 * slice header's Exp-Golomb fields into values out of range. Chromium 156's decoder
 * reports such a chunk as a decoding error, but it conceals damage further into a slice.
 */
function corruptSlices(data: Uint8Array): Uint8Array {
  const copy = new Uint8Array(data);
  for (let index = 0; index + 3 < copy.length; index++) {
    const isStart = copy[index] === 0 && copy[index + 1] === 0 && copy[index + 2] === 1;
    if (isStart && (copy[index + 3] & 0x1f) === 1) {
      copy.fill(0, index + 4, Math.min(copy.length, index + 12));
      index += 12;
    }
  }
  return copy;
}
