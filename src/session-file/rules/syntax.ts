/** Rules about the shape of lines: byte-order mark, encoding, comments, quotes, continuations. */
import { NETWORK_MODES, type ValidationContext } from '../context';
import { getOption } from '../schema';
import { valueSubrange, type Entry } from '../parser';
import { replaceEntry, replaceValue } from '../edits';
import { makeRange } from '../types';

/** Options whose value is a file or directory path. */
export const PATH_KEYS = new Set([
  'ssl-ca-certs',
  'ssl-cert',
  'ssl-key',
  'password-file',
  'encryption-keyfile',
  'tcp-encryption-keyfile',
  'proxy_key',
  'download-path',
  'log-dir',
  'pidfile',
]);

/** Tells whether a stray character breaks the value of `key`, rather than just changing some text. */
export function isStrictValue(key: string): boolean {
  const option = getOption(key);
  if (!option) {
    return false;
  }
  if (PATH_KEYS.has(key) || key === 'ssl-ca-data' || key === 'host' || option.allowedValues) {
    return true;
  }
  return option.type !== 'str' && option.type !== 'list';
}

export function checkByteOrderMark(context: ValidationContext): void {
  if (!context.parsed.hasByteOrderMark) {
    return;
  }
  const firstEntry = context.parsed.entries[0];
  const firstKey = firstEntry ? firstEntry.key.replace(/^\ufeff/, '') : undefined;
  const lost = firstKey
    ? `, so the first key '${firstKey}' becomes unknown and its line is ignored`
    : '';
  const fixes = [
    {
      title: 'Remove the byte-order mark',
      preferred: true,
      edits: [{ range: makeRange(0, 0, 0, 1), newText: '' }],
    },
  ];
  context.add(
    makeRange(0, 0, 0, 1),
    'error',
    'byte-order-mark',
    `The file starts with a UTF-8 byte-order mark. xpra does not remove it${lost}. Save the file as UTF-8 without BOM.`,
    { fixes },
  );
}

export function checkCharacters(context: ValidationContext, invalidUtf8: boolean): void {
  context.parsed.lines.forEach((text, line) => {
    for (let character = 0; character < text.length; character++) {
      const code = text.charCodeAt(character);
      if (code < 0x80 || (line === 0 && character === 0 && code === 0xfeff)) {
        continue;
      }
      if (invalidUtf8 && code === 0xfffd) {
        context.add(
          makeRange(line, character, line, character + 1),
          'error',
          'invalid-utf8',
          'The file is not valid UTF-8 here. xpra 4.4 and later, and 3.1 on a UTF-8 locale, fail to load the whole file.',
        );
      } else {
        context.add(
          makeRange(line, character, line, character + 1),
          'warning',
          'non-ascii',
          `Non-ASCII character U+${code.toString(16).toUpperCase().padStart(4, '0')}: xpra 3.1 decodes the file with the locale's encoding, so the result depends on the platform. Keep session files ASCII.`,
        );
      }
      return;
    }
  });
}

export function checkSkippedLines(context: ValidationContext): void {
  for (const skipped of context.parsed.skipped) {
    if (skipped.text.startsWith(';')) {
      context.add(
        skipped.range,
        'warning',
        'semicolon-comment',
        "';' does not start a comment in xpra files, the line is skipped only because it has no '='. Use '#'.",
        {
          fixes: [
            {
              title: "Use '#' for the comment",
              edits: [
                {
                  range: {
                    start: skipped.range.start,
                    end: { ...skipped.range.start, character: skipped.range.start.character + 1 },
                  },
                  newText: '#',
                },
              ],
            },
          ],
        },
      );
    } else if (skipped.reason === 'leading-equals') {
      context.add(
        skipped.range,
        'warning',
        'missing-key',
        "The line starts with '=', so it has no key and xpra skips it.",
      );
    } else {
      context.add(
        skipped.range,
        'warning',
        'missing-equals',
        "The line has no '=', so xpra skips it. Write 'key=value'.",
      );
    }
  }
  if (context.parsed.danglingContinuation) {
    context.add(
      context.parsed.danglingContinuation,
      'warning',
      'continuation-line',
      "The last line ends with '\\', but no line follows. xpra drops the backslash.",
    );
  }
}

export function checkEntrySyntax(context: ValidationContext, entry: Entry): void {
  checkContinuation(context, entry);
  checkInlineComment(context, entry);
  checkQuotes(context, entry);
}

function checkContinuation(context: ValidationContext, entry: Entry): void {
  if (entry.lines.length < 2) {
    return;
  }
  const strict = entry.key === 'ssl-ca-data' || PATH_KEYS.has(entry.key);
  const joined = entry.segments
    .map((segment) =>
      context.parsed.lines[segment.line].slice(
        segment.character,
        segment.character + segment.length,
      ),
    )
    .map((piece) => (piece.endsWith('\\') ? piece.slice(0, -1) : piece))
    .join('');
  const equals = joined.indexOf('=');
  const fixes = strict
    ? [
        {
          title: 'Join the value into one line without spaces',
          preferred: true,
          edits: [replaceEntry(entry, entry.key, joined.slice(equals + 1).replace(/\s+/g, ''))],
        },
      ]
    : [];
  const consequence = strict ? ', which breaks this value' : '';
  context.add(
    entry.range,
    strict ? 'error' : 'warning',
    'continuation-line',
    `'${entry.key}' continues over ${entry.lines.length} lines. xpra joins them with a space${consequence}.`,
    { fixes },
  );
}

function checkInlineComment(context: ValidationContext, entry: Entry): void {
  const match = /\s[#;]/.exec(entry.value);
  if (!match) {
    return;
  }
  const strict =
    isStrictValue(entry.key) || (entry.key === 'port' && NETWORK_MODES.has(context.mode));
  const valueWithoutComment = entry.value.slice(0, match.index).trimEnd();
  context.add(
    valueSubrange(entry, match.index + 1, entry.value.length - match.index - 1),
    strict ? 'error' : 'warning',
    'inline-comment',
    `xpra has no inline comments: the value of '${entry.key}' is '${entry.value}', comment included. Put the comment on its own line.`,
    {
      fixes: [
        {
          title: 'Remove the comment from the value',
          preferred: true,
          edits: [replaceValue(entry, valueWithoutComment)],
        },
      ],
    },
  );
}

function checkQuotes(context: ValidationContext, entry: Entry): void {
  const value = entry.value;
  if (
    value.length < 2 ||
    !(
      (value.startsWith('"') && value.endsWith('"')) ||
      (value.startsWith("'") && value.endsWith("'"))
    )
  ) {
    return;
  }
  const strict = isStrictValue(entry.key);
  context.add(
    entry.valueRange,
    strict ? 'error' : 'warning',
    'quoted-value',
    `xpra keeps quotes as part of the value, so '${entry.key}' is ${value} with the quotes. Remove them.`,
    {
      fixes: [
        {
          title: 'Remove the quotes',
          preferred: true,
          edits: [replaceValue(entry, value.slice(1, -1))],
        },
      ],
    },
  );
}
