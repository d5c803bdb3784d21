/**
 * `--replay FILE`: feeds a recording into the real webview code in headless Chromium as
 * fast as the pages paint, with no server and no engine, and reports frames per second and
 * time per frame. A change in these figures between two builds is a change in decode and
 * paint alone.
 */
import type { BenchPage } from '../lib/cdp';
import { paintedAcks, type HostMessage, type PaintedMessage, type WebviewMessage } from '../../src/webview/messages';
import { launchChromium, VIEWPORT } from '../lib/browser';
import { startPanelPageServer, sendHostMessage } from '../lib/panel-page';
import { ProcessTreeSampler } from '../lib/process-stats';
import type { WebSocketConnection } from '../lib/websocket-server';
import { readRecording, type RecordedMessage } from './recording';

/**
 * Draws posted and not yet painted, at most. Enough to keep decode and paint busy; the
 * server itself holds back when acks lag, so an unbounded queue would measure nothing real.
 */
const MAX_DRAWS_IN_FLIGHT = 16;
const READY_TIMEOUT_MS = 30_000;
/** The replay fails when no draw is painted for this long. */
const STALL_TIMEOUT_MS = 15_000;

interface ReplayPage {
  wid: number;
  page?: BenchPage;
  connection?: WebSocketConnection;
  ready: boolean;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

export interface ReplayResult {
  draws: number;
  frames: number;
  failed: number;
  seconds: number;
  framesPerSecond: number;
  msPerFrame: number;
  decodeMicrosMedian: number;
  decodeMicros90: number;
  rendererCpuMsPerFrame: number;
  /** Main-thread task time of all pages per frame, from CDP Performance.getMetrics. */
  mainThreadMsPerFrame: number;
  /** JavaScript time of all pages per frame; the rest of the main thread is style, layout and paint. */
  scriptMsPerFrame: number;
}

/** Sums a CDP `Performance.getMetrics` duration (seconds) over pages, in milliseconds. */
async function readDurations(sessions: BenchPage[]): Promise<{ taskMs: number; scriptMs: number }> {
  let taskMs = 0;
  let scriptMs = 0;
  for (const session of sessions) {
    const { metrics } = (await session.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    for (const metric of metrics) {
      if (metric.name === 'TaskDuration') taskMs += metric.value * 1000;
      if (metric.name === 'ScriptDuration') scriptMs += metric.value * 1000;
    }
  }
  return { taskMs, scriptMs };
}

class Replayer {
  private readonly pages = new Map<number, ReplayPage>();
  private readonly inFlight = new Map<string, number>();
  private next = 0;
  private lastProgressAt = performance.now();
  readonly decodeMicros: number[] = [];
  frames = 0;
  draws = 0;
  failed = 0;
  firstError: string | undefined;
  private finish: () => void = () => undefined;
  private fail: (error: Error) => void = () => undefined;

  constructor(private readonly messages: RecordedMessage[]) {
    for (const { page } of messages) if (!this.pages.has(page)) this.pages.set(page, { wid: page, ready: false });
  }

  get pageList(): ReplayPage[] {
    return [...this.pages.values()];
  }

  accept(connection: WebSocketConnection, query: URLSearchParams): void {
    const page = this.pages.get(Number(query.get('wid')));
    if (!page) {
      connection.close();
      return;
    }
    page.connection = connection;
    connection.on('text', (text) => this.onPageMessage(page, JSON.parse(text) as WebviewMessage));
  }

  allReady(): boolean {
    return this.pageList.every((page) => page.ready);
  }

  /** Posts every message in order, holding draws back while MAX_DRAWS_IN_FLIGHT are unpainted. */
  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
      const watchdog = setInterval(() => {
        if (performance.now() - this.lastProgressAt > STALL_TIMEOUT_MS) {
          clearInterval(watchdog);
          reject(new Error(`no draw painted for ${STALL_TIMEOUT_MS / 1000} s; ${this.inFlight.size} in flight` + (this.firstError ? `; first error: ${this.firstError}` : '')));
        }
      }, 1000);
      const done = this.finish;
      this.finish = () => {
        clearInterval(watchdog);
        done();
      };
      this.pump();
    });
  }

  private pump(): void {
    while (this.next < this.messages.length && this.inFlight.size < MAX_DRAWS_IN_FLIGHT) {
      const { page, message } = this.messages[this.next++];
      const target = this.pages.get(page);
      if (!target?.connection?.isOpen) {
        this.fail(new Error(`the page of window ${page} closed during the replay`));
        return;
      }
      if (message.type === 'draw') this.inFlight.set(`${message.wid}:${message.seq}`, message.flush);
      sendHostMessage(target.connection, message as HostMessage);
    }
    if (this.next >= this.messages.length && this.inFlight.size === 0) this.finish();
  }

  private onPageMessage(page: ReplayPage, message: WebviewMessage): void {
    if (message.type === 'ready') {
      page.ready = true;
      return;
    }
    const acks = paintedAcks(message);
    if (acks.length === 0) return;
    for (const ack of acks) this.painted(ack);
    this.pump();
  }

  private painted(message: PaintedMessage): void {
    const key = `${message.wid}:${message.seq}`;
    const flush = this.inFlight.get(key);
    if (flush === undefined) return;
    this.inFlight.delete(key);
    this.lastProgressAt = performance.now();
    if (message.decodeMicros < 0) {
      this.failed++;
      this.firstError ??= `window ${message.wid} draw ${message.seq}: ${message.error ?? 'no reason given'}`;
    } else {
      this.draws++;
      this.decodeMicros.push(message.decodeMicros);
      if (flush === 0) this.frames++;
    }
  }
}

async function openPages(replayer: Replayer, port: number, page: (url: string) => Promise<BenchPage>): Promise<void> {
  for (const target of replayer.pageList) target.page = await page(`http://127.0.0.1:${port}/?wid=${target.wid}`);
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (!replayer.allReady()) {
    if (performance.now() > deadline) throw new Error(`the replay pages did not post 'ready' within ${READY_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function replayRecording(file: string): Promise<ReplayResult> {
  const messages = readRecording(file);
  if (!messages.some((entry) => entry.message.type === 'draw')) throw new Error(`${file} contains no draw messages`);
  const replayer = new Replayer(messages);
  const { browser, pid } = await launchChromium();
  const server = await startPanelPageServer((connection, query) => replayer.accept(connection, query));
  try {
    await openPages(replayer, server.port, async (url) => {
      const page = await browser.newPage({ viewport: VIEWPORT });
      page.onError((message) => (replayer.firstError ??= `page error: ${message}`));
      await page.goto(url);
      return page;
    });
    const sessions: BenchPage[] = [];
    for (const target of replayer.pageList) {
      const page = target.page as BenchPage;
      await page.send('Performance.enable');
      sessions.push(page);
    }
    const durationsBefore = await readDurations(sessions);
    const sampler = new ProcessTreeSampler([pid]);
    const startedAt = performance.now();
    await replayer.run();
    const seconds = (performance.now() - startedAt) / 1000;
    const rendererCpuMs = sampler.sample().cpuMs;
    const durationsAfter = await readDurations(sessions);
    const frames = Math.max(1, replayer.frames);
    const decode = [...replayer.decodeMicros].sort((a, b) => a - b);
    return {
      draws: replayer.draws,
      frames: replayer.frames,
      failed: replayer.failed,
      seconds,
      framesPerSecond: replayer.frames / seconds,
      msPerFrame: (seconds * 1000) / Math.max(1, replayer.frames),
      decodeMicrosMedian: percentile(decode, 0.5),
      decodeMicros90: percentile(decode, 0.9),
      rendererCpuMsPerFrame: rendererCpuMs / frames,
      mainThreadMsPerFrame: (durationsAfter.taskMs - durationsBefore.taskMs) / frames,
      scriptMsPerFrame: (durationsAfter.scriptMs - durationsBefore.scriptMs) / frames,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

export async function replaySession(file: string, print: (text: string) => void): Promise<void> {
  const result = await replayRecording(file);
  print(
    `replayed ${file}: ${result.frames} frames (${result.draws} draws, ${result.failed} failed) in ${result.seconds.toFixed(2)} s: ` +
      `${result.framesPerSecond.toFixed(1)} frames/s, ${result.msPerFrame.toFixed(2)} ms per frame, ` +
      `decode median ${(result.decodeMicrosMedian / 1000).toFixed(2)} ms, 90th percentile ${(result.decodeMicros90 / 1000).toFixed(2)} ms, ` +
      `per frame: Chromium CPU ${result.rendererCpuMsPerFrame.toFixed(2)} ms, page main thread ` +
      `${result.mainThreadMsPerFrame.toFixed(2)} ms of which JavaScript ${result.scriptMsPerFrame.toFixed(2)} ms`,
  );
}
