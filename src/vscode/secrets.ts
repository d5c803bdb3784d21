import * as vscode from 'vscode';
import { errorMessage, type XpraLog } from './log';

export interface PasswordRequest {
  prompt: string;
  username?: string;
  host: string;
  port: number;
}

/** Returns the SecretStorage key of a server's password: one per user, host and port. */
export function passwordKey(request: { username?: string; host: string; port: number }): string {
  const host = request.host.includes(':') ? `[${request.host}]` : request.host;
  return `xpra.password/${request.username ?? ''}@${host.toLowerCase()}:${request.port}`;
}

/** Returns true when an attach error means that the server rejected the password. */
export function isAuthenticationFailure(error: unknown): boolean {
  return /authenticat|password/i.test(errorMessage(error));
}

/**
 * Server passwords in VS Code's SecretStorage. A password typed into the input box is
 * stored only once the session started with it; a stored password the server rejected
 * is deleted, so the next attach prompts for it again.
 */
export class SecretPasswords {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: XpraLog,
  ) {}

  /** Starts the password handling of one attach; `given` is tried first when set. */
  startAttempt(given?: string): PasswordAttempt {
    return new PasswordAttempt(this.secrets, this.log, given);
  }
}

/** The password handling of one attach. */
export class PasswordAttempt {
  private storedKey?: string;
  private typed?: { key: string; password: string };

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: XpraLog,
    private given?: string,
  ) {}

  /**
   * Returns the given password on the first request, else the stored one, else prompts in
   * an input box. Undefined cancels the attach.
   */
  async getPassword(request: PasswordRequest): Promise<string | undefined> {
    const key = passwordKey(request);
    if (this.given !== undefined) {
      const given = this.given;
      this.given = undefined;
      this.log.debug('auth', `using the password given with the attach request for ${describe(request)}`);
      return given;
    }
    if (this.storedKey === undefined) {
      const stored = await this.secrets.get(key);
      if (stored !== undefined) {
        this.storedKey = key;
        this.log.debug('auth', `using the stored password for ${describe(request)}`);
        return stored;
      }
    }
    const password = await vscode.window.showInputBox({
      title: `Xpra: password for ${describe(request)}`,
      prompt: request.prompt || `The server ${describe(request)} requires a password.`,
      password: true,
      ignoreFocusOut: true,
    });
    if (password === undefined) {
      this.log.info('auth', `password entry for ${describe(request)} was cancelled`);
      return undefined;
    }
    this.typed = { key, password };
    return password;
  }

  async succeeded(): Promise<void> {
    if (!this.typed) return;
    await this.secrets.store(this.typed.key, this.typed.password);
    this.log.info('auth', 'stored the password in VS Code secret storage');
  }

  async failed(error: unknown): Promise<void> {
    if (this.storedKey === undefined || !isAuthenticationFailure(error)) return;
    await this.secrets.delete(this.storedKey);
    this.log.info('auth', 'the server rejected the stored password, so it was removed from secret storage');
  }
}

function describe(request: { username?: string; host: string; port: number }): string {
  const host = request.host.includes(':') ? `[${request.host}]` : request.host;
  return `${request.username ? `${request.username}@` : ''}${host}:${request.port}`;
}
