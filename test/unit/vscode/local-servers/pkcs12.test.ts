import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureLocalCertificates, type LocalCertificatePaths } from '../../../../src/server/certificates';
import { exportPkcs12 } from '../../../../src/vscode/local-servers/pkcs12';

describe('exportPkcs12', () => {
  let dir: string;
  let certificates: LocalCertificatePaths;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xpra-pkcs12-test-'));
    certificates = await ensureLocalCertificates(path.join(dir, 'certificates'));
  });

  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const request = (outputFile: string, password: string) => ({
    certFile: certificates.clientCert,
    keyFile: certificates.clientKey,
    caCertFile: certificates.caCert,
    outputFile,
    password,
    name: 'test client',
  });

  it('writes a file that openssl reads back', async () => {
    const file = path.join(dir, 'client.p12');
    await exportPkcs12(request(file, 'secret words'));
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    const pem = execFileSync('openssl', ['pkcs12', '-in', file, '-passin', 'env:P12_PASSWORD', '-nokeys', '-clcerts'], {
      env: { ...process.env, P12_PASSWORD: 'secret words' },
      encoding: 'utf8',
    });
    const exported = new X509Certificate(pem.slice(pem.indexOf('-----BEGIN CERTIFICATE-----')));
    const client = new X509Certificate(await fs.readFile(certificates.clientCert));
    assert.equal(exported.fingerprint256, client.fingerprint256);
    const keys = execFileSync('openssl', ['pkcs12', '-in', file, '-passin', 'env:P12_PASSWORD', '-nocerts', '-nodes'], {
      env: { ...process.env, P12_PASSWORD: 'secret words' },
      encoding: 'utf8',
    });
    assert.match(keys, /BEGIN PRIVATE KEY/);
  });

  it('file rejects a wrong password', async () => {
    const file = path.join(dir, 'wrong.p12');
    await exportPkcs12(request(file, 'right'));
    assert.throws(() => execFileSync('openssl', ['pkcs12', '-in', file, '-passin', 'pass:wrong', '-nokeys'], { stdio: 'pipe' }));
  });

  it('rejects an empty password', async () => {
    const file = path.join(dir, 'empty.p12');
    await assert.rejects(exportPkcs12(request(file, '')), /password is empty/);
    await assert.rejects(fs.stat(file), /ENOENT/);
  });

  it('reports a missing key and leaves no file', async () => {
    const file = path.join(dir, 'broken.p12');
    await assert.rejects(exportPkcs12({ ...request(file, 'pw'), keyFile: path.join(dir, 'missing.key') }), /exporting the client certificate failed/);
    await assert.rejects(fs.stat(file), /ENOENT/);
  });

  it('reports a missing openssl', async () => {
    const file = path.join(dir, 'no-openssl.p12');
    await assert.rejects(exportPkcs12({ ...request(file, 'pw'), openssl: path.join(dir, 'no-such-openssl') }), /was not found on PATH/);
  });
});
