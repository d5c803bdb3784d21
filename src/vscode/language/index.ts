/**
 * VS Code features of the `.xpra` language: live diagnostics, hovers, completion, quick fixes
 * and refactorings, the outline, the attach CodeLens and "Xpra: Insert CA Certificate…".
 */
import * as vscode from 'vscode';
import type { Logger } from '../../client/types';
import type { Fix } from '../../session-file';
import { AutoconnectOffer, SessionFileCodeLens } from './attach';
import {
  INLINE_CA_COMMAND,
  MOVE_PASSWORD_COMMAND,
  SAVE_CA_COMMAND,
  SessionFileCodeActions,
  inlineCaCertificatesCommand,
  movePasswordToSecrets,
  saveCaDataAsPemCommand,
} from './code-actions';
import { SessionFileCompletionProvider } from './completion';
import { SessionFileDiagnostics } from './diagnostics';
import { LANGUAGE_ID } from './documents';
import { SessionFileHoverProvider } from './hover';
import { insertCaCertificateCommand } from './insert-ca';
import { SessionFileOutline } from './outline';

export { certificateFileToPem } from './insert-ca';
export { ATTACH_COMMAND } from './attach';

export function registerSessionFileLanguage(
  context: vscode.ExtensionContext,
  logger: Logger,
): SessionFileDiagnostics {
  const selector: vscode.DocumentSelector = { language: LANGUAGE_ID };
  const diagnostics = new SessionFileDiagnostics(logger);
  context.subscriptions.push(
    diagnostics,
    new AutoconnectOffer(logger),
    vscode.languages.registerHoverProvider(selector, new SessionFileHoverProvider()),
    vscode.languages.registerCompletionItemProvider(
      selector,
      new SessionFileCompletionProvider(),
      '=',
      '/',
    ),
    vscode.languages.registerCodeActionsProvider(
      selector,
      new SessionFileCodeActions(diagnostics),
      {
        providedCodeActionKinds: SessionFileCodeActions.kinds,
      },
    ),
    vscode.languages.registerDocumentSymbolProvider(selector, new SessionFileOutline()),
    vscode.languages.registerCodeLensProvider(selector, new SessionFileCodeLens()),
    vscode.commands.registerCommand('xpra.insertCaCertificate', (argument?: unknown) =>
      insertCaCertificateCommand(logger, argument),
    ),
    vscode.commands.registerCommand(MOVE_PASSWORD_COMMAND, (uri: vscode.Uri, fix: Fix) =>
      movePasswordToSecrets(context.secrets, logger, uri, fix),
    ),
    vscode.commands.registerCommand(INLINE_CA_COMMAND, (uri: vscode.Uri, index: number) =>
      inlineCaCertificatesCommand(logger, uri, index),
    ),
    vscode.commands.registerCommand(SAVE_CA_COMMAND, (uri: vscode.Uri, index: number) =>
      saveCaDataAsPemCommand(logger, uri, index),
    ),
  );
  logger.debug('session-file', 'registered the xpra session-file language features');
  return diagnostics;
}
