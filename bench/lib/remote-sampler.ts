/**
 * The parent's side of `sampler-process.ts`: a ProcessTreeSampler that runs in a child
 * process, so that its reading of /proc is not counted as the client's CPU time.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { TreeUsage } from './process-stats';

const REPLY_TIMEOUT_MS = 10_000;

export class RemoteSampler {
  private constructor(private readonly child: ChildProcess) {}

  /** Starts the child and its sampler over the process trees under `roots`. */
  static async start(roots: number[]): Promise<RemoteSampler> {
    const child = fork(join(__dirname, 'sampler-process.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const sampler = new RemoteSampler(child);
    await sampler.request({ roots });
    return sampler;
  }

  async sample(): Promise<TreeUsage> {
    const reply = (await this.request('sample')) as { usage: TreeUsage };
    return reply.usage;
  }

  /** Returns the memory by kind of process now, in bytes. */
  async breakdown(): Promise<Record<string, number>> {
    const reply = (await this.request('breakdown')) as { breakdown: Record<string, number> };
    return reply.breakdown;
  }

  stop(): void {
    if (this.child.connected) this.child.disconnect();
  }

  private request(message: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`the sampler process (pid ${this.child.pid}) timed out: no reply within ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      const onMessage = (reply: unknown) => {
        cleanup();
        resolve(reply);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`the sampler process exited with code ${code}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.on('exit', onExit);
      this.child.send(message as object);
    });
  }
}
