import * as vscode from 'vscode';
import type { Logger } from '../client/types';

/**
 * The "Xpra" output channel. Every line carries its category in brackets, for example
 * `[tls] certificate sha256 AB:CD...`. Callers must pass no secret: passwords, challenge
 * responses and private keys never reach this channel.
 */
export class XpraLog implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('Xpra', { log: true });
  }

  trace(category: string, message: string): void {
    this.channel.trace(`[${category}] ${message}`);
  }

  debug(category: string, message: string): void {
    this.channel.debug(`[${category}] ${message}`);
  }

  info(category: string, message: string): void {
    this.channel.info(`[${category}] ${message}`);
  }

  warn(category: string, message: string): void {
    this.channel.warn(`[${category}] ${message}`);
  }

  error(category: string, message: string): void {
    this.channel.error(`[${category}] ${message}`);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

/** Returns the message of an error or the text of any other thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
