/**
 * Live diagnostics: each `.xpra` document is validated shortly after every change, after a
 * longer pause in large files, so typing stays smooth.
 */
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { Logger } from '../../client/types';
import { nodeFileSystem, validateSessionFile, type Diagnostic } from '../../session-file';
import { isSessionDocument, parseDocument, targetVersion, toVscodeRange } from './documents';

const SMALL_FILE_DELAY_MS = 100;
const LARGE_FILE_DELAY_MS = 300;
const LARGE_FILE_LINES = 1000;
/** Validations slower than this are logged, so a slow rule shows up in the log. */
const SLOW_VALIDATION_MS = 50;

const SEVERITIES: Record<Diagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

interface Result {
  version: number;
  diagnostics: Diagnostic[];
}

export class SessionFileDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('xpra');
  private readonly results = new Map<string, Result>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Files whose bytes on disk start with a BOM, which VS Code hides from the text. */
  private readonly byteOrderMarks = new Map<string, boolean>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly logger: Logger) {
    this.subscriptions.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((document) => this.opened(document)),
      vscode.workspace.onDidChangeTextDocument((event) => this.schedule(event.document)),
      vscode.workspace.onDidSaveTextDocument((document) => this.opened(document)),
      vscode.workspace.onDidCloseTextDocument((document) => this.closed(document)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('xpra.sessionFiles')) {
          vscode.workspace.textDocuments.forEach((document) => this.schedule(document));
        }
      }),
    );
    vscode.workspace.textDocuments.forEach((document) => this.opened(document));
  }

  /** Returns the diagnostics of the document's current version, validating now when they are stale. */
  current(document: vscode.TextDocument): Diagnostic[] {
    const result = this.results.get(document.uri.toString());
    if (result && result.version === document.version) {
      return result.diagnostics;
    }
    return this.validate(document);
  }

  private opened(document: vscode.TextDocument): void {
    if (!isSessionDocument(document)) {
      return;
    }
    void this.readByteOrderMark(document).then(() => this.schedule(document, 0));
  }

  private async readByteOrderMark(document: vscode.TextDocument): Promise<void> {
    if (document.uri.scheme !== 'file') {
      return;
    }
    try {
      const bytes = await vscode.workspace.fs.readFile(document.uri);
      this.byteOrderMarks.set(
        document.uri.toString(),
        bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf,
      );
    } catch (error) {
      this.logger.debug(
        'session-file',
        `cannot read ${document.uri.fsPath} to look for a byte-order mark: ${(error as Error).message}`,
      );
    }
  }

  private schedule(document: vscode.TextDocument, delay?: number): void {
    if (!isSessionDocument(document)) {
      return;
    }
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    const wait =
      delay ?? (document.lineCount > LARGE_FILE_LINES ? LARGE_FILE_DELAY_MS : SMALL_FILE_DELAY_MS);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!document.isClosed) {
          this.validate(document);
        }
      }, wait),
    );
  }

  private validate(document: vscode.TextDocument): Diagnostic[] {
    const started = performance.now();
    const local = document.uri.scheme === 'file';
    const diagnostics = validateSessionFile(parseDocument(document), {
      xpraVersion: targetVersion(document.uri),
      fileSystem: local ? nodeFileSystem : undefined,
      homeDirectory: local ? homedir() : undefined,
      byteOrderMark: this.byteOrderMarks.get(document.uri.toString()) === true,
    });
    const elapsed = performance.now() - started;
    if (elapsed > SLOW_VALIDATION_MS) {
      this.logger.debug(
        'session-file',
        `validating ${document.lineCount} lines of ${document.uri.fsPath} took ${elapsed.toFixed(0)} ms`,
      );
    }
    this.results.set(document.uri.toString(), { version: document.version, diagnostics });
    this.collection.set(
      document.uri,
      diagnostics.map((diagnostic) => toVscodeDiagnostic(document.uri, diagnostic)),
    );
    return diagnostics;
  }

  private closed(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.results.delete(key);
    this.byteOrderMarks.delete(key);
    this.collection.delete(document.uri);
  }

  dispose(): void {
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
    this.subscriptions.forEach((subscription) => subscription.dispose());
  }
}

export function toVscodeDiagnostic(uri: vscode.Uri, diagnostic: Diagnostic): vscode.Diagnostic {
  const result = new vscode.Diagnostic(
    toVscodeRange(diagnostic.range),
    diagnostic.message,
    SEVERITIES[diagnostic.severity],
  );
  result.source = 'xpra';
  result.code = diagnostic.code;
  if (diagnostic.related) {
    result.relatedInformation = diagnostic.related.map(
      (related) =>
        new vscode.DiagnosticRelatedInformation(
          new vscode.Location(uri, toVscodeRange(related.range)),
          related.message,
        ),
    );
  }
  return result;
}
