/**
 * Draw packets in, `draw` events out, and the acknowledgement the server paces itself by.
 * Every draw must be acknowledged: without acks a 3.1.3 server sends a small fraction of
 * the frames it would otherwise send.
 */
import { ProtocolError, asDict, asInt, asText } from '../protocol';
import type { Dict, Packet, Value } from '../protocol/types';
import type { PacketHandlers, SessionContext } from './context';
import type { DrawEvent, PixelCompression } from './types';

export class Draws {
  constructor(
    private readonly context: SessionContext,
    private readonly hasWindow: (wid: number) => boolean,
  ) {}

  readonly handlers: PacketHandlers = {
    draw: (packet) => this.onDraw(packet),
    eos: (packet) => this.onEndOfStream(asInt(packet[1])),
  };

  /**
   * Acknowledges a draw once it is painted. `decodeMicros` is the decode time in
   * microseconds, -1 when decoding failed (the server then schedules a full refresh), or 0
   * when painting was skipped.
   */
  ackDraw(
    wid: number,
    seq: number,
    width: number,
    height: number,
    decodeMicros: number,
    message = '',
  ): void {
    this.context.send(
      'damage-sequence',
      seq,
      wid,
      width,
      height,
      Math.round(decodeMicros),
      message,
    );
  }

  private onEndOfStream(wid: number): void {
    this.context.logger.debug('draw', `window ${wid}: the video stream ended`);
    this.context.emit('eos', wid);
  }

  private onDraw(packet: Packet): void {
    const draw = parseDraw(packet);
    if (!this.hasWindow(draw.wid)) {
      this.context.logger.debug('draw', `draw ${draw.seq} for unknown window ${draw.wid}`);
      this.ackDraw(draw.wid, draw.seq, draw.width, draw.height, -1, 'unknown window');
      return;
    }
    this.context.logger.trace(
      'draw',
      `window ${draw.wid} seq ${draw.seq} ${draw.coding} ${draw.width}x${draw.height} at ${draw.x},${draw.y}`,
    );
    this.context.emit('draw', draw);
  }
}

/**
 * Reads the positional draw packet:
 * wid, x, y, width, height, coding, data, seq, rowstride, options.
 */
export function parseDraw(packet: Packet): DrawEvent {
  const options: Dict = packet[10] === undefined ? {} : asDict(packet[10]);
  const coding = asText(packet[6]);
  const rawData = packet[7];
  const draw: DrawEvent = {
    wid: asInt(packet[1]),
    x: asInt(packet[2]),
    y: asInt(packet[3]),
    width: asInt(packet[4]),
    height: asInt(packet[5]),
    coding,
    seq: asInt(packet[8]),
    rowstride: packet[9] === undefined ? 0 : asInt(packet[9]),
    compression: pixelCompression(options),
    flush: options.flush === undefined ? 0 : asInt(options.flush),
    data: rawData instanceof Uint8Array ? copyBytes(rawData) : new Uint8Array(0),
  };
  if (options.rgb_format !== undefined) {
    draw.rgbFormat = asText(options.rgb_format);
  }
  Object.assign(draw, parseVideoOptions(options));
  if (coding === 'scroll') {
    // 6.5 repeats the scroll list in the options and may leave the data empty.
    draw.scrolls = parseScrolls(options.scroll ?? rawData);
  }
  return draw;
}

/**
 * Reads the options of a video draw: the frame counter, the picture type (`IDR`, `I`, `P`,
 * `B`), the size of the encoded picture when it differs from the draw's area, and the
 * colour space. Absent options stay undefined.
 */
function parseVideoOptions(options: Dict): Partial<DrawEvent> {
  const video: Partial<DrawEvent> = {};
  if (options.frame !== undefined) video.frame = asInt(options.frame);
  if (options.type !== undefined) video.frameType = asText(options.type);
  if (options.csc !== undefined) video.csc = asText(options.csc);
  if (options.scaled_size !== undefined) {
    const size = options.scaled_size;
    if (!Array.isArray(size) || size.length !== 2) {
      throw new ProtocolError('invalid scaled_size: expected [width, height]');
    }
    video.scaledSize = [asInt(size[0]), asInt(size[1])];
  }
  return video;
}

/** Copies into a fresh, exact-size ArrayBuffer: never a socket buffer view, never a Node Buffer. */
function copyBytes(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

function pixelCompression(options: Dict): PixelCompression {
  if (isSet(options.lz4)) return 'lz4';
  if (isSet(options.zlib)) return 'zlib';
  return 'none';
}

function isSet(value: Value | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'boolean') return value;
  return true;
}

/** Reads the scroll list. Each entry [x, y, width, height, dx, dy] moves a region by (dx, dy). */
function parseScrolls(value: Value | undefined): number[][] {
  if (!Array.isArray(value)) return [];
  return value.map((entry) => {
    if (!Array.isArray(entry) || entry.length < 6) {
      throw new ProtocolError('invalid scroll entry: expected [x, y, width, height, dx, dy]');
    }
    return entry.slice(0, 6).map((item) => asInt(item));
  });
}
