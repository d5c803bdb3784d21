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
import { comparePositions, type Diagnostic } from './types';

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
  const parsed = typeof text === 'string' ? parseSessionFile(text) : text;
  const context = new ValidationContext(parsed, options);
  checkByteOrderMark(context, options.byteOrderMark === true);
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
  return context.diagnostics.sort((a, b) => comparePositions(a.range.start, b.range.start));
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
