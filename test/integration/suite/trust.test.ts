/**
 * Server trust inside a real VS Code, against a real xpra server with a self-signed
 * certificate on loopback. The attach is rejected and explained, and it succeeds once the
 * certificate is pinned. A server with another certificate on the same port is then rejected.
 */
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import type * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import * as vscode from 'vscode';
import { createSelfSigned } from '../../../src/server/certificates';
import { decodeCaData } from '../../../src/transport';
import type { XpraExtensionApi } from '../../../src/vscode/extension';
import { startXpra, type XpraServer } from '../../support/xpra';

const EXTENSION_ID = 'xpra-sessions.xpra-sessions';
const HOST = '127.0.0.1';

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function xpraTabLabels(): string[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('xpra.window'))
    .map((tab) => tab.label);
}

/** Starts a node:tls server on loopback at `port` that accepts handshakes and then stays silent. */
async function startSilentTlsServer(port: number, cert: string, key: string): Promise<tls.Server> {
  const server = tls.createServer({ cert, key }, (socket) => {
    socket.on('error', () => undefined);
    socket.resume();
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve());
  });
  assert.equal((server.address() as net.AddressInfo).port, port);
  return server;
}

suite('Server trust in VS Code', () => {
  let api: XpraExtensionApi;
  let dir: string;
  let xpra: XpraServer | undefined;
  let other: tls.Server | undefined;
  let fingerprint = '';
  let subject = '';
  let port = 0;
  let certFile = '';

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<XpraExtensionApi>(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not installed`);
    api = await extension.activate();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xpra-trust-it-'));
    const selfSigned = await createSelfSigned({ commonName: 'localhost', dns: ['localhost'], ips: [HOST], usage: 'server' });
    certFile = path.join(dir, 'server.pem');
    const keyFile = path.join(dir, 'server.key');
    fs.writeFileSync(certFile, selfSigned.certPem);
    fs.writeFileSync(keyFile, selfSigned.keyPem, { mode: 0o600 });
    const certificate = new X509Certificate(selfSigned.certPem);
    fingerprint = certificate.fingerprint256;
    subject = certificate.subject;
    xpra = await startXpra({ socket: 'ssl', certFile, keyFile });
    port = xpra.port;
  });

  suiteTeardown(async () => {
    api?.disconnectAll();
    if (port) await api?.trust.remove('pin', HOST, port);
    await xpra?.stop();
    await new Promise<void>((resolve) => (other ? other.close(() => resolve()) : resolve()));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('manage command is registered', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('xpra.manageTrustedCertificates'));
  });

  test('self-signed server is refused and explained', async () => {
    assert.ok(xpra);
    const attached = await api.attach({ uri: xpra.uri, tls: { verifyMode: 'required' } });
    assert.equal(attached, false);
    const failure = api.trust.failures().at(-1);
    assert.ok(failure, 'no TLS failure was explained');
    assert.equal(failure.check, 'self-signed');
    assert.equal(failure.host, HOST);
    assert.equal(failure.port, port);
    assert.equal(failure.fingerprint, fingerprint);
    const live = api.connections().filter((each) => each.uri === xpra?.uri && each.state !== 'disconnected');
    assert.equal(live.length, 0);
  });

  test('unverified attach is marked, not kept', async () => {
    assert.ok(xpra);
    const attached = await api.attach({ uri: xpra.uri, tls: { verifyMode: 'none' } });
    assert.equal(attached, true);
    const connection = await waitFor('an insecure session', () =>
      api.connections().find((each) => each.uri === xpra?.uri && each.state === 'connected'),
    );
    assert.equal(connection.insecure, true);
    assert.match(api.statusText(), /insecure/);
    const tab = await waitFor('a tab marked insecure', () => xpraTabLabels().find((label) => label.includes('(insecure)')));
    assert.match(tab, /^⚠ /);
    api.disconnectAll();
    await waitFor('the insecure tabs to close', () => !xpraTabLabels().some((label) => label.includes('(insecure)')));

    // Nothing of the unverified connection is remembered: the next verified attach fails again.
    const failuresBefore = api.trust.failures().length;
    assert.equal(await api.attach({ uri: xpra.uri, tls: { verifyMode: 'required' } }), false);
    assert.equal(api.trust.failures().length, failuresBefore + 1);
    assert.equal(api.trust.failures().at(-1)?.check, 'self-signed');
    assert.equal(api.trust.entries().filter((entry) => entry.port === port).length, 0);
  });

  test('trusted CA file is written and attaches', async () => {
    assert.ok(xpra);
    const sessionFile = path.join(dir, 'self-signed.xpra');
    fs.writeFileSync(sessionFile, `mode=ssl\nhost=${HOST}\nport=${port}\n`);
    await api.trust.trustCaFile(HOST, port, certFile, sessionFile);
    const ca = api.trust.entries().find((entry) => entry.kind === 'ca' && entry.port === port);
    assert.ok(ca, 'no trusted CA entry was stored');
    assert.equal(ca.fingerprint, fingerprint);

    // The CA goes into the open document as an edit, which the attach reads before a save.
    const document = await vscode.workspace.openTextDocument(sessionFile);
    const line = document.getText().split('\n').find((each) => each.startsWith('ssl-ca-data='));
    assert.ok(line, `no ssl-ca-data line in:\n${document.getText()}`);
    assert.equal(decodeCaData(line.slice('ssl-ca-data='.length)).trim(), fs.readFileSync(certFile, 'utf8').trim());
    assert.equal(document.isDirty, true);
    const attached = await vscode.commands.executeCommand<boolean>('xpra.attachSessionFile', document.uri);
    assert.equal(attached, true, `attach failed: ${JSON.stringify(api.trust.failures().at(-1))}`);
    api.disconnectAll();

    // The stored CA file alone also verifies an attach by URI, until it is removed.
    assert.equal(await api.attach({ uri: xpra.uri, tls: { verifyMode: 'required' } }), true);
    api.disconnectAll();
    assert.equal(await api.trust.remove('ca', HOST, port), true);
    assert.equal(await api.attach({ uri: xpra.uri, tls: { verifyMode: 'required' } }), false);
    assert.equal(api.trust.failures().at(-1)?.check, 'self-signed');
  });

  test('pinned certificate attaches', async () => {
    assert.ok(xpra);
    await api.trust.pin(HOST, port, fingerprint, subject);
    const pins = api.trust.entries().filter((entry) => entry.kind === 'pin' && entry.port === port);
    assert.equal(pins.length, 1);
    assert.equal(pins[0].fingerprint, fingerprint);
    const attached = await api.attach({ uri: xpra.uri, tls: { verifyMode: 'required' } });
    assert.equal(attached, true, `attach failed: ${JSON.stringify(api.trust.failures().at(-1))}`);
    const connection = await waitFor('a connected session', () =>
      api.connections().find((each) => each.uri === xpra?.uri && each.state === 'connected'),
    );
    assert.equal(connection.insecure, false);
    assert.ok(!api.statusText().includes('insecure'), `status bar reads "${api.statusText()}"`);
    api.disconnectAll();
  });

  test('attach link shows the pin', async () => {
    assert.ok(xpra);
    const link = `vscode://${EXTENSION_ID}/attach?uri=${encodeURIComponent(`ssl://${HOST}:${port}/`)}`;
    const declined = await api.trust.openLink(link, false);
    assert.equal(declined.attached, false);
    assert.ok(declined.detail, 'the link was not shown for confirmation');
    assert.match(declined.detail, new RegExp(`Host: ${HOST.replace(/\./g, '\\.')}`));
    assert.match(declined.detail, new RegExp(`Port: ${port}`));
    assert.ok(declined.detail.includes(`Pinned certificate SHA-256: ${fingerprint}`), declined.detail);
    const accepted = await api.trust.openLink(link, true);
    assert.equal(accepted.attached, true);
    api.disconnectAll();
  });

  test('link with a command is rejected', async () => {
    const link = `vscode://${EXTENSION_ID}/attach?uri=${encodeURIComponent(`ssl://${HOST}:${port}/`)}&start=xterm`;
    const result = await api.trust.openLink(link, true);
    assert.equal(result.attached, false);
    assert.equal(result.detail, undefined, 'a link with a command reached the confirmation');
  });

  test('changed certificate is refused', async () => {
    assert.ok(xpra);
    await xpra.stop();
    xpra = undefined;
    const replacement = await createSelfSigned({ commonName: 'localhost', dns: ['localhost'], ips: [HOST], usage: 'server' });
    const newFingerprint = new X509Certificate(replacement.certPem).fingerprint256;
    other = await startSilentTlsServer(port, replacement.certPem, replacement.keyPem);
    const attached = await api.attach({ uri: `ssl://${HOST}:${port}/`, tls: { verifyMode: 'required' } });
    assert.equal(attached, false);
    const failure = api.trust.failures().at(-1);
    assert.ok(failure);
    assert.equal(failure.check, 'fingerprint-mismatch');
    assert.ok(failure.message.includes(fingerprint), failure.message);
    assert.ok(failure.message.includes(newFingerprint), failure.message);
    const pin = api.trust.entries().find((entry) => entry.kind === 'pin' && entry.port === port);
    assert.equal(pin?.fingerprint, fingerprint, 'the pin changed without confirmation');
  });
});
