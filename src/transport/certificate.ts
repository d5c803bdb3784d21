/**
 * Plain-data summaries of X.509 certificates for messages, hovers, logs and the UI.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate } from 'node:crypto';

export interface CertificateSummary {
  /** Distinguished name on one line, e.g. `CN=localhost, O=Example`. */
  subject: string;
  issuer: string;
  /** The subject's CN, or the whole subject when it has none. */
  commonName: string;
  serialNumber: string;
  validFrom: Date;
  validTo: Date;
  /** Subject alternative names as `DNS:name` and `IP:address`, in certificate order. */
  subjectAltNames: string[];
  dnsNames: string[];
  ipAddresses: string[];
  /** SHA-256 of the DER bytes as colon-separated upper-case hex. */
  fingerprint256: string;
  isCa: boolean;
  /** The subject and issuer names are equal and the certificate verifies with its own key. */
  selfSigned: boolean;
  /** keyUsage bit names, e.g. `digitalSignature`, `keyCertSign`; empty when absent. */
  keyUsage: string[];
  keyUsageCritical: boolean;
  basicConstraintsCritical: boolean;
  /** extendedKeyUsage as names (`serverAuth`, `clientAuth`) or OIDs for other purposes. */
  extendedKeyUsage: string[];
  /** E.g. `EC P-256`, `RSA 2048`. */
  publicKey: string;
  pem: string;
}

const KEY_USAGE_NAMES: Array<[x509.KeyUsageFlags, string]> = [
  [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [x509.KeyUsageFlags.cRLSign, 'cRLSign'],
  [x509.KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [x509.KeyUsageFlags.decipherOnly, 'decipherOnly'],
];

const EXTENDED_KEY_USAGE_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
};

/** Converts a certificate given as node's X509Certificate, DER bytes or PEM text. */
export function toX509Certificate(certificate: X509Certificate | Uint8Array | string): X509Certificate {
  if (certificate instanceof X509Certificate) {
    return certificate;
  }
  return new X509Certificate(typeof certificate === 'string' ? certificate : Buffer.from(certificate));
}

/** Summarizes a certificate given as node's X509Certificate, DER bytes or PEM text. */
export function summarizeCertificate(certificate: X509Certificate | Uint8Array | string): CertificateSummary {
  const cert = toX509Certificate(certificate);
  const { keyUsageExtension, basicConstraints } = readExtensions(cert);
  const subjectAltNames = parseSubjectAltNames(cert.subjectAltName);
  const subject = oneLineName(cert.subject);
  return {
    subject,
    issuer: oneLineName(cert.issuer),
    commonName: commonNameOf(cert.subject) ?? subject,
    serialNumber: cert.serialNumber,
    validFrom: new Date(cert.validFrom),
    validTo: new Date(cert.validTo),
    subjectAltNames,
    dnsNames: subjectAltNames.filter((name) => name.startsWith('DNS:')).map((name) => name.slice(4)),
    ipAddresses: subjectAltNames.filter((name) => name.startsWith('IP:')).map((name) => name.slice(3)),
    fingerprint256: cert.fingerprint256,
    isCa: cert.ca,
    selfSigned: cert.subject === cert.issuer && verifiesWithOwnKey(cert),
    keyUsage: keyUsageExtension
      ? KEY_USAGE_NAMES.filter(([flag]) => (keyUsageExtension.usages & flag) !== 0).map(([, name]) => name)
      : [],
    keyUsageCritical: keyUsageExtension?.critical ?? false,
    basicConstraintsCritical: basicConstraints?.critical ?? false,
    extendedKeyUsage: (cert.keyUsage ?? []).map((oid) => EXTENDED_KEY_USAGE_NAMES[oid] ?? oid),
    publicKey: describePublicKey(cert),
    pem: cert.toString(),
  };
}

/** Reads keyUsage and basicConstraints, which node does not expose; undefined when unreadable. */
function readExtensions(cert: X509Certificate): {
  keyUsageExtension?: x509.KeyUsagesExtension;
  basicConstraints?: x509.BasicConstraintsExtension;
} {
  try {
    const parsed = new x509.X509Certificate(cert.raw);
    return {
      keyUsageExtension: parsed.getExtension(x509.KeyUsagesExtension) ?? undefined,
      basicConstraints: parsed.getExtension(x509.BasicConstraintsExtension) ?? undefined,
    };
  } catch {
    return {};
  }
}

function verifiesWithOwnKey(cert: X509Certificate): boolean {
  try {
    return cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}

function describePublicKey(cert: X509Certificate): string {
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails;
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const curves: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
      const curve = details?.namedCurve ?? 'unknown curve';
      return `EC ${curves[curve] ?? curve}`;
    }
    case 'rsa':
    case 'rsa-pss':
      return `${key.asymmetricKeyType.toUpperCase()} ${details?.modulusLength ?? '?'}`;
    default:
      return (key.asymmetricKeyType ?? 'unknown').toUpperCase();
  }
}

/** Node prints names one attribute per line; a line may contain escaped or quoted commas. */
function oneLineName(name: string): string {
  return name.split('\n').filter((part) => part.length > 0).join(', ');
}

function commonNameOf(name: string): string | undefined {
  const line = name.split('\n').find((part) => part.startsWith('CN='));
  return line?.slice(3);
}

/**
 * Splits node's `subjectAltName` text (`DNS:a, IP Address:127.0.0.1`) into `DNS:a`, `IP:…`.
 * Node quotes a value that contains a comma or quote as a JSON string, which this unquotes.
 */
export function parseSubjectAltNames(text: string | undefined): string[] {
  if (!text) {
    return [];
  }
  const names: string[] = [];
  const entry = /\s*([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:,|$)/gy;
  for (let match = entry.exec(text); match !== null && match[0].length > 0; match = entry.exec(text)) {
    const raw = match[2];
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    if (match[1] === 'IP Address') {
      names.push(`IP:${canonicalIp(value)}`);
    } else {
      names.push(`${match[1]}:${value}`);
    }
  }
  return names;
}

/** Shortens node's long IPv6 form (`0:0:0:0:0:0:0:1`) to the canonical `::1`. */
function canonicalIp(address: string): string {
  if (!address.includes(':')) {
    return address;
  }
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address;
  }
}

/** Formats a date as `2025-01-01`. */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
