/**
 * Attach links: `vscode://xpra-sessions.xpra-sessions/attach?uri=ssl://host:port/`. A link
 * only ever proposes an attach with verification on. It is always confirmed in a modal
 * first, and it never starts a command or a server.
 */
import * as vscode from 'vscode';
import { attachWithProgress } from './attach-command';
import type { XpraController } from './controller';
import { errorMessage, type XpraLog } from './log';
import { parseAttachLink, type AttachLink } from './trust/attach-link';
import { formatHostPort } from './trust/failure-actions';
import type { TrustService } from './trust/trust-service';

/** Asks the person to confirm an attach link; resolves true only on an explicit click. */
export type LinkConfirmation = (link: AttachLink, detail: string) => Promise<boolean>;

export class AttachLinkHandler implements vscode.UriHandler {
  constructor(
    private readonly controller: XpraController,
    private readonly log: XpraLog,
    private readonly trust: TrustService,
    private readonly confirm: LinkConfirmation = confirmInModal,
  ) {}

  handleUri(uri: vscode.Uri): void {
    void this.open(uri);
  }

  /** Handles one link; resolves true when it was confirmed and the session started. */
  async open(uri: vscode.Uri): Promise<boolean> {
    let link: AttachLink;
    try {
      link = parseAttachLink(uri.path, uri.query);
    } catch (error) {
      this.log.warn('link', `rejected the link ${uri.path}?${uri.query}: ${errorMessage(error)}`);
      void vscode.window.showErrorMessage(`Xpra: this link cannot be opened: ${errorMessage(error)}`);
      return false;
    }
    const server = formatHostPort(link.host, link.port);
    this.log.info('link', `a link asks to attach to ${link.uri}`);
    if (!(await this.confirm(link, this.describe(link)))) {
      this.log.info('link', `the attach to ${server} from a link was declined`);
      return false;
    }
    return attachWithProgress(this.controller, this.log, { uri: link.uri, tls: { verifyMode: 'required' } }, false);
  }

  /** Returns the modal's detail: host, port, user, and the pinned fingerprint when one is known. */
  describe(link: AttachLink): string {
    const lines = [`Host: ${link.host}`, `Port: ${link.port}`];
    if (link.username !== undefined) lines.push(`User: ${link.username}`);
    const pin = this.trust.store.pinFor(link.host, link.port);
    if (pin) {
      lines.push(`Pinned certificate SHA-256: ${pin.fingerprint}`);
    } else {
      lines.push(
        'Certificate: not known yet. It is verified when connecting, and a certificate that does not verify is ' +
          'shown with its SHA-256 fingerprint before you can trust it.',
      );
    }
    lines.push('', 'Only attach to servers you expected a link for.');
    return lines.join('\n');
  }
}

async function confirmInModal(link: AttachLink, detail: string): Promise<boolean> {
  const button = 'Attach';
  const answer = await vscode.window.showWarningMessage(
    `A link asks to attach to the xpra server ${formatHostPort(link.host, link.port)}. Attach?`,
    { modal: true, detail },
    button,
  );
  return answer === button;
}
