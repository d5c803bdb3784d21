import * as vscode from 'vscode';
import type { AttachOptions, DrawEvent, EncodingTuning, TlsSettings, WindowDescription } from '../client/types';
import { paintedAcks, type HostMessage, type PaintedMessage, type WebviewMessage } from '../webview/messages';
import { toDrawMessage } from './draw-message';
import { attach, type XpraSession } from './engine';
import { errorMessage, type XpraLog } from './log';
import { WindowPanel, type PanelOwner } from './panel';
import { offersH264, PROBE_WAIT_MS, webviewEncodings, type H264Mode, type VideoSupport } from './video-support';
import { fitWindowSize, type Size } from './window-size';

/** A server to attach to and the TLS settings that verify it. */
export interface AttachTarget {
  uri: string;
  tls: TlsSettings;
  /** Shown in the status bar and in messages instead of the URI. */
  label?: string;
  /** Set when the target is a local server started by this extension. */
  localServerId?: string;
  /** File whose content is the password, read at each attach, as for a local server in `tcp` mode. */
  passwordFile?: string;
  /** Speed and quality options, from a session file. */
  encodingTuning?: EncodingTuning;
}

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

/**
 * The desktop size announced in the hello, and so the largest size a window can take in a
 * tab. 2560x1600 covers a maximised editor on common monitors without making the server's
 * virtual screen (and its memory) needlessly large.
 */
export const DESKTOP_SIZE: Size = { width: 2560, height: 1600 };

/** How long a window may ignore a close request before its tab opens again. */
const CLOSE_GRACE_MS = 5000;
/** The wid of a tab that no window has taken yet. xpra numbers windows from 1. */
const EARLY_PANEL_WID = -1;
/** How long after the attach the early tab waits for a top-level window before it closes. */
const EARLY_PANEL_WAIT_MS = 5000;

/** The services a connection uses from the rest of the extension. */
export interface ConnectionServices {
  extensionUri: vscode.Uri;
  log: XpraLog;
  timeoutMs: number;
  getPassword: NonNullable<AttachOptions['getPassword']>;
  /** The packet encoder each host:port spoke, kept so that a reload starts with the one that worked. */
  wireFormats?: AttachOptions['wireFormats'];
  /** The panels' h264 probe results, shared by every attach of this window. */
  videoSupport: VideoSupport;
  /** The `xpra.video.h264` setting: when the hello offers h264. */
  h264Mode: H264Mode;
  /** Takes a tab left by an earlier connection to the same target, preferring one with `title`. */
  takeOrphanPanel(target: AttachTarget, title: string): WindowPanel | undefined;
  /** True when tabs left by an earlier connection to the same target wait to be adopted. */
  hasOrphanPanels(target: AttachTarget): boolean;
  /** Keeps this connection's tabs after the session ended, for a later reattach. */
  releasePanels(target: AttachTarget, panels: WindowPanel[]): void;
  /** Called whenever state, latency, windows or tabs change. */
  changed(connection: XpraConnection): void;
  /** Called when the session ended without a request from the person. */
  lost(connection: XpraConnection, reason: string): void;
}

/** Per-window figures that tests and the status bar read. */
export interface WindowSummary {
  wid: number;
  title: string;
  width: number;
  height: number;
  /** True for top-level windows that have their own tab. */
  hasTab: boolean;
  /** Draws the webview painted successfully. */
  painted: number;
  /** Draws the webview failed to decode. */
  failed: number;
}

interface PendingDraw {
  wid: number;
  seq: number;
  width: number;
  height: number;
}

let nextConnectionId = 1;

/** One attached xpra session: its windows, their tabs and the traffic between them. */
export class XpraConnection implements PanelOwner, vscode.Disposable {
  readonly id = nextConnectionId++;
  state: ConnectionState = 'connecting';
  insecure: boolean;
  latencyMs?: number;
  /** The reason the session ended, in words. */
  reason?: string;
  serverVersion?: string;

  private session?: XpraSession;
  private readonly windows = new Map<number, WindowDescription>();
  /** Top-level wid -> its tab. */
  private readonly panels = new Map<number, WindowPanel>();
  /**
   * A tab opened while the attach is in flight, so that its page has loaded by the time the
   * first top-level window arrives. That window takes it. It is closed if the attach fails,
   * the session ends, or no window takes it soon after the attach.
   */
  private earlyPanel?: WindowPanel;
  private earlyPanelTimer?: NodeJS.Timeout;
  /** Any wid -> the top-level wid whose tab draws it. */
  private readonly owners = new Map<number, number>();
  /** Draws posted to a tab and not yet acknowledged, keyed by `wid:seq`. */
  private readonly pending = new Map<WindowPanel, Map<string, PendingDraw>>();
  private readonly paintCounts = new Map<number, { painted: number; failed: number }>();
  private readonly closeTimers = new Map<number, NodeJS.Timeout>();
  private cursor: HostMessage = { type: 'cursor-default' };
  private focusedWid = 0;
  private lastFocusedTopLevel?: number;
  private suspended = false;
  private closing = false;
  /** Clipboard text last exchanged with the server, so it is not sent back as new. */
  private clipboardText?: string;

  constructor(
    readonly target: AttachTarget,
    private readonly services: ConnectionServices,
  ) {
    this.insecure = target.tls.verifyMode === 'none' || /^tcp:/i.test(target.uri.trim());
  }

  /** True while every tab of the session is hidden and the server was asked to pause. */
  get isSuspended(): boolean {
    return this.suspended;
  }

  get label(): string {
    return this.target.label ?? this.target.uri;
  }

  /** Attaches; rejects with the engine's error when the session cannot start. */
  async open(): Promise<void> {
    const log = this.services.log;
    log.info('session', `attaching to ${this.target.uri} (verify mode ${this.target.tls.verifyMode})`);
    if (/^tcp:/i.test(this.target.uri.trim())) {
      log.warn('tls', `${this.target.uri} is plain TCP without TLS: this connection is insecure`);
    } else if (this.insecure) {
      log.warn('tls', `server verification is off for ${this.target.uri}: this connection is insecure`);
    }
    this.openEarlyPanel();
    let session: XpraSession;
    try {
      session = await attach({
        uri: this.target.uri,
        tls: this.target.tls,
        getPassword: this.services.getPassword,
        encodings: () => this.helloEncodings(),
        desktopSize: [DESKTOP_SIZE.width, DESKTOP_SIZE.height],
        timeoutMs: this.services.timeoutMs,
        logger: log,
        wireFormats: this.services.wireFormats,
        encodingTuning: this.target.encodingTuning,
      });
    } catch (error) {
      this.state = 'disconnected';
      this.reason = errorMessage(error);
      log.error('session', `attach to ${this.target.uri} failed: ${this.reason}`);
      this.closeEarlyPanel();
      this.services.changed(this);
      throw error;
    }
    this.session = session;
    this.listen(session);
    if (this.closing) {
      session.disconnect();
      return;
    }
    this.state = 'connected';
    if (this.earlyPanel) {
      this.earlyPanelTimer = setTimeout(() => this.closeEarlyPanel(), EARLY_PANEL_WAIT_MS);
    }
    log.info('session', `attached to ${this.target.uri}`);
    this.services.changed(this);
  }

  /**
   * Returns the encodings for the hello. h264 is among them only when a panel decoded the
   * probe frame, in this window or, in the desktop app, in an earlier one (see
   * `xpra.video.h264` for which decoders count). With no result yet, the first attach
   * waits, for at most PROBE_WAIT_MS, for the probe of the early tab, which is the tab that
   * shows the first window. A connection without an early tab has no page loading before
   * its hello, so it uses a known result or none.
   */
  private async helloEncodings(): Promise<string[]> {
    const log = this.services.log;
    const mode = this.services.h264Mode;
    if (mode === 'off') {
      log.info('encoding', 'not advertising h264: the xpra.video.h264 setting is off');
      return webviewEncodings(undefined, mode);
    }
    const support = this.services.videoSupport;
    const started = Date.now();
    let probe = support.known;
    if (probe === undefined && this.earlyPanel !== undefined) {
      probe = await support.wait(PROBE_WAIT_MS);
    }
    const waited = Date.now() - started;
    if (probe === undefined) {
      const reason = this.earlyPanel === undefined ? 'no tab was loading to probe' : `no probe result within ${PROBE_WAIT_MS} ms`;
      log.info('encoding', `not advertising h264: ${reason}`);
    } else {
      const decision = offersH264(probe, mode) ? 'advertising h264' : 'not advertising h264';
      log.info('encoding', `${decision} (xpra.video.h264 is ${mode}; panel probe: ${probe.detail}; waited ${waited} ms)`);
    }
    return webviewEncodings(probe, mode);
  }

  /** Ends the session at the person's request and closes its tabs. */
  disconnect(): void {
    this.closing = true;
    this.session?.disconnect();
    this.ended('disconnected at your request', false);
  }

  dispose(): void {
    this.disconnect();
  }

  windowSummaries(): WindowSummary[] {
    return [...this.windows.values()].map((window) => {
      const counts = this.paintCounts.get(window.wid) ?? { painted: 0, failed: 0 };
      return {
        wid: window.wid,
        title: window.title,
        width: window.width,
        height: window.height,
        hasTab: this.panels.has(window.wid),
        painted: counts.painted,
        failed: counts.failed,
      };
    });
  }

  /** Sends local clipboard text to the server when it changed since the last exchange. */
  async syncClipboardToServer(): Promise<void> {
    if (this.state !== 'connected' || !this.session) return;
    let text: string;
    try {
      text = await vscode.env.clipboard.readText();
    } catch (error) {
      this.services.log.debug('clipboard', `reading the local clipboard failed: ${errorMessage(error)}`);
      return;
    }
    if (!text || text === this.clipboardText) return;
    this.clipboardText = text;
    this.session.setClipboard(text);
    this.services.log.debug('clipboard', `sent ${text.length} characters to the server`);
  }

  private listen(session: XpraSession): void {
    session.on('ready', (info) => {
      this.insecure = this.insecure || info.insecure;
      this.serverVersion = info.serverVersion;
      this.services.log.info(
        'session',
        `server ${info.serverVersion}, ${info.tlsProtocol || 'no TLS'}, packet encoder ${info.encoder}`,
      );
      this.services.changed(this);
    });
    session.on('window-new', (window) => this.windowNew(window));
    session.on('window-metadata', (update) => this.windowMetadata(update));
    session.on('window-move-resize', (geometry) => this.windowMoveResize(geometry));
    session.on('window-lost', (wid) => this.windowLost(wid));
    session.on('window-raise', (wid) => void this.postToOwner(wid, { type: 'window-raise', wid }));
    session.on('draw', (draw) => this.draw(draw));
    session.on('cursor', (cursor) => this.cursorChanged(cursor));
    session.on('bell', (wid) => void this.postToOwner(wid, { type: 'bell', wid }));
    session.on('eos', (wid) => void this.postToOwner(wid, { type: 'eos', wid }));
    session.on('clipboard', (text) => this.clipboardFromServer(text));
    session.on('latency', (milliseconds) => {
      this.latencyMs = milliseconds;
      this.services.changed(this);
    });
    session.on('disconnected', (reason) => this.ended(reason, !this.closing));
  }

  private ended(reason: string, unexpected: boolean): void {
    if (this.state === 'disconnected' && this.session === undefined) return;
    const wasConnected = this.state === 'connected';
    this.state = 'disconnected';
    this.reason = reason;
    this.session = undefined;
    for (const timer of this.closeTimers.values()) clearTimeout(timer);
    this.closeTimers.clear();
    this.closeEarlyPanel();
    this.pending.clear();
    const panels = [...this.panels.values()];
    this.panels.clear();
    if (unexpected) {
      this.services.log.warn('session', `${this.target.uri} disconnected: ${reason}`);
      for (const panel of panels) {
        void panel.post({ type: 'session', state: 'disconnected', insecure: this.insecure, detail: reason });
      }
      this.services.releasePanels(this.target, panels);
      if (wasConnected) this.services.lost(this, reason);
    } else {
      if (wasConnected) this.services.log.info('session', `${this.target.uri} disconnected: ${reason}`);
      for (const panel of panels) panel.dispose();
    }
    this.services.changed(this);
  }

  // Windows

  private windowNew(window: WindowDescription): void {
    const session = this.session;
    if (!session) return;
    this.windows.set(window.wid, { ...window, sizeConstraints: { ...window.sizeConstraints } });
    const topLevel = this.topLevelFor(window);
    if (topLevel === undefined) {
      this.openTab(window);
    } else {
      this.owners.set(window.wid, topLevel);
      void this.postToOwner(window.wid, { type: 'window-new', window });
    }
    // Popups (override-redirect) are never mapped by the client; everything else is.
    if (!window.overrideRedirect) {
      session.mapWindow(window.wid, window.x, window.y, window.width, window.height);
    }
    // Only an early tab is ready this soon: it reported its size before the window came.
    const panel = topLevel === undefined ? this.panels.get(window.wid) : undefined;
    if (panel?.ready) this.fitToTab(panel);
    this.services.log.debug(
      'window',
      `new ${window.overrideRedirect ? 'popup' : 'window'} ${window.wid} ${window.width}x${window.height}` +
        (topLevel === undefined ? ' in its own tab' : ` over window ${topLevel}`),
    );
    this.services.changed(this);
  }

  /**
   * Returns the top-level window whose tab shows `window`, or undefined when the window is a
   * top-level window itself. Transients follow their parent; a popup without a parent goes to
   * the tab whose window contains its top-left corner, else to the last focused tab.
   */
  private topLevelFor(window: WindowDescription): number | undefined {
    if (window.transientFor !== undefined) {
      const parentOwner = this.owners.get(window.transientFor);
      if (parentOwner !== undefined && this.panels.has(parentOwner)) return parentOwner;
    }
    if (!window.overrideRedirect) return undefined;
    for (const wid of this.panels.keys()) {
      const top = this.windows.get(wid);
      if (!top) continue;
      const inside =
        window.x >= top.x && window.y >= top.y && window.x < top.x + top.width && window.y < top.y + top.height;
      if (inside) return wid;
    }
    if (this.lastFocusedTopLevel !== undefined && this.panels.has(this.lastFocusedTopLevel)) {
      return this.lastFocusedTopLevel;
    }
    const first = this.panels.keys().next();
    // A popup with no tab at all to draw over gets a tab of its own.
    return first.done ? undefined : first.value;
  }

  /** Returns a tab title, marked while the connection is not verified. */
  private tabTitle(title: string): string {
    return this.insecure ? `⚠ ${title} (insecure)` : title;
  }

  private openTab(window: WindowDescription): void {
    const title = this.tabTitle(window.title || `Window ${window.wid}`);
    this.owners.set(window.wid, window.wid);
    let panel = this.services.takeOrphanPanel(this.target, title);
    const early = this.takeEarlyPanel();
    if (panel) {
      early?.dispose();
      panel.setTitle(title);
      panel.adopt(this, window.wid);
    } else if (early) {
      panel = early;
      panel.setTitle(title);
      panel.wid = window.wid;
      this.panels.set(window.wid, panel);
      // A page that loaded while the attach was in flight gets its window now, and the
      // server sends the window's first picture once it is mapped. One still loading gets
      // its window and a refresh from its `ready`.
      if (panel.ready) this.showWindows(panel);
      return;
    } else {
      panel = WindowPanel.create(this.services.extensionUri, window.wid, title, this);
    }
    this.panels.set(window.wid, panel);
  }

  /**
   * Opens a tab for the first top-level window before the server announces it, unless a tab
   * of an earlier connection to this target is waiting to be adopted.
   */
  private openEarlyPanel(): void {
    if (this.services.hasOrphanPanels(this.target)) return;
    this.earlyPanel = WindowPanel.create(this.services.extensionUri, EARLY_PANEL_WID, this.label, this);
  }

  private takeEarlyPanel(): WindowPanel | undefined {
    const panel = this.earlyPanel;
    this.earlyPanel = undefined;
    clearTimeout(this.earlyPanelTimer);
    this.earlyPanelTimer = undefined;
    return panel && !panel.isDisposed ? panel : undefined;
  }

  private closeEarlyPanel(): void {
    this.takeEarlyPanel()?.dispose();
  }

  private windowMetadata(update: {
    wid: number;
    title?: string;
    sizeConstraints?: WindowDescription['sizeConstraints'];
    modal?: boolean;
    transientFor?: number;
  }): void {
    const window = this.windows.get(update.wid);
    if (!window) return;
    if (update.title !== undefined) window.title = update.title;
    if (update.sizeConstraints !== undefined) window.sizeConstraints = { ...update.sizeConstraints };
    if (update.modal !== undefined) window.modal = update.modal;
    if (update.transientFor !== undefined) window.transientFor = update.transientFor;
    const panel = this.panels.get(update.wid);
    if (panel && update.title) panel.setTitle(this.tabTitle(update.title));
    const message: HostMessage = { type: 'window-metadata', wid: update.wid };
    if (update.title !== undefined) message.title = update.title;
    if (update.sizeConstraints !== undefined) message.sizeConstraints = update.sizeConstraints;
    if (update.modal !== undefined) message.modal = update.modal;
    void this.postToOwner(update.wid, message);
    if (panel && update.sizeConstraints !== undefined) this.fitToTab(panel);
    if (update.title !== undefined) this.services.changed(this);
  }

  private windowMoveResize(geometry: { wid: number; x: number; y: number; width: number; height: number }): void {
    const window = this.windows.get(geometry.wid);
    if (!window) return;
    window.x = geometry.x;
    window.y = geometry.y;
    window.width = geometry.width;
    window.height = geometry.height;
    void this.postToOwner(geometry.wid, { type: 'window-move-resize', ...geometry });
  }

  private windowLost(wid: number): void {
    const timer = this.closeTimers.get(wid);
    if (timer) clearTimeout(timer);
    this.closeTimers.delete(wid);
    const panel = this.panels.get(wid);
    if (panel) {
      this.panels.delete(wid);
      this.flushPending(panel);
      panel.dispose();
    } else {
      void this.postToOwner(wid, { type: 'window-lost', wid });
    }
    this.windows.delete(wid);
    this.owners.delete(wid);
    this.paintCounts.delete(wid);
    if (this.focusedWid === wid) this.focusedWid = 0;
    this.services.log.debug('window', `window ${wid} is gone`);
    this.services.changed(this);
  }

  /** Resizes the top-level window of `panel` to the space its tab offers, within its hints. */
  private fitToTab(panel: WindowPanel): void {
    const window = this.windows.get(panel.wid);
    if (!window || !panel.viewport || !this.session) return;
    const size = fitWindowSize(panel.viewport, window.sizeConstraints, DESKTOP_SIZE);
    if (size.width === window.width && size.height === window.height) return;
    window.width = size.width;
    window.height = size.height;
    this.session.configureWindow(window.wid, window.x, window.y, size.width, size.height);
    void panel.post({ type: 'window-move-resize', wid: window.wid, x: window.x, y: window.y, ...size });
    this.services.log.debug('window', `window ${window.wid} resized to ${size.width}x${size.height} to fit its tab`);
  }

  // Draws

  private draw(draw: DrawEvent): void {
    const panel = this.panelFor(draw.wid);
    const skip = (): void => this.session?.ackDraw(draw.wid, draw.seq, draw.width, draw.height, 0, '');
    // A tab that is hidden or still loading cannot paint; its windows are refreshed when it is back.
    if (!panel || !panel.ready || !panel.visible) {
      skip();
      return;
    }
    let pending = this.pending.get(panel);
    if (!pending) {
      pending = new Map();
      this.pending.set(panel, pending);
    }
    const key = `${draw.wid}:${draw.seq}`;
    pending.set(key, { wid: draw.wid, seq: draw.seq, width: draw.width, height: draw.height });
    void panel.postDraw(toDrawMessage(draw)).then((delivered) => {
      if (!delivered && pending.delete(key)) skip();
    });
  }

  private painted(panel: WindowPanel, message: PaintedMessage): void {
    this.pending.get(panel)?.delete(`${message.wid}:${message.seq}`);
    const counts = this.paintCounts.get(message.wid) ?? { painted: 0, failed: 0 };
    if (message.decodeMicros >= 0) counts.painted++;
    else {
      counts.failed++;
      this.services.log.warn('draw', `window ${message.wid} draw ${message.seq} failed: ${message.error ?? 'unknown error'}`);
    }
    this.paintCounts.set(message.wid, counts);
    const decodeMicros = message.decodeMicros >= 0 ? Math.round(message.decodeMicros) : -1;
    this.session?.ackDraw(message.wid, message.seq, message.width, message.height, decodeMicros, message.error ?? '');
    if (counts.painted === 1 && message.decodeMicros >= 0) this.services.changed(this);
  }

  /** Acknowledges draws that a tab will never paint, so the server's flow control moves on. */
  private flushPending(panel: WindowPanel): void {
    const pending = this.pending.get(panel);
    if (!pending) return;
    this.pending.delete(panel);
    for (const draw of pending.values()) {
      this.session?.ackDraw(draw.wid, draw.seq, draw.width, draw.height, 0, '');
    }
  }

  // Tabs

  onPanelReady(panel: WindowPanel): void {
    this.flushPending(panel);
    const wids = this.showWindows(panel);
    if (this.suspended && panel.visible) this.resume();
    for (const wid of wids) this.session?.bufferRefresh(wid);
  }

  /** Posts the session state and the tab's windows to its page; returns their wids. */
  private showWindows(panel: WindowPanel): number[] {
    void panel.post({
      type: 'session',
      state: this.state === 'connected' ? 'connected' : this.state,
      insecure: this.insecure,
      detail: this.reason,
    });
    const wids = [...this.owners.entries()].filter(([, top]) => top === panel.wid).map(([wid]) => wid);
    // The top-level window first, so popups and transients have something to draw over.
    wids.sort((a, b) => {
      if (a === panel.wid) return -1;
      if (b === panel.wid) return 1;
      return a - b;
    });
    for (const wid of wids) {
      const window = this.windows.get(wid);
      if (window) void panel.post({ type: 'window-new', window });
    }
    void panel.post(this.cursor);
    return wids;
  }

  onPanelMessage(panel: WindowPanel, message: WebviewMessage): void {
    const session = this.session;
    switch (message.type) {
      case 'painted':
      case 'painted-batch':
        for (const ack of paintedAcks(message)) this.painted(panel, ack);
        return;
      case 'viewport':
        this.fitToTab(panel);
        return;
      case 'pointer-move':
        session?.pointerPosition(message.wid, message.x, message.y, message.modifiers, message.buttons);
        return;
      case 'button':
        session?.button(message.wid, message.button, message.pressed, message.x, message.y, message.modifiers, message.buttons);
        return;
      case 'key':
        session?.key(
          message.wid,
          message.keyname,
          message.pressed,
          message.keyval,
          message.keycode,
          message.text,
          message.modifiers,
          message.group,
        );
        return;
      case 'focus':
        this.focusChanged(panel, message.wid, message.focused);
        return;
      case 'close':
        this.requestClose(message.wid);
        return;
      case 'video-probe':
        this.videoProbed(message);
        return;
      case 'visibility':
      case 'ready':
        // The host follows the tab's view state instead, which VS Code reports reliably.
        return;
    }
  }

  private videoProbed(message: Extract<WebviewMessage, { type: 'video-probe' }>): void {
    const known = this.services.videoSupport.known;
    const mode = this.services.h264Mode;
    this.services.log.debug('encoding', `a panel's h264 probe ${message.h264 ? 'succeeded' : 'failed'}: ${message.detail}`);
    if (known !== undefined && offersH264(known, mode) && !offersH264(message, mode)) {
      // NOTE: hellos offer h264 from the first result, so this page acknowledges h264 draws with -1.
      this.services.log.warn('encoding', `a panel cannot decode h264 as an earlier one could: ${message.detail}`);
    }
    this.services.videoSupport.record(message);
  }

  onPanelVisibility(panel: WindowPanel, visible: boolean): void {
    // The early tab shows no window yet, so it neither suspends nor refreshes the session.
    if (panel.wid === EARLY_PANEL_WID) return;
    if (!visible) {
      this.flushPending(panel);
      const anyVisible = [...this.panels.values()].some((other) => other.visible);
      if (!anyVisible && !this.suspended && this.session) {
        this.suspended = true;
        this.session.suspend();
        this.services.log.debug('session', 'all tabs are hidden: suspended the session');
      }
    } else if (this.suspended) {
      this.resume();
    }
    // A page that survived being hidden posts no `ready`, so refresh it here.
    if (visible && panel.ready) {
      for (const [wid, top] of this.owners) if (top === panel.wid) this.session?.bufferRefresh(wid);
    }
  }

  onPanelFocus(panel: WindowPanel): void {
    this.lastFocusedTopLevel = panel.wid;
    // In a browser, reading the clipboard may need the person's permission, and a refusal
    // shows an error, so there it is read only when the person clicks into the window.
    if (vscode.env.uiKind !== vscode.UIKind.Web) void this.syncClipboardToServer();
  }

  onPanelClosedByUser(panel: WindowPanel): void {
    this.flushPending(panel);
    if (this.panels.get(panel.wid) !== panel) return;
    this.panels.delete(panel.wid);
    this.requestClose(panel.wid);
    this.services.changed(this);
  }

  private resume(): void {
    if (!this.session) return;
    this.suspended = false;
    this.session.resume();
    this.services.log.debug('session', 'a tab is visible again: resumed the session');
  }

  private focusChanged(panel: WindowPanel, wid: number, focused: boolean): void {
    if (!this.session) return;
    if (focused) {
      this.lastFocusedTopLevel = panel.wid;
      if (this.focusedWid !== wid) {
        this.focusedWid = wid;
        this.session.focus(wid);
      }
      void this.syncClipboardToServer();
    } else if (this.focusedWid === wid) {
      this.focusedWid = 0;
      this.session.focus(0);
    }
  }

  /**
   * Asks the remote application to close `wid`. An application may refuse (or ask first in
   * a dialog), so a window that still exists after a grace period gets its tab back.
   */
  private requestClose(wid: number): void {
    const session = this.session;
    if (!session || !this.windows.has(wid)) return;
    session.closeWindow(wid);
    this.services.log.debug('window', `asked the server to close window ${wid}`);
    if (this.closeTimers.has(wid)) return;
    const timer = setTimeout(() => {
      this.closeTimers.delete(wid);
      const window = this.windows.get(wid);
      if (!window || this.panels.has(wid) || !this.session || this.owners.get(wid) !== wid) return;
      this.services.log.info('window', `window ${wid} did not close, so its tab opens again`);
      this.openTab(window);
      this.services.changed(this);
    }, CLOSE_GRACE_MS);
    this.closeTimers.set(wid, timer);
  }

  private cursorChanged(
    cursor: { png: Uint8Array; width: number; height: number; xhot: number; yhot: number } | null,
  ): void {
    this.cursor = cursor
      ? { type: 'cursor', png: new Uint8Array(cursor.png), width: cursor.width, height: cursor.height, xhot: cursor.xhot, yhot: cursor.yhot }
      : { type: 'cursor-default' };
    for (const panel of this.panels.values()) void panel.post(this.cursor);
  }

  private clipboardFromServer(text: string): void {
    if (text === this.clipboardText) return;
    this.clipboardText = text;
    vscode.env.clipboard.writeText(text).then(
      () => this.services.log.debug('clipboard', `received ${text.length} characters from the server`),
      (error: unknown) => this.services.log.warn('clipboard', `writing the local clipboard failed: ${errorMessage(error)}`),
    );
  }

  private panelFor(wid: number): WindowPanel | undefined {
    const top = this.owners.get(wid);
    return top === undefined ? undefined : this.panels.get(top);
  }

  private postToOwner(wid: number, message: HostMessage): Promise<boolean> {
    const panel = this.panelFor(wid);
    return panel ? panel.post(message) : Promise.resolve(false);
  }
}
