/**
 * The VS Code side of server trust. It explains a failed TLS check in one notification and
 * carries out the choice the person makes: trust a CA file, pin the certificate, or connect
 * once without verification. It applies stored pins and CA files to later attaches, and
 * keeps client key passphrases in SecretStorage.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TlsSettings } from '../../client/types';
import { insertCaData, parseSessionFile } from '../../session-file';
import { parsePemCertificates, summarizeCertificate, type TlsVerificationError } from '../../transport';
import type { AttachTarget } from '../connection';
import { certificateFileToPem } from '../language/insert-ca';
import { errorMessage, type XpraLog } from '../log';
import {
  failureLogDetail,
  failureNotification,
  formatHostPort,
  trustActionsFor,
  TRUST_ACTION_LABELS,
  type TrustAction,
} from './failure-actions';
import { isKeyPassphraseError, isWrongPassphrase, passphraseKey } from './secret-keys';
import { TrustStore, type PinEntry, type TrustedCaEntry, type TrustEntry } from './trust-store';

/** The attach that failed, as the trust flow needs it. */
export interface FailedAttach {
  target: AttachTarget;
  /** The `.xpra` file the attach came from, which a trusted CA is written into. */
  sessionFile?: vscode.Uri;
  /** Attaches again with the changed target; resolves true when the session started. */
  retry(target: AttachTarget): Promise<boolean>;
}

/** A failure as the tests see it: the check and the server certificate's SHA-256. */
export interface RecordedFailure {
  check: TlsVerificationError['check'];
  host: string;
  port: number;
  fingerprint?: string;
  message: string;
}

export class TrustService {
  readonly store: TrustStore;
  private readonly failures: RecordedFailure[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: XpraLog,
  ) {
    this.store = new TrustStore(context.globalState);
  }

  /** Returns the failures explained in this window, oldest first, for tests and diagnostics. */
  recentFailures(): RecordedFailure[] {
    return [...this.failures];
  }

  /**
   * Returns the target with the stored pin or trusted CA file of its host and port, and the
   * stored key passphrase, unless the target sets its own. A target without verification is
   * left as it is.
   */
  async prepare(target: AttachTarget, host: string, port: number, username?: string): Promise<AttachTarget> {
    const tls: TlsSettings = { ...target.tls };
    if (tls.verifyMode !== 'none') {
      const pin = this.store.pinFor(host, port);
      if (pin && tls.pinnedFingerprint === undefined) {
        tls.pinnedFingerprint = pin.fingerprint;
        this.log.debug('tls', `${formatHostPort(host, port)}: using the pinned certificate SHA-256 ${pin.fingerprint}`);
      }
      const ca = this.store.caFor(host, port);
      if (ca && tls.caCertFile === undefined && tls.caData === undefined) {
        tls.caCertFile = ca.caFile;
        this.log.debug('tls', `${formatHostPort(host, port)}: trusting the CA file ${ca.caFile}`);
      }
    }
    if (tls.keyFile !== undefined && tls.keyPassphrase === undefined) {
      const stored = await this.context.secrets.get(passphraseKey(host, port, username));
      if (stored !== undefined) tls.keyPassphrase = stored;
    }
    return { ...target, tls };
  }

  /**
   * Asks for the passphrase of an encrypted client key when `error` reports it missing or
   * wrong, and returns the target to retry with, or undefined when `error` is not about the
   * passphrase or the person cancelled. A wrong stored passphrase is deleted first.
   */
  async askPassphrase(error: unknown, target: AttachTarget, host: string, port: number, username?: string): Promise<AttachTarget | undefined> {
    if (!isKeyPassphraseError(error) || target.tls.keyFile === undefined) return undefined;
    const key = passphraseKey(host, port, username);
    await this.context.secrets.delete(key);
    const passphrase = await vscode.window.showInputBox({
      title: `Xpra: passphrase of the client key for ${formatHostPort(host, port)}`,
      prompt: `${path.basename(target.tls.keyFile)} is encrypted: ${isWrongPassphrase(error) ? 'the passphrase was wrong, ' : ''}enter its passphrase.`,
      password: true,
      ignoreFocusOut: true,
    });
    if (passphrase === undefined) {
      this.log.info('auth', `passphrase entry for the client key of ${formatHostPort(host, port)} was cancelled`);
      return undefined;
    }
    return { ...target, tls: { ...target.tls, keyPassphrase: passphrase } };
  }

  /** Stores the key passphrase of a target that attached, so the next attach does not ask. */
  async attached(target: AttachTarget, host: string, port: number, username?: string): Promise<void> {
    const passphrase = target.tls.keyPassphrase;
    if (passphrase === undefined || target.tls.keyFile === undefined) return;
    const key = passphraseKey(host, port, username);
    if ((await this.context.secrets.get(key)) === passphrase) return;
    await this.context.secrets.store(key, passphrase);
    this.log.info('auth', `stored the client key passphrase for ${formatHostPort(host, port)} in VS Code secret storage`);
  }

  /**
   * Explains a failed TLS check: the full detail goes to the log, and one notification names
   * the check and offers the choices that fit it. Returns at once; a choice runs when made.
   */
  explainFailure(failure: TlsVerificationError, attach: FailedAttach): void {
    const leaf = failure.chain[0];
    this.failures.push({
      check: failure.check,
      host: failure.host,
      port: failure.port,
      message: failure.message,
      ...(leaf ? { fingerprint: leaf.fingerprint256 } : {}),
    });
    this.log.error('tls', failureLogDetail(failure));
    const actions = trustActionsFor(failure.check, {
      hasCertificate: leaf !== undefined,
      alreadyInsecure: attach.target.tls.verifyMode === 'none',
    });
    const labels = actions.map((action) => TRUST_ACTION_LABELS[action]);
    const text = failureNotification(failure);
    const shown =
      failure.check === 'fingerprint-mismatch'
        ? vscode.window.showWarningMessage(text, ...labels)
        : vscode.window.showErrorMessage(text, ...labels);
    void shown.then((label) => {
      const action = actions.find((each) => TRUST_ACTION_LABELS[each] === label);
      if (action) void this.runAction(action, failure, attach);
    });
  }

  /** Carries out one choice; errors become notifications and log lines. */
  async runAction(action: TrustAction, failure: TlsVerificationError, attach: FailedAttach): Promise<boolean> {
    try {
      switch (action) {
        case 'show-log':
          this.log.show();
          return false;
        case 'pin':
        case 'replace-pin':
          return await this.confirmPin(failure, attach, action === 'replace-pin');
        case 'trust-ca':
          return await this.pickCaFile(failure, attach);
        case 'connect-once':
          return await this.connectOnce(failure, attach);
      }
    } catch (error) {
      this.log.error('tls', `${TRUST_ACTION_LABELS[action]} failed for ${formatHostPort(failure.host, failure.port)}: ${errorMessage(error)}`);
      void vscode.window.showErrorMessage(`Xpra: ${TRUST_ACTION_LABELS[action].replace(/…$/, '')} failed: ${errorMessage(error)}`);
      return false;
    }
  }

  /**
   * Shows the SHA-256 in a modal for the person to compare with the server's own record, and
   * pins it only on an explicit click. A changed pin names the old and the new fingerprint.
   */
  private async confirmPin(failure: TlsVerificationError, attach: FailedAttach, replace: boolean): Promise<boolean> {
    const leaf = failure.chain[0];
    if (!leaf) return false;
    const server = formatHostPort(failure.host, failure.port);
    const old = this.store.pinFor(failure.host, failure.port);
    const lines = [
      `Compare this SHA-256 fingerprint with the one the server's administrator gave you (for example from \`openssl x509 -noout -fingerprint -sha256 -in cert.pem\` on the server):`,
      '',
      leaf.fingerprint256,
      '',
      `Subject: ${leaf.subject}`,
      `Issuer: ${leaf.issuer}`,
      `Valid: ${leaf.validFrom.toISOString()} to ${leaf.validTo.toISOString()}`,
    ];
    if (replace && old) lines.push('', `The certificate pinned until now has SHA-256 ${old.fingerprint}.`);
    lines.push('', `Only this certificate will be accepted for ${server}.`);
    const button = replace ? 'Replace Pinned Certificate' : 'Pin Certificate';
    const answer = await vscode.window.showWarningMessage(
      replace ? `The certificate of ${server} changed. Trust the new one?` : `Trust this certificate for ${server}?`,
      { modal: true, detail: lines.join('\n') },
      button,
    );
    if (answer !== button) return false;
    await this.pin(failure.host, failure.port, leaf.fingerprint256, leaf.subject, replace);
    return attach.retry(withTls(attach.target, { pinnedFingerprint: leaf.fingerprint256 }));
  }

  /** Pins a certificate for host and port; `replace` must be set to change an existing pin. */
  async pin(host: string, port: number, fingerprint: string, subject: string, replace = false): Promise<PinEntry> {
    const entry = await this.store.pin(host, port, fingerprint, subject, { replace });
    this.log.info('tls', `${formatHostPort(host, port)}: pinned the certificate ${subject} SHA-256 ${entry.fingerprint}`);
    return entry;
  }

  /**
   * Picks a PEM or DER file of CA certificates, trusts it for this host and port, writes it
   * into the session file as `ssl-ca-data` when the attach came from one, and attaches again.
   */
  private async pickCaFile(failure: TlsVerificationError, attach: FailedAttach): Promise<boolean> {
    const picked = await vscode.window.showOpenDialog({
      title: `Xpra: CA certificate that issued the certificate of ${formatHostPort(failure.host, failure.port)}`,
      openLabel: 'Trust',
      canSelectMany: false,
      filters: { Certificates: ['pem', 'crt', 'cer', 'der'], 'All files': ['*'] },
    });
    const file = picked?.[0];
    if (!file) return false;
    await this.trustCaFile(failure.host, failure.port, file, attach.sessionFile);
    return attach.retry(withTls(attach.target, { caCertFile: file.fsPath, caData: undefined }));
  }

  /**
   * Trusts the CA certificates of a PEM or DER file for host and port, and writes them into
   * `sessionFile` as `ssl-ca-data` when given. Rejects a file without a certificate.
   */
  async trustCaFile(host: string, port: number, file: vscode.Uri, sessionFile?: vscode.Uri): Promise<TrustedCaEntry> {
    const pem = certificateFileToPem(await vscode.workspace.fs.readFile(file), file.fsPath);
    const certificates = parsePemCertificates(pem);
    if (certificates.length === 0) throw new Error(`${file.fsPath} contains no certificate`);
    const first = summarizeCertificate(certificates[0].toString());
    const entry = await this.store.trustCa(host, port, file.fsPath, { fingerprint: first.fingerprint256, subject: first.subject });
    this.log.info('tls', `${formatHostPort(host, port)}: trusting the CA file ${file.fsPath} (${first.subject}, SHA-256 ${first.fingerprint256})`);
    if (sessionFile) await this.writeCaData(sessionFile, pem);
    return entry;
  }

  /** Writes `ssl-ca-data` into a session file through a WorkspaceEdit, so it can be undone. */
  private async writeCaData(sessionFile: vscode.Uri, pem: string): Promise<void> {
    const document = await vscode.workspace.openTextDocument(sessionFile);
    const edit = insertCaData(parseSessionFile(document.getText()), pem, 'any');
    const workspaceEdit = new vscode.WorkspaceEdit();
    const range = new vscode.Range(edit.range.start.line, edit.range.start.character, edit.range.end.line, edit.range.end.character);
    workspaceEdit.replace(sessionFile, range, edit.newText);
    if (!(await vscode.workspace.applyEdit(workspaceEdit))) {
      throw new Error(`could not write ssl-ca-data into ${sessionFile.fsPath}`);
    }
    this.log.info('session-file', `wrote ssl-ca-data into ${sessionFile.fsPath}; save the file to keep it`);
  }

  /** Attaches once with verification off, after a modal; nothing of it is stored. */
  private async connectOnce(failure: TlsVerificationError, attach: FailedAttach): Promise<boolean> {
    const server = formatHostPort(failure.host, failure.port);
    const button = 'Connect Without Verification';
    const answer = await vscode.window.showWarningMessage(
      `Connect to ${server} without verifying its certificate?`,
      {
        modal: true,
        detail:
          'Anyone between you and the server could read and change the session, including passwords and keystrokes. ' +
          'This applies to this connection only and is not remembered.',
      },
      button,
    );
    if (answer !== button) return false;
    this.log.warn('tls', `${server}: connecting once without verification at your request`);
    return attach.retry(withTls(attach.target, { verifyMode: 'none', pinnedFingerprint: undefined }));
  }

  /** "Xpra: Manage Trusted Certificates": lists pins and trusted CA files, and removes the picked ones. */
  async manageCommand(): Promise<number> {
    const entries = this.store.list();
    if (entries.length === 0) {
      void vscode.window.showInformationMessage('Xpra: no certificate is pinned and no CA file is trusted.');
      return 0;
    }
    interface EntryPick extends vscode.QuickPickItem {
      entry: TrustEntry;
    }
    const items: EntryPick[] = entries.map((entry) => ({
      entry,
      label: `${entry.kind === 'pin' ? '$(pinned)' : '$(verified)'} ${formatHostPort(entry.host, entry.port)}`,
      description: entry.kind === 'pin' ? `pinned ${entry.subject}` : `CA file ${entry.caFile}`,
      detail: `SHA-256 ${entry.fingerprint} · added ${entry.added.slice(0, 10)}`,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Xpra: Manage Trusted Certificates',
      placeHolder: 'Select the entries to remove',
      canPickMany: true,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!picked || picked.length === 0) return 0;
    for (const { entry } of picked) {
      await this.store.remove(entry.kind, entry.host, entry.port);
      this.log.info('tls', `removed the ${entry.kind === 'pin' ? 'pinned certificate' : 'trusted CA file'} of ${formatHostPort(entry.host, entry.port)}`);
    }
    void vscode.window.showInformationMessage(`Xpra: removed ${picked.length} trusted ${picked.length === 1 ? 'entry' : 'entries'}.`);
    return picked.length;
  }
}

/** Returns the target with some TLS settings changed; an undefined value removes the setting. */
function withTls(target: AttachTarget, changes: Partial<TlsSettings>): AttachTarget {
  const tls: TlsSettings = { ...target.tls, ...changes };
  for (const key of Object.keys(changes) as Array<keyof TlsSettings>) {
    if (changes[key] === undefined) delete tls[key];
  }
  return { ...target, tls };
}
