import * as vscode from 'vscode';
import type { XpraConnection } from './connection';
import type { XpraController } from './controller';

/**
 * One status bar item for the active connection: its state, the latest ping round trip,
 * and a warning mark while server verification is off.
 */
export class XpraStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly controller: XpraController) {
    this.item = vscode.window.createStatusBarItem('xpra.session', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Xpra Session';
    this.item.command = 'xpra.showLog';
    this.subscription = controller.onDidChange(() => this.update());
    this.update();
  }

  /** The text shown, exposed for tests. */
  get text(): string {
    return this.item.text;
  }

  private update(): void {
    const connection = this.controller.active;
    if (!connection) {
      this.item.hide();
      return;
    }
    this.item.text = statusText(connection, this.controller.live.length);
    this.item.tooltip = tooltip(connection);
    this.item.backgroundColor =
      connection.insecure && connection.state !== 'disconnected'
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}

/** Returns the status bar text, e.g. `$(vm-active) xpra 127.0.0.1:14500 · 3 ms`. */
export function statusText(connection: XpraConnection, liveCount: number): string {
  const insecure = connection.insecure && connection.state !== 'disconnected' ? ' $(warning) insecure' : '';
  const others = liveCount > 1 ? ` (+${liveCount - 1})` : '';
  switch (connection.state) {
    case 'connecting':
      return `$(sync~spin) xpra: connecting to ${connection.label}${others}`;
    case 'connected': {
      const latency = connection.latencyMs === undefined ? '' : ` · ${Math.round(connection.latencyMs)} ms`;
      return `$(vm-active) xpra: ${connection.label}${latency}${insecure}${others}`;
    }
    case 'disconnected':
      return `$(debug-disconnect) xpra: disconnected${others}`;
  }
}

function tooltip(connection: XpraConnection): vscode.MarkdownString {
  const lines = [`**Xpra session** ${connection.target.uri}`, '', `State: ${connection.state}`];
  if (connection.serverVersion) lines.push(`Server: xpra ${connection.serverVersion}`);
  if (connection.latencyMs !== undefined) lines.push(`Latency: ${Math.round(connection.latencyMs)} ms`);
  if (connection.reason && connection.state === 'disconnected') lines.push(`Reason: ${connection.reason}`);
  if (connection.insecure) {
    lines.push('', '$(warning) Server verification is off for this connection: it is insecure.');
  }
  lines.push('', 'Click to show the Xpra log.');
  const markdown = new vscode.MarkdownString(lines.join('  \n'), true);
  return markdown;
}
