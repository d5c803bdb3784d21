import * as vscode from 'vscode';
import { checkTls, formatTlsCheck, type TlsCheckResult } from '../transport';
import { pickServerUri, targetFromArgument, validateServerUri } from './attach-command';
import type { XpraController } from './controller';
import { errorMessage, type XpraLog } from './log';

/**
 * "Xpra: Check Server Certificate": connects to a server, verifies its certificate chain
 * as an attach would, and opens the report (chain, result, SHA-256 fingerprints) in an
 * editor. Takes a URI or `{ uri, tls }`. Without one, it prompts for a URI and reuses the TLS
 * settings of a live session to the same server, such as a local server's CA.
 */
export async function checkServerCertificateCommand(
  controller: XpraController,
  log: XpraLog,
  argument?: unknown,
): Promise<TlsCheckResult | undefined> {
  let target = targetFromArgument(argument);
  if (!target) {
    const uri = await pickServerUri();
    if (!uri) return undefined;
    const live = controller.live.find((connection) => connection.target.uri === uri);
    target = live ? live.target : { uri, tls: { verifyMode: 'required' } };
  }
  const problem = validateServerUri(target.uri);
  if (problem) {
    void vscode.window.showErrorMessage(`Xpra: invalid server URI "${target.uri}": ${problem}`);
    return undefined;
  }
  const timeoutSeconds = vscode.workspace.getConfiguration('xpra').get<number>('connection.timeoutSeconds', 20);
  const checked = target;
  let result: TlsCheckResult;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Xpra: checking the certificate of ${checked.uri}…` },
      () => checkTls(checked.uri, checked.tls, { timeoutMs: Math.max(1, timeoutSeconds) * 1000 }),
    );
  } catch (error) {
    log.error('tls', `certificate check of ${checked.uri} failed: ${errorMessage(error)}`);
    void vscode.window.showErrorMessage(`Xpra: could not check ${checked.uri}: ${errorMessage(error)}`);
    return undefined;
  }
  const report = formatTlsCheck(result);
  for (const line of report.split('\n')) log.info('tls', line);
  const document = await vscode.workspace.openTextDocument({ content: `${report}\n`, language: 'plaintext' });
  await vscode.window.showTextDocument(document, { preview: true });
  if (result.verified) {
    void vscode.window.showInformationMessage(`Xpra: the certificate of ${checked.uri} is valid.`);
  } else {
    void vscode.window.showWarningMessage(
      `Xpra: the certificate of ${checked.uri} failed verification: ${result.failure?.message ?? 'unknown reason'}`,
    );
  }
  return result;
}
