/**
 * X.509 certificates for the local secured server: one private certificate authority per
 * user, a server certificate for loopback and a client certificate for the user.
 *
 * Keys are ECDSA P-256 with SHA-256 signatures by default. Both node:tls and xpra 3.1.3
 * (Python 3.11 ssl over OpenSSL 3.0, with its default X509_STRICT flag) accept them, which
 * test/conformance/tls.test.ts checks against the real xpra client and server.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, createPublicKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type KeyAlgorithm = 'ecdsa-p256' | 'rsa-2048';
export type CertificateUsage = 'server' | 'client';

/** A certificate and its private key, both PEM (the key unencrypted PKCS#8). */
export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

export interface CertificateAuthorityOptions {
  commonName: string;
  notBefore?: Date;
  notAfter?: Date;
  /**
   * Mark basicConstraints CA:TRUE critical and add a critical keyUsage of keyCertSign and
   * cRLSign. OpenSSL's X509_STRICT flag, which xpra sets by default, rejects a CA without them.
   */
  strict?: boolean;
  keyAlgorithm?: KeyAlgorithm;
}

export interface LeafCertificateOptions {
  commonName: string;
  dns?: string[];
  ips?: string[];
  usage: CertificateUsage;
  notBefore?: Date;
  notAfter?: Date;
  keyAlgorithm?: KeyAlgorithm;
}

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

const DAY_MS = 24 * 60 * 60 * 1000;
/** Start validity an hour back so that a peer whose clock lags a little still accepts it. */
const CLOCK_SKEW_MS = 60 * 60 * 1000;
const CA_LIFETIME_DAYS = 3650;
const LEAF_LIFETIME_DAYS = 365;
/** Certificates closer than this to their notAfter are replaced. */
const RENEW_BEFORE_DAYS = 30;
const LOCK_WAIT_MS = 10_000;
/** A lock directory older than this is left over from a process that died. */
const STALE_LOCK_MS = 60_000;

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const webCrypto = webcrypto as unknown as Crypto;

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};

function algorithmFor(keyAlgorithm: KeyAlgorithm): typeof ECDSA | typeof RSA {
  return keyAlgorithm === 'rsa-2048' ? RSA : ECDSA;
}

async function generateKeys(keyAlgorithm: KeyAlgorithm): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(algorithmFor(keyAlgorithm), true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** Imports a PKCS#8 PEM key (ECDSA P-256 or RSA) as a WebCrypto signing key. */
async function importSigningKey(keyPem: string): Promise<{ key: CryptoKey; algorithm: typeof ECDSA | typeof RSA }> {
  const nodeKey = createPrivateKey(keyPem);
  const der = nodeKey.export({ format: 'der', type: 'pkcs8' });
  let algorithm: typeof ECDSA | typeof RSA;
  if (nodeKey.asymmetricKeyType === 'rsa') {
    algorithm = RSA;
  } else if (nodeKey.asymmetricKeyType === 'ec' && nodeKey.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    algorithm = ECDSA;
  } else {
    const kind = nodeKey.asymmetricKeyType ?? 'unknown';
    throw new Error(`unsupported CA key type ${kind}: expected an RSA or ECDSA P-256 key`);
  }
  const key = await subtle.importKey('pkcs8', der, algorithm, false, ['sign']);
  return { key, algorithm };
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', key);
  return withFinalNewline(x509.PemConverter.encode(der, 'PRIVATE KEY'));
}

/** Ends PEM text with a newline, so that files and bundles made by concatenation stay valid. */
function withFinalNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

/** Returns a random 128-bit serial number in hex. The top bit is cleared so that DER reads it as positive. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function defaultValidity(notBefore: Date | undefined, notAfter: Date | undefined, days: number): [Date, Date] {
  const start = notBefore ?? new Date(Date.now() - CLOCK_SKEW_MS);
  const end = notAfter ?? new Date(start.getTime() + days * DAY_MS);
  if (end.getTime() <= start.getTime()) {
    throw new Error(`invalid validity: notAfter ${end.toISOString()} is not after notBefore ${start.toISOString()}`);
  }
  return [start, end];
}

/** Builds the X.500 name string; a comma or other special character in the name is escaped. */
function nameFor(commonName: string): string {
  if (commonName.length === 0) {
    throw new Error('missing commonName');
  }
  return new x509.Name([{ '2.5.4.3': [commonName] }]).toString();
}

function leafExtensions(options: LeafCertificateOptions, keyAlgorithm: KeyAlgorithm): x509.Extension[] {
  const flags = x509.KeyUsageFlags;
  // RSA key exchange needs keyEncipherment. ECDSA keys only sign (ECDHE supplies the key exchange).
  const usages = keyAlgorithm === 'rsa-2048' ? flags.digitalSignature | flags.keyEncipherment : flags.digitalSignature;
  const purpose = options.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(usages, true),
    new x509.ExtendedKeyUsageExtension([purpose], false),
  ];
  const names: x509.JsonGeneralName[] = [
    ...(options.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length > 0) {
    extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  }
  return extensions;
}

/** Creates a self-signed certificate authority with a new key. */
export async function createCertificateAuthority(options: CertificateAuthorityOptions): Promise<CertificateAndKey> {
  const keyAlgorithm = options.keyAlgorithm ?? 'ecdsa-p256';
  const strict = options.strict ?? true;
  const [notBefore, notAfter] = defaultValidity(options.notBefore, options.notAfter, CA_LIFETIME_DAYS);
  const keys = await generateKeys(keyAlgorithm);
  const flags = x509.KeyUsageFlags;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, undefined, strict),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webCrypto),
  ];
  if (strict) {
    extensions.push(new x509.KeyUsagesExtension(flags.keyCertSign | flags.cRLSign, true));
  }
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: nameFor(options.commonName),
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: algorithmFor(keyAlgorithm),
      extensions,
    },
    webCrypto,
  );
  return { certPem: withFinalNewline(cert.toString('pem')), keyPem: await exportKeyPem(keys.privateKey) };
}

/** Issues a server or client certificate with a new key, signed by `ca`. */
export async function issueCertificate(ca: CertificateAndKey, options: LeafCertificateOptions): Promise<CertificateAndKey> {
  const keyAlgorithm = options.keyAlgorithm ?? 'ecdsa-p256';
  const [notBefore, notAfter] = defaultValidity(options.notBefore, options.notAfter, LEAF_LIFETIME_DAYS);
  const caCert = new x509.X509Certificate(ca.certPem);
  const signer = await importSigningKey(ca.keyPem);
  const keys = await generateKeys(keyAlgorithm);
  const extensions = [
    ...leafExtensions(options, keyAlgorithm),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webCrypto),
    await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey, false, webCrypto),
  ];
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: nameFor(options.commonName),
      issuer: caCert.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: signer.key,
      signingAlgorithm: signer.algorithm,
      extensions,
    },
    webCrypto,
  );
  return { certPem: withFinalNewline(cert.toString('pem')), keyPem: await exportKeyPem(keys.privateKey) };
}

/** Creates a self-signed end-entity certificate (CA:FALSE), trusted only by being pinned as a CA. */
export async function createSelfSigned(options: LeafCertificateOptions): Promise<CertificateAndKey> {
  const keyAlgorithm = options.keyAlgorithm ?? 'ecdsa-p256';
  const [notBefore, notAfter] = defaultValidity(options.notBefore, options.notAfter, LEAF_LIFETIME_DAYS);
  const keys = await generateKeys(keyAlgorithm);
  const extensions = [
    ...leafExtensions(options, keyAlgorithm),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webCrypto),
  ];
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: nameFor(options.commonName),
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: algorithmFor(keyAlgorithm),
      extensions,
    },
    webCrypto,
  );
  return { certPem: withFinalNewline(cert.toString('pem')), keyPem: await exportKeyPem(keys.privateKey) };
}

// ---------------------------------------------------------------------------------------------
// Files on disk

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

/**
 * Writes `text` to `file` through a new temporary file created with `mode`, then renames it
 * over `file`. The data never exists with wider permissions, and readers see either the old
 * file or the whole new one.
 */
async function writeFileAtomic(file: string, text: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await fs.open(temporary, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

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
