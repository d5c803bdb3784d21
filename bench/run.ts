/**
 * `npm run bench`: measures our panel, xpra's HTML5 client and a null client side by side
 * against real xpra 3.1.3 servers on loopback, one server per workload, client and
 * repetition. Prints a table, the ratios and, as the last line, the path of the JSON file
 * of medians. `--record FILE` and `--replay FILE` time the webview pipeline alone.
 */
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { makeLoopbackCertificate } from './lib/certificate';
import { measureRun, type RunResult } from './lib/measure';
import { formatRatios, formatTable, summariseAll, writeSummary } from './lib/report';
import { WORKLOAD_NAMES, checkWorkloadPrerequisites, type WorkloadName } from './workloads';
import type { ClientDriver, ClientName } from './clients/types';
import { H264_MODES } from '../src/vscode/video-support';

const CLIENT_NAMES: ClientName[] = ['ours', 'html5', 'null'];

const USAGE = `usage: node --import tsx bench/run.ts [OPTIONS]

  --quick                 one repetition of 5 s, no separate memory run
  --seconds N             measured seconds per run (default 20)
  --repetitions N         runs per workload and client (default 3)
  --memory-seconds N      length of the first repetition, which gives memory_growth (default 60)
  --workloads A,B         among ${WORKLOAD_NAMES.join(', ')} (default all)
  --clients A,B           among ${CLIENT_NAMES.join(', ')} (default all)
  --h264 MODE             auto, on or off: the xpra.video.h264 setting for ours (default auto,
                          which offers h264 only with a hardware decoder)
  --min-speed N           speed floor that ours and null ask of the server, 0 for none (default:
                          the engine's loopback floor)
  --out FILE              JSON file of medians (default bench-results/bench-<time>.json)
  --record FILE           attach our client to the first of --workloads for --seconds (default 10)
                          and save the messages its pages received
  --replay FILE           paint saved draw messages in the webview as fast as possible
  --help                  show this text`;

function print(text: string): void {
  process.stdout.write(text + '\n');
}

function parseList<T extends string>(value: string | undefined, allowed: T[], option: string): T[] {
  if (value === undefined) return allowed;
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of names) {
    if (!allowed.includes(name as T)) throw new Error(`invalid ${option} value '${name}': expected one of ${allowed.join(', ')}`);
  }
  return names as T[];
}

function parsePositive(value: string | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`invalid ${option} value '${value}': expected a positive number`);
  return parsed;
}

async function loadDriver(name: ClientName): Promise<ClientDriver> {
  switch (name) {
    case 'html5':
      return (await import('./clients/html5')).html5Client;
    case 'ours':
      return (await import('./clients/ours')).oursClient;
    case 'null':
      return (await import('./clients/null')).nullClient;
  }
}

interface Plan {
  seconds: number;
  repetitions: number;
  memorySeconds: number;
  workloads: WorkloadName[];
  clients: ClientName[];
  out: string;
}

async function runBenchmark(plan: Plan): Promise<void> {
  await checkWorkloadPrerequisites();
  const directory = mkdtempSync(join(tmpdir(), 'xpra-bench-'));
  const certificate = await makeLoopbackCertificate(directory);
  const drivers = await Promise.all(plan.clients.map(loadDriver));
  const results: RunResult[] = [];

  print(`bench: ${plan.workloads.join(', ')} x ${plan.clients.join(', ')}, ${plan.repetitions} x ${plan.seconds} s; logs in ${directory}`);
  // Clients take turns within each repetition, so that a slow drift of the machine hits all of them alike.
  for (let repetition = 1; repetition <= plan.repetitions; repetition++) {
    const seconds = repetition === 1 ? Math.max(plan.seconds, plan.memorySeconds) : plan.seconds;
    for (const workload of plan.workloads) {
      for (const driver of drivers) {
        try {
          const result = await measureRun({ workload, driver, repetition, seconds, certificate, directory });
          results.push(result);
          print(
            `  ${workload} ${driver.name} #${repetition}: ${result.updatesPerSecond.toFixed(1)} updates/s, ` +
              `${result.drawsPerSecond.toFixed(1)} draws/s, ${result.cpuMsPerFrame.toFixed(2)} ms CPU/frame`,
          );
        } catch (error) {
          print(`  ${workload} ${driver.name} #${repetition}: failed: ${(error as Error).message}`);
        }
      }
    }
  }

  const summary = summariseAll(results);
  print('');
  print(formatTable(summary));
  print('');
  print(formatRatios(summary));
  mkdirSync(resolve(plan.out, '..'), { recursive: true });
  writeSummary(plan.out, summary);
  print(plan.out);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      seconds: { type: 'string' },
      repetitions: { type: 'string' },
      'memory-seconds': { type: 'string' },
      workloads: { type: 'string' },
      clients: { type: 'string' },
      h264: { type: 'string' },
      'min-speed': { type: 'string' },
      out: { type: 'string' },
      record: { type: 'string' },
      replay: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    print(USAGE);
    return 0;
  }
  if (values.record !== undefined) {
    const { recordSession } = await import('./replay/record');
    const [workload] = parseList(values.workloads, WORKLOAD_NAMES, '--workloads');
    await recordSession(resolve(values.record), workload, parsePositive(values.seconds, 10, '--seconds'), print);
    return 0;
  }
  if (values.replay !== undefined) {
    const { replaySession } = await import('./replay/replay');
    await replaySession(resolve(values.replay), print);
    return 0;
  }
  if (values.h264 !== undefined) {
    const mode = H264_MODES.find((candidate) => candidate === values.h264);
    if (mode === undefined) throw new Error(`--h264 must be one of ${H264_MODES.join(', ')}, not ${values.h264}`);
    (await import('./clients/ours')).setH264Mode(mode);
  }
  if (values['min-speed'] !== undefined) {
    const minSpeed = Number(values['min-speed']);
    if (!Number.isInteger(minSpeed) || minSpeed < 0 || minSpeed > 100) {
      throw new Error(`--min-speed must be an integer from 0 to 100, not ${values['min-speed']}`);
    }
    (await import('./clients/engine')).setMinSpeed(minSpeed);
  }
  const quick = values.quick === true;
  const seconds = parsePositive(values.seconds, quick ? 5 : 20, '--seconds');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  await runBenchmark({
    seconds,
    repetitions: parsePositive(values.repetitions, quick ? 1 : 3, '--repetitions'),
    memorySeconds: parsePositive(values['memory-seconds'], quick ? seconds : 60, '--memory-seconds'),
    workloads: parseList(values.workloads, WORKLOAD_NAMES, '--workloads'),
    clients: parseList(values.clients, CLIENT_NAMES, '--clients'),
    out: resolve(values.out ?? join('bench-results', `bench-${stamp}.json`)),
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`bench: ${error.message}\n`);
    process.exit(1);
  },
);
