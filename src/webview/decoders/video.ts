/**
 * The h264 decoder of one window: a WebCodecs VideoDecoder fed with the window's video
 * draws in packet order, in Annex B form (a config without `description`), tuned for low
 * latency. Each draw becomes one EncodedVideoChunk, and its paint puts the decoded
 * picture into the back buffer at the draw's area, stretched when the encoded picture has
 * another size (`scaledSize`). Every VideoFrame is closed once copied, painted or dropped.
 *
 * A stream starts at a key frame. After any decoder error, an `eos` packet, a window
 * resize or a draw that does not fit the stream, the decoder is dropped and the next
 * stream starts at the next key frame. Draws before it fail with an error, which the paint
 * queue acknowledges with -1. An xpra server restarts its video encoder after a -1
 * acknowledgement, so its next video frame is a key frame.
 */
import type { DrawMessage } from '../messages';
import type { Decoder, Paint } from './decoder';
import { h264CodecString, hasIdrSlice } from './video-h264';

/**
 * Chunks submitted and not yet output. The paint queue already limits decodes in flight to
 * 8, so this bound is met only when the decoder stops producing frames.
 */
const MAX_FRAMES_IN_FLIGHT = 16;
/** A frame not output by then counts as lost, and the stream is dropped. */
const FRAME_TIMEOUT_MS = 2000;
/** The largest encoded picture, per side, that a stream may have. The hello requests no more. */
const MAX_VIDEO_SIZE = 4096;
/** The colour space the hello requests, and so the only one a draw may name. */
const SUPPORTED_CSC = 'YUV420P';

/**
 * The colour space of the server's pictures. xpra 3.1.3 converts RGB to YUV420P with
 * libswscale's default, the BT.601 matrix in limited range, and x264 writes no colour
 * description into the stream. Without this, Chromium 156 read a 1280x720 stream as BT.709
 * and shifted saturated colours by up to 38 of 255.
 */
const SERVER_COLOR_SPACE: VideoColorSpaceInit = {
  primaries: 'smpte170m',
  transfer: 'smpte170m',
  matrix: 'smpte170m',
  fullRange: false,
};

/**
 * VideoFrame.copyTo options that convert to RGB with the alpha byte set to 255. A browser
 * that does not know `format` ignores it and copies the YUV planes, which allocationSize
 * reveals before any copy.
 */
const RGBX_COPY: VideoFrameCopyToOptions = { format: 'RGBX', colorSpace: 'srgb' };
/** ImageData buffers kept for reuse per window: as many as the paint queue decodes at once. */
const MAX_POOLED_IMAGES = 8;

/** Reusable ImageData of one size, so that a stream does not allocate a picture per frame. */
class ImagePool {
  private readonly free: ImageData[] = [];

  take(width: number, height: number): ImageData {
    const index = this.free.findIndex((image) => image.width === width && image.height === height);
    if (index >= 0) {
      return this.free.splice(index, 1)[0];
    }
    return new ImageData(width, height);
  }

  give(image: ImageData): void {
    if (this.free.length >= MAX_POOLED_IMAGES) {
      this.free.shift();
    }
    this.free.push(image);
  }
}

interface PendingFrame {
  resolve(frame: VideoFrame): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** One VideoDecoder from a key frame to the end of its stream. */
class VideoStream {
  private readonly decoder: VideoDecoder;
  private readonly pending = new Map<number, PendingFrame>();
  private nextTimestamp = 0;
  private failure: Error | undefined;

  constructor(
    readonly codec: string,
    readonly width: number,
    readonly height: number,
    private readonly onFailure: (stream: VideoStream) => void,
  ) {
    this.decoder = new VideoDecoder({
      output: (frame) => this.output(frame),
      error: (error) => this.fail(new Error(`h264 decoder failed: ${error.message}`)),
    });
    this.decoder.configure({
      codec,
      codedWidth: width,
      codedHeight: height,
      colorSpace: SERVER_COLOR_SPACE,
      optimizeForLatency: true,
    });
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Submits one chunk and resolves with its frame, in submission order. */
  decode(data: Uint8Array, key: boolean): Promise<VideoFrame> {
    if (this.failure !== undefined) {
      return Promise.reject(this.failure);
    }
    if (this.pending.size >= MAX_FRAMES_IN_FLIGHT) {
      const error = new Error(`h264 decoder has ${this.pending.size} frames pending without output`);
      this.fail(error);
      return Promise.reject(error);
    }
    const timestamp = this.nextTimestamp++;
    const promise = new Promise<VideoFrame>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(new Error(`h264 decoder output no frame within ${FRAME_TIMEOUT_MS} ms`)),
        FRAME_TIMEOUT_MS,
      );
      this.pending.set(timestamp, { resolve, reject, timer });
    });
    try {
      this.decoder.decode(new EncodedVideoChunk({ type: key ? 'key' : 'delta', timestamp, data }));
    } catch (error) {
      this.fail(new Error(`h264 decoder rejected the chunk: ${String(error)}`));
    }
    return promise;
  }

  /** Lets the frames already submitted come out, then closes the decoder. */
  finish(): void {
    if (this.failure !== undefined) {
      return;
    }
    this.failure = new Error('the video stream ended');
    this.decoder.flush().then(
      () => this.close(this.failure as Error),
      (error: unknown) => this.close(new Error(`h264 decoder failed while flushing: ${String(error)}`)),
    );
  }

  /** Closes the decoder at once, failing the frames still pending with `reason`. */
  close(reason: Error): void {
    this.failure ??= reason;
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(reason);
    }
    this.pending.clear();
    if (this.decoder.state !== 'closed') {
      this.decoder.close();
    }
  }

  private output(frame: VideoFrame): void {
    const entry = this.pending.get(frame.timestamp);
    if (entry === undefined) {
      frame.close();
      return;
    }
    this.pending.delete(frame.timestamp);
    clearTimeout(entry.timer);
    entry.resolve(frame);
  }

  private fail(error: Error): void {
    if (this.failure !== undefined && this.decoder.state === 'closed') {
      return;
    }
    this.close(error);
    this.onFailure(this);
  }
}

/**
 * The video decoder of one window. It implements the draw decoder interface for `h264`
 * draws and keeps one stream at a time.
 */
export class WindowVideoDecoder implements Decoder {
  private stream: VideoStream | undefined;
  /** The reason the last stream ended, named in the errors of draws that wait for a key frame. */
  private lastEnd = 'no stream has started';

  private readonly images = new ImagePool();

  async decode(draw: DrawMessage): Promise<Paint> {
    const frame = await this.decodeFrame(draw);
    const { x, y, width, height } = draw;
    const visible = frame.visibleRect;
    if (visible?.width === width && visible.height === height && frame.allocationSize(RGBX_COPY) === width * height * 4) {
      return this.copyToImage(frame, x, y);
    }
    // A picture to stretch, or a browser whose copyTo cannot convert to RGB.
    return {
      apply(context: CanvasRenderingContext2D): void {
        context.drawImage(frame, x, y, width, height);
      },
      release(): void {
        frame.close();
      },
    };
  }

  /**
   * Converts the frame to RGB in an ImageData and closes it, so its decoder buffer is free
   * before the paint. In Chromium 156 without GPU, copyTo and putImageData took 1.4 ms for
   * a 1280x720 frame where drawImage of the VideoFrame took 4.3 ms (in a headless page on
   * the 2-core test machine).
   */
  private async copyToImage(frame: VideoFrame, x: number, y: number): Promise<Paint> {
    const image = this.images.take(frame.displayWidth, frame.displayHeight);
    try {
      await frame.copyTo(image.data, RGBX_COPY);
    } catch (error) {
      this.images.give(image);
      throw new Error(`converting an h264 frame to RGB failed: ${String(error)}`);
    } finally {
      frame.close();
    }
    return {
      apply(context: CanvasRenderingContext2D): void {
        context.putImageData(image, x, y);
      },
      release: () => this.images.give(image),
    };
  }

  /** Drops the stream once its submitted frames are out, as after an `eos` packet. */
  endStream(reason: string): void {
    this.stream?.finish();
    this.stream = undefined;
    this.lastEnd = reason;
  }

  /** Drops the stream at once and fails its pending frames, as when the window closes. */
  close(reason: string): void {
    this.stream?.close(new Error(reason));
    this.stream = undefined;
    this.lastEnd = reason;
  }

  private decodeFrame(draw: DrawMessage): Promise<VideoFrame> {
    if (draw.coding !== 'h264') {
      throw new Error(`the video decoder cannot decode ${draw.coding}`);
    }
    if (draw.csc !== undefined && draw.csc !== SUPPORTED_CSC) {
      throw new Error(`h264 colour space ${draw.csc} is not supported, only ${SUPPORTED_CSC}`);
    }
    const [width, height] = encodedSize(draw);
    const key = draw.frameType === 'IDR' || draw.frame === 0;
    if (key) {
      this.startStream(draw.data, width, height);
    }
    const stream = this.stream;
    if (stream === undefined || stream.failed) {
      throw new Error(`h264 frame ${String(draw.frame)} is not a key frame, and ${this.lastEnd}: waiting for a key frame`);
    }
    if (stream.width !== width || stream.height !== height) {
      this.close(`a ${width}x${height} frame came in a ${stream.width}x${stream.height} stream`);
      throw new Error(`h264 frame of ${width}x${height} does not match its ${stream.width}x${stream.height} stream`);
    }
    return stream.decode(draw.data, key);
  }

  private startStream(data: Uint8Array, width: number, height: number): void {
    if (!hasIdrSlice(data)) {
      this.close('a key frame had no IDR slice');
      throw new Error('h264 key frame has no IDR slice');
    }
    const codec = h264CodecString(data);
    if (codec === undefined) {
      this.close('a key frame had no sequence parameter set');
      throw new Error('h264 key frame has no sequence parameter set');
    }
    const current = this.stream;
    if (current !== undefined && !current.failed && current.codec === codec && current.width === width && current.height === height) {
      return;
    }
    if (typeof VideoDecoder === 'undefined') {
      throw new Error('this page has no WebCodecs VideoDecoder');
    }
    current?.finish();
    this.stream = new VideoStream(codec, width, height, (failed) => {
      if (this.stream === failed) {
        this.stream = undefined;
        this.lastEnd = 'the decoder failed';
      }
    });
  }
}

/** Returns the size of the encoded picture: `scaledSize` when present, else the draw's area. */
function encodedSize(draw: DrawMessage): [number, number] {
  const [width, height] = draw.scaledSize ?? [draw.width, draw.height];
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`invalid h264 picture size ${width}x${height}`);
  }
  if (width > MAX_VIDEO_SIZE || height > MAX_VIDEO_SIZE) {
    throw new Error(`h264 picture of ${width}x${height} exceeds the maximum of ${MAX_VIDEO_SIZE} pixels per side`);
  }
  return [width, height];
}
