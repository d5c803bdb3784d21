import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatTlsCheck,
  strictVerifierProblems,
  summarizeCertificate,
  verificationError,
  type CertificateSummary,
  type TlsCheckResult,
} from '../../../src/transport';
import { createCertificateAuthority, issueCertificate } from '../../../src/server/certificates';

describe('TLS check report', () => {
  let strictChain: CertificateSummary[];
  let lenientChain: CertificateSummary[];

  before(async () => {
    const strict = await createCertificateAuthority({ commonName: 'Strict CA' });
    const lenient = await createCertificateAuthority({ commonName: 'Lenient CA', strict: false });
    const leafOptions = { commonName: 'localhost', dns: ['localhost'], usage: 'server' as const };
    strictChain = [summarizeCertificate((await issueCertificate(strict, leafOptions)).certPem), summarizeCertificate(strict.certPem)];
    lenientChain = [summarizeCertificate((await issueCertificate(lenient, leafOptions)).certPem), summarizeCertificate(lenient.certPem)];
  });

  const result = (chain: CertificateSummary[], extra: Partial<TlsCheckResult> = {}): TlsCheckResult => ({
    target: { host: 'localhost', port: 14500 },
    checkedHost: 'localhost',
    verified: true,
    pinned: false,
    protocol: 'TLSv1.2',
    cipher: 'ECDHE-ECDSA-AES256-GCM-SHA384',
    chain,
    ...extra,
  });

  it('finds nothing wrong with a strict CA', () => {
    assert.deepEqual(strictVerifierProblems(strictChain), []);
  });

  it('names both problems of a lenient CA', () => {
    assert.deepEqual(strictVerifierProblems(lenientChain), [
      'CA certificate CN=Lenient CA has basicConstraints not marked critical',
      'CA certificate CN=Lenient CA has no keyUsage with keyCertSign',
    ]);
  });

  it('reports a verified chain', () => {
    const text = formatTlsCheck(result(strictChain));
    assert.match(text, /^server: localhost:14500, name checked: localhost$/m);
    assert.match(text, /^result: OK, verified$/m);
    assert.match(text, /^protocol: TLSv1\.2 ECDHE-ECDSA-AES256-GCM-SHA384$/m);
    assert.match(text, /^certificate 1: CN=Strict CA$/m);
    assert.match(text, new RegExp(`SHA-256: ${strictChain[0].fingerprint256}`));
    assert.doesNotMatch(text, /note:/);
  });

  it('reports a failure with its check', () => {
    const failure = verificationError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', {
      host: 'localhost', port: 14500, checkedHost: 'localhost', chain: strictChain.slice(0, 1), clientCertificateSent: false,
    });
    const text = formatTlsCheck(result(strictChain.slice(0, 1), { verified: false, failure }));
    assert.match(text, /^result: FAILED \(unknown-issuer\): unknown issuer CN=Strict CA/m);
  });

  it('reports a pinned match', () => {
    assert.match(formatTlsCheck(result(strictChain, { pinned: true })), /^result: OK, the certificate matches the pinned/m);
  });

  it('notes what xpra would reject', () => {
    assert.match(formatTlsCheck(result(lenientChain)), /^note: xpra's own client rejects this chain: CA certificate CN=Lenient CA/m);
  });

  it('reports a check without a handshake', () => {
    const text = formatTlsCheck(result([], { protocol: undefined, cipher: undefined, verified: false }));
    assert.match(text, /^protocol: no handshake \(offered TLS 1\.2 and TLS 1\.3\)$/m);
  });
});
