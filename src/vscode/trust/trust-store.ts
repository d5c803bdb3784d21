/**
 * Pinned certificates and trusted CA files, one entry per server host and port, kept in a
 * key-value store (the extension's global state). Pure: no `vscode` import.
 */
import { normalizeFingerprint } from '../../transport';
import { formatHostPort } from './failure-actions';

/** The part of VS Code's Memento that the store uses. */
export interface KeyValueStore {
  get<T>(key: string, defaultValue: T): T;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export interface PinEntry {
  kind: 'pin';
  host: string;
  port: number;
  /** SHA-256 in node's form: upper-case hex pairs joined by colons. */
  fingerprint: string;
  subject: string;
  /** ISO date of when the person pinned it. */
  added: string;
}

export interface TrustedCaEntry {
  kind: 'ca';
  host: string;
  port: number;
  /** Absolute path of the PEM file of CA certificates. */
  caFile: string;
  /** SHA-256 of the first certificate in the file, to show what was trusted. */
  fingerprint: string;
  subject: string;
  added: string;
}

export type TrustEntry = PinEntry | TrustedCaEntry;

/** The result of comparing a server certificate with the pin for its host and port. */
export type PinMatch = { kind: 'none' } | { kind: 'match'; pin: PinEntry } | { kind: 'changed'; pin: PinEntry; fingerprint: string };

/** The global state key of the list of entries. */
export const TRUST_STATE_KEY = 'xpra.trust.entries';

/** Returns the key that identifies a server: lower-case host without brackets, and port. */
export function serverKey(host: string, port: number): string {
  return formatHostPort(host.replace(/^\[|\]$/g, '').toLowerCase(), port);
}

export class TrustStore {
  constructor(private readonly state: KeyValueStore) {}

  /** Returns every entry, skipping stored values that are not well formed. */
  list(): TrustEntry[] {
    const value = this.state.get<unknown>(TRUST_STATE_KEY, []);
    return Array.isArray(value) ? value.filter(isTrustEntry) : [];
  }

  pinFor(host: string, port: number): PinEntry | undefined {
    const key = serverKey(host, port);
    return this.list().find((entry): entry is PinEntry => entry.kind === 'pin' && serverKey(entry.host, entry.port) === key);
  }

  caFor(host: string, port: number): TrustedCaEntry | undefined {
    const key = serverKey(host, port);
    return this.list().find((entry): entry is TrustedCaEntry => entry.kind === 'ca' && serverKey(entry.host, entry.port) === key);
  }

  /** Compares `fingerprint` (any form normalizeFingerprint takes) with the pin of host and port. */
  match(host: string, port: number, fingerprint: string): PinMatch {
    const pin = this.pinFor(host, port);
    if (!pin) return { kind: 'none' };
    const normalized = normalizeFingerprint(fingerprint);
    return normalized === pin.fingerprint ? { kind: 'match', pin } : { kind: 'changed', pin, fingerprint: normalized };
  }

  /**
   * Pins `fingerprint` for host and port. Rejects when another certificate is pinned there
   * unless `replace` is set, because a changed certificate is replaced only on confirmation.
   */
  async pin(host: string, port: number, fingerprint: string, subject: string, options: { replace?: boolean; now?: Date } = {}): Promise<PinEntry> {
    const normalized = normalizeFingerprint(fingerprint);
    const existing = this.pinFor(host, port);
    if (existing && existing.fingerprint !== normalized && !options.replace) {
      throw new Error(
        `${formatHostPort(host, port)} already has a pinned certificate with SHA-256 ${existing.fingerprint}: ` +
          'confirm the replacement to pin another one',
      );
    }
    const entry: PinEntry = {
      kind: 'pin',
      host: stripBrackets(host),
      port,
      fingerprint: normalized,
      subject,
      added: (options.now ?? new Date()).toISOString(),
    };
    await this.replaceEntry(entry);
    return entry;
  }

  /** Trusts the CA certificates in `caFile` for host and port, replacing an earlier CA file there. */
  async trustCa(host: string, port: number, caFile: string, first: { fingerprint: string; subject: string }, now = new Date()): Promise<TrustedCaEntry> {
    const entry: TrustedCaEntry = {
      kind: 'ca',
      host: stripBrackets(host),
      port,
      caFile,
      fingerprint: normalizeFingerprint(first.fingerprint),
      subject: first.subject,
      added: now.toISOString(),
    };
    await this.replaceEntry(entry);
    return entry;
  }

  /** Removes the entry of `kind` for host and port; returns false when there was none. */
  async remove(kind: TrustEntry['kind'], host: string, port: number): Promise<boolean> {
    const key = serverKey(host, port);
    const entries = this.list();
    const kept = entries.filter((entry) => !(entry.kind === kind && serverKey(entry.host, entry.port) === key));
    if (kept.length === entries.length) return false;
    await this.state.update(TRUST_STATE_KEY, kept);
    return true;
  }

  private async replaceEntry(entry: TrustEntry): Promise<void> {
    const key = serverKey(entry.host, entry.port);
    const others = this.list().filter((each) => !(each.kind === entry.kind && serverKey(each.host, each.port) === key));
    await this.state.update(TRUST_STATE_KEY, [...others, entry]);
  }
}

function stripBrackets(host: string): string {
  return host.replace(/^\[|\]$/g, '');
}

function isTrustEntry(value: unknown): value is TrustEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  const common =
    typeof entry.host === 'string' &&
    typeof entry.port === 'number' &&
    typeof entry.fingerprint === 'string' &&
    typeof entry.subject === 'string' &&
    typeof entry.added === 'string';
  if (!common) return false;
  if (entry.kind === 'pin') return true;
  return entry.kind === 'ca' && typeof entry.caFile === 'string';
}
