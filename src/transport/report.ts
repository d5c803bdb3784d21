/**
 * Text reports of a TLS check for the command line and the "Check Server Certificate" view.
 */
import type { CertificateSummary } from './certificate';
import type { TlsCheckResult } from './connect';
import { describeCertificate, OFFERED_VERSIONS } from './errors';

/**
 * Lists what OpenSSL's X509_STRICT flag, which xpra's own client sets by default, rejects in
 * the CA certificates of a chain: basicConstraints not marked critical, and a missing
 * keyUsage. node:tls does not set that flag, so such a chain passes here but not in xpra.
 */
export function strictVerifierProblems(chain: CertificateSummary[]): string[] {
  const problems: string[] = [];
  for (const certificate of chain.slice(1)) {
    if (!certificate.isCa) {
      continue;
    }
    if (!certificate.basicConstraintsCritical) {
      problems.push(`CA certificate ${certificate.subject} has basicConstraints not marked critical`);
    }
    if (!certificate.keyUsage.includes('keyCertSign')) {
      problems.push(`CA certificate ${certificate.subject} has no keyUsage with keyCertSign`);
    }
  }
  return problems;
}

/** Formats a TLS check as lines of text: the result, the protocol, and the chain. */
export function formatTlsCheck(result: TlsCheckResult): string {
  const { host, port } = result.target;
  const lines = [`server: ${host}:${port}, name checked: ${result.checkedHost}`];
  if (result.failure) {
    lines.push(`result: FAILED (${result.failure.check}): ${result.failure.message}`);
  } else if (result.pinned) {
    lines.push('result: OK, the certificate matches the pinned SHA-256 fingerprint');
  } else {
    lines.push('result: OK, verified');
  }
  if (result.protocol) {
    lines.push(`protocol: ${result.protocol} ${result.cipher ?? ''}`.trimEnd());
  } else {
    lines.push(`protocol: no handshake (offered ${OFFERED_VERSIONS})`);
  }
  result.chain.forEach((certificate, depth) => lines.push(...describeCertificate(certificate, depth)));
  for (const problem of strictVerifierProblems(result.chain)) {
    lines.push(`note: xpra's own client rejects this chain: ${problem}`);
  }
  return lines.join('\n');
}
