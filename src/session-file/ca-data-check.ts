/**
 * Analysis of an `ssl-ca-data` value: whether it decodes, what it holds, and which xpra
 * versions accept it. Each version family is simulated with its own decoder, because they
 * differ:
 * - 3.1 and 4.0: hex, else Python's lenient base64, and no prefixes. The bytes must be PEM.
 *   A value that decodes to neither raises and ends the connection attempt.
 * - 4.1 to 6.0: a `0x` prefix means hex, `b64:` or `base64:` mean base64, otherwise hex then
 *   base64. A value without prefix that decodes to neither is silently ignored. PEM inside.
 * - 6.1 and later: the same decoding, but the bytes must be DER.
 * NOTE: the 4.1 to 6.0 rules are read from xpra's source; only 3.1.3 and the 6.x branch were
 * run against real values.
 */
import { X509Certificate } from 'node:crypto';
import {
  CaDataError,
  inspectCaData,
  summarizeCertificate,
  type CertificateSummary,
  type DecodedCaData,
} from '../transport';
import { compareVersions, VERSIONS } from './schema';

export interface CaDataProblem {
  code: string;
  message: string;
  /** Offset and length inside the value, when the problem has a place. */
  offset?: number;
  length?: number;
}

export interface VersionVerdict {
  accepted: boolean;
  reason: string;
}

export interface CaDataAnalysis {
  problems: CaDataProblem[];
  decoded?: DecodedCaData;
  certificates: CertificateSummary[];
  /** Certificates that node could parse, in the same order as `certificates`. */
  x509: X509Certificate[];
  privateKey: boolean;
  /** A human name of the form: "hex of PEM", "base64 of DER" and so on. */
  form?: string;
  verdicts: Map<string, VersionVerdict>;
}

type DecodeResult = { bytes: Buffer } | { error: string } | { ignored: true };

const HEX = /^[0-9a-fA-F]*$/;

function unhexlify(text: string): Buffer | undefined {
  return text.length % 2 === 0 && HEX.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/**
 * Python's non-validating `base64.b64decode`: characters outside the alphabet are dropped,
 * decoding stops at padding, and a wrong amount of data or padding raises.
 */
export function pythonBase64Decode(text: string): Buffer | string {
  const alphabetOnly = text.replace(/[^A-Za-z0-9+/=]/g, '');
  const padAt = alphabetOnly.indexOf('=');
  const data = padAt < 0 ? alphabetOnly : alphabetOnly.slice(0, padAt);
  const padding = padAt < 0 ? 0 : alphabetOnly.slice(padAt).match(/^=*/)![0].length;
  const remainder = data.length % 4;
  if (remainder === 1) {
    return `Invalid base64-encoded string: number of data characters (${data.length}) cannot be 1 more than a multiple of 4`;
  }
  if (remainder !== 0 && padding < 4 - remainder) {
    return 'Incorrect padding';
  }
  return Buffer.from(data, 'base64');
}

function decodeLegacy(value: string): DecodeResult {
  const hex = unhexlify(value);
  if (hex) {
    return { bytes: hex };
  }
  const base64 = pythonBase64Decode(value);
  return typeof base64 === 'string' ? { error: base64 } : { bytes: base64 };
}

function decodeModern(value: string): DecodeResult {
  if (value.startsWith('0x')) {
    const hex = unhexlify(value.slice(2));
    return hex ? { bytes: hex } : { error: 'the hex after 0x does not decode' };
  }
  for (const prefix of ['b64:', 'base64:']) {
    if (value.startsWith(prefix)) {
      const base64 = pythonBase64Decode(value.slice(prefix.length));
      return typeof base64 === 'string' ? { error: base64 } : { bytes: base64 };
    }
  }
  const result = decodeLegacy(value);
  return 'error' in result ? { ignored: true } : result;
}

function holdsPem(bytes: Buffer): boolean {
  return bytes.toString('latin1').includes('-----BEGIN CERTIFICATE-----');
}

function holdsDer(bytes: Buffer): boolean {
  try {
    return (
      bytes[0] === 0x30 && new X509Certificate(bytes.subarray(0, derLength(bytes))).raw.length > 0
    );
  } catch {
    return false;
  }
}

function derLength(bytes: Buffer): number {
  const first = bytes[1] ?? 0;
  if ((first & 0x80) === 0) {
    return 2 + first;
  }
  const count = first & 0x7f;
  return 2 + count + (count > 0 && count <= 3 ? bytes.readUIntBE(2, count) : 0);
}

type Family = 'legacy' | 'pem' | 'der';

function familyOf(version: string): Family {
  if (compareVersions(version, '4.1') < 0) {
    return 'legacy';
  }
  return compareVersions(version, '6.1') < 0 ? 'pem' : 'der';
}

function judge(value: string, family: Family): VersionVerdict {
  const result = family === 'legacy' ? decodeLegacy(value) : decodeModern(value);
  if ('ignored' in result) {
    return {
      accepted: false,
      reason: 'it decodes neither as hex nor as base64, so xpra silently ignores it',
    };
  }
  if ('error' in result) {
    return { accepted: false, reason: `decoding fails (${result.error})` };
  }
  if (family === 'der') {
    return holdsDer(result.bytes)
      ? { accepted: true, reason: 'DER inside' }
      : {
          accepted: false,
          reason: 'it needs DER inside' + (holdsPem(result.bytes) ? ', and this is PEM' : ''),
        };
  }
  if (holdsPem(result.bytes)) {
    return { accepted: true, reason: 'PEM inside' };
  }
  const prefix =
    family === 'legacy' && /^(0x|b64:|base64:)/.test(value)
      ? ', and it does not read the prefix'
      : '';
  return {
    accepted: false,
    reason: `it needs PEM inside${holdsDer(result.bytes) ? ', and this is DER' : ''}${prefix}`,
  };
}

function describeForm(decoded: DecodedCaData): string {
  const prefix = decoded.prefix ? `'${decoded.prefix}' and ` : '';
  return `${prefix}${decoded.encoding} of ${decoded.content.toUpperCase()}`;
}

function syntaxProblem(value: string): CaDataProblem | undefined {
  const bad = value.search(/[\s\\"']/);
  if (bad >= 0) {
    const character = /\s/.test(value[bad]) ? 'a space' : `'${value[bad]}'`;
    return {
      code: 'ca-data-whitespace',
      message: `ssl-ca-data contains ${character} at column ${bad + 1}: the value must be one unbroken line of hex or base64.`,
      offset: bad,
      length: 1,
    };
  }
  return undefined;
}

const cache = new Map<string, CaDataAnalysis>();
const CACHE_SIZE = 32;

/** Analyses a value. Results are cached by value, because typing elsewhere revalidates it. */
export function analyzeCaData(value: string): CaDataAnalysis {
  const cached = cache.get(value);
  if (cached) {
    return cached;
  }
  const analysis = computeAnalysis(value);
  if (cache.size >= CACHE_SIZE) {
    cache.delete(cache.keys().next().value as string);
  }
  cache.set(value, analysis);
  return analysis;
}

function computeAnalysis(value: string): CaDataAnalysis {
  const analysis: CaDataAnalysis = {
    problems: [],
    certificates: [],
    x509: [],
    privateKey: false,
    verdicts: new Map(),
  };
  const syntax = syntaxProblem(value);
  if (syntax) {
    analysis.problems.push(syntax);
  }
  try {
    analysis.decoded = inspectCaData(value);
    analysis.x509 = analysis.decoded.certificates;
    analysis.certificates = analysis.x509.map((certificate) => summarizeCertificate(certificate));
    analysis.form = describeForm(analysis.decoded);
  } catch (error) {
    if (!(error instanceof CaDataError)) {
      throw error;
    }
    if (!syntax) {
      analysis.problems.push(problemFromError(value, error));
    }
  }
  const bytes = decodeModern(value);
  analysis.privateKey =
    'bytes' in bytes && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(bytes.bytes.toString('latin1'));
  for (const version of VERSIONS) {
    analysis.verdicts.set(version, judge(value, familyOf(version)));
  }
  return analysis;
}

function problemFromError(value: string, error: CaDataError): CaDataProblem {
  switch (error.code) {
    case 'odd-length':
      return { code: 'ca-data-odd-length', message: `${error.message}.` };
    case 'not-a-certificate':
      return { code: 'ca-data-not-certificate', message: `${error.message}.` };
    case 'empty':
      return { code: 'ca-data-empty', message: 'ssl-ca-data is empty.' };
    default: {
      const body = value.replace(/^(0x|b64:|base64:)/, '');
      const start = value.length - body.length;
      const hexLike =
        (body.match(/[^0-9a-fA-F]/g)?.length ?? 0) <= 2 && !/^(b64:|base64:)/.test(value);
      const bad = hexLike ? body.search(/[^0-9a-fA-F]/) : body.search(/[^A-Za-z0-9+/=]/);
      const where =
        bad >= 0
          ? ` '${body[bad]}' at column ${start + bad + 1} is not a ${hexLike ? 'hex digit' : 'base64 character'}.`
          : '';
      return {
        code: 'ca-data-invalid',
        message: `ssl-ca-data is neither valid hex nor valid base64.${where}`,
        offset: bad >= 0 ? start + bad : undefined,
        length: bad >= 0 ? 1 : undefined,
      };
    }
  }
}
