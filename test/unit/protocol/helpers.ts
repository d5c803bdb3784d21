/** Small helpers shared by the protocol unit tests. */
import path from 'node:path';

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

export function ascii(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** The recorded xpra 6.5.3 streams, kept next to the repository. */
export const fixturesRoot = path.resolve(repoRoot, 'test', 'fixtures', 'xpra-6.5.3');
