/**
 * A parser for `.xpra` session files that follows the reader of the xpra launcher
 * (`read_config` in xpra/scripts/config.py, 3.1.3 to 6.x) and keeps source positions.
 *
 * The rules, in xpra's order. Each physical line is stripped of Python whitespace. Blank
 * lines and lines whose first character is `#` or `!` are dropped. A kept line that ends
 * in `\` is joined to the next kept line, with the backslash replaced by a space. Each
 * joined line is split at its first `=`, and both sides are stripped. A line without `=`,
 * or with `=` first, is skipped. A byte-order mark is not removed, so it becomes part of
 * the first key. LF, CRLF and lone CR all end a line.
 */
import { stripBounds } from './python-text';
import type { Position, Range } from './types';

/** A piece of a logical line that comes from one physical line. */
export interface Segment {
  /** Offset of this piece in the logical line. */
  offset: number;
  line: number;
  character: number;
  length: number;
}

/** One `key=value` line after continuation lines are joined. */
export interface Entry {
  /** Position of this entry among all entries, from 0. */
  index: number;
  key: string;
  value: string;
  keyRange: Range;
  valueRange: Range;
  /** From the first kept character to the last, across continuation lines. */
  range: Range;
  /** The physical lines this entry was joined from. */
  lines: number[];
  /** The joined text, with each continuation backslash replaced by a space. */
  text: string;
  segments: Segment[];
  /** Offset of the key and of the value inside `text`. */
  keyOffset: number;
  valueOffset: number;
}

export interface SkippedLine {
  range: Range;
  text: string;
  reason: 'missing-equals' | 'leading-equals';
}

export interface CommentLine {
  line: number;
  range: Range;
  text: string;
}

export interface ParsedSessionFile {
  /** The physical lines without their line endings. */
  lines: string[];
  entries: Entry[];
  /** Entries grouped by key, in file order. */
  entriesByKey: Map<string, Entry[]>;
  comments: CommentLine[];
  skipped: SkippedLine[];
  /** The text starts with U+FEFF, which xpra keeps as part of the first key. */
  hasByteOrderMark: boolean;
  /** A `\` on the last kept line, which xpra drops. */
  danglingContinuation?: Range;
}

/** The dictionary that xpra's reader builds: a repeated key becomes a list. */
export type ReaderValue = string | string[];

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

interface KeptLine {
  line: number;
  start: number;
  end: number;
}

export function parseSessionFile(text: string): ParsedSessionFile {
  const lines = splitLines(text);
  const comments: CommentLine[] = [];
  const kept: KeptLine[] = [];
  lines.forEach((lineText, line) => {
    const [start, end] = stripBounds(lineText);
    if (start === end) {
      return;
    }
    const first = lineText[start];
    const range = { start: { line, character: start }, end: { line, character: end } };
    if (first === '#' || first === '!') {
      comments.push({ line, range, text: lineText.slice(start, end) });
      return;
    }
    kept.push({ line, start, end });
  });

  const parsed: ParsedSessionFile = {
    lines,
    entries: [],
    entriesByKey: new Map(),
    comments,
    skipped: [],
    hasByteOrderMark: text.startsWith('\ufeff'),
  };

  let group: KeptLine[] = [];
  for (const keptLine of kept) {
    group.push(keptLine);
    if (!lines[keptLine.line].slice(keptLine.start, keptLine.end).endsWith('\\')) {
      addLogicalLine(parsed, group);
      group = [];
    }
  }
  if (group.length > 0) {
    const last = group[group.length - 1];
    parsed.danglingContinuation = {
      start: { line: last.line, character: last.end - 1 },
      end: { line: last.line, character: last.end },
    };
    addLogicalLine(parsed, group);
  }
  return parsed;
}

function addLogicalLine(parsed: ParsedSessionFile, group: KeptLine[]): void {
  const segments: Segment[] = [];
  let text = '';
  for (const part of group) {
    let piece = parsed.lines[part.line].slice(part.start, part.end);
    if (piece.endsWith('\\')) {
      // xpra replaces the backslash with a space, so offsets stay one to one.
      piece = `${piece.slice(0, -1)} `;
    }
    segments.push({
      offset: text.length,
      line: part.line,
      character: part.start,
      length: piece.length,
    });
    text += piece;
  }

  const range: Range = {
    start: positionInSegments(segments, 0),
    end: positionInSegments(segments, text.length),
  };
  const equals = text.indexOf('=');
  if (equals <= 0) {
    parsed.skipped.push({
      range,
      text,
      reason: equals === 0 ? 'leading-equals' : 'missing-equals',
    });
    return;
  }

  const [keyStart, keyEnd] = stripBounds(text, 0, equals);
  const [valueStart, valueEnd] = stripBounds(text, equals + 1);
  const entry: Entry = {
    index: parsed.entries.length,
    key: text.slice(keyStart, keyEnd),
    value: text.slice(valueStart, valueEnd),
    keyRange: {
      start: positionInSegments(segments, keyStart),
      end: positionInSegments(segments, keyEnd),
    },
    valueRange: {
      start: positionInSegments(segments, valueStart),
      end: positionInSegments(segments, valueEnd),
    },
    range,
    lines: segments.map((segment) => segment.line),
    text,
    segments,
    keyOffset: keyStart,
    valueOffset: valueStart,
  };
  parsed.entries.push(entry);

  const sameKey = parsed.entriesByKey.get(entry.key);
  if (sameKey) {
    sameKey.push(entry);
  } else {
    parsed.entriesByKey.set(entry.key, [entry]);
  }
}

/** Maps an offset in a logical line back to the document. */
export function positionInSegments(segments: Segment[], offset: number): Position {
  for (const segment of segments) {
    if (offset < segment.offset + segment.length) {
      return {
        line: segment.line,
        character: segment.character + Math.max(0, offset - segment.offset),
      };
    }
  }
  const last = segments[segments.length - 1];
  return { line: last.line, character: last.character + last.length };
}

/** Returns the document range of `length` characters at `offset` in an entry's value. */
export function valueSubrange(entry: Entry, offset: number, length: number): Range {
  const start = entry.valueOffset + offset;
  return {
    start: positionInSegments(entry.segments, start),
    end: positionInSegments(entry.segments, start + length),
  };
}

/**
 * Builds the dictionary xpra's reader returns. A repeated key becomes a list in file order,
 * except that an empty first value is replaced by the next one (xpra tests the current value
 * for truth, and an empty string is false).
 */
export function readerValues(parsed: ParsedSessionFile): Map<string, ReaderValue> {
  const values = new Map<string, ReaderValue>();
  for (const entry of parsed.entries) {
    const current = values.get(entry.key);
    if (current === undefined || current === '') {
      values.set(entry.key, entry.value);
    } else if (Array.isArray(current)) {
      current.push(entry.value);
    } else {
      values.set(entry.key, [current, entry.value]);
    }
  }
  return values;
}
