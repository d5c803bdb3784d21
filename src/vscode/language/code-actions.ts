/**
 * Quick fixes from the validator, and refactorings of the CA settings: inline an
 * `ssl-ca-certs` file, save `ssl-ca-data` as a PEM file, convert between its forms.
 */
import * as vscode from 'vscode';
import type { Logger } from '../../client/types';
import { decodeCaData } from '../../transport';
import {
  caDataConversions,
  comparePositions,
  inlineCaCertificates,
  readerValues,
  type Entry,
  type Fix,
  type TextEdit,
} from '../../session-file';
import { passwordKey } from '../secrets';
import type { SessionFileDiagnostics } from './diagnostics';
import { fromVscodePosition, parseDocument, targetVersion, toVscodeRange } from './documents';
import { toVscodeDiagnostic } from './diagnostics';

export const MOVE_PASSWORD_COMMAND = 'xpra.sessionFile.movePasswordToSecrets';
export const INLINE_CA_COMMAND = 'xpra.sessionFile.inlineCaCertificates';
export const SAVE_CA_COMMAND = 'xpra.sessionFile.saveCaDataAsPem';

function toWorkspaceEdit(uri: vscode.Uri, edits: TextEdit[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const item of edits) {
    edit.replace(uri, toVscodeRange(item.range), item.newText);
  }
  return edit;
}

export class SessionFileCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite];

  constructor(private readonly diagnostics: SessionFileDiagnostics) {}

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const start = fromVscodePosition(range.start);
    const end = fromVscodePosition(range.end);
    for (const diagnostic of this.diagnostics.current(document)) {
      if (
        comparePositions(diagnostic.range.end, start) < 0 ||
        comparePositions(diagnostic.range.start, end) > 0
      ) {
        continue;
      }
      for (const fix of diagnostic.fixes ?? []) {
        actions.push(this.quickFix(document, fix, toVscodeDiagnostic(document.uri, diagnostic)));
      }
    }
    const entry = parseDocument(document).entries.find((item) =>
      item.lines.includes(range.start.line),
    );
    if (entry) {
      actions.push(...refactorings(document, entry));
    }
    return actions;
  }

  private quickFix(
    document: vscode.TextDocument,
    fix: Fix,
    diagnostic: vscode.Diagnostic,
  ): vscode.CodeAction {
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    action.isPreferred = fix.preferred;
    if (fix.action) {
      action.command = {
        title: fix.title,
        command: MOVE_PASSWORD_COMMAND,
        arguments: [document.uri, fix],
      };
    } else {
      action.edit = toWorkspaceEdit(document.uri, fix.edits);
    }
    return action;
  }
}

function refactorings(document: vscode.TextDocument, entry: Entry): vscode.CodeAction[] {
  const actions: vscode.CodeAction[] = [];
  if (entry.key === 'ssl-ca-certs' && entry.value.startsWith('/')) {
    const action = new vscode.CodeAction(
      'Inline the CA file as ssl-ca-data',
      vscode.CodeActionKind.RefactorRewrite,
    );
    action.command = {
      title: action.title,
      command: INLINE_CA_COMMAND,
      arguments: [document.uri, entry.index],
    };
    actions.push(action);
  }
  if (entry.key === 'ssl-ca-data' && entry.value !== '') {
    for (const conversion of caDataConversions(entry.value)) {
      const action = new vscode.CodeAction(conversion.title, vscode.CodeActionKind.RefactorRewrite);
      action.edit = toWorkspaceEdit(document.uri, [
        { range: entry.valueRange, newText: conversion.value },
      ]);
      actions.push(action);
    }
    const save = new vscode.CodeAction(
      'Save ssl-ca-data as a PEM file…',
      vscode.CodeActionKind.RefactorRewrite,
    );
    save.command = {
      title: save.title,
      command: SAVE_CA_COMMAND,
      arguments: [document.uri, entry.index],
    };
    actions.push(save);
  }
  return actions;
}

async function entryOf(
  uri: vscode.Uri,
  index: number,
): Promise<{ document: vscode.TextDocument; entry: Entry } | undefined> {
  const document = await vscode.workspace.openTextDocument(uri);
  const entry = parseDocument(document).entries[index];
  return entry ? { document, entry } : undefined;
}

/** Stores the file's password in SecretStorage under the key attach reads, then removes the line. */
export async function movePasswordToSecrets(
  secrets: vscode.SecretStorage,
  logger: Logger,
  uri: vscode.Uri,
  fix: Fix,
): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  const values = readerValues(parseDocument(document));
  const text = (key: string) => {
    const value = values.get(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const host = text('host');
  const port = Number(text('port'));
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535 || !fix.action) {
    void vscode.window.showErrorMessage(
      'Xpra: set a valid host and port before moving the password, because the secret is stored per user, host and port.',
    );
    return;
  }
  const key = passwordKey({ username: text('username'), host, port });
  await secrets.store(key, fix.action.value);
  logger.info(
    'session-file',
    `stored the password of ${uri.fsPath} in secret storage for ${text('username') ?? ''}@${host}:${port}`,
  );
  await vscode.workspace.applyEdit(toWorkspaceEdit(uri, fix.edits));
}

export async function inlineCaCertificatesCommand(
  logger: Logger,
  uri: vscode.Uri,
  index: number,
): Promise<void> {
  const found = await entryOf(uri, index);
  if (!found || found.entry.key !== 'ssl-ca-certs') {
    return;
  }
  let pem: string;
  try {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(found.entry.value));
    pem = Buffer.from(bytes).toString('utf8');
  } catch (error) {
    logger.warn('session-file', `cannot read ${found.entry.value}: ${(error as Error).message}`);
    void vscode.window.showErrorMessage(
      `Xpra: cannot read ${found.entry.value}: ${(error as Error).message}`,
    );
    return;
  }
  try {
    const edit = inlineCaCertificates(found.entry, pem, targetVersion(uri));
    await vscode.workspace.applyEdit(toWorkspaceEdit(uri, [edit]));
  } catch (error) {
    logger.warn(
      'session-file',
      `${found.entry.value} is not a PEM certificate file: ${(error as Error).message}`,
    );
    void vscode.window.showErrorMessage(
      `Xpra: ${found.entry.value} is not a PEM certificate file: ${(error as Error).message}`,
    );
  }
}

export async function saveCaDataAsPemCommand(
  logger: Logger,
  uri: vscode.Uri,
  index: number,
): Promise<void> {
  const found = await entryOf(uri, index);
  if (!found || found.entry.key !== 'ssl-ca-data') {
    return;
  }
  let pem: string;
  try {
    pem = decodeCaData(found.entry.value);
  } catch (error) {
    logger.warn(
      'session-file',
      `ssl-ca-data of ${uri.fsPath} is invalid: ${(error as Error).message}`,
    );
    void vscode.window.showErrorMessage(
      `Xpra: ssl-ca-data is invalid: ${(error as Error).message}`,
    );
    return;
  }
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(uri, '..', 'ca.pem'),
    filters: { 'PEM certificates': ['pem', 'crt'] },
    title: 'Save ssl-ca-data as a PEM file',
  });
  if (!target) {
    return;
  }
  await vscode.workspace.fs.writeFile(target, Buffer.from(pem, 'utf8'));
  logger.info('session-file', `saved the ssl-ca-data of ${uri.fsPath} to ${target.fsPath}`);
  void vscode.window.showInformationMessage(`Xpra: saved the CA certificate to ${target.fsPath}.`);
}
