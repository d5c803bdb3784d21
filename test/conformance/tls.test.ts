/**
 * connectTls and checkTls against real TLS servers on loopback: node:tls servers with
 * certificates made here, and the real xpra 3.1.3 server and client.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import {
  createCertificateAuthority,
  createSelfSigned,
  ensureLocalCertificates,
  issueCertificate,
  issueCertificateAuthority,
} from '../../src/server/certificates';
import { startLocalServer, stopLocalServer } from '../../src/server';
import type { LocalServer } from '../../src/server';
import {
  checkTls,
  ConnectionError,
  connectTls,
  encodeCaData,
  formatTlsCheck,
  strictVerifierProblems,
  summarizeCertificate,
  TlsVerificationError,
  type TlsConnection,
  type TlsSettings,
} from '../../src/transport';
import { makeTempDir, makeTestPki, writeFile, writePair, type TestPki } from '../support/certs';
import { startXpra, type XpraServer } from '../support/xpra';

const TIMEOUT_MS = 5_000;

interface TestServer {
  port: number;
  /** What the server saw of each handshake: SNI and ALPN. */
  handshakes: Array<{ servername: string | false | null | undefined; alpn: string | false | null }>;
  close(): Promise<void>;
}

async function startTlsServer(options: tls.TlsOptions, host = '127.0.0.1'): Promise<TestServer> {
  const handshakes: TestServer['handshakes'] = [];
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer(options, (socket) => {
    handshakes.push({ servername: socket.servername, alpn: socket.alpnProtocol });
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    handshakes,
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function withServer<T>(options: tls.TlsOptions, run: (server: TestServer) => Promise<T>, host?: string): Promise<T> {
  const server = await startTlsServer(options, host);
  try {
    return await run(server);
  } finally {
    await server.close();
  }
}

async function expectCheck(promise: Promise<TlsConnection>, check: string, message: RegExp): Promise<TlsVerificationError> {
  let caught: unknown;
  try {
    const connection = await promise;
    connection.socket.destroy();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof TlsVerificationError, `expected a TlsVerificationError, got ${String(caught)}`);
  assert.equal(caught.check, check, caught.message);
  assert.match(caught.message, message);
  return caught;
}

async function connectAndClose(host: string, port: number, settings: TlsSettings): Promise<Omit<TlsConnection, 'socket'>> {
  const { socket, ...rest } = await connectTls({ host, port }, settings, { timeoutMs: TIMEOUT_MS });
  socket.destroy();
  return rest;
}

describe('connectTls against node:tls servers', () => {
  let pki: TestPki;
  let dir: string;
  let caFile: string;
  let loopback: { certPem: string; keyPem: string };
  const trusted = (): TlsSettings => ({ verifyMode: 'required', caCertFile: caFile });

  before(async () => {
    pki = await makeTestPki();
    dir = await makeTempDir();
    caFile = await writeFile(dir, 'ca.pem', pki.ca.certPem);
    loopback = await pki.issue({ commonName: 'localhost', dns: ['localhost'], ips: ['127.0.0.1', '::1'] });
  });

  it('accepts a trusted chain', async () => {
    await withServer({ cert: loopback.certPem, key: loopback.keyPem }, async (server) => {
      const result = await connectAndClose('localhost', server.port, trusted());
      assert.equal(result.insecure, false);
      assert.equal(result.protocol, 'TLSv1.3');
      assert.equal(result.peerCertificate.subject, 'CN=localhost');
      assert.equal(result.verificationFailure, undefined);
      assert.ok(result.cipher.length > 0);
    });
  });

  it('disables Nagle on direct and upgraded sockets', async () => {
    // Node has no public getter, so this reads the symbol where it keeps the last setNoDelay value.
    const noDelay = (socket: net.Socket): unknown => {
      const symbol = Object.getOwnPropertySymbols(socket).find((each) => each.description === 'kSetNoDelay');
      assert.ok(symbol, 'this node keeps no kSetNoDelay on its sockets');
      return (socket as unknown as Record<symbol, unknown>)[symbol];
    };
    await withServer({ cert: loopback.certPem, key: loopback.keyPem }, async (server) => {
      const direct = await connectTls({ host: 'localhost', port: server.port }, trusted(), { timeoutMs: TIMEOUT_MS });
      assert.equal(noDelay(direct.socket), true);
      direct.socket.destroy();
      const tcp = net.connect(server.port, '127.0.0.1');
      await new Promise((resolve) => tcp.once('connect', resolve));
      const upgraded = await connectTls({ host: 'localhost', port: server.port }, trusted(), { timeoutMs: TIMEOUT_MS, socket: tcp });
      assert.equal(noDelay(tcp), true);
      upgraded.socket.destroy();
    });
  });

  it('sends neither ALPN nor SNI for addresses', async () => {
    await withServer({ cert: loopback.certPem, key: loopback.keyPem }, async (server) => {
      await connectAndClose('127.0.0.1', server.port, trusted());
      await connectAndClose('localhost', server.port, trusted());
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(server.handshakes.length, 2);
      assert.equal(server.handshakes[0].alpn, false);
      assert.equal(server.handshakes[0].servername, false);
      assert.equal(server.handshakes[1].servername, 'localhost');
    });
  });

  it('accepts every ssl-ca-data form', async () => {
    await withServer({ cert: loopback.certPem, key: loopback.keyPem }, async (server) => {
      for (const form of ['hex-pem', 'hex-der', 'base64-pem', 'base64-der'] as const) {
        const caData = encodeCaData(pki.ca.certPem, form);
        const result = await connectAndClose('127.0.0.1', server.port, { verifyMode: 'required', caData });
        assert.equal(result.peerCertificate.subject, 'CN=localhost', form);
      }
    });
  });

  it('accepts IPv6 loopback', async () => {
    await withServer(
      { cert: loopback.certPem, key: loopback.keyPem },
      async (server) => {
        const result = await connectAndClose('::1', server.port, trusted());
        assert.equal(result.checkedHost, '::1');
      },
      '::1',
    );
  });

  it('rejects a self-signed certificate', async () => {
    const self = await createSelfSigned({
      commonName: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'], usage: 'server',
    });
    await withServer({ cert: self.certPem, key: self.keyPem }, async (server) => {
      const error = await expectCheck(
        connectTls({ host: '127.0.0.1', port: server.port }, trusted(), { timeoutMs: TIMEOUT_MS }),
        'self-signed',
        /^self-signed certificate CN=localhost/,
      );
      assert.equal(error.peerCertificate?.selfSigned, true);
      const pinned = await connectAndClose('127.0.0.1', server.port, {
        verifyMode: 'required', caData: encodeCaData(self.certPem),
      });
      assert.equal(pinned.peerCertificate.fingerprint256, error.peerCertificate?.fingerprint256);
    });
  });

  it('rejects an unknown issuer', async () => {
    const foreign = await pki.issue({ commonName: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'] }, pki.otherCa);
    await withServer({ cert: foreign.certPem, key: foreign.keyPem }, async (server) => {
      const error = await expectCheck(
        connectTls({ host: '127.0.0.1', port: server.port }, trusted(), { timeoutMs: TIMEOUT_MS }),
        'unknown-issuer',
        /^unknown issuer CN=Test Unknown CA/,
      );
      assert.equal(error.nodeCode, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      assert.equal(error.chain.length, 1);
    });
  });

  it('rejects an untrusted root sent in the chain', async () => {
    const foreign = await pki.issue({ commonName: 'localhost', dns: ['localhost'] }, pki.otherCa);
    await withServer({ cert: foreign.certPem + pki.otherCa.certPem, key: foreign.keyPem }, async (server) => {
      await expectCheck(
        connectTls({ host: 'localhost', port: server.port }, trusted(), { timeoutMs: TIMEOUT_MS }),
        'self-signed-in-chain',
        /^self-signed certificate CN=Test Unknown CA in the chain/,
      );
    });
  });

  it('rejects an expired certificate', async () => {
    const expired = await pki.issue({
      commonName: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'],
      notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2025-01-01T00:00:00Z'),
    });
    await withServer({ cert: expired.certPem, key: expired.keyPem }, async (server) => {
      const error = await expectCheck(
        connectTls({ host: '127.0.0.1', port: server.port }, trusted(), { timeoutMs: TIMEOUT_MS }),
        'expired',
        /^certificate expired on 2025-01-01$/,
      );
      assert.equal(error.nodeCode, 'CERT_HAS_EXPIRED');
    });
  });

  it('rejects a certificate not valid yet', async () => {
    const future = await pki.issue({
      commonName: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'],
      notBefore: new Date('2099-01-01T00:00:00Z'), notAfter: new Date('2100-01-01T00:00:00Z'),
    });
    await withServer({ cert: future.certPem, key: future.keyPem }, async (server) => {
      await expectCheck(
        connectTls({ host: '127.0.0.1', port: server.port }, trusted(), { timeoutMs: TIMEOUT_MS }),
        'not-yet-valid',
        /^certificate is not valid before 2099-01-01$/,
      );
    });
  });

  it('rejects a wrong host name', async () => {
    const other = await pki.issue({ commonName: 'other.test', dns: ['other.test'] });
    await withServer({ cert: other.certPem, key: other.keyPem }, async (server) => {
      const error = await expectCheck(
        connectTls({ host: 'localhost', port: server.port }, trusted(), { timeoutMs: TIMEOUT_MS }),
        'hostname',
        /^certificate is issued for other\.test, not localhost$/,
      );
      assert.equal(error.checkedHost, 'localhost');
      assert.equal(error.protocol, 'TLSv1.3');
      assert.match(error.describe(), /^negotiated: TLSv1\.3 /m);
      const named = await connectAndClose('127.0.0.1', server.port, { ...trusted(), serverHostname: 'other.test' });
      assert.equal(named.checkedHost, 'other.test');
      assert.equal(server.handshakes.at(-1)?.servername, 'other.test');
    });
  });

  it('checks an IP host against IP names', async () => {
    const dnsOnly = await pki.issue({ commonName: 'localhost', dns: ['localhost'] });
    await withServer({ cert: dnsOnly.certPem, key: dnsOnly.keyPem }, async (server) => {
      await expectCheck(
        connectTls({ host: '127.0.0.1', port: server.port }, trusted(), { timeoutMs: TIMEOUT_MS }),
        'hostname',
        /^certificate is issued for localhost, not 127\.0\.0\.1$/,
      );
    });
    await withServer({ cert: loopback.certPem, key: loopback.keyPem }, async (server) => {
      const result = await connectAndClose('127.0.0.1', server.port, trusted());
      assert.equal(result.checkedHost, '127.0.0.1');
    });
  });

  it('checks the requested host over an existing socket', async () => {
    const dnsOnly = await pki.issue({ commonName: 'localhost', dns: ['localhost'] });
    await withServer({ cert: dnsOnly.certPem, key: dnsOnly.keyPem }, async (server) => {
      const socket = net.connect(server.port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      await expectCheck(
        connectTls({ host: '127.0.0.1', port: server.port }, trusted(), { timeoutMs: TIMEOUT_MS, socket }),
        'hostname',
        /not 127\.0\.0\.1$/,
      );
      assert.equal(socket.destroyed, true);
    });
    await withServer({ cert: loopback.certPem, key: loopback.keyPem }, async (server) => {
      const socket = net.connect(server.port, '127.0.0.1');
      const result = await connectTls({ host: '127.0.0.1', port: server.port }, trusted(), { timeoutMs: TIMEOUT_MS, socket });
      assert.equal(result.checkedHost, '127.0.0.1');
      result.socket.destroy();
    });
  });

  for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
    it(`requires a client certificate over ${maxVersion}`, async () => {
      const options: tls.TlsOptions = {
        cert: loopback.certPem, key: loopback.keyPem, ca: pki.ca.certPem,
        requestCert: true, rejectUnauthorized: true, maxVersion,
      };
      const client = await writePair(dir, 'client', await pki.issue({ commonName: 'alice', usage: 'client' }));
      const stranger = await writePair(dir, 'stranger', await pki.issue({ commonName: 'mallory', usage: 'client' }, pki.otherCa));
      await withServer(options, async (server) => {
        const target = { host: '127.0.0.1', port: server.port };
        await expectCheck(
          connectTls(target, trusted(), { timeoutMs: TIMEOUT_MS }),
          'client-certificate-required',
          /the server requires a client certificate/,
        );
        const accepted = await connectAndClose('127.0.0.1', server.port, { ...trusted(), certFile: client.cert, keyFile: client.key });
        assert.equal(accepted.protocol, maxVersion);
        // node's server rejects a certificate from an unknown CA by closing the connection
        // without an alert, so the client can only report the likely cause.
        await assert.rejects(
          connectTls(target, { ...trusted(), certFile: stranger.cert, keyFile: stranger.key }, { timeoutMs: TIMEOUT_MS }),
          (error: unknown) => {
            const kind = error instanceof TlsVerificationError ? error.check : (error as ConnectionError).code;
            assert.ok(kind === 'client-certificate-rejected' || kind === 'network', String(error));
            assert.match((error as Error).message, /may have rejected the client certificate/);
            return true;
          },
        );
      });
    });
  }

  it('accepts a chain with its intermediate', async () => {
    const intermediate = await issueCertificateAuthority(pki.ca, { commonName: 'Test Intermediate CA' });
    const leaf = await pki.issue({ commonName: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'] }, intermediate);
    await withServer({ cert: leaf.certPem + intermediate.certPem, key: leaf.keyPem }, async (server) => {
      const result = await connectAndClose('127.0.0.1', server.port, trusted());
      assert.deepEqual(result.chain.map((certificate) => certificate.subject), [
        'CN=localhost', 'CN=Test Intermediate CA', 'CN=Test Trusted CA',
      ]);
    });
    await withServer({ cert: leaf.certPem, key: leaf.keyPem }, async (server) => {
      await expectCheck(
        connectTls({ host: '127.0.0.1', port: server.port }, trusted(), { timeoutMs: TIMEOUT_MS }),
        'unknown-issuer',
        /^unknown issuer CN=Test Intermediate CA/,
      );
    });
  });

  it('accepts a lenient CA that xpra rejects', async () => {
    // node:tls does not set X509_STRICT, so a CA without critical basicConstraints and
    // keyUsage passes here, while xpra's client rejects it (see the xpra tests below).
    const lenient = await createCertificateAuthority({ commonName: 'Lenient CA', strict: false });
    const leaf = await issueCertificate(lenient, { commonName: 'localhost', ips: ['127.0.0.1'], usage: 'server' });
    await withServer({ cert: leaf.certPem, key: leaf.keyPem }, async (server) => {
      const result = await connectAndClose('127.0.0.1', server.port, {
        verifyMode: 'required', caData: encodeCaData(lenient.certPem, 'hex-der'),
      });
      assert.equal(result.chain.at(-1)?.basicConstraintsCritical, false);
      const check = await checkTls({ host: '127.0.0.1', port: server.port }, {
        verifyMode: 'required', caData: encodeCaData(lenient.certPem, 'hex-der'),
      }, { timeoutMs: TIMEOUT_MS });
      assert.equal(check.verified, true);
      assert.equal(strictVerifierProblems(check.chain).length, 2);
      assert.match(formatTlsCheck(check), /note: xpra's own client rejects this chain/);
    });
  });

  it('accepts a pinned self-signed certificate', async () => {
    const self = await createSelfSigned({ commonName: 'pinned.test', dns: ['pinned.test'], usage: 'server' });
    const fingerprint = summarizeCertificate(self.certPem).fingerprint256;
    await withServer({ cert: self.certPem, key: self.keyPem }, async (server) => {
      const result = await connectAndClose('127.0.0.1', server.port, { verifyMode: 'required', pinnedFingerprint: fingerprint });
      assert.equal(result.pinned, true);
      assert.equal(result.insecure, false);
      assert.equal(result.verificationFailure, undefined);
    });
  });

  it('rejects a pinned host whose certificate changed', async () => {
    const old = await createSelfSigned({ commonName: 'localhost', dns: ['localhost'], usage: 'server' });
    const oldFingerprint = summarizeCertificate(old.certPem).fingerprint256;
    await withServer({ cert: loopback.certPem, key: loopback.keyPem }, async (server) => {
      for (const verifyMode of ['required', 'none'] as const) {
        const error = await expectCheck(
          connectTls({ host: 'localhost', port: server.port }, {
            verifyMode, caCertFile: caFile, pinnedFingerprint: oldFingerprint,
          }, { timeoutMs: TIMEOUT_MS }),
          'fingerprint-mismatch',
          /^certificate changed: pinned SHA-256/,
        );
        assert.ok(error.message.includes(oldFingerprint), verifyMode);
        assert.ok(error.message.includes(summarizeCertificate(loopback.certPem).fingerprint256), verifyMode);
      }
    });
  });

  it('rejects an expired pinned certificate', async () => {
    const expired = await createSelfSigned({
      commonName: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'], usage: 'server',
      notBefore: new Date('2019-01-01T00:00:00Z'), notAfter: new Date('2020-01-02T00:00:00Z'),
    });
    const fingerprint = summarizeCertificate(expired.certPem).fingerprint256;
    await withServer({ cert: expired.certPem, key: expired.keyPem }, async (server) => {
      await expectCheck(
        connectTls({ host: '127.0.0.1', port: server.port }, { verifyMode: 'required', pinnedFingerprint: fingerprint }, { timeoutMs: TIMEOUT_MS }),
        'expired',
        /^certificate expired on 2020-01-02/,
      );
    });
  });

  it('accepts a TLS 1.3-only server', async () => {
    await withServer({ cert: loopback.certPem, key: loopback.keyPem, minVersion: 'TLSv1.3' }, async (server) => {
      const result = await connectAndClose('127.0.0.1', server.port, trusted());
      assert.equal(result.protocol, 'TLSv1.3');
    });
  });

  it('accepts a TLS 1.2-only server', async () => {
    await withServer({ cert: loopback.certPem, key: loopback.keyPem, maxVersion: 'TLSv1.2' }, async (server) => {
      const result = await connectAndClose('127.0.0.1', server.port, trusted());
      assert.equal(result.protocol, 'TLSv1.2');
    });
  });

  it('rejects a TLS 1.1-only server', async () => {
    const options: tls.TlsOptions = {
      cert: loopback.certPem, key: loopback.keyPem, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0',
    };
    await withServer(options, async (server) => {
      await expectCheck(
        connectTls({ host: '127.0.0.1', port: server.port }, trusted(), { timeoutMs: TIMEOUT_MS }),
        'protocol',
        /does not offer TLS 1\.2 or 1\.3/,
      );
    });
  });

  it('lets verify mode none through, marked insecure', async () => {
    const foreign = await pki.issue({ commonName: 'localhost', dns: ['localhost'] }, pki.otherCa);
    await withServer({ cert: foreign.certPem, key: foreign.keyPem }, async (server) => {
      const result = await connectAndClose('127.0.0.1', server.port, { verifyMode: 'none' });
      assert.equal(result.insecure, true);
      assert.equal(result.verificationFailure?.check, 'unknown-issuer');
    });
  });

  it('reports the chain from checkTls', async () => {
    const foreign = await pki.issue({ commonName: 'localhost', dns: ['localhost'] }, pki.otherCa);
    await withServer({ cert: foreign.certPem, key: foreign.keyPem }, async (server) => {
      const failed = await checkTls({ host: 'localhost', port: server.port }, trusted(), { timeoutMs: TIMEOUT_MS });
      assert.equal(failed.verified, false);
      assert.equal(failed.failure?.check, 'unknown-issuer');
      assert.equal(failed.chain[0].subject, 'CN=localhost');
    });
    await withServer({ cert: loopback.certPem, key: loopback.keyPem }, async (server) => {
      const passed = await checkTls(`ssl:localhost:${server.port}`, trusted(), { timeoutMs: TIMEOUT_MS });
      assert.deepEqual(passed.target, { host: 'localhost', port: server.port });
      assert.equal(passed.verified, true);
      assert.equal(passed.failure, undefined);
      assert.equal(passed.protocol, 'TLSv1.3');
    });
  });
});

describe('connectTls failures outside TLS', () => {
  async function withTcpServer(onConnection: (socket: net.Socket) => void, run: (port: number, sockets: net.Socket[], closed: Set<net.Socket>) => Promise<void>): Promise<void> {
    const sockets: net.Socket[] = [];
    const closed = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => closed.add(socket));
      socket.resume();
      onConnection(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await run((server.address() as net.AddressInfo).port, sockets, closed);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it('times out a silent server and closes the socket', async () => {
    await withTcpServer(() => undefined, async (port, sockets, closed) => {
      const started = Date.now();
      await assert.rejects(
        connectTls({ host: '127.0.0.1', port }, { verifyMode: 'required' }, { timeoutMs: 300 }),
        (error: unknown) => error instanceof ConnectionError && error.code === 'timeout' && /timed out after 300 ms/.test(error.message),
      );
      assert.ok(Date.now() - started < 2_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(closed.has(sockets[0]), true);
    });
  });

  it('aborts a pending handshake', async () => {
    await withTcpServer(() => undefined, async (port) => {
      const controller = new AbortController();
      const pending = connectTls({ host: '127.0.0.1', port }, { verifyMode: 'required' }, { timeoutMs: 5_000, signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(pending, (error: unknown) => error instanceof ConnectionError && error.code === 'aborted');
    });
  });

  it('rejects at once when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      connectTls({ host: '127.0.0.1', port: 9 }, { verifyMode: 'required' }, { signal: controller.signal }),
      (error: unknown) => error instanceof ConnectionError && error.code === 'aborted',
    );
  });

  it('destroys a passed socket on invalid settings', async () => {
    await withTcpServer(() => undefined, async (port) => {
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      await assert.rejects(
        connectTls({ host: '127.0.0.1', port }, { verifyMode: 'required', caData: '0xabc' }, { socket }),
        /odd number of hex digits/,
      );
      assert.equal(socket.destroyed, true);
    });
  });

  it('reports a refused connection', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await assert.rejects(
      connectTls({ host: '127.0.0.1', port }, { verifyMode: 'required' }, { timeoutMs: TIMEOUT_MS }),
      (error: unknown) => error instanceof ConnectionError && error.code === 'network' && /connection refused/.test(error.message),
    );
  });

  it('names a server that does not speak TLS', async () => {
    await withTcpServer((socket) => socket.end('HTTP/1.0 400 Bad Request\r\n\r\n'), async (port) => {
      await assert.rejects(
        connectTls({ host: '127.0.0.1', port }, { verifyMode: 'required' }, { timeoutMs: TIMEOUT_MS }),
        (error: unknown) => error instanceof TlsVerificationError && error.check === 'protocol' && /did not answer with TLS/.test(error.message),
      );
    });
  });
});

function xpraAvailable(): boolean {
  return spawnSync('xpra', ['--version'], { encoding: 'utf8' }).status === 0;
}

function xpraVersion(uri: string, caFile: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile('xpra', ['version', uri, `--ssl-ca-certs=${caFile}`], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: child.exitCode ?? (error ? 1 : 0), output: stdout + stderr });
    });
  });
}

describe('TLS with the real xpra 3.1.3 server', { skip: !xpraAvailable() && 'xpra is not installed' }, () => {
  let local: Awaited<ReturnType<typeof ensureLocalCertificates>>;
  let dir: string;
  let otherCaFile: string;
  let servers: { main: XpraServer; tcp: XpraServer; expired: XpraServer; lenient: XpraServer; lenientCa: string };

  before(async () => {
    dir = await makeTempDir();
    local = await ensureLocalCertificates(path.join(dir, 'local'));
    const other = await createCertificateAuthority({ commonName: 'Unrelated CA' });
    otherCaFile = await writeFile(dir, 'other-ca.pem', other.certPem);
    const { readFile } = await import('node:fs/promises');
    const ca = { certPem: await readFile(local.caCert, 'utf8'), keyPem: await readFile(local.caKey, 'utf8') };
    const expired = await writePair(dir, 'expired', await issueCertificate(ca, {
      commonName: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'], usage: 'server',
      notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2025-01-01T00:00:00Z'),
    }));
    // A CA without critical basicConstraints and keyUsage, which X509_STRICT rejects.
    const lenientCa = await createCertificateAuthority({ commonName: 'Lenient CA', strict: false });
    const lenientLeaf = await writePair(dir, 'lenient', await issueCertificate(lenientCa, {
      commonName: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'], usage: 'server',
    }));
    const [main, tcp, expiredServer, lenient] = await Promise.all([
      startXpra({ socket: 'ssl', certFile: local.serverCert, keyFile: local.serverKey }),
      startXpra({ socket: 'tcp', certFile: local.serverCert, keyFile: local.serverKey }),
      startXpra({ socket: 'ssl', certFile: expired.cert, keyFile: expired.key }),
      startXpra({ socket: 'ssl', certFile: lenientLeaf.cert, keyFile: lenientLeaf.key }),
    ]);
    servers = { main, tcp, expired: expiredServer, lenient, lenientCa: await writeFile(dir, 'lenient-ca.pem', lenientCa.certPem) };
  });

  after(async () => {
    if (servers) {
      await Promise.all([servers.main.stop(), servers.tcp.stop(), servers.expired.stop(), servers.lenient.stop()]);
    }
  });

  it('completes a handshake with our CA', async () => {
    const result = await connectAndClose('localhost', servers.main.port, { verifyMode: 'required', caCertFile: local.caCert });
    assert.equal(result.insecure, false);
    assert.deepEqual(result.peerCertificate.dnsNames, ['localhost']);
    const byAddress = await connectAndClose('127.0.0.1', servers.main.port, {
      verifyMode: 'required', caData: encodeCaData(result.chain.at(-1)?.pem ?? ''),
    });
    assert.equal(byAddress.peerCertificate.fingerprint256, result.peerCertificate.fingerprint256);
  });

  it('speaks xpra inside the TLS socket', async () => {
    const connection = await connectTls({ host: '127.0.0.1', port: servers.main.port }, {
      verifyMode: 'required', caCertFile: local.caCert,
    }, { timeoutMs: TIMEOUT_MS });
    const reply = await new Promise<string>((resolve) => {
      let text = '';
      connection.socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      connection.socket.on('close', () => resolve(text));
      connection.socket.on('error', () => resolve(text));
      connection.socket.write('not an xpra packet\n');
      setTimeout(() => connection.socket.destroy(), 5_000).unref();
    });
    assert.match(reply, /disconnect/);
  });

  it('upgrades a tcp port to TLS', async () => {
    const result = await connectAndClose('127.0.0.1', servers.tcp.port, { verifyMode: 'required', caCertFile: local.caCert });
    assert.equal(result.insecure, false);
  });

  it('rejects the wrong CA as unknown issuer', async () => {
    await expectCheck(
      connectTls({ host: '127.0.0.1', port: servers.main.port }, { verifyMode: 'required', caCertFile: otherCaFile }, { timeoutMs: TIMEOUT_MS }),
      'unknown-issuer',
      /^unknown issuer CN=xpra-sessions local CA/,
    );
  });

  it('rejects the wrong host name', async () => {
    await expectCheck(
      connectTls({ host: '127.0.0.1', port: servers.main.port }, {
        verifyMode: 'required', caCertFile: local.caCert, serverHostname: 'wrong.test',
      }, { timeoutMs: TIMEOUT_MS }),
      'hostname',
      /^certificate is issued for localhost, 127\.0\.0\.1, ::1, not wrong\.test$/,
    );
  });

  it('rejects an expired server certificate', async () => {
    await expectCheck(
      connectTls({ host: '127.0.0.1', port: servers.expired.port }, { verifyMode: 'required', caCertFile: local.caCert }, { timeoutMs: TIMEOUT_MS }),
      'expired',
      /^certificate expired on 2025-01-01$/,
    );
  });

  it('xpra client accepts our local certificates', async () => {
    const result = await xpraVersion(`ssl:localhost:${servers.main.port}`, local.caCert);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /^3\.1\.3$/m);
    const byAddress = await xpraVersion(`ssl:127.0.0.1:${servers.main.port}`, local.caCert);
    assert.equal(byAddress.code, 0, byAddress.output);
  });

  it('xpra client rejects a lenient CA', async () => {
    const result = await xpraVersion(`ssl:localhost:${servers.lenient.port}`, servers.lenientCa);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /Basic Constraints of CA cert not marked critical|key usage/i);
  });
});

describe('client certificates with the real xpra 3.1.3 server', { skip: !xpraAvailable() && 'xpra is not installed' }, () => {
  let server: LocalServer;
  let dir: string;
  let stranger: { cert: string; key: string };

  before(async () => {
    dir = await makeTempDir();
    server = await startLocalServer({ stateDir: path.join(dir, 'state'), start: 'xterm', mode: 'ssl' });
    const other = await createCertificateAuthority({ commonName: 'Unrelated CA' });
    stranger = await writePair(dir, 'stranger', await issueCertificate(other, { commonName: 'mallory', usage: 'client' }));
  });

  after(async () => {
    if (server) {
      await stopLocalServer(server);
    }
  });

  it('requires a client certificate', async () => {
    await expectCheck(
      connectTls({ host: '127.0.0.1', port: server.port }, { verifyMode: 'required', caCertFile: server.caCertFile }, { timeoutMs: TIMEOUT_MS }),
      'client-certificate-required',
      /the server requires a client certificate/,
    );
  });

  it('accepts our client certificate', async () => {
    const result = await connectAndClose('127.0.0.1', server.port, {
      verifyMode: 'required', caCertFile: server.caCertFile, certFile: server.clientCertFile, keyFile: server.clientKeyFile,
    });
    assert.equal(result.protocol, 'TLSv1.2');
  });

  it('rejects a client certificate from another CA', async () => {
    await expectCheck(
      connectTls({ host: '127.0.0.1', port: server.port }, {
        verifyMode: 'required', caCertFile: server.caCertFile, certFile: stranger.cert, keyFile: stranger.key,
      }, { timeoutMs: TIMEOUT_MS }),
      'client-certificate-rejected',
      /^the server rejected the client certificate \(alert: unknown CA\)$/,
    );
  });
});
