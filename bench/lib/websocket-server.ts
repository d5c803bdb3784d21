/**
 * A minimal WebSocket server (RFC 6455) on a Node HTTP server. It sends unfragmented text
 * and binary messages, receives text and binary messages (joining fragments), replies to
 * pings with pongs and closes on a close frame. It offers no extensions, so no per-message
 * compression. It carries the panel's
 * messages between our engine and the webview page in the benchmark, where VS Code would
 * use postMessage.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { EventEmitter } from 'node:events';

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** The largest message accepted from the page; the page only sends small JSON messages. */
const MAX_INCOMING_BYTES = 1024 * 1024;

const OPCODE_CONTINUATION = 0x0;
const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;

export interface WebSocketEvents {
  text: [text: string];
  binary: [data: Buffer];
  close: [];
}

export class WebSocketConnection extends EventEmitter<WebSocketEvents> {
  private buffered: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;
  private closed = false;

  constructor(private readonly socket: Duplex) {
    super();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.markClosed());
    socket.on('error', () => this.markClosed());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Bytes queued in the socket and not yet written, for back-pressure. */
  get bufferedAmount(): number {
    return (this.socket as Duplex & { writableLength: number }).writableLength;
  }

  sendText(text: string): void {
    this.sendFrame(OPCODE_TEXT, [Buffer.from(text, 'utf8')]);
  }

  /** Sends one binary message made of `parts`, written without joining them first. */
  sendBinary(parts: Uint8Array[]): void {
    this.sendFrame(OPCODE_BINARY, parts);
  }

  close(): void {
    if (this.closed) return;
    this.sendFrame(OPCODE_CLOSE, []);
    this.socket.end();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }

  private sendFrame(opcode: number, parts: Uint8Array[]): void {
    if (this.closed) return;
    const length = parts.reduce((total, part) => total + part.byteLength, 0);
    let header: Buffer;
    if (length < 126) {
      header = Buffer.from([0x80 | opcode, length]);
    } else if (length < 0x10000) {
      header = Buffer.alloc(4);
      header[0] = 0x80 | opcode;
      header[1] = 126;
      header.writeUInt16BE(length, 2);
    } else {
      header = Buffer.alloc(10);
      header[0] = 0x80 | opcode;
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    // One corked batch, so the header and payload leave in one write instead of one each.
    this.socket.cork();
    this.socket.write(header);
    for (const part of parts) this.socket.write(part);
    this.socket.uncork();
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const frame = this.readFrame();
      if (!frame) return;
      this.handleFrame(frame.fin, frame.opcode, frame.payload);
      if (this.closed) return;
    }
  }

  private readFrame(): { fin: boolean; opcode: number; payload: Buffer } | undefined {
    const data = this.buffered;
    if (data.length < 2) return undefined;
    const fin = (data[0] & 0x80) !== 0;
    const opcode = data[0] & 0x0f;
    const masked = (data[1] & 0x80) !== 0;
    let length = data[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (data.length < 4) return undefined;
      length = data.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (data.length < 10) return undefined;
      length = Number(data.readBigUInt64BE(2));
      offset = 10;
    }
    if (length > MAX_INCOMING_BYTES) {
      this.socket.destroy();
      this.markClosed();
      return undefined;
    }
    const maskOffset = offset;
    if (masked) offset += 4;
    if (data.length < offset + length) return undefined;
    const payload = Buffer.from(data.subarray(offset, offset + length));
    if (masked) {
      for (let index = 0; index < payload.length; index++) payload[index] ^= data[maskOffset + (index & 3)];
    }
    this.buffered = data.subarray(offset + length);
    return { fin, opcode, payload };
  }

  private handleFrame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OPCODE_PING:
        this.sendFrame(OPCODE_PONG, [payload]);
        return;
      case OPCODE_PONG:
        return;
      case OPCODE_CLOSE:
        this.close();
        return;
      case OPCODE_CONTINUATION:
      case OPCODE_TEXT:
      case OPCODE_BINARY:
        break;
      default:
        this.socket.destroy();
        this.markClosed();
        return;
    }
    if (opcode !== OPCODE_CONTINUATION) this.fragmentOpcode = opcode;
    this.fragments.push(payload);
    if (!fin) return;
    const message = this.fragments.length === 1 ? this.fragments[0] : Buffer.concat(this.fragments);
    this.fragments = [];
    if (this.fragmentOpcode === OPCODE_TEXT) this.emit('text', message.toString('utf8'));
    else this.emit('binary', message);
  }
}

/** Completes the upgrade handshake of `request`, or rejects it with 400 and returns undefined. */
export function acceptWebSocket(request: IncomingMessage, socket: Duplex): WebSocketConnection | undefined {
  const key = request.headers['sec-websocket-key'];
  if (typeof key !== 'string' || request.headers.upgrade?.toLowerCase() !== 'websocket') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return undefined;
  }
  const accept = createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  (socket as Duplex & { setNoDelay?: (value: boolean) => void }).setNoDelay?.(true);
  return new WebSocketConnection(socket);
}
