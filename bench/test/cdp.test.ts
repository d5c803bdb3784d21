import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { launchChromium, VIEWPORT } from '../lib/browser';
import { acceptWebSocket } from '../lib/websocket-server';

const PAGE = `<!doctype html><title>cdp test</title><script>
window.fromInit = window.initRanFirst === true;
window.echoes = 0;
const socket = new WebSocket('ws://' + location.host + '/echo');
socket.binaryType = 'arraybuffer';
socket.onopen = () => { for (let i = 0; i < 50; i++) socket.send(new Uint8Array(4096).fill(i)); };
socket.onmessage = () => { window.echoes++; };
</script>`;

/** Starts a loopback server with one page, whose WebSocket echoes every binary message. */
async function startPageServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  server.on('upgrade', (request, socket) => {
    const connection = acceptWebSocket(request, socket);
    connection?.on('binary', (data) => connection.sendBinary([data]));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` };
}

test('driver runs pages without copying frames', async () => {
  const { server, url } = await startPageServer();
  const { browser, pid } = await launchChromium();
  try {
    assert.ok(pid > 0);
    const page = await browser.newPage({ viewport: VIEWPORT });
    const errors: string[] = [];
    page.onError((message) => errors.push(message));
    await page.addInitScript('window.initRanFirst = true');
    await page.goto(url);
    assert.equal(await page.evaluate<boolean>('window.fromInit'), true);
    assert.deepEqual(await page.evaluate<number[]>('[innerWidth, innerHeight]'), [VIEWPORT.width, VIEWPORT.height]);
    await page.waitFor('window.echoes === 50', 10_000);

    await page.evaluate('setTimeout(() => { throw new Error("thrown on purpose") }, 0), 0');
    for (let tries = 0; tries < 50 && errors.length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(errors.some((message) => message.includes('thrown on purpose')), `errors: ${errors.join(' | ')}`);

    await assert.rejects(page.evaluate('missingName.property'), /missingName is not defined/);
    await assert.rejects(page.waitFor('false', 200), /was not true within 0.2 s/);

    const network = [...browser.eventCounts().keys()].filter((method) => method.startsWith('Network.'));
    assert.deepEqual(network, [], '100 WebSocket frames crossed, and none may reach the driver');
    await page.close();
  } finally {
    await browser.close();
    server.close();
  }
  assert.throws(() => process.kill(pid, 0), /ESRCH/, 'Chromium has exited');
});

test('driver names a failed page load', async () => {
  const { server, url } = await startPageServer();
  server.close();
  await once(server, 'close');
  const { browser } = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await assert.rejects(page.goto(url), new RegExp(`loading ${url.replace(/[.]/g, '\\.')} failed: net::ERR_CONNECTION_REFUSED`));
  } finally {
    await browser.close();
  }
});
