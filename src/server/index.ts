/**
 * The local secured xpra server: certificates, the xpra process, readiness, the session
 * file and the state that lets a later process list and stop it. No `vscode` import.
 */
export {
  createCertificateAuthority, createSelfSigned, ensureLocalCertificates, issueCertificate,
} from './certificates';
export type { CertificateAndKey, LocalCertificatePaths } from './certificates';
export { listLocalServers, parseXpraList } from './list';
export { ServerStartError, readLogTail } from './readiness';
export { formatSessionFile } from './session-file';
export { startLocalServer } from './start';
export { defaultStateDir } from './state';
export { stopLocalServer } from './stop';
export type { StopOptions, StopResult } from './stop';
export { SERVER_MODES } from './types';
export type { ListedServer, LocalServer, Logger, ServerMode, StartOptions } from './types';
export { XpraMissingError, findXpra, installCommand } from './xpra';
