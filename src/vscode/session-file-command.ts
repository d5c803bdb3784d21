import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TlsSettings } from '../client/types';
import * as fs from 'node:fs/promises';
import {
  parseSessionFile,
  readerValues,
  SessionFileError,
  toAttachSettings,
  type ParsedSessionFile,
  type SessionAttachSettings,
} from '../session-file';
import { attachWithProgress } from './attach-command';
import type { AttachTarget } from './connection';
import type { XpraController } from './controller';
import { errorMessage, type XpraLog } from './log';
import { allowSessionFileInWorkspace } from './trust/workspace-trust';

/** Returns the `.xpra` file the command was run on: its argument, the active editor, or a picked file. */
async function sessionFileUri(argument: unknown): Promise<vscode.Uri | undefined> {
  if (argument instanceof vscode.Uri) return argument;
  if (typeof argument === 'string' && argument) return vscode.Uri.file(argument);
  const document = vscode.window.activeTextEditor?.document;
  if (document?.languageId === 'xpra') return document.uri;
  const picked = await vscode.window.showOpenDialog({
    title: 'Xpra: Attach with a Session File',
    canSelectMany: false,
    filters: { 'Xpra session files': ['xpra'] },
  });
  return picked?.[0];
}

async function readText(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open) return open.getText();
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/**
 * Returns the password in the file named by xpra's `password-file` option (relative to the
 * session file's folder), without its trailing newline, or undefined when the option is unset.
 */
async function readPasswordFile(parsed: ParsedSessionFile, file: string): Promise<string | undefined> {
  const value = readerValues(parsed).get('password-file');
  if (typeof value !== 'string' || value === '') return undefined;
  const passwordFile = path.resolve(path.dirname(file), value);
  try {
    return (await fs.readFile(passwordFile, 'utf8')).replace(/\r?\n$/, '');
  } catch (error) {
    throw new SessionFileError(`cannot read password-file ${passwordFile}: ${errorMessage(error)}`);
  }
}

/** Turns the file's settings into a target; relative certificate and key paths are read from the file's folder. */
export function sessionFileTarget(settings: SessionAttachSettings, file: string): AttachTarget {
  const folder = path.dirname(file);
  const resolve = (value: string | undefined): string | undefined =>
    value === undefined ? undefined : path.resolve(folder, value.replace(/^~(?=$|\/)/, process.env.HOME ?? '~'));
  const tls: TlsSettings = { ...settings.tls };
  if (tls.caCertFile !== undefined) tls.caCertFile = resolve(tls.caCertFile);
  if (tls.certFile !== undefined) tls.certFile = resolve(tls.certFile);
  if (tls.keyFile !== undefined) tls.keyFile = resolve(tls.keyFile);
  return { uri: settings.uri, tls, label: path.basename(file) };
}

/** "Xpra: Attach with This Session File": attaches with the options of a `.xpra` file. */
export async function attachSessionFileCommand(
  controller: XpraController,
  log: XpraLog,
  argument?: unknown,
): Promise<boolean> {
  const uri = await sessionFileUri(argument);
  if (!uri) return false;
  let settings: SessionAttachSettings;
  let password: string | undefined;
  try {
    const parsed = parseSessionFile(await readText(uri));
    settings = toAttachSettings(parsed);
    if (!(await allowSessionFileInWorkspace(readerValues(parsed), uri, log))) return false;
    password = settings.password ?? (await readPasswordFile(parsed, uri.fsPath));
  } catch (error) {
    const why = error instanceof SessionFileError ? error.message : `could not read it: ${errorMessage(error)}`;
    void vscode.window.showErrorMessage(`Xpra: cannot attach with ${path.basename(uri.fsPath)}: ${why}`);
    return false;
  }
  if (!settings.checkHostname) {
    // NOTE: the client has no switch for this, so the check stays on; ssl-server-hostname
    // names another host to check instead.
    log.warn('tls', `${uri.fsPath}: ssl-check-hostname=no is ignored and the host name is checked`);
  }
  const target = sessionFileTarget(settings, uri.fsPath);
  return attachWithProgress(controller, log, target, false, { password, sessionFile: uri });
}
