import * as vscode from 'vscode';
import { offerLog } from './attach-command';
import type { AttachTarget } from './connection';
import type { XpraController } from './controller';
import {
  listLocalServers, ServerStartError, startLocalServer, stopLocalServer, XpraMissingError, type LocalServer,
} from './engine';
import {
  describeStartChoices, parseStartChoices, readStartChoices, type StartChoices,
} from './local-servers/choices';
import { errorMessage, type XpraLog } from './log';


/** Pause before the second attach to a server that was just started, in ms. */
const FIRST_ATTACH_RETRY_MS = 1000;
/** Returns the target of a local server: verified against its CA, with its client certificate. */
export function localServerTarget(server: LocalServer): AttachTarget {
  return {
    uri: server.uri,
    tls: {
      verifyMode: 'required',
      caCertFile: server.caCertFile,
      certFile: server.clientCertFile,
      keyFile: server.clientKeyFile,
    },
    label: `local server :${server.display}`,
    localServerId: server.id,
    passwordFile: server.passwordFile,
  };
}

/** Returns the folder of this extension's server certificates, keys and state files. */
export function localStateDir(context: vscode.ExtensionContext): string {
  return context.globalStorageUri.fsPath;
}

export interface StartedLocalServer {
  server: LocalServer;
  attached: boolean;
}

/**
 * Attaches to a server of ours. In `tcp` mode the password comes from the server's password
 * file, which the target names, so a later reattach reads it again.
 */
export async function attachLocalServer(controller: XpraController, server: LocalServer): Promise<void> {
  const target = localServerTarget(server);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Xpra: attaching to ${target.label}…` },
    () => controller.attach(target),
  );
}

/**
 * "Xpra: Start Local Secured Server": starts xpra on 127.0.0.1 with the choices remembered
 * for this workspace, then attaches to it, and its first window opens in a tab. An
 * `argument` object with start, mode, port or display overrides them for this start only.
 */
export async function startLocalServerCommand(
  context: vscode.ExtensionContext,
  controller: XpraController,
  log: XpraLog,
  argument?: unknown,
): Promise<StartedLocalServer | undefined> {
  const defaultStart = vscode.workspace.getConfiguration('xpra').get<string>('localServer.command', 'xterm');
  let choices: StartChoices;
  try {
    const given = argument instanceof vscode.Uri ? {} : parseStartChoices(argument);
    choices = { ...readStartChoices(context.workspaceState, defaultStart), ...given };
  } catch (error) {
    void vscode.window.showErrorMessage(`Xpra: cannot start a local server: ${errorMessage(error)}`);
    return undefined;
  }
  let server: LocalServer;
  try {
    server = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Xpra: starting a local server with ${choices.start}…` },
      () => startLocalServer({ stateDir: localStateDir(context), ...choices, logger: log }),
    );
  } catch (error) {
    log.error('server', `starting a local server (${describeStartChoices(choices)}) failed: ${errorMessage(error)}`);
    showStartError(error, log);
    return undefined;
  }
  log.info('server', `local server :${server.display} (pid ${server.pid}) listens on ${server.uri}`);
  try {
    await attachLocalServer(controller, server);
  } catch (first) {
    // Under heavy load, a server that had just passed its readiness check once failed the
    // first handshake with "invalid alert". One more try after a pause is cheap, and both are logged.
    log.warn('server', `first attach to the new server ${server.uri} failed: ${errorMessage(first)}; trying once more`);
    await new Promise((resolve) => setTimeout(resolve, FIRST_ATTACH_RETRY_MS));
    try {
      await attachLocalServer(controller, server);
    } catch (error) {
      offerLog(log, `Xpra: the local server started (${server.uri}) but attaching failed: ${errorMessage(error)}`);
      return { server, attached: false };
    }
  }
  return { server, attached: true };
}

/**
 * Shows why a start failed: without xpra, the install command with a button that copies it.
 * After a failed start, the last lines of xpra's log with a button that opens the whole log.
 */
function showStartError(error: unknown, log: XpraLog): void {
  if (error instanceof XpraMissingError) {
    void vscode.window.showErrorMessage(`Xpra: ${error.message}`, 'Copy Install Command').then((action) => {
      if (action) void vscode.env.clipboard.writeText(error.installCommand);
    });
    return;
  }
  if (error instanceof ServerStartError) {
    void vscode.window.showErrorMessage(`Xpra: could not start a local server: ${error.message}`, 'Open xpra Log', 'Show Log')
      .then((action) => {
        if (action === 'Open xpra Log') void vscode.window.showTextDocument(vscode.Uri.file(error.logFile));
        if (action === 'Show Log') log.show();
      });
    return;
  }
  offerLog(log, `Xpra: could not start a local server: ${errorMessage(error)}`);
}

interface ServerPick extends vscode.QuickPickItem {
  server: LocalServer;
}

/** "Xpra: Stop Local Server": disconnects from the chosen server of ours and stops it. */
export async function stopLocalServerCommand(
  context: vscode.ExtensionContext,
  controller: XpraController,
  log: XpraLog,
  argument?: unknown,
): Promise<boolean> {
  let servers: LocalServer[];
  try {
    const listed = await listLocalServers(localStateDir(context));
    servers = listed.flatMap((entry) => (entry.ours ? [entry.server] : []));
  } catch (error) {
    void vscode.window.showErrorMessage(`Xpra: could not list the local servers: ${errorMessage(error)}`);
    return false;
  }
  let server = servers.find((each) => each.id === argument || each.sessionFile === argument);
  if (!server) {
    if (servers.length === 0) {
      void vscode.window.showInformationMessage('Xpra: no local server started by this extension is running.');
      return false;
    }
    const picked = await vscode.window.showQuickPick<ServerPick>(
      servers.map((each) => ({
        label: `:${each.display} ${each.start}`,
        description: each.uri,
        detail: `pid ${each.pid}, started ${each.startedAt}`,
        server: each,
      })),
      { title: 'Xpra: Stop Local Server', placeHolder: 'Pick the server to stop' },
    );
    if (!picked) return false;
    server = picked.server;
  }
  const stopping = server;
  for (const connection of controller.live) {
    if (connection.target.localServerId === stopping.id) controller.disconnect(connection);
  }
  try {
    await stopLocalServer(stopping, { stateDir: localStateDir(context), logger: log });
  } catch (error) {
    log.error('server', `stopping local server :${stopping.display} failed: ${errorMessage(error)}`);
    void vscode.window.showErrorMessage(`Xpra: could not stop local server :${stopping.display}: ${errorMessage(error)}`);
    return false;
  }
  log.info('server', `stopped local server :${stopping.display} (pid ${stopping.pid})`);
  return true;
}
