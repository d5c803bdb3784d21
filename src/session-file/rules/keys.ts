/** Rules about keys: unknown and misspelled keys, versions, scope and repeated keys. */
import type { ValidationContext } from '../context';
import { deleteEntryLines } from '../edits';
import type { Entry } from '../parser';
import {
  OPTIONS,
  compareVersions,
  formatVersions,
  getOption,
  isKeyAvailable,
  type OptionSchema,
} from '../schema';
import { Suggester } from '../suggest';

const keySuggester = new Suggester(OPTIONS.keys());

const SERVER_ONLY_HINTS: Record<string, string> = {
  ssl: "'ssl' only tells a server whether to upgrade its sockets to TLS. To connect with TLS, set mode=ssl.",
  'ssl-client-verify-mode':
    "'ssl-client-verify-mode' is how a server checks client certificates. It has no effect when connecting.",
};

export function checkKey(context: ValidationContext, entry: Entry): void {
  const key = entry.key;
  if (key.startsWith('\ufeff')) {
    return;
  }
  if (key.startsWith(';')) {
    context.add(
      entry.range,
      'warning',
      'semicolon-comment',
      `';' does not start a comment in xpra files, so this line sets the unknown key '${key}' and xpra ignores it. Use '#'.`,
      {
        fixes: [
          {
            title: "Use '#' for the comment",
            edits: [
              {
                range: {
                  start: entry.keyRange.start,
                  end: { ...entry.keyRange.start, character: entry.keyRange.start.character + 1 },
                },
                newText: '#',
              },
            ],
          },
        ],
      },
    );
    return;
  }
  const option = getOption(key);
  if (!option) {
    reportUnknownKey(context, entry);
    return;
  }
  if (option.notAllowedInFiles) {
    context.add(
      entry.keyRange,
      'warning',
      'not-allowed-in-file',
      `xpra does not allow '${key}' in configuration files and ignores it with a warning.`,
    );
  }
  checkKeyVersions(context, entry, option);
  if (option.scope === 'server' && !option.sessionKey) {
    const message =
      SERVER_ONLY_HINTS[key] ?? `'${key}' is a server option: it has no effect when connecting.`;
    context.add(entry.keyRange, 'info', 'server-option', message);
  }
}

function reportUnknownKey(context: ValidationContext, entry: Entry): void {
  const key = entry.key;
  const suggestion = keySuggester.suggest(key);
  if (!suggestion) {
    context.add(
      entry.keyRange,
      'warning',
      'unknown-key',
      `Unknown key '${key}': xpra ignores this line.`,
    );
    return;
  }
  const fixes = [
    {
      title: `Change to '${suggestion.value}'`,
      preferred: true,
      edits: [{ range: entry.keyRange, newText: suggestion.value }],
    },
  ];
  if (suggestion.kind !== 'typo') {
    const reasons = {
      case: 'keys are case-sensitive',
      separator: "xpra spells this key with '" + (suggestion.value.includes('_') ? '_' : '-') + "'",
      plural: `the key is '${suggestion.value}'`,
    };
    context.add(
      entry.keyRange,
      'error',
      'misspelled-key',
      `Unknown key '${key}' (${reasons[suggestion.kind]}): xpra ignores this line. Did you mean '${suggestion.value}'?`,
      { fixes },
    );
    return;
  }
  const important =
    getOption(suggestion.value)?.sessionKey === true || suggestion.value.startsWith('ssl-');
  context.add(
    entry.keyRange,
    important ? 'error' : 'warning',
    'unknown-key',
    `Unknown key '${key}': xpra ignores this line. Did you mean '${suggestion.value}'?`,
    { fixes },
  );
}

function checkKeyVersions(context: ValidationContext, entry: Entry, option: OptionSchema): void {
  const rejecting = context.versions.filter((version) => !isKeyAvailable(option, version));
  if (rejecting.length === 0) {
    return;
  }
  const reason =
    option.removedIn &&
    rejecting.every((version) => compareVersions(version, option.removedIn!) >= 0)
      ? `removed in ${option.removedIn}`
      : `added in ${option.sinceText}`;
  const message = `'${entry.key}' is ignored by xpra ${formatVersions(rejecting)} (${reason}).`;
  context.add(
    entry.keyRange,
    context.version === 'any' ? 'warning' : 'error',
    'key-version',
    message,
  );
}

function describeDefault(option: OptionSchema): string {
  const value = option.default;
  if (value === null || value === undefined || value === '') {
    return 'unset';
  }
  return `'${Array.isArray(value) ? value.join(',') : String(value)}'`;
}

/** Reports each repeated key by what xpra's reader and its type checks do with the list. */
export function checkRepeatedKeys(context: ValidationContext): void {
  for (const [key, entries] of context.parsed.entriesByKey) {
    const option = getOption(key);
    if (entries.length < 2 || !option) {
      continue;
    }
    const first = entries[0];
    const related = [{ range: first.keyRange, message: `first '${key}'` }];
    const readerValue = context.values.get(key);
    for (const entry of entries.slice(1)) {
      const fixes = [
        { title: 'Remove this line', edits: [deleteEntryLines(context.parsed, entry)] },
      ];
      if (typeof readerValue === 'string') {
        context.add(
          entry.keyRange,
          'info',
          'duplicate-key',
          `'${key}' repeats a key whose earlier value is empty, so this value replaces it.`,
          { related, fixes },
        );
      } else if (option.type === 'list') {
        context.add(
          entry.keyRange,
          'info',
          'duplicate-key',
          `'${key}' is a list option: each line adds one value.`,
          { related },
        );
      } else if (option.type === 'bool' || option.type === 'tristate') {
        context.add(
          entry.keyRange,
          'error',
          'duplicate-key',
          `'${key}' is repeated. xpra turns repeated keys into a list, and a list for a boolean makes the launcher fail to load the file. Keep one line.`,
          { related, fixes },
        );
      } else {
        const numeric =
          option.type === 'int' || option.type === 'float' ? ' (xpra 4.4 and later use 0)' : '';
        context.add(
          entry.keyRange,
          'error',
          'duplicate-key',
          `'${key}' is repeated. xpra turns repeated keys into a list, rejects it and drops every value, so the default ${describeDefault(option)}${numeric} is used. Keep one line.`,
          { related, fixes },
        );
      }
    }
  }
}
