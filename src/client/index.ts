/** The xpra session engine: attach to a server and drive its windows. No `vscode` import. */
export { attach, DEFAULT_TIMEOUT_MS, LOOPBACK_MIN_SPEED, effectiveTuning } from './attach';
export { XpraSession, describeConnectionError } from './session';
export { AttachError } from './handshake';
export { CLAIMED_VERSION, buildHello } from './hello';
export { describeDisconnect, describeServerText } from './disconnect';
export { forgetEncoders, hostPortKey, type WireFormatStore } from './wire-format';
export type * from './types';
export { typeText } from './typing';
export { Framebuffer, FRAMEBUFFER_ENCODINGS, DecodeError, type ImageDecoder } from './framebuffer';
