/** "Did you mean" for keys and values: normalised matches first, then edit distance. */

export type SuggestionKind = 'case' | 'separator' | 'plural' | 'typo';

export interface Suggestion {
  value: string;
  kind: SuggestionKind;
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/_/g, '-');
}

function singular(text: string): string {
  return text.endsWith('s') ? text.slice(0, -1) : text;
}

/** Damerau-Levenshtein distance (optimal string alignment), stopping early above `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) {
    return limit + 1;
  }
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMinimum = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, before[j - 2] + 1);
      }
      current.push(distance);
      rowMinimum = Math.min(rowMinimum, distance);
    }
    if (rowMinimum > limit) {
      return limit + 1;
    }
    before = previous;
    previous = current;
  }
  return previous[b.length];
}

/** Precomputed lookups over one candidate list, for repeated suggestions against it. */
export class Suggester {
  private readonly byLowerCase = new Map<string, string>();
  private readonly byNormalised = new Map<string, string>();
  private readonly bySingular = new Map<string, string>();
  private readonly normalised: Array<[string, string]>;
  private readonly cache = new Map<string, Suggestion | undefined>();

  constructor(candidates: Iterable<string>) {
    const list = [...candidates];
    this.normalised = list.map((candidate) => [candidate, normalise(candidate)]);
    for (const [candidate, normal] of this.normalised) {
      setIfAbsent(this.byLowerCase, candidate.toLowerCase(), candidate);
      setIfAbsent(this.byNormalised, normal, candidate);
      setIfAbsent(this.bySingular, singular(normal), candidate);
    }
  }

  /**
   * Finds the candidate `text` was most likely meant to be. Case, `-`/`_` and a trailing `s`
   * are tried before edit distance, so `SSH-PORT` finds `ssh_port` and `ssl-ca-cert` finds
   * `ssl-ca-certs`. Results are cached, because the same text comes back on every keystroke.
   */
  suggest(text: string): Suggestion | undefined {
    if (this.cache.has(text)) {
      return this.cache.get(text);
    }
    const result = this.compute(text);
    if (this.cache.size >= SUGGESTION_CACHE_SIZE) {
      this.cache.clear();
    }
    this.cache.set(text, result);
    return result;
  }

  private compute(text: string): Suggestion | undefined {
    const caseMatch = this.byLowerCase.get(text.toLowerCase());
    if (caseMatch !== undefined) {
      return { value: caseMatch, kind: 'case' };
    }
    const normalised = normalise(text);
    const separatorMatch = this.byNormalised.get(normalised);
    if (separatorMatch !== undefined) {
      return { value: separatorMatch, kind: 'separator' };
    }
    const pluralMatch = this.bySingular.get(singular(normalised));
    if (pluralMatch !== undefined) {
      return { value: pluralMatch, kind: 'plural' };
    }
    const limit = Math.max(1, Math.min(3, Math.floor(text.length / 4)));
    let best: string | undefined;
    let bestDistance = limit + 1;
    for (const [candidate, normal] of this.normalised) {
      if (Math.abs(normal.length - normalised.length) >= bestDistance) {
        continue;
      }
      const distance = editDistance(normalised, normal, bestDistance - 1);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best === undefined ? undefined : { value: best, kind: 'typo' };
  }
}

const SUGGESTION_CACHE_SIZE = 4096;

function setIfAbsent(map: Map<string, string>, key: string, value: string): void {
  if (!map.has(key)) {
    map.set(key, value);
  }
}

/** Suggests a value from a short candidate list, such as the allowed values of one option. */
export function suggest(text: string, candidates: Iterable<string>): Suggestion | undefined {
  return new Suggester(candidates).suggest(text);
}
