/**
 * One remote window in the panel: a visible canvas inside a positioned element, a back
 * buffer that paints go to, and the paint queue that fills it. The visible canvas changes
 * only in `present`, once per animation frame, so a screen update made of several draws
 * appears at once.
 */
import type { FrameScheduler } from './frame-scheduler';
import type { PaintedMessage, WebviewMessage, WindowDescription } from './messages';
import { PaintQueue, PaintTarget } from './paint-queue';
import { WindowVideoDecoder } from './decoders/video';

/** Canvas sides are clamped to this many pixels. */
const MAX_CANVAS_SIZE = 16384;
/** How long the bell flash lasts. */
const BELL_FLASH_MS = 200;

interface DirtyArea {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export class RemoteWindow implements PaintTarget {
  readonly element: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  private visibleContext: CanvasRenderingContext2D;
  private backCanvas: HTMLCanvasElement;
  private backContext: CanvasRenderingContext2D;
  private dirty: DirtyArea | undefined;
  private readonly queue: PaintQueue;
  private readonly video = new WindowVideoDecoder();
  private bellTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    public description: WindowDescription,
    private readonly scheduler: FrameScheduler,
    post: (message: WebviewMessage) => void,
  ) {
    this.element = document.createElement('div');
    this.element.className = 'xpra-window';
    this.element.classList.toggle('xpra-popup', description.overrideRedirect);
    this.element.classList.toggle('xpra-transient', description.transientFor !== undefined);
    this.element.dataset.wid = String(description.wid);
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'xpra-canvas';
    this.canvas.dataset.wid = String(description.wid);
    this.element.appendChild(this.canvas);
    [this.backCanvas, this.backContext] = createBackBuffer(1, 1, description.hasAlpha);
    this.visibleContext = context2d(this.canvas, description.hasAlpha);
    this.resize(description.width, description.height);
    // Draws of one batch often settle one microtask apart, so acknowledgements wait for the
    // end of the current task and leave in one message.
    const pending: PaintedMessage[] = [];
    const postAcknowledgements = (acks: PaintedMessage[]): void => {
      if (pending.length === 0) {
        queueMicrotask(() => {
          const batch = pending.splice(0);
          post(batch.length === 1 ? batch[0] : { type: 'painted-batch', acks: batch });
        });
      }
      pending.push(...acks);
    };
    this.queue = new PaintQueue(description.wid, this, postAcknowledgements, new Map([['h264', this.video]]));
  }

  get wid(): number {
    return this.description.wid;
  }

  get backBuffer(): CanvasRenderingContext2D {
    return this.backContext;
  }

  /** Queues a draw for painting in packet order. */
  draw(message: Parameters<PaintQueue['add']>[0]): void {
    this.queue.add(message);
  }

  /** Places the element relative to the panel's origin (the top-level window's position). */
  place(originX: number, originY: number): void {
    this.element.style.left = `${this.description.x - originX}px`;
    this.element.style.top = `${this.description.y - originY}px`;
  }

  moveResize(x: number, y: number, width: number, height: number): void {
    this.description = { ...this.description, x, y, width, height };
    if (width !== this.canvas.width || height !== this.canvas.height) {
      this.resize(width, height);
      this.video.endStream('the window was resized');
    }
  }

  /** Drops the video decoder once its frames are out, after the server's `eos`. */
  endVideo(): void {
    this.video.endStream('the server ended the video stream');
  }

  markDirty(x: number, y: number, width: number, height: number): void {
    const left = Math.max(0, x);
    const top = Math.max(0, y);
    const right = Math.min(this.canvas.width, x + width);
    const bottom = Math.min(this.canvas.height, y + height);
    if (right <= left || bottom <= top) {
      return;
    }
    if (this.dirty === undefined) {
      this.dirty = { left, top, right, bottom };
      return;
    }
    this.dirty.left = Math.min(this.dirty.left, left);
    this.dirty.top = Math.min(this.dirty.top, top);
    this.dirty.right = Math.max(this.dirty.right, right);
    this.dirty.bottom = Math.max(this.dirty.bottom, bottom);
  }

  requestPresent(): void {
    this.scheduler.request(this.present);
  }

  /** Repaints the whole visible canvas from the back buffer on the next frame. */
  repaint(): void {
    this.markDirty(0, 0, this.canvas.width, this.canvas.height);
    this.scheduler.request(this.present);
  }

  /** Flashes the window's outline for the X bell. */
  ring(): void {
    this.element.classList.add('xpra-bell');
    clearTimeout(this.bellTimer);
    this.bellTimer = setTimeout(() => this.element.classList.remove('xpra-bell'), BELL_FLASH_MS);
  }

  /** Drops queued draws (acknowledged as skipped) and removes the element. */
  destroy(): void {
    clearTimeout(this.bellTimer);
    this.queue.close();
    this.video.close('the window was closed');
    this.element.remove();
  }

  private readonly present = (): void => {
    const area = this.dirty;
    this.dirty = undefined;
    if (area !== undefined) {
      const width = area.right - area.left;
      const height = area.bottom - area.top;
      if (this.description.hasAlpha) {
        this.visibleContext.clearRect(area.left, area.top, width, height);
      }
      this.visibleContext.drawImage(this.backCanvas, area.left, area.top, width, height, area.left, area.top, width, height);
    }
  };

  private resize(requestedWidth: number, requestedHeight: number): void {
    const width = clampSize(requestedWidth);
    const height = clampSize(requestedHeight);
    const [backCanvas, backContext] = createBackBuffer(width, height, this.description.hasAlpha);
    backContext.drawImage(this.backCanvas, 0, 0);
    this.backCanvas = backCanvas;
    this.backContext = backContext;
    this.canvas.width = width;
    this.canvas.height = height;
    // NOTE: one remote pixel is one CSS pixel, so on a display with devicePixelRatio > 1
    // the browser scales the picture up. The host sizes windows in CSS pixels to match.
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.element.style.width = `${width}px`;
    this.element.style.height = `${height}px`;
    // Resizing cleared the visible canvas, so copy the back buffer now rather than show a blank frame.
    this.visibleContext = context2d(this.canvas, this.description.hasAlpha);
    this.visibleContext.drawImage(this.backCanvas, 0, 0);
  }
}

function clampSize(size: number): number {
  return Number.isFinite(size) ? Math.min(MAX_CANVAS_SIZE, Math.max(1, Math.round(size))) : 1;
}

function context2d(canvas: HTMLCanvasElement, alpha: boolean): CanvasRenderingContext2D {
  const context = canvas.getContext('2d', { alpha });
  if (context === null) {
    throw new Error('the browser returned no 2d canvas context');
  }
  return context;
}

function createBackBuffer(width: number, height: number, alpha: boolean): [HTMLCanvasElement, CanvasRenderingContext2D] {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return [canvas, context2d(canvas, alpha)];
}
