/** A throw-away self-signed certificate for 127.0.0.1, made with the openssl command. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';

const run = promisify(execFile);

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

/** Writes cert.pem and key.pem into `directory`, valid for two days for IP 127.0.0.1. */
export async function makeLoopbackCertificate(directory: string): Promise<CertificateFiles> {
  const certFile = join(directory, 'cert.pem');
  const keyFile = join(directory, 'key.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', keyFile, '-out', certFile,
  ]);
  return { certFile, keyFile };
}
