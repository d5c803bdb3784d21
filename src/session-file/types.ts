/** Shared shapes of the session-file language: positions, diagnostics and fixes. */

/** A zero-based line and UTF-16 column, as VS Code counts them. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

/** A replacement of the text in `range`; an empty range inserts. */
export interface TextEdit {
  range: Range;
  newText: string;
}

/**
 * A fix offered with a diagnostic. Most fixes are plain edits. A fix with `action` needs the
 * editor to do more than edit (store a secret), and carries what that step needs.
 */
export interface Fix {
  title: string;
  edits: TextEdit[];
  preferred?: boolean;
  action?: { kind: 'move-password-to-secrets'; key: string; value: string };
}

export interface RelatedInformation {
  range: Range;
  message: string;
}

export interface Diagnostic {
  range: Range;
  severity: Severity;
  /** A stable kebab-case name of the rule, such as `unknown-key` or `ca-data-odd-length`. */
  code: string;
  message: string;
  related?: RelatedInformation[];
  fixes?: Fix[];
}

export function makeRange(line: number, start: number, endLine: number, end: number): Range {
  return { start: { line, character: start }, end: { line: endLine, character: end } };
}

export function comparePositions(a: Position, b: Position): number {
  return a.line === b.line ? a.character - b.character : a.line - b.line;
}

export function rangeContains(range: Range, position: Position): boolean {
  return comparePositions(range.start, position) <= 0 && comparePositions(position, range.end) <= 0;
}
