/**
 * Serves the benchmark's stand-in for a VS Code webview on 127.0.0.1: a page with
 * `<div id="xpra-root">`, the bridge shim, the panel stylesheet and the real webview bundle
 * built from src/webview/main.ts, and the WebSocket that carries the panel messages.
 */
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { acceptWebSocket, type WebSocketConnection } from './websocket-server';

const ROOT = join(__dirname, '..', '..');
const STYLESHEET = join(ROOT, 'media', 'panel.css');

const PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>xpra bench panel</title>
<link rel="stylesheet" href="/panel.css">
<style>html, body { margin: 0; height: 100%; } #xpra-root { width: 100vw; height: 100vh; }</style>
</head><body><div id="xpra-root"></div>
<script src="/bridge-shim.js"></script>
<script src="/webview.js"></script>
</body></html>`;

let bundles: Promise<{ webview: string; shim: string }> | undefined;

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** Builds the webview bundle from source once per process, so the bench measures the tree as it is. */
export function buildPageScripts(): Promise<{ webview: string; shim: string }> {
  bundles ??= Promise.all([
    bundle(join(ROOT, 'src', 'webview', 'main.ts')),
    bundle(join(__dirname, '..', 'page', 'bridge-shim.ts')),
  ]).then(([webview, shim]) => ({ webview, shim }));
  return bundles;
}

export interface PanelPageServer {
  port: number;
  close(): Promise<void>;
}

/** Starts the page server; `onConnection` receives each page's WebSocket with the page's query string. */
export async function startPanelPageServer(
  onConnection: (connection: WebSocketConnection, query: URLSearchParams) => void,
): Promise<PanelPageServer> {
  const scripts = await buildPageScripts();
  const stylesheet = existsSync(STYLESHEET) ? readFileSync(STYLESHEET, 'utf8') : '';
  const files: Record<string, [string, string]> = {
    '/': ['text/html', PAGE],
    '/webview.js': ['text/javascript', scripts.webview],
    '/bridge-shim.js': ['text/javascript', scripts.shim],
    '/panel.css': ['text/css', stylesheet],
  };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const file = files[path];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': `${file[0]}; charset=utf-8`, 'cache-control': 'no-store' }).end(file[1]);
  });
  // The HTTP server stops tracking a socket once it is upgraded, so closeAllConnections does
  // not close it, and server.close waits for ever on one that the page left half-closed.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (request, socket: Duplex) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/bridge') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const connection = acceptWebSocket(request, socket);
    if (connection) onConnection(connection, url.searchParams);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Sends one host message: JSON text, or, when it contains bytes, one binary message. That is
 * a 4-byte little-endian header length, the JSON header in which each Uint8Array became
 * `{"$bytes": [offset, length]}`, then the bytes one after another. A `draw-batch` thus
 * carries each draw's payload once, as VS Code carries the buffers of a posted message.
 */
export function sendHostMessage(connection: WebSocketConnection, message: object): void {
  const payloads: Uint8Array[] = [];
  let offset = 0;
  const header = JSON.stringify(message, (_key, value: unknown) => {
    if (!(value instanceof Uint8Array)) return value;
    payloads.push(value);
    offset += value.byteLength;
    return { $bytes: [offset - value.byteLength, value.byteLength] };
  });
  if (payloads.length === 0) {
    connection.sendText(header);
    return;
  }
  const headerBytes = Buffer.from(header, 'utf8');
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32LE(headerBytes.length, 0);
  connection.sendBinary([prefix, headerBytes, ...payloads]);
}
