/**
 * The user's local certificates on disk: one certificate authority, created once and reused,
 * a loopback server certificate and a client certificate, renewed before they expire.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CA_LIFETIME_DAYS,
  CLOCK_SKEW_MS,
  createCertificateAuthority,
  DAY_MS,
  issueCertificate,
  LEAF_LIFETIME_DAYS,
  type CertificateAndKey,
  type CertificateUsage,
  type LeafCertificateOptions,
} from './certificates';
import { writeFileAtomic } from './state';

/** File paths written by `ensureLocalCertificates`. */
export interface LocalCertificatePaths {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

export interface EnsureCertificatesOptions {
  logger?: { info(category: string, message: string): void; warn(category: string, message: string): void };
}

/** Certificates closer than this to their notAfter are replaced. */
const RENEW_BEFORE_DAYS = 30;
const LOCK_WAIT_MS = 10_000;
/** A lock directory older than this is left over from a process that died. */
const STALE_LOCK_MS = 60_000;

const LOCAL_FILES = {
  caCert: 'ca.pem',
  caKey: 'ca-key.pem',
  serverCert: 'server.pem',
  serverKey: 'server-key.pem',
  clientCert: 'client.pem',
  clientKey: 'client-key.pem',
} as const;

const SERVER_DNS_NAMES = ['localhost'];
const SERVER_IPS = ['127.0.0.1', '::1'];

async function readPair(certFile: string, keyFile: string): Promise<CertificateAndKey | undefined> {
  try {
    const [certPem, keyPem] = await Promise.all([fs.readFile(certFile, 'utf8'), fs.readFile(keyFile, 'utf8')]);
    return { certPem, keyPem };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

/**
 * Returns why `pair` cannot be reused, or undefined when it can: unparseable, key not matching,
 * not valid yet, expiring within RENEW_BEFORE_DAYS, or not issued by `issuer`.
 */
function reasonToReplace(pair: CertificateAndKey, now: Date, issuer?: X509Certificate): string | undefined {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pair.certPem);
    const certKey = cert.publicKey.export({ format: 'der', type: 'spki' });
    const ownKey = createPublicKey(createPrivateKey(pair.keyPem)).export({ format: 'der', type: 'spki' });
    if (!certKey.equals(ownKey)) {
      return 'the private key does not match the certificate';
    }
  } catch (error) {
    return `unreadable: ${(error as Error).message}`;
  }
  if (new Date(cert.validFrom).getTime() > now.getTime()) {
    return `not valid before ${new Date(cert.validFrom).toISOString()}`;
  }
  const remainingMs = new Date(cert.validTo).getTime() - now.getTime();
  if (remainingMs < RENEW_BEFORE_DAYS * DAY_MS) {
    return remainingMs <= 0 ? 'expired' : `expires on ${new Date(cert.validTo).toISOString()}`;
  }
  const anchor = issuer ?? cert;
  if (!cert.checkIssued(anchor) || !cert.verify(anchor.publicKey)) {
    return 'not issued by the current certificate authority';
  }
  return undefined;
}

/** Returns a reason when a key file can be read by users other than its owner. */
async function keyExposure(keyFile: string): Promise<string | undefined> {
  if (process.platform === 'win32') {
    return undefined;
  }
  const stat = await fs.stat(keyFile);
  const mode = stat.mode & 0o777;
  return (mode & 0o077) !== 0 ? `key file mode is ${mode.toString(8)}, not 600` : undefined;
}

async function withLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, '.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await fs.mkdir(lock, { mode: 0o700 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
      const stat = await fs.stat(lock).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > STALE_LOCK_MS) {
        await fs.rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${lock}: another process is creating certificates, or remove it`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lock, { recursive: true, force: true });
  }
}

/**
 * Creates or reuses the user's certificate authority, the loopback server certificate
 * (SAN localhost, 127.0.0.1, ::1) and the user's client certificate in `dir`.
 * A certificate is replaced when it is missing, unreadable, expired or within 30 days of
 * expiry, when its key file is readable by other users, or when the CA it needs was replaced.
 * Private keys are created with mode 0600 and `dir` with 0700.
 */
export async function ensureLocalCertificates(
  dir: string,
  now: Date = new Date(),
  options: EnsureCertificatesOptions = {},
): Promise<LocalCertificatePaths> {
  const paths = Object.fromEntries(
    Object.entries(LOCAL_FILES).map(([name, file]) => [name, path.join(dir, file)]),
  ) as unknown as LocalCertificatePaths;
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  const log = options.logger;

  await withLock(dir, async () => {
    let ca = await readPair(paths.caCert, paths.caKey);
    let caReason = ca ? reasonToReplace(ca, now) ?? (await keyExposure(paths.caKey)) : 'missing';
    if (ca && !caReason && !new X509Certificate(ca.certPem).ca) {
      caReason = 'not a CA certificate';
    }
    let caReplaced = false;
    if (!ca || caReason) {
      ca = await createCertificateAuthority({
        commonName: `xpra-sessions local CA for ${os.userInfo().username}`,
        notBefore,
        notAfter: new Date(notBefore.getTime() + CA_LIFETIME_DAYS * DAY_MS),
      });
      await writeFileAtomic(paths.caKey, ca.keyPem, 0o600);
      await writeFileAtomic(paths.caCert, ca.certPem, 0o644);
      caReplaced = true;
      const fingerprint = new X509Certificate(ca.certPem).fingerprint256;
      log?.info('tls', `created certificate authority ${paths.caCert} SHA-256 ${fingerprint} (${caReason})`);
    }
    const issuer = new X509Certificate(ca.certPem);
    const leaves: Array<[CertificateUsage, string, string, LeafCertificateOptions]> = [
      ['server', paths.serverCert, paths.serverKey, {
        commonName: 'localhost', dns: SERVER_DNS_NAMES, ips: SERVER_IPS, usage: 'server', notBefore,
      }],
      ['client', paths.clientCert, paths.clientKey, {
        commonName: os.userInfo().username, usage: 'client', notBefore,
      }],
    ];
    for (const [usage, certFile, keyFile, leafOptions] of leaves) {
      const existing = caReplaced ? undefined : await readPair(certFile, keyFile);
      let reason = existing ? reasonToReplace(existing, now, issuer) ?? (await keyExposure(keyFile)) : 'missing';
      if (caReplaced) {
        reason = 'new certificate authority';
      }
      if (!reason && usage === 'server' && existing && !coversLoopback(existing.certPem)) {
        reason = 'does not name localhost, 127.0.0.1 and ::1';
      }
      if (reason) {
        const issued = await issueCertificate(ca, {
          ...leafOptions,
          notAfter: new Date(notBefore.getTime() + LEAF_LIFETIME_DAYS * DAY_MS),
        });
        await writeFileAtomic(keyFile, issued.keyPem, 0o600);
        await writeFileAtomic(certFile, issued.certPem, 0o644);
        const fingerprint = new X509Certificate(issued.certPem).fingerprint256;
        log?.info('tls', `issued ${usage} certificate ${certFile} SHA-256 ${fingerprint} (${reason})`);
      }
    }
  });
  return paths;
}

function coversLoopback(certPem: string): boolean {
  const cert = new X509Certificate(certPem);
  return (
    SERVER_DNS_NAMES.every((name) => cert.checkHost(name, { wildcards: false }) !== undefined) &&
    SERVER_IPS.every((ip) => cert.checkIP(ip) !== undefined)
  );
}
