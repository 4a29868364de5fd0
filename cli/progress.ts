/** A one-line progress display on a terminal, at most once a second. */
import type { Progress } from '../checker/index.js';

export interface ProgressSink {
  write(s: string): unknown;
}

export class ProgressLine {
  private last: number;
  private shown = false;
  private readonly start: number;

  constructor(
    private readonly out: ProgressSink,
    private readonly now: () => number,
    private readonly memory: () => number,
  ) {
    this.start = now();
    this.last = this.start;
  }

  update(p: Progress): void {
    const now = this.now();
    if (now - this.last < 1000) return;
    this.last = now;
    const secs = (now - this.start) / 1000;
    const rate = secs > 0 ? Math.round(p.states / secs) : 0;
    const mem = this.memory() / (1 << 20);
    this.out.write(
      `\r${p.states.toLocaleString('en-US')} states, ${rate.toLocaleString('en-US')} states/s, queue ${p.queue.toLocaleString('en-US')}, depth ${p.depth}, ${mem.toFixed(0)} MiB   `,
    );
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.out.write('\r\x1b[K');
  }
}
