/**
 * Checks and list handling for the server URIs typed into "Xpra: Attach to Server…".
 * Pure: no `vscode` import, so unit tests run in plain Node.
 */
import { parseServerUri } from '../transport';

/** How many servers "Xpra: Attach to Server…" remembers. */
export const MAX_RECENT_SERVERS = 10;

/** Returns the problem with `text` as a server URI, or undefined when it parses. */
export function validateServerUri(text: string): string | undefined {
  if (!text.trim()) return 'Type a server URI such as ssl://host:port/';
  try {
    parseServerUri(text.trim());
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Returns the canonical form of a URI for the recent list. */
export function recentForm(text: string): string {
  try {
    return parseServerUri(text.trim()).displayName;
  } catch {
    return text.trim();
  }
}

/** Returns the recent list with `uri` first, without duplicates, at most MAX_RECENT_SERVERS long. */
export function addRecentServer(list: readonly string[], uri: string): string[] {
  const entry = recentForm(uri);
  return [entry, ...list.filter((each) => each !== entry)].slice(0, MAX_RECENT_SERVERS);
}
