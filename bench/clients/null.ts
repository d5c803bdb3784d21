/**
 * The null client: our engine acknowledging every draw as soon as it arrives, without
 * decoding it. It shows how much the server sends when the client costs nothing. Each ack
 * reports a decode time of 1 µs; 0 would tell a 3.1.3 server that the draw was skipped,
 * and the server then leaves the draw out of its latency figures.
 */
import { attachEngine } from './engine';
import { FIRST_FRAME_TIMEOUT_MS, type ClientContext, type ClientDriver, type RunningClient } from './types';

const NULL_DECODE_MICROS = 1;

export const nullClient: ClientDriver = {
  name: 'null',
  async start(context: ClientContext): Promise<RunningClient> {
    const attachStartedAt = performance.now();
    const session = await attachEngine(context);
    const counters = { updates: 0, draws: 0 };
    let resolveFirst: (seconds: number) => void = () => undefined;
    const firstFrame = new Promise<number>((resolve) => (resolveFirst = resolve));
    let ended: string | undefined;

    session.on('window-new', (window) => {
      if (!window.overrideRedirect) session.mapWindow(window.wid, window.x, window.y, window.width, window.height);
    });
    session.on('draw', (draw) => {
      session.ackDraw(draw.wid, draw.seq, draw.width, draw.height, NULL_DECODE_MICROS);
      counters.draws++;
      if (draw.flush === 0) {
        if (counters.updates === 0) resolveFirst((performance.now() - attachStartedAt) / 1000);
        counters.updates++;
      }
    });
    session.on('disconnected', (reason) => (ended = reason));

    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no draw within ${FIRST_FRAME_TIMEOUT_MS / 1000} s of attaching`)), FIRST_FRAME_TIMEOUT_MS).unref(),
    );
    let firstFrameSeconds: number;
    try {
      firstFrameSeconds = await Promise.race([firstFrame, timeout]);
    } catch (error) {
      session.disconnect();
      throw error;
    }
    return {
      firstFrameSeconds,
      processRoots: [],
      usesNodeProcess: true,
      async counters() {
        if (ended !== undefined) throw new Error(`the session ended during the measurement: ${ended}`);
        return { ...counters };
      },
      async stop() {
        session.disconnect();
      },
    };
  },
};
