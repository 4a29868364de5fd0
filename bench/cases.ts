/**
 * What the benchmark runs, as data. A popcheck case is the argv of `popcheck check`
 * (scenario and release apart); a row for another scenario is one more line, e.g.
 *   { scenario: 'full', bound: 'q=2 pops=2', release: '5.3.1', flags: ['--queues', '2', '--pops', '2'] },
 */
export const RELEASES = ['5.3.1', '5.3.2'] as const;

export interface PopcheckCase {
  readonly scenario: string;
  /** What bounds the state space, as shown in the table. */
  readonly bound: string;
  readonly release: string;
  /** Further `popcheck check` flags. */
  readonly flags: readonly string[];
}

/** ack-flush with N messages on both releases (with symmetry reduction unless `noSymmetry`). */
function ackFlush(ns: readonly number[], noSymmetry = false): PopcheckCase[] {
  return ns.flatMap((n) =>
    RELEASES.map((release) => ({
      scenario: 'ack-flush',
      bound: `N=${n}${noSymmetry ? ' nosym' : ''}`,
      release,
      flags: ['--messages', String(n), ...(noSymmetry ? ['--no-symmetry'] : [])],
    })),
  );
}

/** The full scenario at a few bounds, on both releases. */
function full(bound: string, flags: readonly string[]): PopcheckCase[] {
  return RELEASES.map((release) => ({ scenario: 'full', bound, release, flags: [...flags] }));
}

export const FULL_CASES: readonly PopcheckCase[] = [
  ...full('defaults', []),
  ...full('q=2 m=2 pops=2', ['--queues', '2', '--messages', '2']),
  ...full('m=3 pops=3 b=1', ['--messages', '3', '--pops', '3', '--batch', '1']),
  ...full('crashes=1', ['--crashes', '1']),
  ...full('m=4 pops=4 b=1', ['--messages', '4', '--pops', '4', '--batch', '1']),
  ...full('late,dup,crash', ['--late-acks', '1', '--dup-acks', '1', '--crashes', '1']),
  ...full('late,dup,crash w=2', ['--late-acks', '1', '--dup-acks', '1', '--crashes', '1', '--workers', '2']),
];

export const POPCHECK_CASES: readonly PopcheckCase[] = [
  ...ackFlush([8, 10, 12, 16, 20, 24, 28, 32]),
  ...ackFlush([6, 7, 8], true),
  ...FULL_CASES,
];

export const POPCHECK_CASES_QUICK: readonly PopcheckCase[] = [...ackFlush([8, 16, 32]), ...ackFlush([6], true), ...full('defaults', [])];

/** Warm-up runs before timing anything, so the first rows do not pay for the JIT. */
export const WARMUP: readonly PopcheckCase[] = [...ackFlush([16]), ...ackFlush([6], true)];

/**
 * Part c, pop.log validation: `popcheck simulate` writes a log of `POPLOG_CKS` CKs (about 7.5
 * lines each, so about a million lines) per release and format, `popcheck validate` reads it.
 * `expect` lists the verdicts the release's log may get: simulate fails about 2% of the ack
 * store writes, and an ack that goes to the store in time (its CK already out of the buffer)
 * and fails is still answered SUCCESS and its message retried (catalogue I-2, by design), so a
 * large log of any release has a few CKs violating success-never-retried; 5.3.1's buffered
 * acks lose their brokerName (#8835). Every line is a model step, so no CK may diverge.
 */
export interface PoplogRelease {
  readonly release: string;
  readonly expect: readonly ('conforms' | 'violated')[];
  /** The invariants a violating CK may break. */
  readonly invariants: readonly string[];
  readonly why: string;
}
export const POPLOG_RELEASES: readonly PoplogRelease[] = [
  { release: '5.3.2', expect: ['conforms', 'violated'], invariants: ['success-never-retried'], why: 'an ack put that fails is still answered SUCCESS and its message retried (I-2, by design), a few CKs of a large log' },
  { release: '5.3.1', expect: ['violated'], invariants: ['acked-never-retried', 'ack-key-agreement', 'success-never-retried'], why: 'its CKs hit #8835 (acks flushed from the buffer without brokerName: their key is not the CK\'s, their offsets are retried), and I-2 as on 5.3.2' },
];
export const POPLOG_FORMATS = ['poplog', 'jsonl'] as const;
export const POPLOG_CKS = 125_000;
export const POPLOG_CKS_QUICK = 1_250;
export const POPLOG_SEED = 1;

/** The goals for validate. */
export const VALIDATE_GOALS = { linesPerSec: 200_000, peakRssMb: 300 } as const;
