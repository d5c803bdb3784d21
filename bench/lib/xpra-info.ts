/**
 * Reads `xpra info` from a benchmark server over its unix socket and picks out the figures
 * for the one attached client. Key names are those of xpra 3.1.3, where a single client's
 * keys start with `client.` and per-window keys with `client.window.<wid>.`.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { XpraServer } from './xpra-server';

const run = promisify(execFile);
const INFO_TIMEOUT_MS = 20_000;

export type InfoMap = Map<string, string>;

/** Parses `key=value` lines; a value keeps any further `=` signs. */
export function parseInfo(text: string): InfoMap {
  const info: InfoMap = new Map();
  for (const line of text.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) info.set(line.slice(0, equals), line.slice(equals + 1));
  }
  return info;
}

/** Reads the server's `xpra info`. With `saveAs`, also writes the text to that file beside the server log. */
export async function readInfo(server: XpraServer, saveAs?: string): Promise<InfoMap> {
  const { stdout } = await run('xpra', ['info', `:${server.display}`, `--socket-dir=${server.socketDirectory}`], {
    timeout: INFO_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, XPRA_SOCKET_DIR: server.socketDirectory },
  });
  if (saveAs !== undefined) writeFileSync(join(dirname(server.logFile), saveAs), stdout);
  return parseInfo(stdout);
}

function numberAt(info: InfoMap, key: string): number | undefined {
  const value = info.get(key);
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

export interface WindowFigures {
  wid: number;
  dimensions: string;
  /** Draw packets sent so far, per encoding (`total_frames`). */
  framesByEncoding: Record<string, number>;
  pixelsByEncoding: Record<string, number>;
  qualityCurrent?: number;
  qualityAverage?: number;
  qualityMin?: number;
  speedCurrent?: number;
  lastEncoding: string;
  /** The size the video encoder works at, when the server picked a video pipeline. */
  videoEncoderSize?: string;
  damageInLatencyMs?: number;
  damageOutLatencyMs?: number;
}

export interface ClientFigures {
  drawPackets: number;
  damageAcks: number;
  bytesSent: number;
  /** Server estimate from the decode times in the acks, in pixels per second. */
  pixelsDecodedPerSecond?: number;
  clientLatencyMs?: number;
  frameTotalLatencyMs?: number;
  decodeErrors?: number;
  windows: WindowFigures[];
}

function collectByEncoding(info: InfoMap, prefix: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, value] of info) {
    if (key.startsWith(prefix)) result[key.slice(prefix.length)] = Number(value);
  }
  return result;
}

function readWindow(info: InfoMap, wid: number): WindowFigures {
  const prefix = `client.window.${wid}.`;
  const encoderWidth = info.get(`${prefix}encoding.pipeline_option.encoder.width`);
  const encoderHeight = info.get(`${prefix}encoding.pipeline_option.encoder.height`);
  return {
    wid,
    dimensions: info.get(`${prefix}dimensions`) ?? '',
    framesByEncoding: collectByEncoding(info, `${prefix}total_frames.`),
    pixelsByEncoding: collectByEncoding(info, `${prefix}total_pixels.`),
    qualityCurrent: numberAt(info, `${prefix}encoding.quality.cur`),
    qualityAverage: numberAt(info, `${prefix}encoding.quality.avg`),
    qualityMin: numberAt(info, `${prefix}encoding.quality.min`),
    speedCurrent: numberAt(info, `${prefix}encoding.speed.cur`),
    lastEncoding: info.get(`${prefix}last_used`) ?? '',
    videoEncoderSize: encoderWidth && encoderHeight ? `${encoderWidth}x${encoderHeight}` : undefined,
    damageInLatencyMs: numberAt(info, `${prefix}damage.in_latency.avg`),
    damageOutLatencyMs: numberAt(info, `${prefix}damage.out_latency.avg`),
  };
}

/**
 * Counts the draw acknowledgements the client sent. xpra 3.1.3 counts received packets by
 * name only while they arrive under their name; a client that switched to the numeric
 * aliases of the hello (xpra's HTML5 client does) leaves `count.damage-sequence` at 1. So
 * this returns all received packets minus those counted under other names, which is exact
 * for a client without aliases and counts aliased pings or input as acks otherwise.
 */
function countDamageAcks(info: InfoMap): number {
  const prefix = 'client.connection.input.count.';
  let otherPackets = 0;
  for (const [key, value] of info) {
    if (key.startsWith(prefix) && key !== `${prefix}damage-sequence`) otherPackets += Number(value);
  }
  return (numberAt(info, 'client.connection.input.packetcount') ?? 0) - otherPackets;
}

/** Extracts the attached client's figures, or undefined when no client is attached. */
export function clientFigures(info: InfoMap): ClientFigures | undefined {
  const drawPackets = numberAt(info, 'client.connection.output.count.draw');
  if (drawPackets === undefined && !info.has('client.connection.output.bytecount')) return undefined;
  const wids = new Set<number>();
  for (const key of info.keys()) {
    const match = /^client\.window\.(\d+)\./.exec(key);
    if (match) wids.add(Number(match[1]));
  }
  return {
    drawPackets: drawPackets ?? 0,
    damageAcks: countDamageAcks(info),
    bytesSent: numberAt(info, 'client.connection.output.bytecount') ?? 0,
    pixelsDecodedPerSecond: numberAt(info, 'client.encoding.pixels_decoded_per_second'),
    clientLatencyMs: numberAt(info, 'client.damage.client-latency'),
    frameTotalLatencyMs: numberAt(info, 'client.damage.frame-total-latency'),
    decodeErrors: numberAt(info, 'client.encoding.decode_errors'),
    windows: [...wids].sort((a, b) => a - b).map((wid) => readWindow(info, wid)),
  };
}

/** Returns the window that received the most draw packets: the workload's window. */
export function busiestWindow(figures: ClientFigures): WindowFigures | undefined {
  const total = (window: WindowFigures): number => Object.values(window.framesByEncoding).reduce((a, b) => a + b, 0);
  return [...figures.windows].sort((a, b) => total(b) - total(a))[0];
}
