import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createCertificateAuthority } from '../../../src/server/certificates';
import { CaDataError, decodeCaData, encodeCaData, inspectCaData, MAX_CA_DATA_LENGTH } from '../../../src/transport';

function expectCode(value: string, code: string): void {
  assert.throws(
    () => decodeCaData(value),
    (error: unknown) => error instanceof CaDataError && error.code === code,
    `expected ${code} for ${value.slice(0, 40)}`,
  );
}

describe('ssl-ca-data codec', () => {
  let pem = '';
  let pemTwo = '';
  let der: Buffer;

  before(async () => {
    pem = (await createCertificateAuthority({ commonName: 'Codec Test CA' })).certPem;
    const second = (await createCertificateAuthority({ commonName: 'Second CA', keyAlgorithm: 'rsa-2048' })).certPem;
    pemTwo = pem + second;
    der = new X509Certificate(pem).raw;
  });

  it('decodes hex of PEM', () => {
    const decoded = inspectCaData(Buffer.from(pem).toString('hex'));
    assert.equal(decoded.pem, new X509Certificate(pem).toString());
    assert.equal(decoded.encoding, 'hex');
    assert.equal(decoded.content, 'pem');
    assert.equal(decoded.prefix, '');
  });

  it('decodes upper-case hex', () => {
    assert.equal(decodeCaData(Buffer.from(pem).toString('hex').toUpperCase()), new X509Certificate(pem).toString());
  });

  it('decodes hex of DER', () => {
    const decoded = inspectCaData(der.toString('hex'));
    assert.equal(decoded.content, 'der');
    assert.equal(decoded.certificates[0].fingerprint256, new X509Certificate(pem).fingerprint256);
  });

  it('decodes 0x prefixed hex', () => {
    const decoded = inspectCaData(`0x${der.toString('hex')}`);
    assert.equal(decoded.prefix, '0x');
    assert.equal(decoded.certificates.length, 1);
  });

  it('decodes b64: and base64: prefixes', () => {
    for (const prefix of ['b64:', 'base64:'] as const) {
      const decoded = inspectCaData(prefix + der.toString('base64'));
      assert.equal(decoded.prefix, prefix);
      assert.equal(decoded.encoding, 'base64');
      assert.equal(decoded.certificates[0].fingerprint256, new X509Certificate(pem).fingerprint256);
    }
  });

  it('decodes bare base64 of PEM and DER', () => {
    assert.equal(inspectCaData(Buffer.from(pem).toString('base64')).content, 'pem');
    assert.equal(inspectCaData(der.toString('base64')).content, 'der');
  });

  it('decodes a bundle of two certificates', () => {
    const decoded = inspectCaData(Buffer.from(pemTwo).toString('hex'));
    assert.equal(decoded.certificates.length, 2);
    assert.equal(decoded.certificates[1].subject, 'CN=Second CA');
    const fromDer = inspectCaData(encodeCaData(pemTwo, 'hex-der'));
    assert.equal(fromDer.certificates.length, 2);
  });

  it('ignores text before the PEM block and CRLF line ends', () => {
    const text = `Codec Test CA\r\n${pem.replace(/\n/g, '\r\n')}`;
    assert.equal(decodeCaData(Buffer.from(text).toString('hex')), new X509Certificate(pem).toString());
  });

  it('round-trips every encoded form', () => {
    for (const form of ['hex-pem', 'hex-der', 'base64-pem', 'base64-der'] as const) {
      assert.equal(decodeCaData(encodeCaData(pemTwo, form)), decodeCaData(encodeCaData(pemTwo, 'hex-pem')), form);
    }
  });

  it('encodes hex of PEM like the SSL guide', () => {
    const value = encodeCaData(pem);
    assert.ok(value.startsWith('2d2d2d2d2d424547494e2043455254494649434154452d2d2d2d2d0a'));
    assert.ok(value.endsWith('0a2d2d2d2d2d454e442043455254494649434154452d2d2d2d2d0a'));
  });

  it('encodes DER forms from the certificate bytes', () => {
    assert.equal(encodeCaData(pem, 'hex-der'), der.toString('hex'));
    assert.equal(encodeCaData(pem, 'base64-der'), `base64:${der.toString('base64')}`);
  });

  it('rejects an empty value', () => {
    expectCode('', 'empty');
    expectCode('   ', 'empty');
    expectCode('0x', 'empty');
  });

  it('rejects odd-length hex', () => {
    expectCode(Buffer.from(pem).toString('hex').slice(1), 'odd-length');
    assert.throws(() => decodeCaData('0xabc'), /odd number of hex digits \(3\)/);
  });

  it('rejects invalid hex digits', () => {
    const hex = Buffer.from(pem).toString('hex');
    const broken = `${hex.slice(0, 100)}g${hex.slice(101)}`;
    assert.throws(() => decodeCaData(broken), /invalid hex digit 'g' at offset 100/);
    expectCode('0x12zz', 'invalid-hex');
  });

  it('rejects whitespace inside the value', () => {
    const hex = Buffer.from(pem).toString('hex');
    expectCode(`${hex.slice(0, 64)} ${hex.slice(64)}`, 'whitespace');
  });

  it('rejects invalid base64', () => {
    expectCode('base64:abc', 'invalid-base64');
    expectCode('b64:ab$d', 'invalid-base64');
    expectCode('LS0tLS1CRUdJTi', 'invalid-base64');
  });

  it('rejects data that is not a certificate', () => {
    expectCode(Buffer.from('hello world').toString('hex'), 'not-a-certificate');
    expectCode(Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n').toString('hex'), 'not-a-certificate');
    expectCode(der.subarray(0, der.length - 10).toString('hex'), 'not-a-certificate');
    expectCode('3003020101', 'not-a-certificate');
  });

  it('rejects a value over the length limit', () => {
    expectCode('0'.repeat(MAX_CA_DATA_LENGTH + 2), 'too-long');
  });

  it('flags a private key inside the value', async () => {
    const pair = await createCertificateAuthority({ commonName: 'Leaky CA' });
    const leaky = inspectCaData(Buffer.from(pair.certPem + pair.keyPem).toString('hex'));
    assert.equal(leaky.containsPrivateKey, true);
    assert.equal(leaky.certificates.length, 1);
    assert.equal(inspectCaData(Buffer.from(pem).toString('hex')).containsPrivateKey, false);
  });

  it('rejects PEM without certificates when encoding', () => {
    assert.throws(() => encodeCaData('no certificate here'), CaDataError);
  });
});
