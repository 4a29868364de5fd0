/**
 * The `always` invariants' declared reads (model/invariants.ts, ALWAYS_READS) and the
 * explorer's use of them (checker/invariant-sets.ts, checkAlwaysAfter: an invariant none of
 * whose words a step changed keeps the parent's verdict). A declaration that missed a word would
 * let a violation through silently, so: (1) every word each invariant reads, recorded on
 * reachable and randomly edited states of many spaces, is declared; (2) checkAlwaysAfter
 * answers as the full evaluation on every edge of several state spaces (symmetry on and off,
 * faults, 5.3.1 and 5.3.2, catalogue runs that violate) and on random edits of parent and
 * successor; (3) a whole exploration gives the same flags with the declarations as without.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explore } from '../../checker/explore.js';
import { InvariantSets } from '../../checker/invariant-sets.js';
import type { Invariant } from '../../checker/model.js';
import { CK_CATALOGUE } from '../../model/catalogue.js';
import type { Event } from '../../model/events.js';
import { ALWAYS_READS, DEFAULT_INVARIANTS, INVARIANT_NAMES } from '../../model/invariants.js';
import { variantOf, type PopModel } from '../../model/popmodel.js';
import type { State } from '../../model/state.js';
import { entryModel } from '../fixtures/catalogue.js';
import { fullModel } from '../fixtures/full.js';
import { applyEdit, diffOf, eachEdge, editArb, models, recording, SEED } from '../fixtures/invariant-spaces.js';

const ALWAYS = INVARIANT_NAMES.filter((n) => ALWAYS_READS[n] !== undefined);

/** Catalogue runs that violate an `always` invariant (buggy side), with every default invariant. */
function violating(): PopModel[] {
  return CK_CATALOGUE.filter((e) => e.expectBuggy === 'violated' && ALWAYS.includes(e.invariant as (typeof ALWAYS)[number])).map((e) =>
    entryModel(e, e.buggy, {}, DEFAULT_INVARIANTS),
  );
}

/** The words `holds` reads on `s`, recorded through a proxy. */
function recordReads(inv: Invariant<State, Event>, s: State): Set<number> {
  const read = new Set<number>();
  (inv as { holds(s: State): boolean }).holds(recording(s, read));
  return read;
}

describe("the always invariants' declared reads", () => {
  it('cover every word each invariant reads, on reachable states and random edits of them', () => {
    let checked = 0;
    for (const m of [...models(), ...violating()]) {
      const invs = m.invariants.filter((i) => i.kind === 'always' && i.reads !== undefined);
      expect(invs.length).toBeGreaterThan(0);
      const states: State[] = [];
      eachEdge(m, 3000, (_b, a) => {
        if (states.length < 6000) states.push(a);
      });
      const check = (s: State): void => {
        for (const inv of invs) {
          const declared = new Set((inv as { reads: readonly number[] }).reads);
          for (const w of recordReads(inv, s)) {
            if (!declared.has(w)) expect.fail(`${m.name}: '${inv.name}' read word ${w}, not declared`);
          }
          checked++;
        }
      };
      for (const s of states) check(s);
      fc.assert(
        fc.property(fc.nat(), fc.array(editArb, { minLength: 1, maxLength: 6 }), (si, edits) => {
          const d = states[si % states.length].slice() as State;
          for (const x of edits) applyEdit(m, d, x);
          check(d);
        }),
        { seed: SEED, numRuns: 1500 },
      );
    }
    expect(checked).toBeGreaterThan(100_000);
  }, 300_000);

  it('are declared for every always invariant of the model, and only for them', () => {
    const m = models()[4];
    for (const inv of m.invariants) {
      if (inv.kind === 'always') expect(inv.reads, inv.name).toBeDefined();
    }
    expect(ALWAYS).toEqual(m.invariants.filter((i) => i.kind === 'always').map((i) => i.name));
  });
});

describe('checkAlwaysAfter', () => {
  it('answers as the full evaluation on every edge of several spaces', () => {
    let edges = 0;
    let bad = 0;
    let kept = 0;
    for (const m of [...models(), ...violating()]) {
      const inv = new InvariantSets(m);
      const masks = new Map<State, number>();
      eachEdge(m, 10_000, (b, a) => {
        let pm = masks.get(b);
        if (pm === undefined) masks.set(b, (pm = inv.checkAlways(b)));
        const { diff, n } = diffOf(b, a);
        const full = inv.checkAlways(a);
        // An expect only on an edge that fails it: one per edge was a tenth of this file's time.
        const after = inv.checkAlwaysAfter(a, pm, diff, n);
        if (after !== full) expect(after, `${m.name}: edge ${edges}`).toBe(full);
        edges++;
        if (full !== 0) bad++;
        if (full !== 0 && pm === full) kept++;
      });
    }
    expect(edges).toBeGreaterThan(100_000);
    // Violations reached, and kept along steps that do not touch them.
    expect(bad).toBeGreaterThan(1000);
    expect(kept).toBeGreaterThan(100);
  }, 300_000);

  it('answers as the full evaluation on random edits of a parent and of its successor', () => {
    let fails = 0;
    let flips = 0;
    for (const m of [...models(), ...violating().slice(0, 4)]) {
      const inv = new InvariantSets(m);
      const states: State[] = [];
      eachEdge(m, 2000, (_b, a) => {
        if (states.length < 4000) states.push(a);
      });
      fc.assert(
        fc.property(fc.nat(), fc.array(editArb, { maxLength: 4 }), fc.array(editArb, { minLength: 1, maxLength: 4 }), (si, before, after) => {
          const b = states[si % states.length].slice() as State;
          for (const x of before) applyEdit(m, b, x);
          const a = b.slice() as State;
          for (const x of after) applyEdit(m, a, x);
          const pm = inv.checkAlways(b);
          const full = inv.checkAlways(a);
          const { diff, n } = diffOf(b, a);
          expect(inv.checkAlwaysAfter(a, pm, diff, n)).toBe(full);
          if (full !== 0) fails++;
          if (full !== pm) flips++;
        }),
        { seed: SEED, numRuns: 1500 },
      );
    }
    expect(fails).toBeGreaterThan(1000);
    expect(flips).toBeGreaterThan(1000);
  }, 300_000);

  it('evaluates invariants that declare no reads on every state, and refuses reads outside the state', () => {
    const m = models()[3];
    const plain = m.invariants.map((i) => (i.kind === 'always' ? { name: i.name, kind: i.kind, description: i.description, holds: i.holds } : i));
    const v = variantOf(m, { name: 'plain', invariants: plain });
    const inv = new InvariantSets(v);
    const s = m.initialStates()[0];
    // Nothing changed, a parent mask that says every invariant fails: without reads, each is evaluated.
    expect(inv.checkAlwaysAfter(s, 0x7fffffff, new Int32Array(1), 0)).toBe(0);
    const wide = m.invariants.map((i) => (i.kind === 'always' ? { ...i, reads: [m.stateWords] } : i));
    expect(() => new InvariantSets(variantOf(m, { name: 'wide', invariants: wide }))).toThrow(/outside the state/);
  });
});

describe('an exploration with the declared reads', () => {
  it('flags every state as one that evaluates every invariant on every state', () => {
    let violated = 0;
    const spaces = [
      ...models(),
      ...violating(),
      fullModel('5.3.2', { pops: 2, batch: 2 }, {}, 3),
      fullModel('5.3.1', { pops: 2, batch: 2, crashes: 1 }, {}, 2),
    ];
    for (const m of spaces) {
      const plain = m.invariants.map((i) => (i.kind === 'always' ? { name: i.name, kind: i.kind, description: i.description, holds: i.holds } : i));
      for (const symmetry of [true, false]) {
        const opts = { symmetry, maxStates: 30_000 };
        const g = explore(m, opts);
        const r = explore(variantOf(m, { name: 'plain', invariants: plain }), opts);
        expect(g.states).toBe(r.states);
        for (let i = 0; i < g.states; i++) {
          if (g.flags.get(i) !== r.flags.get(i)) expect.fail(`${m.name} symmetry=${symmetry}: state ${i} flags ${g.flags.get(i)} against ${r.flags.get(i)}`);
          if ((g.flags.get(i) & 0x7fffffff) !== 0) violated++;
        }
        expect(g.firstViolations).toEqual(r.firstViolations);
      }
    }
    expect(violated).toBeGreaterThan(1000);
  }, 300_000);
});
