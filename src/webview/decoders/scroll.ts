/**
 * The decoder for `scroll` draws: copies of regions inside the window's own picture. Every
 * copy reads the picture as it was before the draw, so `apply` first snapshots the bounding
 * box of all source regions and then copies from the snapshot.
 */
import type { DrawMessage } from '../messages';
import { Decoder, NO_PAINT, Paint } from './decoder';

/** One copy: the source rectangle and the distance it moves. */
interface ScrollCopy {
  x: number;
  y: number;
  width: number;
  height: number;
  dx: number;
  dy: number;
}

/** More copies than this in one draw is treated as invalid data. */
const MAX_COPIES = 4096;

export class ScrollDecoder implements Decoder {
  private snapshot: HTMLCanvasElement | undefined;

  async decode(draw: DrawMessage): Promise<Paint> {
    const copies = parseCopies(draw.scrolls);
    if (copies.length === 0) {
      return NO_PAINT;
    }
    return { apply: (context) => this.copyRegions(context, copies), release: () => undefined };
  }

  private copyRegions(context: CanvasRenderingContext2D, copies: readonly ScrollCopy[]): void {
    const left = Math.max(0, Math.min(...copies.map((copy) => copy.x)));
    const top = Math.max(0, Math.min(...copies.map((copy) => copy.y)));
    const right = Math.min(context.canvas.width, Math.max(...copies.map((copy) => copy.x + copy.width)));
    const bottom = Math.min(context.canvas.height, Math.max(...copies.map((copy) => copy.y + copy.height)));
    if (right <= left || bottom <= top) {
      return;
    }
    const snapshot = this.snapshotCanvas(right - left, bottom - top);
    const snapshotContext = snapshot.getContext('2d');
    if (snapshotContext === null) {
      throw new Error('no 2d context for the scroll snapshot');
    }
    snapshotContext.clearRect(0, 0, right - left, bottom - top);
    snapshotContext.drawImage(context.canvas, left, top, right - left, bottom - top, 0, 0, right - left, bottom - top);
    for (const copy of copies) {
      const sourceX = Math.max(copy.x, left);
      const sourceY = Math.max(copy.y, top);
      const width = Math.min(copy.x + copy.width, right) - sourceX;
      const height = Math.min(copy.y + copy.height, bottom) - sourceY;
      if (width > 0 && height > 0) {
        // Clearing first makes the copy replace transparent pixels instead of blending over them.
        context.clearRect(sourceX + copy.dx, sourceY + copy.dy, width, height);
        context.drawImage(
          snapshot, sourceX - left, sourceY - top, width, height,
          sourceX + copy.dx, sourceY + copy.dy, width, height,
        );
      }
    }
  }

  /** Returns a reusable snapshot canvas of at least the given size. */
  private snapshotCanvas(width: number, height: number): HTMLCanvasElement {
    if (this.snapshot === undefined) {
      this.snapshot = document.createElement('canvas');
    }
    if (this.snapshot.width < width || this.snapshot.height < height) {
      this.snapshot.width = Math.max(width, this.snapshot.width);
      this.snapshot.height = Math.max(height, this.snapshot.height);
    }
    return this.snapshot;
  }
}

function parseCopies(scrolls: unknown): ScrollCopy[] {
  if (!Array.isArray(scrolls)) {
    throw new Error('scroll draw has no list of copies');
  }
  if (scrolls.length > MAX_COPIES) {
    throw new Error(`scroll draw has ${scrolls.length} copies, more than ${MAX_COPIES}`);
  }
  return scrolls.map((entry: unknown, index) => {
    if (!Array.isArray(entry) || entry.length !== 6 || !entry.every((value) => Number.isInteger(value))) {
      throw new Error(`scroll copy ${index} is not six integers [x, y, width, height, dx, dy]`);
    }
    const [x, y, width, height, dx, dy] = entry as number[];
    if (width < 0 || height < 0) {
      throw new Error(`scroll copy ${index} has a negative size ${width}x${height}`);
    }
    return { x, y, width, height, dx, dy };
  });
}
