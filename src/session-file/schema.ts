/**
 * The option schema generated from xpra's option table (data/xpra-options.schema.json, written
 * by scripts/generate-options.mjs), and the version arithmetic that goes with it.
 */
import schemaData from '../../data/xpra-options.schema.json';

export type OptionType = 'str' | 'int' | 'bool' | 'list' | 'float' | 'tristate';
export type OptionScope = 'client' | 'server' | 'both';

export interface OptionSchema {
  name: string;
  type: OptionType;
  default: unknown;
  allowedValues?: string[];
  scope: OptionScope;
  /** The first xpra version with this key, as `MAJOR.MINOR`. */
  since: string;
  /** `since` for people: "0.9 or earlier", "6.6 (development branch)". */
  sinceText: string;
  removedIn?: string;
  typeInNewest?: OptionType;
  defaultInNewest?: unknown;
  description: string;
  kind: 'option' | 'launcher' | 'option+launcher';
  /** A connection key of the launcher: host, port, mode, password and the like. */
  sessionKey?: boolean;
  commandLine?: boolean;
  platformDefault?: boolean;
  notAllowedInFiles?: boolean;
  /** Versions that added or removed single allowed values. */
  valueVersions?: Record<string, { since?: string; removedIn?: string }>;
}

/** A version the setting `xpra.sessionFiles.xpraVersion` names, or `any`. */
export type TargetVersion = 'any' | string;

interface SchemaFile {
  versions: string[];
  options: Record<string, Omit<OptionSchema, 'name'>>;
}

const file = schemaData as unknown as SchemaFile;

/** The xpra versions files can target, oldest first. */
export const VERSIONS: readonly string[] = file.versions;

export const OPTIONS: ReadonlyMap<string, OptionSchema> = new Map(
  Object.entries(file.options).map(([name, option]) => [name, { name, ...option }]),
);

export function getOption(key: string): OptionSchema | undefined {
  return OPTIONS.get(key);
}

const versionNumbers = new Map<string, number>();

/** MAJOR.MINOR as one comparable number, cached because validation compares the same few. */
function versionNumber(version: string): number {
  let number = versionNumbers.get(version);
  if (number === undefined) {
    const [major, minor] = version.split('.').map(Number);
    number = major * 1000 + (minor || 0);
    versionNumbers.set(version, number);
  }
  return number;
}

export function compareVersions(a: string, b: string): number {
  return versionNumber(a) - versionNumber(b);
}

export function isVersionInRange(version: string, since?: string, removedIn?: string): boolean {
  if (since !== undefined && compareVersions(version, since) < 0) {
    return false;
  }
  return removedIn === undefined || compareVersions(version, removedIn) < 0;
}

/** Returns the versions a target covers: every version for `any`. */
export function targetVersions(target: TargetVersion): readonly string[] {
  return target === 'any' ? VERSIONS : [target];
}

export function isKnownTarget(target: string): boolean {
  return target === 'any' || VERSIONS.includes(target);
}

/**
 * Formats a list of versions as runs over VERSIONS: "3.1 to 4.4, 6.5".
 */
export function formatVersions(versions: readonly string[]): string {
  const runs: string[] = [];
  let runStart = -1;
  let previous = -1;
  const flush = () => {
    if (runStart < 0) {
      return;
    }
    const first = VERSIONS[runStart];
    const last = VERSIONS[previous];
    runs.push(runStart === previous ? first : `${first} to ${last}`);
  };
  for (const index of versions.map((version) => VERSIONS.indexOf(version)).sort((a, b) => a - b)) {
    if (index < 0) {
      continue;
    }
    if (index !== previous + 1 || runStart < 0) {
      flush();
      runStart = index;
    }
    previous = index;
  }
  flush();
  return runs.join(', ');
}

export function isKeyAvailable(option: OptionSchema, version: string): boolean {
  return isVersionInRange(version, option.since, option.removedIn);
}

/** Returns the allowed values that `version` accepts, for options such as `mode` whose values changed. */
export function allowedValuesIn(option: OptionSchema, version: string): string[] {
  const values = option.allowedValues ?? [];
  return values.filter((value) => {
    const range = option.valueVersions?.[value];
    return range === undefined || isVersionInRange(version, range.since, range.removedIn);
  });
}
