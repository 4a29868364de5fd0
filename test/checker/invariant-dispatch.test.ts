/**
 * InvariantSets' dispatch from what a step touched (checkAlwaysTouched, checkTransitionTouched)
 * walks the set bits of the invariants concerned rather than every invariant of the kind
 * (docs/explorer.md, "The model's work per transition, again"). Checked here against the
 * loop it replaced, written out below: the same mask, the same invariants called, in the same
 * order (lowest index first), with the same arguments and receiver, on random models of up to
 * 30 invariants (validateModel's limit) and random masks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvariantSets } from '../../checker/invariant-sets.js';
import type { Invariant, Model } from '../../checker/model.js';

type S = Int32Array;
type E = string;

interface Spec {
  readonly kind: 'always' | 'transition' | 'final';
  /** Declares reads (always) or watches (transition): a word of the state; -1: declares nothing. */
  readonly word: number;
  /** A transition invariant's number of parts (0: none). */
  readonly parts: number;
  readonly verdict: boolean;
}

const WORDS = 8;

/** A model of the given invariants; each call is logged as [index, receiver is the invariant, args]. */
function modelOf(specs: readonly Spec[], log: unknown[][]): Model<S, E> {
  const invariants: Invariant<S, E>[] = specs.map((sp, i) => {
    const base = { name: `inv${i}`, description: '' };
    if (sp.kind === 'always') {
      return {
        ...base,
        kind: 'always',
        holds(this: unknown, s: S) {
          log.push([i, this === invariants[i], s]);
          return sp.verdict;
        },
        ...(sp.word >= 0 ? { reads: [sp.word] } : {}),
      };
    }
    if (sp.kind === 'final') return { ...base, kind: 'final', holds: () => sp.verdict };
    return {
      ...base,
      kind: 'transition',
      holds(this: unknown, b: S, e: E, a: S, parts?: number) {
        log.push([i, this === invariants[i], b, e, a, parts]);
        return sp.verdict;
      },
      ...(sp.word >= 0 ? { watches: [sp.word] } : {}),
      ...(sp.parts > 0 ? { parts: Array.from({ length: sp.parts }, (_, j) => [(sp.word + 1 + j) % WORDS]) } : {}),
    };
  });
  return {
    name: 'dispatch',
    stateWords: WORDS,
    invariants,
    initialStates: () => [new Int32Array(WORDS)],
    enabledEvents: () => [],
    step: (s) => s,
    words: (s) => s,
    fromWords: (w) => w,
  };
}

/** The dispatch as it was written before: every invariant of the kind, its bit tested. */
function reference(model: Model<S, E>, inv: InvariantSets<S, E>, kind: 'always' | 'transition', touched: number, parentMask: number, call: (i: number) => boolean): number {
  const bitsOf = (k: string, everyOnly: boolean): number =>
    model.invariants.reduce((m, x, i) => {
      if (x.kind !== k) return m;
      const declared = x.kind === 'always' ? x.reads !== undefined : x.kind === 'transition' ? x.watches !== undefined : false;
      return everyOnly && declared ? m : m | (1 << i);
    }, 0);
  const bits = bitsOf(kind, false);
  const every = bitsOf(kind, true);
  const t = (touched | every) & bits;
  let mask = kind === 'always' ? parentMask & bits & ~t : 0;
  model.invariants.forEach((x, i) => {
    if (x.kind === kind && (t & (1 << i)) !== 0 && !call(i)) mask |= 1 << i;
  });
  void inv;
  return mask;
}

const spec = fc.record({
  kind: fc.constantFrom<Spec['kind']>('always', 'transition', 'final'),
  word: fc.integer({ min: -1, max: WORDS - 1 }),
  parts: fc.integer({ min: 0, max: 3 }),
  verdict: fc.boolean(),
});
const mask = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, -1, 1 << 29, (1 << 30) - 1));

/**
 * checkTransitionTouched on an edge with `touched` gives the reference loop's mask, and the
 * invariants it evaluates (logged in `got` by modelOf's model) are the loop's, in its order, with
 * the same arguments and parts.
 */
function transitionAsTheLoop(specs: readonly Spec[], model: Model<S, E>, inv: InvariantSets<S, E>, got: unknown[][], touched: number): void {
  const b = new Int32Array(WORDS);
  const a = new Int32Array(WORDS);
  const mine = inv.checkTransitionTouched(b, 'ev', a, touched);
  const want: unknown[][] = [];
  const theirs = reference(model, inv, 'transition', touched, 0, (i) => {
    want.push([i, true, b, 'ev', a, inv.partsOf(i, touched)]);
    return specs[i].verdict;
  });
  expect(mine).toBe(theirs);
  expect(got).toEqual(want);
}

describe('InvariantSets: dispatch by the touched bits', () => {
  it('checkAlwaysTouched evaluates, in index order, exactly the invariants the old loop did, and gives its mask', () => {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 30 }), mask, mask, (specs, touched, parentMask) => {
        const got: unknown[][] = [];
        const model = modelOf(specs, got);
        const inv = new InvariantSets(model);
        const s = new Int32Array(WORDS);
        const mine = inv.checkAlwaysTouched(s, parentMask, touched);
        const want: unknown[][] = [];
        const theirs = reference(model, inv, 'always', touched, parentMask, (i) => {
          want.push([i, true, s]);
          return specs[i].verdict;
        });
        expect(mine).toBe(theirs);
        expect(got).toEqual(want);
      }),
      { numRuns: 1500, seed: 1212 },
    );
  });

  it('checkTransitionTouched evaluates, in index order, exactly the invariants the old loop did, with the same parts, and gives its mask', () => {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 30 }), mask, (specs, touched) => {
        const got: unknown[][] = [];
        const model = modelOf(specs, got);
        transitionAsTheLoop(specs, model, new InvariantSets(model), got, touched);
      }),
      { numRuns: 1500, seed: 1213 },
    );
  });

  it("an edge whose only invariant to evaluate is the likeliest one (`hot`: checkTransitionTouched's own call) gets the loop's mask and parts", () => {
    let fast = 0;
    let fastWithParts = 0;
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 30 }), mask, (specs, other) => {
        const got: unknown[][] = [];
        const model = modelOf(specs, got);
        const inv = new InvariantSets(model);
        const transitions = specs.map((sp, i) => (sp.kind === 'transition' ? i : -1)).filter((i) => i >= 0);
        const transitionBits = transitions.reduce((m, i) => m | (1 << i), 0);
        // InvariantSets' rule for `hot`: the first that watches nothing, else the first of those that watch the most words (one here).
        const hot = transitions.find((i) => specs[i].word < 0) ?? transitions[0];
        const every = transitions.filter((i) => specs[i].word < 0).reduce((m, i) => m | (1 << i), 0);
        // One transition invariant's bit at a time, the other bits (always invariants', parts') random.
        for (const i of transitions) {
          const touched = (other & ~transitionBits) | (1 << i);
          got.length = 0;
          transitionAsTheLoop(specs, model, inv, got, touched);
          if (((touched | every) & transitionBits) === 1 << hot) {
            fast++;
            if (specs[hot].parts > 0) fastWithParts++;
          }
        }
      }),
      { numRuns: 1500, seed: 1214 },
    );
    // The case taken often enough to be tested, with and without parts.
    expect(fast).toBeGreaterThan(500);
    expect(fastWithParts).toBeGreaterThan(200);
  });

  it('reaches the highest bit a model may use (invariant 29) and the lowest', () => {
    const specs: Spec[] = Array.from({ length: 30 }, (_, i) => ({ kind: i % 2 === 0 ? 'transition' : 'always', word: 0, parts: 0, verdict: i !== 29 && i !== 0 }));
    const got: unknown[][] = [];
    const inv = new InvariantSets(modelOf(specs, got));
    const s = new Int32Array(WORDS);
    expect(inv.checkAlwaysTouched(s, 0, -1)).toBe(1 << 29);
    expect(inv.checkTransitionTouched(s, 'ev', s, -1)).toBe(1);
    expect(got.map((c) => c[0])).toEqual([...Array.from({ length: 15 }, (_, k) => 2 * k + 1), ...Array.from({ length: 15 }, (_, k) => 2 * k)]);
  });
});
