/**
 * Which packet encoder each server spoke. 6.x decodes only rencodeplus and 3.1 cannot
 * decode it at all, so the first attach to a server may need two connections. Later
 * attaches start with the encoder that worked, and a first attach to a new port starts with
 * the encoder that the host's last server spoke: local servers get a new port each time but
 * come from the same xpra installation.
 */
import type { Encoder } from '../protocol/types';

/** Optional persistence for the map, e.g. the extension's global state. */
export interface WireFormatStore {
  load(hostPort: string): Encoder | undefined;
  save(hostPort: string, encoder: Encoder): void;
}

const remembered = new Map<string, Encoder>();

/** rencodeplus first: current servers only speak it, and 3.1 rejects it within milliseconds. */
export const DEFAULT_ENCODER_ORDER: readonly Encoder[] = ['rencodeplus', 'rencode'];

export function hostPortKey(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Returns the key under which the encoder of a host's last server is kept: the host alone, without a port. */
function hostKey(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function load(key: string, store?: WireFormatStore): Encoder | undefined {
  return remembered.get(key) ?? store?.load(key);
}

/**
 * Returns the encoders to try for a server: first the one it spoke before, else the one the
 * last server on `host` spoke, then the others in the default order.
 */
export function encoderOrder(hostPort: string, store?: WireFormatStore, host?: string): Encoder[] {
  const known = load(hostPort, store) ?? (host === undefined ? undefined : load(hostKey(host), store));
  if (known === undefined) return [...DEFAULT_ENCODER_ORDER];
  return [known, ...DEFAULT_ENCODER_ORDER.filter((encoder) => encoder !== known)];
}

/** Records the encoder a server spoke, under its host:port and, when `host` is given, under the host alone. */
export function rememberEncoder(hostPort: string, encoder: Encoder, store?: WireFormatStore, host?: string): void {
  const keys = host === undefined ? [hostPort] : [hostPort, hostKey(host)];
  for (const key of keys) {
    remembered.set(key, encoder);
    store?.save(key, encoder);
  }
}

/** Forgets every remembered encoder; for tests. */
export function forgetEncoders(): void {
  remembered.clear();
}
