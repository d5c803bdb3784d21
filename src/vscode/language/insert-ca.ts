/** "Xpra: Insert CA Certificate…": picks a PEM or DER file and writes `ssl-ca-data`. */
import { X509Certificate } from 'node:crypto';
import * as vscode from 'vscode';
import type { Logger } from '../../client/types';
import { CA_DATA_FORMS, caDataFormFor, insertCaData } from '../../session-file';
import { summarizeCertificate } from '../../transport';
import { isSessionDocument, parseDocument, targetVersion, toVscodeRange } from './documents';

/** Reads a certificate file as PEM text, converting DER. */
export function certificateFileToPem(bytes: Uint8Array, name: string): string {
  const text = Buffer.from(bytes).toString('latin1');
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    return text;
  }
  try {
    return new X509Certificate(Buffer.from(bytes)).toString();
  } catch {
    throw new Error(`${name} is neither a PEM nor a DER certificate`);
  }
}

export async function insertCaCertificateCommand(
  logger: Logger,
  argument?: unknown,
): Promise<boolean> {
  const editor = await sessionEditor(argument);
  if (!editor) {
    void vscode.window.showErrorMessage(
      'Xpra: open a .xpra session file to insert a CA certificate into.',
    );
    return false;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Insert',
    title: 'Insert CA Certificate',
    filters: { Certificates: ['pem', 'crt', 'cer', 'der'], 'All files': ['*'] },
  });
  if (!picked || picked.length === 0) {
    return false;
  }
  const file = picked[0];
  try {
    const pem = certificateFileToPem(await vscode.workspace.fs.readFile(file), file.fsPath);
    const version = targetVersion(editor.document.uri);
    const edit = insertCaData(parseDocument(editor.document), pem, version);
    const applied = await editor.edit((builder) =>
      builder.replace(toVscodeRange(edit.range), edit.newText),
    );
    const summary = summarizeCertificate(pem);
    logger.info(
      'session-file',
      `inserted ssl-ca-data for ${summary.subject} (SHA-256 ${summary.fingerprint256}) into ${editor.document.uri.fsPath}`,
    );
    void vscode.window.showInformationMessage(
      `Xpra: inserted ${summary.commonName} as ${CA_DATA_FORMS[caDataFormFor(version)]}.`,
    );
    return applied;
  } catch (error) {
    logger.warn('session-file', `cannot insert ${file.fsPath}: ${(error as Error).message}`);
    void vscode.window.showErrorMessage(
      `Xpra: cannot insert ${file.fsPath}: ${(error as Error).message}`,
    );
    return false;
  }
}

async function sessionEditor(argument: unknown): Promise<vscode.TextEditor | undefined> {
  if (argument instanceof vscode.Uri) {
    const document = await vscode.workspace.openTextDocument(argument);
    return vscode.window.showTextDocument(document);
  }
  const editor = vscode.window.activeTextEditor;
  return editor && isSessionDocument(editor.document) ? editor : undefined;
}
