/** Rules about the certificates in ssl-ca-data: encoding, validity, CA flags, strength and names. */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { isIpAddress, type ValidationContext } from '../context';
import { analyzeCaData, type CaDataAnalysis } from '../ca-data-check';
import { valueSubrange, type Entry } from '../parser';
import { formatVersions } from '../schema';
import type { CertificateSummary } from '../../transport';

const DAY_MS = 24 * 60 * 60 * 1000;
const EXPIRY_WARNING_DAYS = 30;

export function checkCaData(context: ValidationContext, entry: Entry): void {
  if (entry.value === '') {
    return;
  }
  const analysis = analyzeCaData(entry.value);
  for (const problem of analysis.problems) {
    const range =
      problem.offset === undefined
        ? entry.valueRange
        : valueSubrange(entry, problem.offset, problem.length ?? 1);
    context.add(range, 'error', problem.code, problem.message);
  }
  if (analysis.privateKey) {
    context.add(
      entry.valueRange,
      'error',
      'ca-data-private-key',
      'ssl-ca-data contains a PRIVATE KEY: anyone with this file has the key. Keep only the CA certificate.',
    );
  }
  if (analysis.problems.length === 0) {
    checkCaDataVersions(context, entry, analysis);
  }
  analysis.certificates.forEach((summary, index) =>
    checkCertificate(context, entry, summary, analysis, index),
  );
  if (analysis.certificates.length > 0 && context.isTlsMode()) {
    context.add(
      entry.keyRange,
      'info',
      'ca-data-adds-trust',
      'ssl-ca-data adds to the system trust store. It does not pin this server: any certificate from a system CA is accepted too.',
    );
  }
}

function checkCaDataVersions(
  context: ValidationContext,
  entry: Entry,
  analysis: CaDataAnalysis,
): void {
  const rejecting = context.versions.filter((version) => !analysis.verdicts.get(version)?.accepted);
  if (rejecting.length === 0) {
    return;
  }
  const reasons = new Map<string, string[]>();
  for (const version of rejecting) {
    const reason = analysis.verdicts.get(version)!.reason;
    reasons.set(reason, [...(reasons.get(reason) ?? []), version]);
  }
  const detail = [...reasons]
    .map(([reason, versions]) => `rejected by xpra ${formatVersions(versions)}: ${reason}`)
    .join('; ');
  const form = analysis.form ? `This value is ${analysis.form}, ` : 'This value is ';
  const advice =
    context.version === 'any'
      ? ' No single value works on both 3.1 and 6.1 or later: use ssl-ca-certs with an absolute path, or set xpra.sessionFiles.xpraVersion.'
      : '';
  context.add(
    entry.valueRange,
    context.version === 'any' ? 'warning' : 'error',
    'ca-data-version',
    `${form}${detail}.${advice}`,
  );
}

function checkCertificate(
  context: ValidationContext,
  entry: Entry,
  summary: CertificateSummary,
  analysis: CaDataAnalysis,
  index: number,
): void {
  const name =
    analysis.certificates.length > 1
      ? `Certificate ${index + 1} (${summary.commonName})`
      : `The certificate ${summary.commonName}`;
  const range = entry.valueRange;
  const now = context.now.getTime();
  if (summary.validTo.getTime() < now) {
    context.add(
      range,
      'error',
      'ca-expired',
      `${name} expired on ${summary.validTo.toISOString().slice(0, 10)}: the handshake fails with "certificate has expired".`,
    );
  } else if (summary.validFrom.getTime() > now) {
    context.add(
      range,
      'error',
      'ca-not-yet-valid',
      `${name} is not valid before ${summary.validFrom.toISOString().slice(0, 10)}: the handshake fails with "certificate is not yet valid".`,
    );
  } else if (summary.validTo.getTime() - now < EXPIRY_WARNING_DAYS * DAY_MS) {
    context.add(
      range,
      'warning',
      'ca-expiring',
      `${name} expires on ${summary.validTo.toISOString().slice(0, 10)}, in less than ${EXPIRY_WARNING_DAYS} days.`,
    );
  }
  if (!summary.isCa) {
    context.add(
      range,
      'warning',
      'ca-not-ca',
      `${name} is not a CA (no basicConstraints CA:TRUE). It only works as the server's own self-signed certificate, whose names must cover the host.`,
    );
    checkLeafHostname(context, entry, analysis, index);
  } else {
    const lax: string[] = [];
    if (!summary.basicConstraintsCritical) {
      lax.push('basicConstraints is not critical');
    }
    if (!summary.keyUsage.includes('keyCertSign')) {
      lax.push(
        summary.keyUsage.length === 0 ? 'it has no keyUsage' : 'its keyUsage lacks keyCertSign',
      );
    }
    if (lax.length > 0) {
      const strict = context.verifyFlags().includes('X509_STRICT');
      context.add(
        range,
        strict ? 'error' : 'warning',
        'ca-lax',
        `${name} is a CA that strict verifiers reject: ${lax.join(' and ')}. With X509_STRICT (xpra's default) the handshake fails. Issue the CA with critical basicConstraints and keyUsage keyCertSign, cRLSign.`,
      );
    }
  }
  const weak = weakness(summary, analysis, index);
  if (weak) {
    context.add(
      range,
      'warning',
      'ca-weak',
      `${name} uses ${weak}, which modern OpenSSL security levels reject.`,
    );
  }
}

function weakness(
  summary: CertificateSummary,
  analysis: CaDataAnalysis,
  index: number,
): string | undefined {
  const rsa = /^RSA(-PSS)? (\d+)$/.exec(summary.publicKey);
  if (rsa && Number(rsa[2]) < 2048) {
    return `a ${rsa[2]}-bit RSA key`;
  }
  const certificate = analysis.x509[index];
  if (certificate && signatureHash(certificate.raw) === 'SHA-1') {
    return 'a SHA-1 signature';
  }
  return undefined;
}

function signatureHash(raw: Uint8Array): string | undefined {
  try {
    const algorithm = new x509.X509Certificate(Buffer.from(raw)).signatureAlgorithm as {
      hash?: { name?: string };
    };
    return algorithm.hash?.name;
  } catch {
    return undefined;
  }
}

function checkLeafHostname(
  context: ValidationContext,
  entry: Entry,
  analysis: CaDataAnalysis,
  index: number,
): void {
  const certificate = analysis.x509[index];
  const host = context.scalar('ssl-server-hostname') || context.scalar('host');
  if (
    !certificate ||
    !host ||
    !context.booleanValue('ssl-check-hostname', true) ||
    context.verifyModeIsNone()
  ) {
    return;
  }
  const matches = isIpAddress(host)
    ? certificate.checkIP(host) !== undefined
    : certificate.checkHost(host) !== undefined;
  if (!matches) {
    context.add(
      entry.valueRange,
      'error',
      'ca-hostname',
      `This self-signed certificate does not name '${host}', so the hostname check fails. Set ssl-server-hostname to a name it has, or use a certificate for '${host}'.`,
    );
  }
}
