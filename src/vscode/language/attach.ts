/**
 * The attach entry points of a session file: a CodeLens on the first line, and an offer to
 * attach when a file with autoconnect=true opens in a trusted workspace. Neither attaches on
 * its own: both run the `xpra.attachSessionFile` command, which reads the file the same way
 * as the command line (toAttachSettings).
 */
import * as vscode from 'vscode';
import type { Logger } from '../../client/types';
import { readerValues, SessionFileError, toAttachSettings } from '../../session-file';
import { isSessionDocument, parseDocument } from './documents';

export const ATTACH_COMMAND = 'xpra.attachSessionFile';
const TRUE_WORDS = /^(yes|true|1|on)$/i;

export class SessionFileCodeLens implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const parsed = parseDocument(document);
    const first = parsed.entries[0];
    const line = first ? first.range.start.line : 0;
    let title: string;
    try {
      title = `$(plug) Attach to ${toAttachSettings(parsed).uri}`;
    } catch (error) {
      title =
        error instanceof SessionFileError ? `$(plug) Attach (${error.message})` : '$(plug) Attach';
    }
    return [
      new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title,
        command: ATTACH_COMMAND,
        arguments: [document.uri],
      }),
    ];
  }
}

/** Offers to attach, once per file and window, when a trusted file has autoconnect=true. */
export class AutoconnectOffer implements vscode.Disposable {
  private readonly offered = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly logger: Logger) {
    this.subscription = vscode.workspace.onDidOpenTextDocument(
      (document) => void this.consider(document),
    );
    vscode.workspace.textDocuments.forEach((document) => void this.consider(document));
  }

  private async consider(document: vscode.TextDocument): Promise<void> {
    if (
      !isSessionDocument(document) ||
      document.uri.scheme !== 'file' ||
      this.offered.has(document.uri.toString())
    ) {
      return;
    }
    const autoconnect = readerValues(parseDocument(document)).get('autoconnect');
    if (typeof autoconnect !== 'string' || !TRUE_WORDS.test(autoconnect)) {
      return;
    }
    this.offered.add(document.uri.toString());
    if (!vscode.workspace.isTrusted) {
      this.logger.info(
        'session-file',
        `${document.uri.fsPath} has autoconnect=true; not offering to attach in an untrusted workspace`,
      );
      return;
    }
    let target = 'the server';
    try {
      target = toAttachSettings(parseDocument(document)).uri;
    } catch (error) {
      this.logger.debug('session-file', `${document.uri.fsPath}: ${(error as Error).message}`);
    }
    const answer = await vscode.window.showInformationMessage(
      `${vscode.workspace.asRelativePath(document.uri)} has autoconnect=true. Attach to ${target} now?`,
      'Attach',
      'Not Now',
    );
    if (answer === 'Attach') {
      await vscode.commands.executeCommand(ATTACH_COMMAND, document.uri);
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
