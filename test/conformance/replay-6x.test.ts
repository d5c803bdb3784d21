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
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import {
  FLAG_RENCODEPLUS,
  HEADER_SIZE,
  asDict,
  asList,
  asText,
  decodeValue,
  encoderFromFlags,
  parseHeader,
} from '../../src/protocol';
import type { Dict, Packet, Value } from '../../src/protocol';
import { attach, forgetEncoders, type XpraSession } from '../../src/client';
import { FRAMEBUFFER_ENCODINGS, Framebuffer } from '../../src/client/framebuffer';
import { makeTestCertificates, type TestCertificates } from '../support/xpra';

const root = path.resolve(__dirname, '..', '..');
const fixtures = path.resolve(root, '..', 'shared', 'fixtures', 'xpra-6.5.3');
const PAINT_TIMEOUT_MS = 10_000;

interface Stream {
  name: string;
  frames: Buffer;
  /** Whether the recorded server sent at least one draw. */
  painted: boolean;
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

  constructor(certificates: TestCertificates) {
    this.server = tls.createServer(
      { cert: readFileSync(certificates.serverCert), key: readFileSync(certificates.serverKey) },
      (socket) => this.onConnection(socket),
    );
  }

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () =>
        resolve((this.server.address() as { port: number }).port),
      );
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

  private replay(socket: tls.TLSSocket): void {
    const stream = this.stream as Stream;
    socket.write(stream.frames);
    if (!stream.painted && !stream.name.startsWith('bc0-server-legacy')) {
      // The recorded server closed after its refusal.
      socket.end();
    }
  }
}

/**
 * Splits the client's byte stream into packets with their names exactly as sent; the
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

/** Polls `condition` every 20 ms for up to 2 s; resolves with its last result. */
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
