/**
 * An error in the bytes a peer sent or in a value we were asked to encode:
 * a malformed frame, an unsupported encoder or compressor, a limit exceeded,
 * or a packet field of the wrong type. The message names the value and the rule.
 */
export class ProtocolError extends Error {
  override readonly name: string = 'ProtocolError';
}
