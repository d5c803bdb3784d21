/** What every subsystem of a session gets: a way to send packets, emit events and log. */
import type { Dict, Packet, Value } from '../protocol/types';
import type { Logger, SessionEvents } from './types';

export interface SessionContext {
  /** Sends a packet named by its legacy name; the session picks the name the server accepts. */
  send(legacyName: string, ...fields: Value[]): void;
  emit<K extends keyof SessionEvents>(event: K, ...args: SessionEvents[K]): void;
  readonly logger: Logger;
  /** The server hello. */
  readonly serverCaps: Dict;
}

/** Packet handlers of one subsystem, keyed by the legacy packet name. */
export type PacketHandlers = Record<string, (packet: Packet) => void>;

export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
