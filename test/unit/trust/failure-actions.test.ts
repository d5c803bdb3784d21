import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createSelfSigned } from '../../../src/server/certificates';
import { summarizeCertificate, verificationError, type CertificateSummary, type TlsCheck } from '../../../src/transport';
import {
  failureLogDetail,
  failureNotification,
  isTlsVerificationError,
  trustActionsFor,
} from '../../../src/vscode/trust/failure-actions';

describe('trustActionsFor', () => {
  const withCertificate = { hasCertificate: true };

  it('offers pin first for a self-signed certificate', () => {
    assert.deepEqual(trustActionsFor('self-signed', withCertificate), ['pin', 'trust-ca', 'connect-once', 'show-log']);
  });

  it('offers a CA file first for an unknown issuer', () => {
    assert.deepEqual(trustActionsFor('unknown-issuer', withCertificate), ['trust-ca', 'pin', 'connect-once', 'show-log']);
    assert.deepEqual(trustActionsFor('self-signed-in-chain', withCertificate), ['trust-ca', 'pin', 'connect-once', 'show-log']);
  });

  it('offers no CA file for a wrong host name', () => {
    assert.deepEqual(trustActionsFor('hostname', withCertificate), ['pin', 'connect-once', 'show-log']);
  });

  it('offers no pin for dates a pin cannot fix', () => {
    for (const check of ['expired', 'not-yet-valid', 'invalid-certificate'] as TlsCheck[]) {
      assert.deepEqual(trustActionsFor(check, withCertificate), ['connect-once', 'show-log'], check);
    }
  });

  it('offers replacement for a changed pin', () => {
    assert.deepEqual(trustActionsFor('fingerprint-mismatch', withCertificate), ['replace-pin', 'connect-once', 'show-log']);
  });

  it('offers only the log for client and protocol failures', () => {
    const checks: TlsCheck[] = ['client-certificate-required', 'client-certificate-rejected', 'protocol', 'handshake'];
    for (const check of checks) {
      assert.deepEqual(trustActionsFor(check, withCertificate), ['show-log'], check);
    }
  });

  it('drops pin without a certificate', () => {
    assert.deepEqual(trustActionsFor('self-signed', { hasCertificate: false }), ['trust-ca', 'connect-once', 'show-log']);
    assert.deepEqual(trustActionsFor('fingerprint-mismatch', { hasCertificate: false }), ['connect-once', 'show-log']);
  });

  it('drops connect-once when already insecure', () => {
    assert.deepEqual(trustActionsFor('expired', { hasCertificate: true, alreadyInsecure: true }), ['show-log']);
  });
});

describe('failure texts', () => {
  let leaf: CertificateSummary;

  before(async () => {
    const pair = await createSelfSigned({ commonName: 'xpra.example', dns: ['xpra.example'], usage: 'server' });
    leaf = summarizeCertificate(pair.certPem);
  });

  const failure = (code: string) =>
    verificationError(code, {
      host: '203.0.113.7',
      port: 14500,
      checkedHost: '203.0.113.7',
      chain: [leaf],
      clientCertificateSent: false,
    });

  it('notification names the check and fingerprint', () => {
    const text = failureNotification(failure('DEPTH_ZERO_SELF_SIGNED_CERT'));
    assert.match(text, /203\.0\.113\.7:14500/);
    assert.match(text, /\(self-signed certificate\)/);
    assert.ok(text.includes(leaf.fingerprint256), text);
    assert.equal(text.includes('\n'), false);
  });

  it('notification brackets an IPv6 host', () => {
    const error = verificationError('CERT_HAS_EXPIRED', {
      host: '2001:db8::1',
      port: 443,
      checkedHost: '2001:db8::1',
      chain: [leaf],
      clientCertificateSent: false,
    });
    assert.match(failureNotification(error), /\[2001:db8::1\]:443 \(certificate expired\)/);
  });

  it('log detail lists every fact', () => {
    const detail = failureLogDetail(failure('ERR_TLS_CERT_ALTNAME_INVALID'));
    assert.match(detail, /TLS check 'hostname' failed for 203\.0\.113\.7:14500/);
    assert.match(detail, /name checked: 203\.0\.113\.7/);
    assert.match(detail, /certificate 0: CN=xpra\.example/);
    assert.match(detail, /issuer: CN=xpra\.example/);
    assert.match(detail, /valid: \d{4}-\d\d-\d\dT.* to \d{4}-/);
    assert.match(detail, /subject alternative names: DNS:xpra\.example/);
    assert.ok(detail.includes(`SHA-256: ${leaf.fingerprint256}`), detail);
    assert.match(detail, /protocol versions offered by this client: TLS 1\.2 and TLS 1\.3/);
  });

  it('log detail shows the negotiated cipher', () => {
    const error = verificationError('CERT_HAS_EXPIRED', {
      host: '127.0.0.1',
      port: 1,
      checkedHost: '127.0.0.1',
      chain: [leaf],
      clientCertificateSent: false,
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384',
    });
    assert.match(failureLogDetail(error), /negotiated before the failure: TLSv1\.3 TLS_AES_256_GCM_SHA384/);
  });

  it('log detail notes a missing certificate', () => {
    const error = verificationError('UNABLE_TO_GET_ISSUER_CERT', {
      host: '127.0.0.1',
      port: 1,
      checkedHost: '127.0.0.1',
      chain: [],
      clientCertificateSent: false,
    });
    assert.match(failureLogDetail(error), /the server sent no certificate/);
  });

  it('recognizes verification errors', () => {
    assert.equal(isTlsVerificationError(failure('CERT_HAS_EXPIRED')), true);
    assert.equal(isTlsVerificationError(new Error('CERT_HAS_EXPIRED')), false);
    assert.equal(isTlsVerificationError({ name: 'TlsVerificationError', check: 'expired' }), false);
  });
});
