/**
 * `npm run bench [-- --quick] [--no-spin] [--no-validate] [--only-spin] [--only-validate]
 * [--spin-timeout S] [--spin-memlim MB]`: machine facts, the popcheck table (a), popcheck
 * against SPIN on the same state space and the `full` rows (b), and pop.log simulate/validate
 * figures (c).
 * Output on stdout is deterministic apart from timings; progress goes to a terminal's stderr.
 */
import { mkdirSync } from 'node:fs';
import { BenchUsageError, parseBenchArgs, type BenchArgs } from './args.js';
import { POPCHECK_CASES, POPCHECK_CASES_QUICK, POPLOG_CKS, POPLOG_CKS_QUICK, POPLOG_RELEASES, VALIDATE_GOALS, WARMUP } from './cases.js';
import { rssMethod } from './child-measure.js';
import { defaultMemLimMb, machineFacts } from './machine.js';
import { popcheckTable } from './popcheck-table.js';
import { poplogTable } from './poplog-table.js';
import { BUDGET_MS, MAX_RUNS, MIN_RUNS, runPopcheck } from './popcheck-case.js';
import { ensureSpin, spinVersion, type SpinStatus } from './spin-install.js';
import { OUT_DIR } from './paths.js';
import { FULL_ROWS, FULL_ROWS_QUICK, SIDE_BY_SIDE_SIZES, SIDE_BY_SIDE_SIZES_QUICK, sideBySide } from './side-by-side.js';

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
  const partA = !args.onlyValidate && !args.onlySpin;
  const partB = !args.onlyValidate;
  const partC = args.validate && !args.onlySpin;
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
  if (partA) {
    out(`a. popcheck (in-process; time = wall time of runCheck, best of ${MIN_RUNS} or more runs: as many as fit in ${BUDGET_MS / 1000} s, at most ${MAX_RUNS})`);
    out();
    for (const c of WARMUP) runPopcheck(c);
    out(await popcheckTable(args.quick ? POPCHECK_CASES_QUICK : POPCHECK_CASES, progress));
    clearProgress();
    out();
  }
  if (partB) {
    mismatch = await spinPart(spin, args, progress);
  }
  if (!partC) return mismatch ? 1 : 0;
  const cks = args.quick ? POPLOG_CKS_QUICK : POPLOG_CKS;
  out(`c. pop.log validation: simulate ${cks.toLocaleString('en-US')} CKs per release and format, validate each file (child processes of dist/cli/main.js)`);
  out(`   next to the issue's goals for validate: >= ${VALIDATE_GOALS.linesPerSec.toLocaleString('en-US')} lines/s on one core, < ${VALIDATE_GOALS.peakRssMb} MB peak RSS`);
  out();
  const c = poplogTable({ releases: POPLOG_RELEASES, cks, progress });
  clearProgress();
  out(c.text);
  return mismatch || c.unexpected ? 1 : 0;
}

/** Part b; true when SPIN and popcheck disagree on a state count or a verdict. */
async function spinPart(spin: SpinStatus | null, args: BenchArgs, progress: (s: string) => void): Promise<boolean> {
  out('b. popcheck against SPIN on the same state space (child processes, measured from outside), and the full scenario');
  out();
  if (spin !== null && !spin.available) {
    out(`SPIN part skipped: ${spin.reason}`);
    out();
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const t = await sideBySide({
    sizes: args.quick ? SIDE_BY_SIDE_SIZES_QUICK : SIDE_BY_SIDE_SIZES,
    full: args.quick ? FULL_ROWS_QUICK : FULL_ROWS,
    spin: spin !== null && spin.available,
    method: rssMethod(OUT_DIR),
    timeoutSec: args.spinTimeoutSec,
    memLimMb: args.spinMemLimMb,
    progress,
  });
  clearProgress();
  out(t.text);
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
