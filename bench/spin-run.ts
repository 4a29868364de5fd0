/**
 * One SPIN verification of bench/ack-flush.pml: `spin -a` (generate pan.c), gcc (compile
 * the verifier), pan (search). pan is stopped at a wall-clock limit (SIGINT, which makes it
 * print its statistics) and at a memory limit (-DMEMLIM).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parsePan, type SpinVerdict } from './pan-output.js';
import { PROMELA_MODEL } from './paths.js';

/**
 * The fastest sound exhaustive configuration for this model: safety only (no cycle
 * detection), depth-first (stops at the first error; BFS is slower to it and no faster to a
 * full search), partial-order reduction on (pan's default), every state stored in full
 * (no hash-compaction or bitstate: those may miss states), no COLLAPSE (it halves the speed
 * here, and memory is not what stops SPIN within the time limit).
 */
export const GCC_FLAGS = ['-O2', '-DSAFETY'] as const;

/**
 * pan's hash table: 2^w slots, w = N + 2 within 10..26. pan stores about 2^(N+1) states for
 * this model, and its manual advises w near log2 of the states stored; the default -w24
 * would spend about 80 ms clearing 128 MB, more than the whole search for N <= 12.
 */
export function panFlags(n: number): string[] {
  return [`-w${Math.min(26, Math.max(10, n + 2))}`];
}

export interface SpinJob {
  readonly n: number;
  readonly release: string;
  readonly batchAck: boolean;
  readonly timeoutSec: number;
  readonly memLimMb: number;
  readonly workDir: string;
}

export interface SpinResult {
  readonly verdict: SpinVerdict;
  readonly states: number | null;
  readonly transitions: number | null;
  readonly memoryMb: number | null;
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
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let interrupted = false;
    let kill: NodeJS.Timeout | undefined;
    // Never leave a pan running when the benchmark exits.
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const limit = Number.isFinite(limitMs)
      ? setTimeout(() => {
          interrupted = true;
          child.kill('SIGINT');
          kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        }, limitMs)
      : undefined;
    child.on('error', (err) => {
      clearTimeout(limit);
      clearTimeout(kill);
      process.off('exit', reap);
      reject(new Error(`${cmd}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(limit);
      clearTimeout(kill);
      process.off('exit', reap);
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
  const pan = await exec(join(job.workDir, 'pan'), panFlags(job.n), job.workDir, job.timeoutSec * 1000);
  const s = parsePan(pan.out, pan.interrupted);
  return {
    ...s,
    spinMs: gen.ms,
    gccMs: cc.ms,
    panMs: pan.ms,
    totalMs: gen.ms + cc.ms + pan.ms,
  };
}
