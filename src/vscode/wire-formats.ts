import type * as vscode from 'vscode';
import type { WireFormatStore } from '../client/types';

const WIRE_FORMATS_KEY = 'xpra.wireFormats';
/** Servers remembered at most; the oldest entries go first. */
const MAX_SERVERS = 200;
const ENCODERS = new Set(['bencode', 'rencode', 'rencodeplus']);

/**
 * Keeps in the extension's global state the packet encoder that each host:port spoke, and
 * the one that each host's last server spoke, so the first attach after a reload starts
 * with the one that worked instead of paying for a fallback.
 */
export function globalStateWireFormats(state: vscode.Memento): WireFormatStore {
  const read = (): Record<string, string> => state.get<Record<string, string>>(WIRE_FORMATS_KEY, {});
  return {
    load(hostPort) {
      const encoder = read()[hostPort];
      return encoder !== undefined && ENCODERS.has(encoder) ? (encoder as ReturnType<WireFormatStore['load']>) : undefined;
    },
    save(hostPort, encoder) {
      const entries = Object.entries(read()).filter(([key]) => key !== hostPort);
      entries.push([hostPort, encoder]);
      void state.update(WIRE_FORMATS_KEY, Object.fromEntries(entries.slice(-MAX_SERVERS)));
    },
  };
}
