import * as vscode from 'vscode';
import { attachCommand, attachWithProgress, setTrustService } from './attach-command';
import { checkServerCertificateCommand } from './check-certificate';
import type { AttachTarget } from './connection';
import { XpraController, type ConnectionSummary } from './controller';
import type { StartedLocalServer } from './local-server';
import { registerLocalServers, type LocalServerItem } from './local-servers';
import { errorMessage, XpraLog } from './log';
import { ATTACH_COMMAND, registerSessionFileLanguage } from './language';
import { WINDOW_VIEW_TYPE } from './panel';
import { attachSessionFileCommand } from './session-file-command';
import { XpraStatusBar } from './statusbar';
import { TrustService, type RecordedFailure } from './trust/trust-service';
import type { TrustEntry } from './trust/trust-store';
import { AttachLinkHandler } from './uri-handler';

/**
 * Set to `start-local-server` to start and attach a local server as soon as the extension
 * activates. `npm run demo` sets it, so no person has to run the command.
 */
export const DEMO_ENVIRONMENT_VARIABLE = 'XPRA_SESSIONS_DEMO';

/** The API that `activate` returns, for the integration tests and for scripts. */
export interface XpraExtensionApi {
  attach(target: AttachTarget): Promise<boolean>;
  /** Starts with the remembered choices, or with those of `choices` ({ start, mode, port, display }). */
  startLocalServer(choices?: unknown): Promise<StartedLocalServer | undefined>;
  /** Returns the items of the "Local Servers" view, listed afresh. */
  localServerItems(): Promise<LocalServerItem[]>;
  connections(): ConnectionSummary[];
  statusText(): string;
  disconnectAll(): void;
  /** Server trust, for tests: the same steps the notifications' choices take. */
  trust: {
    entries(): TrustEntry[];
    pin(host: string, port: number, fingerprint: string, subject: string, replace?: boolean): Promise<void>;
    /** Trusts a CA file for host and port, writing it into `sessionFile` as ssl-ca-data when given. */
    trustCaFile(host: string, port: number, caFile: string, sessionFile?: string): Promise<void>;
    remove(kind: TrustEntry['kind'], host: string, port: number): Promise<boolean>;
    /** TLS failures explained in this window, oldest first. */
    failures(): RecordedFailure[];
    /**
     * Opens an attach link as the URI handler does, with `confirm` as the modal's result.
     * Resolves with whether the session started and the modal's detail text.
     */
    openLink(link: string, confirm: boolean): Promise<{ attached: boolean; detail?: string }>;
  };
}

export function activate(context: vscode.ExtensionContext): XpraExtensionApi {
  const log = new XpraLog();
  const sessions = new XpraController(context, log);
  const statusBar = new XpraStatusBar(sessions);
  context.subscriptions.push(log, sessions, statusBar);
  const trust = new TrustService(context, log);
  setTrustService(trust);
  sessions.setAttachFlow((target) => attachWithProgress(sessions, log, target, false));
  context.subscriptions.push(
    { dispose: () => setTrustService(undefined) },
    vscode.window.registerUriHandler(new AttachLinkHandler(sessions, log, trust)),
  );

  const localServers = registerLocalServers(context, sessions, log);
  const startLocal = (argument?: unknown): Promise<StartedLocalServer | undefined> => localServers.start(argument);
  context.subscriptions.push(
    vscode.commands.registerCommand('xpra.attach', (argument?: unknown) => attachCommand(sessions, log, argument)),
    vscode.commands.registerCommand('xpra.disconnect', () => disconnectCommand(sessions)),
    vscode.commands.registerCommand('xpra.showLog', () => log.show()),
    vscode.commands.registerCommand('xpra.checkServerCertificate', (argument?: unknown) =>
      checkServerCertificateCommand(sessions, log, argument),
    ),
    vscode.commands.registerCommand('xpra.manageTrustedCertificates', () => trust.manageCommand()),
    vscode.commands.registerCommand(ATTACH_COMMAND, (argument?: unknown) => attachSessionFileCommand(sessions, log, argument)),
    vscode.window.registerWebviewPanelSerializer(WINDOW_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => sessions.restorePanel(panel),
    }),
  );

  registerSessionFileLanguage(context, log);

  log.info('extension', `activated in ${vscode.env.appName} ${vscode.version} (${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'})`);
  if (process.env[DEMO_ENVIRONMENT_VARIABLE] === 'start-local-server') {
    log.info('extension', `${DEMO_ENVIRONMENT_VARIABLE} is set: starting a local server`);
    void startLocal().catch((error: unknown) => log.error('server', `demo start failed: ${errorMessage(error)}`));
  }

  return {
    attach: (target) => attachCommand(sessions, log, target),
    startLocalServer: startLocal,
    localServerItems: () => localServers.provider.getChildren(),
    connections: () => sessions.summaries(),
    statusText: () => statusBar.text,
    disconnectAll: () => sessions.disconnect(),
    trust: {
      entries: () => trust.store.list(),
      pin: async (host, port, fingerprint, subject, replace) => {
        await trust.pin(host, port, fingerprint, subject, replace);
      },
      trustCaFile: async (host, port, caFile, sessionFile) => {
        await trust.trustCaFile(host, port, vscode.Uri.file(caFile), sessionFile === undefined ? undefined : vscode.Uri.file(sessionFile));
      },
      remove: (kind, host, port) => trust.store.remove(kind, host, port),
      failures: () => trust.recentFailures(),
      openLink: async (link, confirm) => {
        let detail: string | undefined;
        const handler = new AttachLinkHandler(sessions, log, trust, (_link, text) => {
          detail = text;
          return Promise.resolve(confirm);
        });
        const attached = await handler.open(vscode.Uri.parse(link));
        return { attached, detail };
      },
    },
  };
}

/** Nothing to do: the disposables in context.subscriptions end the sessions. Local servers keep running. */
export function deactivate(): void {}

interface ConnectionPick extends vscode.QuickPickItem {
  id: number;
}

async function disconnectCommand(sessions: XpraController): Promise<void> {
  const live = sessions.live;
  if (live.length === 0) {
    void vscode.window.showInformationMessage('Xpra: no session is attached.');
    return;
  }
  if (live.length === 1) {
    sessions.disconnect(live[0]);
    return;
  }
  const picked = await vscode.window.showQuickPick<ConnectionPick>(
    [
      ...live.map((connection) => ({ label: connection.label, description: connection.state, id: connection.id })),
      { label: 'All sessions', id: -1 },
    ],
    { title: 'Xpra: Disconnect', placeHolder: 'Pick the session to end' },
  );
  if (!picked) return;
  if (picked.id === -1) sessions.disconnect();
  else sessions.disconnect(live.find((connection) => connection.id === picked.id));
}
