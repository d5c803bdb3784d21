/**
 * The client hello: one set of capabilities that xpra 3.1.3 accepts and that 6.x servers
 * read too. 3.1 reads flat dotted keys only; 6.x looks a dotted key up flat first, then in
 * nested dicts, and reads the keyboard from the `keymap` dict.
 */
import { randomBytes } from 'node:crypto';
import type { Dict, Value } from '../protocol/types';
import type { KeycodeEntry } from '../keymap';
import { digestCaps } from './auth';
import type { EncodingTuning } from './types';

/**
 * The xpra protocol version we claim. 3.1.3 accepts anything from 0.14.10 on and 6.5
 * rejects anything below 3.0; "6.5" is the newest generation whose wire format we speak.
 */
export const CLAIMED_VERSION = '6.5';

export interface HelloParameters {
  encodings: string[];
  desktopSize: [number, number];
  keycodes: KeycodeEntry[];
  /** Whether the channel is TLS, which decides whether `xor` digests are offered. */
  tls: boolean;
  /** The packet compressors this client decodes. */
  compressors: string[];
  /**
   * Whether to add the nested dicts that 6.x reads. Only a rencodeplus hello carries them,
   * because only servers from 4.3 on decode rencodeplus; 3.1 expects `encoding` as text.
   */
  nested: boolean;
  uuid?: string;
  username?: string;
  dpi?: number;
  /** Speed and quality settings; figures that are absent or 0 are left out of the hello. */
  tuning?: EncodingTuning;
}

/** Window metadata keys we read; 3.1.3 sends its default list when this cap is missing. */
const METADATA_SUPPORTED = [
  'title',
  'size-constraints',
  'transient-for',
  'modal',
  'override-redirect',
  'has-alpha',
  'window-type',
  'class-instance',
  'iconic',
  'fullscreen',
  'maximized',
  'decorations',
  'xid',
  'pid',
];

const RGB_FORMATS = ['RGBX', 'RGBA', 'RGB'];

/**
 * The largest video frame, per side, that the hello lets the server encode. It matches the
 * webview's limit on a video stream's size.
 */
export const VIDEO_MAX_SIZE = 4096;
const CLIPBOARD_TARGETS = ['UTF8_STRING', 'TEXT', 'STRING', 'text/plain'];

export function newClientUuid(): string {
  return randomBytes(16).toString('hex');
}

/** Builds the hello capabilities. */
export function buildHello(parameters: HelloParameters): Dict {
  return {
    ...protocolCaps(parameters),
    ...encodingCaps(parameters),
    ...keyboardCaps(parameters.keycodes),
    ...displayCaps(parameters.desktopSize, parameters.dpi ?? 96),
    ...featureCaps(),
    ...digestCaps(parameters.tls),
    uuid: parameters.uuid ?? newClientUuid(),
    username: parameters.username ?? '',
    client_type: 'xpra-sessions',
  };
}

function protocolCaps(parameters: HelloParameters): Dict {
  const compressors = parameters.compressors;
  return {
    version: CLAIMED_VERSION,
    rencodeplus: true,
    rencode: true,
    bencode: true,
    encoders: ['rencodeplus', 'rencode', 'bencode'],
    compressors,
    compression_level: 1,
    lz4: compressors.includes('lz4'),
    zlib: compressors.includes('zlib'),
    brotli: compressors.includes('brotli'),
    lzo: false,
    flush: true,
    wants: ['packet-types'],
  };
}

function encodingCaps(parameters: HelloParameters): Dict {
  const core = parameters.encodings.filter((name) => name !== 'rgb');
  const rgbLz4 = parameters.compressors.includes('lz4');
  // 3.1 lists the generic `rgb` in `encodings` and the concrete rgb24/rgb32 in the core list.
  const hasRgb = core.includes('rgb24') || core.includes('rgb32');
  const flat: Dict = {
    encodings: hasRgb ? ['rgb', ...core] : core,
    'encodings.core': core,
    'encodings.rgb_formats': RGB_FORMATS,
    'encodings.window-icon': ['png'],
    'encodings.cursor': ['png'],
    'encoding.rgb_lz4': rgbLz4,
    'encoding.transparency': true,
    'encoding.flush': true,
    'encoding.scrolling': true,
    'encoding.icons.max_size': [30, 30],
  };
  const video = core.includes('h264') ? h264Caps() : {};
  const tuning = tuningCaps(parameters.tuning);
  if (!parameters.nested) {
    return { ...flat, ...prefixKeys('encoding.', { ...video, ...tuning }), encoding: 'auto' };
  }
  // 6.x reads `encoding.core`, `encoding.options` and `encoding.rgb_formats` from this dict
  // first; a 6.5.3 server accepted this shape. NOTE: `encodings` stays a list, because
  // 3.x-5.x servers read it as a list and refuse a hello whose `encodings` is a dict.
  const nested: Dict = {
    '': 'auto',
    setting: 'auto',
    core,
    options: core,
    rgb_formats: RGB_FORMATS,
    'window-icon': ['png'],
    cursor: ['png'],
    transparency: true,
    flush: true,
    scrolling: true,
    rgb_lz4: rgbLz4,
    ...video,
    ...tuning,
  };
  return { ...flat, ...prefixKeys('encoding.', { ...video, ...tuning }), encoding: nested };
}

/**
 * Returns the speed and quality options under the names every server reads: 3.1 as flat
 * `encoding.*` keys, 6.x as keys of the `encoding` dict. Values outside 1 to 100 are left
 * out, because the servers read 0 as "not set" and use no figure above 100.
 */
function tuningCaps(tuning: EncodingTuning | undefined): Dict {
  const caps: Dict = {};
  const names: [keyof EncodingTuning, string][] = [
    ['speed', 'speed'],
    ['minSpeed', 'min-speed'],
    ['quality', 'quality'],
    ['minQuality', 'min-quality'],
  ];
  for (const [field, name] of names) {
    const value = tuning?.[field];
    if (value !== undefined && Number.isInteger(value) && value >= 1 && value <= 100) {
      caps[name] = value;
    }
  }
  return caps;
}

/**
 * Returns the encoding options that describe our h264 decoder, without their `encoding.`
 * prefix.
 * The webview decodes Annex B h264 in YUV420P only (the server's `full_csc_modes`). 3.1.3
 * scales video down only when `video_scaling` is true, and defaults it to false, so false
 * keeps the full size. The options also request no B-frames, whose reordering would delay
 * each picture, and the `eos` packet that ends a stream.
 *
 * `h264.fast-decode` makes 3.1.3's x264 encoder use its fastdecode tuning (no CABAC, no
 * deblocking filter, no weighted prediction), because the webview may decode in software.
 */
function h264Caps(): Dict {
  return {
    full_csc_modes: { h264: ['YUV420P'] },
    'h264.fast-decode': true,
    video_scaling: false,
    video_b_frames: [],
    video_max_size: [VIDEO_MAX_SIZE, VIDEO_MAX_SIZE],
    eos: true,
  };
}

function prefixKeys(prefix: string, dict: Dict): Dict {
  return Object.fromEntries(Object.entries(dict).map(([key, value]) => [prefix + key, value]));
}

function keyboardCaps(keycodes: KeycodeEntry[]): Dict {
  const keycodeValues: Value[] = keycodes.map((entry) => [...entry]);
  return {
    keyboard: true,
    xkbmap_layout: 'us',
    xkbmap_variant: '',
    xkbmap_options: '',
    xkbmap_print: '',
    xkbmap_query: '',
    xkbmap_keycodes: keycodeValues,
    keymap: { layout: 'us', variant: '', options: '', keycodes: keycodeValues },
  };
}

function displayCaps(desktopSize: [number, number], dpi: number): Dict {
  const [width, height] = desktopSize;
  // 25.4 mm per inch.
  const widthMm = Math.round((width * 25.4) / dpi);
  const heightMm = Math.round((height * 25.4) / dpi);
  const monitor: Value = ['Monitor-0', 0, 0, width, height, widthMm, heightMm];
  return {
    desktop_size: [width, height],
    desktop_mode_size: [width, height],
    screen_sizes: [['Default', width, height, widthMm, heightMm, [monitor], 0, 0, width, height]],
    dpi,
  };
}

function featureCaps(): Dict {
  return {
    windows: true,
    cursors: true,
    bell: true,
    'window.raise': true,
    'metadata.supported': METADATA_SUPPORTED,
    'notify-startup-complete': true,
    clipboard: true,
    'clipboard.want_targets': true,
    'clipboard.greedy': true,
    'clipboard.selections': ['CLIPBOARD'],
    'clipboard.preferred-targets': CLIPBOARD_TARGETS,
    notifications: false,
    system_tray: false,
    share: false,
    steal: true,
  };
}
