/**
 * `npm run bench [-- --quick] [--no-spin] [--no-validate] [--spin-timeout S] [--spin-memlim MB]`:
 * machine facts, the popcheck table, the SPIN side-by-side on ack-flush, and pop.log
 * simulate/validate figures.
 * Output on stdout is deterministic apart from timings; progress goes to a terminal's stderr.
 */
import { DEFAULT_INVARIANTS } from '../model/invariants.js';
import { BenchUsageError, parseBenchArgs, type BenchArgs } from './args.js';
import { POPCHECK_CASES, POPCHECK_CASES_QUICK, POPLOG_CKS, POPLOG_CKS_QUICK, POPLOG_RELEASES, SPIN_SIZES, SPIN_SIZES_QUICK, VALIDATE_GOALS, WARMUP } from './cases.js';
import { defaultMemLimMb, machineFacts } from './machine.js';
import { popcheckTable } from './popcheck-table.js';
import { poplogTable } from './poplog-table.js';
import { BUDGET_MS, MAX_RUNS, MIN_RUNS, runPopcheck } from './popcheck-case.js';
import { ensureSpin, spinVersion, type SpinStatus } from './spin-install.js';
import { GCC_FLAGS } from './spin-run.js';
import { spinTable } from './spin-table.js';

const out = (s = '') => process.stdout.write(`${s}\n`);

// A closed pipe (`npm run bench | head`) ends the run quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
});

function progressLine(): (s: string) => void {
  const tty = process.stderr.isTTY ? process.stderr : null;
  return (s) => {
    if (!tty) return;
    tty.clearLine(0);
    tty.cursorTo(0);
    tty.write(`${s} ...`);
  };
}

function clearProgress(): void {
  if (process.stderr.isTTY) {
    process.stderr.clearLine(0);
    process.stderr.cursorTo(0);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseBenchArgs(argv, defaultMemLimMb());
  const spin = args.spin && !args.onlyValidate ? ensureSpin({ install: true }) : null;
  const progress = progressLine();

  out(`popcheck benchmark (${args.quick ? 'quick' : 'full'} run)`);
  out();
  const spinFact =
    spin === null
      ? `${spinVersion() ?? 'not on PATH'} (not used: ${args.onlyValidate ? '--only-validate' : '--no-spin'})`
      : spin.available
        ? `${spin.version}${spin.installed ? ' (installed now)' : ''}`
        : `unavailable: ${spin.reason}`;
  const facts = machineFacts(spinFact);
  const w = Math.max(...facts.map(([k]) => k.length));
  for (const [k, v] of facts) out(`${`${k}:`.padEnd(w + 1)} ${v}`);
  out();

  let mismatch = false;
  if (!args.onlyValidate) {
    out(`a. popcheck (in-process; time = wall time of runCheck, best of ${MIN_RUNS} or more runs: as many as fit in ${BUDGET_MS / 1000} s, at most ${MAX_RUNS})`);
    out();
    for (const c of WARMUP) runPopcheck(c);
    out(await popcheckTable(args.quick ? POPCHECK_CASES_QUICK : POPCHECK_CASES, progress));
    clearProgress();
    out();
    mismatch = spin === null ? false : await spinPart(spin, args, progress);
  }
  if (!args.validate) return mismatch ? 1 : 0;
  const cks = args.quick ? POPLOG_CKS_QUICK : POPLOG_CKS;
  out(`c. pop.log validation: simulate ${cks.toLocaleString('en-US')} CKs per release and format, validate each file (child processes of dist/cli/main.js)`);
  out(`   next to the issue's goals for validate: >= ${VALIDATE_GOALS.linesPerSec.toLocaleString('en-US')} lines/s on one core, < ${VALIDATE_GOALS.peakRssMb} MB peak RSS`);
  out();
  const c = poplogTable({ releases: POPLOG_RELEASES, cks, progress });
  clearProgress();
  out(c.text);
  return mismatch || c.unexpected ? 1 : 0;
}

/** Part b; true when SPIN and popcheck disagree on a verdict. */
async function spinPart(spin: SpinStatus, args: BenchArgs, progress: (s: string) => void): Promise<boolean> {
  out('b. SPIN vs popcheck on ack-flush (bench/ack-flush.pml), time to verdict');
  out();
  if (!spin.available) {
    out(`SPIN part skipped: ${spin.reason}`);
    out();
    return false;
  }
  const t = await spinTable({
    sizes: args.quick ? SPIN_SIZES_QUICK : SPIN_SIZES,
    timeoutSec: args.spinTimeoutSec,
    memLimMb: args.spinMemLimMb,
    progress,
  });
  clearProgress();
  out(t.text);
  out();
  for (const line of [
    `SPIN: spin -a -DN=<N> -DREL=531|532; gcc ${GCC_FLAGS.join(' ')} -DMEMLIM=${args.spinMemLimMb}; ./pan -w<N+2, within 10..26>`,
    '  (depth-first, partial-order reduction on, exhaustive: every state stored in full, no hash-compaction or bitstate).',
    `  SPIN ms = spin -a + gcc + pan; pan ms = pan alone (wall clock). pan is stopped after ${args.spinTimeoutSec} s (timeout) or at`,
    `  -DMEMLIM=${args.spinMemLimMb} MB (out of memory); SPIN states and MB are then those reached so far.`,
    '  SPIN stops at the first assertion violation (pan -c1, its default): on 5.3.1 its time is the time to the first counterexample.',
    `popcheck ms: a default check (${DEFAULT_INVARIANTS.length} invariants, exact interleaving counts, shortest counterexample of each violated invariant); popcheck reduces symmetric states (see table a for runs without).`,
    'first ms: popcheck --stop-at-first --invariant acked-never-retried, like for like with SPIN (one property, stop at the first error).',
    'first/SPIN, first/pan: first ms divided by SPIN ms and by pan ms (below 1: popcheck is faster; "<x": SPIN reached no verdict).',
  ]) {
    out(line);
  }
  out();
  return t.mismatch;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  clearProgress();
  const e = err as Error;
  process.stderr.write(`bench: ${e instanceof BenchUsageError ? '' : 'error: '}${e.message.split('\n')[0]}\n`);
  process.exitCode = 2;
}
