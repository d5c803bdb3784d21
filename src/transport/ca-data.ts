/**
 * The `ssl-ca-data` value of xpra: one or more CA certificates written on one line as hex or
 * base64, of either the PEM text or the DER bytes.
 *
 * Which forms a server version accepts (xpra source and runs against 3.1.3):
 * - 3.1.3 and older decode hex, else bare base64, and need PEM inside.
 * - 4.1 to 6.0 also read a `0x` prefix (hex) and `b64:` / `base64:` prefixes, and need PEM.
 * - 6.1 and newer read the same prefixes but need DER inside.
 * No single value works on both 3.1 and 6.1+, so `encodeCaData` lets the caller pick the form.
 */
import { X509Certificate } from 'node:crypto';

export type CaDataErrorCode = 'empty' | 'too-long' | 'whitespace' | 'invalid-hex' | 'odd-length' | 'invalid-base64' | 'not-a-certificate';

/** An `ssl-ca-data` value that cannot be decoded, with a code for diagnostics. */
export class CaDataError extends Error {
  constructor(
    readonly code: CaDataErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CaDataError';
  }
}

export type CaDataEncoding = 'hex' | 'base64';
export type CaDataPrefix = '' | '0x' | 'b64:' | 'base64:';
export type CaDataForm = 'hex-pem' | 'hex-der' | 'base64-pem' | 'base64-der';

export interface DecodedCaData {
  /** The certificates as PEM text, one block each, each ending with a newline. */
  pem: string;
  certificates: X509Certificate[];
  encoding: CaDataEncoding;
  prefix: CaDataPrefix;
  /** Content of the hex or base64: PEM text (xpra up to 6.0) or DER bytes (xpra 6.1+). */
  content: 'pem' | 'der';
  /** The PEM text also contains a private key, which does not belong in a shared value. */
  containsPrivateKey: boolean;
}

/**
 * Maximum length of a value, in characters. Hex of a PEM bundle of all 144 roots in node 20's
 * tls.rootCertificates is 432,472 characters, so real values stay far below this limit.
 */
export const MAX_CA_DATA_LENGTH = 4 * 1024 * 1024;

const HEX_DIGITS = /^[0-9a-fA-F]*$/;
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/** Decodes an `ssl-ca-data` value and returns its certificates as PEM text. */
export function decodeCaData(value: string): string {
  return inspectCaData(value).pem;
}

/** Decodes an `ssl-ca-data` value and reports which encoding and content it used. */
export function inspectCaData(value: string): DecodedCaData {
  const text = value.trim();
  if (text.length === 0) {
    throw new CaDataError('empty', 'ssl-ca-data is empty');
  }
  if (text.length > MAX_CA_DATA_LENGTH) {
    throw new CaDataError('too-long', `ssl-ca-data is too long: ${text.length} characters, at most ${MAX_CA_DATA_LENGTH}`);
  }
  const space = text.search(/\s/);
  if (space >= 0) {
    throw new CaDataError(
      'whitespace',
      `ssl-ca-data contains whitespace at offset ${space}: xpra needs the value on one line with no spaces`,
    );
  }
  const { bytes, encoding, prefix } = decodeText(text);
  const { certificates, content } = parseCertificates(bytes);
  const pem = certificates.map((certificate) => certificate.toString()).join('');
  const containsPrivateKey = content === 'pem' && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(bytes.toString('latin1'));
  return { pem, certificates, encoding, prefix, content, containsPrivateKey };
}

function decodeText(text: string): { bytes: Buffer; encoding: CaDataEncoding; prefix: CaDataPrefix } {
  const lower = text.toLowerCase();
  if (lower.startsWith('0x')) {
    return { bytes: decodeHex(text.slice(2)), encoding: 'hex', prefix: '0x' };
  }
  for (const prefix of ['b64:', 'base64:'] as const) {
    if (lower.startsWith(prefix)) {
      return { bytes: decodeBase64(text.slice(prefix.length)), encoding: 'base64', prefix };
    }
  }
  if (HEX_DIGITS.test(text)) {
    return { bytes: decodeHex(text), encoding: 'hex', prefix: '' };
  }
  if (looksLikeMistypedHex(text)) {
    return { bytes: decodeHex(text), encoding: 'hex', prefix: '' };
  }
  return { bytes: decodeBase64(text), encoding: 'base64', prefix: '' };
}

/**
 * Tells hex with a typo (a few characters outside 0-9a-f) from base64, where about two thirds
 * of the characters are not hex digits, so that the error names the bad hex digit.
 */
function looksLikeMistypedHex(text: string): boolean {
  const nonHex = text.match(/[^0-9a-fA-F]/g)?.length ?? 0;
  return text.length >= 16 && nonHex <= 2;
}

function decodeHex(digits: string): Buffer {
  const invalid = digits.search(/[^0-9a-fA-F]/);
  if (invalid >= 0) {
    throw new CaDataError('invalid-hex', `ssl-ca-data has an invalid hex digit '${digits[invalid]}' at offset ${invalid}`);
  }
  if (digits.length === 0) {
    throw new CaDataError('empty', 'ssl-ca-data has no hex digits after the prefix');
  }
  if (digits.length % 2 !== 0) {
    throw new CaDataError(
      'odd-length',
      `ssl-ca-data has an odd number of hex digits (${digits.length}): a digit was lost or added`,
    );
  }
  return Buffer.from(digits, 'hex');
}

function decodeBase64(text: string): Buffer {
  if (!BASE64_TEXT.test(text)) {
    const offset = text.search(/[^A-Za-z0-9+/=]/);
    const found = offset >= 0 ? `'${text[offset]}' at offset ${offset}` : 'padding before the end';
    throw new CaDataError('invalid-base64', `ssl-ca-data has invalid base64: ${found}`);
  }
  if (text.length === 0) {
    throw new CaDataError('empty', 'ssl-ca-data has no base64 text after the prefix');
  }
  if (text.length % 4 !== 0) {
    throw new CaDataError(
      'invalid-base64',
      `ssl-ca-data has invalid base64: length ${text.length} is not a multiple of 4`,
    );
  }
  return Buffer.from(text, 'base64');
}

function parseCertificates(bytes: Buffer): { certificates: X509Certificate[]; content: 'pem' | 'der' } {
  const latin1 = bytes.toString('latin1');
  if (latin1.includes('-----BEGIN')) {
    return { certificates: parsePemCertificates(latin1), content: 'pem' };
  }
  if (bytes[0] === 0x30) {
    return { certificates: splitDer(bytes).map((der) => parseCertificate(der, 'DER')), content: 'der' };
  }
  throw new CaDataError(
    'not-a-certificate',
    `ssl-ca-data is not a certificate: its ${bytes.length} decoded bytes are neither PEM nor DER`,
  );
}

/** Parses every CERTIFICATE block of PEM text. Text outside the blocks is ignored, as OpenSSL does. */
export function parsePemCertificates(text: string): X509Certificate[] {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) {
    throw new CaDataError('not-a-certificate', 'not a certificate: no -----BEGIN CERTIFICATE----- block found');
  }
  return blocks.map((block) => parseCertificate(block[0], 'PEM'));
}

function parseCertificate(data: string | Buffer, kind: 'PEM' | 'DER'): X509Certificate {
  try {
    return new X509Certificate(data);
  } catch (error) {
    throw new CaDataError('not-a-certificate', `not a certificate: invalid ${kind} (${(error as Error).message})`);
  }
}

/** Splits concatenated DER certificates by their outer SEQUENCE lengths. */
function splitDer(bytes: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const length = derElementLength(bytes, offset);
    parts.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return parts;
}

/** Returns the whole length (header included) of the DER SEQUENCE starting at `offset`. */
function derElementLength(bytes: Buffer, offset: number): number {
  const truncated = (): CaDataError =>
    new CaDataError('not-a-certificate', `not a certificate: DER data ends early at offset ${offset}`);
  if (bytes[offset] !== 0x30) {
    throw new CaDataError('not-a-certificate', `not a certificate: no DER SEQUENCE at offset ${offset}`);
  }
  if (offset + 2 > bytes.length) {
    throw truncated();
  }
  const first = bytes[offset + 1];
  let headerLength = 2;
  let contentLength = first;
  if (first & 0x80) {
    const lengthBytes = first & 0x7f;
    // A certificate over 16 MiB is not plausible, so at most 3 length bytes are accepted.
    if (lengthBytes === 0 || lengthBytes > 3) {
      throw new CaDataError('not-a-certificate', `not a certificate: unsupported DER length at offset ${offset}`);
    }
    if (offset + 2 + lengthBytes > bytes.length) {
      throw truncated();
    }
    contentLength = bytes.readUIntBE(offset + 2, lengthBytes);
    headerLength += lengthBytes;
  }
  if (offset + headerLength + contentLength > bytes.length) {
    throw truncated();
  }
  return headerLength + contentLength;
}

/**
 * Encodes PEM certificates (one or more blocks) as an `ssl-ca-data` value.
 * - `hex-pem`: hex of the PEM text, as xpra's SSL guide shows. Read by xpra up to 6.0.
 * - `base64-pem`: bare base64 of the PEM text. Read by xpra up to 6.0.
 * - `hex-der`: hex of the DER bytes. Read by xpra 6.1 and newer.
 * - `base64-der`: `base64:` and base64 of the DER bytes. Read by xpra 6.1 and newer.
 */
export function encodeCaData(pem: string, form: CaDataForm = 'hex-pem'): string {
  const certificates = parsePemCertificates(pem);
  const pemBytes = Buffer.from(certificates.map((certificate) => certificate.toString()).join(''), 'utf8');
  const derBytes = Buffer.concat(certificates.map((certificate) => certificate.raw));
  switch (form) {
    case 'hex-pem':
      return pemBytes.toString('hex');
    case 'base64-pem':
      return pemBytes.toString('base64');
    case 'hex-der':
      return derBytes.toString('hex');
    case 'base64-der':
      return `base64:${derBytes.toString('base64')}`;
  }
}
