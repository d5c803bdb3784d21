import * as vscode from 'vscode';
import type { TlsSettings, WireFormatStore } from '../client/types';
import { XpraConnection, type AttachTarget, type WindowSummary } from './connection';
import { errorMessage, type XpraLog } from './log';
import { WindowPanel } from './panel';
import { SecretPasswords } from './secrets';
import { readPasswordFile } from '../session-file';
import { globalStateWireFormats } from './wire-formats';
import { globalStateProbeStore } from './video-probe-store';
import { H264_MODES, VideoSupport, type H264Mode } from './video-support';

/** A tab left behind by a session that ended or by a window reload. */
interface OrphanPanel {
  panel: WindowPanel;
  targetKey: string;
  timer?: NodeJS.Timeout;
}

/** The facts kept about an open tab, so it can be restored after a reload. */
interface PanelRecord {
  title: string;
  target: AttachTarget;
}

const PANEL_RECORDS_KEY = 'xpra.openPanels';

/** How long a restored tab waits for its server to be attached again before it closes. */
const RESTORE_WAIT_MS = 60000;

/** How long after an attach the windows have to take their old tabs before the rest close. */
const ADOPTION_WINDOW_MS = 5000;

export interface AttachCallOptions {
  /** A password to try before SecretStorage and the input box, such as a session file's. */
  password?: string;
}

export interface ConnectionSummary {
  id: number;
  uri: string;
  state: XpraConnection['state'];
  insecure: boolean;
  latencyMs?: number;
  reason?: string;
  suspended: boolean;
  windows: WindowSummary[];
}

/** Keeps every connection of this window, their leftover tabs and what reattaches them. */
export class XpraController implements vscode.Disposable {
  private readonly connections: XpraConnection[] = [];
  private readonly orphans: OrphanPanel[] = [];
  private readonly wireFormats: WireFormatStore;
  /** The panels' h264 probe results, shared by every attach of this window. */
  private readonly videoSupport: VideoSupport;
  private readonly changeEmitter = new vscode.EventEmitter<XpraConnection | undefined>();
  /** Fires when a connection's state, latency, windows or tabs change. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly passwords: SecretPasswords;
  private recordTimer?: NodeJS.Timeout;
  private attachFlow?: (target: AttachTarget) => Promise<unknown>;
  private readonly adopting = new WeakSet<XpraConnection>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: XpraLog,
  ) {
    this.passwords = new SecretPasswords(context.secrets, log);
    this.wireFormats = globalStateWireFormats(context.globalState);
    this.videoSupport = new VideoSupport(globalStateProbeStore(context.globalState));
  }

  /** The connection the status bar shows: the newest one that is not disconnected. */
  get active(): XpraConnection | undefined {
    const live = this.connections.filter((connection) => connection.state !== 'disconnected');
    return live[live.length - 1] ?? this.connections[this.connections.length - 1];
  }

  get live(): XpraConnection[] {
    return this.connections.filter((connection) => connection.state !== 'disconnected');
  }

  summaries(): ConnectionSummary[] {
    return this.connections.map((connection) => ({
      id: connection.id,
      uri: connection.target.uri,
      state: connection.state,
      insecure: connection.insecure,
      latencyMs: connection.latencyMs,
      reason: connection.reason,
      suspended: connection.isSuspended,
      windows: connection.windowSummaries(),
    }));
  }

  /**
   * Attaches to `target`. The password, when the server requests one, comes from
   * SecretStorage or an input box and is stored only after the session started. Rejects with
   * the engine's error; a stored password that the server rejected is forgotten.
   */
  async attach(target: AttachTarget, options: AttachCallOptions = {}): Promise<XpraConnection> {
    const settings = vscode.workspace.getConfiguration('xpra');
    const timeoutSeconds = settings.get<number>('connection.timeoutSeconds', 20);
    const h264Setting = settings.get<string>('video.h264', 'auto');
    const h264Mode: H264Mode = H264_MODES.find((mode) => mode === h264Setting) ?? 'auto';
    const attempt = this.passwords.startAttempt(options.password ?? (target.passwordFile ? await readPasswordFile(target.passwordFile) : undefined));
    const connection = new XpraConnection(target, {
      extensionUri: this.context.extensionUri,
      log: this.log,
      timeoutMs: Math.max(1, timeoutSeconds) * 1000,
      getPassword: (request) => attempt.getPassword(request),
      wireFormats: this.wireFormats,
      videoSupport: this.videoSupport,
      h264Mode,
      takeOrphanPanel: (orphanTarget, title) => this.takeOrphan(targetKey(orphanTarget), title),
      hasOrphanPanels: (orphanTarget) => {
        const key = targetKey(orphanTarget);
        return this.orphans.some((orphan) => orphan.targetKey === key && !orphan.panel.isDisposed);
      },
      releasePanels: (releasedTarget, panels) => this.releasePanels(connection, targetKey(releasedTarget), panels),
      changed: (changed) => this.changed(changed),
      lost: (lost, reason) => this.offerReattach(lost, reason),
    });
    this.connections.push(connection);
    this.changed(connection);
    try {
      await connection.open();
    } catch (error) {
      await attempt.failed(error);
      this.closeOrphans(targetKey(target), `attach failed: ${errorMessage(error)}`);
      throw error;
    }
    await attempt.succeeded();
    this.prune();
    return connection;
  }

  /** Tells the person that a session ended on its own, with buttons to reattach or read the log. */
  private offerReattach(connection: XpraConnection, reason: string): void {
    const message = `Xpra: the session with ${connection.label} ended: ${reason}`;
    void vscode.window.showWarningMessage(message, 'Reattach', 'Show Log').then((action) => {
      if (action === 'Show Log') this.log.show();
      if (action !== 'Reattach') return;
      this.attachAgain(connection.target).catch((error: unknown) => {
        void vscode.window.showErrorMessage(`Xpra: could not attach to ${connection.label}: ${errorMessage(error)}`);
      });
    });
  }

  /**
   * Sets the attach flow that reattach and restore go through, so a TLS failure there gets the
   * same explanation and choices as an attach from the command palette.
   */
  setAttachFlow(flow: (target: AttachTarget) => Promise<unknown>): void {
    this.attachFlow = flow;
  }

  /**
   * Attaches to a server seen before. Verification is switched back on: connecting without it
   * is a choice for one connection, never carried over to the next.
   */
  private attachAgain(target: AttachTarget): Promise<unknown> {
    const verified: AttachTarget =
      target.tls.verifyMode === 'none' ? { ...target, tls: { ...target.tls, verifyMode: 'required' } } : target;
    return this.attachFlow ? this.attachFlow(verified) : this.attach(verified);
  }

  /** Disconnects one connection, or every live one when none is given. */
  disconnect(connection?: XpraConnection): void {
    for (const each of connection ? [connection] : this.live) each.disconnect();
    this.prune();
  }

  /**
   * Takes a tab that VS Code restored after a reload. Tabs of the same server are gathered
   * and the server is attached to again, so its windows can adopt them by title. Tabs that
   * no window adopts, or whose server cannot be reached, are closed.
   */
  restorePanel(webviewPanel: vscode.WebviewPanel): void {
    const records = this.context.workspaceState.get<PanelRecord[]>(PANEL_RECORDS_KEY, []);
    const record = records.find((each) => each.title === webviewPanel.title) ?? records[0];
    const panel = new WindowPanel(webviewPanel, this.context.extensionUri, -1);
    if (!record) {
      this.log.info('session', `closing the restored tab "${webviewPanel.title}": its session is not known`);
      panel.dispose();
      return;
    }
    const key = targetKey(record.target);
    const alreadyAttaching = this.live.some((connection) => targetKey(connection.target) === key);
    this.addOrphans(key, [panel], RESTORE_WAIT_MS);
    if (alreadyAttaching) return;
    this.log.info('session', `attaching to ${record.target.uri} again to restore "${webviewPanel.title}"`);
    this.attachAgain(record.target).catch((error: unknown) => {
      void vscode.window.showWarningMessage(
        `Xpra: could not restore the session of "${webviewPanel.title}": ${errorMessage(error)}`,
      );
    });
  }

  dispose(): void {
    this.disconnect();
    for (const orphan of this.orphans.splice(0)) {
      if (orphan.timer) clearTimeout(orphan.timer);
      orphan.panel.dispose();
    }
    if (this.recordTimer) clearTimeout(this.recordTimer);
    this.changeEmitter.dispose();
  }

  private changed(connection: XpraConnection): void {
    if (connection.state === 'connected' && !this.adopting.has(connection)) {
      this.adopting.add(connection);
      // Windows arrive right after the hello; tabs that none of them took by then are stale.
      const timer = setTimeout(() => {
        if (connection.state === 'connected') {
          this.closeOrphans(targetKey(connection.target), 'no window of the new session took it');
        }
      }, ADOPTION_WINDOW_MS);
      this.context.subscriptions.push({ dispose: () => clearTimeout(timer) });
    }
    this.changeEmitter.fire(connection);
    this.scheduleRecord();
  }

  /** Drops ended connections except the newest, which the status bar still shows. */
  private prune(): void {
    const newest = this.connections[this.connections.length - 1];
    for (let i = this.connections.length - 1; i >= 0; i--) {
      const connection = this.connections[i];
      if (connection.state === 'disconnected' && connection !== newest) this.connections.splice(i, 1);
    }
    this.changeEmitter.fire(undefined);
  }

  /**
   * Keeps the tabs of a session that ended. Another session to the same server may already
   * be connected, because it took the server over. A window of it that arrived before the
   * old session ended opened a tab of its own. So with such a successor, tabs that no window
   * adopts within ADOPTION_WINDOW_MS close, rather than stay as a dead copy of the window.
   */
  private releasePanels(released: XpraConnection, key: string, panels: WindowPanel[]): void {
    const successor = this.connections.some(
      (other) => other !== released && other.state === 'connected' && targetKey(other.target) === key,
    );
    this.addOrphans(key, panels, successor ? ADOPTION_WINDOW_MS : undefined, 'a newer session to this server shows its windows');
  }

  /**
   * Keeps tabs for a later connection to the same server. Tabs of a session that ended stay
   * (showing why it ended) until the person closes them; restored tabs close after `waitMs`.
   */
  private addOrphans(key: string, panels: WindowPanel[], waitMs: number | undefined, closeReason = 'its server was not attached again'): void {
    for (const panel of panels) {
      if (panel.isDisposed) continue;
      const orphan: OrphanPanel = { panel, targetKey: key };
      if (waitMs !== undefined) {
        orphan.timer = setTimeout(() => this.closeOrphan(orphan, closeReason), waitMs);
      }
      // A tab closed by the person while it waits just leaves the pool.
      panel.panel.onDidDispose(() => this.removeOrphan(orphan));
      this.orphans.push(orphan);
    }
  }

  private takeOrphan(key: string, title: string): WindowPanel | undefined {
    const candidates = this.orphans.filter((orphan) => orphan.targetKey === key && !orphan.panel.isDisposed);
    const chosen = candidates.find((orphan) => orphan.panel.panel.title === title) ?? candidates[0];
    if (!chosen) return undefined;
    this.removeOrphan(chosen);
    return chosen.panel;
  }

  private removeOrphan(orphan: OrphanPanel): void {
    const index = this.orphans.indexOf(orphan);
    if (index >= 0) this.orphans.splice(index, 1);
    if (orphan.timer) clearTimeout(orphan.timer);
  }

  private closeOrphan(orphan: OrphanPanel, why: string): void {
    this.removeOrphan(orphan);
    if (orphan.panel.isDisposed) return;
    this.log.info('session', `closing the tab "${orphan.panel.panel.title}": ${why}`);
    orphan.panel.dispose();
  }

  private closeOrphans(key: string, why: string): void {
    for (const orphan of this.orphans.filter((each) => each.targetKey === key)) this.closeOrphan(orphan, why);
  }

  /** Remembers the open tabs and their servers (never a password) for a restore after reload. */
  private scheduleRecord(): void {
    if (this.recordTimer) return;
    this.recordTimer = setTimeout(() => {
      this.recordTimer = undefined;
      const records: PanelRecord[] = [];
      for (const connection of this.live) {
        // A connection without verification is never restored: that choice lasts one connection.
        if (connection.target.tls.verifyMode === 'none') continue;
        for (const window of connection.windowSummaries()) {
          if (window.hasTab) records.push({ title: window.title || `Window ${window.wid}`, target: storableTarget(connection.target) });
        }
      }
      void this.context.workspaceState.update(PANEL_RECORDS_KEY, records);
    }, 500);
  }
}

/** Identifies a server for pairing leftover tabs with a new connection. */
function targetKey(target: AttachTarget): string {
  return target.uri.trim().replace(/\/+$/, '').toLowerCase();
}

/** Returns the target without secrets, for workspace state. */
function storableTarget(target: AttachTarget): AttachTarget {
  const tls: TlsSettings = { ...target.tls };
  delete tls.keyPassphrase;
  return { ...target, tls };
}

