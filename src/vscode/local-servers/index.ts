/**
 * The local servers in VS Code: the start and stop commands, the "Local Servers" view and
 * the actions on its items.
 */
import * as vscode from 'vscode';
import type { XpraController } from '../controller';
import type { LocalServer } from '../engine';
import {
  attachLocalServer, localStateDir, startLocalServerCommand, stopLocalServerCommand, type StartedLocalServer,
} from '../local-server';
import { errorMessage, type XpraLog } from '../log';
import {
  copySessionFile, exportClientCertificate, httpsUrl, openSessionFile, resolveServer, saveSessionFileAs, showServerLog,
} from './actions';
import { pickStartChoices } from './start-options';
import { LOCAL_SERVERS_VIEW, LocalServersProvider, type LocalServerItem } from './view';

export { LOCAL_SERVERS_VIEW, type LocalServerItem };

export interface LocalServers {
  provider: LocalServersProvider;
  start(argument?: unknown): Promise<StartedLocalServer | undefined>;
}

/** Registers the commands and the view, and returns the view's provider and the start function. */
export function registerLocalServers(
  context: vscode.ExtensionContext,
  controller: XpraController,
  log: XpraLog,
): LocalServers {
  const stateDir = localStateDir(context);
  const isAttached = (server: LocalServer): boolean =>
    controller.live.some((connection) => connection.target.localServerId === server.id);
  const provider = new LocalServersProvider(stateDir, isAttached, log);
  const view = vscode.window.createTreeView(LOCAL_SERVERS_VIEW, { treeDataProvider: provider, showCollapseAll: false });

  const start = async (argument?: unknown): Promise<StartedLocalServer | undefined> => {
    try {
      return await startLocalServerCommand(context, controller, log, argument);
    } finally {
      provider.refresh();
    }
  };
  const startWithOptions = async (): Promise<StartedLocalServer | undefined> => {
    const defaultStart = vscode.workspace.getConfiguration('xpra').get<string>('localServer.command', 'xterm');
    const choices = await pickStartChoices(context.workspaceState, defaultStart);
    return choices ? start() : undefined;
  };
  const stop = async (argument?: unknown): Promise<boolean> => {
    const server = argument instanceof Object && 'server' in argument ? (argument as { server: LocalServer }).server.id : argument;
    try {
      return await stopLocalServerCommand(context, controller, log, server);
    } finally {
      provider.refresh();
    }
  };

  /** Registers a command that runs `action` on the server it was given or that the person picks. */
  const onServer = (
    command: string,
    title: string,
    action: (server: LocalServer) => Promise<unknown>,
    modes?: readonly LocalServer['mode'][],
  ): vscode.Disposable =>
    vscode.commands.registerCommand(command, async (argument?: unknown) => {
      const server = await resolveServer(stateDir, argument, title, modes);
      if (!server) return undefined;
      try {
        return await action(server);
      } catch (error) {
        log.error('server', `${title} on ${server.id} failed: ${errorMessage(error)}`);
        void vscode.window.showErrorMessage(`${title} failed: ${errorMessage(error)}`);
        return undefined;
      }
    });

  let attachedKey = '';
  context.subscriptions.push(
    provider,
    view,
    // A server can exit while the view is hidden, so showing the view lists afresh.
    view.onDidChangeVisibility((event) => {
      if (event.visible) provider.refresh();
    }),
    // Refresh the attached marks only when the set of attached servers changes, because a
    // refresh runs `xpra list`.
    controller.onDidChange(() => {
      const key = controller.live.map((connection) => connection.target.localServerId ?? '').sort().join(',');
      if (key === attachedKey) return;
      attachedKey = key;
      provider.refresh();
    }),
    vscode.commands.registerCommand('xpra.startLocalServer', start),
    vscode.commands.registerCommand('xpra.startLocalServerWithOptions', startWithOptions),
    vscode.commands.registerCommand('xpra.stopLocalServer', stop),
    vscode.commands.registerCommand('xpra.localServers.refresh', () => provider.refresh()),
    onServer('xpra.localServers.attach', 'Xpra: Attach to Local Server', (server) => attachLocalServer(controller, server)),
    onServer('xpra.localServers.showLog', 'Xpra: Show Local Server Log', showServerLog),
    onServer('xpra.localServers.copyUri', 'Xpra: Copy Server URI', async (server) => {
      await vscode.env.clipboard.writeText(server.uri);
      return server.uri;
    }),
    onServer('xpra.localServers.copyHttpsUrl', 'Xpra: Copy HTTPS URL', async (server) => {
      await vscode.env.clipboard.writeText(httpsUrl(server));
      return httpsUrl(server);
    }, ['www']),
    onServer('xpra.localServers.exportClientCertificate', 'Xpra: Export Client Certificate for a Browser',
      (server) => exportClientCertificate(server, log), ['www']),
    onServer('xpra.openSessionFile', 'Xpra: Open Session File', openSessionFile),
    onServer('xpra.copySessionFile', 'Xpra: Copy Session File', copySessionFile),
    onServer('xpra.saveSessionFileAs', 'Xpra: Save Session File As', (server) => saveSessionFileAs(server, log)),
  );
  return { provider, start };
}
