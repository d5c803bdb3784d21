import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { parseSubjectAltNames, summarizeCertificate } from '../../../src/transport';
import { createCertificateAuthority, issueCertificate, type CertificateAndKey } from '../../../src/server/certificates';

describe('summarizeCertificate', () => {
  let ca: CertificateAndKey;
  let server: CertificateAndKey;

  before(async () => {
    ca = await createCertificateAuthority({ commonName: 'Summary CA', keyAlgorithm: 'rsa-2048' });
    server = await issueCertificate(ca, {
      commonName: 'server.test',
      dns: ['server.test', '*.server.test'],
      ips: ['192.0.2.7', '2001:db8::7'],
      usage: 'server',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
    });
  });

  it('accepts PEM, DER and X509Certificate', () => {
    const certificate = new X509Certificate(server.certPem);
    const fromPem = summarizeCertificate(server.certPem);
    assert.equal(summarizeCertificate(certificate.raw).fingerprint256, fromPem.fingerprint256);
    assert.equal(summarizeCertificate(certificate).fingerprint256, fromPem.fingerprint256);
    assert.equal(fromPem.fingerprint256, certificate.fingerprint256);
  });

  it('reports names and dates', () => {
    const summary = summarizeCertificate(server.certPem);
    assert.equal(summary.subject, 'CN=server.test');
    assert.equal(summary.commonName, 'server.test');
    assert.equal(summary.issuer, 'CN=Summary CA');
    assert.deepEqual(summary.dnsNames, ['server.test', '*.server.test']);
    assert.deepEqual(summary.ipAddresses, ['192.0.2.7', '2001:db8::7']);
    assert.equal(summary.validFrom.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(summary.validTo.toISOString(), '2027-01-01T00:00:00.000Z');
  });

  it('reports usages and key', () => {
    const summary = summarizeCertificate(server.certPem);
    assert.equal(summary.isCa, false);
    assert.equal(summary.selfSigned, false);
    assert.deepEqual(summary.keyUsage, ['digitalSignature']);
    assert.deepEqual(summary.extendedKeyUsage, ['serverAuth']);
    assert.equal(summary.publicKey, 'EC P-256');
    assert.equal(summarizeCertificate(ca.certPem).publicKey, 'RSA 2048');
  });

  it('formats the fingerprint as colon hex', () => {
    assert.match(summarizeCertificate(server.certPem).fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('rejects data that is not a certificate', () => {
    assert.throws(() => summarizeCertificate('not a certificate'));
  });
});

describe('parseSubjectAltNames', () => {
  it('splits node text', () => {
    assert.deepEqual(parseSubjectAltNames('DNS:a.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1'), [
      'DNS:a.test',
      'IP:127.0.0.1',
      'IP:::1',
    ]);
  });

  it('unquotes values with commas', () => {
    assert.deepEqual(parseSubjectAltNames('DNS:"a,b.test", email:x@y.test'), ['DNS:a,b.test', 'email:x@y.test']);
  });

  it('returns nothing for no names', () => {
    assert.deepEqual(parseSubjectAltNames(undefined), []);
  });
});
