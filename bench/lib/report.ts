/** The printed table, the ratios between clients and the JSON file of medians. */
import { writeFileSync } from 'node:fs';
import type { RunResult } from './measure';
import type { ClientName } from '../clients/types';
import type { WorkloadName } from '../workloads';

export interface ClientSummary {
  updates_per_s: number;
  draws_per_s: number;
  quality: number | null;
  cpu_ms_per_frame: number;
  first_frame_s: number;
  memory_mb: number;
  memory_growth: number;
  memory_start_mb: number;
  memory_end_mb: number;
  /** MB by kind of process at the end of the longest run. */
  memory_by_process: Record<string, number>;
  bytes_per_s: number;
  decode_ms_per_draw: number | null;
  client_latency_ms: number | null;
  frame_total_latency_ms: number | null;
  host_cpu_ms_per_frame: number;
  renderer_cpu_ms_per_frame: number;
  window_size: string;
  video_encoder_size: string | null;
  encodings: Record<string, number>;
  runs: number;
}

export type Summary = Partial<Record<WorkloadName, Partial<Record<ClientName, ClientSummary>>>>;

function median(values: number[]): number {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const middle = Math.floor(finite.length / 2);
  return finite.length % 2 === 1 ? finite[middle] : (finite[middle - 1] + finite[middle]) / 2;
}

function medianOrNull(values: (number | undefined)[]): number | null {
  const result = median(values.filter((value): value is number => value !== undefined));
  return Number.isFinite(result) ? result : null;
}

function sumEncodings(runs: RunResult[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const run of runs) {
    for (const [encoding, count] of Object.entries(run.encodings)) total[encoding] = (total[encoding] ?? 0) + count;
  }
  return total;
}

/**
 * Summarises the runs of one workload and client by medians; `memory_mb` is the median of
 * each run's peak. `memory_growth` and the start and end memory come from the longest run, which
 * is the memory run when one was made.
 */
function summarise(runs: RunResult[]): ClientSummary {
  const longest = [...runs].sort((a, b) => b.seconds - a.seconds)[0];
  const perFrame = (cpu: (run: RunResult) => number) =>
    median(runs.map((run) => cpu(run) / Math.max(1, run.updatesPerSecond * run.seconds)));
  return {
    updates_per_s: median(runs.map((run) => run.updatesPerSecond)),
    draws_per_s: median(runs.map((run) => run.drawsPerSecond)),
    quality: medianOrNull(runs.map((run) => run.quality)),
    cpu_ms_per_frame: median(runs.map((run) => run.cpuMsPerFrame)),
    first_frame_s: median(runs.map((run) => run.firstFrameSeconds)),
    memory_mb: median(runs.map((run) => run.memoryPeakMb)),
    memory_growth: longest.memoryGrowth,
    memory_start_mb: longest.memoryStartMb,
    memory_end_mb: longest.memoryEndMb,
    memory_by_process: longest.memoryByProcess,
    bytes_per_s: median(runs.map((run) => run.bytesPerSecond)),
    decode_ms_per_draw: medianOrNull(runs.map((run) => run.decodeMsPerDraw)),
    client_latency_ms: medianOrNull(runs.map((run) => run.clientLatencyMs)),
    frame_total_latency_ms: medianOrNull(runs.map((run) => run.frameTotalLatencyMs)),
    host_cpu_ms_per_frame: perFrame((run) => run.hostCpuMs),
    renderer_cpu_ms_per_frame: perFrame((run) => run.rendererCpuMs),
    window_size: longest.windowSize,
    video_encoder_size: longest.videoEncoderSize ?? null,
    encodings: sumEncodings(runs),
    runs: runs.length,
  };
}

export function summariseAll(results: RunResult[]): Summary {
  const summary: Summary = {};
  for (const result of results) {
    const byClient = (summary[result.workload] ??= {});
    if (byClient[result.client]) continue;
    const runs = results.filter((run) => run.workload === result.workload && run.client === result.client);
    byClient[result.client] = summarise(runs);
  }
  return summary;
}

function format(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return value.toFixed(digits);
}

/** Frame latency as xpra 3.1.3 reports it; values of a minute and more are printed as such. */
function latency(milliseconds: number | null): string {
  if (milliseconds !== null && milliseconds >= 60_000) return '>60s';
  return format(milliseconds, 0);
}

function topEncodings(encodings: Record<string, number>): string {
  const total = Object.values(encodings).reduce((a, b) => a + b, 0);
  if (total === 0) return '-';
  return Object.entries(encodings)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([name, count]) => `${name} ${Math.round((100 * count) / total)}%`)
    .join(', ');
}

const COLUMNS: [string, number][] = [
  ['workload', 10], ['client', 6], ['upd/s', 7], ['draw/s', 7], ['KB/s', 8], ['qual', 5],
  ['dec ms', 7], ['ftl ms', 7], ['cpu ms/f', 9], ['host', 6], ['rend', 6], ['1st s', 6],
  ['MB', 7], ['growth', 7], ['size', 10], ['encodings', 0],
];

function row(cells: string[]): string {
  return cells.map((cell, index) => (COLUMNS[index][1] > 0 ? cell.padStart(COLUMNS[index][1]) : cell)).join(' ');
}

/** Returns the table of medians, one row per workload and client. */
export function formatTable(summary: Summary): string {
  const lines = [row(COLUMNS.map(([title]) => title))];
  for (const [workload, byClient] of Object.entries(summary)) {
    for (const [client, figures] of Object.entries(byClient ?? {})) {
      if (!figures) continue;
      const video = figures.video_encoder_size ? ` (video ${figures.video_encoder_size})` : '';
      lines.push(row([
        workload, client, format(figures.updates_per_s), format(figures.draws_per_s),
        format(figures.bytes_per_s / 1024, 0), format(figures.quality, 0), format(figures.decode_ms_per_draw),
        latency(figures.frame_total_latency_ms), format(figures.cpu_ms_per_frame, 2),
        format(figures.host_cpu_ms_per_frame, 2), format(figures.renderer_cpu_ms_per_frame, 2),
        format(figures.first_frame_s, 2), format(figures.memory_mb, 0), format(figures.memory_growth, 2),
        figures.window_size.replace(/[() ]/g, '').replace(',', 'x'), topEncodings(figures.encodings) + video,
      ]));
    }
  }
  return lines.join('\n');
}

const RATIO_FIELDS: (keyof ClientSummary)[] = ['updates_per_s', 'draws_per_s', 'quality', 'cpu_ms_per_frame', 'first_frame_s', 'memory_mb'];
const RATIO_WIDTH = 17;

/**
 * Returns the ratios ours/null and ours/html5 per workload. Memory is compared with html5
 * only: the null client's memory is this Node process's growth, a few megabytes of noise.
 */
export function formatRatios(summary: Summary): string {
  const pad = (cells: string[]): string => cells.map((cell, index) => cell.padStart(index < 2 ? 11 : RATIO_WIDTH)).join('');
  const lines = [pad(['workload', 'ratio', ...RATIO_FIELDS])];
  for (const [workload, byClient] of Object.entries(summary)) {
    const ours = byClient?.ours;
    for (const other of ['null', 'html5'] as const) {
      const base = byClient?.[other];
      if (!ours || !base) continue;
      const cells = RATIO_FIELDS.map((field) =>
        field === 'memory_mb' && other === 'null' ? '-' : format((ours[field] as number) / (base[field] as number), 2),
      );
      lines.push(pad([workload, `ours/${other}`, ...cells]));
    }
  }
  return lines.length > 1 ? lines.join('\n') : '(no ratios: ours and null or html5 were not both measured)';
}

/** Writes the medians as JSON; NaN (a figure that could not be measured) becomes null. */
export function writeSummary(file: string, summary: Summary): void {
  writeFileSync(file, JSON.stringify(summary, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2) + '\n');
}
