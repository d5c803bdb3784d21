/** SecretStorage keys and error checks for client key passphrases. Pure: no `vscode` import. */
import { formatHostPort } from './failure-actions';

/** Returns the SecretStorage key of a client key's passphrase: one per user, host and port. */
export function passphraseKey(host: string, port: number, username?: string): string {
  return `xpra.key-passphrase/${username ?? ''}@${formatHostPort(host.replace(/^\[|\]$/g, '').toLowerCase(), port)}`;
}

/**
 * Returns true for the TlsSettingsError of an encrypted client key whose passphrase is
 * missing or wrong, as buildTlsOptions in src/transport/tls-options.ts words it.
 */
export function isKeyPassphraseError(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TlsSettingsError') return false;
  return /is encrypted: a passphrase is required|could not be read: wrong passphrase/.test(error.message);
}

/** Returns true when the passphrase was given and rejected, not just missing. */
export function isWrongPassphrase(error: unknown): boolean {
  return isKeyPassphraseError(error) && /wrong passphrase/.test((error as Error).message);
}
