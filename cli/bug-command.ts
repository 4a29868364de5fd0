/**
 * `popcheck check --bug ID`: the entry's configuration on the buggy release and on the
 * fixing release, side by side. Expected: the buggy run as the catalogue says (usually
 * violated), the fixed run holds. A run that stopped early (--max-states, --timeout, a
 * signal) leaves the comparison `incomplete` unless what it found already contradicts the
 * catalogue.
 */
import { findCkEntry, type BugEntry, type BugRun } from '../model/catalogue.js';
import { reproductionIdentity } from '../model/identity.js';
import { checkIdentity, type CheckArgs } from './args.js';
import { runCheck, type CheckReport, type Clock } from './check-command.js';
import { UsageError } from './errors.js';

export interface BugReport {
  readonly bug: Omit<BugEntry, 'buggy' | 'fixed'> & { readonly buggyRun: BugRun; readonly fixedRun: BugRun };
  /** `as-expected`, `not-as-expected`, or `incomplete` (a run stopped before it could tell). */
  readonly outcome: 'as-expected' | 'not-as-expected' | 'incomplete';
  readonly asExpected: boolean;
  readonly buggy: CheckReport;
  readonly fixed: CheckReport;
}

/** The check of one of an entry's runs ('buggy' or 'fixed'), with `base`'s run options. */
export function argsFor(entry: BugEntry, which: 'buggy' | 'fixed', base: CheckArgs): CheckArgs {
  return { ...base, model: checkIdentity(reproductionIdentity(entry, entry[which], [entry.invariant])), bug: null, traceOut: null, itf: null };
}

export function bugOutcome(expectBuggy: 'violated' | 'holds', buggy: CheckReport['verdict'], fixed: CheckReport['verdict']): BugReport['outcome'] {
  // A violation is final even in a run that stopped early; `holds` needs a complete run.
  if (fixed === 'violated' || (buggy !== 'incomplete' && buggy !== expectBuggy)) return 'not-as-expected';
  if (buggy === 'incomplete' || fixed === 'incomplete') return 'incomplete';
  return 'as-expected';
}

export async function runBug(a: CheckArgs, clock: Clock): Promise<BugReport> {
  const entry = a.bug === null ? undefined : findCkEntry(a.bug);
  if (!entry) throw new UsageError(`--bug: unknown catalogue entry '${a.bug}'`);
  const buggy = await runCheck(argsFor(entry, 'buggy', a), clock);
  const fixed = await runCheck(argsFor(entry, 'fixed', a), clock);
  const { buggy: buggyRun, fixed: fixedRun, ...meta } = entry;
  const outcome = bugOutcome(entry.expectBuggy, buggy.verdict, fixed.verdict);
  return { bug: { ...meta, buggyRun, fixedRun }, outcome, asExpected: outcome === 'as-expected', buggy, fixed };
}
