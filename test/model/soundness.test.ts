/**
 * The soundness sweep. On the releases that should be free of known bugs (5.3.2 and head),
 * every fault bound of the full scenario, alone and in pairs, must hold `acked-never-retried`
 * and `no-loss`, unless a catalogue entry names that configuration as a known bug or hazard
 * of the release (model/catalogue.ts; the rule is `catalogueEntryFor` in test/fixtures/sweep.ts).
 * The configurations are generated from FULL_DEFAULTS: a new bound that is off by default
 * joins the sweep alone and in a pair with every other.
 *
 * A failure lists every offending configuration, one line each, as the `popcheck check`
 * command that reproduces it, the invariant, and the shortest counterexample's events:
 *
 *   npx vitest run test/model/soundness.test.ts
 *
 * Sizes and caps (test/fixtures/sweep.ts) were chosen by timing every configuration: a
 * fault alone at the scenario's defaults takes at most ~2 s, a pair at sizes A and B well
 * under 1 s except a few pairs with crashes, changes or produce (~2-5 s at B, where pairs of
 * two of them are left out). A run that reaches its state cap fails as incomplete: it never
 * passes silently.
 */
import { describe, expect, it } from 'vitest';
import { findCkEntry as findEntry } from '../../model/catalogue.js';
import type { FullBounds } from '../../model/scenarios/full.js';
import {
  catalogueEntriesFor,
  catalogueEntryFor,
  FAULT_BOUNDS,
  faultPairs,
  fixOverrides,
  HEAVY_STATES,
  PAIR_MAX_STATES,
  PAIR_SIZES,
  runConfig,
  SINGLE_MAX_STATES,
  SINGLE_SIZE,
  summarize,
  SWEEP_RELEASES,
  sweepConfig,
  type SweepConfig,
} from '../fixtures/sweep.js';

/** An offending result: what went wrong (invariant and counterexample, or the error), where. */
interface Problem {
  readonly config: SweepConfig;
  readonly what: string;
  readonly note?: string;
}

interface Outcome {
  /** States stored, or Infinity when the run threw. */
  readonly states: number;
  readonly problems: Problem[];
  /** One line per violation a catalogue entry names. */
  readonly excused: string[];
}

function sweepOne(c: SweepConfig, maxStates: number): Outcome {
  const problems: Problem[] = [];
  const excused: string[] = [];
  let r;
  try {
    r = runConfig(c, maxStates);
  } catch (err) {
    return { states: Infinity, problems: [{ config: c, what: `error: ${(err as Error).message}` }], excused };
  }
  if (!r.complete && r.violations.length === 0) {
    problems.push({ config: c, what: `incomplete: ${r.stopReason} after ${r.states} states (raise the cap or shrink the size)` });
  }
  for (const v of r.violations) {
    const what = `${v.invariant} (${v.length} steps): ${summarize(v.counterexample.steps)}`;
    const entries = catalogueEntriesFor(c, v.invariant);
    if (entries.length === 0) {
      problems.push({ config: c, what });
      continue;
    }
    // Several entries can name one configuration (e.g. #7724 and I-9 with --expire --scan-stalls).
    // When each has a fix on the same release, all the fixes together must remove the violation;
    // an entry whose fix is another bound or release (a hazard) cannot be confirmed that way.
    const fixes = entries.map(fixOverrides);
    const fix = fixes.every((f) => f !== null) ? Object.assign({}, ...fixes) : null;
    const entry = { id: entries.map((e) => e.id).join(' + ') };
    if (fix !== null) {
      // The entry's fix must make the violation go away, else something else violates too.
      const fixed = runConfig(c, maxStates, fix, [v.invariant as 'acked-never-retried' | 'no-loss']);
      if (fixed.verdict !== 'holds') {
        const w = fixed.violations[0];
        problems.push({
          config: c,
          what: w ? `${w.invariant} (${w.length} steps): ${summarize(w.counterexample.steps)}` : what,
          note: `catalogue ${entry.id} names its ${what}, but with its fix ${JSON.stringify(fix)} the run is still ${fixed.verdict}`,
        });
        continue;
      }
    }
    excused.push(`${c.name} → ${what} [known: catalogue ${entry.id}]`);
  }
  return { states: r.states, problems, excused };
}

/** Every problem, grouped by counterexample (one cause usually shows in many configurations), one configuration a line. */
function report(release: string, runs: number, problems: readonly Problem[], excused: number): string {
  const groups = new Map<string, Problem[]>();
  for (const p of problems) groups.set(p.what, [...(groups.get(p.what) ?? []), p]);
  const out = [
    `${problems.length} result(s) in ${new Set(problems.map((p) => p.config.name)).size} configuration(s) of RocketMQ ${release} ` +
      `violate, fail or are incomplete (of ${runs} runs; ${excused} violation(s) named by the catalogue), ${groups.size} distinct:`,
  ];
  for (const [what, ps] of [...groups.entries()].sort((a, b) => b[1].length - a[1].length)) {
    out.push(`  ${what}  [${ps.length}x]`);
    for (const p of ps) out.push(`      ${p.config.name}${p.note ? `  (${p.note})` : ''}`);
  }
  return out.join('\n') + '\n';
}

describe('the soundness sweep: every fault alone and in pairs, on releases without known bugs', () => {
  it('derives the fault bounds from the full scenario defaults', () => {
    expect([...FAULT_BOUNDS].sort()).toEqual(
      [
        'changes',
        'cqLag',
        'crashes',
        'dupAcks',
        'expire',
        'gc',
        'lateAcks',
        'popLag',
        'produce',
        'readFailures',
        'retryFailures',
        'roleChanges',
        'scanStalls',
        'slowScans',
        'staleHandles',
        'storeFailures',
        'timerLag',
        'unreadable',
      ].sort(),
    );
  });

  it('takes its exceptions from the catalogue only: #7724 (retention) names expire on head, nothing names role changes', () => {
    const expire = sweepConfig('head', ['expire'], SINGLE_SIZE);
    expect(catalogueEntryFor(expire, 'acked-never-retried')?.id).toBe('7724');
    expect(catalogueEntryFor(expire, 'no-loss')).toBeNull();
    expect(fixOverrides(findEntry('7724')!)).toEqual({ reviveReadsNextLiveMessage: false });
    expect(catalogueEntryFor(sweepConfig('head', ['expire', 'crashes'], PAIR_SIZES[0]), 'acked-never-retried')?.id).toBe('7724');
    expect(catalogueEntryFor(sweepConfig('head', ['roleChanges'], SINGLE_SIZE), 'no-loss')).toBeNull();
    // I-7 (crash with retries in flight) needs asyncBizRead, which the sweep leaves at its default (off).
    expect(catalogueEntryFor(sweepConfig('head', ['crashes'], SINGLE_SIZE), 'no-loss')).toBeNull();
    // Not a full-scenario entry of these releases, or a bug of an older release only.
    expect(catalogueEntryFor(sweepConfig('5.3.2', ['gc'], SINGLE_SIZE), 'no-loss')).toBeNull();
    expect(catalogueEntryFor(sweepConfig('head', ['storeFailures'], SINGLE_SIZE), 'acked-never-retried')).toBeNull();
  });

  for (const release of SWEEP_RELEASES) {
    it(`${release}: acked-never-retried and no-loss hold (or the catalogue names the violation)`, () => {
      const problems: Problem[] = [];
      const excused: string[] = [];
      const singleStates = new Map<keyof FullBounds, number>();
      let runs = 0;
      for (const k of FAULT_BOUNDS) {
        const o = sweepOne(sweepConfig(release, [k], SINGLE_SIZE), SINGLE_MAX_STATES);
        runs++;
        singleStates.set(k, o.states);
        problems.push(...o.problems);
        excused.push(...o.excused);
      }
      const heavy = (k: keyof FullBounds) => (singleStates.get(k) ?? Infinity) > HEAVY_STATES;
      for (const [a, b] of faultPairs()) {
        for (const size of PAIR_SIZES) {
          if (size.label === 'B' && heavy(a) && heavy(b)) continue;
          const o = sweepOne(sweepConfig(release, [a, b], size), PAIR_MAX_STATES);
          runs++;
          problems.push(...o.problems);
          excused.push(...o.excused);
        }
      }
      if (excused.length > 0) console.info(`${release}: violations named by the catalogue:\n${excused.join('\n')}`);
      // At least every fault alone and every pair once.
      expect(runs).toBeGreaterThanOrEqual(FAULT_BOUNDS.length + faultPairs().length);
      if (problems.length > 0) expect.fail(report(release, runs, problems, excused.length));
    }, 240_000);
  }
});
