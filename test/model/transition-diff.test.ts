/**
 * The explorer passes a transition invariant the word positions where the state it expands and
 * the successor differ, when the successor is the raw one (symmetry moved nothing): they must
 * be exactly those positions, increasing, and `lifecycle-legal` must answer with them as without them.
 */
import { describe, expect, it } from 'vitest';
import { explore } from '../../checker/index.js';
import type { Invariant } from '../../checker/model.js';
import type { Event } from '../../model/events.js';
import { lifecycleLegal } from '../../model/lifecycles.js';
import { variantOf, type PopModel } from '../../model/popmodel.js';
import type { State } from '../../model/state.js';
import { fullModel } from '../fixtures/full.js';
import { ackFlushModel } from '../fixtures/models.js';

/** Explores `m` with a spy transition invariant; returns how many edges came with and without the differing words. */
function spy(m: PopModel, symmetric: boolean): { withDiff: number; without: number } {
  let withDiff = 0;
  let without = 0;
  const L = m.ctx.L;
  const probe: Invariant<State, Event> = {
    name: 'diff-probe',
    kind: 'transition',
    description: 'checks the differing words the explorer passes',
    holds(before, e, after, diff, changed) {
      if (diff === null || diff === undefined) {
        without++;
        return true;
      }
      withDiff++;
      const n = changed ?? -1;
      const expected: number[] = [];
      for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) expected.push(i);
      expect([...diff.subarray(0, n)]).toEqual(expected);
      const full = lifecycleLegal(before, after, L, e.type);
      expect(lifecycleLegal(before, after, L, e.type, diff, n)).toBe(full);
      return true;
    },
  };
  const g = explore(variantOf(m, { name: m.name, invariants: [...m.invariants, probe], symmetric }), { symmetry: symmetric });
  expect(g.complete).toBe(true);
  return { withDiff, without };
}

describe("transition invariants and the step's differing words", () => {
  it('are given exactly the differing words on every edge without symmetry', () => {
    for (const m of [
      ackFlushModel({ release: '5.3.2', messages: 4 }),
      fullModel('5.3.2', { pops: 2, batch: 1 }, {}, 2),
      fullModel('head', { crashes: 1, pops: 1, batch: 2 }, {}, 2),
      fullModel('head', { changes: 1, pops: 1, batch: 1 }, { enablePopBufferMerge: false }, 1),
    ]) {
      const r = spy(m, false);
      expect(r.without, m.name).toBe(0);
      expect(r.withDiff, m.name).toBeGreaterThan(50);
    }
  });

  it('with symmetry, only where canonicalization moved nothing (else the full check)', () => {
    const r = spy(ackFlushModel({ release: '5.3.2', messages: 4 }), true);
    expect(r.withDiff).toBeGreaterThan(0);
    expect(r.without).toBeGreaterThan(0);
  });
});
