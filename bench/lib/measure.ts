/**
 * One measured run: a fresh xpra server with one workload, one client attached to it, and
 * the figures over a fixed time after the first frame, from `xpra info` on the server side
 * and from /proc for the client's processes.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startXpraServer } from './xpra-server';
import { readInfo, clientFigures, busiestWindow, type ClientFigures } from './xpra-info';
import { RemoteSampler } from './remote-sampler';
import type { CertificateFiles } from './certificate';
import type { ClientDriver, ClientName, RunningClient } from '../clients/types';
import { workloadCommand, workloadWindowTitle, type WorkloadName } from '../workloads';

/** Time after the first frame before the measurement starts, so start-up work is left out. */
const WARM_UP_MS = 1000;
const SAMPLE_INTERVAL_MS = 500;
/**
 * Memory samples whose median gives the memory at the start and at the end of a run (5 s
 * at SAMPLE_INTERVAL_MS). Chromium's proportional set sizes swing by tens of MB between
 * samples: in one 45-s animation run of `ours` they ranged from 290 to 390 MB with no
 * trend, so single samples at the two ends gave a growth of 0.76.
 */
const MEMORY_WINDOW_SAMPLES = 10;

export interface RunResult {
  workload: WorkloadName;
  client: ClientName;
  repetition: number;
  seconds: number;
  updatesPerSecond: number;
  /** Draw packets acknowledged per second, counted by the server. */
  drawsPerSecond: number;
  drawsSentPerSecond: number;
  bytesPerSecond: number;
  quality?: number;
  qualityMin?: number;
  speed?: number;
  /** Draw packets per encoding during the measurement. */
  encodings: Record<string, number>;
  windowSize: string;
  videoEncoderSize?: string;
  /** Estimated from the server's decode speed and the mean draw size, in milliseconds. */
  decodeMsPerDraw?: number;
  clientLatencyMs?: number;
  frameTotalLatencyMs?: number;
  damageInLatencyMs?: number;
  damageOutLatencyMs?: number;
  hostCpuMs: number;
  rendererCpuMs: number;
  cpuMsPerFrame: number;
  firstFrameSeconds: number;
  memoryStartMb: number;
  memoryEndMb: number;
  memoryPeakMb: number;
  memoryGrowth: number;
  /** MB by kind of process at the end of the measurement: Chromium's process types, and `node` for this process's growth. */
  memoryByProcess: Record<string, number>;
}

export interface RunPlan {
  workload: WorkloadName;
  driver: ClientDriver;
  repetition: number;
  seconds: number;
  certificate: CertificateFiles;
  directory: string;
}

const MB = 1024 * 1024;

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const delta = value - (before[key] ?? 0);
    if (delta > 0) result[key] = delta;
  }
  return result;
}

/**
 * Memory of the client: its own process trees, read by a sampler in a child process, plus
 * what this Node process grew by, if it hosts part of the client.
 */
class ClientMemory {
  peak = 0;

  private constructor(
    private readonly sampler: RemoteSampler,
    private readonly usesNode: boolean,
    private readonly nodeBaseline: number,
  ) {}

  static async start(client: RunningClient, nodeBaseline: number): Promise<ClientMemory> {
    return new ClientMemory(await RemoteSampler.start(client.processRoots), client.usesNodeProcess, nodeBaseline);
  }

  /** This Node process's growth since the attach, when it hosts part of the client. */
  nodeShare(): number {
    return this.usesNode ? Math.max(0, process.memoryUsage.rss() - this.nodeBaseline) : 0;
  }

  async sample(): Promise<{ cpuMs: number; memoryBytes: number }> {
    const usage = await this.sampler.sample();
    const memoryBytes = usage.memoryBytes + this.nodeShare();
    this.peak = Math.max(this.peak, memoryBytes);
    return { cpuMs: usage.cpuMs, memoryBytes };
  }

  /** Memory by kind of process in MB, with this Node process's growth as `node`. */
  async breakdown(): Promise<Record<string, number>> {
    const kinds = await this.sampler.breakdown();
    if (this.usesNode) kinds.node = this.nodeShare();
    return Object.fromEntries(Object.entries(kinds).map(([kind, bytes]) => [kind, Math.round((bytes / MB) * 10) / 10]));
  }

  stop(): void {
    this.sampler.stop();
  }
}

/** Starts the server and the client, measures for `plan.seconds`, stops both and returns the figures. */
export async function measureRun(plan: RunPlan): Promise<RunResult> {
  const directory = join(plan.directory, `${plan.workload}-${plan.driver.name}-${plan.repetition}`);
  mkdirSync(directory, { recursive: true });
  const server = await startXpraServer({
    command: workloadCommand(plan.workload),
    windowTitle: workloadWindowTitle(plan.workload),
    html: plan.driver.name === 'html5',
    certificate: plan.certificate,
    directory,
  });
  try {
    const nodeBaseline = process.memoryUsage.rss();
    const client = await plan.driver.start({ server, certificate: plan.certificate, directory });
    try {
      return await measureAttached(plan, server, client, nodeBaseline);
    } finally {
      await client.stop();
    }
  } finally {
    await server.stop();
  }
}

async function measureAttached(
  plan: RunPlan,
  server: Awaited<ReturnType<typeof startXpraServer>>,
  client: RunningClient,
  nodeBaseline: number,
): Promise<RunResult> {
  const memory = await ClientMemory.start(client, nodeBaseline);
  try {
    return await measureWithSampler(plan, server, client, memory);
  } finally {
    memory.stop();
  }
}

async function measureWithSampler(
  plan: RunPlan,
  server: Awaited<ReturnType<typeof startXpraServer>>,
  client: RunningClient,
  memory: ClientMemory,
): Promise<RunResult> {
  await memory.sample();
  await sleep(WARM_UP_MS);

  const infoBefore = await readInfo(server);
  const countersBefore = await client.counters();
  const cpuBefore = process.cpuUsage();
  const measurementStart = await memory.sample();
  const startedAt = performance.now();

  const endAt = startedAt + plan.seconds * 1000;
  let last = measurementStart;
  const memorySamples = [measurementStart.memoryBytes];
  while (performance.now() < endAt) {
    await sleep(Math.min(SAMPLE_INTERVAL_MS, Math.max(0, endAt - performance.now())));
    last = await memory.sample();
    memorySamples.push(last.memoryBytes);
  }
  const memoryStart = median(memorySamples.slice(0, MEMORY_WINDOW_SAMPLES));
  const memoryEnd = median(memorySamples.slice(-MEMORY_WINDOW_SAMPLES));

  const memoryByProcess = await memory.breakdown();
  const countersAfter = await client.counters();
  const cpuAfter = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - startedAt) / 1000;
  const infoAfter = await readInfo(server, 'info-end.txt');

  const before = clientFigures(infoBefore);
  const after = clientFigures(infoAfter);
  if (!before || !after) throw new Error(`xpra info on :${server.display} shows no attached client; see ${server.logFile}`);

  const hostCpuMs = client.usesNodeProcess ? (cpuAfter.user + cpuAfter.system) / 1000 : 0;
  const rendererCpuMs = last.cpuMs - measurementStart.cpuMs;
  const updates = countersAfter.updates - countersBefore.updates;
  return {
    workload: plan.workload,
    client: plan.driver.name,
    repetition: plan.repetition,
    seconds,
    updatesPerSecond: updates / seconds,
    ...serverRates(before, after, seconds),
    hostCpuMs,
    rendererCpuMs,
    cpuMsPerFrame: updates > 0 ? (hostCpuMs + rendererCpuMs) / updates : Number.NaN,
    firstFrameSeconds: client.firstFrameSeconds,
    memoryStartMb: memoryStart / MB,
    memoryEndMb: memoryEnd / MB,
    memoryPeakMb: memory.peak / MB,
    memoryGrowth: memoryStart > 0 ? memoryEnd / memoryStart : Number.NaN,
    memoryByProcess,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function serverRates(before: ClientFigures, after: ClientFigures, seconds: number) {
  const windowAfter = busiestWindow(after);
  const windowBefore = before.windows.find((window) => window.wid === windowAfter?.wid);
  const encodings = difference(windowAfter?.framesByEncoding ?? {}, windowBefore?.framesByEncoding ?? {});
  const pixels = difference(windowAfter?.pixelsByEncoding ?? {}, windowBefore?.pixelsByEncoding ?? {});
  const draws = Object.values(encodings).reduce((a, b) => a + b, 0);
  const pixelTotal = Object.values(pixels).reduce((a, b) => a + b, 0);
  const decodeSpeed = after.pixelsDecodedPerSecond;
  return {
    drawsPerSecond: (after.damageAcks - before.damageAcks) / seconds,
    drawsSentPerSecond: (after.drawPackets - before.drawPackets) / seconds,
    bytesPerSecond: (after.bytesSent - before.bytesSent) / seconds,
    quality: windowAfter?.qualityCurrent,
    qualityMin: windowAfter?.qualityMin,
    speed: windowAfter?.speedCurrent,
    encodings,
    windowSize: windowAfter?.dimensions ?? '',
    videoEncoderSize: windowAfter?.videoEncoderSize,
    decodeMsPerDraw: decodeSpeed && draws > 0 ? (pixelTotal / draws / decodeSpeed) * 1000 : undefined,
    clientLatencyMs: after.clientLatencyMs,
    frameTotalLatencyMs: after.frameTotalLatencyMs,
    damageInLatencyMs: windowAfter?.damageInLatencyMs,
    damageOutLatencyMs: windowAfter?.damageOutLatencyMs,
  };
}
