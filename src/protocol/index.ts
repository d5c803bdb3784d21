/** The xpra protocol layer: bytes <-> packets. Pure code, no I/O. */
export type { Compressor, Dict, Encoder, Packet, Value } from './types';
export { ProtocolError } from './errors';
export * from './limits';
export { bencodeDecode, bencodeEncode } from './bencode';
export { rencodeDecode, rencodeEncode, type RencodeMode } from './rencode';
export { decodeValue, encodeValue } from './codec';
export {
  COMPRESSOR_BITS,
  compressLz4,
  compressPayload,
  compressorFromLevelByte,
  decompressLz4,
  decompressPayload,
  type CompressedPayload,
} from './compression';
export { compressLz4Block, decompressLz4Block } from './lz4';
export {
  encoderFromFlags,
  flagsForEncoder,
  parseHeader,
  writeHeader,
  FLAG_CIPHER,
  FLAG_FLUSH,
  FLAG_RENCODE,
  FLAG_RENCODEPLUS,
  FLAG_YAML,
  HEADER_MAGIC,
  HEADER_SIZE,
  type FrameHeader,
} from './header';
export {
  PacketReader,
  PacketReaderError,
  type PacketReaderOptions,
  type ReaderEvent,
  type ReaderLogger,
} from './reader';
export { encodePacket, type EncodePacketOptions } from './writer';
export { newPacketName, normalizeIncomingName, outgoingName } from './names';
export { asBool, asBytes, asDict, asInt, asList, asNumber, asText } from './values';
