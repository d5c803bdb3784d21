/**
 * The public face of the xpra session that the VS Code side and the command line use.
 * Everything below the session (codecs, sockets, packet names) stays inside the engine.
 */
import type { TlsSettings } from '../transport';
import type { DrawMessage, WindowDescription, SizeConstraints, PixelCompression } from '../webview/messages';
import type { WireFormatStore } from './wire-format';

export type { WindowDescription, SizeConstraints, PixelCompression, WireFormatStore };

/** Levelled, categorised logging; implementations must never receive secrets. */
export interface Logger {
  trace(category: string, message: string): void;
  debug(category: string, message: string): void;
  info(category: string, message: string): void;
  warn(category: string, message: string): void;
  error(category: string, message: string): void;
}

export type { TlsSettings, VerifyMode } from '../transport';

export interface AttachOptions {
  /** `ssl:host:port`, `ssl://[user@]host:port/`, IPv6 in brackets. */
  uri: string;
  tls: TlsSettings;
  /** Asked when the server sends a challenge; undefined cancels the attach. */
  getPassword?: (request: {
    prompt: string;
    username?: string;
    host: string;
    port: number;
  }) => Promise<string | undefined>;
  /**
   * Encodings this client can paint; the webview offers more than the command line. A
   * function is called for each connection attempt once its socket is open, just before the
   * hello is built, so that the caller can probe its decoders while the connection opens.
   */
  encodings: string[] | (() => Promise<string[]>);
  /** The desktop size announced in the hello. */
  desktopSize: [number, number];
  timeoutMs?: number;
  logger?: Logger;
  /** Cancels the connection attempt. */
  signal?: AbortSignal;
  /** Persists which packet encoder each host:port spoke, beyond this process. */
  wireFormats?: WireFormatStore;
  /** Fixed or minimum speed and quality for the server's encoders; see `EncodingTuning`. */
  encodingTuning?: EncodingTuning;
}

/**
 * xpra's `speed`, `min-speed`, `quality` and `min-quality` options, each 1 to 100. Speed 100
 * requests the fastest encoders and the least compression, quality 100 for lossless
 * pictures. A fixed value stops the server adapting that figure; a minimum lets it adapt
 * above the floor. Absent or 0 leaves the choice to the server, except that an attach to a
 * loopback host sets a speed floor when neither speed figure is given (see `attach`).
 */
export interface EncodingTuning {
  speed?: number;
  minSpeed?: number;
  quality?: number;
  minQuality?: number;
}

/**
 * One draw as the engine hands it on: the webview's draw message without its type tag. `data`
 * is an exact-size copy, safe to transfer to a webview.
 */
export type DrawEvent = Omit<DrawMessage, 'type'>;

export interface SessionEvents {
  /** The server hello arrived and the session is usable. */
  ready: [info: { serverVersion: string; encoder: string; insecure: boolean; tlsProtocol: string }];
  'window-new': [window: WindowDescription];
  'window-metadata': [
    update: {
      wid: number;
      title?: string;
      sizeConstraints?: SizeConstraints;
      modal?: boolean;
      transientFor?: number;
    },
  ];
  'window-move-resize': [
    geometry: { wid: number; x: number; y: number; width: number; height: number },
  ];
  'window-lost': [wid: number];
  'window-raise': [wid: number];
  draw: [draw: DrawEvent];
  /** The video stream of a window ended (the `eos` packet): its decoder can go. */
  eos: [wid: number];
  cursor: [
    cursor: { png: Uint8Array; width: number; height: number; xhot: number; yhot: number } | null,
  ];
  bell: [wid: number];
  clipboard: [text: string];
  /** Round-trip time of the last ping, in milliseconds. */
  latency: [milliseconds: number];
  /** The session ended: `reason` is a sentence a person can read. */
  disconnected: [reason: string];
}
