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

/** Runs shorter than this are repeated, and the best of `REPEAT` is kept. */
export const SHORT_RUN_MS = 1000;
export const REPEAT = 3;

const clock = { now: () => performance.now() };

export function caseArgv(c: PopcheckCase, extra: readonly string[] = []): string[] {
  return ['--scenario', c.scenario, '--rocketmq', c.release, ...c.flags, ...extra];
}

/** Time to verdict: wall time of runCheck (build the model, explore, count, narrate the counterexample). */
export function runPopcheck(c: PopcheckCase, extra: readonly string[] = []): PopcheckOutcome {
  try {
    const args = parseCheckArgs(caseArgv(c, extra));
    let best = Infinity;
    let report: CheckReport | null = null;
    for (let run = 1; run <= REPEAT; run++) {
      const t0 = performance.now();
      const r = runCheck(args, clock);
      const ms = performance.now() - t0;
      if (report !== null && (r.states !== report.states || r.verdict !== report.verdict)) {
        return { kind: 'error', reason: `non-deterministic result (${report.states} then ${r.states} states)` };
      }
      report = r;
      best = Math.min(best, ms);
      if (ms >= SHORT_RUN_MS) return { kind: 'ran', report, ms: best, runs: run };
    }
    return { kind: 'ran', report: report!, ms: best, runs: REPEAT };
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    return err instanceof UsageError ? { kind: 'n/a', reason: msg } : { kind: 'error', reason: msg };
  }
}
