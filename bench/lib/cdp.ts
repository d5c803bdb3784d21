/**
 * A small Chrome DevTools Protocol driver for the benchmark's Chromium, over the pipe that
 * `--remote-debugging-pipe` opens on file descriptors 3 and 4.
 *
 * The benchmark drove Chromium through playwright-core before. Playwright enables the
 * `Network` domain on every page it attaches to, and with it enabled Chromium sends each
 * WebSocket frame to the driver as `Network.webSocketFrameSent` or `...Received`, payload
 * included (seen with `DEBUG=pw:protocol`). So every draw, for `ours` and `html5` alike,
 * was copied through the browser process and parsed in this Node process, whether
 * anything listened or not. This driver enables only `Page` and `Runtime`, so the
 * traffic of the measured pages reaches no one but them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

type Params = Record<string, unknown>;

interface Pending {
  resolve: (result: Params) => void;
  reject: (error: Error) => void;
  method: string;
}

interface ProtocolMessage {
  id?: number;
  method?: string;
  params?: Params;
  result?: Params;
  error?: { message: string };
  sessionId?: string;
}

const CLOSE_TIMEOUT_MS = 5_000;
const LAUNCH_TIMEOUT_MS = 30_000;

/** One connection to a browser: commands out, responses and events back, split by session. */
class PipeConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(method: string, params: Params) => void>>();
  private buffer = '';
  private closedReason?: string;
  /** Events received, by method, from every session. */
  readonly eventCounts = new Map<string, number>();

  constructor(
    private readonly input: Writable,
    output: Readable,
  ) {
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => this.receive(chunk));
    output.on('close', () => this.close('Chromium closed its DevTools pipe'));
    input.on('error', () => this.close('writing to Chromium\'s DevTools pipe failed'));
  }

  send(method: string, params: Params = {}, sessionId?: string): Promise<Params> {
    if (this.closedReason) return Promise.reject(new Error(`${method}: ${this.closedReason}`));
    const id = this.nextId++;
    const message: ProtocolMessage = { id, method, params, ...(sessionId ? { sessionId } : {}) };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.input.write(`${JSON.stringify(message)}\0`);
    });
  }

  /** Calls `listener` with every event of `sessionId` ('' for the browser) until the returned function runs. */
  listen(sessionId: string, listener: (method: string, params: Params) => void): () => void {
    const set = this.listeners.get(sessionId) ?? new Set();
    set.add(listener);
    this.listeners.set(sessionId, set);
    return () => set.delete(listener);
  }

  close(reason: string): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    for (const { reject, method } of this.pending.values()) reject(new Error(`${method}: ${reason}`));
    this.pending.clear();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end = this.buffer.indexOf('\0');
    while (end >= 0) {
      const text = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 1);
      this.dispatch(JSON.parse(text) as ProtocolMessage);
      end = this.buffer.indexOf('\0');
    }
  }

  private dispatch(message: ProtocolMessage): void {
    if (message.id !== undefined) {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.error) pending.reject(new Error(`${pending.method}: ${message.error.message}`));
      else pending.resolve(message.result ?? {});
      return;
    }
    if (!message.method) return;
    this.eventCounts.set(message.method, (this.eventCounts.get(message.method) ?? 0) + 1);
    for (const listener of this.listeners.get(message.sessionId ?? '') ?? []) listener(message.method, message.params ?? {});
  }
}

export interface PageOptions {
  viewport: { width: number; height: number };
}

/** One page in a browser context of its own. */
export class BenchPage {
  private readonly errorListeners = new Set<(message: string) => void>();

  constructor(
    private readonly connection: PipeConnection,
    private readonly sessionId: string,
    private readonly targetId: string,
    private readonly contextId: string,
  ) {
    connection.listen(sessionId, (method, params) => {
      if (method !== 'Runtime.exceptionThrown') return;
      const details = params.exceptionDetails as { text?: string; exception?: { description?: string } } | undefined;
      const text = details?.exception?.description ?? details?.text ?? 'an exception';
      for (const listener of this.errorListeners) listener(text);
    });
  }

  /** Sends a command to this page's target. */
  send(method: string, params: Params = {}): Promise<Params> {
    return this.connection.send(method, params, this.sessionId);
  }

  /** Calls `listener` with the text of every uncaught exception in the page. */
  onError(listener: (message: string) => void): void {
    this.errorListeners.add(listener);
  }

  /** Runs `source`, a script, in every document this page loads from now on, before the document's own scripts. */
  async addInitScript(source: string): Promise<void> {
    await this.send('Page.addScriptToEvaluateOnNewDocument', { source });
  }

  /** Navigates and waits for the load event. */
  async goto(url: string, timeoutMs = 30_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let stopListening = (): void => undefined;
    const loaded = new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${url} did not load within ${timeoutMs / 1000} s`)), timeoutMs);
      stopListening = this.connection.listen(this.sessionId, (method) => {
        if (method === 'Page.loadEventFired') resolve();
      });
    });
    try {
      const result = await this.send('Page.navigate', { url });
      if (typeof result.errorText === 'string' && result.errorText) throw new Error(`loading ${url} failed: ${result.errorText}`);
      await loaded;
    } finally {
      clearTimeout(timer);
      stopListening();
      loaded.catch(() => undefined);
    }
  }

  /** Returns the value of `expression`, a JavaScript expression, which must be JSON. */
  async evaluate<T>(expression: string): Promise<T> {
    const result = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    const details = result.exceptionDetails as { text?: string; exception?: { description?: string } } | undefined;
    if (details) throw new Error(`evaluating ${expression} failed: ${details.exception?.description ?? details.text}`);
    return (result.result as { value: T }).value;
  }

  /** Waits until `expression` is true, reading it every `pollMs`. */
  async waitFor(expression: string, timeoutMs: number, pollMs = 50): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!(await this.evaluate<boolean>(`Boolean(${expression})`))) {
      if (performance.now() > deadline) throw new Error(`${expression} was not true within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  async close(): Promise<void> {
    await this.connection.send('Target.closeTarget', { targetId: this.targetId }).catch(() => undefined);
    await this.connection.send('Target.disposeBrowserContext', { browserContextId: this.contextId }).catch(() => undefined);
  }
}

export interface LaunchOptions {
  executablePath: string;
  args: string[];
}

/** A Chromium process started with a fresh profile and driven over its DevTools pipe. */
export class BenchBrowser {
  private constructor(
    private readonly child: ChildProcess,
    private readonly connection: PipeConnection,
    private readonly profile: string,
    readonly pid: number,
  ) {}

  static async launch(options: LaunchOptions): Promise<BenchBrowser> {
    const profile = mkdtempSync(join(tmpdir(), 'xpra-bench-chromium-'));
    const child = spawn(options.executablePath, [...options.args, `--user-data-dir=${profile}`, '--remote-debugging-pipe', '--no-startup-window'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
    const [, , , input, output] = child.stdio as [unknown, unknown, unknown, Writable, Readable];
    const connection = new PipeConnection(input, output);
    child.on('exit', (code, signal) => connection.close(`Chromium exited (${signal ?? `code ${code}`})`));
    // A missing executable is reported as an 'error' event, which would otherwise end this process.
    child.on('error', (error) => connection.close(`starting ${options.executablePath} failed: ${error.message}`));
    if (child.pid === undefined) {
      rmSync(profile, { recursive: true, force: true });
      throw new Error(`starting ${options.executablePath} failed: no process was created`);
    }
    const browser = new BenchBrowser(child, connection, profile, child.pid);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${LAUNCH_TIMEOUT_MS / 1000} s`)), LAUNCH_TIMEOUT_MS);
    });
    try {
      await Promise.race([connection.send('Browser.getVersion'), timedOut]);
    } catch (error) {
      await browser.close();
      throw new Error(`Chromium did not respond on its DevTools pipe: ${(error as Error).message}\n${stderr}`);
    } finally {
      clearTimeout(timer);
    }
    return browser;
  }

  /** Events Chromium has sent so far, by method, from the browser and every page. */
  eventCounts(): ReadonlyMap<string, number> {
    return this.connection.eventCounts;
  }

  /** Opens about:blank in a new browser context and attaches to it with `Page` and `Runtime` enabled. */
  async newPage(options: PageOptions): Promise<BenchPage> {
    const { browserContextId } = (await this.connection.send('Target.createBrowserContext', { disposeOnDetach: true })) as { browserContextId: string };
    const { targetId } = (await this.connection.send('Target.createTarget', { url: 'about:blank', browserContextId })) as { targetId: string };
    const { sessionId } = (await this.connection.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const page = new BenchPage(this.connection, sessionId, targetId, browserContextId);
    await Promise.all([
      page.send('Page.enable'),
      page.send('Runtime.enable'),
      page.send('Emulation.setDeviceMetricsOverride', { ...options.viewport, deviceScaleFactor: 1, mobile: false }),
    ]);
    return page;
  }

  /** Asks Chromium to quit, ends it by its pid if it has not within 5 s, and removes its profile. */
  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    this.connection.send('Browser.close').catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    this.connection.close('the browser was closed');
    rmSync(this.profile, { recursive: true, force: true });
  }
}
