/**
 * The worker threads of one parallel run: starts them, routes their messages, tells the
 * coordinator which are busy, and turns any failure into one Error.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker, takePrestarted } from './prestart.js';
import { isFromWorker, oneLine, type ChunkResult, type FromWorker, type GoMessage, type GrowMessage, type SetupMessage, type WorkerSetup } from './protocol.js';

type WorkerState = 'starting' | 'idle' | 'busy';

export interface PoolEvents {
  /** A worker built its model; returns an error message if it is not the coordinator's model. */
  ready(index: number, info: Extract<FromWorker, { type: 'ready' }>): string | null;
  chunk(result: ChunkResult, thread: number): void;
  /** A claim starting at this frontier position was dropped (the level paused under it). */
  failed(start: number): void;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly states: WorkerState[] = [];
  private wake: (() => void) | null = null;
  private closing = false;
  /** Who hears of the workers' messages; until `bind`, `ready` messages wait in `pendingReady`. */
  private events: PoolEvents | null = null;
  private readonly pendingReady: [number, Extract<FromWorker, { type: 'ready' }>][] = [];
  /** The first failure of any worker; the run must stop with it. */
  failure: Error | null = null;

  /**
   * Starts `count` workers at once; they build their models while the caller does other work
   * (see `bind`). Workers prestarted for the same model module (prestart.ts) are taken instead
   * and sent the rest of their setup.
   */
  constructor(count: number, setup: WorkerSetup) {
    const prestarted = takePrestarted(count, setup.module);
    if (prestarted !== null) {
      const msg: SetupMessage = { type: 'setup', args: setup.args, symmetry: setup.symmetry };
      const early = prestarted.map((p) => p.take());
      for (const p of prestarted) this.add(p.worker);
      for (let i = 0; i < count; i++) {
        if (early[i] !== null) {
          this.fail(`worker ${i + 1} ${early[i]}`);
          continue;
        }
        try {
          this.workers[i].postMessage(msg);
        } catch (err) {
          // Arguments that cannot be cloned: as when a worker cannot start with them.
          throw this.cannotStart(err);
        }
      }
      return;
    }
    for (let i = 0; i < count; i++) {
      let w: Worker;
      try {
        w = startWorker(setup);
      } catch (err) {
        throw this.cannotStart(err);
      }
      this.add(w);
    }
  }

  /** A worker could not be started (`err`): stops those started or taken so far; the error to throw. */
  private cannotStart(err: unknown): Error {
    this.closing = true;
    for (const started of this.workers) void started.terminate();
    return new Error(`cannot start a worker thread: ${oneLine(err)}`);
  }

  /** Takes in a started worker (listens to it). */
  private add(w: Worker): void {
    const i = this.workers.length;
    this.workers.push(w);
    this.states.push('starting');
    w.on('message', (m: unknown) => this.onMessage(i, m));
    w.on('error', (err: Error) => this.fail(`worker ${i + 1} failed: ${oneLine(err)}`));
    w.on('exit', (code: number) => {
      if (!this.closing) this.fail(`worker ${i + 1} exited unexpectedly (code ${code})`);
    });
  }

  /** Routes the workers' messages to `events` from now on, the `ready` of workers already ready first. */
  bind(events: PoolEvents): void {
    this.events = events;
    for (const [i, info] of this.pendingReady.splice(0)) this.ready(i, info);
  }

  /** The number of workers. */
  get size(): number {
    return this.workers.length;
  }

  /** Whether a worker is still building its model. */
  get anyStarting(): boolean {
    return this.states.includes('starting');
  }

  /** Whether a worker is expanding (using the shared buffers). */
  get anyBusy(): boolean {
    return this.states.includes('busy');
  }

  /** Sends the level (or its resumption) to every worker waiting for work. */
  goIdle(msg: GoMessage): void {
    for (let i = 0; i < this.workers.length; i++) if (this.states[i] === 'idle') this.go(i, msg);
  }

  /** Indices of the workers waiting for work. */
  idleWorkers(): number[] {
    const idle: number[] = [];
    for (let i = 0; i < this.workers.length; i++) if (this.states[i] === 'idle') idle.push(i);
    return idle;
  }

  go(index: number, msg: GoMessage | GrowMessage): void {
    this.states[index] = 'busy';
    this.workers[index].postMessage(msg);
  }

  /** Resolves at the next message or failure of any worker. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private onMessage(i: number, m: unknown): void {
    if (!isFromWorker(m)) {
      this.fail(`worker ${i + 1} sent an unknown message`);
    } else if (m.type === 'ready') {
      this.states[i] = 'idle';
      if (this.events === null) this.pendingReady.push([i, m]);
      else this.ready(i, m);
    } else if (m.type === 'chunk') {
      this.events?.chunk(m.result, i + 1);
    } else if (m.type === 'failed') {
      this.events?.failed(m.start);
    } else if (m.type === 'idle') {
      this.states[i] = 'idle';
    } else {
      this.fail(`worker ${i + 1} failed: ${m.message}`);
    }
    this.signal();
  }

  private ready(i: number, info: Extract<FromWorker, { type: 'ready' }>): void {
    const problem = this.events!.ready(i, info);
    if (problem !== null) this.fail(`worker ${i + 1}: ${problem}`);
  }

  private fail(message: string): void {
    if (this.failure === null && !this.closing) this.failure = new Error(message);
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
