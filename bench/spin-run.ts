/**
 * One SPIN verification of bench/ack-flush.pml: `spin -a` (generate pan.c), gcc (compile
 * the verifier), pan (search). pan is stopped at a wall-clock limit (SIGINT, which makes it
 * print its statistics) and at a memory limit (-DMEMLIM). With GNU time, pan's search alone
 * is measured from outside: its CPU time (user + system) and peak RSS.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseTimeV, type RssMethod } from './child-measure.js';
import { parsePan, type SpinVerdict } from './pan-output.js';
import { PROMELA_MODEL } from './paths.js';

/**
 * The fastest sound exhaustive configuration for this model: safety only (no cycle
 * detection), depth-first (pan's default), partial-order reduction on (pan's default; with
 * one process it removes nothing), every state stored in full (no hash-compaction or
 * bitstate: those may miss states), no COLLAPSE (a 20-byte state vector has nothing to gain).
 */
export const GCC_FLAGS = ['-O2', '-DSAFETY'] as const;

/**
 * The states of bench/ack-flush.pml and of `popcheck check --scenario ack-flush --no-symmetry`
 * with n messages (no violation, so everything is explored): the state before the pop; the
 * 2^n sets of messages acked before the flush; after the flush, each message held, acked in
 * the buffer or acked directly (3^n); and three tail states (the timer's two slots, the
 * revive) after each of the 2^n - 1 ends whose CK was written.
 */
export function ackFlushStates(n: number): number {
  return 1 + 2 ** n + 3 ** n + 3 * (2 ** n - 1);
}

/**
 * pan's hash table: 2^w slots, w = ceil(log2(states)) within 10..28 (pan's manual advises w
 * near log2 of the states stored; a larger table costs time to clear and memory).
 */
export function panFlags(n: number): string[] {
  return [`-w${Math.min(28, Math.max(10, Math.ceil(Math.log2(ackFlushStates(n)))))}`];
}

export interface SpinJob {
  readonly n: number;
  readonly release: string;
  readonly batchAck: boolean;
  readonly timeoutSec: number;
  readonly memLimMb: number;
  readonly workDir: string;
  /** How pan's CPU and peak RSS are measured; absent or `preload` (no GNU time): not measured. */
  readonly measure?: RssMethod;
}

export interface SpinResult {
  readonly verdict: SpinVerdict;
  readonly states: number | null;
  readonly transitions: number | null;
  readonly memoryMb: number | null;
  /** pan's search alone, from GNU time: user + system CPU (ms) and peak RSS (KiB); null without GNU time. */
  readonly panCpuMs: number | null;
  readonly panPeakRssKb: number | null;
  /** spin -a, gcc, pan, and their sum (time to verdict), wall-clock ms. */
  readonly spinMs: number;
  readonly gccMs: number;
  readonly panMs: number;
  readonly totalMs: number;
}

/** The Promela model's -DREL value for a RocketMQ release. */
export function promelaRelease(release: string): number {
  const rel = { '5.3.1': 531, '5.3.2': 532 }[release];
  if (rel === undefined) throw new Error(`the Promela model has no RocketMQ ${release} (it has 5.3.1 and 5.3.2)`);
  return rel;
}

export function spinDefines(job: Pick<SpinJob, 'n' | 'release' | 'batchAck'>): string[] {
  return [`-DN=${job.n}`, `-DREL=${promelaRelease(job.release)}`, ...(job.batchAck ? ['-DBATCH'] : [])];
}

interface Ran {
  readonly code: number | null;
  readonly out: string;
  readonly ms: number;
  readonly interrupted: boolean;
}

/** Runs a command; after `limitMs` sends SIGINT, and SIGKILL 10 s later. */
function exec(cmd: string, args: readonly string[], cwd: string, limitMs = Infinity): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // Its own process group, so that a signal reaches pan also under GNU time.
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // already gone
      }
    };
    let out = '';
    let interrupted = false;
    let kill: NodeJS.Timeout | undefined;
    // Never leave a pan running when the benchmark exits.
    const reap = () => signal('SIGKILL');
    process.once('exit', reap);
    // In its own group pan does not get the terminal's Ctrl-C: stop it, then die of the signal as before.
    const onSignal = (sig: NodeJS.Signals) => {
      signal('SIGKILL');
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.kill(process.pid, sig);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const done = () => {
      process.off('exit', reap);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const limit = Number.isFinite(limitMs)
      ? setTimeout(() => {
          interrupted = true;
          signal('SIGINT');
          kill = setTimeout(() => signal('SIGKILL'), 10_000);
        }, limitMs)
      : undefined;
    child.on('error', (err) => {
      clearTimeout(limit);
      clearTimeout(kill);
      done();
      reject(new Error(`${cmd}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(limit);
      clearTimeout(kill);
      done();
      resolve({ code, out, ms: performance.now() - t0, interrupted });
    });
  });
}

function failed(step: string, r: Ran): Error {
  const line = r.out.split('\n').find((l) => /error/i.test(l)) ?? r.out.trim().split('\n')[0] ?? '';
  return new Error(`${step} failed (exit ${r.code}): ${line.trim()}`);
}

export async function runSpin(job: SpinJob): Promise<SpinResult> {
  mkdirSync(job.workDir, { recursive: true });
  const gen = await exec('spin', [...spinDefines(job), '-a', PROMELA_MODEL], job.workDir);
  if (gen.code !== 0) throw failed('spin -a', gen);
  const cc = await exec('gcc', [...GCC_FLAGS, `-DMEMLIM=${job.memLimMb}`, '-o', 'pan', 'pan.c'], job.workDir);
  if (cc.code !== 0) throw failed('gcc', cc);
  const panPath = join(job.workDir, 'pan');
  const usage = join(job.workDir, 'pan-usage.txt');
  rmSync(usage, { force: true });
  const timed = job.measure?.kind === 'time' ? job.measure.path : null;
  const pan =
    timed === null
      ? await exec(panPath, panFlags(job.n), job.workDir, job.timeoutSec * 1000)
      : await exec(timed, ['-v', '-o', usage, panPath, ...panFlags(job.n)], job.workDir, job.timeoutSec * 1000);
  const u = timed !== null && existsSync(usage) ? parseTimeV(readFileSync(usage, 'utf8')) : { peakRssKb: null, cpuMs: null };
  const s = parsePan(pan.out, pan.interrupted);
  return {
    ...s,
    panCpuMs: u.cpuMs,
    panPeakRssKb: u.peakRssKb,
    spinMs: gen.ms,
    gccMs: cc.ms,
    panMs: pan.ms,
    totalMs: gen.ms + cc.ms + pan.ms,
  };
}
