/**
 * The engine modules the VS Code side uses, imported through one file so that the
 * dependency direction (vscode/ -> client/, server/, transport/) is visible in one place.
 */
export { attach, type XpraSession } from '../client';
export {
  SERVER_MODES, XpraMissingError, ServerStartError, findXpra, listLocalServers, startLocalServer, stopLocalServer,
} from '../server';
export type { ListedServer, LocalServer, Logger, ServerMode } from '../server';
export { parseServerUri } from '../transport';
