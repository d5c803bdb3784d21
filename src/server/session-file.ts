/** The `.xpra` session file that attaches to a local server. */
import { promises as fs } from 'node:fs';
import type { ServerMode } from './types';

export interface SessionFileFields {
  id: string;
  mode: ServerMode;
  host: string;
  port: number;
  caCertPem: string;
  clientCertFile: string;
  clientKeyFile: string;
  passwordFile?: string;
}

/**
 * Formats the session file. `ssl-ca-data` is lower-case hex of the CA's PEM bytes on one
 * line, which xpra 3.1 to 6.0 read. The file is ASCII with LF line ends and no duplicate keys,
 * because xpra's launcher reads the locale encoding and rejects repeated keys.
 * NOTE: xpra 6.1 and later expect DER in `ssl-ca-data`; for them a file would need the hex of
 * the DER bytes instead.
 */
export function formatSessionFile(fields: SessionFileFields): string {
  const lines = [
    `# Attaches to the local xpra server ${fields.id} (${fields.mode} socket on loopback).`,
    '# Written by xpra-sessions; the server requires the client certificate below.',
    'mode=ssl',
    `host=${fields.host}`,
    `port=${fields.port}`,
    `ssl-ca-data=${Buffer.from(fields.caCertPem, 'ascii').toString('hex')}`,
    `ssl-cert=${fields.clientCertFile}`,
    `ssl-key=${fields.clientKeyFile}`,
  ];
  if (fields.passwordFile) {
    lines.push(`password-file=${fields.passwordFile}`);
  }
  lines.push('autoconnect=true');
  return `${lines.join('\n')}\n`;
}

/** Writes the session file with mode 0600: it names the client key, and may name a password. */
export async function writeSessionFile(file: string, fields: SessionFileFields): Promise<void> {
  await fs.writeFile(file, formatSessionFile(fields), { mode: 0o600 });
  await fs.chmod(file, 0o600);
}
