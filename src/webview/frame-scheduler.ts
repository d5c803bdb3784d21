/**
 * Runs callbacks once on the next animation frame. A hidden document gets no animation
 * frames, so there the callbacks run from a zero-delay timer instead: draws must still be
 * painted and acknowledged, or the server stops sending.
 */
export class FrameScheduler {
  private readonly callbacks = new Set<() => void>();
  private scheduled = false;

  /** Runs `callback` once in the next frame. Adding the same callback twice runs it once. */
  request(callback: () => void): void {
    this.callbacks.add(callback);
    if (this.scheduled) {
      return;
    }
    this.scheduled = true;
    if (document.hidden) {
      setTimeout(() => this.run(), 0);
    } else {
      requestAnimationFrame(() => this.run());
    }
  }

  private run(): void {
    if (!this.scheduled) {
      return;
    }
    this.scheduled = false;
    const callbacks = [...this.callbacks];
    this.callbacks.clear();
    for (const callback of callbacks) {
      try {
        callback();
      } catch (error) {
        console.error('[xpra] frame callback failed:', error);
      }
    }
  }

  /** Runs pending callbacks now, for a document that became hidden while a frame was pending. */
  runPendingNow(): void {
    this.run();
  }
}
