/** Listing local servers: ours from their state files, others from `xpra list`. */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { STATE_FILE_NAME, describe, isServerProcess, readState, serversDir } from './state';
import type { ListedServer, LocalServer, Logger } from './types';
import { findXpra, runXpra } from './xpra';

const XPRA_LIST_TIMEOUT_MS = 15_000;

export interface ListOptions {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Whether to run `xpra list` for servers that others started. Default true. */
  includeOthers?: boolean;
  /** Socket folders for `xpra list` (`--socket-dirs`). Default: xpra's configured ones. */
  socketDirs?: string[];
}

/**
 * Lists our servers whose process is alive, and removes the folders of those whose process
 * has gone. Then adds the sessions that `xpra list` finds in its socket folders (xpra's
 * configured ones unless `socketDirs` is given), marked as not ours. Without xpra on PATH the list has only our servers.
 */
export async function listLocalServers(stateDir: string, options: ListOptions = {}): Promise<ListedServer[]> {
  const ours = await listOwnServers(stateDir, options.logger);
  const listed: ListedServer[] = ours.map((server) => ({ ours: true, server }));
  if (options.includeOthers === false) {
    return listed;
  }
  const ownDisplays = new Set(ours.map((server) => `:${server.display}`));
  const others = await listXpraSessions(options.env ?? process.env, options.socketDirs ?? [], options.logger);
  for (const other of others) {
    if (!ownDisplays.has(other.display)) {
      listed.push(other);
    }
  }
  return listed;
}

async function listOwnServers(stateDir: string, log?: Logger): Promise<LocalServer[]> {
  const root = serversDir(stateDir);
  let ids: string[];
  try {
    ids = await fs.readdir(root);
  } catch (error) {
    // No folder means that no server was started yet. Any other failure hides our servers.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      log?.warn('server', `cannot list the servers in ${root}: ${describe(error)}`);
    }
    return [];
  }
  const servers: LocalServer[] = [];
  for (const id of ids.sort()) {
    const dir = path.join(root, id);
    const stateFile = path.join(dir, STATE_FILE_NAME);
    if (!existsSync(stateFile)) {
      // A start that failed leaves its log without a state file. The next server that
      // takes that display removes the folder.
      continue;
    }
    let server: LocalServer;
    try {
      server = readState(stateFile);
    } catch (error) {
      log?.warn('server', `skipping ${dir}: ${describe(error)}`);
      continue;
    }
    if (isServerProcess(server.pid, server.display)) {
      servers.push(server);
    } else {
      log?.info('server', `removing stale server ${server.id}: pid ${server.pid} has exited`);
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
  return servers;
}

/** Parses `xpra list` output: a folder line ending in ':' and one indented line per session. */
export function parseXpraList(output: string): Extract<ListedServer, { ours: false }>[] {
  const sessions: Extract<ListedServer, { ours: false }>[] = [];
  let socketDir = '';
  for (const line of output.split('\n')) {
    const folder = /^(\/.*):\s*$/.exec(line);
    if (folder) {
      socketDir = folder[1];
      continue;
    }
    const session = /^\s+([A-Z]+)\s+session at\s+(:\d+)/.exec(line);
    if (session) {
      sessions.push({ ours: false, state: session[1], display: session[2], socketDir });
    }
  }
  return sessions;
}

async function listXpraSessions(
  env: NodeJS.ProcessEnv,
  socketDirs: string[],
  log?: Logger,
): Promise<Extract<ListedServer, { ours: false }>[]> {
  let xpra: string;
  try {
    xpra = findXpra(env);
  } catch {
    return [];
  }
  try {
    const args = ['list', ...socketDirs.map((dir) => `--socket-dirs=${dir}`)];
    const result = await runXpra(xpra, args, { env, timeoutMs: XPRA_LIST_TIMEOUT_MS });
    return parseXpraList(result.stdout);
  } catch (error) {
    log?.warn('server', `'xpra list' failed: ${describe(error)}`);
    return [];
  }
}
