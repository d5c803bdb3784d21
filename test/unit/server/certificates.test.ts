import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  createCertificateAuthority,
  createSelfSigned,
  ensureLocalCertificates,
  issueCertificate,
  issueCertificateAuthority,
} from '../../../src/server/certificates';
import { summarizeCertificate } from '../../../src/transport';

const DAY_MS = 24 * 60 * 60 * 1000;

async function temporaryDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'xpra-certs-test-'));
}

function opensslVerifyStrict(caFile: string, certFile: string): string {
  return execFileSync('openssl', ['verify', '-x509_strict', '-CAfile', caFile, certFile], { encoding: 'utf8' });
}

async function fingerprint(file: string): Promise<string> {
  return new X509Certificate(await fs.readFile(file)).fingerprint256;
}

describe('certificate generation', () => {
  it('strict CA has critical constraints and key usage', async () => {
    const ca = await createCertificateAuthority({ commonName: 'Strict CA' });
    const summary = summarizeCertificate(ca.certPem);
    assert.equal(summary.isCa, true);
    assert.equal(summary.basicConstraintsCritical, true);
    assert.equal(summary.keyUsageCritical, true);
    assert.deepEqual(summary.keyUsage, ['keyCertSign', 'cRLSign']);
    assert.equal(summary.selfSigned, true);
    assert.equal(summary.publicKey, 'EC P-256');
  });

  it('lenient CA omits key usage', async () => {
    const ca = await createCertificateAuthority({ commonName: 'Lenient CA', strict: false });
    const summary = summarizeCertificate(ca.certPem);
    assert.equal(summary.isCa, true);
    assert.equal(summary.basicConstraintsCritical, false);
    assert.deepEqual(summary.keyUsage, []);
  });

  it('issued server certificate names its hosts', async () => {
    const ca = await createCertificateAuthority({ commonName: 'Issuing CA', keyAlgorithm: 'rsa-2048' });
    const server = await issueCertificate(ca, {
      commonName: 'server.test', dns: ['server.test'], ips: ['10.1.2.3', '::1'], usage: 'server',
    });
    const summary = summarizeCertificate(server.certPem);
    assert.deepEqual(summary.subjectAltNames, ['DNS:server.test', 'IP:10.1.2.3', 'IP:::1']);
    assert.equal(summary.issuer, 'CN=Issuing CA');
    assert.deepEqual(summary.extendedKeyUsage, ['serverAuth']);
    assert.equal(summary.isCa, false);
    assert.equal(new X509Certificate(server.certPem).verify(new X509Certificate(ca.certPem).publicKey), true);
  });

  it('intermediate CA passes strict verification', async () => {
    const dir = await temporaryDir();
    const root = await createCertificateAuthority({ commonName: 'Root CA' });
    const intermediate = await issueCertificateAuthority(root, { commonName: 'Intermediate CA' });
    const leaf = await issueCertificate(intermediate, { commonName: 'leaf.test', dns: ['leaf.test'], usage: 'server' });
    const summary = summarizeCertificate(intermediate.certPem);
    assert.equal(summary.isCa, true);
    assert.equal(summary.basicConstraintsCritical, true);
    assert.equal(summary.issuer, 'CN=Root CA');
    const files = await Promise.all([
      ['root.pem', root.certPem], ['intermediate.pem', intermediate.certPem], ['leaf.pem', leaf.certPem],
    ].map(async ([name, text]) => {
      const file = path.join(dir, name);
      await fs.writeFile(file, text);
      return file;
    }));
    const output = execFileSync('openssl', ['verify', '-x509_strict', '-CAfile', files[0], '-untrusted', files[1], files[2]], {
      encoding: 'utf8',
    });
    assert.match(output, /: OK/);
  });

  it('PEM text ends with a newline', async () => {
    const ca = await createCertificateAuthority({ commonName: 'Newline CA' });
    assert.ok(ca.certPem.endsWith('-----END CERTIFICATE-----\n'));
    assert.ok(ca.keyPem.endsWith('-----END PRIVATE KEY-----\n'));
  });

  it('self-signed certificate is its own issuer', async () => {
    const cert = await createSelfSigned({ commonName: 'alone', dns: ['alone.test'], usage: 'server' });
    const summary = summarizeCertificate(cert.certPem);
    assert.equal(summary.selfSigned, true);
    assert.equal(summary.isCa, false);
  });

  it('validity follows the requested dates', async () => {
    const notBefore = new Date('2020-01-01T00:00:00Z');
    const notAfter = new Date('2021-01-01T00:00:00Z');
    const ca = await createCertificateAuthority({ commonName: 'Dated CA', notBefore, notAfter });
    const summary = summarizeCertificate(ca.certPem);
    assert.equal(summary.validFrom.toISOString(), notBefore.toISOString());
    assert.equal(summary.validTo.toISOString(), notAfter.toISOString());
  });

  it('rejects notAfter before notBefore', async () => {
    await assert.rejects(
      createCertificateAuthority({ commonName: 'x', notBefore: new Date(2000), notAfter: new Date(1000) }),
      /invalid validity/,
    );
  });
});

describe('ensureLocalCertificates', () => {
  it('creates a strict chain with private key files 0600', async () => {
    const dir = await temporaryDir();
    const paths = await ensureLocalCertificates(dir);
    for (const key of [paths.caKey, paths.serverKey, paths.clientKey]) {
      assert.equal((await fs.stat(key)).mode & 0o777, 0o600, key);
    }
    assert.equal((await fs.stat(dir)).mode & 0o777, 0o700);
    assert.match(opensslVerifyStrict(paths.caCert, paths.serverCert), /: OK/);
    assert.match(opensslVerifyStrict(paths.caCert, paths.clientCert), /: OK/);
    const server = summarizeCertificate(await fs.readFile(paths.serverCert, 'utf8'));
    assert.deepEqual(server.subjectAltNames, ['DNS:localhost', 'IP:127.0.0.1', 'IP:::1']);
    const client = summarizeCertificate(await fs.readFile(paths.clientCert, 'utf8'));
    assert.deepEqual(client.extendedKeyUsage, ['clientAuth']);
    assert.equal(client.commonName, os.userInfo().username);
  });

  it('reuses valid certificates', async () => {
    const dir = await temporaryDir();
    const first = await ensureLocalCertificates(dir);
    const before = await Promise.all([first.caCert, first.serverCert, first.clientCert].map(fingerprint));
    const second = await ensureLocalCertificates(dir);
    const after = await Promise.all([second.caCert, second.serverCert, second.clientCert].map(fingerprint));
    assert.deepEqual(after, before);
  });

  it('renews leaves within 30 days of expiry', async () => {
    const dir = await temporaryDir();
    const paths = await ensureLocalCertificates(dir);
    const caBefore = await fingerprint(paths.caCert);
    const serverBefore = await fingerprint(paths.serverCert);
    const later = new Date(Date.now() + 340 * DAY_MS);
    await ensureLocalCertificates(dir, later);
    assert.equal(await fingerprint(paths.caCert), caBefore);
    assert.notEqual(await fingerprint(paths.serverCert), serverBefore);
    const renewed = summarizeCertificate(await fs.readFile(paths.serverCert, 'utf8'));
    assert.ok(renewed.validTo.getTime() > later.getTime() + 300 * DAY_MS);
  });

  it('replaces an expired CA and its leaves', async () => {
    const dir = await temporaryDir();
    const paths = await ensureLocalCertificates(dir);
    const before = await Promise.all([paths.caCert, paths.serverCert, paths.clientCert].map(fingerprint));
    const muchLater = new Date(Date.now() + 4000 * DAY_MS);
    await ensureLocalCertificates(dir, muchLater);
    const after = await Promise.all([paths.caCert, paths.serverCert, paths.clientCert].map(fingerprint));
    for (let i = 0; i < 3; i++) {
      assert.notEqual(after[i], before[i]);
    }
    const ca = new X509Certificate(await fs.readFile(paths.caCert));
    assert.equal(new X509Certificate(await fs.readFile(paths.serverCert)).checkIssued(ca), true);
  });

  it('replaces a key readable by other users', async () => {
    const dir = await temporaryDir();
    const paths = await ensureLocalCertificates(dir);
    const before = await fingerprint(paths.clientCert);
    await fs.chmod(paths.clientKey, 0o644);
    await ensureLocalCertificates(dir);
    assert.notEqual(await fingerprint(paths.clientCert), before);
    assert.equal((await fs.stat(paths.clientKey)).mode & 0o777, 0o600);
  });

  it('replaces a corrupt server certificate', async () => {
    const dir = await temporaryDir();
    const paths = await ensureLocalCertificates(dir);
    await fs.writeFile(paths.serverCert, 'garbage');
    await ensureLocalCertificates(dir);
    assert.match(opensslVerifyStrict(paths.caCert, paths.serverCert), /: OK/);
  });

  it('survives concurrent callers', async () => {
    const dir = await temporaryDir();
    const results = await Promise.all([ensureLocalCertificates(dir), ensureLocalCertificates(dir)]);
    assert.match(opensslVerifyStrict(results[0].caCert, results[1].serverCert), /: OK/);
    const leftovers = (await fs.readdir(dir)).filter((name) => name.endsWith('.tmp') || name === '.lock');
    assert.deepEqual(leftovers, []);
  });
});
