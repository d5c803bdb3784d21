import * as vscode from 'vscode';
import type { TlsSettings } from '../client/types';
import type { AttachTarget } from './connection';
import type { AttachCallOptions, XpraController } from './controller';
import { errorMessage, type XpraLog } from './log';
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

/** Attaches with a progress notification and reports failure with the reason. */
export async function attachWithProgress(
  controller: XpraController,
  log: XpraLog,
  target: AttachTarget,
  remember: boolean,
  options: AttachCallOptions = {},
): Promise<boolean> {
  const label = target.label ?? target.uri;
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Xpra: attaching to ${label}…` },
      () => controller.attach(target, options),
    );
  } catch (error) {
    offerLog(log, `Xpra: could not attach to ${label}: ${errorMessage(error)}`);
    return false;
  }
  if (remember) await rememberServer(target.uri, log);
  return true;
}
