/** The `.xpra` session file that attaches to a local server. */
import { promises as fs } from 'node:fs';
import { encodeCaData as encodeCaDataAs } from '../transport';
import type { ServerMode } from './types';

export interface SessionFileFields {
  id: string;
  mode: ServerMode;
  host: string;
  port: number;
  caCertPem: string;
  /** Version of the local xpra as [major, minor], which decides how `ssl-ca-data` is encoded. */
  xpraVersion?: [number, number];
  clientCertFile: string;
  clientKeyFile: string;
  passwordFile?: string;
}

/**
 * Returns `ssl-ca-data` for the CA: lower-case hex on one line, of the PEM bytes for xpra up
 * to 6.0 and of the DER bytes for 6.1 and later, which pass the decoded bytes to OpenSSL as
 * DER. Our own client reads both.
 */
export function encodeCaData(caCertPem: string, xpraVersion?: [number, number]): string {
  const [major, minor] = xpraVersion ?? [0, 0];
  const derFromXpra = major > 6 || (major === 6 && minor >= 1);
  return encodeCaDataAs(caCertPem, derFromXpra ? 'hex-der' : 'hex-pem');
}

/**
 * Formats the session file. The file is ASCII with LF line ends and no duplicate keys,
 * because xpra 3.1.3's launcher reads the locale encoding and drops or fails on repeated keys.
 */
export function formatSessionFile(fields: SessionFileFields): string {
  const lines = [
    `# Attaches to the local xpra server ${fields.id} (${fields.mode} socket on loopback).`,
    '# Written by xpra-sessions; the server requires the client certificate below.',
    'mode=ssl',
    `host=${fields.host}`,
    `port=${fields.port}`,
    `ssl-ca-data=${encodeCaData(fields.caCertPem, fields.xpraVersion)}`,
    `ssl-cert=${fields.clientCertFile}`,
    `ssl-key=${fields.clientKeyFile}`,
  ];
  if (fields.passwordFile) {
    lines.push(`password-file=${fields.passwordFile}`);
  }
  lines.push('autoconnect=true');
  return `${lines.join('\n')}\n`;
}

/** Writes the session file with mode 0600, because it names the client key and may name a password. */
export async function writeSessionFile(file: string, fields: SessionFileFields): Promise<void> {
  await fs.writeFile(file, formatSessionFile(fields), { mode: 0o600 });
  await fs.chmod(file, 0o600);
}
