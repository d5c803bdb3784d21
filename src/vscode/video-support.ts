/**
 * The decoding support of the panels beyond images: the result of the h264 probe that each
 * panel page runs at start. VS Code's Electron may lack h264, so the hello offers it only
 * after a page decoded a real h264 frame, and under the default `auto` mode only with a
 * hardware decoder. One result serves every later attach, because all webviews of a VS Code
 * build run in the same Electron. Pure: no `vscode` import.
 */
import type { WebviewMessage } from '../webview/messages';

export type VideoProbeMessage = Extract<WebviewMessage, { type: 'video-probe' }>;

/** Encodings every panel page paints, whatever the probe found. */
export const WEBVIEW_IMAGE_ENCODINGS = ['png', 'png/P', 'png/L', 'jpeg', 'webp', 'rgb24', 'rgb32', 'scroll'];

/**
 * How long an attach delays its hello for the first probe result. A page that loads and
 * probes within it gets h264, and the bound keeps a page that never posts a result from
 * delaying the session.
 */
export const PROBE_WAIT_MS = 3000;

/**
 * When the hello offers h264 (the `xpra.video.h264` setting): `auto` only with a hardware
 * decoder, `on` with any decoder that decoded the probe frame, `off` never. On a 2-core
 * machine without a GPU, software h264 kept 0.7 of the animation frame rate that jpeg kept
 * 0.92 of (`npm run bench`), so `auto` leaves software decoding out.
 */
export type H264Mode = 'auto' | 'on' | 'off';

export const H264_MODES: readonly H264Mode[] = ['auto', 'on', 'off'];

/** Returns true when the hello should offer h264 for a probe result under `mode`. */
export function offersH264(probe: { h264: boolean; hardware?: boolean } | undefined, mode: H264Mode): boolean {
  if (mode === 'off' || probe?.h264 !== true) return false;
  return mode === 'on' || probe.hardware === true;
}

/** Returns the encodings to advertise for a probe result, where undefined means no result came. */
export function webviewEncodings(probe: { h264: boolean; hardware?: boolean } | undefined, mode: H264Mode = 'auto'): string[] {
  return offersH264(probe, mode) ? [...WEBVIEW_IMAGE_ENCODINGS, 'h264'] : [...WEBVIEW_IMAGE_ENCODINGS];
}

/** Keeps a probe result across windows and reloads. */
export interface ProbeStore {
  load(): VideoProbeMessage | undefined;
  save(result: VideoProbeMessage): void;
}

/** Collects probe results and lets an attach wait, for a bounded time, for the first one. */
export class VideoSupport {
  private result: VideoProbeMessage | undefined;
  private readonly remembered: VideoProbeMessage | undefined;
  private readonly waiters = new Set<(result: VideoProbeMessage) => void>();

  /** `store` gives the result of an earlier window, used until a page of this one reports. */
  constructor(private readonly store?: ProbeStore) {
    this.remembered = store?.load();
  }

  /** The first probe result of this window, else the remembered one, if any. */
  get known(): VideoProbeMessage | undefined {
    return this.result ?? this.remembered;
  }

  /**
   * Stores a panel's probe result. The first one is kept: a later page runs in the same
   * Electron and finds the same decoders.
   */
  record(message: VideoProbeMessage): void {
    if (this.result !== undefined) return;
    this.result = { type: 'video-probe', h264: message.h264 === true, hardware: message.hardware === true, detail: String(message.detail) };
    this.store?.save(this.result);
    for (const resolve of this.waiters) resolve(this.result);
    this.waiters.clear();
  }

  /** Resolves with the known result, or the first one within `timeoutMs`, else undefined. */
  wait(timeoutMs: number): Promise<VideoProbeMessage | undefined> {
    const known = this.known;
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve) => {
      const done = (result: VideoProbeMessage | undefined): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(result);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      this.waiters.add(done);
    });
  }
}
