/**
 * The transition invariants' watched words (model/invariants.ts, TRANSITION_WATCHES) and the
 * explorer's use of them (checker/invariant-sets.ts, checkTransitionTouched: a transition
 * invariant none of whose watched words the step changed holds, and is not evaluated). A
 * declaration that missed a word would let a violation through silently, so: (1) on pairs of
 * states that agree on an invariant's watched words (reachable states and random edits of them,
 * every event seen in the space), the invariant holds and reads nothing but watched words;
 * (2) checkTransitionAfter answers as the full evaluation on every edge of several spaces
 * (successors as the step built them, as the explorer checks them) and of the catalogue's runs
 * that violate a transition invariant, and on random edits of a successor; (3) a whole
 * exploration gives the same flags and counterexamples with the declarations as without.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explore } from '../../checker/explore.js';
import { InvariantSets } from '../../checker/invariant-sets.js';
import type { Invariant, TransitionInvariant } from '../../checker/model.js';
import { CK_CATALOGUE } from '../../model/catalogue.js';
import type { Event } from '../../model/events.js';
import { DEFAULT_INVARIANTS, INVARIANT_NAMES, TRANSITION_WATCHES } from '../../model/invariants.js';
import { C, G, Q } from '../../model/layout.js';
import { variantOf, type PopModel } from '../../model/popmodel.js';
import type { State } from '../../model/state.js';
import { entryModel } from '../fixtures/catalogue.js';
import { fullModel } from '../fixtures/full.js';
import { applyEdit, diffOf, eachEdge, editArb, models, recording, SEED, type Edit } from '../fixtures/invariant-spaces.js';

const TRANSITIONS = INVARIANT_NAMES.filter((n) => TRANSITION_WATCHES[n] !== undefined);

/** Catalogue runs that violate a transition invariant (buggy side), with every default invariant and theirs. */
function violating(): PopModel[] {
  return CK_CATALOGUE.filter((e) => e.expectBuggy === 'violated' && TRANSITIONS.includes(e.invariant as (typeof TRANSITIONS)[number])).map((e) =>
    entryModel(e, e.buggy, {}, [...new Set([...DEFAULT_INVARIANTS, e.invariant])]),
  );
}

/** applyEdit's edits, and edits of the words only the transition invariants look at: offsets, origins, parents, message bits. */
const stepEditArb = fc.oneof(editArb, editArb.map((x) => ({ ...x, what: 8 + (x.small % 4) })));

function applyStepEdit(m: PopModel, d: Int32Array, x: Edit): void {
  if (x.what < 8) return applyEdit(m, d, x);
  const L = m.ctx.L;
  const k = x.at % L.ckSlots;
  const c = L.ck(k);
  switch (x.what) {
    case 8:
      d[L.q(x.at % L.queues) + [Q.CONSUMER_OFFSET, Q.CONSUMER_PERSIST][x.small % 2]] += (x.value % 5) - 2;
      break;
    case 9:
      d[[G.REVIVE_PERSIST, G.REVIVE_COMMIT, G.NCK][x.small % 3]] += (x.value % 3) - 1;
      if (d[G.NCK] < 0 || d[G.NCK] > L.ckSlots) d[G.NCK] = 0;
      break;
    case 10:
      d[c + [C.ACK_WRITTEN, C.BITS, C.RETRIED, C.HELD, C.PENDING_MARK][x.small % 5]] ^= 1 << (x.value % 3);
      break;
    case 11:
      // A parent is an earlier CK (deliveryRoot follows parents back to the pop's).
      if (x.small % 3 === 0) d[c + C.ORIGIN] = Math.abs(x.value) % 5;
      else if (x.small % 3 === 1) d[c + C.PARENT] = k === 0 ? -1 : x.value % k;
      else d[c + C.QUEUE] = Math.abs(x.value) % L.queues;
  }
}

const watchesOf = (inv: Invariant<State, Event>): readonly number[] | undefined => (inv.kind === 'transition' ? inv.watches : undefined);

describe("the transition invariants' watched words", () => {
  it('are declared for every transition invariant of the model, and only for them', () => {
    const m = models()[4];
    const transitions = m.invariants.filter((i) => i.kind === 'transition');
    for (const inv of transitions) expect(watchesOf(inv), inv.name).toBeDefined();
    expect(TRANSITIONS).toEqual(transitions.map((i) => i.name));
  });

  it('a step that changes none of them satisfies the invariant, which reads only them, on reachable states and random edits', () => {
    let checked = 0;
    let differing = 0;
    for (const m of [...models(), ...violating()]) {
      const invs = m.invariants.filter((i): i is TransitionInvariant<State, Event> => i.kind === 'transition');
      expect(invs.length).toBeGreaterThan(0);
      const states: State[] = [];
      const events = new Map<string, Event>();
      eachEdge(m, 1000, (b, _a, e) => {
        if (states.length < 2000) states.push(b);
        events.set(JSON.stringify(e), e);
      });
      const evs = [...events.values()];
      fc.assert(
        fc.property(fc.nat(), fc.array(stepEditArb, { maxLength: 3 }), fc.array(stepEditArb, { minLength: 1, maxLength: 6 }), fc.nat(), (si, before, after, ei) => {
          const b = states[si % states.length].slice() as State;
          for (const x of before) applyStepEdit(m, b, x);
          const edited = b.slice() as State;
          for (const x of after) applyStepEdit(m, edited, x);
          for (const inv of invs) {
            // The successor: the edits outside the invariant's watched words.
            const a = edited.slice() as State;
            for (const w of inv.watches!) a[w] = b[w];
            if (a.some((v, i) => v !== b[i])) differing++;
            const watched = new Set(inv.watches!);
            for (let k = 0; k < 4; k++) {
              const e = evs[(ei + k * 7) % evs.length];
              const read = new Set<number>();
              const holds = inv.holds(recording(b, read), e, recording(a, read));
              if (!holds) expect.fail(`${m.name}: '${inv.name}' fails on ${e.type} with its watched words unchanged`);
              for (const w of read) if (!watched.has(w)) expect.fail(`${m.name}: '${inv.name}' read word ${w}, not watched`);
              checked++;
            }
          }
        }),
        { seed: SEED, numRuns: 150 },
      );
    }
    expect(checked).toBeGreaterThan(20_000);
    expect(differing).toBeGreaterThan(5000);
  }, 300_000);
});

describe('checkTransitionAfter', () => {
  it('answers as the full evaluation on every edge of several spaces and of the catalogue runs that violate', () => {
    let edges = 0;
    let bad = 0;
    let skipped = 0;
    for (const m of [...models(), ...violating()]) {
      const inv = new InvariantSets(m);
      eachEdge(
        m,
        3000,
        (b, a, e) => {
          const { diff, n } = diffOf(b, a);
          const full = inv.checkTransition(b, e, a);
          expect(inv.checkTransitionAfter(b, e, a, diff, n)).toBe(full);
          edges++;
          if (full !== 0) bad++;
          if (inv.touchedBy(diff, n) === 0) skipped++;
        },
        true,
      );
    }
    expect(edges).toBeGreaterThan(40_000);
    expect(bad).toBeGreaterThan(500);
    // Edges on which no transition invariant is evaluated.
    expect(skipped).toBeGreaterThan(10_000);
  }, 300_000);

  it('answers as the full evaluation on random edits of a successor', () => {
    let fails = 0;
    let skipped = 0;
    for (const m of [...models(), ...violating()]) {
      const inv = new InvariantSets(m);
      const edges: [State, Event, State][] = [];
      eachEdge(
        m,
        1000,
        (b, a, e) => {
          if (edges.length < 2000) edges.push([b, e, a]);
        },
        true,
      );
      fc.assert(
        fc.property(fc.nat(), fc.array(stepEditArb, { maxLength: 4 }), (si, edits) => {
          const [b, e, a0] = edges[si % edges.length];
          const a = a0.slice() as State;
          for (const x of edits) applyStepEdit(m, a, x);
          const { diff, n } = diffOf(b, a);
          const full = inv.checkTransition(b, e, a);
          expect(inv.checkTransitionAfter(b, e, a, diff, n)).toBe(full);
          if (full !== 0) fails++;
          if (inv.touchedBy(diff, n) === 0) skipped++;
        }),
        { seed: SEED, numRuns: 400 },
      );
    }
    expect(fails).toBeGreaterThan(1000);
    expect(skipped).toBeGreaterThan(50);
  }, 300_000);

  it('evaluates transition invariants that declare nothing on every edge, and refuses words outside the state', () => {
    const m = models()[3];
    const plain = m.invariants.map((i) => (i.kind === 'transition' ? { name: i.name, kind: i.kind, description: i.description, holds: () => false } : i));
    const inv = new InvariantSets(variantOf(m, { name: 'plain', invariants: plain }));
    const s = m.initialStates()[0];
    const e = m.enabledEvents(s)[0];
    // Nothing changed, invariants that always fail: without watches, each is evaluated.
    const bits = plain.reduce((acc, i, k) => (i.kind === 'transition' ? acc | (1 << k) : acc), 0);
    expect(bits).not.toBe(0);
    expect(inv.checkTransitionAfter(s, e, s, new Int32Array(1), 0)).toBe(bits);
    const wide = m.invariants.map((i) => (i.kind === 'transition' ? { ...i, watches: [m.stateWords] } : i));
    expect(() => new InvariantSets(variantOf(m, { name: 'wide', invariants: wide }))).toThrow(/watches word .* outside the state/);
  });
});

describe('an exploration with the watched words', () => {
  it('flags every state and finds every counterexample as one that evaluates every transition invariant on every edge', () => {
    let violated = 0;
    const spaces = [...models(), ...violating(), fullModel('5.3.1', { pops: 2, batch: 2, crashes: 1 }, {}, 2)];
    for (const m of spaces) {
      const plain = m.invariants.map((i) => (i.kind === 'transition' ? { name: i.name, kind: i.kind, description: i.description, holds: i.holds } : i));
      for (const symmetry of [true, false]) {
        const opts = { symmetry, maxStates: 5000 };
        const g = explore(m, opts);
        const r = explore(variantOf(m, { name: 'plain', invariants: plain }), opts);
        expect(g.states).toBe(r.states);
        expect(g.transitions).toBe(r.transitions);
        for (let i = 0; i < g.states; i++) {
          if (g.flags.get(i) !== r.flags.get(i)) expect.fail(`${m.name} symmetry=${symmetry}: state ${i} flags ${g.flags.get(i)} against ${r.flags.get(i)}`);
        }
        expect(g.firstViolations).toEqual(r.firstViolations);
        violated += g.firstViolations.length;
      }
    }
    expect(violated).toBeGreaterThan(5);
  }, 300_000);
});
