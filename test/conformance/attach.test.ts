/**
 * The engine against a real xpra 3.1.3 server over TLS on loopback. Windows paint, keys
 * type, clicks and wheel notches arrive, and the command line saves a screenshot. Certificate
 * problems and wrong passwords are rejected with their reason.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { readFileSync } from 'node:fs';
import {
  attach,
  forgetEncoders,
  LOOPBACK_MIN_SPEED,
  typeText,
  type AttachOptions,
  type Logger,
  type WindowDescription,
  type XpraSession,
} from '../../src/client';
import { FRAMEBUFFER_ENCODINGS, Framebuffer } from '../../src/client/framebuffer';
import { keyForEvent } from '../../src/keymap';
import {
  makeTestCertificates,
  readIfExists,
  startXpra,
  type TestCertificates,
  type XpraServer,
} from '../support/xpra';

const root = path.resolve(__dirname, '..', '..');
const WAIT_MS = 15_000;
/** The title xev gives its window. */
const XEV_TITLE = 'Event Tester';

/** A session that maps every top-level window, paints it and acknowledges each draw. */
class PaintedSession {
  readonly framebuffer = new Framebuffer();
  readonly windows = new Map<number, WindowDescription>();
  /** The last cursor image the server sent. */
  cursor: { png: Uint8Array; width: number; height: number } | undefined;

  constructor(readonly session: XpraSession) {
    session.on('cursor', (update) => {
      if (update) this.cursor = update;
    });
    session.on('window-new', (window) => {
      this.windows.set(window.wid, window);
      this.framebuffer.addWindow(window);
      if (!window.overrideRedirect)
        session.mapWindow(window.wid, window.x, window.y, window.width, window.height);
    });
    session.on('window-metadata', (update) => {
      const window = this.windows.get(update.wid);
      if (window && update.title !== undefined) window.title = update.title;
    });
    session.on('window-move-resize', ({ wid, width, height }) =>
      this.framebuffer.resizeWindow(wid, width, height),
    );
    session.on('draw', (draw) => {
      try {
        this.framebuffer.apply(draw);
        session.ackDraw(draw.wid, draw.seq, draw.width, draw.height, 1);
      } catch (error) {
        session.ackDraw(draw.wid, draw.seq, draw.width, draw.height, -1, String(error));
      }
    });
  }

  /** Waits for a painted top-level window whose title matches, with non-blank pixels. */
  async paintedWindow(matches: (title: string) => boolean): Promise<WindowDescription> {
    let found: WindowDescription | undefined;
    await waitFor(
      `a painted window (${[...this.windows.values()].map((window) => window.title).join(', ')})`,
      () => {
        found = [...this.windows.values()].find(
          (window) =>
            !window.overrideRedirect &&
            matches(window.title) &&
            this.framebuffer.painted.has(window.wid) &&
            (this.framebuffer.images.get(window.wid)?.hasContent() ?? false),
        );
        return found !== undefined;
      },
    );
    return found as WindowDescription;
  }
}

interface ButtonEvent {
  kind: 'ButtonPress' | 'ButtonRelease';
  button: number;
  state: number;
  x: number;
  y: number;
}

/** Parses xev's button events. Each is a block with `(x,y)` and `state 0x.., button N`. */
function buttonEvents(log: string): ButtonEvent[] {
  const events: ButtonEvent[] = [];
  for (const block of log.split(/\n\s*\n/)) {
    const kind = /^(ButtonPress|ButtonRelease) event/m.exec(block)?.[1];
    const detail = /state 0x([0-9a-f]+), button (\d+),/.exec(block);
    const position = /time \d+, \((-?\d+),(-?\d+)\)/.exec(block);
    if (!kind || !detail || !position) continue;
    events.push({
      kind: kind as ButtonEvent['kind'],
      state: Number.parseInt(detail[1], 16),
      button: Number(detail[2]),
      x: Number(position[1]),
      y: Number(position[2]),
    });
  }
  return events;
}

/** A logger that keeps info, warn and error lines as `level [category] message`. */
function recordingLogger(lines: string[]): Logger {
  const keep = (level: string) => (category: string, message: string) => {
    lines.push(`${level} [${category}] ${message}`);
  };
  const ignore = () => undefined;
  return {
    trace: ignore,
    debug: ignore,
    info: keep('info'),
    warn: keep('warn'),
    error: keep('error'),
  };
}

/** Reads the attached client's `encoding.defaults.*` and `encoding.client-defaults.*` lines from `xpra info`. */
async function clientEncodingDefaults(server: XpraServer, caFile: string): Promise<Map<string, string>> {
  const output = await new Promise<string>((resolve, reject) => {
    // The test servers have no local socket (--bind=none), so the request goes over TLS.
    const child = spawn('xpra', ['info', server.uri, `--ssl-ca-certs=${caFile}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, XDG_RUNTIME_DIR: server.dir },
    });
    let text = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`xpra info exited with ${code}: ${errors.trim()}`)),
    );
  });
  const defaults = new Map<string, string>();
  for (const line of output.split('\n')) {
    const match = /^client\.encoding\.((?:client-)?defaults\.[\w-]+)=(.*)$/.exec(line);
    if (match) defaults.set(match[1], match[2]);
  }
  return defaults;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = WAIT_MS): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The xterm, as opposed to xev and the message window of Debian's Xsession. */
const isTerminal = (title: string): boolean =>
  title !== '' && title !== XEV_TITLE && title !== 'xmessage';

describe('attach to xpra 3.1.3', () => {
  let dir: string;
  let certificates: TestCertificates;
  let sslServer: XpraServer;
  let tcpServer: XpraServer;
  let expiredServer: XpraServer;
  let passwordServer: XpraServer;
  const sessions: XpraSession[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'attach-conformance-'));
    certificates = await makeTestCertificates(dir);
    const xevLog = path.join(dir, 'xev.log');
    [sslServer, tcpServer, expiredServer, passwordServer] = await Promise.all([
      startXpra({
        socket: 'ssl',
        certFile: certificates.serverCert,
        keyFile: certificates.serverKey,
        start: ['xterm', `sh -c "exec xev > ${xevLog}"`],
      }),
      startXpra({
        socket: 'tcp',
        certFile: certificates.serverCert,
        keyFile: certificates.serverKey,
      }),
      startXpra({
        socket: 'ssl',
        certFile: certificates.expiredCert,
        keyFile: certificates.expiredKey,
        start: [],
      }),
      startXpra({
        socket: 'ssl',
        certFile: certificates.serverCert,
        keyFile: certificates.serverKey,
        password: 'correct horse',
        start: [],
      }),
    ]);
  });

  after(async () => {
    for (const session of sessions) session.disconnect();
    await Promise.all(
      [sslServer, tcpServer, expiredServer, passwordServer]
        .filter(Boolean)
        .map((server) => server.stop()),
    );
    rmSync(dir, { recursive: true, force: true });
  });

  const options = (server: XpraServer, overrides: Partial<AttachOptions> = {}): AttachOptions => ({
    uri: server.uri,
    tls: { verifyMode: 'required', caCertFile: certificates.caFile },
    encodings: FRAMEBUFFER_ENCODINGS,
    desktopSize: [1280, 800],
    timeoutMs: WAIT_MS,
    ...overrides,
  });

  async function open(server: XpraServer): Promise<PaintedSession> {
    const session = await attach(options(server));
    sessions.push(session);
    return new PaintedSession(session);
  }

  test('ssl socket: xterm paints', async () => {
    const painted = await open(sslServer);
    const window = await painted.paintedWindow(isTerminal);
    assert.ok(window.width > 100, `xterm width ${window.width}`);
    assert.equal(
      painted.session.encoder,
      'rencode',
      '3.1.3 cannot read rencodeplus, so the legacy hello is used',
    );
  });

  test('ssl socket: typed command runs', async () => {
    const painted = await open(sslServer);
    const window = await painted.paintedWindow(isTerminal);
    const target = path.join(dir, 'typed-file');
    await typeText(painted.session, window.wid, `touch ${target}\n`);
    await waitFor(`${target} to exist`, () => existsSync(target));
    assert.ok(existsSync(target));
  });

  test('ssl socket: click and wheel arrive', async () => {
    const painted = await open(sslServer);
    const xev = await painted.paintedWindow((title) => title === XEV_TITLE);
    const log = path.join(dir, 'xev.log');
    const before = buttonEvents(readIfExists(log)).length;
    painted.session.focus(xev.wid);
    painted.session.pointerPosition(xev.wid, 20, 20);
    painted.session.button(xev.wid, 1, true, 20, 20);
    painted.session.button(xev.wid, 1, false, 20, 20);
    painted.session.wheel(xev.wid, 0, -1, 20, 20);
    await waitFor('xev to log four button events', () => {
      return buttonEvents(readIfExists(log)).length >= before + 4;
    });
    const events = buttonEvents(readIfExists(log)).slice(before);
    assert.deepEqual(
      events.map(({ kind, button }) => `${kind} ${button}`),
      ['ButtonPress 1', 'ButtonRelease 1', 'ButtonPress 4', 'ButtonRelease 4'],
    );
    assert.deepEqual(
      events.map(({ x, y }) => [x, y]),
      [
        [20, 20],
        [20, 20],
        [20, 20],
        [20, 20],
      ],
      'the positions are relative to the xev window',
    );
  });

  test('ssl socket: click modifiers arrive', async () => {
    const painted = await open(sslServer);
    const xev = await painted.paintedWindow((title) => title === XEV_TITLE);
    const log = path.join(dir, 'xev.log');
    const before = buttonEvents(readIfExists(log)).length;
    painted.session.focus(xev.wid);
    painted.session.button(xev.wid, 3, true, 30, 30, ['control', 'shift']);
    painted.session.button(xev.wid, 3, false, 30, 30, ['control', 'shift']);
    await waitFor('xev to log a right click', () => {
      return buttonEvents(readIfExists(log)).length >= before + 2;
    });
    const press = buttonEvents(readIfExists(log))[before];
    assert.equal(press.kind, 'ButtonPress');
    assert.equal(press.button, 3);
    // X11 state bits: ShiftMask 0x1, ControlMask 0x4.
    assert.equal(press.state & 0x5, 0x5, `state 0x${press.state.toString(16)}`);
  });

  test('ssl socket: ping measures latency', async () => {
    const painted = await open(sslServer);
    const latency = await new Promise<number>((resolve) =>
      painted.session.once('latency', resolve),
    );
    assert.ok(latency >= 0, `latency ${latency} ms`);
    assert.ok(latency < WAIT_MS, `latency ${latency} ms`);
  });

  test('ssl socket: loopback speed floor sent', async () => {
    const floor = await attach(options(sslServer));
    sessions.push(floor);
    const defaults = await clientEncodingDefaults(sslServer, certificates.caFile);
    assert.equal(defaults.get('client-defaults.min-speed'), String(LOOPBACK_MIN_SPEED), [...defaults].join(' '));
    assert.equal(defaults.get('defaults.min-speed'), String(LOOPBACK_MIN_SPEED));
    floor.disconnect();

    const named = await attach(options(sslServer, { encodingTuning: { minSpeed: 0, minQuality: 55 } }));
    sessions.push(named);
    const chosen = await clientEncodingDefaults(sslServer, certificates.caFile);
    assert.equal(chosen.get('client-defaults.min-speed'), undefined, [...chosen].join(' '));
    assert.equal(chosen.get('client-defaults.min-quality'), '55');
    assert.equal(chosen.get('defaults.min-quality'), '55');
    named.disconnect();
  });

  test('ssl socket: control-G rings the bell', async () => {
    const painted = await open(sslServer);
    const window = await painted.paintedWindow(isTerminal);
    const control = keyForEvent({ code: 'ControlLeft', key: 'Control' });
    const g = keyForEvent({ code: 'KeyG', key: 'g' });
    assert.ok(control, 'the US keymap has Control_L');
    assert.ok(g, 'the US keymap has g');
    let rang = -1;
    painted.session.on('bell', (wid) => (rang = wid));
    painted.session.focus(window.wid);
    const session = painted.session;
    session.key(window.wid, control.keyname, true, control.keyval, control.keycode, '');
    session.key(window.wid, g.keyname, true, g.keyval, g.keycode, 'g', ['control']);
    session.key(window.wid, g.keyname, false, g.keyval, g.keycode, 'g', ['control']);
    session.key(window.wid, control.keyname, false, control.keyval, control.keycode, '', [
      'control',
    ]);
    await waitFor('a bell', () => rang !== -1);
    assert.equal(rang, window.wid);
  });

  test('ssl socket: cursor arrives as PNG', async () => {
    const painted = await open(sslServer);
    const window = await painted.paintedWindow(isTerminal);
    painted.session.pointerPosition(window.wid, 5, 5);
    painted.session.pointerPosition(window.wid, 60, 40);
    await waitFor('a cursor image', () => painted.cursor !== undefined);
    const image = painted.cursor as { png: Uint8Array; width: number; height: number };
    assert.deepEqual(
      [...image.png.subarray(0, 4)],
      [0x89, 0x50, 0x4e, 0x47],
      'the cursor is a PNG',
    );
    assert.ok(image.width > 0, `cursor width ${image.width}`);
    assert.ok(image.height > 0, `cursor height ${image.height}`);
  });

  test('tcp socket upgraded to TLS: xterm paints', async () => {
    const painted = await open(tcpServer);
    const window = await painted.paintedWindow(isTerminal);
    assert.ok(window.height > 50);
  });

  test('remembered encoder skips fallback', async () => {
    forgetEncoders();
    const firstLog: string[] = [];
    (await attach({ ...options(tcpServer), logger: recordingLogger(firstLog) })).disconnect();
    const secondLog: string[] = [];
    const session = await attach({ ...options(tcpServer), logger: recordingLogger(secondLog) });
    session.disconnect();
    assert.equal(session.encoder, 'rencode');
    assert.ok(
      firstLog.some((line) => /retrying with rencode/.test(line)),
      'the first attach logs the fallback',
    );
    assert.ok(
      !secondLog.some((line) => /retrying/.test(line)),
      `the second attach starts with rencode: ${secondLog.join(' | ')}`,
    );
  });

  test('new port on known host skips fallback', async () => {
    forgetEncoders();
    (await attach(options(tcpServer))).disconnect();
    const log: string[] = [];
    const session = await attach({ ...options(sslServer), logger: recordingLogger(log) });
    session.disconnect();
    assert.notEqual(tcpServer.port, sslServer.port);
    assert.equal(session.encoder, 'rencode');
    assert.ok(!log.some((line) => /retrying/.test(line)), `the attach to a new port starts with rencode: ${log.join(' | ')}`);
  });

  test('wrong CA is rejected', async () => {
    await assert.rejects(
      attach(
        options(sslServer, {
          tls: { verifyMode: 'required', caCertFile: certificates.otherCaFile },
        }),
      ),
      /unknown issuer|self-signed/,
    );
  });

  test('wrong hostname is rejected', async () => {
    const tls = {
      verifyMode: 'required' as const,
      caCertFile: certificates.caFile,
      serverHostname: 'other.invalid',
    };
    await assert.rejects(
      attach(options(sslServer, { tls })),
      /issued for localhost, 127\.0\.0\.1, not other\.invalid/,
    );
  });

  test('expired certificate is rejected', async () => {
    await assert.rejects(attach(options(expiredServer)), /expired on 2020-01-02/);
  });

  test('password: right one attaches', async () => {
    const session = await attach(
      options(passwordServer, { getPassword: () => Promise.resolve('correct horse') }),
    );
    sessions.push(session);
    assert.ok(session.isConnected);
  });

  test('password: wrong one is rejected', async () => {
    await assert.rejects(
      attach(options(passwordServer, { getPassword: () => Promise.resolve('wrong') })),
      /authentication failed: wrong password/,
    );
  });

  test('password: missing one is reported', async () => {
    await assert.rejects(
      attach(options(passwordServer)),
      /requires authentication and no password was given/,
    );
  });

  test('ssl socket: resize repaints larger', async () => {
    const painted = await open(sslServer);
    const window = await painted.paintedWindow(isTerminal);
    const width = window.width + 120;
    const height = window.height + 80;
    let widest = 0;
    painted.session.on('draw', (draw) => {
      if (draw.wid === window.wid) widest = Math.max(widest, draw.x + draw.width);
    });
    painted.session.configureWindow(window.wid, window.x, window.y, width, height);
    await waitFor('a draw beyond the old width', () => widest > window.width);
    assert.ok(widest > window.width, `widest draw reached x=${widest}`);
  });

  test('ssl socket: close removes window', async () => {
    const painted = await open(sslServer);
    const xev = await painted.paintedWindow((title) => title === XEV_TITLE);
    let lost = 0;
    painted.session.on('window-lost', (wid) => (lost = wid));
    painted.session.closeWindow(xev.wid);
    await waitFor('the xev window to be lost', () => lost === xev.wid);
    assert.equal(lost, xev.wid);
    assert.ok(!painted.session.windows.has(xev.wid));
  });

  test('command line saves a screenshot', async () => {
    const screenshot = path.join(dir, 'screenshot.png');
    const run = () => runCli([
      'attach',
      sslServer.uri,
      '--ssl-ca-cert',
      certificates.caFile,
      '--screenshot',
      screenshot,
      '--timeout',
      '20',
    ]);
    let result = await run();
    // In 2 of about 30 runs of this suite a TLS record from xpra 3.1.3 failed its integrity
    // check during this test. The command reports that and exits 1, so one more attach is
    // allowed for that error only.
    if (result.code !== 0 && result.stderr.includes('failed its integrity check')) {
      result = await run();
    }
    assert.equal(result.code, 0, result.stderr);
    const png = PNG.sync.read(readFileSync(screenshot));
    const pixels = new Uint32Array(png.data.buffer, png.data.byteOffset, png.data.byteLength / 4);
    assert.ok(new Set(pixels).size > 2, 'the screenshot has more than two colours');
  });

  test('command line types text', async () => {
    const target = path.join(dir, 'typed-by-cli');
    const args = ['attach', sslServer.uri, '--ssl-ca-cert', certificates.caFile, '--timeout', '20'];
    const result = await runCli([...args, '--type', `touch ${target}\n`]);
    assert.equal(result.code, 0, result.stderr);
    await waitFor(`${target} to exist`, () => existsSync(target));
    assert.ok(existsSync(target));
  });

  test('command line: insecure mode warns', async () => {
    const result = await runCli([
      'attach',
      sslServer.uri,
      '--ssl-server-verify-mode',
      'none',
      '--timeout',
      '20',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /insecure/);
  });

  test('command line: pinned fingerprint attaches', async () => {
    // No CA: only the pin makes the certificate trusted.
    const fingerprint = new X509Certificate(readFileSync(certificates.serverCert)).fingerprint256;
    const result = await runCli(['attach', sslServer.uri, '--ssl-server-fingerprint', fingerprint, '--timeout', '20']);
    assert.equal(result.code, 0, result.stderr);
  });

  test('command line: other fingerprint is refused', async () => {
    const other = new X509Certificate(readFileSync(certificates.selfSignedCert)).fingerprint256;
    const result = await runCli(['attach', sslServer.uri, '--ssl-server-fingerprint', other, '--timeout', '20']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /certificate changed: pinned SHA-256/);
    assert.ok(result.stderr.includes(other), result.stderr);
  });

  test('command line: invalid fingerprint is a usage error', async () => {
    const result = await runCli(['attach', sslServer.uri, '--ssl-server-fingerprint', 'AB:CD']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /invalid --ssl-server-fingerprint: invalid SHA-256 fingerprint 'AB:CD'/);
  });

  test('command line: refusal is one line', async () => {
    const result = await runCli([
      'attach',
      sslServer.uri,
      '--ssl-ca-cert',
      certificates.otherCaFile,
    ]);
    assert.notEqual(result.code, 0);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /unknown issuer|self-signed/);
  });
});

function runCli(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'src', 'cli.ts'), ...args],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}
