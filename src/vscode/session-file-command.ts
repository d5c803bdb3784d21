import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TlsSettings } from '../client/types';
import {
  parseSessionFile,
  readerValues,
  resolveAttachSettings,
  SessionFileError,
  toAttachSettings,
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

/** Turns resolved file settings (see resolveAttachSettings) into a target labelled with the file's name. */
export function sessionFileTarget(settings: SessionAttachSettings, file: string): AttachTarget {
  const tls: TlsSettings = { ...settings.tls };
  return { uri: settings.uri, tls, label: path.basename(file), encodingTuning: settings.encoding };
}

/** "Xpra: Attach with Xpra": attaches with the options of a `.xpra` file. */
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
    // Rejects a file that cannot be attached before anything else is asked.
    toAttachSettings(parsed);
    if (!(await allowSessionFileInWorkspace(readerValues(parsed), uri, log))) return false;
    settings = await resolveAttachSettings(parsed, uri.fsPath);
    password = settings.password;
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
