/**
 * Which packet encoder each server spoke. 6.x decodes only rencodeplus and 3.1 cannot
 * decode it at all, so the first attach to a server may need two connections. Later
 * attaches start with the encoder that worked.
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

/** Returns the encoders to try for a server, the remembered one first. */
export function encoderOrder(hostPort: string, store?: WireFormatStore): Encoder[] {
  const known = remembered.get(hostPort) ?? store?.load(hostPort);
  if (known === undefined) return [...DEFAULT_ENCODER_ORDER];
  return [known, ...DEFAULT_ENCODER_ORDER.filter((encoder) => encoder !== known)];
}

export function rememberEncoder(hostPort: string, encoder: Encoder, store?: WireFormatStore): void {
  remembered.set(hostPort, encoder);
  store?.save(hostPort, encoder);
}

/** Forgets every remembered encoder; for tests. */
export function forgetEncoders(): void {
  remembered.clear();
}
