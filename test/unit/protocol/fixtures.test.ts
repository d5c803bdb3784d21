/**
 * The recorded xpra 6.5.3 streams (decrypted TLS payloads) decoded with the
 * real PacketReader and checked against the per-frame index that came with them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  asDict,
  normalizeIncomingName,
  PacketReader,
  type Packet,
  type ReaderEvent,
  type Value,
} from '../../../src/protocol';
import { fixturesRoot } from './helpers';

interface IndexedFrame {
  kind?: 'chunk';
  chunk_index?: number;
  payload_size?: number;
  packet_type?: string;
  chunks_merged?: number[];
  error?: string;
}

interface FrameIndex {
  meta: { frames: number; hello_encoding: string };
  frames: IndexedFrame[];
}

const TEXT_STREAMS: Record<string, string> = {
  'bc1-rencode-legacy-hello': "disconnect invalid packet encoding: 'rencode' decoder is not available",
  'no-hello-timeout': 'disconnect login timeout',
};

const skip = existsSync(fixturesRoot) ? false : `fixtures not found at ${fixturesRoot}`;

function captureFolders(): string[] {
  if (!existsSync(fixturesRoot)) {
    return [];
  }
  return readdirSync(fixturesRoot)
    .filter((name) => existsSync(path.join(fixturesRoot, name, 'frames-index.json')))
    .sort();
}

function readCapture(folder: string, file: string): Buffer {
  return readFileSync(path.join(fixturesRoot, folder, file));
}

function readIndex(folder: string): FrameIndex {
  return JSON.parse(readCapture(folder, 'frames-index.json').toString('utf8')) as FrameIndex;
}

/** Decodes a stream in pieces of `pieceSize` bytes and checks that it ends between frames. */
function decodeStream(bytes: Uint8Array, pieceSize: number): ReaderEvent[] {
  const reader = new PacketReader();
  const events: ReaderEvent[] = [];
  for (let offset = 0; offset < bytes.length; offset += pieceSize) {
    events.push(...reader.push(bytes.subarray(offset, offset + pieceSize)));
  }
  events.push(...reader.end());
  return events;
}

function packetsOf(events: ReaderEvent[]): Packet[] {
  return events.map((event) => {
    assert.equal(event.kind, 'packet', `unexpected ${event.kind} event`);
    return (event as { packet: Packet }).packet;
  });
}

/** Turns decoded bytes into text so a bencode or rencode hello compares with its JSON form. */
function bytesToText(value: Value): unknown {
  if (value instanceof Uint8Array) {
    return Buffer.from(value).toString('utf8');
  }
  if (Array.isArray(value)) {
    return value.map(bytesToText);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, bytesToText(item)]));
  }
  return value;
}

describe('xpra 6.5.3 captures', { skip }, () => {
  const folders = captureFolders().filter((folder) => !(folder in TEXT_STREAMS));

  it('finds the recorded streams', () => {
    assert.ok(folders.length >= 12, `found ${folders.length} capture folders`);
  });

  for (const folder of folders) {
    describe(folder, () => {
      const index = readIndex(folder);
      const stream = readCapture(folder, 'frames-received.bin');
      const mainFrames = index.frames.filter((frame) => frame.kind !== 'chunk');

      it('has as many frames as the index', () => {
        assert.equal(index.frames.length, index.meta.frames);
      });

      for (const pieceSize of [stream.length, 4096, 1]) {
        it(`decodes every frame in pieces of ${pieceSize === stream.length ? 'the whole stream' : pieceSize}`, () => {
          const packets = packetsOf(decodeStream(stream, pieceSize));
          const expectedTypes = mainFrames.map((frame) => normalizeIncomingName(frame.packet_type ?? ''));
          assert.deepEqual(packets.map((packet) => packet[0]), expectedTypes);
        });
      }

      it('fills every chunk into its packet', () => {
        const packets = packetsOf(decodeStream(stream, stream.length));
        index.frames.forEach((frame, position) => {
          if (frame.kind !== 'chunk') {
            return;
          }
          const owner = index.frames.slice(position + 1).find((later) => later.kind !== 'chunk');
          assert.ok(owner !== undefined, 'a main packet follows the chunk');
          assert.ok(owner.chunks_merged?.includes(frame.chunk_index ?? -1), 'the index names the chunk slot');
          const packet = packets[mainFrames.indexOf(owner)];
          const slot = packet[frame.chunk_index ?? -1];
          assert.ok(slot instanceof Uint8Array, 'the chunk slot holds bytes');
          assert.equal(slot.length, frame.payload_size);
        });
      });

      it('decodes the hello we sent', () => {
        const sent = JSON.parse(readCapture(folder, 'hello-sent.json').toString('utf8')) as unknown;
        const [hello] = packetsOf(decodeStream(readCapture(folder, 'hello-sent.bin'), 64));
        assert.equal(hello[0], 'hello');
        assert.deepEqual(bytesToText(hello[1]), sent);
      });

      const serverHelloPath = path.join(fixturesRoot, folder, 'server-hello.json');
      if (existsSync(serverHelloPath)) {
        it('decodes the server hello keys', () => {
          const expected = JSON.parse(readFileSync(serverHelloPath, 'utf8')) as Record<string, unknown>;
          const [hello] = packetsOf(decodeStream(stream, stream.length));
          assert.equal(hello[0], 'hello');
          assert.deepEqual(Object.keys(asDict(hello[1], 'hello caps')).sort(), Object.keys(expected).sort());
        });
      }
    });
  }

  it('normalises new names in captures', () => {
    const stream = readCapture('bc0-ticker-50frames-newnames', 'frames-received.bin');
    const types = new Set(packetsOf(decodeStream(stream, 1000)).map((packet) => packet[0]));
    assert.deepEqual([...types].sort(), ['draw', 'encodings', 'hello', 'new-window', 'startup-complete', 'window-icon']);
  });

  it('decodes the hello of the rencode capture as bytes', () => {
    const [hello] = packetsOf(decodeStream(readCapture('bc1-rencode-legacy-hello', 'hello-sent.bin'), 7));
    const caps = asDict(hello[1], 'hello caps');
    assert.deepEqual(caps.version, new Uint8Array(Buffer.from('6.5.3')));
  });

  for (const [folder, text] of Object.entries(TEXT_STREAMS)) {
    it(`returns the ${folder} stream as text`, () => {
      const stream = readCapture(folder, 'frames-received.bin');
      assert.deepEqual(decodeStream(stream, stream.length), [{ kind: 'text', text }]);
      assert.deepEqual(decodeStream(stream, 1), [{ kind: 'text', text }]);
    });
  }

  it('returns the reply to the Debian 3.1.3 client as text', () => {
    const output = readCapture('debian-313-client', 'xpra-version-default.txt').toString('utf8');
    const line = output.split('\n').find((candidate) => candidate.startsWith('disconnect'));
    assert.equal(line, 'disconnect invalid compression: zlib is not available');
    assert.deepEqual(decodeStream(Buffer.from(`${line}\n`), 3), [{ kind: 'text', text: line }]);
  });

  it('decodes 1000 frames of the ticker stream', () => {
    const ticker = readCapture('bc1-ticker-50frames', 'frames-received.bin');
    const index = readIndex('bc1-ticker-50frames');
    const repeats = 1000 / index.frames.length;
    const packets = packetsOf(decodeStream(Buffer.concat(Array.from({ length: repeats }, () => ticker)), 16384));
    const perStream = index.frames.filter((frame) => frame.kind !== 'chunk').length;
    assert.equal(packets.length, perStream * repeats);
    const draws = packets.filter((packet) => packet[0] === 'draw');
    assert.equal(draws.length, 42 * repeats);
    const chunked = draws.filter((packet) => packet[7] instanceof Uint8Array && packet[7].length === 66962);
    assert.equal(chunked.length, repeats);
    const sequences = draws.slice(0, 42).map((packet) => packet[8]);
    assert.deepEqual(sequences, Array.from({ length: 42 }, (_, i) => i + 1));
  });
});
