/** One popcheck case, run in-process through the CLI's own argument parser and runCheck. */
import { parseCheckArgs } from '../cli/args.js';
import { runCheck, type CheckReport } from '../cli/check-command.js';
import { UsageError } from '../cli/errors.js';
import type { PopcheckCase } from './cases.js';

export type PopcheckOutcome =
  | { readonly kind: 'ran'; readonly report: CheckReport; readonly ms: number; readonly runs: number }
  /** The CLI does not know the case (e.g. a scenario not built yet): the row prints n/a. */
  | { readonly kind: 'n/a'; readonly reason: string }
  | { readonly kind: 'error'; readonly reason: string };

/**
 * Timing policy: a case is run at least `MIN_RUNS` times and then again while the time
 * spent on it stays under `BUDGET_MS` (at most `MAX_RUNS` runs); the best run counts. A case
 * whose first run takes `BUDGET_MS` or more runs once. (Runs of a few ms vary by 2x or more
 * from one to the next, mostly garbage collection, so three runs are not enough for them.)
 */
export const BUDGET_MS = 1000;
export const MIN_RUNS = 3;
export const MAX_RUNS = 20;

const clock = { now: () => performance.now() };

export function caseArgv(c: PopcheckCase, extra: readonly string[] = []): string[] {
  return ['--scenario', c.scenario, '--rocketmq', c.release, ...c.flags, ...extra];
}

/** Time to verdict: wall time of runCheck (build the model, explore, count, narrate the counterexample). */
export async function runPopcheck(c: PopcheckCase, extra: readonly string[] = []): Promise<PopcheckOutcome> {
  try {
    const args = parseCheckArgs(caseArgv(c, extra));
    let best = Infinity;
    let spent = 0;
    let report: CheckReport | null = null;
    let runs = 0;
    while (runs < MAX_RUNS && (runs === 0 || (best < BUDGET_MS && (runs < MIN_RUNS || spent < BUDGET_MS)))) {
      const t0 = performance.now();
      const r = await runCheck(args, clock);
      const ms = performance.now() - t0;
      if (report !== null && (r.states !== report.states || r.verdict !== report.verdict)) {
        return { kind: 'error', reason: `non-deterministic result (${report.states} then ${r.states} states)` };
      }
      report = r;
      runs++;
      spent += ms;
      best = Math.min(best, ms);
    }
    return { kind: 'ran', report: report!, ms: best, runs };
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    return err instanceof UsageError ? { kind: 'n/a', reason: msg } : { kind: 'error', reason: msg };
  }
}
