/**
 * `xpra-sessions hex-ca`: writes a certificate file as an `ssl-ca-data` value, and reads such
 * a value back.
 *
 *   hex-ca [encode] FILE [--der] [--base64]   PEM or DER file -> ssl-ca-data value
 *   hex-ca --decode VALUE | decode VALUE       ssl-ca-data value -> PEM
 *   hex-ca inspect VALUE                       form, accepting xpra versions, certificates
 *
 * VALUE `-` reads the value from standard input. Exit codes: 0 done, 1 invalid input, 2 usage.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { analyzeCaData, describeCertificate, formatVersions, VERSIONS } from '../session-file';
import { decodeCaData, encodeCaData, type CaDataForm } from '../transport';
import { ignoreClosedPipe } from './output';

const USAGE = [
  'usage: xpra-sessions hex-ca [encode] FILE [--der] [--base64]',
  '       xpra-sessions hex-ca --decode VALUE',
  '       xpra-sessions hex-ca inspect VALUE',
  'FILE is a PEM or DER certificate. Without options the value is hex of the PEM text (xpra 3.1 to 6.0);',
  '--der writes the DER bytes (xpra 6.1 and later), --base64 writes base64 instead of hex. VALUE - reads standard input.',
].join('\n');

class UsageError extends Error {}

export async function run(args: string[]): Promise<number> {
  process.stdout.on('error', ignoreClosedPipe);
  try {
    return execute(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`xpra-sessions hex-ca: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`xpra-sessions hex-ca: ${(error as Error).message}\n`);
    return 1;
  }
}

function execute(args: string[]): number {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [first, ...rest] = args;
  if (first === '--decode' || first === 'decode') {
    process.stdout.write(decodeCaData(readValue(rest)));
    return 0;
  }
  if (first === 'inspect') {
    process.stdout.write(inspect(readValue(rest)));
    return 0;
  }
  return encode(first === 'encode' ? rest : args);
}

function readValue(args: string[]): string {
  if (args.length !== 1) {
    throw new UsageError('give exactly one VALUE, or - to read it from standard input');
  }
  return (args[0] === '-' ? readFileSync(0, 'utf8') : args[0]).trim();
}

function encode(args: string[]): number {
  const files = args.filter((arg) => !arg.startsWith('--'));
  const unknown = args.filter(
    (arg) => arg.startsWith('--') && arg !== '--der' && arg !== '--base64',
  );
  if (unknown.length > 0) {
    throw new UsageError(`unknown option '${unknown[0]}'`);
  }
  if (files.length !== 1) {
    throw new UsageError('give exactly one certificate FILE');
  }
  const form =
    `${args.includes('--base64') ? 'base64' : 'hex'}-${args.includes('--der') ? 'der' : 'pem'}` as CaDataForm;
  process.stdout.write(`${encodeCaData(readCertificateFile(files[0]), form)}\n`);
  return 0;
}

/** Reads a PEM file, or a DER file that it converts to PEM. */
function readCertificateFile(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  const text = bytes.toString('latin1');
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    return text;
  }
  try {
    return new X509Certificate(bytes).toString();
  } catch {
    throw new Error(`${path} is neither a PEM nor a DER certificate`);
  }
}

function inspect(value: string): string {
  const analysis = analyzeCaData(value);
  const lines: string[] = [];
  for (const problem of analysis.problems) {
    lines.push(`error: ${problem.message}`);
  }
  if (analysis.form) {
    lines.push(`form: ${analysis.form}`);
  }
  const accepted = VERSIONS.filter((version) => analysis.verdicts.get(version)?.accepted);
  lines.push(`accepted by xpra: ${accepted.length > 0 ? formatVersions(accepted) : 'none'}`);
  for (const version of VERSIONS.filter((item) => !accepted.includes(item))) {
    lines.push(`  ${version}: ${analysis.verdicts.get(version)?.reason}`);
  }
  analysis.certificates.forEach((certificate, index) => {
    lines.push(
      '',
      `certificate ${index + 1}:`,
      ...describeCertificate(certificate).map((fact) => `  ${fact.label}: ${fact.value}`),
    );
  });
  if (analysis.problems.length > 0 && analysis.certificates.length === 0) {
    throw new Error(lines.join('; '));
  }
  return `${lines.join('\n')}\n`;
}
