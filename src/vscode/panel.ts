import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { DrawMessage, HostMessage, WebviewMessage } from '../webview/messages';
import { DrawBatcher } from './draw-batch';

export const WINDOW_VIEW_TYPE = 'xpra.window';

/** The events a panel reports to the connection that owns it. */
export interface PanelOwner {
  /** The webview (re)loaded its page and needs the windows and a full refresh. */
  onPanelReady(panel: WindowPanel): void;
  onPanelMessage(panel: WindowPanel, message: WebviewMessage): void;
  onPanelVisibility(panel: WindowPanel, visible: boolean): void;
  onPanelFocus(panel: WindowPanel): void;
  /** The person closed the tab (not called when the owner disposed the panel). */
  onPanelClosedByUser(panel: WindowPanel): void;
}

const MESSAGE_TYPES = new Set<WebviewMessage['type']>([
  'ready',
  'painted',
  'painted-batch',
  'pointer-move',
  'button',
  'key',
  'viewport',
  'focus',
  'close',
  'visibility',
  'video-probe',
]);

/** Returns the message when it has a known `type`; anything else from the webview is dropped. */
export function asWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !MESSAGE_TYPES.has(type as WebviewMessage['type'])) return undefined;
  return value as WebviewMessage;
}

/** Webview options shared by new and restored panels: scripts on, only media/ readable. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
    // Hidden tabs are suspended and refreshed on reveal instead of kept alive, because a
    // retained webview costs memory and still receives no messages while hidden.
    retainContextWhenHidden: false,
    enableFindWidget: false,
  };
}

/** Builds the panel page: the webview bundle and its stylesheet under a nonce-based CSP. */
export function renderPanelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const nonce = crypto.randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css'));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data: blob:`,
    'worker-src blob:',
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<div id="xpra-root"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The host side of one editor tab: one top-level remote window (`wid`) plus the popups and
 * transient windows drawn over it.
 */
export class WindowPanel implements vscode.Disposable {
  /** False until the page posts `ready`, and again whenever VS Code discards a hidden page. */
  ready = false;
  visible: boolean;
  /** The last space the tab offered the top-level window, in CSS pixels. */
  viewport?: { width: number; height: number };
  private owner?: PanelOwner;
  private disposedByOwner = false;
  private disposed = false;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly draws = new DrawBatcher((message) => this.postNow(message));

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    public wid: number,
    owner?: PanelOwner,
  ) {
    this.owner = owner;
    this.visible = panel.visible;
    panel.webview.options = webviewOptions(extensionUri);
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((value: unknown) => this.receive(value)),
      panel.onDidChangeViewState(({ webviewPanel }) => this.viewStateChanged(webviewPanel)),
      panel.onDidDispose(() => this.panelDisposed()),
    );
    // A restored tab waits for a window to adopt it before it loads the page. Loading it now
    // as well would give two pages, and the older one's late `ready` would get the replay.
    if (owner) this.reload();
  }

  /** Creates a tab for a new top-level window in the active editor group. */
  static create(extensionUri: vscode.Uri, wid: number, title: string, owner: PanelOwner): WindowPanel {
    const panel = vscode.window.createWebviewPanel(
      WINDOW_VIEW_TYPE,
      title,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      webviewOptions(extensionUri),
    );
    return new WindowPanel(panel, extensionUri, wid, owner);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Hands the tab to another connection, as after a reload or a reattach. */
  adopt(owner: PanelOwner, wid: number): void {
    this.owner = owner;
    this.wid = wid;
    this.reload();
  }

  setTitle(title: string): void {
    if (!this.disposed && title && this.panel.title !== title) this.panel.title = title;
  }

  /** Posts a draw, batched with the other draws of this turn; resolves false when the page did not receive it. */
  postDraw(draw: DrawMessage): Promise<boolean> {
    return this.draws.add(draw);
  }

  /** Posts a message after any batched draws; resolves false when the page is not there to receive it. */
  post(message: HostMessage): Promise<boolean> {
    this.draws.flush();
    return this.postNow(message);
  }

  private async postNow(message: HostMessage): Promise<boolean> {
    if (this.disposed || !this.ready) return false;
    try {
      return await this.panel.webview.postMessage(message);
    } catch {
      // The panel was disposed while the message was in flight.
      return false;
    }
  }

  /** Closes the tab without reporting it as closed by the person. */
  dispose(): void {
    if (this.disposed) return;
    this.disposedByOwner = true;
    this.panel.dispose();
  }

  private reload(): void {
    this.ready = false;
    this.panel.webview.html = renderPanelHtml(this.panel.webview, this.extensionUri, this.panel.title);
  }

  private receive(value: unknown): void {
    const message = asWebviewMessage(value);
    if (!message || !this.owner) return;
    if (message.type === 'ready') {
      this.ready = true;
      this.owner.onPanelReady(this);
      return;
    }
    if (message.type === 'viewport') this.viewport = { width: message.width, height: message.height };
    this.owner.onPanelMessage(this, message);
  }

  private viewStateChanged(panel: vscode.WebviewPanel): void {
    if (panel.visible !== this.visible) {
      this.visible = panel.visible;
      // Without retainContextWhenHidden, VS Code drops the page of a hidden tab.
      if (!panel.visible) this.ready = false;
      this.owner?.onPanelVisibility(this, panel.visible);
    }
    if (panel.active) this.owner?.onPanelFocus(this);
  }

  private panelDisposed(): void {
    this.disposed = true;
    this.ready = false;
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    if (!this.disposedByOwner) this.owner?.onPanelClosedByUser(this);
  }
}
