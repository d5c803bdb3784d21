import type { Compressor, Encoder, Packet } from './types';
import { ProtocolError } from './errors';
import { MAX_PACKET_SIZE } from './limits';
import { encodeValue } from './codec';
import { compressPayload } from './compression';
import { flagsForEncoder, HEADER_SIZE, writeHeader } from './header';

export interface EncodePacketOptions {
  encoder: Encoder;
  /** Network compression of the payload; `none` when absent. */
  compressor?: Compressor;
  /** Compression level, 1 to 15; 1 when absent. */
  level?: number;
}

/**
 * Encodes a packet as one complete frame: header and payload, with every
 * field inline (no chunks). The packet type is written as text.
 */
export function encodePacket(packet: Packet, options: EncodePacketOptions): Uint8Array {
  if (typeof packet[0] !== 'string' || packet[0] === '') {
    throw new ProtocolError('cannot encode a packet without a packet type name');
  }
  const encoded = encodeValue(packet, options.encoder);
  const compressor = options.compressor ?? 'none';
  const { payload, levelByte } = compressPayload(compressor, encoded, options.level);
  if (payload.length > MAX_PACKET_SIZE) {
    throw new ProtocolError(
      `${packet[0]} packet of ${payload.length} bytes exceeds` +
        ` the maximum packet size of ${MAX_PACKET_SIZE} bytes`,
    );
  }
  const header = writeHeader({
    flags: flagsForEncoder(options.encoder),
    levelByte,
    chunkIndex: 0,
    payloadSize: payload.length,
  });
  const frame = new Uint8Array(HEADER_SIZE + payload.length);
  frame.set(header, 0);
  frame.set(payload, HEADER_SIZE);
  return frame;
}
