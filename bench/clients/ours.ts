/**
 * Our client: the engine (src/client) in this Node process, the real webview code in
 * headless Chromium, one page per top-level window as VS Code gives each window a tab.
 * A small panel host here does per frame what the extension's panel host does: turn
 * the draw event into a DrawMessage, post it to the page, and acknowledge the draw with
 * the decode time when the page reports it painted. Draws for a page that is not ready
 * yet are acknowledged as skipped, and a ready page gets a full refresh. As the extension
 * opens a tab while the attach is in flight, the host opens one page before attaching and
 * gives it to the first top-level window.
 *
 * NOTE: windows keep the size the workload gave them; the extension would resize a
 * top-level window to fit its tab, which would change the workload.
 */
import type { BenchBrowser, BenchPage } from '../lib/cdp';
import type { XpraSession } from '../../src/client';
import { toDrawMessage } from '../../src/vscode/draw-message';
import { DrawBatcher } from '../../src/vscode/draw-batch';
import { PROBE_WAIT_MS, VideoSupport, webviewEncodings, type H264Mode } from '../../src/vscode/video-support';
import { paintedAcks, type HostMessage, type PaintedMessage, type WebviewMessage, type WindowDescription } from '../../src/webview/messages';
import { launchChromium, VIEWPORT } from '../lib/browser';
import { startPanelPageServer, sendHostMessage, type PanelPageServer } from '../lib/panel-page';
import type { WebSocketConnection } from '../lib/websocket-server';
import { attachEngine } from './engine';
import { FIRST_FRAME_TIMEOUT_MS, type ClientContext, type ClientDriver, type RunningClient } from './types';

/**
 * The pages' h264 probe results, kept across the runs of one benchmark as the desktop
 * extension keeps them across windows in its global state. Only the first attach of a
 * benchmark waits for a probe.
 */
const sharedVideoSupport = new VideoSupport();

/** The `xpra.video.h264` setting of the runs: `auto`, the extension's default, unless `--h264` sets another. */
let h264Mode: H264Mode = 'auto';

export function setH264Mode(mode: H264Mode): void {
  h264Mode = mode;
}

/** The `wid` of a page that no window has taken yet. */
const EARLY_PAGE_WID = -1;

interface PanelPage {
  wid: number;
  /** The `wid` in the page's address, which names the page when its WebSocket connects. */
  readonly pageId: number;
  page?: BenchPage;
  connection?: WebSocketConnection;
  ready: boolean;
  /** Flush value of each draw posted and not yet painted, by `wid:seq`. */
  pending: Map<string, number>;
  /** Batches the draws of one event-loop turn, as the extension's WindowPanel does. */
  draws?: DrawBatcher;
}

/** Forwards between one engine session and its pages; counts painted screen updates. */
export class BenchPanelHost {
  private readonly panels = new Map<number, PanelPage>();
  /** The top-level window whose page shows each window. */
  private readonly owners = new Map<number, number>();
  private readonly windows = new Map<number, WindowDescription>();
  readonly counters = { updates: 0, draws: 0, failed: 0 };
  firstUpdateAt = 0;
  lastError: string | undefined;
  /** Called with every message posted to a page and the top-level wid of that page, for recording. */
  onPost?: (topLevelWid: number, message: HostMessage) => void;
  private earlyPanel?: PanelPage;
  private session!: XpraSession;
  /** The pages' h264 probe results, as the extension keeps them. */
  readonly videoSupport = sharedVideoSupport;

  /**
   * Returns the encodings for the hello the way the extension chooses them: h264 only when
   * a page decoded the probe frame, and under `auto` only with a hardware decoder. Without
   * a remembered result, the hello waits up to PROBE_WAIT_MS for the early page's probe.
   */
  async helloEncodings(): Promise<string[]> {
    if (h264Mode === 'off') return webviewEncodings(undefined, h264Mode);
    const probe = this.videoSupport.known ?? (await this.videoSupport.wait(PROBE_WAIT_MS));
    return webviewEncodings(probe, h264Mode);
  }

  constructor(
    private readonly browser: BenchBrowser,
    private readonly pageServerPort: () => number,
  ) {}

  /** Opens the page for the first top-level window before the attach starts. */
  openEarlyPage(): void {
    const panel: PanelPage = { wid: EARLY_PAGE_WID, pageId: EARLY_PAGE_WID, ready: false, pending: new Map() };
    this.earlyPanel = panel;
    this.panels.set(EARLY_PAGE_WID, panel);
    void this.openPage(panel);
  }

  /** Forwards the attached session's windows and draws to the pages. */
  listen(session: XpraSession): void {
    this.session = session;
    session.on('window-new', (window) => this.windowNew(window));
    session.on('window-metadata', (update) => this.post(update.wid, { type: 'window-metadata', ...update }));
    session.on('window-move-resize', (geometry) => this.post(geometry.wid, { type: 'window-move-resize', ...geometry }));
    session.on('window-lost', (wid) => this.windowLost(wid));
    session.on('window-raise', (wid) => this.post(wid, { type: 'window-raise', wid }));
    session.on('eos', (wid) => this.post(wid, { type: 'eos', wid }));
    session.on('draw', (draw) => {
      const panel = this.panelOf(draw.wid);
      if (!panel?.ready || !panel.connection?.isOpen) {
        session.ackDraw(draw.wid, draw.seq, draw.width, draw.height, 0, '');
        return;
      }
      const message = toDrawMessage(draw);
      panel.pending.set(`${draw.wid}:${draw.seq}`, draw.flush);
      this.onPost?.(panel.wid, message);
      panel.draws ??= new DrawBatcher(async (batch) => {
        if (!panel.connection?.isOpen) return false;
        sendHostMessage(panel.connection, batch);
        return true;
      });
      void panel.draws.add(message);
    });
    session.on('disconnected', (reason) => (this.lastError = `the session ended: ${reason}`));
  }

  /** Binds a page's WebSocket to its panel; the page names its window in the query string. */
  accept(connection: WebSocketConnection, query: URLSearchParams): void {
    const pageId = Number(query.get('wid'));
    const panel = [...this.panels.values()].find((each) => each.pageId === pageId);
    if (!panel) {
      connection.close();
      return;
    }
    panel.connection = connection;
    connection.on('text', (text) => this.onPageMessage(panel, JSON.parse(text) as WebviewMessage));
    connection.on('close', () => (panel.ready = false));
  }

  private panelOf(wid: number): PanelPage | undefined {
    const owner = this.owners.get(wid);
    return owner === undefined ? undefined : this.panels.get(owner);
  }

  private post(wid: number, message: HostMessage): void {
    const panel = this.panelOf(wid);
    if (!panel?.ready || !panel.connection) return;
    this.onPost?.(panel.wid, message);
    panel.draws?.flush();
    sendHostMessage(panel.connection, message);
  }

  private windowNew(window: WindowDescription): void {
    this.windows.set(window.wid, window);
    const parent = window.transientFor !== undefined ? this.owners.get(window.transientFor) : undefined;
    const firstPage = this.panels.keys().next();
    const owner = parent ?? (window.overrideRedirect && !firstPage.done ? firstPage.value : undefined);
    if (owner === undefined && this.earlyPanel) {
      const panel = this.earlyPanel;
      this.earlyPanel = undefined;
      this.panels.delete(EARLY_PAGE_WID);
      panel.wid = window.wid;
      this.panels.set(window.wid, panel);
      this.owners.set(window.wid, window.wid);
      // A ready page gets its window now and the first picture after the map. A page still
      // loading gets both with a refresh from its `ready`.
      if (panel.ready) {
        this.post(window.wid, { type: 'session', state: 'connected', insecure: false });
        this.post(window.wid, { type: 'window-new', window });
      }
    } else if (owner === undefined) {
      this.owners.set(window.wid, window.wid);
      const panel: PanelPage = { wid: window.wid, pageId: window.wid, ready: false, pending: new Map() };
      this.panels.set(window.wid, panel);
      void this.openPage(panel);
    } else {
      this.owners.set(window.wid, owner);
      this.post(window.wid, { type: 'window-new', window });
    }
    if (!window.overrideRedirect) this.session.mapWindow(window.wid, window.x, window.y, window.width, window.height);
  }

  private async openPage(panel: PanelPage): Promise<void> {
    try {
      const page = await this.browser.newPage({ viewport: VIEWPORT });
      panel.page = page;
      page.onError((message) => (this.lastError = `page error in window ${panel.wid}: ${message}`));
      await page.goto(`http://127.0.0.1:${this.pageServerPort()}/?wid=${panel.pageId}`);
    } catch (error) {
      this.lastError = `opening the page of window ${panel.wid} failed: ${(error as Error).message}`;
    }
  }

  private windowLost(wid: number): void {
    const panel = this.panels.get(wid);
    if (panel) {
      this.panels.delete(wid);
      for (const key of panel.pending.keys()) {
        const [lostWid, seq] = key.split(':').map(Number);
        this.session.ackDraw(lostWid, seq, 0, 0, 0, '');
      }
      void panel.page?.close();
    } else {
      this.post(wid, { type: 'window-lost', wid });
    }
    this.owners.delete(wid);
    this.windows.delete(wid);
  }

  private onPageMessage(panel: PanelPage, message: WebviewMessage): void {
    if (message.type === 'ready') {
      panel.ready = true;
      // A page that no window has taken yet waits for one.
      if (panel.wid === EARLY_PAGE_WID) return;
      this.post(panel.wid, { type: 'session', state: 'connected', insecure: false });
      // The top-level window goes first, so popups and transients have something to draw over.
      const others = [...this.owners]
        .filter(([wid, owner]) => owner === panel.wid && wid !== panel.wid)
        .map(([wid]) => wid)
        .sort((a, b) => a - b);
      const wids = [panel.wid, ...others];
      for (const wid of wids) {
        const window = this.windows.get(wid);
        if (window) this.post(wid, { type: 'window-new', window });
      }
      for (const wid of wids) this.session.bufferRefresh(wid);
      return;
    }
    if (message.type === 'video-probe') {
      this.videoSupport.record(message);
      return;
    }
    for (const ack of paintedAcks(message)) this.painted(panel, ack);
  }

  private painted(panel: PanelPage, message: PaintedMessage): void {
    const key = `${message.wid}:${message.seq}`;
    const flush = panel.pending.get(key);
    panel.pending.delete(key);
    const decodeMicros = message.decodeMicros >= 0 ? Math.round(message.decodeMicros) : -1;
    this.session.ackDraw(message.wid, message.seq, message.width, message.height, decodeMicros, message.error ?? '');
    if (decodeMicros < 0) {
      this.counters.failed++;
      this.lastError = `window ${message.wid} draw ${message.seq} failed: ${message.error ?? 'no reason given'}`;
      return;
    }
    this.counters.draws++;
    if (flush === 0) {
      if (this.counters.updates === 0) this.firstUpdateAt = performance.now();
      this.counters.updates++;
    }
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(describe());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts Chromium, the page server and the engine, wired through a BenchPanelHost. */
export async function startOurClient(context: ClientContext): Promise<{
  host: BenchPanelHost;
  attachStartedAt: number;
  browserPid: number;
  stop: () => Promise<void>;
}> {
  const { browser, pid } = await launchChromium();
  let pageServer: PanelPageServer | undefined;
  let host: BenchPanelHost | undefined;
  let session: XpraSession | undefined;
  const stop = async (): Promise<void> => {
    session?.disconnect();
    await browser.close();
    await pageServer?.close();
  };
  try {
    pageServer = await startPanelPageServer((connection, query) => {
      if (host) host.accept(connection, query);
      else connection.close();
    });
    const port = pageServer.port;
    const attachStartedAt = performance.now();
    const panelHost = new BenchPanelHost(browser, () => port);
    host = panelHost;
    panelHost.openEarlyPage();
    session = await attachEngine(context, () => panelHost.helloEncodings());
    panelHost.listen(session);
    return { host, attachStartedAt, browserPid: pid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export const oursClient: ClientDriver = {
  name: 'ours',
  async start(context: ClientContext): Promise<RunningClient> {
    const { host, attachStartedAt, browserPid, stop } = await startOurClient(context);
    try {
      await waitFor(
        () => host.counters.updates > 0,
        FIRST_FRAME_TIMEOUT_MS,
        () => `no painted frame within ${FIRST_FRAME_TIMEOUT_MS / 1000} s of attaching` + (host.lastError ? `: ${host.lastError}` : ''),
      );
    } catch (error) {
      await stop();
      throw error;
    }
    return {
      firstFrameSeconds: (host.firstUpdateAt - attachStartedAt) / 1000,
      processRoots: [browserPid],
      usesNodeProcess: true,
      async counters() {
        if (host.lastError?.startsWith('the session ended')) throw new Error(host.lastError);
        return { updates: host.counters.updates, draws: host.counters.draws };
      },
      stop,
    };
  },
};
