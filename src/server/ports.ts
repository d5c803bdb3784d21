/** Choosing a free loopback TCP port and a free X11 display number. */
import { existsSync } from 'node:fs';
import * as net from 'node:net';

/** First display number tried; low numbers are left to desktops and `xvfb-run`. */
const FIRST_DISPLAY = 100;
const LAST_DISPLAY = 999;

/**
 * Returns a TCP port on 127.0.0.1 that was free a moment ago. Another process may take it
 * before xpra binds it, in which case xpra fails to start and logs the error.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port on 127.0.0.1'))));
    });
  });
}

/** Returns whether nothing listens on 127.0.0.1:port right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** Returns whether an X server uses the display, because its lock file or socket exists. */
export function isDisplayInUse(display: number): boolean {
  return existsSync(`/tmp/.X${display}-lock`) || existsSync(`/tmp/.X11-unix/X${display}`);
}

/** Returns the first display number from 100 up that no X server uses. */
export function findFreeDisplay(exclude: ReadonlySet<number> = new Set()): number {
  for (let display = FIRST_DISPLAY; display <= LAST_DISPLAY; display++) {
    if (!exclude.has(display) && !isDisplayInUse(display)) {
      return display;
    }
  }
  throw new Error(`no free X11 display between :${FIRST_DISPLAY} and :${LAST_DISPLAY}`);
}
