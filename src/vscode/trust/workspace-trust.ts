/** Workspace trust for session files: what an untrusted workspace's `.xpra` file may do. */
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { XpraLog } from '../log';
import { findUntrustedUses } from './workspace-rules';

/**
 * In an untrusted workspace, reports the command options of a session file as ignored and
 * shows a modal before files outside the workspace are read. Returns false when the person
 * declines, and true at once in a trusted workspace.
 */
export async function allowSessionFileInWorkspace(
  values: ReadonlyMap<string, unknown>,
  sessionFile: vscode.Uri,
  log: XpraLog,
): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
  const findings = findUntrustedUses(values, sessionFile.fsPath, folders, os.homedir());
  if (findings.commandKeys.length > 0) {
    // This client never runs these options, and the warning states that.
    const keys = findings.commandKeys.join(', ');
    log.warn('session-file', `${sessionFile.fsPath}: ${keys} ignored: the workspace is not trusted`);
    void vscode.window.showWarningMessage(
      `Xpra: ${keys} in ${vscode.workspace.asRelativePath(sessionFile)} will not run, because this workspace is not trusted.`,
    );
  }
  if (findings.outsideFiles.length === 0) return true;
  const button = 'Read These Files';
  const answer = await vscode.window.showWarningMessage(
    `${vscode.workspace.asRelativePath(sessionFile)} reads files outside this untrusted workspace. Read them?`,
    { modal: true, detail: findings.outsideFiles.map((file) => `${file.key}: ${file.path}`).join('\n') },
    button,
  );
  if (answer === button) {
    log.info('session-file', `${sessionFile.fsPath}: reading files outside the untrusted workspace at your request`);
    return true;
  }
  log.info('session-file', `${sessionFile.fsPath}: attach cancelled, files outside the untrusted workspace were not read`);
  return false;
}
