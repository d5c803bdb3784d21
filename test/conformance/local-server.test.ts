/**
 * The local secured server against the real xpra 3.1.3 on this machine: its sockets, its
 * files, its client-certificate login, the real xpra client, the HTML5 client over HTTPS,
 * the state files, and the serve and stop commands.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { PNG } from 'pngjs';
import { childEnvironmentWrapper } from '../../src/server/arguments';
import { parseXpraList } from '../../src/server/list';
import { encodeCaData } from '../../src/server/session-file';
import { commandProgram, installCommand } from '../../src/server/xpra';
import { createCertificateAuthority, issueCertificate } from '../../src/server/certificates';
import {
  ServerStartError, XpraMissingError, listLocalServers, startLocalServer, stopLocalServer,
  type LocalServer,
} from '../../src/server';

const REPOSITORY = path.resolve(__dirname, '..', '..');
const CLIENT_TIMEOUT_MS = 30_000;

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: CLIENT_TIMEOUT_MS }, (error, stdout, stderr) => {
      let code = 0;
      if (error) {
        code = typeof error.code === 'number' ? error.code : -1;
      }
      resolve({ code, stdout, stderr });
    });
  });
}

function runCli(args: string[]): Promise<RunResult> {
  return run(process.execPath, ['--import', 'tsx', path.join(REPOSITORY, 'src', 'cli.ts'), ...args]);
}

function temporaryDir(name: string): string {
  return mkdtempSync(path.join(tmpdir(), `xpra-sessions-${name}-`));
}

/** Returns whether `pid` exists and is not a zombie. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\S+ \(.*\) [ZX] /s.test(stat);
  } catch {
    return false;
  }
}

/** Returns `pid` and every process below it. */
function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(parent, [...(parents.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process exited while we listed it.
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    tree.push(...(parents.get(tree[i]) ?? []));
  }
  return tree;
}

function socketInodes(pids: number[]): Set<string> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) {
          inodes.add(match[1]);
        }
      } catch {
        // The descriptor was closed while we read it.
      }
    }
  }
  return inodes;
}

/** Decodes a /proc/net address: IPv4 as one little-endian word, IPv6 as four. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse().map((pair) => parseInt(pair, 16)));
  if (bytes.length === 4) {
    return bytes.join('.');
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  }
  return groups.join(':').replace(/^(0:)+/, '::').replace(/::(0:)*/, '::');
}

interface BoundSocket {
  protocol: string;
  address: string;
  port: number;
}

/** Lists the listening TCP sockets and the bound UDP sockets that the processes own. */
function boundSockets(pids: number[]): BoundSocket[] {
  const inodes = socketInodes(pids);
  const found: BoundSocket[] = [];
  for (const protocol of ['tcp', 'tcp6', 'udp', 'udp6']) {
    const lines = readFileSync(`/proc/net/${protocol}`, 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      const [address, port] = fields[1].split(':');
      const listening = protocol.startsWith('udp') || fields[3] === '0A';
      if (listening && inodes.has(fields[9])) {
        found.push({ protocol, address: decodeAddress(address), port: parseInt(port, 16) });
      }
    }
  }
  return found;
}

function readSessionFile(file: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([\w-]+)=(.*)$/.exec(line);
    if (match) {
      assert.equal(fields.has(match[1]), false, `key ${match[1]} repeated in ${file}`);
      fields.set(match[1], match[2]);
    }
  }
  return fields;
}

function modeOf(file: string): number {
  return statSync(file).mode & 0o777;
}

/** Performs a TLS handshake and returns 'connected', 'timeout' or the error message. */
function tryTls(port: number, options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ...options });
    socket.setTimeout(5_000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error) => resolve(`error: ${error.message}`));
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve('connected');
    });
  });
}

function httpsGet(port: number, options: https.RequestOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get({ host: '127.0.0.1', port, path: '/', timeout: 10_000, ...options }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.once('timeout', () => request.destroy(new Error('timeout')));
    request.once('error', reject);
  });
}

/** Writes a second CA and a client certificate that it signed. */
async function writeForeignClient(dir: string): Promise<{ caFile: string; certFile: string; keyFile: string }> {
  const ca = await createCertificateAuthority({ commonName: 'foreign test CA' });
  const client = await issueCertificate(ca, { commonName: 'intruder', usage: 'client' });
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text, { mode: 0o600 });
    return file;
  };
  return { caFile: write('foreign-ca.pem', ca.certPem), certFile: write('foreign.pem', client.certPem), keyFile: write('foreign-key.pem', client.keyPem) };
}

/** Returns the class of every window on the server, from `xpra info`. */
async function listWindowClasses(server: LocalServer): Promise<string[]> {
  const result = await run('xpra', ['info', `ssl:127.0.0.1:${server.port}`, `--ssl-ca-cert=${server.caCertFile}`,
    `--ssl-cert=${server.clientCertFile}`, `--ssl-key=${server.clientKeyFile}`]);
  const classes: string[] = [];
  for (const match of result.stdout.matchAll(/^windows\.\d+\.class-instance=\('([^']*)'/gm)) {
    classes.push(match[1]);
  }
  return classes;
}

function commandName(pid: number): string {
  try {
    return path.basename(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]);
  } catch {
    return '';
  }
}

function readEnvironment(pid: number): Map<string, string> {
  const environment = new Map<string, string>();
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const separator = entry.indexOf('=');
    if (separator > 0) {
      environment.set(entry.slice(0, separator), entry.slice(separator + 1));
    }
  }
  return environment;
}

async function stopQuietly(server: LocalServer | undefined): Promise<void> {
  if (server && isAlive(server.pid)) {
    await stopLocalServer(server).catch(() => undefined);
  }
}

describe('local server in ssl mode', () => {
  let stateDir: string;
  let server: LocalServer;

  before(async () => {
    stateDir = temporaryDir('ssl');
    server = await startLocalServer({ stateDir });
  });

  after(async () => {
    await stopQuietly(server);
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('start returns a running server on loopback', () => {
    assert.equal(server.mode, 'ssl');
    assert.equal(server.host, '127.0.0.1');
    assert.equal(server.uri, `ssl://127.0.0.1:${server.port}/`);
    assert.ok(isAlive(server.pid), `pid ${server.pid} is not running`);
  });

  test('every bound socket is on loopback', () => {
    const sockets = boundSockets(processTree(server.pid));
    assert.ok(sockets.some((socket) => socket.port === server.port), `port ${server.port} not among ${JSON.stringify(sockets)}`);
    for (const socket of sockets) {
      assert.ok(['127.0.0.1', '::1'].includes(socket.address), `${socket.protocol} ${socket.address}:${socket.port} is not loopback`);
    }
  });

  test('private keys and session file are mode 0600', () => {
    const certificatesDir = path.dirname(server.caCertFile);
    const keys = readdirSync(certificatesDir).filter((name) => /key/.test(name));
    assert.ok(keys.length >= 3, `expected CA, server and client keys in ${certificatesDir}`);
    for (const key of keys) {
      assert.equal(modeOf(path.join(certificatesDir, key)), 0o600, key);
    }
    assert.equal(modeOf(server.clientKeyFile), 0o600);
    assert.equal(modeOf(server.sessionFile), 0o600);
    assert.equal(modeOf(path.dirname(server.sessionFile)), 0o700);
    assert.equal(modeOf(server.socketDir), 0o700);
  });

  test('session file names the server and our client certificate', () => {
    const fields = readSessionFile(server.sessionFile);
    assert.equal(fields.get('mode'), 'ssl');
    assert.equal(fields.get('host'), '127.0.0.1');
    assert.equal(fields.get('port'), String(server.port));
    assert.equal(Buffer.from(fields.get('ssl-ca-data') ?? '', 'hex').toString('ascii'), readFileSync(server.caCertFile, 'ascii'));
    assert.equal(fields.get('ssl-cert'), server.clientCertFile);
    assert.equal(fields.get('ssl-key'), server.clientKeyFile);
    assert.equal(fields.has('password'), false);
    assert.match(readFileSync(server.sessionFile, 'latin1'), /^[\x20-\x7e\n]*$/, 'session file is not plain ASCII with LF');
  });

  test('xpra client accepts the server with our CA file', async () => {
    const result = await run('xpra', ['version', `ssl:127.0.0.1:${server.port}`, `--ssl-ca-cert=${server.caCertFile}`,
      `--ssl-cert=${server.clientCertFile}`, `--ssl-key=${server.clientKeyFile}`]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^3\.1\.3$/m);
  });

  test('xpra client accepts the session file options', async () => {
    const fields = readSessionFile(server.sessionFile);
    const result = await run('xpra', ['version', `ssl:localhost:${fields.get('port')}`, `--ssl-ca-data=${fields.get('ssl-ca-data')}`,
      `--ssl-cert=${fields.get('ssl-cert')}`, `--ssl-key=${fields.get('ssl-key')}`]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^3\.1\.3$/m);
  });

  test('xpra client without certificate is rejected', async () => {
    const result = await run('xpra', ['version', `ssl:127.0.0.1:${server.port}`, `--ssl-ca-cert=${server.caCertFile}`]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /SSL handshake failed/);
    assert.doesNotMatch(result.stdout, /3\.1\.3/);
  });

  test('TLS client without certificate is rejected', async () => {
    const outcome = await tryTls(server.port, { ca: readFileSync(server.caCertFile) });
    assert.match(outcome, /^error: .*(handshake failure|certificate required|alert)/i);
  });

  test('client certificate from another CA is rejected', async () => {
    const foreign = await writeForeignClient(stateDir);
    const outcome = await tryTls(server.port, {
      ca: readFileSync(server.caCertFile), cert: readFileSync(foreign.certFile), key: readFileSync(foreign.keyFile),
    });
    assert.match(outcome, /^error: .*(unknown ca|alert)/i);
  });

  test('start command is the only window', async () => {
    let windows: string[] = [];
    const deadline = Date.now() + 15_000;
    while (windows.length === 0 && Date.now() < deadline) {
      windows = await listWindowClasses(server);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // The distribution's `start = /etc/X11/Xsession true` would add an xmessage dialog.
    assert.deepEqual(windows, ['xterm']);
  });

  test('start command gets the caller environment', () => {
    const xterm = processTree(server.pid).find((pid) => commandName(pid) === 'xterm');
    assert.ok(xterm, 'no xterm below the server process');
    const environment = readEnvironment(xterm);
    assert.equal(environment.get('SSL_CERT_FILE'), process.env.SSL_CERT_FILE);
    assert.equal(environment.get('SSL_CERT_DIR'), process.env.SSL_CERT_DIR);
    assert.equal(environment.has('XPRA_USER_CONF_DIRS'), false);
    assert.equal(environment.get('DISPLAY'), `:${server.display}`);
    assert.equal(readlinkSync(`/proc/${xterm}/cwd`), process.env.HOME || homedir());
  });

  test('engine attaches and paints the xterm', async () => {
    const screenshot = path.join(stateDir, 'screenshot.png');
    const result = await runCli(['attach', server.uri, '--ssl-ca-cert', server.caCertFile,
      '--ssl-cert', server.clientCertFile, '--ssl-key', server.clientKeyFile,
      '--screenshot', screenshot, '--timeout', '20']);
    assert.equal(result.code, 0, result.stderr);
    const png = PNG.sync.read(readFileSync(screenshot));
    let dark = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      if (png.data[i] < 128 && png.data[i + 1] < 128 && png.data[i + 2] < 128) {
        dark += 1;
      }
    }
    assert.ok(png.width > 0, 'the screenshot has no width');
    assert.ok(png.height > 0, 'the screenshot has no height');
    assert.ok(dark > 20, `only ${dark} dark pixels: the xterm prompt did not paint`);
  });

  test('engine attaches with the session file', async () => {
    const screenshot = path.join(stateDir, 'from-session-file.png');
    const result = await runCli(['attach', server.sessionFile, '--screenshot', screenshot, '--timeout', '20']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /saved .*from-session-file\.png/);
    const png = PNG.sync.read(readFileSync(screenshot));
    assert.ok(png.width > 0, 'the screenshot has no width');
    assert.ok(png.height > 0, 'the screenshot has no height');
  });

  test('session file attach fails without its client key', async () => {
    const copy = path.join(stateDir, 'no-key.xpra');
    const text = readFileSync(server.sessionFile, 'utf8').replace(/^ssl-key=.*$/m, '').replace(/^ssl-cert=.*$/m, '');
    writeFileSync(copy, text);
    const result = await runCli(['attach', copy, '--timeout', '10']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /client certificate/);
  });

  test('list shows the server as ours', async () => {
    const listed = await listLocalServers(stateDir, { includeOthers: false });
    assert.equal(listed.length, 1);
    assert.deepEqual(listed[0], { ours: true, server: JSON.parse(JSON.stringify(server)) });
  });

  test('list marks other sessions as not ours', async () => {
    // Seen from another state folder, this server is someone else's.
    const otherStateDir = temporaryDir('other');
    try {
      const listed = await listLocalServers(otherStateDir, { socketDirs: [server.socketDir] });
      assert.deepEqual(listed, [{ ours: false, state: 'LIVE', display: `:${server.display}`, socketDir: server.socketDir }]);
      const fromOwnFolder = await listLocalServers(stateDir, { socketDirs: [server.socketDir] });
      assert.deepEqual(fromOwnFolder.map((entry) => entry.ours), [true]);
    } finally {
      rmSync(otherStateDir, { recursive: true, force: true });
    }
  });
});

describe('local server trust store', () => {
  const stateDir = temporaryDir('trust');
  let server: LocalServer | undefined;

  after(async () => {
    await stopQuietly(server);
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('default CA store does not admit clients', async () => {
    const foreign = await writeForeignClient(stateDir);
    // xpra loads OpenSSL's default store for client certificates. Here that store contains
    // the foreign CA, as a system store contains public CAs.
    server = await startLocalServer({ stateDir, env: { ...process.env, SSL_CERT_FILE: foreign.caFile } });
    const outcome = await tryTls(server.port, {
      ca: readFileSync(server.caCertFile), cert: readFileSync(foreign.certFile), key: readFileSync(foreign.keyFile),
    });
    assert.match(outcome, /^error: /);
    const ours = await tryTls(server.port, {
      ca: readFileSync(server.caCertFile), cert: readFileSync(server.clientCertFile), key: readFileSync(server.clientKeyFile),
    });
    assert.equal(ours, 'connected');
  });
});

describe('local server in tcp mode', () => {
  let stateDir: string;
  let server: LocalServer;

  before(async () => {
    stateDir = temporaryDir('tcp');
    server = await startLocalServer({ stateDir, mode: 'tcp' });
  });

  after(async () => {
    await stopQuietly(server);
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('xpra client attaches over TLS with the password', async () => {
    const passwordFile = server.passwordFile ?? '';
    assert.equal(modeOf(passwordFile), 0o600);
    assert.equal(readSessionFile(server.sessionFile).get('password-file'), passwordFile);
    const result = await run('xpra', ['info', `ssl:127.0.0.1:${server.port}`, `--ssl-ca-cert=${server.caCertFile}`,
      `--ssl-cert=${server.clientCertFile}`, `--ssl-key=${server.clientKeyFile}`, `--password-file=${passwordFile}`]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^server\.mode=/m);
  });

  test('plain xpra without TLS is rejected', async () => {
    const result = await run('xpra', ['info', `tcp:127.0.0.1:${server.port}`]);
    assert.notEqual(result.code, 0);
    assert.match(`${result.stdout}${result.stderr}`, /authentication required/i);
    assert.doesNotMatch(result.stdout, /^server\.mode=/m);
  });

  test('every bound socket is on loopback', () => {
    const sockets = boundSockets(processTree(server.pid));
    assert.ok(sockets.some((socket) => socket.port === server.port));
    for (const socket of sockets) {
      assert.ok(['127.0.0.1', '::1'].includes(socket.address), `${socket.protocol} ${socket.address}:${socket.port} is not loopback`);
    }
  });
});

describe('local server in www mode', () => {
  let stateDir: string;
  let server: LocalServer;

  before(async () => {
    stateDir = temporaryDir('www');
    server = await startLocalServer({ stateDir, mode: 'www' });
  });

  after(async () => {
    await stopQuietly(server);
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('HTTPS serves the HTML5 client', async () => {
    const response = await httpsGet(server.port, {
      ca: readFileSync(server.caCertFile), cert: readFileSync(server.clientCertFile), key: readFileSync(server.clientKeyFile),
    });
    assert.equal(response.status, 200);
    assert.match(response.body, /<html/i);
    assert.match(response.body, /xpra/i);
  });

  test('HTTPS without client certificate is rejected', async () => {
    await assert.rejects(httpsGet(server.port, { ca: readFileSync(server.caCertFile) }));
  });

  test('xpra client attaches on the same port', async () => {
    const result = await run('xpra', ['version', `ssl:127.0.0.1:${server.port}`, `--ssl-ca-cert=${server.caCertFile}`,
      `--ssl-cert=${server.clientCertFile}`, `--ssl-key=${server.clientKeyFile}`]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^3\.1\.3$/m);
  });
});

describe('local server stop and state', () => {
  const stateDir = temporaryDir('stop');

  after(() => rmSync(stateDir, { recursive: true, force: true }));

  test('stop leaves no process and no state', async () => {
    const server = await startLocalServer({ stateDir });
    const tree = processTree(server.pid);
    assert.ok(tree.length > 1, 'expected Xvfb and the start command below the server');
    const result = await stopLocalServer(server.sessionFile);
    assert.equal(result.wasRunning, true);
    for (const pid of tree) {
      assert.equal(isAlive(pid), false, `pid ${pid} of the server is still running`);
    }
    assert.equal(existsSync(`/tmp/.X${server.display}-lock`), false);
    assert.equal(existsSync(path.dirname(server.sessionFile)), false);
  });

  test('list removes a server whose process is gone', async () => {
    const exited = spawn('true');
    await new Promise((resolve) => exited.once('exit', resolve));
    const dir = path.join(stateDir, 'servers', 'display-4242');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stale = {
      id: 'display-4242', pid: exited.pid, display: 4242, host: '127.0.0.1', port: 1, mode: 'ssl',
      uri: 'ssl://127.0.0.1:1/', sessionFile: path.join(dir, 'session.xpra'), caCertFile: 'ca.pem',
      clientCertFile: 'client.pem', clientKeyFile: 'client-key.pem', logFile: path.join(dir, 'xpra.log'),
      socketDir: path.join(dir, 'sockets'), start: 'xterm', startedAt: new Date().toISOString(),
    };
    writeFileSync(path.join(dir, 'server.json'), JSON.stringify(stale));
    const listed = await listLocalServers(stateDir, { includeOthers: false });
    assert.deepEqual(listed, []);
    assert.equal(existsSync(dir), false);
  });

  test('stop of an unknown session file fails clearly', async () => {
    await assert.rejects(stopLocalServer(path.join(stateDir, 'missing.xpra')), /session file .* not found/);
  });
});

describe('local server start errors', () => {
  const stateDir = temporaryDir('errors');

  after(() => rmSync(stateDir, { recursive: true, force: true }));

  test('xpra missing from PATH names the install command', async () => {
    const emptyDir = temporaryDir('path');
    try {
      await assert.rejects(startLocalServer({ stateDir, env: { ...process.env, PATH: emptyDir } }), (error: unknown) => {
        assert.ok(error instanceof XpraMissingError);
        assert.match(error.message, /xpra was not found on PATH/);
        assert.match(error.message, /sudo apt-get install xpra xvfb xterm/);
        return true;
      });
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  test('failed start reports the end of the log', async () => {
    const binDir = temporaryDir('fake-xpra');
    try {
      const fake = path.join(binDir, 'xpra');
      writeFileSync(fake, '#!/bin/sh\necho "first line of the fake xpra"\necho "fake xpra: cannot open display" >&2\nexit 3\n');
      chmodSync(fake, 0o755);
      const env = { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` };
      await assert.rejects(startLocalServer({ stateDir, env, timeoutMs: 10_000 }), (error: unknown) => {
        assert.ok(error instanceof ServerStartError);
        assert.match(error.message, /xpra exited during start-up \(exit code 3\)/);
        assert.match(error.message, /fake xpra: cannot open display/);
        return true;
      });
    } finally {
      rmSync(binDir, { recursive: true, force: true });
    }
  });

  test('unknown start command is rejected', async () => {
    await assert.rejects(startLocalServer({ stateDir, start: 'no-such-program-4242 --flag' }),
      /start command 'no-such-program-4242' was not found on PATH/);
  });
});

describe('serve and stop commands', () => {
  const stateDir = temporaryDir('cli');
  let sessionFile = '';

  after(async () => {
    if (sessionFile && existsSync(sessionFile)) {
      await stopLocalServer(sessionFile).catch(() => undefined);
    }
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('serve prints the session file last and exits', async () => {
    const result = await runCli(['serve', '--dir', stateDir, '--mode', 'ssl']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    sessionFile = lines[lines.length - 1];
    assert.match(sessionFile, /session\.xpra$/);
    const state = JSON.parse(readFileSync(path.join(path.dirname(sessionFile), 'server.json'), 'utf8')) as LocalServer;
    assert.ok(isAlive(state.pid), 'the server did not outlive the serve command');
  });

  test('stop ends the server from serve', async () => {
    const state = JSON.parse(readFileSync(path.join(path.dirname(sessionFile), 'server.json'), 'utf8')) as LocalServer;
    const result = await runCli(['stop', sessionFile]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /stopped xpra server display-\d+/);
    assert.equal(isAlive(state.pid), false);
  });

  test('serve rejects an invalid mode', async () => {
    const result = await runCli(['serve', '--dir', stateDir, '--mode', 'plain']);
    assert.equal(result.code, 2);
    assert.match(result.stderr.split('\n')[0], /invalid --mode 'plain'/);
  });

  test('stop without a file fails with usage', async () => {
    const result = await runCli(['stop']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /missing SESSION-FILE/);
  });
});

describe('local server helpers', () => {
  test('ssl-ca-data is PEM hex before 6.1', async () => {
    const ca = await createCertificateAuthority({ commonName: 'encoding test CA' });
    assert.equal(encodeCaData(ca.certPem, [3, 1]), Buffer.from(ca.certPem, 'ascii').toString('hex'));
    assert.equal(encodeCaData(ca.certPem, [6, 0]), Buffer.from(ca.certPem, 'ascii').toString('hex'));
    assert.equal(encodeCaData(ca.certPem), Buffer.from(ca.certPem, 'ascii').toString('hex'));
  });

  test('ssl-ca-data is DER hex from 6.1', async () => {
    const ca = await createCertificateAuthority({ commonName: 'encoding test CA' });
    const der = new X509Certificate(ca.certPem).raw.toString('hex');
    assert.equal(encodeCaData(ca.certPem, [6, 1]), der);
    assert.equal(encodeCaData(ca.certPem, [7, 0]), der);
    assert.match(der, /^3082/);
  });

  test('xpra list output parses', () => {
    const output = [
      'Found the following xpra sessions:',
      '/run/user/1000/xpra:',
      '\tLIVE session at :10',
      '\tDEAD session at :11',
      '/tmp/other:',
      '\tLIVE session at :12 (hostname)',
      '',
    ].join('\n');
    assert.deepEqual(parseXpraList(output), [
      { ours: false, state: 'LIVE', display: ':10', socketDir: '/run/user/1000/xpra' },
      { ours: false, state: 'DEAD', display: ':11', socketDir: '/run/user/1000/xpra' },
      { ours: false, state: 'LIVE', display: ':12', socketDir: '/tmp/other' },
    ]);
    assert.deepEqual(parseXpraList('No xpra sessions found\n'), []);
  });

  test('start command program splits like a shell', () => {
    const cases: [string, string][] = [
      ['xterm', 'xterm'],
      ['  xterm -fa Mono', 'xterm'],
      ["'/opt/my app/run' --flag", '/opt/my app/run'],
      ['"quoted \\"name\\"" x', 'quoted "name"'],
      ['path\\ with\\ spaces arg', 'path with spaces'],
      ['', ''],
    ];
    for (const [command, program] of cases) {
      assert.equal(commandProgram(command), program, command);
    }
  });

  test('exec wrapper restores the caller variables', () => {
    const wrapper = childEnvironmentWrapper({ SSL_CERT_FILE: "/a b/it's.pem" });
    assert.match(wrapper, /^\/(usr\/)?bin\/env /);
    assert.ok(wrapper.indexOf('-u SSL_CERT_DIR') < wrapper.indexOf('SSL_CERT_FILE='), wrapper);
    assert.ok(wrapper.includes("-u XPRA_USER_CONF_DIRS"), wrapper);
    assert.ok(wrapper.endsWith(`'SSL_CERT_FILE=/a b/it'\\''s.pem'`), wrapper);
  });

  test('install command names the Debian packages', () => {
    assert.equal(installCommand('linux', { ID: 'debian' }), 'sudo apt-get install xpra xvfb xterm');
    assert.equal(installCommand('linux', { ID: 'linuxmint', ID_LIKE: 'ubuntu debian' }), 'sudo apt-get install xpra xvfb xterm');
    assert.match(installCommand('linux', { ID: 'fedora' }), /^sudo dnf install xpra /);
    assert.match(installCommand('linux', { ID: 'arch' }), /^sudo pacman -S xpra /);
    assert.match(installCommand('darwin', {}), /Linux/);
    assert.match(installCommand('linux', {}), /apt-get install xpra xvfb xterm/);
  });
});

describe('local server state files', () => {
  const stateDir = temporaryDir('state');

  after(() => rmSync(stateDir, { recursive: true, force: true }));

  test('stop keeps a folder outside servers', async () => {
    const outside = path.join(stateDir, 'outside');
    mkdirSync(outside, { recursive: true });
    writeFileSync(path.join(outside, 'keep.txt'), 'data');
    const exited = spawn('true');
    await new Promise((resolve) => exited.once('exit', resolve));
    const forged = {
      id: 'display-4243', pid: exited.pid ?? 1, display: 4243, host: '127.0.0.1' as const, port: 1, mode: 'ssl' as const,
      uri: 'ssl://127.0.0.1:1/', sessionFile: path.join(outside, 'session.xpra'), caCertFile: 'ca.pem',
      clientCertFile: 'client.pem', clientKeyFile: 'client-key.pem', logFile: path.join(outside, 'xpra.log'),
      socketDir: outside, start: 'xterm', startedAt: new Date().toISOString(),
    };
    const result = await stopLocalServer(forged);
    assert.equal(result.wasRunning, false);
    assert.equal(existsSync(path.join(outside, 'keep.txt')), true);
  });

  test('invalid state file is reported', async () => {
    const dir = path.join(stateDir, 'servers', 'broken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'server.json'), JSON.stringify({ id: '../..', pid: 1, display: 1, port: 1 }));
    await assert.rejects(stopLocalServer(path.join(dir, 'session.xpra')), /invalid server state file .*server\.json/);
    const messages: string[] = [];
    const logger = { trace() {}, debug() {}, info() {}, error() {}, warn: (_category: string, message: string) => messages.push(message) };
    assert.deepEqual(await listLocalServers(stateDir, { includeOthers: false, logger }), []);
    assert.equal(messages.length, 1);
    assert.match(messages[0], /skipping .*broken/);
  });
});
