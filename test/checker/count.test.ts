/**
 * Path counts gathered during the search (LayeredCounter) against the counts taken
 * afterwards from kept edges (countPaths): the same numbers, float64 only while exact,
 * and the fallback to kept edges when the graph is not layered.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, explore, type Invariant, type Model } from '../../checker/index.js';
import { LayeredCounter } from '../../checker/count.js';
import { bitsModel, counterModel, fanModel, multiRootModel, ringModel } from '../fixtures/toy.js';
import { xorshift } from '../xorshift.js';

const factorial = (n: number): bigint => (n <= 1 ? 1n : BigInt(n) * factorial(n - 1));

type BitsInvariant = Invariant<Int32Array, { set: number }>;

/** The counts of a check, counted both ways, must agree; returns the online one. */
function bothWays<S, E>(model: Model<S, E>, options: Parameters<typeof check>[1] = {}) {
  const online = check(model, options);
  const edges = check(model, { ...options, keepEdges: true });
  const figures = (r: typeof online) => ({
    verdict: r.verdict,
    states: r.states,
    transitions: r.transitions,
    depth: r.depth,
    cyclic: r.cyclic,
    interleavings: r.interleavings,
    violations: r.violations.map((v) => [v.invariant, v.length, v.violatingInterleavings, v.counterexample]),
  });
  expect(figures(online)).toEqual(figures(edges));
  expect(edges.graph.edgeStart).not.toBeNull();
  return online;
}

describe('path counts during the search', () => {
  it('keeps no edges on a layered graph and counts what countPaths counts', () => {
    const invariants: BitsInvariant[] = [
      { name: 'order', kind: 'transition', description: 'x', holds: (b, e) => !(e.set === 0 && b[1] === 1) },
      { name: 'not-two', kind: 'always', description: 'x', holds: (s) => !(s[2] === 1 && s[3] === 1) },
      { name: 'never-done', kind: 'final', description: 'x', holds: () => false },
      { name: 'fine', kind: 'always', description: 'x', holds: () => true },
    ];
    for (const n of [1, 4, 7]) {
      for (const symmetric of [false, true]) {
        const r = bothWays(bitsModel(n, { symmetric, invariants: n >= 4 ? invariants : [] }));
        expect(r.graph.edgeStart).toBeNull();
        expect(r.graph.pathCounts).not.toBeNull();
        expect(r.interleavings).toBe(factorial(n));
      }
    }
    const r = bothWays(bitsModel(12, { invariants }));
    expect(r.graph.storeBytes).toBeLessThan(check(bitsModel(12, { invariants }), { keepEdges: true }).storeBytes);
  });

  it('stays exact beyond 2^53 (BigInt from the first count that float64 cannot hold)', () => {
    // Under symmetry bits(n) has n + 1 states and n! interleavings: 30! ≈ 2.7e32.
    for (const n of [17, 18, 19, 25, 30]) {
      const r = bothWays(bitsModel(n, { symmetric: true }));
      expect(r.graph.edgeStart).toBeNull();
      expect(r.interleavings).toBe(factorial(n));
    }
    // 18! < 2^53 < 19!: the step from 18 to 19 is where float64 would start to round.
    expect(factorial(18) < 2n ** 53n && factorial(19) > 2n ** 53n).toBe(true);
    // Violating counts beyond 2^53: every order passes through a state with 10 bits set.
    const ten: BitsInvariant = { name: 'ten', kind: 'always', description: 'x', holds: (s) => s.reduce((a, b) => a + b, 0) !== 10 };
    const odd: BitsInvariant = { name: 'odd-last', kind: 'transition', description: 'x', holds: (b, e, a) => !(e.set % 2 === 1 && a.every((x) => x === 1)) };
    const r = bothWays(bitsModel(30, { symmetric: true, invariants: [ten, odd] }));
    expect(r.interleavings).toBe(factorial(30));
    expect(r.violations.map((v) => v.violatingInterleavings)).toEqual([factorial(30), r.violations[1].violatingInterleavings]);
    expect(r.violations[1].violatingInterleavings! > 2n ** 53n).toBe(true);
  });

  it('switches from float64 to BigInt exactly when a count reaches 2^53', () => {
    // A ladder of states, each reached by two edges from the one before: count(k) = 2^k.
    const d = new LayeredCounter();
    d.root(0, 0);
    for (let k = 1; k <= 60; k++) {
      d.add(k);
      d.edge(k - 1, k, 0);
      d.edge(k - 1, k, 0);
      // 2^53 is the first count that is not below 2^53.
      expect(d.usesBigInt).toBe(k >= 53);
    }
    d.terminal(60, 0);
    expect(d.result().interleavings).toBe(2n ** 60n);
    const e = new LayeredCounter();
    e.root(0, 0);
    for (let k = 1; k <= 52; k++) {
      e.add(k);
      e.edge(k - 1, k, 0);
      e.edge(k - 1, k, 0);
    }
    expect(e.usesBigInt).toBe(false);
    e.terminal(52, 0);
    e.terminal(52, 0);
    e.terminal(52, 0);
    // 3 · 2^52 > 2^53: the total is still exact.
    expect(e.result().interleavings).toBe(3n * 2n ** 52n);
  });

  it('falls back to kept edges when an edge does not go to the next layer', () => {
    // counterModel: steps of 1 or 2, so state 2 is reached in one step and in two.
    for (const [max, bad] of [
      [4, [2]],
      [8, [5]],
      [30, [7, 11]],
    ] as const) {
      const r = bothWays(counterModel(max, bad));
      expect(r.graph.edgeStart).not.toBeNull();
      expect(r.graph.pathCounts).toBeNull();
    }
    expect(check(counterModel(4, [2])).violations[0].violatingInterleavings).toBe(4n);
    // A cycle is not layered either: reported as cyclic, as before.
    const ring = bothWays(ringModel());
    expect(ring.cyclic).toBe(true);
    expect(ring.interleavings).toBeNull();
  });

  it('agrees on the other toy graphs, with several roots and bounds', () => {
    bothWays(fanModel(3, 4, 5, [7]));
    bothWays(multiRootModel([0, 2, 5, 2], 9));
    bothWays(bitsModel(6), { maxStates: 20 });
    bothWays(bitsModel(6), { stopAtFirstViolation: true });
    const g = explore(bitsModel(6));
    expect(g.pathCounts?.interleavings).toBe(720n);
  });
});

/**
 * A DAG given by its successor lists (state k's events are indexes into succ[k]; 0 is the
 * only root), with a parallel edge for each repeat in a list.
 */
function dagModel(succ: readonly (readonly number[])[]): Model<Int32Array, number> {
  return {
    name: 'dag',
    stateWords: 1,
    initialStates: () => [Int32Array.of(0)],
    enabledEvents: (s) => succ[s[0]].map((_, i) => i),
    step: (s, e) => Int32Array.of(succ[s[0]][e]),
    words: (s) => s,
    fromWords: (w) => w,
    invariants: [],
  };
}

/** Paths from 0 to a state without successors, by recursion over the DAG (the reference). */
function pathsToEnds(succ: readonly (readonly number[])[]): bigint {
  const memo = new Map<number, bigint>();
  const from = (v: number): bigint => {
    if (succ[v].length === 0) return 1n;
    if (!memo.has(v)) memo.set(v, succ[v].reduce((a, w) => a + from(w), 0n));
    return memo.get(v)!;
  };
  return from(0);
}

describe('path counts from kept edges', () => {
  it('counts a state with more than 255 predecessors (in-degrees are a byte, then a map)', () => {
    // 0 -> 1..n -> n + 1, and 0 -> n + 1 directly (not layered: edges kept), plus n + 1 -> n + 2.
    for (const n of [253, 254, 255, 256, 600]) {
      const succ: number[][] = [[...Array.from({ length: n }, (_, i) => i + 1), n + 1]];
      for (let i = 1; i <= n; i++) succ.push(i % 3 === 0 ? [n + 1, n + 1] : [n + 1]);
      succ.push([n + 2], []);
      const r = check(dagModel(succ));
      expect(r.graph.edgeStart).not.toBeNull();
      expect(r.interleavings).toBe(pathsToEnds(succ));
      expect(r.interleavings).toBe(BigInt(n + Math.floor(n / 3) + 1));
    }
  });

  it('agrees with counting by recursion on random DAGs, parallel edges and shared targets included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(fc.array(fc.nat(1000), { maxLength: 6 }), { minLength: n, maxLength: n }),
          ),
        ),
        ([n, raw]) => {
          // State k's successors are above k: a DAG; the last state has none.
          const succ = raw.map((r, k) => (k === n - 1 ? [] : r.map((x) => k + 1 + (x % (n - 1 - k)))));
          // Every state reachable: 0 -> 1 -> ... as a fallback edge where a list is empty.
          for (let k = 0; k < n - 1; k++) if (succ[k].length === 0) succ[k].push(k + 1);
          const online = check(dagModel(succ));
          const edges = check(dagModel(succ), { keepEdges: true });
          expect(edges.interleavings).toBe(pathsToEnds(succ));
          expect(online.interleavings).toBe(edges.interleavings);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('LayeredCounter, driven as the explorer drives it', () => {
  it('counts the paths of random layered graphs across its 4,096-state chunks, edges to any target in any order', () => {
    // The counter remembers the source of the edges last added, with its count, and the chunk
    // of the target last added to: layers of up to 5,000 states cross chunks, each state's
    // edges go to targets anywhere in the next layer, in random order, repeated or not, and
    // the chunks behind the expanded states are released as the explorer does.
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 4 }),
        (layers, seed, maxOut) => {
          const rand = xorshift(seed);
          const start = [0];
          for (const l of layers) start.push(start[start.length - 1] + l);
          const n = start[start.length - 1];
          const succ: number[][] = [];
          for (let d = 0; d < layers.length; d++) {
            for (let k = 0; k < layers[d]; k++) {
              const out: number[] = [];
              if (d + 1 < layers.length) {
                const m = rand(maxOut + 1);
                for (let j = 0; j < m; j++) out.push(start[d + 1] + rand(layers[d + 1]));
              }
              succ.push(out);
            }
          }
          // Paths from the roots (layer 0) to the states without successors.
          const want = new Array<bigint>(n).fill(0n);
          for (let v = 0; v < start[1]; v++) want[v] = 1n;
          let total = 0n;
          for (let u = 0; u < n; u++) {
            for (const v of succ[u]) want[v] += want[u];
            if (succ[u].length === 0) total += want[u];
          }
          const c = new LayeredCounter();
          for (let v = 0; v < start[1]; v++) c.root(v, 0);
          for (let v = start[1]; v < n; v++) c.add(v);
          for (let u = 0; u < n; u++) {
            for (const v of succ[u]) c.edge(u, v, 0);
            if (succ[u].length === 0) c.terminal(u, 0);
            if (((u + 1) & 1023) === 0) c.releaseBelow(u + 1);
          }
          expect(c.result().interleavings).toBe(total);
        },
      ),
      { numRuns: 150 },
    );
  });
});
