/**
 * Starts a real xpra 3.1.3 server for conformance tests: a fresh Xvfb display, a TLS socket
 * on 127.0.0.1 and the given start commands, with every file in a temporary directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  createCertificateAuthority,
  createSelfSigned,
  issueCertificate,
} from '../../src/server/certificates';
import { findFreePort, isDisplayInUse } from '../../src/server/ports';

/** 3.1.3 was ready in about 2 s on the test machine; this leaves room for a loaded one. */
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface TestCertificates {
  dir: string;
  caFile: string;
  /** Issued by `caFile` for localhost and 127.0.0.1. */
  serverCert: string;
  serverKey: string;
  /** A CA that issued nothing the server uses. */
  otherCaFile: string;
  /** Issued by `caFile`, but expired on 2020-01-02. */
  expiredCert: string;
  expiredKey: string;
  /** Issued by `caFile` for other.invalid only. */
  wrongNameCert: string;
  wrongNameKey: string;
  /** Self-signed for localhost, trusted by nothing. */
  selfSignedCert: string;
  selfSignedKey: string;
}

/** Writes a CA, a server certificate and the broken certificates the refusal tests need. */
export async function makeTestCertificates(dir: string): Promise<TestCertificates> {
  const ca = await createCertificateAuthority({ commonName: 'xpra-sessions test CA' });
  const other = await createCertificateAuthority({ commonName: 'unrelated test CA' });
  const server = await issueCertificate(ca, {
    commonName: 'localhost',
    dns: ['localhost'],
    ips: ['127.0.0.1'],
    usage: 'server',
  });
  const expired = await issueCertificate(ca, {
    commonName: 'localhost',
    dns: ['localhost'],
    ips: ['127.0.0.1'],
    usage: 'server',
    notBefore: new Date('2019-01-01T00:00:00Z'),
    notAfter: new Date('2020-01-02T00:00:00Z'),
  });
  const wrongName = await issueCertificate(ca, {
    commonName: 'other.invalid',
    dns: ['other.invalid'],
    usage: 'server',
  });
  const selfSigned = await createSelfSigned({
    commonName: 'localhost',
    dns: ['localhost'],
    ips: ['127.0.0.1'],
    usage: 'server',
  });
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text, { mode: 0o600 });
    return file;
  };
  return {
    dir,
    caFile: write('ca.pem', ca.certPem),
    serverCert: write('server.pem', server.certPem),
    serverKey: write('server.key', server.keyPem),
    otherCaFile: write('other-ca.pem', other.certPem),
    expiredCert: write('expired.pem', expired.certPem),
    expiredKey: write('expired.key', expired.keyPem),
    wrongNameCert: write('wrong-name.pem', wrongName.certPem),
    wrongNameKey: write('wrong-name.key', wrongName.keyPem),
    selfSignedCert: write('self-signed.pem', selfSigned.certPem),
    selfSignedKey: write('self-signed.key', selfSigned.keyPem),
  };
}

export interface XpraServerOptions {
  /** `ssl`: a --bind-ssl port; `tcp`: a --bind-tcp port that upgrades to TLS (--ssl=on). */
  socket: 'ssl' | 'tcp';
  certFile: string;
  keyFile: string;
  /** Turns on password authentication on the socket. */
  password?: string;
  /** Commands started in the session; xterm when not given. */
  start?: string[];
}

export interface XpraServer {
  display: number;
  port: number;
  /** The temporary directory with the sockets and logs. */
  dir: string;
  /** `ssl://127.0.0.1:PORT/` for either socket kind. */
  uri: string;
  /** Everything the server printed so far. */
  output(): string;
  /** Runs a command on the server's display and returns its exit code and output. */
  runOnDisplay(command: string, args: string[]): Promise<{ code: number; stdout: string }>;
  stop(): Promise<void>;
}

export async function startXpra(options: XpraServerOptions): Promise<XpraServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'xpra-conformance-'));
  const display = pickDisplay();
  const port = await findFreePort();
  const bind =
    options.socket === 'ssl' ? `--bind-ssl=127.0.0.1:${port}` : `--bind-tcp=127.0.0.1:${port}`;
  const args = [
    'start',
    `:${display}`,
    '--daemon=no',
    bind,
    `--ssl-cert=${options.certFile}`,
    `--ssl-key=${options.keyFile}`,
    '--bind=none',
    `--socket-dirs=${dir}`,
    '--no-mdns',
    '--no-pulseaudio',
    '--no-notifications',
    '--html=off',
    `--log-dir=${dir}`,
    '--dbus-launch=',
    '--start-via-proxy=no',
  ];
  if (options.socket === 'tcp') args.push('--ssl=on');
  if (options.password !== undefined) {
    const passwordFile = path.join(dir, 'password.txt');
    writeFileSync(passwordFile, options.password, { mode: 0o600 });
    args.push(`--${options.socket}-auth=file:filename=${passwordFile}`);
  }
  for (const command of options.start ?? ['xterm']) args.push(`--start=${command}`);

  let output = '';
  const child = spawn('xpra', args, {
    env: { ...process.env, XDG_RUNTIME_DIR: dir, DISPLAY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const server: XpraServer = {
    display,
    port,
    dir,
    uri: `ssl://127.0.0.1:${port}/`,
    output: () => output,
    runOnDisplay: (command, commandArgs) =>
      runCommand(command, commandArgs, { ...process.env, DISPLAY: `:${display}` }),
    stop: () => stopServer(child, dir),
  };
  try {
    await waitForReady(child, () => output);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** Picks a random free display from 400 up, so parallel test runs rarely pick the same one. */
function pickDisplay(): number {
  for (let attempt = 0; attempt < 200; attempt++) {
    const display = 400 + Math.floor(Math.random() * 500);
    if (!isDisplayInUse(display)) return display;
  }
  throw new Error('no free X11 display between :400 and :899');
}

function waitForReady(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (output().includes('xpra is ready')) {
        clearInterval(poll);
        resolve();
      } else if (child.exitCode !== null || Date.now() - started > READY_TIMEOUT_MS) {
        clearInterval(poll);
        reject(
          new Error(
            `xpra did not become ready (exit code ${child.exitCode}):\n${output().slice(-3000)}`,
          ),
        );
      }
    }, 100);
  });
}

async function stopServer(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.pid !== undefined) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), STOP_TIMEOUT_MS).unref(),
    );
    const done = await Promise.race([exited.then(() => true), timer]);
    if (!done) {
      // The server ignored SIGTERM: end its whole process group (Xvfb and the session commands).
      process.kill(-child.pid, 'SIGKILL');
      await exited;
    }
  }
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}

function runCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout }));
  });
}

/** Reads a file the session wrote, or '' when it does not exist yet. */
export function readIfExists(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
