import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { acceptWebSocket, type WebSocketConnection } from '../lib/websocket-server';

/** Starts a server on 127.0.0.1 and a raw client socket that has completed the upgrade. */
async function openPair(): Promise<{ server: WebSocketConnection; client: Socket; received: Buffer[]; close: () => void }> {
  const http = createServer();
  let resolveServer: (connection: WebSocketConnection) => void = () => undefined;
  const serverSide = new Promise<WebSocketConnection>((resolve) => (resolveServer = resolve));
  http.on('upgrade', (request, socket) => {
    const connection = acceptWebSocket(request, socket);
    if (connection) resolveServer(connection);
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const port = (http.address() as { port: number }).port;
  const client = connect({ host: '127.0.0.1', port });
  await once(client, 'connect');
  client.write(
    'GET /bridge HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  const received: Buffer[] = [];
  client.on('data', (chunk: Buffer) => received.push(chunk));
  const server = await serverSide;
  return {
    server,
    client,
    received,
    close: () => {
      client.destroy();
      http.close();
    },
  };
}

function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const mask = Buffer.from([0x11, 0x22, 0x33, 0x44]);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ mask[index & 3]));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

async function waitForBytes(received: Buffer[], count: number): Promise<Buffer> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const all = Buffer.concat(received);
    if (all.length >= count) return all;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Buffer.concat(received);
}

test('upgrade answers with the RFC 6455 accept key', async () => {
  const pair = await openPair();
  try {
    const response = (await waitForBytes(pair.received, 100)).toString('latin1');
    assert.match(response, /^HTTP\/1\.1 101 /);
    // The accept value for the RFC 6455 sample key.
    assert.match(response, /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/);
  } finally {
    pair.close();
  }
});

test('masked text frame from the page is unmasked', async () => {
  const pair = await openPair();
  try {
    const text = once(pair.server, 'text');
    pair.client.write(maskedTextFrame('{"type":"ready"}'));
    assert.deepEqual(await text, ['{"type":"ready"}']);
  } finally {
    pair.close();
  }
});

test('binary message over 64 KiB uses the 64-bit length', async () => {
  const pair = await openPair();
  try {
    const handshakeLength = (await waitForBytes(pair.received, 100)).length;
    const payload = new Uint8Array(70_000).fill(7);
    pair.server.sendBinary([new Uint8Array([1, 2]), payload]);
    const frame = (await waitForBytes(pair.received, handshakeLength + 10 + 70_002)).subarray(handshakeLength);
    assert.equal(frame[0], 0x82);
    assert.equal(frame[1], 127);
    assert.equal(Number(frame.readBigUInt64BE(2)), 70_002);
    assert.equal(frame[10], 1);
    assert.equal(frame[12], 7);
  } finally {
    pair.close();
  }
});

test('oversized incoming frame closes the connection', async () => {
  const pair = await openPair();
  try {
    const closed = once(pair.server, 'close');
    const header = Buffer.alloc(10);
    header[0] = 0x82;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(64 * 1024 * 1024), 2);
    pair.client.write(Buffer.concat([header, Buffer.alloc(4)]));
    await closed;
    assert.equal(pair.server.isOpen, false);
  } finally {
    pair.close();
  }
});
