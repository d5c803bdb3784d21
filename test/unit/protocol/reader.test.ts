import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  compressPayload,
  encodePacket,
  encodeValue,
  MAX_PENDING_CHUNKS,
  PacketReader,
  PacketReaderError,
  ProtocolError,
  writeHeader,
  type Encoder,
  type Packet,
  type ReaderEvent,
  type Value,
} from '../../../src/protocol';
import { ascii, fromHex } from './helpers';

const PING_FRAMES: Record<Encoder, string> = {
  bencode: '5000000000000013' + '6c343a70696e67693132333435363738396565',
  rencode: '500100000000000b' + 'c28470696e6740075bcd15',
  rencodeplus: '501800000000000b' + 'c28470696e6740075bcd15',
};

/** Builds a frame with any header fields, for cases encodePacket never writes. */
function frame(flags: number, chunkIndex: number, payload: Uint8Array, levelByte = 0): Uint8Array {
  const header = writeHeader({ flags, levelByte, chunkIndex, payloadSize: payload.length });
  return Buffer.concat([header, payload]);
}

function packetsOf(events: ReaderEvent[]): Packet[] {
  return events.map((event) => {
    assert.equal(event.kind, 'packet');
    return (event as { packet: Packet }).packet;
  });
}

function pushOneByteAtATime(reader: PacketReader, bytes: Uint8Array): ReaderEvent[] {
  const events: ReaderEvent[] = [];
  for (let i = 0; i < bytes.length; i++) {
    events.push(...reader.push(bytes.subarray(i, i + 1)));
  }
  return events;
}

function assertRejects(run: () => unknown, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}

describe('PacketReader frames', () => {
  for (const [encoder, frameHex] of Object.entries(PING_FRAMES) as [Encoder, string][]) {
    it(`decodes the ${encoder} ping frame`, () => {
      const events = new PacketReader().push(fromHex(frameHex));
      assert.deepEqual(events, [{ kind: 'packet', packet: ['ping', 123456789], encoder }]);
    });
  }

  it('decodes frames delivered one byte at a time', () => {
    const stream = fromHex(PING_FRAMES.bencode + PING_FRAMES.rencode + PING_FRAMES.rencodeplus);
    const events = pushOneByteAtATime(new PacketReader(), stream);
    assert.deepEqual(events.map((event) => event.kind === 'packet' && event.encoder), ['bencode', 'rencode', 'rencodeplus']);
    assert.deepEqual(packetsOf(events), [['ping', 123456789], ['ping', 123456789], ['ping', 123456789]]);
  });

  it('decodes frames split at every offset', () => {
    const stream = fromHex(PING_FRAMES.rencodeplus + PING_FRAMES.bencode);
    for (let split = 1; split < stream.length; split++) {
      const reader = new PacketReader();
      const events = [...reader.push(stream.subarray(0, split)), ...reader.push(stream.subarray(split))];
      assert.equal(events.length, 2, `split at ${split}`);
    }
  });

  it('decodes compressed frames', () => {
    const packet: Packet = ['hello', { version: '6.5', padding: 'x'.repeat(500) }];
    for (const compressor of ['lz4', 'zlib', 'brotli'] as const) {
      const bytes = encodePacket(packet, { encoder: 'rencodeplus', compressor });
      assert.deepEqual(packetsOf(new PacketReader().push(bytes)), [packet], compressor);
    }
  });

  it('copies payloads out of the pushed buffer', () => {
    const frameBytes = encodePacket(['clipboard', new Uint8Array([1, 2, 3])], { encoder: 'rencodeplus' });
    for (const bytes of [frameBytes, Buffer.from(frameBytes)]) {
      const [packet] = packetsOf(new PacketReader().push(bytes));
      bytes.fill(0);
      assert.deepEqual(packet[1], new Uint8Array([1, 2, 3]), bytes.constructor.name);
    }
  });

  it('returns the packet type as text under bencode and rencode', () => {
    for (const encoder of ['bencode', 'rencode'] as const) {
      const [packet] = packetsOf(new PacketReader().push(encodePacket(['startup-complete'], { encoder })));
      assert.equal(packet[0], 'startup-complete', encoder);
    }
  });

  it('normalises new packet names', () => {
    const bytes = Buffer.concat([
      encodePacket(['window-draw', 1], { encoder: 'rencodeplus' }),
      encodePacket(['connection-close', 'bye'], { encoder: 'rencodeplus' }),
      encodePacket(['ping-echo', 1], { encoder: 'bencode' }),
    ]);
    assert.deepEqual(packetsOf(new PacketReader().push(bytes)).map((packet) => packet[0]), ['draw', 'disconnect', 'ping_echo']);
  });

  it('accepts a framed rencode disconnect after bencode packets', () => {
    const bytes = Buffer.concat([
      encodePacket(['hello', {}], { encoder: 'bencode' }),
      encodePacket(['disconnect', 'invalid protocol for this port'], { encoder: 'rencode' }),
    ]);
    const events = new PacketReader().push(bytes);
    assert.deepEqual(events.map((event) => event.kind === 'packet' && event.encoder), ['bencode', 'rencode']);
  });

  it('logs packets by type and size', () => {
    const lines: string[] = [];
    const logger = {
      trace: (category: string, message: string) => lines.push(`${category} ${message}`),
      debug: () => {},
    };
    new PacketReader({ logger }).push(fromHex(PING_FRAMES.rencodeplus));
    assert.deepEqual(lines, ['packet received ping (rencodeplus, none, 11 bytes)']);
  });
});

describe('PacketReader text lines', () => {
  it('returns a 3.1 error line as text', () => {
    const events = new PacketReader().push(ascii('disconnect: failed to parse bencode packet\n'));
    assert.deepEqual(events, [{ kind: 'text', text: 'disconnect: failed to parse bencode packet' }]);
  });

  it('returns a text line delivered one byte at a time', () => {
    const line = "disconnect invalid packet encoding: 'rencode' decoder is not available\r\n";
    const events = pushOneByteAtATime(new PacketReader(), ascii(line));
    assert.deepEqual(events, [{ kind: 'text', text: "disconnect invalid packet encoding: 'rencode' decoder is not available" }]);
  });

  it('returns text without a newline at the end of the stream', () => {
    const reader = new PacketReader();
    assert.deepEqual(reader.push(ascii('disconnect: login timeout')), []);
    assert.deepEqual(reader.end(), [{ kind: 'text', text: 'disconnect: login timeout' }]);
  });

  it('rejects an endless text line', () => {
    const reader = new PacketReader();
    assertRejects(() => reader.push(ascii('x'.repeat(5000))), /over 4096 bytes of text without a newline/);
  });

  it('rejects non-P bytes after a packet', () => {
    const reader = new PacketReader();
    reader.push(fromHex(PING_FRAMES.rencodeplus));
    assertRejects(() => reader.push(ascii('garbage\n')), /first byte is 0x67, expected 0x50/);
  });
});

describe('PacketReader chunks', () => {
  const webp = new Uint8Array([0x52, 0x49, 0x46, 0x46, 1, 2, 3]);
  const draw: Packet = ['draw', 1, 0, 0, 4, 4, 'webp', new Uint8Array(0), 34, 0, {}];

  function mainFrame(packet: Packet = draw): Uint8Array {
    return encodePacket(packet, { encoder: 'rencodeplus' });
  }

  it('puts a chunk into its slot of the next main packet', () => {
    const bytes = Buffer.concat([frame(0, 7, webp), mainFrame()]);
    const [packet] = packetsOf(new PacketReader().push(bytes));
    assert.deepEqual(packet[7], webp);
    assert.equal(packet[6], 'webp');
  });

  it('fills chunks only once', () => {
    const reader = new PacketReader();
    const [first, second] = packetsOf(reader.push(Buffer.concat([frame(0, 7, webp), mainFrame(), mainFrame()])));
    assert.deepEqual(first[7], webp);
    assert.deepEqual(second[7], new Uint8Array(0));
  });

  it('decompresses a compressed chunk before filling it', () => {
    const clipboard = ascii('clipboard text '.repeat(100));
    const { payload, levelByte } = compressPayload('lz4', clipboard);
    const packet: Packet = ['clipboard-contents', 1, 'CLIPBOARD', 'UTF8_STRING', 8, 'bytes', new Uint8Array(0)];
    const [decoded] = packetsOf(new PacketReader().push(Buffer.concat([frame(0, 6, payload, levelByte), mainFrame(packet)])));
    assert.deepEqual(decoded[6], clipboard);
  });

  it('accepts three pending chunks', () => {
    const packet: Packet = ['x', 0, 0, 0, 0];
    const bytes = Buffer.concat([frame(0, 1, webp), frame(0, 2, webp), frame(0, 3, webp), mainFrame(packet)]);
    const [decoded] = packetsOf(new PacketReader().push(bytes));
    assert.deepEqual(decoded.slice(1, 4), [webp, webp, webp]);
  });

  it(`rejects chunk ${MAX_PENDING_CHUNKS + 1} while the others wait`, () => {
    const bytes = Buffer.concat([frame(0, 1, webp), frame(0, 2, webp), frame(0, 3, webp), frame(0, 4, webp)]);
    assertRejects(() => new PacketReader().push(bytes), /too many chunks waiting for their packet: the maximum is 3/);
  });

  it('rejects a chunk index above the maximum', () => {
    assertRejects(() => new PacketReader().push(frame(0, 16, webp)), /invalid chunk index 16: the maximum is 15/);
  });

  it('rejects a duplicate chunk index', () => {
    assertRejects(() => new PacketReader().push(Buffer.concat([frame(0, 7, webp), frame(0, 7, webp)])), /duplicate chunk for index 7/);
  });

  it('rejects a chunk index past the end of its packet', () => {
    const bytes = Buffer.concat([frame(0, 9, webp), mainFrame(['ping', 1])]);
    assertRejects(() => new PacketReader().push(bytes), /chunk index 9 is out of range for the ping packet of 2 items/);
  });
});

describe('PacketReader limits and malformed frames', () => {
  it('rejects a 300 MiB header before any payload arrives', () => {
    const header = writeHeader({ flags: 0x10, levelByte: 0, chunkIndex: 0, payloadSize: 300 * 1024 * 1024 });
    const reader = new PacketReader();
    assertRejects(() => reader.push(header), /announces 314572800 bytes, above the maximum packet size of 268435456 bytes/);
  });

  it('honours a lower packet size limit', () => {
    const reader = new PacketReader({ maxPacketSize: 10 });
    assertRejects(() => reader.push(fromHex(PING_FRAMES.bencode)), /announces 19 bytes, above the maximum packet size of 10/);
  });

  it('rejects an lz4 prefix over the decompressed bound', () => {
    const payload = fromHex('00000020 00'); // announces 512 MiB
    assertRejects(() => new PacketReader().push(frame(0x10, 0, payload, 0x11)), /size prefix of 536870912 bytes exceeds the maximum/);
  });

  it('rejects the cipher flag', () => {
    assertRejects(() => new PacketReader().push(frame(0x02, 0, ascii('x'))), /cipher flag 0x02.*use TLS/);
  });

  it('rejects yaml', () => {
    assertRejects(() => new PacketReader().push(frame(0x04, 0, ascii('- ping\n'))), /yaml is not supported/);
  });

  it('masks the flush bit', () => {
    const payload = encodeValue(['ping', 1], 'rencode');
    const [event] = new PacketReader().push(frame(0x09, 0, payload));
    assert.deepEqual(event, { kind: 'packet', packet: ['ping', 1], encoder: 'rencode' });
  });

  it('reads flag 0x11 as rencodeplus', () => {
    const payload = encodeValue(['ping', new Uint8Array([1])], 'rencodeplus');
    const [event] = new PacketReader().push(frame(0x11, 0, payload));
    assert.equal(event.kind === 'packet' && event.encoder, 'rencodeplus');
  });

  it('rejects truncated rencode payloads', () => {
    const payload = encodeValue(['ping', 123456789], 'rencode').subarray(0, 8);
    assertRejects(() => new PacketReader().push(frame(0x01, 0, payload)), /invalid rencode: 4 bytes needed, 1 left, at offset 7/);
  });

  it('rejects a payload that is not a list', () => {
    assertRejects(() => new PacketReader().push(frame(0x10, 0, encodeValue({ a: 1 }, 'rencodeplus'))), /expected a list that starts with the packet type, got object/);
    assertRejects(() => new PacketReader().push(frame(0x10, 0, encodeValue([], 'rencodeplus'))), /got an empty list/);
  });

  it('rejects an integer packet type', () => {
    assertRejects(() => new PacketReader().push(frame(0x10, 0, encodeValue([5, 1] as Value, 'rencodeplus'))), /packet aliases are not supported/);
  });

  it('rejects an empty main payload', () => {
    assertRejects(() => new PacketReader().push(frame(0x10, 0, new Uint8Array(0))), /truncated at offset 0/);
  });

  it('returns the events decoded before an error', () => {
    const bytes = Buffer.concat([encodePacket(['disconnect', 'bye'], { encoder: 'rencodeplus' }), frame(0x02, 0, ascii('x'))]);
    const reader = new PacketReader();
    assert.throws(() => reader.push(bytes), (error: unknown) => {
      assert.ok(error instanceof PacketReaderError);
      assert.deepEqual(packetsOf(error.events), [['disconnect', 'bye']]);
      return true;
    });
  });

  it('stays stopped after an error', () => {
    const reader = new PacketReader();
    assert.throws(() => reader.push(frame(0x02, 0, ascii('x'))));
    assertRejects(() => reader.push(fromHex(PING_FRAMES.rencodeplus)), /stopped after an earlier error/);
  });

  it('reports a stream that ends inside a frame', () => {
    const reader = new PacketReader();
    reader.push(fromHex(PING_FRAMES.rencodeplus).subarray(0, 12));
    assertRejects(() => reader.end(), /connection closed inside a packet: 4 of 11 payload bytes received/);
    const headerOnly = new PacketReader();
    headerOnly.push(fromHex('5010'));
    assertRejects(() => headerOnly.end(), /inside a packet header: 2 of 8 bytes/);
  });

  it('ends cleanly between frames', () => {
    const reader = new PacketReader();
    reader.push(fromHex(PING_FRAMES.rencodeplus));
    assert.deepEqual(reader.end(), []);
  });
});
