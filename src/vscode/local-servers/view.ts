/**
 * The "Local Servers" view: the servers of this extension, read from their state files at
 * each refresh (so they reappear after a window reload), and the sessions that `xpra list`
 * finds, marked as started elsewhere. Listing removes the state of servers that exited.
 */
import * as vscode from 'vscode';
import { listLocalServers, type ListedServer, type LocalServer, type Logger } from '../engine';
import { errorMessage } from '../log';

export const LOCAL_SERVERS_VIEW = 'xpra.localServers';

/** A server of ours: `contextValue` is `xpra.ours.ssl`, `xpra.ours.tcp` or `xpra.ours.www`. */
export class OwnServerItem extends vscode.TreeItem {
  constructor(readonly server: LocalServer, attached: boolean) {
    super(`:${server.display} ${server.start}`, vscode.TreeItemCollapsibleState.None);
    this.id = `ours/${server.id}`;
    this.description = `${server.mode} 127.0.0.1:${server.port}${attached ? ', attached' : ''}`;
    this.contextValue = `xpra.ours.${server.mode}`;
    this.iconPath = new vscode.ThemeIcon(attached ? 'vm-active' : 'vm-running');
    this.tooltip = new vscode.MarkdownString([
      `**Local server :${server.display}** (pid ${server.pid})`,
      '',
      `- URI: \`${server.uri}\``,
      `- Socket: ${server.mode}`,
      `- Start command: \`${server.start}\``,
      `- Started: ${server.startedAt}`,
      `- Session file: \`${server.sessionFile}\``,
    ].join('\n'));
  }
}

/** A session from `xpra list` that this extension did not start. */
export class OtherServerItem extends vscode.TreeItem {
  constructor(readonly session: Extract<ListedServer, { ours: false }>) {
    super(session.display, vscode.TreeItemCollapsibleState.None);
    this.id = `other/${session.socketDir}/${session.display}`;
    this.description = `${session.state.toLowerCase()}, not started by this extension`;
    this.contextValue = 'xpra.other';
    this.iconPath = new vscode.ThemeIcon('vm-outline');
    this.tooltip = `${session.state} xpra session at ${session.display}, socket folder ${session.socketDir}. `
      + 'It was not started by this extension, so its TLS settings are not known.';
  }
}

export type LocalServerItem = OwnServerItem | OtherServerItem;

export class LocalServersProvider implements vscode.TreeDataProvider<LocalServerItem>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;

  constructor(
    private readonly stateDir: string,
    private readonly isAttached: (server: LocalServer) => boolean,
    private readonly log: Logger,
  ) {}

  refresh(): void {
    this.changeEmitter.fire();
  }

  getTreeItem(item: LocalServerItem): vscode.TreeItem {
    return item;
  }

  async getChildren(parent?: LocalServerItem): Promise<LocalServerItem[]> {
    if (parent) return [];
    let listed: ListedServer[];
    try {
      listed = await listLocalServers(this.stateDir, { logger: this.log });
    } catch (error) {
      this.log.error('server', `listing the local servers failed: ${errorMessage(error)}`);
      return [];
    }
    return listed.map((entry) =>
      entry.ours ? new OwnServerItem(entry.server, this.isAttached(entry.server)) : new OtherServerItem(entry),
    );
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
