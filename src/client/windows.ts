/**
 * The window model: server windows and popups as they are created, changed and lost, and
 * the packets that map, move, resize, close, focus and refresh them.
 */
import { asDict, asInt, asText } from '../protocol';
import type { Dict, Packet, Value } from '../protocol/types';
import type { PacketHandlers, SessionContext } from './context';
import type { SizeConstraints, WindowDescription } from './types';

/** More windows than this from one server is treated as abuse; the rest are refused. */
export const MAX_WINDOWS = 1024;
/** The largest window side we accept, in pixels: 6.x reads sizes as uint16. */
export const MAX_WINDOW_SIDE = 65535;

export class Windows {
  readonly windows = new Map<number, WindowDescription>();
  /** Incremented on each configure-window, so the server can drop stale resizes. */
  private resizeCounter = 0;

  constructor(private readonly context: SessionContext) {}

  readonly handlers: PacketHandlers = {
    'new-window': (packet) => this.onNewWindow(packet, false),
    'new-override-redirect': (packet) => this.onNewWindow(packet, true),
    'lost-window': (packet) => this.onLostWindow(asInt(packet[1])),
    'window-metadata': (packet) => this.onMetadata(asInt(packet[1]), asDict(packet[2])),
    'raise-window': (packet) => this.context.emit('window-raise', asInt(packet[1])),
    'window-move-resize': (packet) => this.onGeometry(packet, true),
    'configure-override-redirect': (packet) => this.onGeometry(packet, true),
    'window-resized': (packet) => this.onGeometry(packet, false),
  };

  has(wid: number): boolean {
    return this.windows.has(wid);
  }

  /** Maps a top-level window at the given root position; pixels flow only after this. */
  mapWindow(wid: number, x: number, y: number, width: number, height: number): void {
    const window = this.windows.get(wid);
    if (window) Object.assign(window, { x, y, width, height });
    this.context.send('map-window', wid, x, y, width, height, {});
  }

  configureWindow(wid: number, x: number, y: number, width: number, height: number): void {
    const window = this.windows.get(wid);
    if (window) Object.assign(window, { x, y, width, height });
    this.resizeCounter += 1;
    this.context.send(
      'configure-window',
      wid,
      x,
      y,
      width,
      height,
      {},
      this.resizeCounter,
      {},
      false,
    );
  }

  closeWindow(wid: number): void {
    this.context.send('close-window', wid);
  }

  /** Gives the window keyboard focus; wid 0 means no window has focus. */
  focus(wid: number, modifiers: string[] = []): void {
    this.context.send('focus', wid, modifiers);
  }

  /** Asks for a full repaint of one window, or of all windows when wid is -1. */
  bufferRefresh(wid = -1): void {
    this.context.send(
      'buffer-refresh',
      wid,
      0,
      100,
      { 'refresh-now': true, batch: { reset: true } },
      {},
    );
  }

  /** Stops pixel updates, e.g. while the panel is hidden. */
  suspend(): void {
    this.context.send('suspend', true, [...this.windows.keys()]);
  }

  resume(): void {
    this.context.send('resume', true, [...this.windows.keys()]);
    this.bufferRefresh(-1);
  }

  private onNewWindow(packet: Packet, popup: boolean): void {
    const wid = asInt(packet[1]);
    if (this.windows.size >= MAX_WINDOWS && !this.windows.has(wid)) {
      this.context.logger.warn(
        'window',
        `ignoring window ${wid}: more than ${MAX_WINDOWS} windows`,
      );
      return;
    }
    const metadata = packet[6] === undefined ? {} : asDict(packet[6]);
    const window: WindowDescription = {
      wid,
      x: asInt(packet[2]),
      y: asInt(packet[3]),
      width: clampSide(asInt(packet[4])),
      height: clampSide(asInt(packet[5])),
      title: '',
      overrideRedirect: popup || readFlag(metadata['override-redirect']),
      modal: false,
      hasAlpha: false,
      sizeConstraints: {},
    };
    applyMetadata(window, metadata);
    this.windows.set(wid, window);
    this.context.logger.debug(
      'window',
      `new ${popup ? 'popup' : 'window'} ${wid} at ${window.x},${window.y} ${window.width}x${window.height}`,
    );
    this.context.emit('window-new', { ...window, sizeConstraints: { ...window.sizeConstraints } });
  }

  private onLostWindow(wid: number): void {
    if (this.windows.delete(wid)) {
      this.context.emit('window-lost', wid);
    }
  }

  private onMetadata(wid: number, metadata: Dict): void {
    const window = this.windows.get(wid);
    if (!window) return;
    const update = applyMetadata(window, metadata);
    if (Object.keys(update).length > 0) {
      this.context.emit('window-metadata', { wid, ...update });
    }
  }

  /** window-move-resize and configure-override-redirect carry x, y; window-resized does not. */
  private onGeometry(packet: Packet, withPosition: boolean): void {
    const wid = asInt(packet[1]);
    const window = this.windows.get(wid);
    if (!window) return;
    if (withPosition) {
      window.x = asInt(packet[2]);
      window.y = asInt(packet[3]);
      window.width = clampSide(asInt(packet[4]));
      window.height = clampSide(asInt(packet[5]));
    } else {
      window.width = clampSide(asInt(packet[2]));
      window.height = clampSide(asInt(packet[3]));
    }
    const { x, y, width, height } = window;
    this.context.emit('window-move-resize', { wid, x, y, width, height });
  }
}

type MetadataUpdate = {
  title?: string;
  sizeConstraints?: SizeConstraints;
  modal?: boolean;
  transientFor?: number;
};

/** Applies the metadata keys we use to the window and returns the ones that were present. */
function applyMetadata(window: WindowDescription, metadata: Dict): MetadataUpdate {
  const update: MetadataUpdate = {};
  if (metadata.title !== undefined) {
    window.title = asText(metadata.title);
    update.title = window.title;
  }
  if (metadata['size-constraints'] !== undefined) {
    window.sizeConstraints = parseSizeConstraints(asDict(metadata['size-constraints']));
    update.sizeConstraints = { ...window.sizeConstraints };
  }
  if (metadata.modal !== undefined) {
    window.modal = readFlag(metadata.modal);
    update.modal = window.modal;
  }
  if (metadata['transient-for'] !== undefined) {
    const parent = asInt(metadata['transient-for']);
    window.transientFor = parent > 0 ? parent : undefined;
    update.transientFor = parent;
  }
  if (metadata['has-alpha'] !== undefined) {
    window.hasAlpha = readFlag(metadata['has-alpha']);
  }
  return update;
}

function parseSizeConstraints(dict: Dict): SizeConstraints {
  const constraints: SizeConstraints = {};
  const pair = (key: string): [number, number] | undefined => {
    const value = dict[key];
    if (!Array.isArray(value) || value.length < 2) return undefined;
    return [asInt(value[0]), asInt(value[1])];
  };
  const minimum = pair('minimum-size');
  const maximum = pair('maximum-size');
  const base = pair('base-size');
  const increment = pair('increment');
  if (minimum) [constraints.minWidth, constraints.minHeight] = minimum;
  if (maximum) [constraints.maxWidth, constraints.maxHeight] = maximum;
  if (base) [constraints.baseWidth, constraints.baseHeight] = base;
  if (increment) [constraints.widthIncrement, constraints.heightIncrement] = increment;
  return constraints;
}

/** Flags arrive as 1/0 under bencode and as booleans under rencode. */
function readFlag(value: Value | undefined): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  return false;
}

function clampSide(side: number): number {
  return Math.max(1, Math.min(MAX_WINDOW_SIDE, side));
}
