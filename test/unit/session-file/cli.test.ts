import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeCertificate } from './certificates';

const root = path.resolve(__dirname, '..', '..', '..');
const corpus = path.join(__dirname, 'corpus');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real command-line entry point, as `xpra-sessions ARGS...` would. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      { cwd: root },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) {
          code = typeof error.code === 'number' ? error.code : -1;
        }
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const LINE = /^(.+):(\d+):(\d+): (error|warning|info): (.+)$/;

describe('xpra-sessions validate', () => {
  it('exits 0 for a clean file', async () => {
    const run = await cli('validate', path.join(corpus, 'good-ssl.xpra'));
    assert.equal(run.code, 0);
    assert.equal(
      run.stdout,
      `${path.join(corpus, 'good-ssl.xpra')}:7:1: info: 'encodings' is a list option: each line adds one value.\n`,
    );
  });

  it('exits 0 with only warnings', async () => {
    const run = await cli('validate', path.join(corpus, 'insecure.xpra'));
    assert.equal(run.code, 0);
    assert.match(
      run.stdout,
      /insecure\.xpra:4:10: warning: 'password' stores a password in clear text/,
    );
  });

  it('exits 1 and prints each error', async () => {
    const file = path.join(corpus, 'repeated-keys.xpra');
    const run = await cli('validate', file);
    assert.equal(run.code, 1);
    const lines = run.stdout.trimEnd().split('\n');
    for (const line of lines) {
      assert.match(line, LINE);
    }
    assert.ok(
      lines.includes(
        `${file}:4:1: error: 'mode' is repeated. xpra turns repeated keys into a list, rejects it and drops every value, so the default 'tcp' is used. Keep one line.`,
      ),
    );
    assert.equal(lines.length, 4);
  });

  it('exits 1 when any file has an error', async () => {
    const run = await cli(
      'validate',
      path.join(corpus, 'good-ssl.xpra'),
      path.join(corpus, 'typos.xpra'),
    );
    assert.equal(run.code, 1);
    assert.match(run.stdout, /typos\.xpra:1:1: error: Unknown key 'Mode'/);
  });

  it('checks against the version given', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'xpra-cli-test-'));
    try {
      const file = path.join(folder, 'path.xpra');
      writeFileSync(file, 'mode=ssl\nhost=localhost\nport=10000\npath=/xpra\n');
      assert.equal((await cli('validate', file)).code, 0);
      assert.equal((await cli('validate', '--xpra-version', '3.1', file)).code, 1);
      assert.equal((await cli('validate', '--xpra-version=6.5', file)).code, 0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('reports a file that cannot be read', async () => {
    const run = await cli('validate', '/nonexistent/missing.xpra');
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^\/nonexistent\/missing\.xpra:1:1: error: cannot read the file/);
  });

  it('exits 2 on usage errors', async () => {
    assert.equal((await cli('validate')).code, 2);
    assert.equal((await cli('validate', '--xpra-version', '9.9', 'x.xpra')).code, 2);
    assert.equal((await cli('validate', '--bogus', 'x.xpra')).code, 2);
  });
});

describe('xpra-sessions hex-ca', () => {
  let folder: string;
  let pemFile: string;
  let derFile: string;
  let pem: string;
  let der: Buffer;

  before(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'xpra-hex-ca-test-'));
    const certificate = await makeCertificate({ commonName: 'Session Test CA', ca: true });
    writeFileSync(path.join(folder, 'made.pem'), certificate.pem);
    pemFile = path.join(folder, 'ca.pem');
    derFile = path.join(folder, 'ca.der');
    // openssl writes the reference forms, so the codec is checked against another implementation.
    execFileSync('openssl', ['x509', '-in', path.join(folder, 'made.pem'), '-out', pemFile]);
    execFileSync('openssl', ['x509', '-in', pemFile, '-outform', 'DER', '-out', derFile]);
    pem = readFileSync(pemFile, 'utf8');
    der = readFileSync(derFile);
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('encodes a PEM file as hex of PEM', async () => {
    const run = await cli('hex-ca', pemFile);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `${Buffer.from(pem).toString('hex')}\n`);
    assert.ok(run.stdout.startsWith('2d2d2d2d2d424547494e2043455254494649434154452d2d2d2d2d0a'));
  });

  it('encodes a DER file the same way', async () => {
    assert.equal(
      (await cli('hex-ca', 'encode', derFile)).stdout,
      `${Buffer.from(pem).toString('hex')}\n`,
    );
  });

  it('encodes hex of DER', async () => {
    assert.equal((await cli('hex-ca', pemFile, '--der')).stdout, `${der.toString('hex')}\n`);
  });

  it('encodes base64 forms', async () => {
    assert.equal(
      (await cli('hex-ca', pemFile, '--base64')).stdout,
      `${Buffer.from(pem).toString('base64')}\n`,
    );
    assert.equal(
      (await cli('hex-ca', pemFile, '--der', '--base64')).stdout,
      `base64:${der.toString('base64')}\n`,
    );
  });

  it('decodes every form back to PEM', async () => {
    const forms = [
      Buffer.from(pem).toString('hex'),
      der.toString('hex'),
      `0x${der.toString('hex')}`,
      `b64:${der.toString('base64')}`,
      `base64:${Buffer.from(pem).toString('base64')}`,
      Buffer.from(pem).toString('base64'),
    ];
    for (const value of forms) {
      const run = await cli('hex-ca', '--decode', value);
      assert.equal(run.code, 0, value.slice(0, 20));
      assert.equal(run.stdout, pem, value.slice(0, 20));
    }
  });

  it('inspects a value', async () => {
    const run = await cli('hex-ca', 'inspect', Buffer.from(pem).toString('hex'));
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^form: hex of PEM$/m);
    assert.match(run.stdout, /^accepted by xpra: 3\.1 to 6\.0$/m);
    assert.match(run.stdout, /^ {2}Subject: CN=Session Test CA$/m);
    assert.match(run.stdout, /^ {2}CA: yes \(basicConstraints critical\)$/m);
  });

  it('rejects an odd-length value', async () => {
    const run = await cli('hex-ca', '--decode', '2d2d2');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /odd number of hex digits \(5\)/);
  });

  it('rejects a file that is not a certificate', async () => {
    const run = await cli('hex-ca', path.join(corpus, 'good-ssl.xpra'));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /neither a PEM nor a DER certificate/);
  });

  it('exits 2 on usage errors', async () => {
    assert.equal((await cli('hex-ca')).code, 2);
    assert.equal((await cli('hex-ca', '--decode')).code, 2);
    assert.equal((await cli('hex-ca', pemFile, '--hex')).code, 2);
  });
});
