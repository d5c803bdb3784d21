/** Parsed documents and settings that every language feature shares. */
import * as vscode from 'vscode';
import {
  isKnownTarget,
  parseSessionFile,
  type ParsedSessionFile,
  type Position,
  type Range,
  type TargetVersion,
} from '../../session-file';

export const LANGUAGE_ID = 'xpra';
export const VERSION_SETTING = 'xpra.sessionFiles.xpraVersion';

const parsedCache = new WeakMap<
  vscode.TextDocument,
  { version: number; parsed: ParsedSessionFile }
>();

/** Parses a document once per document version. */
export function parseDocument(document: vscode.TextDocument): ParsedSessionFile {
  const cached = parsedCache.get(document);
  if (cached && cached.version === document.version) {
    return cached.parsed;
  }
  const parsed = parseSessionFile(document.getText());
  parsedCache.set(document, { version: document.version, parsed });
  return parsed;
}

export function targetVersion(uri?: vscode.Uri): TargetVersion {
  const value = vscode.workspace
    .getConfiguration(undefined, uri)
    .get<string>(VERSION_SETTING, 'any');
  return isKnownTarget(value) ? value : 'any';
}

export function toVscodeRange(range: Range): vscode.Range {
  return new vscode.Range(
    range.start.line,
    range.start.character,
    range.end.line,
    range.end.character,
  );
}

export function fromVscodePosition(position: vscode.Position): Position {
  return { line: position.line, character: position.character };
}

export function isSessionDocument(document: vscode.TextDocument): boolean {
  return document.languageId === LANGUAGE_ID;
}
