/**
 * Worker threads started before their run is known: a worker thread takes a few hundred ms
 * of wall time to start Node in its isolate and import the explorer's and the model's modules
 * (about 0.1 s for an empty worker, 0.07 s of imports, more when the other core is busy), and
 * the CLI takes as long again to load its own modules and parse its arguments before the run
 * starts. `prestartWorkers`, called first thing in the process, overlaps the two: the workers
 * import the model module (by URL) at once and wait for the rest of their setup (the model's
 * arguments and the symmetry option), which the run's WorkerPool sends when it takes them
 * (`takePrestarted`). A prestarted worker nobody takes does not keep the process alive
 * (unref), and what fails in it before it is taken is kept for the pool to report.
 */
import { Worker } from 'node:worker_threads';
import type { WorkerPrestart, WorkerSetup } from './protocol.js';

/**
 * A worker's young generation (MB). V8's default lets it grow to 16 MB semi-spaces, which a
 * worker that allocates the model's event lists at full speed soon fills and keeps resident:
 * 8 MB took about 8 MB off the peak RSS of `full --messages 4 --pops 4 --batch 1
 * --workers 2` (202 -> 194 MB) at no measurable CPU cost (CPU of 3 alternating runs each:
 * 11.7, 12.0, 11.4 s vs 12.5, 11.8, 11.5 s), and 4 MB about 4-5 MB more (`full`: 149, 161 ->
 * 145, 145 MB; ack-flush N = 12: 126-128 -> 121-123 MB, CPU 3.75, 3.82, 3.89 s vs 4.09, 3.51,
 * 3.69 s); 2 MB took under 1 MB more.
 */
const WORKER_YOUNG_GENERATION_MB = 4;

const isInputType = (flag: string): boolean => flag.startsWith('--input-type');

/** Starts one worker thread of the parallel explorer with this setup (or prestart). */
export function startWorker(data: WorkerSetup | WorkerPrestart): Worker {
  return new Worker(new URL('./worker.js', import.meta.url), {
    workerData: data,
    // A worker started while `node --input-type=module -e CODE` still runs CODE (a prestart)
    // inherits --input-type and refuses to start; the flag concerns only the main thread's code.
    // Otherwise the worker inherits the process's flags: given explicitly, V8's (the CLI's
    // shebang sets --max-semi-space-size and others) make Node refuse to start it.
    ...(process.execArgv.some(isInputType) ? { execArgv: process.execArgv.filter((a) => !isInputType(a)) } : {}),
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
}

/** A worker started before its run, and its first failure (error or exit) while nobody held it. */
export interface Prestarted {
  readonly worker: Worker;
  /** Stops listening for failures (the pool listens from now on); returns the failure so far. */
  take(): string | null;
}

let waiting: { module: string; workers: Prestarted[] } | null = null;

/**
 * Starts `count` workers that import the model module `module` and wait for their setup;
 * they do not keep the process alive until taken. Does nothing if workers were prestarted.
 */
export function prestartWorkers(count: number, module: string): void {
  if (waiting !== null || count < 1) return;
  const workers: Prestarted[] = [];
  for (let i = 0; i < count; i++) {
    const worker = startWorker({ prestart: true, module });
    worker.unref();
    let failure: string | null = null;
    const onError = (err: Error): void => {
      failure ??= `failed: ${err.message.split('\n')[0]}`;
    };
    const onExit = (code: number): void => {
      failure ??= `exited unexpectedly (code ${code})`;
    };
    worker.on('error', onError);
    worker.on('exit', onExit);
    workers.push({
      worker,
      take: () => {
        worker.off('error', onError);
        worker.off('exit', onExit);
        worker.ref();
        return failure;
      },
    });
  }
  waiting = { module, workers };
}

/**
 * The prestarted workers, if there are `count` of them for model module `module` (taken:
 * prestarted workers serve one run); otherwise null, and any prestarted workers are stopped.
 */
export function takePrestarted(count: number, module: string): Prestarted[] | null {
  const w = waiting;
  waiting = null;
  if (w === null) return null;
  if (w.module === module && w.workers.length === count) return w.workers;
  for (const p of w.workers) {
    p.take();
    void p.worker.terminate();
  }
  return null;
}
