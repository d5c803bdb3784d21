/**
 * A real xpra 3.1.3 server running the benchmark's 1280x720 animation, and an engine
 * session that collects the draws of its window. Each draw is acknowledged at once with a
 * decode time of 1 ms, as a fast client would, and nothing is decoded.
 */
import * as path from 'node:path';
import { attach, type DrawEvent, type Logger, type WindowDescription, type XpraSession } from '../../src/client';
import type { TestCertificates, XpraServer } from './xpra';
import { startXpra } from './xpra';

const root = path.resolve(__dirname, '..', '..');

/** The workload's window title, set by bench/workloads/animation.py. */
export const ANIMATION_TITLE = 'bench animation';
/** The decode time, in microseconds, sent with every acknowledgement. */
const ACK_DECODE_MICROS = 1000;

/** Starts a server whose only window is the animation workload. */
export function startAnimationServer(certificates: TestCertificates): Promise<XpraServer> {
  return startXpra({
    socket: 'ssl',
    certFile: certificates.serverCert,
    keyFile: certificates.serverKey,
    start: [`/usr/bin/python3 ${path.join(root, 'bench', 'workloads', 'animation.py')}`],
  });
}

export interface CollectedDraws {
  session: XpraSession;
  window: WindowDescription;
  /** Every draw of the animation window, in packet order, up to the point `done` returned true. */
  draws: DrawEvent[];
  /** wids of the `eos` packets received. */
  endOfStreams: number[];
}

/**
 * Attaches with `encodings`, maps the animation window, and collects its draws until
 * `done(draws)` returns true or `timeoutMs` passes. The session stays attached.
 */
export async function collectAnimationDraws(options: {
  server: XpraServer;
  caFile: string;
  encodings: string[];
  done: (draws: readonly DrawEvent[]) => boolean;
  timeoutMs: number;
  logger?: Logger;
}): Promise<CollectedDraws> {
  const session = await attach({
    uri: options.server.uri,
    tls: { verifyMode: 'required', caCertFile: options.caFile },
    encodings: options.encodings,
    desktopSize: [1920, 1080],
    timeoutMs: 20_000,
    logger: options.logger,
  });
  const draws: DrawEvent[] = [];
  const endOfStreams: number[] = [];
  let animation: WindowDescription | undefined;
  let finished = false;
  session.on('window-new', (window) => {
    if (window.title === ANIMATION_TITLE) animation = window;
    if (!window.overrideRedirect) session.mapWindow(window.wid, window.x, window.y, window.width, window.height);
  });
  session.on('eos', (wid) => endOfStreams.push(wid));
  session.on('draw', (draw) => {
    session.ackDraw(draw.wid, draw.seq, draw.width, draw.height, ACK_DECODE_MICROS);
    if (finished || draw.wid !== animation?.wid) return;
    draws.push(draw);
    finished = options.done(draws);
  });
  const started = Date.now();
  while (!finished && Date.now() - started < options.timeoutMs && session.isConnected) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  finished = true;
  if (animation === undefined) {
    session.disconnect();
    throw new Error(`the server announced no window titled '${ANIMATION_TITLE}'`);
  }
  return { session, window: animation, draws, endOfStreams };
}
