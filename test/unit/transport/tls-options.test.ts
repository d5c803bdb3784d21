import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import * as tls from 'node:tls';
import { buildTlsOptions, encodeCaData, TlsSettingsError } from '../../../src/transport';
import { makeTempDir, makeTestPki, writeFile, writePair, type TestPki } from '../../support/certs';

const TARGET = { host: 'server.test', port: 14500 };

describe('buildTlsOptions', () => {
  let pki: TestPki;
  let dir: string;
  let caFile: string;
  let client: { cert: string; key: string };

  before(async () => {
    pki = await makeTestPki();
    dir = await makeTempDir();
    caFile = await writeFile(dir, 'ca.pem', pki.ca.certPem);
    client = await writePair(dir, 'client', await pki.issue({ commonName: 'alice', usage: 'client' }));
  });

  it('verifies by default', async () => {
    const built = await buildTlsOptions(TARGET, { verifyMode: 'required' });
    assert.equal(built.options.rejectUnauthorized, true);
    assert.equal(built.insecure, false);
  });

  it('treats optional like required', async () => {
    const built = await buildTlsOptions(TARGET, { verifyMode: 'optional' });
    assert.equal(built.options.rejectUnauthorized, true);
    assert.equal(built.insecure, false);
  });

  it('marks verify mode none insecure', async () => {
    const built = await buildTlsOptions(TARGET, { verifyMode: 'none' });
    assert.equal(built.options.rejectUnauthorized, false);
    assert.equal(built.insecure, true);
  });

  it('rejects an unknown verify mode', async () => {
    await assert.rejects(buildTlsOptions(TARGET, { verifyMode: 'maybe' as 'none' }), /invalid verify mode 'maybe'/);
  });

  it('sends no ALPN', async () => {
    const built = await buildTlsOptions(TARGET, { verifyMode: 'required', caCertFile: caFile });
    assert.equal('ALPNProtocols' in built.options, false);
  });

  it('allows TLS 1.2 and 1.3 only', async () => {
    const built = await buildTlsOptions(TARGET, { verifyMode: 'required' });
    assert.equal(built.options.minVersion, 'TLSv1.2');
    assert.equal(built.options.maxVersion, 'TLSv1.3');
  });

  it('adds CAs to the system roots', async () => {
    const caData = encodeCaData(pki.otherCa.certPem);
    const built = await buildTlsOptions(TARGET, { verifyMode: 'required', caCertFile: caFile, caData });
    const ca = built.options.ca as string[];
    assert.equal(ca.length, tls.rootCertificates.length + 2);
    assert.ok(ca.some((pem) => pem.trim() === pki.ca.certPem.trim()));
    assert.ok(ca.some((pem) => pem.trim() === pki.otherCa.certPem.trim()));
  });

  it('sends the host as SNI', async () => {
    const built = await buildTlsOptions(TARGET, { verifyMode: 'required' });
    assert.equal(built.options.servername, 'server.test');
    assert.equal(built.checkedHost, 'server.test');
  });

  it('sends no SNI for addresses', async () => {
    for (const host of ['127.0.0.1', '::1']) {
      const built = await buildTlsOptions({ host, port: 1 }, { verifyMode: 'required' });
      assert.equal(built.options.servername, undefined, host);
      assert.equal(built.checkedHost, host);
    }
  });

  it('uses serverHostname for checks and SNI', async () => {
    const built = await buildTlsOptions({ host: '127.0.0.1', port: 1 }, { verifyMode: 'required', serverHostname: 'named.test' });
    assert.equal(built.options.servername, 'named.test');
    assert.equal(built.checkedHost, 'named.test');
  });

  it('checks the requested host, not the servername argument', async () => {
    const built = await buildTlsOptions({ host: '10.1.2.3', port: 1 }, { verifyMode: 'required' });
    const leaf = await pki.issue({ commonName: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'] });
    const peer = new (await import('node:crypto')).X509Certificate(leaf.certPem).toLegacyObject();
    const check = built.options.checkServerIdentity;
    assert.ok(check);
    const error = check('localhost', peer);
    assert.ok(error instanceof Error);
    assert.match(error.message, /10\.1\.2\.3/);
  });

  it('loads the client certificate and key', async () => {
    const built = await buildTlsOptions(TARGET, { verifyMode: 'required', certFile: client.cert, keyFile: client.key });
    assert.equal(built.clientCertificateSent, true);
    assert.match(String(built.options.cert), /BEGIN CERTIFICATE/);
    assert.match(String(built.options.key), /BEGIN PRIVATE KEY/);
  });

  it('reads a key stored in the certificate file', async () => {
    const pair = await pki.issue({ commonName: 'combined', usage: 'client' });
    const combined = await writeFile(dir, 'combined.pem', pair.certPem + pair.keyPem, 0o600);
    const built = await buildTlsOptions(TARGET, { verifyMode: 'required', certFile: combined });
    assert.equal(built.clientCertificateSent, true);
  });

  it('decrypts a key with its passphrase', async () => {
    const pair = await pki.issue({ commonName: 'locked', usage: 'client' });
    const encrypted = createPrivateKey(pair.keyPem).export({
      format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'correct horse',
    }) as string;
    const files = await writePair(dir, 'locked', { certPem: pair.certPem, keyPem: encrypted });
    const settings = { verifyMode: 'required' as const, certFile: files.cert, keyFile: files.key };
    const built = await buildTlsOptions(TARGET, { ...settings, keyPassphrase: 'correct horse' });
    assert.equal(built.options.passphrase, 'correct horse');
    await assert.rejects(buildTlsOptions(TARGET, settings), /is encrypted: a passphrase is required/);
    await assert.rejects(buildTlsOptions(TARGET, { ...settings, keyPassphrase: 'wrong' }), /wrong passphrase/);
  });

  it('rejects a key that does not match', async () => {
    const other = await pki.issue({ commonName: 'other', usage: 'client' });
    const otherKey = await writeFile(dir, 'other-key.pem', other.keyPem, 0o600);
    await assert.rejects(
      buildTlsOptions(TARGET, { verifyMode: 'required', certFile: client.cert, keyFile: otherKey }),
      /does not match the certificate/,
    );
  });

  it('rejects a key without a certificate', async () => {
    await assert.rejects(buildTlsOptions(TARGET, { verifyMode: 'required', keyFile: client.key }), /without a client certificate/);
  });

  it('names missing files', async () => {
    await assert.rejects(
      buildTlsOptions(TARGET, { verifyMode: 'required', caCertFile: `${dir}/missing.pem` }),
      (error: unknown) => error instanceof TlsSettingsError && /CA certificate file not found: .*missing\.pem/.test(error.message),
    );
    await assert.rejects(
      buildTlsOptions(TARGET, { verifyMode: 'required', certFile: `${dir}/missing.pem` }),
      /client certificate file not found/,
    );
  });

  it('rejects an invalid CA file', async () => {
    const notPem = await writeFile(dir, 'not-a-ca.pem', 'hello');
    await assert.rejects(buildTlsOptions(TARGET, { verifyMode: 'required', caCertFile: notPem }), /invalid CA certificate file/);
  });

  it('rejects invalid ca data', async () => {
    await assert.rejects(buildTlsOptions(TARGET, { verifyMode: 'required', caData: '0xabc' }), /odd number of hex digits/);
  });
});
