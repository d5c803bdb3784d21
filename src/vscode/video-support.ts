/**
 * The decoding support of this VS Code window's panels beyond images: the result of the h264
 * probe that each panel page runs at start. VS Code's Electron may lack h264, so the hello
 * advertises it only after a page of this window decoded a real h264 frame. One result
 * serves every later attach in the window, because all its webviews run in the same
 * Electron. Pure: no `vscode` import.
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

/** Returns the encodings to advertise for a probe result, where undefined means no result came. */
export function webviewEncodings(probe: { h264: boolean } | undefined): string[] {
  return probe?.h264 === true ? [...WEBVIEW_IMAGE_ENCODINGS, 'h264'] : [...WEBVIEW_IMAGE_ENCODINGS];
}

/** Collects probe results and lets an attach wait, for a bounded time, for the first one. */
export class VideoSupport {
  private result: VideoProbeMessage | undefined;
  private readonly waiters = new Set<(result: VideoProbeMessage) => void>();

  /** The first probe result that arrived, if any. */
  get known(): VideoProbeMessage | undefined {
    return this.result;
  }

  /**
   * Stores a panel's probe result. The first one is kept: a later page runs in the same
   * Electron and finds the same decoders.
   */
  record(message: VideoProbeMessage): void {
    if (this.result !== undefined) return;
    this.result = { type: 'video-probe', h264: message.h264 === true, detail: String(message.detail) };
    for (const resolve of this.waiters) resolve(this.result);
    this.waiters.clear();
  }

  /** Resolves with the known result, or the first one within `timeoutMs`, else undefined. */
  wait(timeoutMs: number): Promise<VideoProbeMessage | undefined> {
    if (this.result !== undefined) return Promise.resolve(this.result);
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
