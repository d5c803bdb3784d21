/**
 * The per-window paint queue. Decodes run concurrently, but their paints reach the back
 * buffer strictly in the order the draws arrived (packet order). A draw whose `flush` is 0
 * ends a screen update: the window presents the back buffer on the next animation frame.
 * Each draw's `painted` acknowledgement, with its decode time, is posted as soon as the draw
 * is painted into the back buffer. Waiting for the present would add up to one frame
 * interval to every acknowledgement, and the server reads that delay as client latency and
 * backlog, so it lowers quality and sends fewer updates.
 */
import { Decoder, decoderFor, Paint } from './decoders';
import type { DrawMessage, PaintedMessage } from './messages';

/** The window side of the queue: where paints go and how an update reaches the screen. */
export interface PaintTarget {
  readonly backBuffer: CanvasRenderingContext2D;
  /** Marks an area of the back buffer as changed since the last present. */
  markDirty(x: number, y: number, width: number, height: number): void;
  /** Presents the back buffer on the next frame. */
  requestPresent(): void;
}

/** Draws, counted from the oldest unpainted one, that decode at the same time. It bounds decode memory. */
const MAX_DECODES_IN_FLIGHT = 8;
/**
 * Draws waiting in one window. The server waits for acknowledgements, so a longer queue
 * means a stalled webview. Draws beyond it are rejected with decode time -1, and the
 * server then refreshes the window.
 */
const MAX_QUEUED_DRAWS = 256;
/** A screen update whose last draw (flush 0) never comes is presented after this delay. */
const FLUSH_TIMEOUT_MS = 250;
/** Draws larger than this in either direction are rejected as invalid. */
const MAX_DRAW_SIZE = 16384;
/** Draws of more pixels than an 8K screen (7680x4320) are rejected, which bounds decode memory. */
const MAX_DRAW_PIXELS = 7680 * 4320;

interface QueuedDraw {
  draw: DrawMessage;
  started: boolean;
  settled: boolean;
  paint?: Paint;
  error?: string;
  decodeMillis: number;
}

export class PaintQueue {
  private readonly queue: QueuedDraw[] = [];
  private readonly acknowledgements: PaintedMessage[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  /**
   * `windowDecoders` are decoders that keep state for this window, such as its video
   * decoder. They take precedence over the shared decoders of each encoding.
   */
  constructor(
    private readonly wid: number,
    private readonly target: PaintTarget,
    /** Receives acknowledgements, all those of one paint pass in one call. */
    private readonly post: (acknowledgements: PaintedMessage[]) => void,
    private readonly windowDecoders: ReadonlyMap<string, Decoder> = new Map(),
  ) {}

  /** Queues a draw. Draws must be added in packet order. */
  add(draw: DrawMessage): void {
    if (this.closed) {
      this.post([painted(draw, 0, 'window is closed')]);
      return;
    }
    if (this.queue.length >= MAX_QUEUED_DRAWS) {
      this.post([painted(draw, -1, `paint queue of window ${this.wid} is full (${MAX_QUEUED_DRAWS} draws)`)]);
      return;
    }
    this.queue.push({ draw, started: false, settled: false, decodeMillis: 0 });
    this.startDecodes();
  }

  /** Drops every queued draw, acknowledging each with decode time 0 (painting skipped). */
  close(): void {
    this.closed = true;
    clearTimeout(this.flushTimer);
    for (const entry of this.queue.splice(0)) {
      entry.paint?.release();
      this.acknowledgements.push(painted(entry.draw, 0, 'window is closed'));
    }
    this.postAcknowledgements();
  }

  private startDecodes(): void {
    const limit = Math.min(this.queue.length, MAX_DECODES_IN_FLIGHT);
    for (let index = 0; index < limit; index++) {
      const entry = this.queue[index];
      if (!entry.started) {
        entry.started = true;
        void this.decode(entry);
      }
    }
  }

  private async decode(entry: QueuedDraw): Promise<void> {
    const start = performance.now();
    try {
      checkDraw(entry.draw);
      const decoder = this.windowDecoders.get(entry.draw.coding) ?? decoderFor(entry.draw.coding);
      if (decoder === undefined) {
        throw new Error(`unsupported encoding ${entry.draw.coding}`);
      }
      entry.paint = await decoder.decode(entry.draw);
    } catch (error) {
      entry.error = error instanceof Error ? error.message : String(error);
    }
    entry.decodeMillis = performance.now() - start;
    entry.settled = true;
    if (!this.closed) {
      this.paintReadyDraws();
    } else {
      entry.paint?.release();
    }
  }

  /** Applies settled draws from the head of the queue, stopping at the first unsettled one. */
  private paintReadyDraws(): void {
    let presentNeeded = false;
    let appliedAny = false;
    while (this.queue.length > 0 && this.queue[0].settled) {
      const entry = this.queue.shift() as QueuedDraw;
      const acknowledgement = this.apply(entry);
      this.acknowledgements.push(acknowledgement);
      appliedAny = true;
      if (entry.draw.flush === 0 || !Number.isFinite(entry.draw.flush)) {
        presentNeeded = true;
      }
    }
    this.postAcknowledgements();
    this.startDecodes();
    if (presentNeeded) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.target.requestPresent();
    } else if (appliedAny && this.flushTimer === undefined) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.target.requestPresent();
      }, FLUSH_TIMEOUT_MS);
    }
  }

  private apply(entry: QueuedDraw): PaintedMessage {
    const { draw } = entry;
    if (entry.error !== undefined || entry.paint === undefined) {
      return painted(draw, -1, entry.error ?? 'decoding failed');
    }
    const start = performance.now();
    try {
      entry.paint.apply(this.target.backBuffer);
    } catch (error) {
      return painted(draw, -1, `painting ${draw.coding} failed: ${String(error)}`);
    } finally {
      entry.paint.release();
    }
    if (draw.coding === 'scroll') {
      this.markScrollDestinations(draw);
    } else if (draw.coding !== 'void') {
      this.target.markDirty(draw.x, draw.y, draw.width, draw.height);
    }
    const micros = Math.round((entry.decodeMillis + performance.now() - start) * 1000);
    return painted(draw, micros);
  }

  private markScrollDestinations(draw: DrawMessage): void {
    for (const copy of draw.scrolls ?? []) {
      const [x, y, width, height, dx, dy] = copy;
      this.target.markDirty(x + dx, y + dy, width, height);
    }
  }

  private postAcknowledgements(): void {
    if (this.acknowledgements.length > 0) {
      this.post(this.acknowledgements.splice(0));
    }
  }
}

function painted(draw: DrawMessage, decodeMicros: number, error?: string): PaintedMessage {
  const message: PaintedMessage = {
    type: 'painted',
    wid: draw.wid,
    seq: draw.seq,
    width: draw.width,
    height: draw.height,
    decodeMicros,
  };
  if (error !== undefined) {
    message.error = error;
  }
  return message;
}

/** Throws when a draw's geometry or payload is not something the decoders can use. */
function checkDraw(draw: DrawMessage): void {
  if (!(draw.data instanceof Uint8Array)) {
    throw new Error(`draw data is ${describeType(draw.data)}, expected a Uint8Array`);
  }
  if (draw.coding === 'void') {
    return;
  }
  const geometry = [draw.x, draw.y, draw.width, draw.height];
  if (!geometry.every((value) => Number.isInteger(value))) {
    throw new Error(`invalid draw geometry ${geometry.join(',')}`);
  }
  if (draw.x < 0 || draw.y < 0 || draw.width <= 0 || draw.height <= 0) {
    throw new Error(`invalid draw geometry ${geometry.join(',')}`);
  }
  if (draw.width > MAX_DRAW_SIZE || draw.height > MAX_DRAW_SIZE) {
    throw new Error(`draw of ${draw.width}x${draw.height} exceeds the maximum of ${MAX_DRAW_SIZE} pixels per side`);
  }
  if (draw.width * draw.height > MAX_DRAW_PIXELS) {
    throw new Error(`draw of ${draw.width}x${draw.height} exceeds the maximum of ${MAX_DRAW_PIXELS} pixels`);
  }
}

function describeType(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return typeof value;
  }
  return `a ${value.constructor?.name ?? 'plain object'}`;
}
