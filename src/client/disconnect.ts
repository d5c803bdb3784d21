/**
 * Sentences for the ways an xpra session ends: the `disconnect` packet's reason codes, the
 * plain-text errors a server writes before it accepts a hello, and socket failures.
 */

/** xpra's disconnect reason codes (identical in 3.1.3 and 6.5), described for a person. */
const REASONS: Record<string, string> = {
  'client ping timeout': 'the server stopped hearing from this client (ping timeout)',
  'login timeout': 'the server gave up waiting for the login to finish (login timeout)',
  'client exit timeout': 'the server timed out waiting for the client to exit',
  'protocol error': 'the server reported a protocol error',
  'version error': 'the server rejected our protocol version',
  'control command error': 'a control command failed on the server',
  'authentication failed': 'authentication failed: wrong password',
  'authentication error': 'authentication failed because of an error on the server',
  'permission error': 'the server denied permission for this connection',
  'server error': 'the server reported an error',
  'connection error': 'the server reported a connection error',
  'session not found error': 'the server has no session to attach to',
  done: 'the session is finished',
  'server exit': 'the server exited',
  'server upgrade': 'the server is restarting for an upgrade',
  'server shutdown': 'the server shut down',
  'client request': 'the session was closed at our request',
  'detach request': 'the server detached this client on request',
  'new client': 'another client took over the session',
  'idle timeout': 'the session was idle for too long (idle timeout)',
  'session busy': 'the session is busy with another client',
  'client exit': 'the client exited',
};

/** Returns a sentence for a `disconnect` packet: its reason code followed by any details. */
export function describeDisconnect(reason: string, details: string[] = []): string {
  const known = REASONS[reason];
  const extra = details.filter((detail) => detail.length > 0).join('; ');
  if (known === undefined) {
    return extra
      ? `the server closed the session: ${reason} (${extra})`
      : `the server closed the session: ${reason}`;
  }
  if (reason === 'authentication failed' && extra && !/password/i.test(extra)) {
    return `authentication failed: ${extra}`;
  }
  return extra ? `${known}: ${extra}` : known;
}

/**
 * Returns a sentence for the header-less text a server writes when it rejects the first
 * bytes, e.g. `disconnect: failed to parse bencode packet` (3.1.3) or
 * `disconnect invalid packet encoding: 'rencode' decoder is not available` (6.5.3).
 */
export function describeServerText(text: string): string {
  const line = text.trim().replace(/^disconnect:?\s*/i, '');
  if (/login timeout/i.test(line)) return REASONS['login timeout'];
  if (/decoder is not available|invalid packet encoding/i.test(line)) {
    return `the server does not accept our packet encoding: ${line}`;
  }
  if (/zlib is not available|invalid compression/i.test(line)) {
    return `the server does not accept our packet compression: ${line}`;
  }
  if (/failed to parse/i.test(line)) return `the server could not parse our packets: ${line}`;
  return `the server rejected the connection: ${line}`;
}

/**
 * Returns true when pre-hello text means the server cannot read the packet encoder we
 * tried, so the other wire format is worth a try. 3.1.x reads a rencodeplus header as
 * bencode and fails to parse it. 6.x names the decoder it lacks.
 */
export function isEncoderRejection(text: string): boolean {
  return /bencode|rencode|failed to parse|invalid packet encoding|decoder is not available/i.test(
    text,
  );
}

/** Whether a `disconnect` packet rejects our hello's packet encoder or version fields. */
export function isEncoderDisconnect(reason: string, details: string[]): boolean {
  const all = [reason, ...details].join(' ');
  return /failed to negotiate a packet encoder|packet encoding/i.test(all);
}

export const NO_PASSWORD_MESSAGE = 'the server requires authentication and no password was given';
