/**
 * A harness that runs the real webview bundle in headless Chromium. A loopback HTTP server
 * serves a page under the webview's content security policy with `<div id="xpra-root">`,
 * a fake acquireVsCodeApi that records posted messages, media/panel.css and the bundle
 * media/webview.js that `node esbuild.mjs` builds.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

import type { DrawMessage, HostMessage, WebviewMessage } from '../../src/webview/messages';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

const NONCE = 'harness-nonce-4f1c';

const BUNDLE_PATH = 'media/webview.js';
const BUNDLE_SOURCES = ['src/webview', 'src/keymap'];

/**
 * Reads the bundle that `node esbuild.mjs` built, after checking that no source file of the
 * bundle changed since, so a test never runs stale code.
 */
async function readBundle(): Promise<string> {
  const built = await stat(BUNDLE_PATH).catch(() => undefined);
  if (built === undefined) {
    throw new Error(`${BUNDLE_PATH} is missing: run \`node esbuild.mjs\` first`);
  }
  for (const directory of BUNDLE_SOURCES) {
    for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
      const path = join(entry.parentPath, entry.name);
      if (entry.isFile() && (await stat(path)).mtimeMs > built.mtimeMs) {
        throw new Error(`${BUNDLE_PATH} is older than ${path}: run \`node esbuild.mjs\` again`);
      }
    }
  }
  return readFile(BUNDLE_PATH, 'utf8');
}

function pageHtml(origin: string): string {
  const policy = [
    "default-src 'none'",
    `script-src 'nonce-${NONCE}'`,
    `style-src ${origin}`,
    `img-src ${origin} data: blob:`,
    'worker-src blob:',
  ].join('; ');
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<link rel="stylesheet" href="${origin}/panel.css">
</head>
<body>
<div id="xpra-root"></div>
<script nonce="${NONCE}">
window.posted = [];
window.violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.violations.push(event.violatedDirective + ' ' + event.blockedURI);
});
window.paintedBatches = [];
// A painted-batch is recorded as its acknowledgements, so tests count acknowledgements
// whether they came one per message or several; paintedBatches keeps the batch sizes.
window.acquireVsCodeApi = () => ({
  postMessage: (message) => {
    if (message.type === 'painted-batch') {
      window.paintedBatches.push(message.acks.length);
      window.posted.push(...message.acks);
    } else {
      window.posted.push(message);
    }
  },
  getState: () => undefined,
  setState: () => undefined,
});
</script>
<script nonce="${NONCE}" src="${origin}/webview.js"></script>
</body>
</html>`;
}

export class Harness {
  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    private readonly server: Server,
  ) {}

  /** Starts the server and Chromium and opens the harness page at the given viewport size. */
  static async open(width = 400, height = 300): Promise<Harness> {
    const [bundle, css] = await Promise.all([readBundle(), readFile('media/panel.css', 'utf8')]);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on('request', (request, response) => {
      const routes: Record<string, [string, string]> = {
        '/': ['text/html', pageHtml(origin)],
        '/webview.js': ['text/javascript', bundle],
        '/panel.css': ['text/css', css],
      };
      const route = routes[request.url ?? ''];
      response.writeHead(route ? 200 : 404, { 'content-type': route ? route[0] : 'text/plain' });
      response.end(route ? route[1] : 'not found');
    });
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${origin}/`);
    // The first viewport message follows `ready` once the ResizeObserver's debounce ends.
    await page.waitForFunction(() =>
      (window as unknown as { posted: WebviewMessage[] }).posted.some((message) => message.type === 'viewport'));
    if (errors.length > 0) {
      throw new Error(`the webview page raised: ${errors.join('; ')}`);
    }
    const harness = new Harness(browser, page, server);
    harness.startMessages = await harness.posted();
    return harness;
  }

  /** The messages the webview posted while it started, before any test step. */
  startMessages: WebviewMessage[] = [];

  async close(): Promise<void> {
    await this.browser.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Posts a host message to the webview. A `data` or `png` Uint8Array crosses as a
   * transferred ArrayBuffer, as VS Code delivers it.
   */
  async send(hostMessage: HostMessage | Record<string, unknown>): Promise<void> {
    const message = hostMessage as Record<string, unknown>;
    const { binaryField, base64 } = splitBinary(message);
    await this.page.evaluate(
      ([plain, field, encoded]) => {
        const copy: Record<string, unknown> = { ...plain };
        const transfer: Transferable[] = [];
        if (field !== '') {
          const bytes = Uint8Array.from(atob(encoded), (character) => character.charCodeAt(0));
          copy[field] = bytes;
          transfer.push(bytes.buffer);
        }
        window.postMessage(copy, '*', transfer);
      },
      [withoutField(message, binaryField), binaryField, base64] as const,
    );
  }

  /** Posts one `draw-batch` message; each draw's bytes cross as a transferred ArrayBuffer. */
  async sendDrawBatch(draws: DrawMessage[]): Promise<void> {
    const plain = draws.map((draw) => ({ ...draw, data: Buffer.from(draw.data).toString('base64') }));
    await this.page.evaluate((encoded) => {
      const transfer: Transferable[] = [];
      const batch = encoded.map((draw) => {
        const bytes = Uint8Array.from(atob(draw.data), (character) => character.charCodeAt(0));
        transfer.push(bytes.buffer);
        return { ...draw, data: bytes };
      });
      window.postMessage({ type: 'draw-batch', draws: batch }, '*', transfer);
    }, plain);
  }

  /** Returns every message the webview posted so far. */
  async posted(): Promise<WebviewMessage[]> {
    return this.page.evaluate(() => (window as unknown as { posted: WebviewMessage[] }).posted);
  }

  /** Returns the size of each painted-batch message posted so far. */
  async paintedBatches(): Promise<number[]> {
    return this.page.evaluate(() => (window as unknown as { paintedBatches: number[] }).paintedBatches);
  }

  /** Forgets the messages posted so far. */
  async clearPosted(): Promise<void> {
    await this.page.evaluate(() => {
      (window as unknown as { posted: WebviewMessage[] }).posted = [];
      (window as unknown as { paintedBatches: number[] }).paintedBatches = [];
    });
  }

  /** Waits until `count` messages of a type were posted and returns them. */
  async waitForPosted<T extends WebviewMessage['type']>(
    type: T,
    count: number,
    timeoutMs = 5000,
  ): Promise<Array<Extract<WebviewMessage, { type: T }>>> {
    await this.page.waitForFunction(
      ([wanted, minimum]) =>
        (window as unknown as { posted: WebviewMessage[] }).posted.filter((message) => message.type === wanted).length >= minimum,
      [type, count] as const,
      { timeout: timeoutMs },
    );
    const all = await this.posted();
    return all.filter((message): message is Extract<WebviewMessage, { type: T }> => message.type === type);
  }

  /**
   * Returns the RGBA pixels of an area of a window's visible canvas, read in the next
   * animation frame so that a present requested before the call has run.
   */
  async readPixels(wid: number, x: number, y: number, width: number, height: number): Promise<Uint8Array> {
    const values = await this.page.evaluate(
      async ([id, left, top, areaWidth, areaHeight]) => {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const canvas = document.querySelector<HTMLCanvasElement>(`canvas[data-wid="${id}"]`);
        if (canvas === null) {
          throw new Error(`no canvas for window ${id}`);
        }
        const context = canvas.getContext('2d') as CanvasRenderingContext2D;
        return Array.from(context.getImageData(left, top, areaWidth, areaHeight).data);
      },
      [wid, x, y, width, height] as const,
    );
    return Uint8Array.from(values);
  }

  /** Returns the content security policy violations the page reported. */
  async violations(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { violations: string[] }).violations);
  }
}

function splitBinary(message: Record<string, unknown>): { binaryField: string; base64: string } {
  for (const field of ['data', 'png']) {
    const value = message[field];
    if (value instanceof Uint8Array) {
      return { binaryField: field, base64: Buffer.from(value).toString('base64') };
    }
  }
  return { binaryField: '', base64: '' };
}

function withoutField(message: Record<string, unknown>, field: string): Record<string, unknown> {
  const copy = { ...message };
  if (field !== '') {
    delete copy[field];
  }
  return copy;
}
