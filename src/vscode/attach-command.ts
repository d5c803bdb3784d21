import * as vscode from 'vscode';
import type { TlsSettings } from '../client/types';
import type { AttachTarget } from './connection';
import type { AttachCallOptions, XpraController } from './controller';
import { parseServerUri, type ServerUri } from '../transport';
import { errorMessage, type XpraLog } from './log';
import { isAuthenticationFailure } from './secrets';
import { isTlsVerificationError } from './trust/failure-actions';
import type { TrustService } from './trust/trust-service';
import { addRecentServer, validateServerUri } from './uri-input';

export { validateServerUri };

/** Shows an error with a "Show Log" button, without waiting for a click. */
export function offerLog(log: XpraLog, message: string): void {
  void vscode.window.showErrorMessage(message, 'Show Log').then((action) => {
    if (action === 'Show Log') log.show();
  });
}

/** Returns the `xpra.recentServers` setting, without entries that are not strings. */
export function recentServers(): string[] {
  const value = vscode.workspace.getConfiguration('xpra').get<unknown>('recentServers', []);
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

async function rememberServer(uri: string, log: XpraLog): Promise<void> {
  const list = addRecentServer(recentServers(), uri);
  try {
    await vscode.workspace.getConfiguration('xpra').update('recentServers', list, vscode.ConfigurationTarget.Global);
  } catch (error) {
    log.warn('session', `could not update xpra.recentServers: ${errorMessage(error)}`);
  }
}

interface UriPick extends vscode.QuickPickItem {
  uri?: string;
  typeNew?: boolean;
}

/** Asks for a server URI: recent servers in a quick pick, or an input box that validates. */
export async function pickServerUri(): Promise<string | undefined> {
  const recent = recentServers();
  if (recent.length === 0) return askServerUri();

  const quickPick = vscode.window.createQuickPick<UriPick>();
  quickPick.title = 'Xpra: Attach to Server';
  quickPick.placeholder = 'Pick a recent server or type a URI such as ssl://host:port/';
  quickPick.matchOnDescription = true;
  const recentItems: UriPick[] = recent.map((uri) => ({ label: uri, uri, description: 'recent' }));
  const typeNewItem: UriPick = { label: '$(edit) Enter a server URI…', typeNew: true, alwaysShow: true };
  const refresh = (): void => {
    const typed = quickPick.value.trim();
    const items: UriPick[] = [];
    if (typed && !recent.includes(typed)) {
      const problem = validateServerUri(typed);
      items.push(
        problem
          ? { label: `$(error) ${typed}`, detail: problem, alwaysShow: true }
          : { label: `$(plug) ${typed}`, uri: typed, description: 'attach', alwaysShow: true },
      );
    }
    quickPick.items = [...items, ...recentItems, typeNewItem];
  };
  refresh();

  const choice = await new Promise<UriPick | undefined>((resolve) => {
    quickPick.onDidChangeValue(refresh);
    quickPick.onDidAccept(() => {
      const selected = quickPick.selectedItems[0];
      // An invalid typed URI stays in the box so it can be corrected.
      if (!selected || (!selected.uri && !selected.typeNew)) return;
      resolve(selected);
      quickPick.hide();
    });
    quickPick.onDidHide(() => resolve(undefined));
    quickPick.show();
  });
  quickPick.dispose();
  if (!choice) return undefined;
  return choice.typeNew ? askServerUri() : choice.uri;
}

function askServerUri(): Thenable<string | undefined> {
  return vscode.window
    .showInputBox({
      title: 'Xpra: Attach to Server',
      prompt: 'Server URI: ssl:host:port, ssl://[user@]host:port/ or ssl://[::1]:port/',
      placeHolder: 'ssl://host:port/',
      ignoreFocusOut: true,
      validateInput: validateServerUri,
    })
    .then((value) => value?.trim() || undefined);
}

/** Returns a command argument as a target: a URI string or `{ uri, tls }`. */
export function targetFromArgument(argument: unknown): AttachTarget | undefined {
  if (typeof argument === 'string') return { uri: argument, tls: { verifyMode: 'required' } };
  if (typeof argument !== 'object' || argument === null) return undefined;
  const candidate = argument as { uri?: unknown; tls?: Partial<TlsSettings>; label?: unknown };
  if (typeof candidate.uri !== 'string') return undefined;
  const tls: TlsSettings = { verifyMode: 'required', ...(candidate.tls ?? {}) };
  return { uri: candidate.uri, tls, label: typeof candidate.label === 'string' ? candidate.label : undefined };
}

/**
 * "Xpra: Attach to Server…". Verification is always on for typed URIs. Scripts and tests
 * may pass a URI or `{ uri, tls }` as the argument to skip the prompt.
 */
export async function attachCommand(controller: XpraController, log: XpraLog, argument?: unknown): Promise<boolean> {
  let target = targetFromArgument(argument);
  const typed = target === undefined;
  if (!target) {
    const uri = await pickServerUri();
    if (!uri) return false;
    target = { uri, tls: { verifyMode: 'required' } };
  }
  const problem = validateServerUri(target.uri);
  if (problem) {
    void vscode.window.showErrorMessage(`Xpra: invalid server URI "${target.uri}": ${problem}`);
    return false;
  }
  return attachWithProgress(controller, log, target, typed);
}

/** The trust service of the attach flow, set once at activation. */
let trustService: TrustService | undefined;

/** Sets the service that applies pins and explains TLS failures; undefined turns that off. */
export function setTrustService(service: TrustService | undefined): void {
  trustService = service;
}

export interface AttachFlowOptions extends AttachCallOptions {
  /** The `.xpra` file the target came from, which a trusted CA is written into. */
  sessionFile?: vscode.Uri;
}

/**
 * Attaches with a progress notification. A failed TLS check gets one notification with the
 * choices that fit it. A missing key passphrase is requested in an input box. Other failures
 * are reported with the reason.
 */
export async function attachWithProgress(
  controller: XpraController,
  log: XpraLog,
  target: AttachTarget,
  remember: boolean,
  options: AttachFlowOptions = {},
): Promise<boolean> {
  const label = target.label ?? target.uri;
  const server = serverOf(target.uri);
  const trust = server ? trustService : undefined;
  const prepared = trust && server ? await trust.prepare(target, server.host, server.port, server.username) : target;
  const retry = (next: AttachTarget, nextOptions: AttachFlowOptions = options): Promise<boolean> =>
    attachWithProgress(controller, log, next, remember, nextOptions);
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Xpra: attaching to ${label}…` },
      () => controller.attach(prepared, options),
    );
  } catch (error) {
    if (trust && server) {
      if (isTlsVerificationError(error)) {
        trust.explainFailure(error, { target: prepared, sessionFile: options.sessionFile, retry: (next) => retry(next) });
        return false;
      }
      const withPassphrase = await trust.askPassphrase(error, prepared, server.host, server.port, server.username);
      if (withPassphrase) return retry(withPassphrase);
    }
    if (isAuthenticationFailure(error)) {
      // No automatic retry: the person enters the password again, or leaves it.
      offerPasswordRetry(log, `Xpra: could not attach to ${label}: ${errorMessage(error)}`, () => retry(target, { ...options, password: undefined }));
      return false;
    }
    offerLog(log, `Xpra: could not attach to ${label}: ${errorMessage(error)}`);
    return false;
  }
  if (trust && server) await trust.attached(prepared, server.host, server.port, server.username);
  if (remember) await rememberServer(target.uri, log);
  return true;
}

function serverOf(uri: string): ServerUri | undefined {
  try {
    return parseServerUri(uri);
  } catch {
    return undefined;
  }
}

function offerPasswordRetry(log: XpraLog, message: string, retry: () => Promise<boolean>): void {
  void vscode.window.showErrorMessage(message, 'Enter Password Again', 'Show Log').then((action) => {
    if (action === 'Show Log') log.show();
    if (action === 'Enter Password Again') void retry();
  });
}
