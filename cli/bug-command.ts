/**
 * `popcheck check --bug ID`: the entry's configuration on the buggy release and on the
 * fixing release, side by side. Expected: the buggy run as the catalogue says (usually
 * violated), the fixed run holds.
 */
import { findEntry, type BugEntry, type BugRun } from '../model/catalogue.js';
import type { CheckArgs } from './args.js';
import { runCheck, type CheckReport, type Clock } from './check-command.js';
import { UsageError } from './errors.js';

export interface BugReport {
  readonly bug: Omit<BugEntry, 'buggy' | 'fixed'> & { readonly buggyRun: BugRun; readonly fixedRun: BugRun };
  readonly asExpected: boolean;
  readonly buggy: CheckReport;
  readonly fixed: CheckReport;
}

export function argsFor(entry: BugEntry, run: BugRun, base: CheckArgs): CheckArgs {
  return {
    ...base,
    scenario: entry.scenario,
    messages: entry.messages,
    bounds: { ...(entry.bounds ?? {}), ...(run.bounds ?? {}) },
    rocketmq: run.release,
    batchAck: entry.batchAck ?? false,
    overrides: { ...(entry.settings ?? {}), ...(run.overrides ?? {}) },
    invariants: [entry.invariant],
    bug: null,
    traceOut: null,
  };
}

export async function runBug(a: CheckArgs, clock: Clock): Promise<BugReport> {
  const entry = a.bug === null ? undefined : findEntry(a.bug);
  if (!entry) throw new UsageError(`--bug: unknown catalogue entry '${a.bug}'`);
  const buggy = await runCheck(argsFor(entry, entry.buggy, a), clock);
  const fixed = await runCheck(argsFor(entry, entry.fixed, a), clock);
  const { buggy: buggyRun, fixed: fixedRun, ...meta } = entry;
  return {
    bug: { ...meta, buggyRun, fixedRun },
    asExpected: buggy.verdict === entry.expectBuggy && fixed.verdict === 'holds',
    buggy,
    fixed,
  };
}
