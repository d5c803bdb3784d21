/**
 * Turns a session file into the settings the attach code takes, so that attaching from a file
 * in the editor and from the command line read the file's options the same way, with xpra's
 * rules: a repeated single-valued key counts as unset, so a missing or repeated `mode` means
 * tcp. A mode other than ssl or tcp is rejected.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseSessionFile, readerValues, type ParsedSessionFile } from './parser';

/** The same shape as TlsSettings of the client, named after xpra's ssl-* options. */
export interface SessionTlsSettings {
  caCertFile?: string;
  caData?: string;
  verifyMode: 'none' | 'optional' | 'required';
  serverHostname?: string;
  certFile?: string;
  keyFile?: string;
  keyPassphrase?: string;
}

export interface SessionAttachSettings {
  /** `ssl://host:port/` or `tcp://host:port/`, with IPv6 hosts in brackets. */
  uri: string;
  mode: 'ssl' | 'tcp';
  host: string;
  port: number;
  username?: string;
  /** The clear-text `password` of the file, when it has one. */
  password?: string;
  tls: SessionTlsSettings;
  /** The file's `speed`, `min-speed`, `quality` and `min-quality`, where given. */
  encoding: SessionEncodingSettings;
  /** Whether `ssl-check-hostname` requests the hostname check. The caller decides whether to honour it. */
  checkHostname: boolean;
}

/** The same shape as EncodingTuning of the client. 0 means "let the server choose". */
export interface SessionEncodingSettings {
  speed?: number;
  minSpeed?: number;
  quality?: number;
  minQuality?: number;
}

const ENCODING_KEYS: [keyof SessionEncodingSettings, string][] = [
  ['speed', 'speed'],
  ['minSpeed', 'min-speed'],
  ['quality', 'quality'],
  ['minQuality', 'min-quality'],
];

/** A session file that cannot be attached as written. */
export class SessionFileError extends Error {
  override name = 'SessionFileError';
}

const SUPPORTED_MODES: Record<string, 'ssl' | 'tcp'> = { ssl: 'ssl', tcp: 'tcp' };
const VERIFY_MODES = new Set(['none', 'optional', 'required']);

/**
 * Keys that decide where and how securely a session connects. xpra drops every value of a
 * repeated key, so a second `mode=ssl` line silently turns the session into plain TCP; an
 * attach rejects such a file instead of following xpra there.
 */
const CONNECTION_KEYS = [
  'mode',
  'host',
  'port',
  'username',
  'password',
  'password-file',
  'ssl-server-verify-mode',
  'ssl-server-hostname',
  'ssl-ca-certs',
  'ssl-ca-data',
  'ssl-cert',
  'ssl-key',
];

function rejectRepeatedConnectionKeys(parsed: ParsedSessionFile): void {
  for (const key of CONNECTION_KEYS) {
    const lines = parsed.entries.filter((entry) => entry.key === key).map((entry) => entry.lines[0] + 1);
    if (lines.length > 1) {
      throw new SessionFileError(
        `'${key}' is given ${lines.length} times (lines ${lines.join(', ')}): xpra would drop ` +
          'every value and fall back to its default, so keep one line',
      );
    }
  }
}

export function toAttachSettings(file: string | ParsedSessionFile): SessionAttachSettings {
  const parsed = typeof file === 'string' ? parseSessionFile(file) : file;
  rejectRepeatedConnectionKeys(parsed);
  const values = readerValues(parsed);
  const get = (key: string): string | undefined => {
    const value = values.get(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const modeText = get('mode') ?? 'tcp';
  const mode = SUPPORTED_MODES[modeText];
  if (!mode) {
    throw new SessionFileError(`mode '${modeText}' is not supported for attaching: use mode=ssl`);
  }
  const host = get('host');
  if (!host) {
    throw new SessionFileError("the session file has no 'host'");
  }
  const portText = get('port');
  const port = portText === undefined ? NaN : Number(portText.trim().replace(/_/g, ''));
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SessionFileError(
      portText === undefined
        ? "the session file has no 'port'"
        : `invalid port '${portText}': use 1 to 65535`,
    );
  }
  const verifyText = (get('ssl-server-verify-mode') ?? 'required').toLowerCase();
  if (!VERIFY_MODES.has(verifyText)) {
    throw new SessionFileError(
      `invalid ssl-server-verify-mode '${verifyText}': use none, optional or required`,
    );
  }
  const caCerts = get('ssl-ca-certs');
  const checkHostname = !/^(no|false|0|off)$/i.test(get('ssl-check-hostname') ?? 'yes');
  const tls: SessionTlsSettings = {
    verifyMode: verifyText as SessionTlsSettings['verifyMode'],
    caCertFile: caCerts === 'default' ? undefined : caCerts,
    caData: get('ssl-ca-data'),
    serverHostname: get('ssl-server-hostname'),
    certFile: get('ssl-cert'),
    keyFile: get('ssl-key'),
    keyPassphrase: get('ssl-key-password'),
  };
  for (const key of Object.keys(tls) as (keyof SessionTlsSettings)[]) {
    if (tls[key] === undefined) {
      delete tls[key];
    }
  }
  const encoding: SessionEncodingSettings = {};
  for (const [field, key] of ENCODING_KEYS) {
    const text = get(key)?.trim().replace(/_/g, '');
    if (text === undefined) continue;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value > 100) {
      throw new SessionFileError(`invalid ${key} '${get(key)}': use 0 (automatic) to 100`);
    }
    encoding[field] = value;
  }
  const uriHost = host.includes(':') ? `[${host}]` : host;
  return {
    uri: `${mode}://${uriHost}:${port}/`,
    mode,
    host,
    port,
    username: get('username'),
    password: get('password'),
    tls,
    encoding,
    checkHostname,
  };
}

/**
 * Reads the settings of the session file at `file` for an attach, the same way for the editor
 * and the command line. Relative certificate, key and password-file paths are read from the
 * file's folder, and `~` is the home folder. The password comes from `password`, or else from
 * the file that `password-file` names.
 */
export async function resolveAttachSettings(
  parsed: ParsedSessionFile,
  file: string,
): Promise<SessionAttachSettings> {
  const settings = toAttachSettings(parsed);
  const folder = path.dirname(file);
  const resolve = (value: string): string =>
    path.resolve(folder, value.replace(/^~(?=$|\/)/, process.env.HOME ?? '~'));
  const tls: SessionTlsSettings = { ...settings.tls };
  if (tls.caCertFile !== undefined) tls.caCertFile = resolve(tls.caCertFile);
  if (tls.certFile !== undefined) tls.certFile = resolve(tls.certFile);
  if (tls.keyFile !== undefined) tls.keyFile = resolve(tls.keyFile);
  let password = settings.password;
  const passwordFile = readerValues(parsed).get('password-file');
  if (password === undefined && typeof passwordFile === 'string' && passwordFile !== '') {
    password = await readPasswordFile(resolve(passwordFile));
  }
  return { ...settings, tls, password };
}

/**
 * Reads a password file: its whole text without one trailing newline. Both `password-file`
 * and the command line's `--password-file` read it this way.
 */
export async function readPasswordFile(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new SessionFileError(`cannot read the password file ${file}: ${why}`);
  }
}
