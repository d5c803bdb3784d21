/** Text edits that fixes and code actions share. */
import type { Entry, ParsedSessionFile } from './parser';
import type { Range, TextEdit } from './types';

/** Deletes the physical lines of an entry, line endings included. */
export function deleteEntryLines(parsed: ParsedSessionFile, entry: Entry): TextEdit {
  const first = entry.lines[0];
  const last = entry.lines[entry.lines.length - 1];
  if (last + 1 < parsed.lines.length) {
    return { range: lineSpan(first, 0, last + 1, 0), newText: '' };
  }
  if (first > 0) {
    const previous = parsed.lines[first - 1].length;
    return { range: lineSpan(first - 1, previous, last, parsed.lines[last].length), newText: '' };
  }
  return { range: lineSpan(first, 0, last, parsed.lines[last].length), newText: '' };
}

/** Replaces the whole entry, across its continuation lines, with one `key=value` line. */
export function replaceEntry(entry: Entry, key: string, value: string): TextEdit {
  return { range: entry.range, newText: `${key}=${value}` };
}

export function replaceValue(entry: Entry, value: string): TextEdit {
  return { range: entry.valueRange, newText: value };
}

function lineSpan(line: number, character: number, endLine: number, endCharacter: number): Range {
  return { start: { line, character }, end: { line: endLine, character: endCharacter } };
}
