/** Rules about values: types, allowed values, ranges, sizes and comma-separated lists. */
import { parseBoolean, parseInteger, type ValidationContext } from '../context';
import { replaceEntry } from '../edits';
import type { Entry } from '../parser';
import { getOption, type OptionSchema, type OptionType } from '../schema';
import { suggest } from '../suggest';
import type { Severity } from '../types';

/** Keys whose values the connection and SSL rules check in more detail. */
const CHECKED_ELSEWHERE = new Set([
  'mode',
  'port',
  'ssh_port',
  'proxy_port',
  'ssl-protocol',
  'ssl-options',
  'ssl-verify-flags',
  'ssl-ca-data',
]);

/** Enumerations where a wrong value makes xpra fail or fall back badly. */
const STRICT_ENUMS = new Set([
  'ssl-server-verify-mode',
  'ssl-client-verify-mode',
  'clipboard-direction',
  'ssl',
]);

/** Enumerations that xpra compares without case. */
const CASE_INSENSITIVE = new Set(['ssl-server-verify-mode', 'ssl-client-verify-mode']);

/** Empty strings that xpra stores, and that fail when it connects. */
const EMPTY_INVALID = new Set(['ssl-server-verify-mode', 'ssl-protocol', 'ssl-ciphers']);

/** List options that xpra 3.1's launcher does not split at commas. */
const COMMA_LISTS = new Set([
  'encodings',
  'compressors',
  'packet-encoders',
  'video-encoders',
  'video-decoders',
  'csc-modules',
  'keyboard-layouts',
  'speaker-codec',
  'microphone-codec',
]);

const RANGES: Record<string, { minimum: number; maximum: number; zeroAllowed?: boolean }> = {
  quality: { minimum: 0, maximum: 100 },
  'min-quality': { minimum: 0, maximum: 100 },
  speed: { minimum: 0, maximum: 100 },
  'min-speed': { minimum: 0, maximum: 100 },
  compression_level: { minimum: 0, maximum: 9 },
  dpi: { minimum: 10, maximum: 1000, zeroAllowed: true },
};

const FLOAT_PATTERN =
  /^\s*[+-]?(\d+(_\d+)*(\.(\d+(_\d+)*)?)?|\.\d+(_\d+)*)([eE][+-]?\d+(_\d+)*)?\s*$/;
const FLOAT_SPECIAL = /^\s*[+-]?(nan|inf|infinity)\s*$/i;

interface TypeProblem {
  severity: Severity;
  code: string;
  message: string;
}

/** Checks a value against a type the way xpra coerces it; undefined means it is accepted. */
export function checkType(key: string, type: OptionType, value: string): TypeProblem | undefined {
  switch (type) {
    case 'bool':
    case 'tristate':
      return checkBoolean(key, value);
    case 'int':
      if (parseInteger(value) === undefined) {
        return {
          severity: 'error',
          code: 'invalid-integer',
          message: `'${key}' needs a whole number, not '${value}'. xpra 3.1 keeps the default and 4.4 and later use 0.`,
        };
      }
      return undefined;
    case 'float':
      if (FLOAT_SPECIAL.test(value)) {
        return {
          severity: 'warning',
          code: 'invalid-float',
          message: `'${key}' is '${value}', which xpra accepts but is not a usable number.`,
        };
      }
      if (!FLOAT_PATTERN.test(value)) {
        return {
          severity: 'error',
          code: 'invalid-float',
          message: `'${key}' needs a number, not '${value}'. xpra ignores this value.`,
        };
      }
      return undefined;
    default:
      return undefined;
  }
}

function checkBoolean(key: string, value: string): TypeProblem | undefined {
  if (value === '') {
    return {
      severity: 'error',
      code: 'invalid-boolean',
      message: `'${key}' is empty. xpra cannot read an empty boolean and keeps the default. Use yes or no.`,
    };
  }
  const parsed = parseBoolean(value);
  if (parsed === undefined) {
    return {
      severity: 'error',
      code: 'invalid-boolean',
      message: `'${key}' needs yes, no, true, false, on, off, 1, 0 or auto, not '${value}'. xpra ignores this value.`,
    };
  }
  const lower = value.trim().toLowerCase();
  if (/^[+-]?\d/.test(lower) && lower !== '0' && lower !== '1') {
    return {
      severity: 'warning',
      code: 'boolean-integer',
      message: `xpra reads '${value}' as ${parsed ? 'true' : 'false'} for '${key}'. Write ${parsed ? 'yes' : 'no'}.`,
    };
  }
  return undefined;
}

export function checkValue(context: ValidationContext, entry: Entry): void {
  const option = getOption(entry.key);
  if (!option || CHECKED_ELSEWHERE.has(entry.key)) {
    return;
  }
  checkValueType(context, entry, option);
  checkAllowedValue(context, entry, option);
  checkRange(context, entry);
  checkSize(context, entry);
  checkCommaList(context, entry, option);
  if (EMPTY_INVALID.has(entry.key) && entry.value === '') {
    context.add(
      entry.range,
      'error',
      'empty-value',
      `An empty '${entry.key}' is stored as is and makes the connection fail. Remove the line to use the default.`,
    );
  }
}

function checkValueType(context: ValidationContext, entry: Entry, option: OptionSchema): void {
  const problem = checkType(entry.key, option.type, entry.value);
  if (!problem) {
    return;
  }
  // NOTE: the option table gives the newest type but not the version that changed it, so
  // only 3.1 is held to the old type.
  if (
    option.typeInNewest &&
    option.typeInNewest !== option.type &&
    checkType(entry.key, option.typeInNewest, entry.value) === undefined
  ) {
    if (context.versions.includes('3.1')) {
      const severity = context.version === 'any' ? 'warning' : 'error';
      context.add(
        entry.valueRange,
        severity,
        problem.code,
        `${problem.message} Newer versions take it as a ${option.typeInNewest}, xpra 3.1 does not.`,
      );
    }
    return;
  }
  context.add(entry.valueRange, problem.severity, problem.code, problem.message);
}

function checkAllowedValue(context: ValidationContext, entry: Entry, option: OptionSchema): void {
  const allowed = option.allowedValues;
  if (!allowed || option.type !== 'str' || (entry.value === '' && EMPTY_INVALID.has(entry.key))) {
    return;
  }
  const value = entry.value;
  const matches = CASE_INSENSITIVE.has(entry.key)
    ? allowed.some((item) => item.toLowerCase() === value.toLowerCase())
    : allowed.includes(value);
  if (matches) {
    return;
  }
  const severity = STRICT_ENUMS.has(entry.key) ? 'error' : 'warning';
  const suggestion = suggest(value, allowed);
  const hint = suggestion ? ` Did you mean '${suggestion.value}'?` : '';
  const fixes = suggestion
    ? [
        {
          title: `Change to '${suggestion.value}'`,
          preferred: true,
          edits: [{ range: entry.valueRange, newText: suggestion.value }],
        },
      ]
    : [];
  const valueList = allowed.map((item) => (item === '' ? "''" : item)).join(', ');
  context.add(
    entry.valueRange,
    severity,
    'invalid-value',
    `'${value}' is not a valid '${entry.key}'. Use one of: ${valueList}.${hint}`,
    { fixes },
  );
}

function checkRange(context: ValidationContext, entry: Entry): void {
  const number = parseInteger(entry.value);
  if (number === undefined) {
    return;
  }
  const range = RANGES[entry.key];
  if (
    range &&
    !(range.zeroAllowed && number === 0) &&
    (number < range.minimum || number > range.maximum)
  ) {
    const zero = range.zeroAllowed ? '0 or ' : '';
    context.add(
      entry.valueRange,
      'warning',
      'value-out-of-range',
      `'${entry.key}' should be ${zero}${range.minimum} to ${range.maximum}, not ${number}. xpra does not check this when loading the file.`,
    );
  }
  if (entry.key === 'pixel-depth' && ![0, 8, 16, 24, 30].includes(number)) {
    context.add(
      entry.valueRange,
      'warning',
      'value-out-of-range',
      `'pixel-depth' should be 0, 8, 16, 24 or 30, not ${number}.`,
    );
  }
}

function checkSize(context: ValidationContext, entry: Entry): void {
  if ((entry.key !== 'min-size' && entry.key !== 'max-size') || entry.value === '') {
    return;
  }
  const match = /^(\d+)x(\d+)$/.exec(entry.value);
  const valid =
    match !== null &&
    [match[1], match[2]].every((part) => Number(part) >= 1 && Number(part) <= 32767);
  if (!valid) {
    context.add(
      entry.valueRange,
      'error',
      'invalid-size',
      `'${entry.key}' needs WIDTHxHEIGHT with each side 1 to 32767, such as 800x600, not '${entry.value}'.`,
    );
  }
}

function checkCommaList(context: ValidationContext, entry: Entry, option: OptionSchema): void {
  if (option.type !== 'list') {
    return;
  }
  if (entry.key === 'encodings' && entry.value === 'all') {
    context.add(
      entry.valueRange,
      'error',
      'comma-list',
      "The launcher does not expand 'encodings=all', so the server finds no supported encoding and refuses the client. Remove the line.",
    );
    return;
  }
  const separator = entry.key === 'socket-dirs' ? ':' : ',';
  if (
    !(COMMA_LISTS.has(entry.key) || entry.key === 'socket-dirs') ||
    !entry.value.includes(separator)
  ) {
    checkListItem(context, entry, option);
    return;
  }
  const items = entry.value
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const lines = items.map((item) => `${entry.key}=${item}`).join('\n');
  const consequence =
    entry.key === 'encodings'
      ? ', so the server finds no supported encoding and refuses the client'
      : '';
  context.add(
    entry.valueRange,
    entry.key === 'encodings' ? 'error' : 'warning',
    'comma-list',
    `xpra 3.1's launcher does not split '${entry.key}' at '${separator}': it takes '${entry.value}' as one item${consequence}. Give one value per line.`,
    {
      fixes: [
        {
          title: 'Give one value per line',
          preferred: true,
          edits: [{ range: entry.range, newText: lines }],
        },
      ],
    },
  );
}

function checkListItem(context: ValidationContext, entry: Entry, option: OptionSchema): void {
  const allowed = option.allowedValues;
  if (!allowed || entry.value === '' || allowed.includes(entry.value)) {
    return;
  }
  const suggestion = suggest(entry.value, allowed);
  const fixes = suggestion
    ? [
        {
          title: `Change to '${suggestion.value}'`,
          edits: [replaceEntry(entry, entry.key, suggestion.value)],
        },
      ]
    : [];
  context.add(
    entry.valueRange,
    'warning',
    'invalid-value',
    `'${entry.value}' is not a known '${entry.key}' value. Known values: ${allowed.join(', ')}.`,
    { fixes },
  );
}
