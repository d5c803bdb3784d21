/**
 * PacketReader turns the bytes a server sends into packets. Bytes may arrive
 * split anywhere; the reader keeps partial headers, payloads and text lines
 * between calls. The path of a frame: 8-byte header (size checked before any
 * payload is kept) -> payload -> decompression (bounded) -> decoding by the
 * flag's encoder -> chunk substitution -> packet name normalisation.
 */
import type { Encoder, Packet, Value } from './types';
import { ProtocolError } from './errors';
import {
  MAX_CHUNK_INDEX,
  MAX_DECOMPRESSED_SIZE,
  MAX_PACKET_SIZE,
  MAX_PENDING_CHUNKS,
  MAX_TEXT_LINE_LENGTH,
} from './limits';
import { concatBytes, decodeUtf8Lenient, decodeUtf8Strict, describeType } from './bytes';
import { decodeValue } from './codec';
import { compressorFromLevelByte, decompressPayload } from './compression';
import {
  encoderFromFlags,
  HEADER_MAGIC,
  HEADER_SIZE,
  invalidMagic,
  parseHeader,
  type FrameHeader,
} from './header';
import { normalizeIncomingName } from './names';

const NEWLINE = 0x0a;
const LOG_CATEGORY = 'packet';

/**
 * An event of the reader: a packet, or a plain-text line that a server
 * writes instead of a frame before the first packet (for example
 * `disconnect: failed to parse bencode packet` from 3.1, or
 * `disconnect login timeout` from 6.5), without its line ending.
 */
export type ReaderEvent =
  | { kind: 'packet'; packet: Packet; encoder: Encoder }
  | { kind: 'text'; text: string };

/** The part of the engine logger that the reader uses. */
export interface ReaderLogger {
  trace(category: string, message: string): void;
  debug(category: string, message: string): void;
}

export interface PacketReaderOptions {
  /** Maximum payload size in a frame header; MAX_PACKET_SIZE when absent. */
  maxPacketSize?: number;
  /** Maximum size of a decompressed payload; MAX_DECOMPRESSED_SIZE when absent. */
  maxDecompressedSize?: number;
  logger?: ReaderLogger;
}

/**
 * The error `push` throws. `events` contains what the same call decoded before
 * the failure, so a `disconnect` packet that precedes garbage is not lost.
 */
export class PacketReaderError extends ProtocolError {
  override readonly name: string = 'PacketReaderError';

  constructor(
    message: string,
    readonly events: ReaderEvent[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class PacketReader {
  private readonly maxPacketSize: number;
  private readonly maxDecompressedSize: number;
  private readonly logger: ReaderLogger | undefined;

  private readonly headerBytes = new Uint8Array(HEADER_SIZE);
  private headerLength = 0;
  private header: FrameHeader | undefined;
  private payloadParts: Uint8Array[] = [];
  private payloadLength = 0;
  private textParts: Uint8Array[] | undefined;
  private textLength = 0;
  private readonly chunks = new Map<number, Uint8Array>();
  private packetSeen = false;
  private failure: ProtocolError | undefined;

  constructor(options: PacketReaderOptions = {}) {
    this.maxPacketSize = options.maxPacketSize ?? MAX_PACKET_SIZE;
    this.maxDecompressedSize = options.maxDecompressedSize ?? MAX_DECOMPRESSED_SIZE;
    this.logger = options.logger;
  }

  /**
   * Consumes bytes and returns the events they complete, in order. After a
   * PacketReaderError the stream cannot be resynchronised, so every later
   * call throws as well.
   */
  push(bytes: Uint8Array): ReaderEvent[] {
    if (this.failure !== undefined) {
      throw new ProtocolError(
        `packet reader stopped after an earlier error: ${this.failure.message}`,
      );
    }
    const events: ReaderEvent[] = [];
    let offset = 0;
    try {
      while (offset < bytes.length) {
        offset = this.consume(bytes, offset, events);
      }
    } catch (error) {
      this.failure = error instanceof ProtocolError ? error : new ProtocolError(String(error));
      throw new PacketReaderError(this.failure.message, events, { cause: error });
    }
    return events;
  }

  /**
   * Ends the stream when the connection closes. It returns a last text line
   * that had no newline, and throws if the stream stopped inside a frame.
   */
  end(): ReaderEvent[] {
    if (this.failure !== undefined) {
      return [];
    }
    if (this.textParts !== undefined) {
      const event = this.takeText();
      return event.text === '' ? [] : [event];
    }
    if (this.header !== undefined) {
      const received = `${this.payloadLength} of ${this.header.payloadSize} payload bytes`;
      throw new ProtocolError(`connection closed inside a packet: ${received} received`);
    }
    if (this.headerLength > 0) {
      const received = `${this.headerLength} of ${HEADER_SIZE} bytes`;
      throw new ProtocolError(`connection closed inside a packet header: ${received} received`);
    }
    if (this.chunks.size > 0) {
      const waiting = `${this.chunks.size} chunks waiting for their packet`;
      this.logger?.debug(LOG_CATEGORY, `connection closed with ${waiting}`);
    }
    return [];
  }

  private consume(bytes: Uint8Array, offset: number, events: ReaderEvent[]): number {
    if (this.textParts !== undefined) {
      return this.consumeText(bytes, offset, events);
    }
    if (this.header !== undefined) {
      return this.consumePayload(this.header, bytes, offset, events);
    }
    if (this.headerLength === 0 && bytes[offset] !== HEADER_MAGIC) {
      if (this.packetSeen) {
        throw invalidMagic(bytes[offset]);
      }
      this.textParts = [];
      return this.consumeText(bytes, offset, events);
    }
    return this.consumeHeader(bytes, offset, events);
  }

  private consumeHeader(bytes: Uint8Array, offset: number, events: ReaderEvent[]): number {
    const count = Math.min(HEADER_SIZE - this.headerLength, bytes.length - offset);
    this.headerBytes.set(bytes.subarray(offset, offset + count), this.headerLength);
    this.headerLength += count;
    if (this.headerLength === HEADER_SIZE) {
      this.headerLength = 0;
      const header = parseHeader(this.headerBytes, this.maxPacketSize);
      if (header.payloadSize === 0) {
        this.completeFrame(header, new Uint8Array(0), events);
      } else {
        this.header = header;
      }
    }
    return offset + count;
  }

  private consumePayload(
    header: FrameHeader,
    bytes: Uint8Array,
    offset: number,
    events: ReaderEvent[],
  ): number {
    const count = Math.min(header.payloadSize - this.payloadLength, bytes.length - offset);
    // A plain Uint8Array copy (Buffer.slice would share memory), so packets
    // never share memory with a buffer the caller reuses.
    this.payloadParts.push(new Uint8Array(bytes.subarray(offset, offset + count)));
    this.payloadLength += count;
    if (this.payloadLength === header.payloadSize) {
      const parts = this.payloadParts;
      const payload = parts.length === 1 ? parts[0] : concatBytes(parts, this.payloadLength);
      this.header = undefined;
      this.payloadParts = [];
      this.payloadLength = 0;
      this.completeFrame(header, payload, events);
    }
    return offset + count;
  }

  private consumeText(bytes: Uint8Array, offset: number, events: ReaderEvent[]): number {
    const newline = bytes.indexOf(NEWLINE, offset);
    const end = newline < 0 ? bytes.length : newline;
    if (this.textLength + (end - offset) > MAX_TEXT_LINE_LENGTH) {
      throw new ProtocolError(
        `server sent over ${MAX_TEXT_LINE_LENGTH} bytes of text without a newline` +
          ' instead of xpra packets',
      );
    }
    this.textParts?.push(new Uint8Array(bytes.subarray(offset, end)));
    this.textLength += end - offset;
    if (newline < 0) {
      return bytes.length;
    }
    events.push(this.takeText());
    return newline + 1;
  }

  private takeText(): { kind: 'text'; text: string } {
    const line = decodeUtf8Lenient(concatBytes(this.textParts ?? [], this.textLength));
    const text = line.replace(/\r$/, '');
    this.textParts = undefined;
    this.textLength = 0;
    const description = `a text line of ${text.length} characters`;
    this.logger?.debug(LOG_CATEGORY, `received ${description} instead of a packet`);
    return { kind: 'text', text };
  }

  private completeFrame(header: FrameHeader, payload: Uint8Array, events: ReaderEvent[]): void {
    const data = decompressPayload(header.levelByte, payload, this.maxDecompressedSize);
    if (header.chunkIndex > 0) {
      this.storeChunk(header.chunkIndex, data);
      return;
    }
    const encoder = encoderFromFlags(header.flags);
    const packet = toPacket(decodeValue(data, encoder));
    this.fillChunks(packet);
    this.packetSeen = true;
    const compressor = compressorFromLevelByte(header.levelByte);
    this.logger?.trace(
      LOG_CATEGORY,
      `received ${packet[0]} (${encoder}, ${compressor}, ${payload.length} bytes)`,
    );
    events.push({ kind: 'packet', packet, encoder });
  }

  private storeChunk(index: number, data: Uint8Array): void {
    if (index > MAX_CHUNK_INDEX) {
      throw new ProtocolError(`invalid chunk index ${index}: the maximum is ${MAX_CHUNK_INDEX}`);
    }
    if (this.chunks.has(index)) {
      throw new ProtocolError(`duplicate chunk for index ${index} before its packet arrived`);
    }
    if (this.chunks.size >= MAX_PENDING_CHUNKS) {
      throw new ProtocolError(
        `too many chunks waiting for their packet: the maximum is ${MAX_PENDING_CHUNKS}`,
      );
    }
    this.chunks.set(index, data);
  }

  /** Writes each stored chunk into its slot of the main packet, then clears the store. */
  private fillChunks(packet: Packet): void {
    for (const [index, data] of this.chunks) {
      if (index >= packet.length) {
        throw new ProtocolError(
          `chunk index ${index} is out of range` +
            ` for the ${packet[0]} packet of ${packet.length} items`,
        );
      }
      packet[index] = data;
    }
    this.chunks.clear();
  }
}

/** Checks that a decoded payload is a packet and gives it a normalised text type name. */
function toPacket(value: Value): Packet {
  if (!Array.isArray(value) || value.length === 0) {
    const found = Array.isArray(value) ? 'an empty list' : describeType(value);
    throw new ProtocolError(
      `invalid packet: expected a list that starts with the packet type, got ${found}`,
    );
  }
  const type = value[0];
  let name: string;
  if (typeof type === 'string') {
    name = type;
  } else if (type instanceof Uint8Array) {
    name = decodeUtf8Strict(type, 'the packet type');
  } else {
    throw new ProtocolError(
      `invalid packet: the packet type is of type ${describeType(type)};` +
        ' packet aliases are not supported',
    );
  }
  value[0] = normalizeIncomingName(name);
  return value as Packet;
}
