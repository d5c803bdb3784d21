/**
 * The client against recorded xpra 6.5.3 streams. A TLS server on loopback checks our hello
 * for the fields the real 6.5.3 server required, then replays what that server sent. The
 * client must paint a first frame on every stream that painted and report the reason on
 * every stream that was refused.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { deflateSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import {
  FLAG_RENCODEPLUS,
  HEADER_SIZE,
  asDict,
  asList,
  asText,
  compressLz4,
  decodeValue,
  encodePacket,
  encoderFromFlags,
  parseHeader,
} from '../../src/protocol';
import type { Dict, Packet, Value } from '../../src/protocol';
import { attach, forgetEncoders, type WindowDescription, type XpraSession } from '../../src/client';
import { FRAMEBUFFER_ENCODINGS, Framebuffer } from '../../src/client/framebuffer';
import { makeTestCertificates, type TestCertificates } from '../support/xpra';

const root = path.resolve(__dirname, '..', '..');
const fixtures = path.resolve(root, 'test', 'fixtures', 'xpra-6.5.3');
const PAINT_TIMEOUT_MS = 10_000;

interface Stream {
  name: string;
  frames: Buffer;
  /** Whether the recorded server sent at least one draw. */
  painted: boolean;
  /** Keeps the connection open after the replay, for scripted packets. */
  keepOpen?: boolean;
}

interface ReceivedHello {
  flags: number;
  caps: Dict;
}

/** A loopback TLS server that records each hello and replays `stream` on every connection. */
class ReplayServer {
  readonly hellos: ReceivedHello[] = [];
  readonly packets: Packet[] = [];
  private readonly server: tls.Server;
  private readonly sockets = new Set<tls.TLSSocket>();
  stream: Stream | undefined;
  /** The latest connection, for packets a test sends after the replay. */
  socket: tls.TLSSocket | undefined;

  constructor(certificates: TestCertificates) {
    this.server = tls.createServer(
      { cert: readFileSync(certificates.serverCert), key: readFileSync(certificates.serverKey) },
      (socket) => this.onConnection(socket),
    );
  }

  listen(host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve) => {
      this.server.listen(0, host, () => resolve((this.server.address() as { port: number }).port));
    });
  }

  reset(stream: Stream): void {
    this.stream = stream;
    this.hellos.length = 0;
    this.packets.length = 0;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(socket: tls.TLSSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const frames = new FrameSplitter();
    let replayed = false;
    socket.on('data', (chunk: Buffer) => {
      for (const { flags, packet } of frames.push(chunk)) {
        if (packet[0] === 'hello' && !replayed) {
          replayed = true;
          this.hellos.push({ flags, caps: asDict(packet[1]) });
          this.replay(socket);
        } else {
          this.packets.push(packet);
        }
      }
    });
  }

  /** Sends a packet on the latest connection, as rencodeplus. */
  send(packet: Packet): void {
    this.socket?.write(encodePacket(packet, { encoder: 'rencodeplus' }));
  }

  private replay(socket: tls.TLSSocket): void {
    const stream = this.stream as Stream;
    this.socket = socket;
    socket.write(stream.frames);
    if (!stream.painted && !stream.keepOpen && !stream.name.startsWith('bc0-server-legacy')) {
      // The recorded server closed after its refusal.
      socket.end();
    }
  }
}

/**
 * Splits the client's byte stream into packets with their names exactly as sent, because the
 * protocol module's reader would turn new names into legacy ones. The client sends
 * uncompressed frames without chunks.
 */
class FrameSplitter {
  private buffered = Buffer.alloc(0);

  push(chunk: Buffer): Array<{ flags: number; packet: Packet }> {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    const packets: Array<{ flags: number; packet: Packet }> = [];
    while (this.buffered.length >= HEADER_SIZE) {
      const header = parseHeader(new Uint8Array(this.buffered.subarray(0, HEADER_SIZE)));
      const end = HEADER_SIZE + header.payloadSize;
      if (this.buffered.length < end) break;
      assert.equal(header.levelByte, 0, 'the client sends uncompressed frames');
      const payload = new Uint8Array(this.buffered.subarray(HEADER_SIZE, end));
      const fields = decodeValue(payload, encoderFromFlags(header.flags)) as Value[];
      // Under rencode every string decodes as bytes, the packet name included.
      packets.push({ flags: this.buffered[1], packet: [asText(fields[0]), ...fields.slice(1)] });
      this.buffered = this.buffered.subarray(end);
    }
    return packets;
  }
}

function loadStreams(): Stream[] {
  return readdirSync(fixtures)
    .filter((name) => existsSync(path.join(fixtures, name, 'frames-received.bin')))
    .sort()
    .map((name) => {
      const indexFile = path.join(fixtures, name, 'frames-index.json');
      const index = existsSync(indexFile)
        ? (JSON.parse(readFileSync(indexFile, 'utf8')) as {
            frames: Array<{ packet_type?: string }>;
          })
        : { frames: [] };
      const painted = index.frames.some(
        (frame) => frame.packet_type === 'draw' || frame.packet_type === 'window-draw',
      );
      return {
        name,
        frames: readFileSync(path.join(fixtures, name, 'frames-received.bin')),
        painted,
      };
    });
}

/** Decodes webp with ImageMagick, as the recorded server chose webp for most draws. */
function decodeWebp(data: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const png = PNG.sync.read(execFileSync('convert', ['webp:-', 'png:-'], { input: data }));
  return { width: png.width, height: png.height, rgba: new Uint8Array(png.data) };
}

/** Attaches, maps every window and resolves with the first window that painted. */
async function paintFirstFrame(
  session: XpraSession,
): Promise<{ wid: number; framebuffer: Framebuffer }> {
  const framebuffer = new Framebuffer({ webp: decodeWebp });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no frame painted')), PAINT_TIMEOUT_MS);
    session.on('window-new', (window) => {
      framebuffer.addWindow(window);
      if (!window.overrideRedirect)
        session.mapWindow(window.wid, window.x, window.y, window.width, window.height);
    });
    session.on('draw', (draw) => {
      framebuffer.apply(draw);
      session.ackDraw(draw.wid, draw.seq, draw.width, draw.height, 1);
      if (framebuffer.painted.has(draw.wid)) {
        clearTimeout(timer);
        resolve({ wid: draw.wid, framebuffer });
      }
    });
    session.on('disconnected', (reason) => {
      clearTimeout(timer);
      reject(new Error(`disconnected before painting: ${reason}`));
    });
  });
}

/** Polls `condition` every 20 ms for up to 2 s and resolves with its last result. */
async function eventually(condition: () => boolean): Promise<boolean> {
  for (let waited = 0; waited < 2000 && !condition(); waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

/** The expected refusal text of each stream the recorded server refused. */
const REFUSALS: Record<string, RegExp> = {
  'bc1-hello-version-0.1.0': /protocol version.*remote version '0\.1\.0' is too old/,
  'bc1-hello-version-missing': /protocol version.*remote version is not available/,
  'bc1-rencode-legacy-hello': /'rencode' decoder is not available/,
  'no-hello-timeout': /login timeout/,
};

describe('replay of xpra 6.5.3 streams', () => {
  const streams = loadStreams();
  let certificates: TestCertificates;
  let server: ReplayServer;
  let uri: string;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'replay-6x-'));
    certificates = await makeTestCertificates(dir);
    server = new ReplayServer(certificates);
    uri = `ssl://127.0.0.1:${await server.listen()}/`;
  });

  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const options = () => ({
    uri,
    tls: { verifyMode: 'required' as const, caCertFile: certificates.caFile },
    encodings: [...FRAMEBUFFER_ENCODINGS, 'webp'],
    desktopSize: [1280, 800] as [number, number],
    timeoutMs: 5000,
  });

  test('fixtures are present', () => {
    assert.ok(streams.length >= 12, `expected the recorded streams in ${fixtures}`);
  });

  for (const stream of streams) {
    test(`hello meets 6.5.3 rules: ${stream.name}`, async () => {
      forgetEncoders();
      server.reset(stream);
      await attach(options()).then(
        (session) => session.disconnect(),
        () => undefined,
      );
      const first = server.hellos[0];
      assert.ok(first, 'the server received no hello');
      assert.equal(
        first.flags & FLAG_RENCODEPLUS,
        FLAG_RENCODEPLUS,
        'the first hello must be rencodeplus (flag 0x10)',
      );
      const version = asText(first.caps.version).split('.').map(Number);
      assert.ok(version[0] >= 3, `version ${asText(first.caps.version)} is below 3.0`);
      assert.equal(first.caps.rencodeplus, true);
      const keymap = asDict(first.caps.keymap);
      assert.equal(asText(keymap.layout), 'us');
      assert.ok(asList(keymap.keycodes).length > 40, 'the keymap carries the US keycodes');
      assert.ok(
        asList(first.caps.wants)
          .map((item) => asText(item))
          .includes('packet-types'),
      );
      assert.ok(asList(first.caps.encodings).length > 0);
      assert.equal(typeof first.caps.encoding, 'object', 'the nested encoding dict');
    });

    if (stream.painted) {
      test(`first frame paints: ${stream.name}`, async () => {
        forgetEncoders();
        server.reset(stream);
        const session = await attach(options());
        try {
          const { wid, framebuffer } = await paintFirstFrame(session);
          assert.ok(framebuffer.images.get(wid), 'the painted window has an image');
          const mapped = await eventually(() =>
            server.packets.some(
              (packet) => packet[0] === 'map-window' || packet[0] === 'window-map',
            ),
          );
          assert.ok(mapped, 'the server received a map-window for the window');
          const acked = await eventually(() =>
            server.packets.some(
              (packet) => packet[0] === 'damage-sequence' || packet[0] === 'window-draw-ack',
            ),
          );
          assert.ok(acked, 'the server received an ack for the painted draw');
        } finally {
          session.disconnect();
        }
      });
    } else if (REFUSALS[stream.name]) {
      test(`refusal is reported: ${stream.name}`, async () => {
        forgetEncoders();
        server.reset(stream);
        await assert.rejects(attach(options()), REFUSALS[stream.name]);
      });
    }
  }

  test('ticker stream decodes every draw', async () => {
    const stream = streams.find((candidate) => candidate.name === 'bc1-ticker-50frames') as Stream;
    forgetEncoders();
    server.reset(stream);
    const session = await attach(options());
    const framebuffer = new Framebuffer({ webp: decodeWebp });
    const codings = new Set<string>();
    const failures: string[] = [];
    session.on('window-new', (window) => framebuffer.addWindow(window));
    session.on('draw', (draw) => {
      codings.add(draw.coding);
      try {
        framebuffer.apply(draw);
      } catch (error) {
        failures.push(`${draw.coding} seq ${draw.seq}: ${String(error)}`);
      }
    });
    try {
      await eventually(() => codings.has('scroll') && codings.has('rgb24'));
      assert.deepEqual(failures, []);
      assert.ok(codings.has('scroll'), 'the stream has scroll draws');
      assert.ok(codings.has('rgb24'), 'the stream has rgb24 draws');
      const image = [...framebuffer.images.values()][0];
      assert.ok(image.hasContent(), 'the window has non-blank pixels');
    } finally {
      session.disconnect();
    }
  });

  test('new names after a hello without packet-types', async () => {
    const stream = streams.find(
      (candidate) => candidate.name === 'bc0-ticker-50frames-newnames',
    ) as Stream;
    forgetEncoders();
    server.reset(stream);
    const session = await attach(options());
    try {
      await paintFirstFrame(session);
      await eventually(() => server.packets.some((packet) => packet[0] === 'window-draw-ack'));
      const names = server.packets.map((packet) => packet[0]);
      assert.ok(names.includes('window-map'), `sent ${names.join(', ')}`);
      assert.ok(names.includes('window-draw-ack'), `sent ${names.join(', ')}`);
      assert.ok(!names.includes('map-window'));
    } finally {
      session.disconnect();
    }
  });
});

/** The recorded 6.5.3 hello alone (the first frame of a stream without compression). */
function helloOnly(streams: Stream[]): Stream {
  const source = streams.find((stream) => stream.name === 'bc1-rencodeplus-nocompress') as Stream;
  const size = source.frames.readUInt32BE(4);
  return {
    name: 'scripted',
    frames: source.frames.subarray(0, HEADER_SIZE + size),
    painted: false,
    keepOpen: true,
  };
}

/** A 1x1 PNG, red, made with pngjs. */
function tinyPng(): Uint8Array {
  const png = new PNG({ width: 1, height: 1 });
  png.data = Buffer.from([255, 0, 0, 255]);
  return new Uint8Array(PNG.sync.write(png));
}

describe('scripted 6.5 session', () => {
  let certificates: TestCertificates;
  let server: ReplayServer;
  let dir: string;
  let session: XpraSession;
  const events: Array<[string, unknown]> = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'scripted-6x-'));
    certificates = await makeTestCertificates(dir);
    server = new ReplayServer(certificates);
    const port = await server.listen();
    server.reset(helloOnly(loadStreams()));
    forgetEncoders();
    session = await attach({
      uri: `ssl://127.0.0.1:${port}/`,
      tls: { verifyMode: 'required', caCertFile: certificates.caFile },
      encodings: FRAMEBUFFER_ENCODINGS,
      desktopSize: [1280, 800],
      timeoutMs: 5000,
    });
    const names = [
      'window-new',
      'window-metadata',
      'window-move-resize',
      'window-lost',
      'window-raise',
      'draw',
      'cursor',
      'bell',
      'clipboard',
      'disconnected',
    ] as const;
    for (const name of names) {
      session.on(name, (value: unknown) => events.push([name, value]));
    }
    await eventually(() =>
      server.packets.some(
        (packet) => packet[0] === 'keymap-changed' || packet[0] === 'keyboard-config',
      ),
    );
  });

  after(async () => {
    session.disconnect();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const eventsNamed = (name: string): unknown[] =>
    events.filter(([event]) => event === name).map(([, value]) => value);
  const sent = (name: string): Packet[] => server.packets.filter((packet) => packet[0] === name);

  test('keymap follows the hello', () => {
    const keymap = sent('keyboard-config')[0] ?? sent('keymap-changed')[0];
    assert.ok(keymap, 'a keymap packet was sent');
    const props = asDict(keymap[1]);
    assert.equal(props.force, true);
    assert.ok(asList(asDict(props.keymap).keycodes).length > 40);
  });

  test('new window carries metadata', async () => {
    const constraints = { 'minimum-size': [20, 10], increment: [2, 3] };
    server.send([
      'new-window',
      10,
      5,
      6,
      40,
      30,
      { title: 'scripted', 'size-constraints': constraints },
      {},
    ]);
    await eventually(() => eventsNamed('window-new').length > 0);
    const window = eventsNamed('window-new')[0] as {
      wid: number;
      title: string;
      x: number;
      sizeConstraints: object;
      overrideRedirect: boolean;
    };
    assert.equal(window.wid, 10);
    assert.equal(window.title, 'scripted');
    assert.equal(window.x, 5);
    assert.equal(window.overrideRedirect, false);
    assert.deepEqual(window.sizeConstraints, {
      minWidth: 20,
      minHeight: 10,
      widthIncrement: 2,
      heightIncrement: 3,
    });
  });

  test('popup is transient and moves', async () => {
    server.send(['new-override-redirect', 11, 50, 60, 10, 10, { 'transient-for': 10 }, {}]);
    server.send(['configure-override-redirect', 11, 70, 80, 12, 14]);
    await eventually(() => eventsNamed('window-move-resize').length > 0);
    const popup = eventsNamed('window-new')[1] as {
      overrideRedirect: boolean;
      transientFor?: number;
    };
    assert.equal(popup.overrideRedirect, true);
    assert.equal(popup.transientFor, 10);
    assert.deepEqual(eventsNamed('window-move-resize')[0], {
      wid: 11,
      x: 70,
      y: 80,
      width: 12,
      height: 14,
    });
  });

  test('metadata and raise update window', async () => {
    server.send(['window-metadata', 10, { title: 'renamed', modal: true }]);
    server.send(['raise-window', 10]);
    await eventually(() => eventsNamed('window-raise').length > 0);
    assert.deepEqual(eventsNamed('window-metadata')[0], { wid: 10, title: 'renamed', modal: true });
    assert.deepEqual(eventsNamed('window-raise'), [10]);
    assert.equal(session.windows.get(10)?.title, 'renamed');
  });

  test('draw for unknown window is nacked', async () => {
    server.send(['draw', 99, 0, 0, 1, 1, 'png', tinyPng(), 7, 0, {}]);
    await eventually(() => sent('damage-sequence').length > 0);
    const ack = sent('damage-sequence')[0];
    assert.deepEqual(ack.slice(1, 6), [7, 99, 1, 1, -1]);
    assert.equal(eventsNamed('draw').length, 0, 'no draw event for an unknown window');
  });

  test('rgb and scroll paint in order', async () => {
    const framebuffer = new Framebuffer();
    framebuffer.addWindow({
      ...(session.windows.get(10) as WindowDescription),
      width: 2,
      height: 3,
    });
    session.on('draw', (draw) => framebuffer.apply(draw));
    // Rows 0, 1, 2 of a 2x3 window in red, green, blue (RGBX, the X byte deliberately 0).
    const rows = [
      [255, 0, 0, 0],
      [0, 255, 0, 0],
      [0, 0, 255, 0],
    ].flatMap((pixel) => [...pixel, ...pixel]);
    server.send([
      'draw',
      10,
      0,
      0,
      2,
      3,
      'rgb32',
      new Uint8Array(rows),
      1,
      8,
      { rgb_format: 'RGBX' },
    ]);
    // Both copies read row 0 as it was before this packet.
    const scrolls = [
      [0, 0, 2, 1, 0, 1],
      [0, 0, 2, 1, 0, 2],
    ];
    server.send(['draw', 10, 0, 0, 2, 3, 'scroll', new Uint8Array(0), 2, 0, { scroll: scrolls }]);
    await eventually(() => eventsNamed('draw').length >= 2);
    const pixels = framebuffer.images.get(10)?.pixels as Uint8Array;
    const red = [255, 0, 0, 255, 255, 0, 0, 255];
    assert.deepEqual([...pixels.subarray(0, 8)], red, 'row 0 stays red');
    assert.deepEqual([...pixels.subarray(8, 16)], red, 'row 1 is copied from row 0');
    assert.deepEqual([...pixels.subarray(16, 24)], red, 'row 2 is copied from row 0');
  });

  test('zlib and lz4 rgb24 decode', async () => {
    const framebuffer = new Framebuffer();
    framebuffer.addWindow({
      ...(session.windows.get(10) as WindowDescription),
      width: 2,
      height: 1,
    });
    const decoded: number[][] = [];
    session.on('draw', (draw) => {
      if (draw.coding !== 'rgb24') return;
      framebuffer.apply(draw);
      decoded.push([...(framebuffer.images.get(10)?.pixels ?? [])]);
    });
    // Two pixels, RGB, with a padded rowstride of 8 bytes.
    const row = new Uint8Array([10, 20, 30, 40, 50, 60, 0, 0]);
    server.send([
      'draw',
      10,
      0,
      0,
      2,
      1,
      'rgb24',
      new Uint8Array(deflateSync(row)),
      3,
      8,
      { zlib: 1 },
    ]);
    server.send(['draw', 10, 0, 0, 2, 1, 'rgb24', compressLz4(row), 4, 8, { lz4: 1 }]);
    await eventually(() => decoded.length >= 2);
    const expected = [10, 20, 30, 255, 40, 50, 60, 255];
    assert.deepEqual(decoded[0], expected, 'zlib');
    assert.deepEqual(decoded[1], expected, 'lz4');
  });

  test('ping is echoed', async () => {
    server.send(['ping', 123456, 789]);
    await eventually(() => sent('ping_echo').length > 0);
    assert.equal(sent('ping_echo')[0][1], 123456);
  });

  test('clipboard token becomes text', async () => {
    const text = new TextEncoder().encode('hello clipboard');
    server.send([
      'clipboard-token',
      'CLIPBOARD',
      ['UTF8_STRING'],
      'UTF8_STRING',
      'UTF8_STRING',
      8,
      'bytes',
      text,
      true,
      true,
    ]);
    await eventually(() => eventsNamed('clipboard').length > 0);
    assert.deepEqual(eventsNamed('clipboard'), ['hello clipboard']);
  });

  test('local clipboard is offered', async () => {
    session.setClipboard('from the client');
    await eventually(() => sent('clipboard-token').length > 0);
    const token = sent('clipboard-token')[0];
    assert.equal(token[1], 'CLIPBOARD');
    assert.equal(new TextDecoder().decode(token[7] as Uint8Array), 'from the client');
    server.send(['clipboard-request', 4, 'CLIPBOARD', 'UTF8_STRING']);
    await eventually(() => sent('clipboard-contents').length > 0);
    const contents = sent('clipboard-contents')[0];
    assert.equal(contents[1], 4);
    assert.equal(new TextDecoder().decode(contents[6] as Uint8Array), 'from the client');
  });

  test('input goes out in root coordinates', async () => {
    session.pointerPosition(10, 3, 4);
    session.key(10, 'a', true, 97, 38, 'a', ['control']);
    await eventually(() => sent('key-action').length > 0);
    const pointer = sent('pointer-position')[0];
    assert.deepEqual(pointer[2], [8, 10], 'window origin (5, 6) plus (3, 4)');
    const key = sent('key-action')[0];
    assert.deepEqual(key.slice(1), [10, 'a', true, ['control'], 97, 'a', 38, 0]);
  });

  test('bell, cursor and lost window', async () => {
    server.send(['bell', 10, 0, 50, 400, 100, 0, 0, 'TerminalBell']);
    server.send(['cursor', 'png', 0, 0, 1, 1, 0, 0, 1, tinyPng(), '', 53, 128, 128]);
    server.send(['lost-window', 11]);
    await eventually(() => eventsNamed('window-lost').length > 0);
    assert.deepEqual(eventsNamed('bell'), [10]);
    assert.equal((eventsNamed('cursor')[0] as { width: number }).width, 1);
    assert.deepEqual(eventsNamed('window-lost'), [11]);
    assert.ok(!session.windows.has(11));
  });

  test('malformed packet is survived', async () => {
    server.send(['new-window', 'not a number']);
    server.send(['raise-window', 10]);
    await eventually(() => eventsNamed('window-raise').length > 1);
    assert.equal(eventsNamed('window-raise').length, 2);
    assert.ok(session.isConnected);
  });

  test('server disconnect is a sentence', async () => {
    server.send(['disconnect', 'server shutdown']);
    await eventually(() => eventsNamed('disconnected').length > 0);
    assert.deepEqual(eventsNamed('disconnected'), ['the server shut down']);
  });
});

describe('hostile servers', () => {
  let certificates: TestCertificates;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hostile-'));
    certificates = await makeTestCertificates(dir);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Serves one TLS connection that answers the first bytes with `reply`, or stays silent. */
  async function serve(
    reply: Buffer | undefined,
    run: (uri: string) => Promise<void>,
  ): Promise<void> {
    const sockets: tls.TLSSocket[] = [];
    const server = tls.createServer(
      { cert: readFileSync(certificates.serverCert), key: readFileSync(certificates.serverKey) },
      (socket) => {
        sockets.push(socket);
        socket.on('error', () => undefined);
        socket.once('data', () => {
          if (reply) socket.end(reply);
        });
      },
    );
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
    try {
      forgetEncoders();
      await run(`ssl://127.0.0.1:${port}/`);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  }

  const options = (uri: string, timeoutMs = 5000) => ({
    uri,
    tls: { verifyMode: 'required' as const, caCertFile: certificates.caFile },
    encodings: FRAMEBUFFER_ENCODINGS,
    desktopSize: [1280, 800] as [number, number],
    timeoutMs,
  });

  test('silent server times out', async () => {
    await serve(undefined, async (uri) => {
      await assert.rejects(
        attach(options(uri, 1000)),
        /timed out after 1 s waiting for the server hello/,
      );
    });
  });

  test('HTTP reply is reported', async () => {
    await serve(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), async (uri) => {
      await assert.rejects(
        attach(options(uri)),
        /rejected the connection: HTTP\/1\.1 400 Bad Request/,
      );
    });
  });

  test('oversized frame is rejected', async () => {
    const header = Buffer.from([0x50, 0x10, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    await serve(header, async (uri) => {
      await assert.rejects(attach(options(uri)), /maximum packet size/);
    });
  });
});

describe('IPv6 loopback', () => {
  test('attach to [::1] paints', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ipv6-'));
    const certificates = await makeTestCertificates(dir);
    const server = new ReplayServer(certificates);
    const stream = loadStreams().find((candidate) => candidate.name === 'bc1-rencodeplus-lz4');
    server.reset(stream as Stream);
    const port = await server.listen('::1');
    forgetEncoders();
    try {
      // The test certificate names localhost and 127.0.0.1, so the name to check is given.
      const tls = {
        verifyMode: 'required' as const,
        caCertFile: certificates.caFile,
        serverHostname: 'localhost',
      };
      const session = await attach({
        uri: `ssl://[::1]:${port}/`,
        tls,
        encodings: [...FRAMEBUFFER_ENCODINGS, 'webp'],
        desktopSize: [1280, 800],
        timeoutMs: 5000,
      });
      try {
        const { framebuffer, wid } = await paintFirstFrame(session);
        assert.ok(framebuffer.painted.has(wid));
      } finally {
        session.disconnect();
      }
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
