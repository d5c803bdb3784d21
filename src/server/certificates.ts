/**
 * X.509 certificate generation: certificate authorities, server and client certificates.
 * local-certificates.ts keeps the user's own set on disk, and this module re-exports it.
 *
 * Keys are ECDSA P-256 with SHA-256 signatures by default. Both node:tls and xpra 3.1.3
 * (Python 3.11 ssl over OpenSSL 3.0, with its default X509_STRICT flag) accept them, which
 * test/conformance/tls.test.ts checks against the real xpra client and server.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';

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

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Start validity an hour back so that a peer whose clock lags a little still accepts it. */
export const CLOCK_SKEW_MS = 60 * 60 * 1000;
export const CA_LIFETIME_DAYS = 3650;
export const LEAF_LIFETIME_DAYS = 365;

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

/** Builds the X.500 name string, escaping a comma or other special character in the name. */
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

interface Subject {
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  keys: CryptoKeyPair;
  keyAlgorithm: KeyAlgorithm;
  extensions: x509.Extension[];
}

/** Signs a certificate for `subject` with its own key. */
async function signSelf(subject: Subject): Promise<CertificateAndKey> {
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: nameFor(subject.commonName),
      notBefore: subject.notBefore,
      notAfter: subject.notAfter,
      keys: subject.keys,
      signingAlgorithm: algorithmFor(subject.keyAlgorithm),
      extensions: [
        ...subject.extensions,
        await x509.SubjectKeyIdentifierExtension.create(subject.keys.publicKey, false, webCrypto),
      ],
    },
    webCrypto,
  );
  return { certPem: withFinalNewline(cert.toString('pem')), keyPem: await exportKeyPem(subject.keys.privateKey) };
}

/** Signs a certificate for `subject` with the key of `ca`. */
async function signWith(ca: CertificateAndKey, subject: Subject): Promise<CertificateAndKey> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const signer = await importSigningKey(ca.keyPem);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: nameFor(subject.commonName),
      issuer: caCert.subject,
      notBefore: subject.notBefore,
      notAfter: subject.notAfter,
      publicKey: subject.keys.publicKey,
      signingKey: signer.key,
      signingAlgorithm: signer.algorithm,
      extensions: [
        ...subject.extensions,
        await x509.SubjectKeyIdentifierExtension.create(subject.keys.publicKey, false, webCrypto),
        await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey, false, webCrypto),
      ],
    },
    webCrypto,
  );
  return { certPem: withFinalNewline(cert.toString('pem')), keyPem: await exportKeyPem(subject.keys.privateKey) };
}

async function newSubject(
  options: { commonName: string; notBefore?: Date; notAfter?: Date; keyAlgorithm?: KeyAlgorithm },
  lifetimeDays: number,
  extensions: (keyAlgorithm: KeyAlgorithm) => x509.Extension[],
): Promise<Subject> {
  const keyAlgorithm = options.keyAlgorithm ?? 'ecdsa-p256';
  const [notBefore, notAfter] = defaultValidity(options.notBefore, options.notAfter, lifetimeDays);
  const keys = await generateKeys(keyAlgorithm);
  return { commonName: options.commonName, notBefore, notAfter, keys, keyAlgorithm, extensions: extensions(keyAlgorithm) };
}

function authorityExtensions(strict: boolean, pathLength?: number): x509.Extension[] {
  const flags = x509.KeyUsageFlags;
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(true, pathLength, strict)];
  if (strict) {
    extensions.push(new x509.KeyUsagesExtension(flags.keyCertSign | flags.cRLSign, true));
  }
  return extensions;
}

/** Creates a self-signed certificate authority with a new key. */
export async function createCertificateAuthority(options: CertificateAuthorityOptions): Promise<CertificateAndKey> {
  const strict = options.strict ?? true;
  return signSelf(await newSubject(options, CA_LIFETIME_DAYS, () => authorityExtensions(strict)));
}

/** Issues an intermediate certificate authority, strict and with path length 0, signed by `ca`. */
export async function issueCertificateAuthority(
  ca: CertificateAndKey,
  options: Omit<CertificateAuthorityOptions, 'strict'>,
): Promise<CertificateAndKey> {
  return signWith(ca, await newSubject(options, CA_LIFETIME_DAYS, () => authorityExtensions(true, 0)));
}

/** Issues a server or client certificate with a new key, signed by `ca`. */
export async function issueCertificate(ca: CertificateAndKey, options: LeafCertificateOptions): Promise<CertificateAndKey> {
  return signWith(ca, await newSubject(options, LEAF_LIFETIME_DAYS, (keyAlgorithm) => leafExtensions(options, keyAlgorithm)));
}

/** Creates a self-signed end-entity certificate (CA:FALSE), trusted only where it is added as a CA or pinned. */
export async function createSelfSigned(options: LeafCertificateOptions): Promise<CertificateAndKey> {
  return signSelf(await newSubject(options, LEAF_LIFETIME_DAYS, (keyAlgorithm) => leafExtensions(options, keyAlgorithm)));
}

export { ensureLocalCertificates, type EnsureCertificatesOptions, type LocalCertificatePaths } from './local-certificates';
