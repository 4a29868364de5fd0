import { describe, expect, it } from 'vitest';
import { check, countPaths, explore } from '../../checker/index.js';
import type { Model } from '../../checker/model.js';
import { bitsModel, counterModel, ringModel } from '../fixtures/toy.js';

const factorial = (n: number): bigint => (n <= 1 ? 1n : BigInt(n) * factorial(n - 1));

describe('explore', () => {
  it('visits every reachable state exactly once', () => {
    for (const n of [1, 2, 3, 5, 8]) {
      const g = explore(bitsModel(n));
      expect(g.states).toBe(2 ** n);
      expect(g.transitions).toBe(n * 2 ** (n - 1));
      expect(g.depth).toBe(n);
      expect(g.complete).toBe(true);
    }
  });

  it('counts complete interleavings exactly', () => {
    for (const n of [1, 3, 6]) {
      const r = check(bitsModel(n));
      expect(r.interleavings).toBe(factorial(n));
    }
  });

  it('symmetry merges orbits and keeps the counts exact', () => {
    for (const n of [2, 4, 7, 10]) {
      const r = check(bitsModel(n, { symmetric: true }));
      expect(r.states).toBe(n + 1);
      expect(r.interleavings).toBe(factorial(n));
      const off = check(bitsModel(n, { symmetric: true }), { symmetry: false });
      expect(off.states).toBe(2 ** n);
      expect(off.interleavings).toBe(factorial(n));
    }
  });

  it('finds a shortest counterexample (BFS)', () => {
    // 5 is reachable in 3 steps (2+2+1) at the least; 7 only from 5 or 6.
    const r = check(counterModel(8, [5]));
    expect(r.verdict).toBe('violated');
    expect(r.violations[0].length).toBe(3);
    const last = r.violations[0].counterexample.steps.at(-1)!;
    expect(last.state[0]).toBe(5);
  });

  it('counts the interleavings that pass through a violating state', () => {
    // Paths 0 -> 4 by steps of 1 or 2: 5 in all; through 2: (paths 0->2) * (paths 2->4) = 2 * 2.
    const r = check(counterModel(4, [2]));
    expect(r.interleavings).toBe(5n);
    expect(r.violations[0].violatingInterleavings).toBe(4n);
  });

  it('reports cycles instead of counting', () => {
    const r = check(ringModel());
    expect(r.verdict).toBe('holds');
    expect(r.cyclic).toBe(true);
    expect(r.interleavings).toBeNull();
  });

  it('a bounded run stops as incomplete, never as holds', () => {
    const r = check(bitsModel(6), { maxStates: 10 });
    expect(r.verdict).toBe('incomplete');
    expect(r.stopReason).toBe('max-states');
    expect(r.states).toBe(10);
    expect(r.interleavings).toBeNull();
  });

  it('a violation found before the bound is still reported', () => {
    const r = check(counterModel(1000, [1]), { maxStates: 5 });
    expect(r.verdict).toBe('violated');
    expect(r.complete).toBe(false);
  });

  it('stops when the shell says so', () => {
    let polls = 0;
    const r = check(bitsModel(12), { pollEvery: 1, shouldStop: () => (++polls >= 3 ? 'timeout' : null) });
    expect(r.verdict).toBe('incomplete');
    expect(r.stopReason).toBe('timeout');
  });

  it('checks final invariants only where nothing is enabled', () => {
    const m = bitsModel(3, {
      invariants: [{ name: 'never-done', kind: 'final', description: 'x', holds: () => false }],
    });
    const r = check(m);
    expect(r.violations[0].invariant).toBe('never-done');
    expect(r.violations[0].length).toBe(3);
    expect(r.violations[0].violatingInterleavings).toBe(6n);
  });

  it('checks transition invariants per edge and counts exactly', () => {
    // Setting bit 0 after bit 1 is "illegal": in 3! orders, 0 comes after 1 in half of them.
    const m = bitsModel(3, {
      invariants: [{ name: 'order', kind: 'transition', description: 'x', holds: (b, e) => !(e.set === 0 && b[1] === 1) }],
    });
    const r = check(m);
    expect(r.violations[0].violatingInterleavings).toBe(3n);
    const steps = r.violations[0].counterexample.steps;
    expect(steps.map((s) => s.event.set)).toEqual([1, 0]);
  });

  it('rejects duplicate invariant names', () => {
    const inv = { name: 'x', kind: 'always' as const, description: '', holds: () => true };
    expect(() => explore(bitsModel(2, { invariants: [inv, inv] }))).toThrow(/duplicate invariant/);
  });

  it('replays counterexamples under symmetry into concrete, valid paths', () => {
    const m = bitsModel(5, {
      symmetric: true,
      invariants: [{ name: 'lt3', kind: 'always', description: '', holds: (s) => s.reduce((a, b) => a + b, 0) < 3 }],
    });
    const r = check(m);
    const steps = r.violations[0].counterexample.steps;
    expect(steps).toHaveLength(3);
    // Each step sets a distinct bit of the concrete state.
    expect(new Set(steps.map((s) => s.event.set)).size).toBe(3);
  });

  it('takes the successors the model built while computing the enabled events, at their indices only', () => {
    // A probe, not a model to copy: the successor it builds for event 1 (s + 10) is not the one
    // its step gives (s + 1), so the graph says which the explorer took. It builds none for event
    // 0 and leaves `after` shorter than the event list: an index at or past its length is stepped.
    const probe = (onto: boolean): Model<Int32Array, number> => ({
      name: 'built-successors',
      stateWords: 1,
      initialStates: () => [Int32Array.of(0)],
      enabledEvents: (s) => (s[0] < 4 ? [0, 1, 2] : []),
      enabledWithSuccessors: (s, after) => {
        after.length = 0;
        if (s[0] >= 4) return [];
        after[0] = null;
        after[1] = Int32Array.of(s[0] + 10);
        return [0, 1, 2];
      },
      step: (s, e) => Int32Array.of(e === 2 ? s[0] + 2 : s[0] + 1),
      ...(onto
        ? {
            stepOnto: (s: Int32Array, e: number, out: Int32Array) => {
              out[0] = e === 2 ? s[0] + 2 : s[0] + 1;
              return out;
            },
          }
        : {}),
      words: (s) => s,
      fromWords: (w) => w,
      invariants: [],
    });
    for (const onto of [false, true]) {
      const g = explore(probe(onto));
      // 0..5 by steps (event 2 from 3 reaches 5), 10..13 built for event 1 from 0..3.
      expect(g.states).toBe(10);
      expect(g.transitions).toBe(12);
    }
  });

  it('path counting over a graph without edges is refused', () => {
    const g = explore(bitsModel(3), { countPaths: false });
    expect(() => countPaths(g, [])).toThrow();
  });
});
