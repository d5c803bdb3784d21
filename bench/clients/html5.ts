/**
 * Drives xpra's own HTML5 client, served by the xpra 3.1.3 server itself from the Debian
 * package, in headless Chromium.
 *
 * The driver never receives the page's WebSocket traffic: recording each frame through
 * playwright slowed that client down by a quarter on the terminal workload, and the driver
 * in ../lib/cdp.ts leaves the `Network` domain off, so Chromium does not copy the frames to
 * it either. Its only addition to the page is a counter around
 * `XpraClient.prototype.request_redraw`, which xpra 3.1.3's Client.js calls once per
 * completed screen update (a draw with flush 0).
 */
import type { BenchPage } from '../lib/cdp';
import { launchChromium, trustCertificateSwitch, VIEWPORT } from '../lib/browser';
import { FIRST_FRAME_TIMEOUT_MS, type ClientContext, type ClientDriver, type RunningClient } from './types';

declare global {
  interface Window {
    benchUpdates?: { count: number; firstAt: number };
  }
}

/** Runs in the page before its scripts; Client.js has defined XpraClient by DOMContentLoaded. */
function installUpdateCounter(): void {
  window.benchUpdates = { count: 0, firstAt: 0 };
  document.addEventListener('DOMContentLoaded', () => {
    const prototype = (window as unknown as { XpraClient?: { prototype: Record<string, unknown> } }).XpraClient?.prototype;
    const original = prototype?.request_redraw as ((...args: unknown[]) => unknown) | undefined;
    if (!prototype || !original) return;
    prototype.request_redraw = function (this: unknown, ...args: unknown[]) {
      const counter = window.benchUpdates as { count: number; firstAt: number };
      if (counter.count === 0) counter.firstAt = performance.timeOrigin + performance.now();
      counter.count++;
      return original.apply(this, args);
    };
  });
}

const QUERY = [
  'sound=false', 'clipboard=false', 'printing=false', 'file_transfer=false', 'floating_menu=false',
  'notifications=false', 'remote_logging=false', 'reconnect=false', 'clock=false',
].join('&');

async function readCounter(page: BenchPage): Promise<{ count: number; firstAt: number }> {
  return page.evaluate('window.benchUpdates ?? { count: -1, firstAt: 0 }');
}

export const html5Client: ClientDriver = {
  name: 'html5',
  async start(context: ClientContext): Promise<RunningClient> {
    const { browser, pid } = await launchChromium([trustCertificateSwitch(context.certificate.certFile)]);
    try {
      const page = await browser.newPage({ viewport: VIEWPORT });
      await page.addInitScript(`(${installUpdateCounter.toString()})()`);
      const attachStartedAt = Date.now();
      await page.goto(`https://127.0.0.1:${context.server.port}/index.html?${QUERY}`);
      await page.waitFor('(window.benchUpdates?.count ?? 0) > 0', FIRST_FRAME_TIMEOUT_MS);
      const first = await readCounter(page);
      if (first.count < 0) throw new Error('the update counter is missing from the HTML5 client page');
      return {
        firstFrameSeconds: (first.firstAt - attachStartedAt) / 1000,
        processRoots: [pid],
        usesNodeProcess: false,
        async counters() {
          const { count } = await readCounter(page);
          return { updates: count };
        },
        async stop() {
          await browser.close();
        },
      };
    } catch (error) {
      await browser.close();
      throw error;
    }
  },
};
