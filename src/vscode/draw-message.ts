/**
 * Turns engine draw events into webview messages. VS Code sends the whole ArrayBuffer behind
 * a typed array, and a Node Buffer travels as a JSON array of numbers, so the pixel data must
 * be a plain Uint8Array that owns exactly its bytes. Pure: no `vscode` import.
 */
import type { DrawEvent } from '../client/types';
import type { DrawMessage } from '../webview/messages';

/** Returns `data` itself when it is a plain Uint8Array over its whole buffer, else a copy. */
export function exactBytes(data: Uint8Array): Uint8Array {
  const plain = Object.getPrototypeOf(data) === Uint8Array.prototype;
  if (plain && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) {
    return data;
  }
  const copy = new Uint8Array(data.byteLength);
  copy.set(data);
  return copy;
}

export function toDrawMessage(draw: DrawEvent): DrawMessage {
  const message: DrawMessage = {
    type: 'draw',
    wid: draw.wid,
    x: draw.x,
    y: draw.y,
    width: draw.width,
    height: draw.height,
    coding: draw.coding,
    seq: draw.seq,
    rowstride: draw.rowstride,
    compression: draw.compression,
    flush: draw.flush,
    data: exactBytes(draw.data),
  };
  if (draw.rgbFormat !== undefined) message.rgbFormat = draw.rgbFormat;
  if (draw.scrolls !== undefined) message.scrolls = draw.scrolls;
  if (draw.frame !== undefined) message.frame = draw.frame;
  if (draw.frameType !== undefined) message.frameType = draw.frameType;
  if (draw.scaledSize !== undefined) message.scaledSize = draw.scaledSize;
  if (draw.csc !== undefined) message.csc = draw.csc;
  return message;
}
