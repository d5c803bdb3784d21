import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  handshakeError,
  summarizeCertificate,
  TlsVerificationError,
  verificationError,
  type CertificateSummary,
  type TlsFailureContext,
} from '../../../src/transport';
import { createCertificateAuthority, issueCertificate } from '../../../src/server/certificates';

describe('TLS error mapping', () => {
  let leaf: CertificateSummary;
  let root: CertificateSummary;
  let expiredLeaf: CertificateSummary;
  let futureLeaf: CertificateSummary;

  const context = (chain: CertificateSummary[], extra: Partial<TlsFailureContext> = {}): TlsFailureContext => ({
    host: '10.1.2.3',
    port: 14500,
    checkedHost: '10.1.2.3',
    chain,
    clientCertificateSent: false,
    ...extra,
  });

  before(async () => {
    const ca = await createCertificateAuthority({ commonName: 'Mapping CA' });
    const issue = (notBefore?: Date, notAfter?: Date) =>
      issueCertificate(ca, {
        commonName: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'], usage: 'server', notBefore, notAfter,
      });
    leaf = summarizeCertificate((await issue()).certPem);
    root = summarizeCertificate(ca.certPem);
    expiredLeaf = summarizeCertificate(
      (await issue(new Date('2024-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'))).certPem,
    );
    futureLeaf = summarizeCertificate(
      (await issue(new Date('2099-01-01T00:00:00Z'), new Date('2100-01-01T00:00:00Z'))).certPem,
    );
  });

  const verifyCases: Array<[string, string, () => CertificateSummary[], RegExp]> = [
    ['CERT_HAS_EXPIRED', 'expired', () => [expiredLeaf, root], /^certificate expired on 2025-01-01$/],
    ['CERT_NOT_YET_VALID', 'not-yet-valid', () => [futureLeaf, root], /^certificate is not valid before 2099-01-01$/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'hostname', () => [leaf, root], /^certificate is issued for localhost, 127\.0\.0\.1, not 10\.1\.2\.3$/],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unknown-issuer', () => [leaf], /^unknown issuer CN=Mapping CA/],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'unknown-issuer', () => [leaf], /^unknown issuer CN=Mapping CA/],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed', () => [root], /^self-signed certificate CN=Mapping CA/],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'self-signed-in-chain', () => [leaf, root], /^self-signed certificate CN=Mapping CA in the chain/],
    ['CERT_REVOKED', 'invalid-certificate', () => [leaf], /^certificate CN=localhost is invalid: it was revoked$/],
    ['SOMETHING_NEW', 'invalid-certificate', () => [leaf], /is invalid: SOMETHING_NEW$/],
  ];

  for (const [code, check, chain, message] of verifyCases) {
    it(`maps ${code}`, () => {
      const error = verificationError(code, context(chain()));
      assert.ok(error instanceof TlsVerificationError);
      assert.equal(error.check, check);
      assert.match(error.message, message);
      assert.equal(error.nodeCode, code);
    });
  }

  it('names an expired CA in the chain', () => {
    const error = verificationError('CERT_HAS_EXPIRED', context([leaf, { ...root, validTo: new Date('2020-02-02T00:00:00Z') }]));
    assert.equal(error.message, 'CA certificate CN=Mapping CA expired on 2020-02-02');
  });

  it('carries the certificate facts', () => {
    const error = verificationError('ERR_TLS_CERT_ALTNAME_INVALID', context([leaf, root]));
    assert.equal(error.peerCertificate?.fingerprint256, leaf.fingerprint256);
    assert.equal(error.checkedHost, '10.1.2.3');
    assert.equal(error.chain.length, 2);
    const text = error.describe();
    assert.match(text, /name checked: 10\.1\.2\.3/);
    assert.match(text, new RegExp(`SHA-256: ${leaf.fingerprint256}`));
    assert.match(text, /subject alternative names: DNS:localhost, IP:127\.0\.0\.1/);
  });

  const alertCases: Array<[string, boolean, string | undefined, RegExp | undefined]> = [
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', false, 'client-certificate-required', /^the server requires a client certificate$/],
    ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', false, 'client-certificate-required', /requires a client certificate/],
    ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', true, 'handshake', /no common cipher/],
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', true, 'client-certificate-rejected', /rejected the client certificate \(alert: unknown CA\)/],
    ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', true, 'client-certificate-rejected', /bad certificate/],
    ['ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', false, 'protocol', /does not offer TLS 1\.2 or 1\.3/],
    ['ERR_SSL_UNSUPPORTED_PROTOCOL', false, 'protocol', /does not offer TLS 1\.2 or 1\.3/],
    ['ERR_SSL_WRONG_VERSION_NUMBER', false, 'protocol', /did not answer with TLS/],
    ['ERR_SSL_SOMETHING_ELSE', false, 'handshake', /^TLS handshake failed: boom$/],
    ['ECONNREFUSED', false, undefined, undefined],
  ];

  for (const [code, sent, check, message] of alertCases) {
    it(`maps ${code}${sent ? ' with a client certificate' : ''}`, () => {
      const error = Object.assign(new Error('boom'), { code });
      const mapped = handshakeError(error, context([], { clientCertificateSent: sent }));
      assert.equal(mapped?.check, check);
      if (message) {
        assert.match(mapped?.message ?? '', message);
      }
    });
  }
});
