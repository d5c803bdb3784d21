/**
 * The child process that samples the client's processes. Reading /proc, above all
 * smaps_rollup, costs tens of milliseconds of CPU per second for Chromium's ten or so
 * processes. Done inside the benchmark's Node process, which also hosts our engine, that
 * cost landed in the host's CPU figure and no subtraction removed it cleanly: garbage
 * collection of the strings read came later. Here it lands in a process that no figure counts.
 *
 * Messages over the fork IPC channel: the parent sends `{ roots }` once, then `'sample'`
 * or `'breakdown'`, and the child replies to each with one message.
 */
import { describeProcesses, ProcessTreeSampler } from './process-stats';

let sampler: ProcessTreeSampler | undefined;
let roots: number[] = [];

process.on('message', (message: unknown) => {
  if (typeof message === 'object' && message !== null && 'roots' in message) {
    roots = (message as { roots: number[] }).roots;
    sampler = new ProcessTreeSampler(roots);
    process.send?.({ started: true });
  } else if (message === 'sample' && sampler) {
    process.send?.({ usage: sampler.sample() });
  } else if (message === 'breakdown') {
    process.send?.({ breakdown: describeProcesses(roots) });
  }
});
process.on('disconnect', () => process.exit(0));
