/**
 * A live xpra session: a thin router that hands each incoming packet to the subsystem that
 * owns its name, and the client-side methods that the VS Code panel and the command line
 * call. Packet names are normalised by the protocol module, so handlers see legacy names.
 */
import { EventEmitter } from 'node:events';
import { asList, asText, newPacketName, outgoingName } from '../protocol';
import type { Dict, Encoder, Packet, Value } from '../protocol/types';
import { usKeycodes } from '../keymap';
import type { ChannelEvent, PacketChannel } from './channel';
import { Clipboard } from './clipboard';
import type { PacketHandlers, SessionContext } from './context';
import { Cursors } from './cursor';
import { describeDisconnect } from './disconnect';
import { Draws } from './draw';
import { Input } from './input';
import { sendKeymap } from './keyboard';
import { Pings } from './ping';
import type { Logger, SessionEvents, WindowDescription } from './types';
import { Windows } from './windows';

export interface SessionParameters {
  channel: PacketChannel;
  serverCaps: Dict;
  /** The packet encoder the server accepted from us. */
  encoder: Encoder;
  insecure: boolean;
  tlsProtocol: string;
  logger: Logger;
}

/** Packets we receive and deliberately ignore, so they are not logged as unknown. */
const IGNORED_PACKETS = new Set([
  'startup-complete',
  'server-event',
  'encodings',
  'window-icon',
  'set_deflate',
  'notify_show',
  'notify_close',
  'setting-change',
  'info-response',
  'desktop_size',
  'set-clipboard-enabled',
  'clipboard-pending-requests',
  'clipboard-enable-selections',
  'initiate-moveresize',
  'pointer-grab',
  'pointer-ungrab',
  'restack-window',
  'new-tray',
]);

export class XpraSession extends EventEmitter<SessionEvents> {
  readonly serverCaps: Dict;
  readonly serverVersion: string;
  readonly encoder: Encoder;
  readonly insecure: boolean;
  private readonly channel: PacketChannel;
  private readonly logger: Logger;
  private readonly serverPacketTypes: string[] | undefined;
  /** Set for a 6.5+ server that accepts only the new packet names. */
  private readonly newNamesOnly: boolean;
  private readonly routes = new Map<string, (packet: Packet) => void>();
  private readonly windowModel: Windows;
  private readonly draws: Draws;
  private readonly input: Input;
  private readonly pings: Pings;
  private readonly clipboard: Clipboard;
  private ended = false;

  constructor(parameters: SessionParameters) {
    super();
    this.channel = parameters.channel;
    this.serverCaps = parameters.serverCaps;
    this.encoder = parameters.encoder;
    this.insecure = parameters.insecure;
    this.logger = parameters.logger;
    this.serverVersion = readText(this.serverCaps.version) ?? 'unknown';
    this.serverPacketTypes = readTextList(this.serverCaps['packet-types']);
    // A 6.5 server started with XPRA_BACKWARDS_COMPATIBLE=0 ignores `wants`, so its hello
    // has no packet-types, and it rejects the legacy names. In its default mode 6.5 lists
    // packet-types. Servers before 6.5 never list them and accept only the legacy names.
    this.newNamesOnly =
      this.serverPacketTypes === undefined && versionAtLeast(this.serverVersion, 6, 5);
    if (this.newNamesOnly) {
      this.logger.info(
        'session',
        `server ${this.serverVersion} ignored our request for packet-types, so it accepts only the new packet names`,
      );
    }

    const context: SessionContext = {
      send: (name, ...fields) => this.send(name, fields),
      // EventEmitter's typed emit cannot take a generic key, so this calls a plain signature.
      emit: (event, ...args) =>
        (this.emit as (name: string, ...values: unknown[]) => boolean)(event, ...args),
      logger: this.logger,
      serverCaps: this.serverCaps,
    };
    this.windowModel = new Windows(context);
    this.draws = new Draws(context, (wid) => this.windowModel.has(wid));
    this.input = new Input(context, (wid) => this.windowModel.windows.get(wid));
    this.pings = new Pings(context);
    this.clipboard = new Clipboard(context);
    const cursors = new Cursors(context);
    for (const handlers of [
      this.windowModel.handlers,
      this.draws.handlers,
      this.pings.handlers,
      this.clipboard.handlers,
      cursors.handlers,
    ]) {
      this.addRoutes(handlers);
    }
    this.routes.set('disconnect', (packet) => this.onDisconnect(packet));

    sendKeymap(
      context,
      usKeycodes(),
      this.newNamesOnly ? ['keyboard-config'] : this.serverPacketTypes,
    );
    // Routing starts after the caller of attach() has had a turn to add listeners, so
    // `ready` and the first windows reach them.
    setImmediate(() => {
      this.emit('ready', {
        serverVersion: this.serverVersion,
        encoder: this.encoder,
        insecure: this.insecure,
        tlsProtocol: parameters.tlsProtocol,
      });
      this.pings.start();
      this.channel.setConsumer((event) => this.onChannelEvent(event));
    });
  }

  /** The windows the server has announced and not yet lost, by wid. */
  get windows(): ReadonlyMap<number, WindowDescription> {
    return this.windowModel.windows;
  }

  get isConnected(): boolean {
    return !this.ended;
  }

  mapWindow(wid: number, x: number, y: number, width: number, height: number): void {
    this.windowModel.mapWindow(wid, x, y, width, height);
  }

  configureWindow(wid: number, x: number, y: number, width: number, height: number): void {
    this.windowModel.configureWindow(wid, x, y, width, height);
  }

  closeWindow(wid: number): void {
    this.windowModel.closeWindow(wid);
  }

  focus(wid: number): void {
    this.windowModel.focus(wid);
  }

  bufferRefresh(wid = -1): void {
    this.windowModel.bufferRefresh(wid);
  }

  suspend(): void {
    this.windowModel.suspend();
  }

  resume(): void {
    this.windowModel.resume();
  }

  ackDraw(
    wid: number,
    seq: number,
    width: number,
    height: number,
    decodeMicros: number,
    message = '',
  ): void {
    this.draws.ackDraw(wid, seq, width, height, decodeMicros, message);
  }

  pointerPosition(
    wid: number,
    x: number,
    y: number,
    modifiers: string[] = [],
    buttons: number[] = [],
  ): void {
    this.input.pointerPosition(wid, x, y, modifiers, buttons);
  }

  button(
    wid: number,
    button: number,
    pressed: boolean,
    x: number,
    y: number,
    modifiers: string[] = [],
    buttons: number[] = [],
  ): void {
    this.input.button(wid, button, pressed, x, y, modifiers, buttons);
  }

  /** Scrolls by whole notches; see Input.wheel for the signs. */
  wheel(
    wid: number,
    dx: number,
    dy: number,
    x: number,
    y: number,
    modifiers: string[] = [],
    buttons: number[] = [],
  ): void {
    this.input.wheel(wid, dx, dy, x, y, modifiers, buttons);
  }

  key(
    wid: number,
    keyname: string,
    pressed: boolean,
    keyval: number,
    keycode: number,
    text: string,
    modifiers: string[] = [],
    group = 0,
  ): void {
    this.input.key(wid, keyname, pressed, keyval, keycode, text, modifiers, group);
  }

  setClipboard(text: string): void {
    this.clipboard.setClipboard(text);
  }

  /** Sends `disconnect` with reason `client request` and closes the connection. */
  disconnect(): void {
    if (this.ended) return;
    this.send('disconnect', ['client request']);
    this.channel.end();
    this.end('the session was closed at our request');
  }

  private addRoutes(handlers: PacketHandlers): void {
    for (const [name, handler] of Object.entries(handlers)) this.routes.set(name, handler);
  }

  private send(legacyName: string, fields: Value[]): void {
    const name = this.newNamesOnly
      ? (newPacketName(legacyName) ?? legacyName)
      : outgoingName(legacyName, this.serverPacketTypes);
    this.logger.trace('network', `sending ${name}`);
    this.channel.send([name, ...fields]);
  }

  private onChannelEvent(event: ChannelEvent): void {
    if (event.kind === 'closed') {
      const detail = event.error
        ? `the connection to the server was lost: ${describeConnectionError(event.error)}`
        : 'the connection to the server was closed';
      this.end(detail);
    } else if (event.kind === 'text') {
      this.logger.warn('network', `unexpected text from the server: ${event.text.trim()}`);
    } else {
      this.route(event.packet);
    }
  }

  private route(packet: Packet): void {
    const name = packet[0];
    const handler = this.routes.get(name);
    if (!handler) {
      const level = IGNORED_PACKETS.has(name) ? 'trace' : 'debug';
      this.logger[level]('network', `ignoring '${name}'`);
      return;
    }
    try {
      handler(packet);
    } catch (error) {
      // One malformed packet must not end the session.
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn('network', `invalid '${name}' packet: ${message}`);
    }
  }

  private onDisconnect(packet: Packet): void {
    const reason = packet[1] === undefined ? '' : asText(packet[1]);
    const details = packet.slice(2).map((field) => readText(field) ?? '');
    const sentence = describeDisconnect(reason, details);
    this.logger.info('session', `the server disconnected: ${sentence}`);
    this.channel.end();
    this.end(sentence);
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.pings.stop();
    this.emit('disconnected', reason);
  }
}

/** Compares a `major.minor` version string with a minimum version. */
function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [actualMajor, actualMinor] = version.split('.').map((part) => Number.parseInt(part, 10));
  if (!Number.isFinite(actualMajor)) return false;
  return actualMajor > major || (actualMajor === major && (actualMinor || 0) >= minor);
}

function readText(value: Value | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

function readTextList(value: Value | undefined): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return asList(value).map((item) => readText(item) ?? '');
}

/** OpenSSL's codes for a received TLS record whose integrity check failed. */
const TLS_RECORD_ERRORS = new Set(['ERR_SSL_CIPHER_OPERATION_FAILED', 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC']);

/**
 * Returns the reason a live connection failed, in words. A TLS record from the server that
 * fails its integrity check is named as such instead of with OpenSSL's bare error line.
 * A record from xpra 3.1.3 failed this check in 2 of about 30 runs of the attach
 * conformance suite. Our code never touches the ciphertext, so the server sent it corrupt.
 */
export function describeConnectionError(error: Error): string {
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code === 'string' && TLS_RECORD_ERRORS.has(code)) {
    return `a TLS record from the server failed its integrity check (${code}), so the data cannot be trusted; attach again`;
  }
  return error.message;
}
