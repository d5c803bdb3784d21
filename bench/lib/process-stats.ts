/**
 * CPU time and memory of process trees, read from Linux /proc.
 * CPU time counts user plus system time; memory is the proportional set size (PSS) from
 * smaps_rollup, so shared pages of Chromium's many processes are not counted twice.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcStat {
  pid: number;
  parentPid: number;
  cpuTicks: number;
}

function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name in brackets may contain spaces, so fields are counted after its ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  return { pid, parentPid: Number(fields[1]), cpuTicks: userTicks + systemTicks };
}

/** Lists `rootPid` and all its descendants that are alive now. */
export function listProcessTree(rootPid: number): ProcStat[] {
  const all: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(Number(name));
    if (stat) all.push(stat);
  }
  const children = new Map<number, ProcStat[]>();
  for (const stat of all) {
    const list = children.get(stat.parentPid) ?? [];
    list.push(stat);
    children.set(stat.parentPid, list);
  }
  const root = all.find((stat) => stat.pid === rootPid);
  if (!root) return [];
  const tree: ProcStat[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const next = pending.pop() as ProcStat;
    tree.push(next);
    pending.push(...(children.get(next.pid) ?? []));
  }
  return tree;
}

/** Returns the proportional set size of one process in bytes, or its RSS where PSS is unreadable. */
export function readMemoryBytes(pid: number): number {
  for (const [file, key] of [
    [`/proc/${pid}/smaps_rollup`, 'Pss:'],
    [`/proc/${pid}/status`, 'VmRSS:'],
  ]) {
    try {
      const line = readFileSync(file, 'utf8')
        .split('\n')
        .find((candidate) => candidate.startsWith(key));
      if (line) return Number(line.split(/\s+/)[1]) * 1024;
    } catch {
      // The process may have exited between the listing and this read.
    }
  }
  return 0;
}

export interface TreeUsage {
  /** CPU time in milliseconds since the sampler started. */
  cpuMs: number;
  memoryBytes: number;
}

/**
 * Follows the CPU time and memory of the process trees under some root pids.
 * CPU time of a process that exits between two samples is lost after its last sample, so
 * sample often (the runner does every 500 ms) when processes come and go.
 */
export class ProcessTreeSampler {
  private readonly baselineTicks = new Map<number, number>();
  private readonly lastTicks = new Map<number, number>();
  private readonly roots: number[];
  peakMemoryBytes = 0;

  constructor(roots: number[]) {
    this.roots = roots;
    for (const stat of this.listAll()) this.baselineTicks.set(stat.pid, stat.cpuTicks);
  }

  private listAll(): ProcStat[] {
    return this.roots.flatMap((pid) => listProcessTree(pid));
  }

  /** Reads every process once and returns the usage so far. */
  sample(): TreeUsage {
    let memoryBytes = 0;
    for (const stat of this.listAll()) {
      this.lastTicks.set(stat.pid, stat.cpuTicks);
      memoryBytes += readMemoryBytes(stat.pid);
    }
    this.peakMemoryBytes = Math.max(this.peakMemoryBytes, memoryBytes);
    let ticks = 0;
    for (const [pid, last] of this.lastTicks) ticks += last - (this.baselineTicks.get(pid) ?? 0);
    return { cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND, memoryBytes };
  }
}

/** Memory by kind of process (Chromium's `--type`, and its utility sub-type), in bytes. */
export function describeProcesses(roots: number[]): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const stat of roots.flatMap((pid) => listProcessTree(pid))) {
    let commandLine = '';
    try {
      commandLine = readFileSync(`/proc/${stat.pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    const type = /--type=(\S+)/.exec(commandLine)?.[1] ?? 'browser';
    const subType = /--utility-sub-type=(?:\w+\.)*(\w+)/.exec(commandLine)?.[1];
    const kind = subType ? `${type}:${subType}` : type;
    kinds[kind] = (kinds[kind] ?? 0) + readMemoryBytes(stat.pid);
  }
  return kinds;
}
