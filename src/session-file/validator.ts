/** Validates a `.xpra` session file and returns every diagnostic, ordered by position. */
import { ValidationContext, type ValidationOptions } from './context';
import { parseSessionFile, type ParsedSessionFile } from './parser';
import { checkKey, checkRepeatedKeys } from './rules/keys';
import { checkAutoconnect, checkConnection } from './rules/connection';
import { checkIpHost, checkSsl } from './rules/ssl';
import {
  checkByteOrderMark,
  checkCharacters,
  checkEntrySyntax,
  checkSkippedLines,
} from './rules/syntax';
import { checkValue } from './rules/values';
import { comparePositions, type Diagnostic, type Position, type Range } from './types';

export interface ValidateOptions extends ValidationOptions {
  /**
   * The file on disk starts with a byte-order mark that the editor removed from the text.
   * VS Code hides the BOM of a UTF-8 file, but xpra reads it.
   */
  byteOrderMark?: boolean;
  /** The bytes were not valid UTF-8, and invalid sequences were decoded as U+FFFD. */
  invalidUtf8?: boolean;
}

export function validateSessionFile(
  text: string | ParsedSessionFile,
  options: ValidateOptions = {},
): Diagnostic[] {
  let parsed = typeof text === 'string' ? parseSessionFile(text) : text;
  const hiddenByteOrderMark = options.byteOrderMark === true && !parsed.hasByteOrderMark;
  if (hiddenByteOrderMark) {
    // Validate what xpra reads, with the BOM glued to the first key, then move the results
    // back onto the editor's text, which lacks that one character.
    parsed = parseSessionFile(`\ufeff${parsed.lines.join('\n')}`);
  }
  const context = new ValidationContext(parsed, options);
  checkByteOrderMark(context);
  checkCharacters(context, options.invalidUtf8 === true);
  checkSkippedLines(context);
  for (const entry of parsed.entries) {
    checkEntrySyntax(context, entry);
    checkKey(context, entry);
    checkValue(context, entry);
  }
  checkRepeatedKeys(context);
  checkConnection(context);
  checkSsl(context);
  checkIpHost(context);
  checkAutoconnect(context);
  const diagnostics = hiddenByteOrderMark
    ? context.diagnostics.map(withoutByteOrderMark)
    : context.diagnostics;
  return diagnostics.sort((a, b) => comparePositions(a.range.start, b.range.start));
}

function shiftPosition(position: Position): Position {
  return position.line === 0
    ? { line: 0, character: Math.max(0, position.character - 1) }
    : position;
}

function shiftRange(range: Range): Range {
  return { start: shiftPosition(range.start), end: shiftPosition(range.end) };
}

/**
 * Moves a diagnostic from the text with a BOM to the same text without it. Fixes of the BOM
 * itself are dropped, because only saving without BOM removes it from the editor's file.
 */
function withoutByteOrderMark(diagnostic: Diagnostic): Diagnostic {
  const fixes = diagnostic.code === 'byte-order-mark' ? undefined : diagnostic.fixes;
  return {
    ...diagnostic,
    range: shiftRange(diagnostic.range),
    related: diagnostic.related?.map((item) => ({ ...item, range: shiftRange(item.range) })),
    fixes: fixes?.map((fix) => ({
      ...fix,
      edits: fix.edits.map((edit) => ({ ...edit, range: shiftRange(edit.range) })),
    })),
  };
}

/** Decodes file bytes as xpra 4.4 and later do (UTF-8) and validates them. */
export function validateSessionFileBytes(
  bytes: Uint8Array,
  options: ValidateOptions = {},
): Diagnostic[] {
  let text: string;
  let invalidUtf8 = false;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
    invalidUtf8 = true;
  }
  return validateSessionFile(text, { ...options, invalidUtf8 });
}
