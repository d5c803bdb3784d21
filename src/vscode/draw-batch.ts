/**
 * Collects the draws posted to one page during one turn of the event loop and posts them as
 * one message. Under load the several draws of a screen update arrive together, and each
 * message costs work in every process it crosses. `npm run bench` measures the effect on
 * the terminal workload. A lone draw goes as a plain `draw` message.
 */
import type { DrawMessage, HostMessage } from '../webview/messages';

export class DrawBatcher {
  private draws: DrawMessage[] = [];
  private settle: ((delivered: boolean) => void)[] = [];
  private scheduled = false;

  /** `send` posts one message and resolves whether the page received it. */
  constructor(private readonly send: (message: HostMessage) => Promise<boolean>) {}

  /** Queues a draw; resolves whether the page received the message that carried it. */
  add(draw: DrawMessage): Promise<boolean> {
    this.draws.push(draw);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return new Promise((resolve) => this.settle.push(resolve));
  }

  /** Posts the queued draws now. Call it before any other message, so messages keep their order. */
  flush(): void {
    this.scheduled = false;
    if (this.draws.length === 0) return;
    const draws = this.draws;
    const settle = this.settle;
    this.draws = [];
    this.settle = [];
    const message: HostMessage = draws.length === 1 ? draws[0] : { type: 'draw-batch', draws };
    this.send(message).then(
      (delivered) => settle.forEach((resolve) => resolve(delivered)),
      () => settle.forEach((resolve) => resolve(false)),
    );
  }
}
