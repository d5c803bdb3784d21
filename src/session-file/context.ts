/** The validation context that every rule reads: the parsed file, the target version and the findings. */
import { readerValues, type Entry, type ParsedSessionFile, type ReaderValue } from './parser';
import { allowedValuesIn, getOption, targetVersions, type TargetVersion } from './schema';
import type { Diagnostic, Fix, Range, RelatedInformation, Severity } from './types';

/** Read access to the files a session file names. The editor and the CLI pass node:fs. */
export interface FileSystemAccess {
  stat(path: string): 'file' | 'directory' | 'missing';
  readFile(path: string): Uint8Array | undefined;
}

export interface ValidationOptions {
  /** The xpra version the file is for. With `any` (the default) every version is checked. */
  xpraVersion?: TargetVersion;
  /** The time certificate validity is checked at. */
  now?: Date;
  /** Without it, rules that look at named files (`ssl-ca-certs`, `ssl-cert`) are skipped. */
  fileSystem?: FileSystemAccess;
  /** Used to offer a fix that replaces `~` in paths xpra does not expand. */
  homeDirectory?: string;
}

export const NETWORK_MODES = new Set(['tcp', 'ssl', 'ws', 'wss', 'quic']);
export const TLS_MODES = new Set(['ssl', 'wss', 'quic']);
export const SSH_MODES = new Set(['ssh', 'ssh -> ssh']);
export const AES_MODES = new Set(['tcp + aes', 'tcp + aes-cbc', 'tcp + aes-ctr']);

export class ValidationContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly version: TargetVersion;
  readonly versions: readonly string[];
  readonly now: Date;
  readonly values: Map<string, ReaderValue>;
  /** The transport after xpra's checks: an invalid or repeated `mode` falls back to tcp. */
  readonly mode: string;

  constructor(
    readonly parsed: ParsedSessionFile,
    readonly options: ValidationOptions,
  ) {
    this.version = options.xpraVersion ?? 'any';
    this.versions = targetVersions(this.version);
    this.now = options.now ?? new Date();
    this.values = readerValues(parsed);
    const mode = this.scalar('mode');
    const modeOption = getOption('mode');
    const valid =
      mode !== undefined &&
      modeOption !== undefined &&
      this.versions.some((version) => allowedValuesIn(modeOption, version).includes(mode));
    this.mode = valid ? mode : 'tcp';
  }

  add(
    range: Range,
    severity: Severity,
    code: string,
    message: string,
    extra: { fixes?: Fix[]; related?: RelatedInformation[] } = {},
  ): Diagnostic {
    const diagnostic: Diagnostic = { range, severity, code, message, ...extra };
    this.diagnostics.push(diagnostic);
    return diagnostic;
  }

  entries(key: string): Entry[] {
    return this.parsed.entriesByKey.get(key) ?? [];
  }

  /** Returns the last entry of `key`, where problems about the key as a whole are shown. */
  last(key: string): Entry | undefined {
    const list = this.entries(key);
    return list[list.length - 1];
  }

  /**
   * Returns the value xpra uses for a single-valued key, or undefined when the key is missing
   * or was dropped because it was repeated.
   */
  scalar(key: string): string | undefined {
    const value = this.values.get(key);
    return typeof value === 'string' ? value : undefined;
  }

  isTlsMode(): boolean {
    return TLS_MODES.has(this.mode);
  }

  /** Returns a boolean option after xpra's coercion, or `fallback` when it is unset or invalid. */
  booleanValue(key: string, fallback: boolean): boolean {
    const value = this.scalar(key);
    const parsed = value === undefined ? undefined : parseBoolean(value);
    return parsed === undefined || parsed === 'auto' ? fallback : parsed;
  }

  verifyModeIsNone(): boolean {
    return this.scalar('ssl-server-verify-mode')?.toLowerCase() === 'none';
  }

  /** Returns the `ssl-verify-flags` items, upper-cased as xpra does. The default is X509_STRICT. */
  verifyFlags(): string[] {
    const value = this.scalar('ssl-verify-flags');
    if (value === undefined) {
      return ['X509_STRICT'];
    }
    return splitCommaList(value).map((item) => item.toUpperCase());
  }
}

export function splitCommaList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

const TRUE_WORDS = new Set(['yes', 'true', '1', 'on']);
const FALSE_WORDS = new Set(['no', 'false', '0', 'off']);

/**
 * Coerces a boolean as xpra does: the words above (any case), `auto`, or an integer, where any
 * non-zero integer is true. Returns undefined for anything else.
 */
export function parseBoolean(value: string): boolean | 'auto' | undefined {
  const lower = value.toLowerCase();
  if (TRUE_WORDS.has(lower)) {
    return true;
  }
  if (FALSE_WORDS.has(lower)) {
    return false;
  }
  if (lower === 'auto') {
    return 'auto';
  }
  if (INTEGER_PATTERN.test(value)) {
    return Number(value.replace(/_/g, '')) !== 0;
  }
  return undefined;
}

/** The syntax Python's `int()` accepts: decimal digits, an optional sign, `_` between digits. */
export const INTEGER_PATTERN = /^\s*[+-]?\d+(_\d+)*\s*$/;

/** Parses an int the way xpra does, including the yes/no/auto words, or returns undefined. */
export function parseInteger(value: string): number | undefined {
  const lower = value.trim().toLowerCase();
  if (lower === 'yes' || lower === 'true' || lower === 'on') {
    return 1;
  }
  if (lower === 'no' || lower === 'false' || lower === 'off' || lower === 'auto') {
    return 0;
  }
  return INTEGER_PATTERN.test(value) ? Number(value.replace(/[_\s]/g, '')) : undefined;
}


export function isIpAddress(host: string): boolean {
  return (
    /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || (host.includes(':') && /^[0-9a-fA-F:.]+$/.test(host))
  );
}
