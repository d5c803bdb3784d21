/** What the runner needs from each client it measures. */
import type { XpraServer } from '../lib/xpra-server';
import type { CertificateFiles } from '../lib/certificate';

export type ClientName = 'ours' | 'html5' | 'null';

export interface ClientCounters {
  /** Screen updates completed: draws with flush 0 that were painted (or acknowledged, for null). */
  updates: number;
  /** Draw packets painted or acknowledged. */
  draws?: number;
}

export interface ClientContext {
  server: XpraServer;
  certificate: CertificateFiles;
  /** Where a client may keep files of this run. */
  directory: string;
}

export interface RunningClient {
  /** Seconds from the start of the attach to the first completed screen update. */
  firstFrameSeconds: number;
  /** Roots of the process trees that belong to this client, other than this Node process. */
  processRoots: number[];
  /** True when part of the client runs inside this Node process (our engine). */
  usesNodeProcess: boolean;
  counters(): Promise<ClientCounters>;
  stop(): Promise<void>;
}

export interface ClientDriver {
  name: ClientName;
  /** Attaches to the server and resolves once the first screen update is complete. */
  start(context: ClientContext): Promise<RunningClient>;
}

export const FIRST_FRAME_TIMEOUT_MS = 30_000;
