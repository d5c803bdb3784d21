/**
 * Certificates and files for TLS tests, made fresh for each run with the project's generator.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  createCertificateAuthority,
  issueCertificate,
  type CertificateAndKey,
  type LeafCertificateOptions,
} from '../../src/server/certificates';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Creates a private temporary directory (mode 0700) and returns its path. */
export async function makeTempDir(prefix = 'xpra-tls-test-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Writes `text` to `dir/name` (keys with mode 0600) and returns the path. */
export async function writeFile(dir: string, name: string, text: string, mode = 0o644): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, text, { mode });
  return file;
}

/** Writes a certificate and its key as NAME.pem and NAME-key.pem. */
export async function writePair(dir: string, name: string, pair: CertificateAndKey): Promise<{ cert: string; key: string }> {
  return {
    cert: await writeFile(dir, `${name}.pem`, pair.certPem),
    key: await writeFile(dir, `${name}-key.pem`, pair.keyPem, 0o600),
  };
}

export interface TestPki {
  ca: CertificateAndKey;
  otherCa: CertificateAndKey;
  issue(options: Partial<LeafCertificateOptions> & { commonName: string }, by?: CertificateAndKey): Promise<CertificateAndKey>;
}

/** Creates a CA that the tests trust and an unrelated CA that they do not. */
export async function makeTestPki(): Promise<TestPki> {
  const ca = await createCertificateAuthority({ commonName: 'Test Trusted CA' });
  const otherCa = await createCertificateAuthority({ commonName: 'Test Unknown CA' });
  return {
    ca,
    otherCa,
    issue: (options, by = ca) => issueCertificate(by, { usage: 'server', ...options }),
  };
}
