/**
 * Certificates made at test time with @peculiar/x509 over node's WebCrypto: a CA that strict
 * verifiers accept, a lax CA, expired and future CAs, and a self-signed leaf.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const DAY_MS = 24 * 60 * 60 * 1000;
const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

export interface TestCertificateOptions {
  commonName: string;
  ca: boolean;
  /** basicConstraints critical; ignored when `ca` is false. */
  critical?: boolean;
  keyUsage?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Signs with SHA-1, which modern OpenSSL security levels reject. */
  sha1?: boolean;
}

export interface TestCertificate {
  pem: string;
  der: Buffer;
  keyPem: string;
}

let serial = 1;

export async function makeCertificate(options: TestCertificateOptions): Promise<TestCertificate> {
  const signingAlgorithm = options.sha1 ? { ...algorithm, hash: 'SHA-1' } : algorithm;
  const keys = (await webcrypto.subtle.generateKey(signingAlgorithm, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(
      options.ca,
      undefined,
      options.ca ? (options.critical ?? true) : true,
    ),
  ];
  if (options.keyUsage ?? true) {
    const usages = options.ca
      ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
      : x509.KeyUsageFlags.digitalSignature;
    extensions.push(new x509.KeyUsagesExtension(usages, true));
  }
  const names = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length > 0) {
    extensions.push(new x509.SubjectAlternativeNameExtension(names));
  }
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    name: `CN=${options.commonName}`,
    notBefore: options.notBefore ?? new Date(now - DAY_MS),
    notAfter: options.notAfter ?? new Date(now + 365 * DAY_MS),
    keys,
    signingAlgorithm,
    extensions,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
  return {
    pem: certificate.toString('pem').replace(/\r\n/g, '\n').trimEnd() + '\n',
    der: Buffer.from(certificate.rawData),
    keyPem,
  };
}

export interface TestCertificates {
  strictCa: TestCertificate;
  laxCa: TestCertificate;
  noKeyUsageCa: TestCertificate;
  expiredCa: TestCertificate;
  futureCa: TestCertificate;
  leaf: TestCertificate;
  expiringCa: TestCertificate;
  sha1Ca: TestCertificate;
}

export async function makeTestCertificates(): Promise<TestCertificates> {
  const now = Date.now();
  return {
    strictCa: await makeCertificate({ commonName: 'Session Test CA', ca: true }),
    laxCa: await makeCertificate({ commonName: 'Lax Test CA', ca: true, critical: false }),
    noKeyUsageCa: await makeCertificate({
      commonName: 'No Key Usage CA',
      ca: true,
      keyUsage: false,
    }),
    expiredCa: await makeCertificate({
      commonName: 'Expired Test CA',
      ca: true,
      notBefore: new Date(now - 400 * DAY_MS),
      notAfter: new Date(now - 10 * DAY_MS),
    }),
    futureCa: await makeCertificate({
      commonName: 'Future Test CA',
      ca: true,
      notBefore: new Date(now + 10 * DAY_MS),
      notAfter: new Date(now + 400 * DAY_MS),
    }),
    leaf: await makeCertificate({
      commonName: 'localhost',
      ca: false,
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
    }),
    expiringCa: await makeCertificate({
      commonName: 'Expiring Test CA',
      ca: true,
      notAfter: new Date(now + 10 * DAY_MS),
    }),
    sha1Ca: await makeCertificate({ commonName: 'SHA-1 Test CA', ca: true, sha1: true }),
  };
}

/** Encodes a certificate in the four `ssl-ca-data` forms without the codec under test. */
export function caDataForms(certificate: TestCertificate) {
  return {
    hexPem: Buffer.from(certificate.pem).toString('hex'),
    hexDer: certificate.der.toString('hex'),
    base64Pem: Buffer.from(certificate.pem).toString('base64'),
    base64Der: certificate.der.toString('base64'),
  };
}
