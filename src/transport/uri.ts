/**
 * Server URIs: `ssl:host:port`, `ssl://[user@]host:port/`, IPv6 in brackets, and the plain
 * `tcp:` forms. A URI without a mode means TLS.
 */
import { isIP } from 'node:net';

export type ServerMode = 'ssl' | 'tcp';

export interface ServerUri {
  mode: ServerMode;
  /** Host name or IP address, with IPv6 unbracketed as net and tls expect. */
  host: string;
  port: number;
  username?: string;
  /** The display number after the path slash (`ssl://host:port/7`), when given. */
  display?: number;
  /** True for `tcp:`, which sends everything, including passwords, unencrypted. */
  insecure: boolean;
  /** Canonical form for lists and titles, e.g. `ssl://alice@[::1]:10000/`. */
  displayName: string;
}

/** A server URI that cannot be parsed. The message names the problem and the fix. */
export class ServerUriError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerUriError';
  }
}

const MODES: Record<string, ServerMode> = { ssl: 'ssl', tls: 'ssl', tcp: 'tcp' };
const OTHER_XPRA_MODES = new Set(['ssh', 'ws', 'wss', 'vsock', 'unix', 'socket', 'named-pipe', 'udp', 'quic']);
const HOST_NAME = /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;

/** True for names and addresses that stay on this machine: localhost, 127.0.0.0/8 and ::1. */
export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return (
    lower === 'localhost' ||
    lower === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(lower) ||
    lower.endsWith('.localhost')
  );
}

/**
 * Parses a server URI.
 *
 * There is no default port. xpra 3.1 to 6.4 use 14500 for ssl and 6.5 uses 443, so a URI
 * without a port would reach different ports depending on which xpra client read it.
 */
export function parseServerUri(text: string): ServerUri {
  const input = text.trim();
  if (input.length === 0) {
    throw new ServerUriError('missing server URI: expected ssl:HOST:PORT');
  }
  const { mode, rest, hierarchical } = splitMode(input);
  let authority = rest;
  let display: number | undefined;
  if (hierarchical) {
    ({ authority, display } = splitPath(rest, input));
  } else if (rest.includes('/') || rest.includes('?')) {
    throw new ServerUriError(`invalid server URI '${input}': use ssl://HOST:PORT/ to add a display number`);
  }
  const { username, hostPort } = splitUser(authority, input);
  const { host, port } = splitHostPort(hostPort, input);
  return {
    mode,
    host,
    port,
    ...(username !== undefined ? { username } : {}),
    ...(display !== undefined ? { display } : {}),
    insecure: mode === 'tcp',
    displayName: formatServerUri({ mode, host, port, username, display }),
  };
}

/** Formats the parts of a server URI in the `mode://user@host:port/` form. */
export function formatServerUri(uri: {
  mode: ServerMode;
  host: string;
  port: number;
  username?: string;
  display?: number;
}): string {
  const host = isIP(uri.host) === 6 ? `[${uri.host}]` : uri.host;
  const user = uri.username !== undefined ? `${encodeURIComponent(uri.username)}@` : '';
  return `${uri.mode}://${user}${host}:${uri.port}/${uri.display ?? ''}`;
}

function splitMode(input: string): { mode: ServerMode; rest: string; hierarchical: boolean } {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):(\/\/)?(.*)$/s.exec(input);
  // `host:port` and `[::1]:port` carry no mode, so the scheme match finds a host or nothing.
  if (!match || (match[2] === undefined && /^\d+$/.test(match[3]))) {
    return { mode: 'ssl', rest: input, hierarchical: false };
  }
  const name = match[1].toLowerCase();
  const mode = MODES[name];
  if (mode === undefined) {
    if (OTHER_XPRA_MODES.has(name)) {
      throw new ServerUriError(`unsupported mode '${name}': this client connects with ssl: (TLS) or tcp:`);
    }
    throw new ServerUriError(`unknown mode '${match[1]}': expected ssl: (TLS) or tcp:`);
  }
  return { mode, rest: match[3], hierarchical: match[2] !== undefined };
}

function splitPath(rest: string, input: string): { authority: string; display?: number } {
  if (rest.includes('?') || rest.includes('#')) {
    throw new ServerUriError(`invalid server URI '${input}': query strings and fragments are not supported`);
  }
  const slash = rest.indexOf('/');
  if (slash < 0) {
    return { authority: rest };
  }
  const path = rest.slice(slash + 1);
  if (path === '') {
    return { authority: rest.slice(0, slash) };
  }
  if (!/^\d{1,5}$/.test(path)) {
    throw new ServerUriError(`invalid display '${path}' in '${input}': expected a display number such as /7`);
  }
  return { authority: rest.slice(0, slash), display: Number(path) };
}

function splitUser(authority: string, input: string): { username?: string; hostPort: string } {
  const at = authority.lastIndexOf('@');
  if (at < 0) {
    return { hostPort: authority };
  }
  const userInfo = authority.slice(0, at);
  if (userInfo.includes(':')) {
    throw new ServerUriError(
      `a password in the URI '${redactPassword(input)}' is not supported: remove it, and enter it when the server asks`,
    );
  }
  if (userInfo.length === 0) {
    throw new ServerUriError(`missing user name before '@' in '${input}'`);
  }
  let username: string;
  try {
    username = decodeURIComponent(userInfo);
  } catch {
    throw new ServerUriError(`invalid percent-encoding in user name '${userInfo}'`);
  }
  return { username, hostPort: authority.slice(at + 1) };
}

function redactPassword(input: string): string {
  return input.replace(/(\/\/|:)([^:/@]*):[^@/]*@/, '$1$2:***@');
}

function splitHostPort(hostPort: string, input: string): { host: string; port: number } {
  let host: string;
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) {
      throw new ServerUriError(`missing ']' after the IPv6 address in '${input}'`);
    }
    host = hostPort.slice(1, close);
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) {
      throw new ServerUriError(`invalid text '${after}' after the IPv6 address in '${input}'`);
    }
    portText = after === '' ? undefined : after.slice(1);
    if (isIP(host.split('%')[0]) !== 6) {
      throw new ServerUriError(`invalid IPv6 address '${host}' in '${input}'`);
    }
  } else {
    const colons = hostPort.split(':').length - 1;
    if (colons > 1) {
      const withoutPort = hostPort.slice(0, hostPort.lastIndexOf(':'));
      if (isIP(hostPort) === 6 || isIP(withoutPort) === 6) {
        throw new ServerUriError(`an IPv6 address needs brackets: write [address]:PORT in '${input}'`);
      }
      throw new ServerUriError(`invalid host and port '${hostPort}' in '${input}': expected HOST:PORT`);
    }
    const colon = hostPort.indexOf(':');
    host = colon < 0 ? hostPort : hostPort.slice(0, colon);
    portText = colon < 0 ? undefined : hostPort.slice(colon + 1);
    checkHostName(host, input);
  }
  return { host, port: parsePort(portText, input) };
}

function checkHostName(host: string, input: string): void {
  if (host.length === 0) {
    throw new ServerUriError(`missing host in '${input}'`);
  }
  if (isIP(host) === 4) {
    return;
  }
  if (host.length > 253 || !HOST_NAME.test(host)) {
    throw new ServerUriError(`invalid host '${host}' in '${input}'`);
  }
}

function parsePort(portText: string | undefined, input: string): number {
  if (portText === undefined || portText === '') {
    throw new ServerUriError(
      `missing port in '${input}': add :PORT (xpra's default differs by version, 14500 or 443)`,
    );
  }
  if (!/^\d+$/.test(portText)) {
    throw new ServerUriError(`invalid port '${portText}' in '${input}': expected a number from 1 to 65535`);
  }
  const port = Number(portText);
  if (port < 1 || port > 65535) {
    throw new ServerUriError(`invalid port ${portText} in '${input}': expected a number from 1 to 65535`);
  }
  return port;
}
