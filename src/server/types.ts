/** Public types of the local secured xpra server. */

/**
 * Levelled, categorised logging. It has the same shape as the client's logger, so one
 * implementation serves both. Implementations must never receive secrets.
 */
export interface Logger {
  trace(category: string, message: string): void;
  debug(category: string, message: string): void;
  info(category: string, message: string): void;
  warn(category: string, message: string): void;
  error(category: string, message: string): void;
}

/**
 * The socket kind of a local server. Every kind is TLS-only for xpra clients and requires
 * a client certificate signed by our CA.
 * - `ssl`: `--bind-ssl`, TLS from the first byte.
 * - `tcp`: `--bind-tcp` with `--ssl=on`, a TCP port that xpra upgrades to TLS. That port also
 *   accepts plain xpra, so the server also requires a random password (`password-file`).
 * - `www`: `--bind-ssl` with `--html=on`, so the same TLS port also serves xpra's HTML5
 *   client over HTTPS.
 */
export type ServerMode = 'ssl' | 'tcp' | 'www';

export const SERVER_MODES: readonly ServerMode[] = ['ssl', 'tcp', 'www'];

export interface StartOptions {
  /** Directory that contains the certificates and one folder per server. */
  stateDir: string;
  /** Command that the server starts on its display, split like a shell would. Default `xterm`. */
  start?: string;
  mode?: ServerMode;
  /** TCP port on 127.0.0.1. Default: a free port chosen by the system. */
  port?: number;
  /** X11 display number. Default: the first free one from 100 up. */
  display?: number;
  /** Milliseconds to wait until the server is ready. Default 30000. */
  timeoutMs?: number;
  /** Environment for finding and running xpra. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

/** A running server that we started, as recorded in its state file. */
export interface LocalServer {
  /** Name of the server's folder under `<stateDir>/servers/`. */
  id: string;
  /** Process id of the xpra server process. */
  pid: number;
  /** X11 display number (`:display`). */
  display: number;
  host: '127.0.0.1';
  port: number;
  mode: ServerMode;
  /** `ssl://127.0.0.1:PORT/`, which xpra and our client both accept. */
  uri: string;
  /** The `.xpra` session file that attaches to this server. */
  sessionFile: string;
  caCertFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** Password for `tcp` mode, mode 0600; absent in the other modes. */
  passwordFile?: string;
  /** xpra's standard output and error. */
  logFile: string;
  /** Private (0700) folder of the server's unix-domain socket, which `xpra stop` uses. */
  socketDir: string;
  /** The start command. */
  start: string;
  /** Major and minor version of xpra, such as `3.1`, when `xpra --version` could be read. */
  xpraVersion?: string;
  /** ISO 8601 time of the start. */
  startedAt: string;
}

/** One entry of `listLocalServers`: one of ours, or a session that `xpra list` found. */
export type ListedServer =
  | { ours: true; server: LocalServer }
  | { ours: false; display: string; state: string; socketDir: string };
