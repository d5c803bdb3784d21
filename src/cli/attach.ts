/**
 * `xpra-sessions attach URI|FILE.xpra [options]`: attach to a server, map its windows,
 * optionally type text into the focused window, save a screenshot of all windows once they
 * have painted, and disconnect.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  attach,
  type EncodingTuning,
  type Logger,
  type TlsSettings,
  type VerifyMode,
  type WindowDescription,
  type XpraSession,
} from '../client';
import { FRAMEBUFFER_ENCODINGS, Framebuffer, DecodeError } from '../client/framebuffer';
import { typeText } from '../client/typing';
import { normalizeFingerprint } from '../transport';
import { parseSessionFile, readPasswordFile, resolveAttachSettings } from '../session-file';
import { errorMessage } from './output';

const USAGE = `usage: xpra-sessions attach URI|FILE.xpra [options]

  URI                                 ssl:HOST:PORT or ssl://[USER@]HOST:PORT/
  FILE.xpra                           a session file: its host, port and ssl-* options,
                                      read as the editor reads them; options below override
  --ssl-ca-cert FILE                  trust the CA certificates in FILE (PEM)
  --ssl-ca-data DATA                  trust a CA given as hex of PEM or DER, or base64
  --ssl-server-verify-mode MODE       none, optional or required (default required)
  --ssl-server-hostname NAME          the name the server certificate must carry (also SNI)
  --ssl-server-fingerprint SHA256     accept only the server certificate with this SHA-256
                                      fingerprint (64 hex digits), without a CA
  --ssl-cert FILE --ssl-key FILE      client certificate and its private key (PEM)
  --password-file FILE                read the password from FILE, without its final newline
  --screenshot FILE.png               save all windows, composed, once they have painted
  --type TEXT                         type TEXT into the focused window; a newline is Return
  --timeout SECONDS                   limit for connecting and for painting (default 20)
  --debug                             log the session on stderr`;

/** Draws that keep arriving closer together than this mean the picture is still changing, in ms. */
const SETTLE_MS = 700;
const DEFAULT_DESKTOP: [number, number] = [1280, 800];

class UsageError extends Error {}

interface AttachCommand {
  /** A server URI, or the path of a session file. */
  target: string;
  /** Only the TLS options given on the command line. */
  tls: Partial<TlsSettings>;
  passwordFile?: string;
  screenshot?: string;
  text?: string;
  timeoutMs: number;
  debug: boolean;
}

export async function run(args: string[]): Promise<number> {
  let command: AttachCommand;
  try {
    command = parseCommand(args);
  } catch (error) {
    if (error instanceof UsageError && error.message === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    process.stderr.write(
      `xpra-sessions attach: ${errorMessage(error)} (see xpra-sessions attach --help)\n`,
    );
    return 2;
  }
  try {
    await runAttach(command);
    return 0;
  } catch (error) {
    process.stderr.write(`xpra-sessions attach: ${errorMessage(error)}\n`);
    return 1;
  }
}

const OPTIONS = {
  'ssl-ca-cert': { type: 'string' },
  'ssl-ca-data': { type: 'string' },
  'ssl-server-verify-mode': { type: 'string' },
  'ssl-server-hostname': { type: 'string' },
  'ssl-server-fingerprint': { type: 'string' },
  'ssl-cert': { type: 'string' },
  'ssl-key': { type: 'string' },
  'password-file': { type: 'string' },
  screenshot: { type: 'string' },
  type: { type: 'string' },
  timeout: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseCommand(args: string[]): AttachCommand {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError('help');
  if (positionals.length !== 1)
    throw new UsageError(`expected one server URI or session file, got ${positionals.length}`);

  const verifyMode = values['ssl-server-verify-mode'];
  if (verifyMode !== undefined && !['none', 'optional', 'required'].includes(verifyMode)) {
    throw new UsageError(
      `invalid --ssl-server-verify-mode '${verifyMode}': expected none, optional or required`,
    );
  }
  if ((values['ssl-cert'] === undefined) !== (values['ssl-key'] === undefined)) {
    throw new UsageError('--ssl-cert and --ssl-key must be given together');
  }
  const fingerprint = values['ssl-server-fingerprint'];
  let pinnedFingerprint: string | undefined;
  if (fingerprint !== undefined) {
    try {
      pinnedFingerprint = normalizeFingerprint(fingerprint);
    } catch (error) {
      throw new UsageError(`invalid --ssl-server-fingerprint: ${errorMessage(error)}`);
    }
  }
  const timeoutSeconds = values.timeout === undefined ? 20 : Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new UsageError(
      `invalid --timeout '${values.timeout}': expected a positive number of seconds`,
    );
  }
  if (values.screenshot !== undefined && !values.screenshot.toLowerCase().endsWith('.png')) {
    throw new UsageError(
      `invalid --screenshot '${values.screenshot}': the file name must end in .png`,
    );
  }

  const tls: Partial<TlsSettings> = {
    verifyMode: verifyMode as VerifyMode | undefined,
    caCertFile: values['ssl-ca-cert'],
    caData: values['ssl-ca-data'],
    serverHostname: values['ssl-server-hostname'],
    certFile: values['ssl-cert'],
    keyFile: values['ssl-key'],
    pinnedFingerprint,
  };
  for (const key of Object.keys(tls) as (keyof TlsSettings)[]) {
    if (tls[key] === undefined) delete tls[key];
  }
  return {
    target: positionals[0],
    tls,
    passwordFile: values['password-file'],
    screenshot: values.screenshot,
    text: values.type,
    timeoutMs: timeoutSeconds * 1000,
    debug: values.debug ?? false,
  };
}

/** A target that names an existing file, or ends in .xpra, is a session file. */
function isSessionFile(target: string): boolean {
  if (target.toLowerCase().endsWith('.xpra')) return true;
  return existsSync(target) && statSync(target).isFile();
}

/**
 * Returns the server URI, TLS settings and password to attach with: those of the session file
 * when one is named, with the command line's TLS options on top, or the URI and those options.
 */
async function resolveTarget(
  command: AttachCommand,
): Promise<{ uri: string; tls: TlsSettings; password?: string; encodingTuning?: EncodingTuning }> {
  if (!isSessionFile(command.target)) {
    return { uri: command.target, tls: { verifyMode: 'required', ...command.tls } };
  }
  let text: string;
  try {
    text = readFileSync(command.target, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the session file ${command.target}: ${errorMessage(error)}`);
  }
  const settings = await resolveAttachSettings(parseSessionFile(text), command.target);
  return {
    uri: settings.uri,
    tls: { ...settings.tls, ...command.tls },
    password: settings.password,
    encodingTuning: settings.encoding,
  };
}

async function runAttach(command: AttachCommand): Promise<void> {
  const target = await resolveTarget(command);
  // A session file without `mode` means tcp, as in xpra's launcher, so this warns on stderr
  // even without --debug: the session and the password's hmac challenge response travel
  // unencrypted.
  if (/^tcp:/i.test(target.uri)) {
    process.stderr.write(
      'xpra-sessions attach: warning: the connection is insecure: plain TCP without TLS; use mode=ssl or an ssl: URI\n',
    );
  } else if (target.tls.verifyMode === 'none') {
    process.stderr.write(
      'xpra-sessions attach: warning: the connection is insecure: the server certificate is not verified (--ssl-server-verify-mode none)\n',
    );
  }
  const password =
    command.passwordFile === undefined ? target.password : await readPasswordFile(command.passwordFile);
  const session = await attach({
    uri: target.uri,
    tls: target.tls,
    encodings: FRAMEBUFFER_ENCODINGS,
    desktopSize: DEFAULT_DESKTOP,
    timeoutMs: command.timeoutMs,
    logger: command.debug ? stderrLogger : undefined,
    getPassword: password === undefined ? undefined : () => Promise.resolve(password),
    encodingTuning: target.encodingTuning,
  });
  try {
    const painter = new Painter(session);
    await painter.waitUntilPainted(command.timeoutMs);
    if (command.text !== undefined) {
      await typeText(session, painter.focusedWindow(), command.text);
      await painter.waitUntilSettled(command.timeoutMs);
    }
    if (command.screenshot !== undefined) {
      writeFileSync(command.screenshot, painter.framebuffer.composePng(session.windows.values()));
      process.stdout.write(`saved ${command.screenshot}\n`);
    }
  } finally {
    session.disconnect();
  }
}

/** Maps every top-level window, decodes its draws and acknowledges each one. */
class Painter {
  readonly framebuffer = new Framebuffer();
  private lastDrawAt = 0;
  private failure: string | undefined;

  constructor(private readonly session: XpraSession) {
    session.on('window-new', (window) => {
      this.framebuffer.addWindow(window);
      if (!window.overrideRedirect) {
        session.mapWindow(window.wid, window.x, window.y, window.width, window.height);
      }
    });
    session.on('window-move-resize', ({ wid, width, height }) =>
      this.framebuffer.resizeWindow(wid, width, height),
    );
    session.on('window-lost', (wid) => this.framebuffer.removeWindow(wid));
    session.on('draw', (draw) => {
      this.lastDrawAt = Date.now();
      const started = process.hrtime.bigint();
      try {
        this.framebuffer.apply(draw);
        const micros = Number((process.hrtime.bigint() - started) / 1000n);
        session.ackDraw(draw.wid, draw.seq, draw.width, draw.height, micros);
      } catch (error) {
        const message =
          error instanceof DecodeError ? error.message : `decoding failed: ${errorMessage(error)}`;
        session.ackDraw(draw.wid, draw.seq, draw.width, draw.height, -1, message);
      }
    });
    session.on('disconnected', (reason) => (this.failure = reason));
  }

  /**
   * Returns the top-level window to type into. Nothing has focus before we give it, so this
   * takes the largest window: message boxes that a session starts beside the application
   * (Debian's Xsession shows one under xpra 3.1.3) are smaller than the application.
   */
  focusedWindow(): number {
    let target: WindowDescription | undefined;
    for (const window of this.session.windows.values()) {
      if (window.overrideRedirect) continue;
      if (!target || window.width * window.height >= target.width * target.height) target = window;
    }
    if (!target) throw new Error('the server has no window to type into');
    return target.wid;
  }

  /** Waits until there is a window, every window has painted, and draws have paused. */
  waitUntilPainted(timeoutMs: number): Promise<void> {
    return this.waitFor(timeoutMs, 'every window to paint', () => {
      const wids = [...this.session.windows.keys()];
      return (
        wids.length > 0 && wids.every((wid) => this.framebuffer.painted.has(wid)) && this.settled()
      );
    });
  }

  waitUntilSettled(timeoutMs: number): Promise<void> {
    return this.waitFor(timeoutMs, 'the windows to finish painting', () => this.settled());
  }

  private settled(): boolean {
    return Date.now() - this.lastDrawAt >= SETTLE_MS;
  }

  private waitFor(timeoutMs: number, what: string, done: () => boolean): Promise<void> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const poll = setInterval(() => {
        if (this.failure !== undefined) {
          clearInterval(poll);
          reject(new Error(this.failure));
        } else if (done()) {
          clearInterval(poll);
          resolve();
        } else if (Date.now() - started > timeoutMs) {
          clearInterval(poll);
          reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`));
        }
      }, 50);
    });
  }
}

const stderrLogger: Logger = {
  trace: (category, message) => process.stderr.write(`trace [${category}] ${message}\n`),
  debug: (category, message) => process.stderr.write(`debug [${category}] ${message}\n`),
  info: (category, message) => process.stderr.write(`info [${category}] ${message}\n`),
  warn: (category, message) => process.stderr.write(`warn [${category}] ${message}\n`),
  error: (category, message) => process.stderr.write(`error [${category}] ${message}\n`),
};
