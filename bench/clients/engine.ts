/** Attaching our engine (src/client) to a benchmark server over TLS, with the server's certificate as the CA. */
import { attach, type AttachOptions, type EncodingTuning, type XpraSession } from '../../src/client';
import type { ClientContext } from './types';

/** The encodings the webview paints, the same list the VS Code panel host announces. */
export const WEBVIEW_ENCODINGS = ['png', 'png/P', 'png/L', 'jpeg', 'webp', 'rgb24', 'rgb32', 'scroll'];

/** The desktop size announced in the hello, large enough for every workload window. */
export const DESKTOP_SIZE: [number, number] = [1920, 1080];

/**
 * The speed options of every engine attach in this benchmark. Unset, the engine applies its
 * loopback default (LOOPBACK_MIN_SPEED in src/client/attach.ts), as the extension does;
 * `--min-speed N` sets another floor, and 0 none.
 */
let tuning: EncodingTuning | undefined;

export function setMinSpeed(minSpeed: number): void {
  tuning = { minSpeed };
}

/** Attaches; `encodings` replaces WEBVIEW_ENCODINGS, as `ours` does with its probe result. */
export async function attachEngine(
  context: ClientContext,
  encodings: AttachOptions['encodings'] = WEBVIEW_ENCODINGS,
): Promise<XpraSession> {
  return attach({
    uri: `ssl://127.0.0.1:${context.server.port}/`,
    tls: { caCertFile: context.certificate.certFile, verifyMode: 'required', serverHostname: '127.0.0.1' },
    encodings,
    desktopSize: DESKTOP_SIZE,
    timeoutMs: 20_000,
    encodingTuning: tuning,
  });
}
