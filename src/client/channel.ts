/**
 * One xpra connection: a socket that carries framed packets both ways. Incoming events
 * wait in a queue while no consumer is set, so events that arrive while the handshake
 * hands the connection over to the session are delivered later, in order.
 */
import type { Duplex } from 'node:stream';
import { PacketReader, PacketReaderError, encodePacket } from '../protocol';
import type { Encoder, Packet } from '../protocol/types';
import type { Logger } from './types';

export type ChannelEvent =
  | { kind: 'packet'; packet: Packet; encoder: Encoder }
  /** Header-less text that a server writes before it has accepted a hello. */
  | { kind: 'text'; text: string }
  /** The socket closed; `error` is set when it closed because of a failure. */
  | { kind: 'closed'; error?: Error };

export class PacketChannel {
  private readonly reader: PacketReader;
  private readonly queue: ChannelEvent[] = [];
  private consumer: ((event: ChannelEvent) => void) | undefined;
  private closed = false;

  constructor(
    private readonly socket: Duplex,
    /** The packet encoder for everything we send. */
    public encoder: Encoder,
    private readonly logger: Logger,
  ) {
    this.reader = new PacketReader({ logger });
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error: Error) => this.close(error));
    socket.on('close', () => this.close());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sets the function that receives events; queued events are delivered first, in order. */
  setConsumer(consumer: ((event: ChannelEvent) => void) | undefined): void {
    this.consumer = consumer;
    while (this.consumer === consumer && consumer && this.queue.length > 0) {
      consumer(this.queue.shift() as ChannelEvent);
    }
  }

  send(packet: Packet): void {
    if (this.closed) {
      this.logger.debug('network', `not sending '${packet[0]}': the connection is closed`);
      return;
    }
    const bytes = encodePacket(packet, { encoder: this.encoder });
    this.socket.write(bytes);
  }

  /** Ends the socket after pending writes; `close` events follow. */
  end(): void {
    if (!this.closed) {
      this.socket.end();
    }
  }

  /** Closes the socket at once; `error` becomes the reason in the `closed` event. */
  destroy(error?: Error): void {
    this.socket.destroy();
    this.close(error);
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    try {
      for (const event of this.reader.push(
        new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength),
      )) {
        this.deliver(event);
      }
    } catch (error) {
      // Packets decoded before the bad bytes, such as a disconnect, still count.
      if (error instanceof PacketReaderError) {
        for (const event of error.events) this.deliver(event);
      }
      const failure = error instanceof Error ? error : new Error(String(error));
      this.logger.error('network', `invalid data from the server: ${failure.message}`);
      this.socket.destroy();
      this.close(failure);
    }
  }

  private close(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.deliver(error ? { kind: 'closed', error } : { kind: 'closed' });
  }

  private deliver(event: ChannelEvent): void {
    if (this.consumer) {
      this.consumer(event);
    } else {
      this.queue.push(event);
    }
  }
}
