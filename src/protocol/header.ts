/**
 * The 8-byte xpra frame header: 'P', protocol flags, compression byte,
 * chunk index, then the payload size as a big-endian uint32 that does not
 * count the header.
 */
import type { Encoder } from './types';
import { ProtocolError } from './errors';
import { MAX_PACKET_SIZE } from './limits';
import { hexByte } from './bytes';

export const HEADER_SIZE = 8;
export const HEADER_MAGIC = 0x50; // 'P'

export const FLAG_RENCODE = 0x01;
/** Flag of xpra's own AES layer, which this client rejects because TLS protects the stream. */
export const FLAG_CIPHER = 0x02;
export const FLAG_YAML = 0x04;
/**
 * Set on the last packet of a burst. 6.x servers always set it, 4.1 to 5.x
 * only when the client's hello contains `"flush": True`. Receivers ignore it.
 */
export const FLAG_FLUSH = 0x08;
export const FLAG_RENCODEPLUS = 0x10;

export interface FrameHeader {
  /** Protocol flags with the flush bit masked off. */
  flags: number;
  /** Compression byte: 0, or algorithm bits ORed with the level. */
  levelByte: number;
  /** 0 for a main packet, else the packet list index this chunk fills. */
  chunkIndex: number;
  payloadSize: number;
}

/**
 * Parses a header from the first 8 bytes of `bytes`. It rejects a wrong magic
 * byte, the cipher flag, and a payload size above `maxPacketSize`, so no
 * payload is ever allocated for an oversized frame.
 */
export function parseHeader(
  bytes: Uint8Array,
  maxPacketSize: number = MAX_PACKET_SIZE,
): FrameHeader {
  if (bytes.length < HEADER_SIZE) {
    throw new ProtocolError(
      `invalid packet header: ${bytes.length} bytes, expected ${HEADER_SIZE}`,
    );
  }
  if (bytes[0] !== HEADER_MAGIC) {
    throw invalidMagic(bytes[0]);
  }
  const flags = bytes[1] & ~FLAG_FLUSH;
  if (flags & FLAG_CIPHER) {
    throw new ProtocolError(
      'encrypted packet received (cipher flag 0x02): xpra AES encryption is not supported, use TLS',
    );
  }
  const payloadSize = new DataView(bytes.buffer, bytes.byteOffset + 4, 4).getUint32(0, false);
  if (payloadSize > maxPacketSize) {
    throw new ProtocolError(
      `packet header announces ${payloadSize} bytes,` +
        ` above the maximum packet size of ${maxPacketSize} bytes`,
    );
  }
  return { flags, levelByte: bytes[2], chunkIndex: bytes[3], payloadSize };
}

/** Builds the error for a frame that does not start with 'P'. */
export function invalidMagic(byte: number): ProtocolError {
  return new ProtocolError(
    `invalid packet header: first byte is ${hexByte(byte)}, expected 0x50 ('P')`,
  );
}

/**
 * Returns the packet encoder that protocol flags select, checked in the order
 * of xpra 4.3 to 6.5: rencodeplus, then rencode, then yaml, else bencode.
 */
export function encoderFromFlags(flags: number): Encoder {
  if (flags & FLAG_RENCODEPLUS) {
    return 'rencodeplus';
  }
  if (flags & FLAG_RENCODE) {
    return 'rencode';
  }
  if (flags & FLAG_YAML) {
    throw new ProtocolError('yaml is not supported: the packet has protocol flag 0x04');
  }
  return 'bencode';
}

/** Returns the protocol flag of a packet encoder. */
export function flagsForEncoder(encoder: Encoder): number {
  switch (encoder) {
    case 'rencodeplus':
      return FLAG_RENCODEPLUS;
    case 'rencode':
      return FLAG_RENCODE;
    case 'bencode':
      return 0;
  }
}

/** Encodes a header as 8 bytes. */
export function writeHeader(header: FrameHeader): Uint8Array {
  const bytes = new Uint8Array(HEADER_SIZE);
  const view = new DataView(bytes.buffer);
  bytes[0] = HEADER_MAGIC;
  bytes[1] = header.flags;
  bytes[2] = header.levelByte;
  bytes[3] = header.chunkIndex;
  view.setUint32(4, header.payloadSize, false);
  return bytes;
}
