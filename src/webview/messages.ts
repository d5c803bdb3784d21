/**
 * The one message contract between the panel host (extension side) and the webview.
 * Both sides import this file. Pixel and cursor data cross as exact-size `Uint8Array`s
 * whose buffers are transferred, never as JSON arrays of numbers.
 *
 * Coordinates: window geometry is in the server's root coordinates; pointer positions
 * sent by the webview are relative to the top-left corner of the window named by `wid`.
 *
 * Modifiers from the webview are the browser's names in lower case: shift, lock, control,
 * alt, meta, altgr, numlock. The client maps them to X11 modifiers (mod1..mod5) from the
 * server hello's `modifier_keycodes`.
 */

export interface SizeConstraints {
  minWidth?: number;
  minHeight?: number;
  maxWidth?: number;
  maxHeight?: number;
  baseWidth?: number;
  baseHeight?: number;
  widthIncrement?: number;
  heightIncrement?: number;
}

export interface WindowDescription {
  wid: number;
  x: number;
  y: number;
  width: number;
  height: number;
  title: string;
  /** Menus, tooltips and other popups: drawn at their absolute position, never mapped. */
  overrideRedirect: boolean;
  /** The wid of the window this one belongs to, for dialogs and other transients. */
  transientFor?: number;
  modal: boolean;
  hasAlpha: boolean;
  sizeConstraints: SizeConstraints;
}

/** Pixel compression of rgb24/rgb32 data, from the draw options. */
export type PixelCompression = 'none' | 'lz4' | 'zlib';

export interface DrawMessage {
  type: 'draw';
  wid: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** png, png/P, png/L, jpeg, webp, rgb24, rgb32, scroll, void, h264. */
  coding: string;
  /** The server's packet sequence number, echoed in the `painted` reply. */
  seq: number;
  rowstride: number;
  /** RGBX, RGBA, RGB, BGRX... for rgb codings. */
  rgbFormat?: string;
  compression: PixelCompression;
  /** Further packets in the same screen update; 0 means present after this one. */
  flush: number;
  /** For `scroll`: [x, y, width, height, dx, dy] per copy, all reading the picture as it was before. */
  scrolls?: number[][];
  /** For video: the encoder's frame counter, 0 for the first frame of a stream. */
  frame?: number;
  /** For video: the picture type, `IDR` for a key frame, else `I`, `P` or `B`. */
  frameType?: string;
  /** For video: [width, height] of the encoded picture, stretched to the draw's area. */
  scaledSize?: [number, number];
  /** For video: the colour space of the encoded picture, such as YUV420P. */
  csc?: string;
  data: Uint8Array;
}

export type HostMessage =
  | { type: 'session'; state: 'connecting' | 'connected' | 'disconnected'; insecure: boolean; detail?: string }
  | { type: 'window-new'; window: WindowDescription }
  | { type: 'window-metadata'; wid: number; title?: string; sizeConstraints?: SizeConstraints; modal?: boolean }
  | { type: 'window-move-resize'; wid: number; x: number; y: number; width: number; height: number }
  | { type: 'window-lost'; wid: number }
  | { type: 'window-raise'; wid: number }
  | DrawMessage
  /**
   * Draws that reached the host together, in packet order. The webview handles each as a
   * `draw` message. Under load one message carries several draws, so the host and webview
   * pay for one message crossing instead of one per draw.
   */
  | { type: 'draw-batch'; draws: DrawMessage[] }
  | { type: 'cursor'; png: Uint8Array; width: number; height: number; xhot: number; yhot: number }
  | { type: 'cursor-default' }
  | { type: 'bell'; wid: number }
  /** The window's video stream ended: its video decoder is dropped. */
  | { type: 'eos'; wid: number }
  | { type: 'refresh' };

/** Sent once a draw is painted; decodeMicros is -1 when decoding failed. */
export interface PaintedMessage {
  type: 'painted';
  wid: number;
  seq: number;
  width: number;
  height: number;
  decodeMicros: number;
  error?: string;
}

/** Returns the acknowledgements that a `painted` or `painted-batch` message carries. */
export function paintedAcks(message: WebviewMessage): PaintedMessage[] {
  if (message.type === 'painted') return [message];
  if (message.type === 'painted-batch' && Array.isArray(message.acks)) {
    return message.acks.filter((ack) => typeof ack === 'object' && ack !== null && ack.type === 'painted');
  }
  return [];
}

export type WebviewMessage =
  | { type: 'ready' }
  | PaintedMessage
  /** Acknowledgements of draws painted in one pass, in the order they were painted. */
  | { type: 'painted-batch'; acks: PaintedMessage[] }
  | { type: 'pointer-move'; wid: number; x: number; y: number; modifiers: string[]; buttons: number[] }
  /** X11 button numbers: 1 left, 2 middle, 3 right, 4-7 wheel up, down, left, right. */
  | { type: 'button'; wid: number; button: number; pressed: boolean; x: number; y: number; modifiers: string[]; buttons: number[] }
  | {
      type: 'key';
      wid: number;
      keyname: string;
      pressed: boolean;
      keyval: number;
      keycode: number;
      text: string;
      modifiers: string[];
      group: number;
    }
  /** The space the tab offers the top-level window, in CSS pixels. */
  | { type: 'viewport'; width: number; height: number }
  | { type: 'focus'; wid: number; focused: boolean }
  | { type: 'close'; wid: number }
  | { type: 'visibility'; visible: boolean }
  /**
   * Sent once after `ready`: whether this page decoded a real h264 key frame through
   * WebCodecs. `detail` describes the outcome, for the log.
   */
  | { type: 'video-probe'; h264: boolean; hardware?: boolean; detail: string };
