/**
 * Streams recorded from a real xpra 3.1.3 server (see fixtures/xpra-3.1.3/README.md):
 * the hellos this layer encoded were accepted, and its reader decodes the replies.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  asDict,
  asText,
  encodePacket,
  PacketReader,
  type Compressor,
  type Encoder,
  type Packet,
  type ReaderEvent,
} from '../../../src/protocol';

const FIXTURES = path.join(__dirname, 'fixtures', 'xpra-3.1.3');

function readFixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

function decodeAll(bytes: Uint8Array, pieceSize: number): ReaderEvent[] {
  const reader = new PacketReader();
  const events: ReaderEvent[] = [];
  for (let offset = 0; offset < bytes.length; offset += pieceSize) {
    events.push(...reader.push(bytes.subarray(offset, offset + pieceSize)));
  }
  events.push(...reader.end());
  return events;
}

/** Returns the caps of the recorded hellos, so the test can encode them again. */
function probeCaps(rencode: boolean) {
  return {
    version: '3.1.3',
    uuid: '0123456789abcdef',
    client_type: 'h1-probe',
    windows: true,
    rencode,
    bencode: true,
    lz4: true,
    zlib: true,
    compression_level: 1,
    compressors: ['lz4', 'zlib'],
    encodings: ['png', 'rgb24', 'rgb32'],
    'encoding.core': ['png', 'rgb24', 'rgb32'],
    desktop_size: [800, 600],
    keyboard: false,
    notifications: false,
    clipboard: false,
  };
}

const SESSIONS: [string, Encoder, Compressor, boolean][] = [
  ['rencode-lz4', 'rencode', 'lz4', true],
  ['bencode-zlib', 'bencode', 'zlib', false],
];

describe('xpra 3.1.3 captures', () => {
  for (const [name, encoder, compressor, rencodeCap] of SESSIONS) {
    describe(name, () => {
      const received = readFixture(`${name}-received.bin`);

      it('encodes the accepted hello identically', () => {
        const hello = encodePacket(['hello', probeCaps(rencodeCap)], { encoder, compressor });
        assert.deepEqual(Buffer.from(hello), readFixture(`${name}-hello-sent.bin`));
      });

      it('receives an lz4-compressed hello', () => {
        assert.equal(received[0], 0x50);
        assert.equal(received[2], 0x11);
      });

      for (const pieceSize of [received.length, 1]) {
        it(`decodes the reply in pieces of ${pieceSize}`, () => {
          const events = decodeAll(received, pieceSize);
          const packets = events.map((event) => (event as { packet: Packet }).packet);
          assert.deepEqual(
            events.map((event) => event.kind === 'packet' && event.encoder),
            [encoder, encoder, encoder, encoder],
          );
          assert.deepEqual(
            packets.map((packet) => packet[0]),
            ['hello', 'new-window', 'new-window', 'startup-complete'],
          );
        });
      }

      it('decodes the server hello caps as bytes', () => {
        const [event] = decodeAll(received, received.length);
        const packet = (event as { packet: Packet }).packet;
        const caps = asDict(packet[1], 'hello caps');
        assert.ok(caps.version instanceof Uint8Array);
        assert.equal(asText(caps.version), '3.1.3');
        assert.equal(Object.keys(caps).length, 197);
        const encoders = (caps.encoders as Uint8Array[]).map((item) => asText(item));
        assert.deepEqual(encoders, ['rencode', 'bencode', 'yaml']);
      });
    });
  }

  it('returns the rencodeplus rejection as text', () => {
    const received = readFixture('rencodeplus-rejected-received.bin');
    const expected = [{ kind: 'text', text: 'disconnect: failed to parse bencode packet' }];
    assert.deepEqual(decodeAll(received, received.length), expected);
    assert.deepEqual(decodeAll(received, 1), expected);
  });
});
