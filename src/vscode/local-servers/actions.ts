/**
 * Actions on one local server of ours, from the "Local Servers" view or the command
 * palette: attach, stop, log, URIs, the session file, and the client certificate for a
 * browser. Each takes a view item, a server id or session file path,
 * or shows a quick pick.
 */
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { listLocalServers, type LocalServer } from '../engine';
import { errorMessage, type XpraLog } from '../log';
import { exportPkcs12 } from './pkcs12';
import { OwnServerItem } from './view';

interface ServerPick extends vscode.QuickPickItem {
  server: LocalServer;
}

/**
 * Returns the server an action was run on: the view item, the server itself, its id or its
 * session file. Without one it shows a quick pick, and `modes` limits the choice (the HTTPS actions need `www`).
 */
export async function resolveServer(
  stateDir: string,
  argument: unknown,
  title: string,
  modes?: readonly LocalServer['mode'][],
): Promise<LocalServer | undefined> {
  if (argument instanceof OwnServerItem) return argument.server;
  let servers: LocalServer[];
  try {
    const listed = await listLocalServers(stateDir, { includeOthers: false });
    servers = listed.flatMap((entry) => (entry.ours ? [entry.server] : []));
  } catch (error) {
    void vscode.window.showErrorMessage(`Xpra: could not list the local servers: ${errorMessage(error)}`);
    return undefined;
  }
  const key = argument instanceof vscode.Uri ? argument.fsPath : argument;
  const given = typeof key === 'string' ? servers.find((each) => each.id === key || each.sessionFile === key) : undefined;
  if (given) return given;
  if (typeof key === 'string') {
    void vscode.window.showErrorMessage(`Xpra: no running local server of this extension has the id or session file ${key}.`);
    return undefined;
  }
  const candidates = modes ? servers.filter((each) => modes.includes(each.mode)) : servers;
  if (candidates.length === 0) {
    const kind = modes ? ` in ${modes.join(' or ')} mode` : '';
    void vscode.window.showInformationMessage(`Xpra: no local server${kind} started by this extension is running.`);
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  const picked = await vscode.window.showQuickPick<ServerPick>(
    candidates.map((each) => ({
      label: `:${each.display} ${each.start}`,
      description: `${each.mode} ${each.uri}`,
      detail: `pid ${each.pid}, started ${each.startedAt}`,
      server: each,
    })),
    { title, placeHolder: 'Pick a local server' },
  );
  return picked?.server;
}

/** Returns the address of xpra's HTML5 client on a `www` server. */
export function httpsUrl(server: LocalServer): string {
  return `https://127.0.0.1:${server.port}/`;
}

export async function showServerLog(server: LocalServer): Promise<void> {
  await vscode.window.showTextDocument(vscode.Uri.file(server.logFile), { preview: true });
}

export async function openSessionFile(server: LocalServer): Promise<void> {
  await vscode.window.showTextDocument(vscode.Uri.file(server.sessionFile));
}

/** Copies the text of the session file, which names the client certificate by absolute path. */
export async function copySessionFile(server: LocalServer): Promise<void> {
  await vscode.env.clipboard.writeText(await fs.readFile(server.sessionFile, 'utf8'));
  void vscode.window.showInformationMessage(`Xpra: copied the session file of local server :${server.display}.`);
}

/**
 * Saves a copy of the session file where the person chooses. The copy keeps the absolute
 * paths of the client certificate and key, so it attaches from any folder on this machine.
 * It is written with mode 0600, because it may name a password file.
 */
export async function saveSessionFileAs(server: LocalServer, log: XpraLog): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `local-server-${server.display}.xpra`;
  const target = await vscode.window.showSaveDialog({
    title: `Xpra: Save the session file of local server :${server.display}`,
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: { 'Xpra session files': ['xpra'] },
  });
  if (!target) return undefined;
  await fs.writeFile(target.fsPath, await fs.readFile(server.sessionFile), { mode: 0o600 });
  await fs.chmod(target.fsPath, 0o600);
  log.info('server', `saved the session file of ${server.id} as ${target.fsPath}`);
  void vscode.window.showInformationMessage(`Xpra: saved ${path.basename(target.fsPath)}.`);
  return target;
}

/**
 * Exports the client certificate and key as a password-protected PKCS#12 file, for a
 * browser that opens the HTML5 client of a `www` server.
 */
export async function exportClientCertificate(server: LocalServer, log: XpraLog): Promise<vscode.Uri | undefined> {
  const password = await vscode.window.showInputBox({
    title: 'Xpra: Export Client Certificate for a Browser',
    prompt: 'Password that protects the PKCS#12 file. The browser asks for it on import.',
    password: true,
    validateInput: (value) => (value === '' ? 'Enter a password: browsers need one to import the file.' : undefined),
  });
  if (password === undefined) return undefined;
  const home = process.env.HOME;
  const target = await vscode.window.showSaveDialog({
    title: 'Xpra: Save the client certificate (PKCS#12)',
    defaultUri: home ? vscode.Uri.file(path.join(home, 'xpra-sessions-client.p12')) : undefined,
    filters: { 'PKCS#12 files': ['p12', 'pfx'] },
  });
  if (!target) return undefined;
  try {
    await exportPkcs12({
      certFile: server.clientCertFile,
      keyFile: server.clientKeyFile,
      caCertFile: server.caCertFile,
      outputFile: target.fsPath,
      password,
      name: 'xpra-sessions client',
    });
  } catch (error) {
    log.error('server', errorMessage(error));
    void vscode.window.showErrorMessage(`Xpra: ${errorMessage(error)}`);
    return undefined;
  }
  log.info('server', `exported the client certificate of ${server.id} to ${target.fsPath}`);
  void vscode.window.showInformationMessage(
    `Xpra: saved ${path.basename(target.fsPath)}. Import it in the browser's certificate settings, `
      + `trust ${server.caCertFile} as an authority for websites, then open ${httpsUrl(server)}.`,
    'Copy HTTPS URL',
  ).then((action) => {
    if (action) void vscode.env.clipboard.writeText(httpsUrl(server));
  });
  return target;
}
