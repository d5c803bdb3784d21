import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodePacket, PacketReader, ProtocolError, type Packet } from '../../../src/protocol';
import { hex } from './helpers';

describe('encodePacket', () => {
  it('writes the bencode ping frame', () => {
    assert.equal(
      hex(encodePacket(['ping', 123456789], { encoder: 'bencode' })),
      '5000000000000013' + '6c343a70696e67693132333435363738396565',
    );
  });

  it('writes the rencode ping frame', () => {
    assert.equal(hex(encodePacket(['ping', 123456789], { encoder: 'rencode' })), '500100000000000b' + 'c28470696e6740075bcd15');
  });

  it('writes the rencodeplus ping frame without the flush bit', () => {
    assert.equal(hex(encodePacket(['ping', 123456789], { encoder: 'rencodeplus' })), '501000000000000b' + 'c28470696e6740075bcd15');
  });

  it('writes the compression byte', () => {
    const packet: Packet = ['hello', { padding: 'x'.repeat(1000) }];
    assert.equal(encodePacket(packet, { encoder: 'rencodeplus', compressor: 'lz4' })[2], 0x11);
    assert.equal(encodePacket(packet, { encoder: 'rencodeplus', compressor: 'zlib', level: 6 })[2], 0x06);
    assert.equal(encodePacket(packet, { encoder: 'rencodeplus', compressor: 'brotli', level: 2 })[2], 0x42);
    assert.equal(encodePacket(packet, { encoder: 'rencodeplus', compressor: 'none' })[2], 0x00);
  });

  it('writes the payload size big-endian', () => {
    const frame = encodePacket(['clipboard', new Uint8Array(70000)], { encoder: 'rencodeplus' });
    const size = new DataView(frame.buffer, frame.byteOffset).getUint32(4, false);
    assert.equal(size, frame.length - 8);
  });

  it('round-trips through the reader with every encoder and compressor', () => {
    const packet: Packet = ['damage-sequence', 5, 2, 484, 316, 1234, ''];
    for (const encoder of ['bencode', 'rencode', 'rencodeplus'] as const) {
      for (const compressor of ['none', 'zlib', 'lz4', 'brotli'] as const) {
        const [event] = new PacketReader().push(encodePacket(packet, { encoder, compressor }));
        assert.equal(event.kind === 'packet' && event.encoder, encoder);
        const decoded = event.kind === 'packet' ? event.packet : [];
        assert.equal(decoded[0], 'damage-sequence', `${encoder} ${compressor}`);
        assert.deepEqual(decoded.slice(1, 6), [5, 2, 484, 316, 1234], `${encoder} ${compressor}`);
      }
    }
  });

  it('rejects a packet without a type name', () => {
    assert.throws(() => encodePacket([''], { encoder: 'rencodeplus' }), ProtocolError);
  });

  it('rejects values the encoder cannot carry', () => {
    assert.throws(() => encodePacket(['pointer', 1.5], { encoder: 'bencode' }), /non-integer number 1\.5/);
  });
});
