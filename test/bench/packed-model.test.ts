/**
 * bench/packed-model.ts, issue 12's "measure both" prototype: a packing gives back every wide
 * state within its ranges, and popcheck's model explored over packed states is the same graph
 * (states, numbering, parents, events, invariant flags, violations) as over wide ones.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explore } from '../../checker/explore.js';
import type { Invariant, Model } from '../../checker/model.js';
import { ackFlushModel, layoutRegions, packedModel, packerOf, packingOf, unpackerOf, wordRanges } from '../../bench/packed-model.js';
import type { Event } from '../../model/events.js';
import { type PopModel, variantOf } from '../../model/popmodel.js';
import type { State } from '../../model/state.js';

/**
 * `model` with three invariants more, on wide word k (one that varies): unchanged by a step,
 * as in the initial state, as in the initial state at the end. Each fails on some states, so
 * the packed model must hand each the right wide states (before, after, final) to agree.
 */
function withWordChecks(model: PopModel, k: number): Model<State, Event> {
  const init = model.initialStates()[0][k];
  const extra: Invariant<State, Event>[] = [
    { name: 'word-unchanged', kind: 'transition', description: '', holds: (b, _e, a) => b[k] === a[k], watches: [k] },
    { name: 'word-initial', kind: 'always', description: '', holds: (s) => s[k] === init, reads: [k] },
    { name: 'word-initial-at-end', kind: 'final', description: '', holds: (s) => s[k] === init },
  ];
  return variantOf(model, { name: model.name, invariants: [...model.invariants, ...extra], symmetric: false });
}

/** A word's range and a value in it: narrow, wide, negative, constant, or the whole int32 range. */
const rangeAndValue = fc
  .oneof(
    fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 3 })),
    fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 - 2 ** 20 }), fc.integer({ min: 0, max: 2 ** 20 })),
    fc.tuple(fc.constant(-(2 ** 31)), fc.constant(2 ** 32 - 1)),
    fc.tuple(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constant(0)),
  )
  .chain(([min, span]) => fc.tuple(fc.constant(min), fc.constant(min + span), fc.integer({ min, max: min + span })));

function graphOf<S extends Int32Array, E>(model: Model<S, E>) {
  const g = explore(model, { symmetry: false });
  const column = (get: (i: number) => number) => Array.from({ length: g.states }, (_, i) => get(i));
  return {
    states: g.states,
    transitions: g.transitions,
    complete: g.complete,
    parent: column((i) => g.parent.get(i)),
    via: column((i) => g.via.get(i)),
    flags: column((i) => g.flags.get(i)),
    violations: g.firstViolations.map((v) => [model.invariants[v.invariant].name, v.stateId, v.fromId, v.eventIndex]),
  };
}

describe('bench/packed-model.ts', () => {
  it('unpacks every packed wide state to itself, whatever the ranges', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(rangeAndValue, fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 60 }), fc.boolean(), (cells, byRegion) => {
        const words = cells.map((c) => c[0]);
        // Regions in runs, as a layout's are.
        const region = Int32Array.from(cells.map((c) => c[1]));
        for (let i = 1; i < region.length; i++) region[i] = region[i - 1] + (region[i] === 0 ? 1 : 0);
        const p = packingOf(Int32Array.from(words.map((w) => w[0])), Int32Array.from(words.map((w) => w[1])), byRegion ? region : undefined);
        if (byRegion) for (const f of p.fields) expect(p.fields.filter((g) => g.word === f.word).map((g) => region[g.wide])).toEqual(p.fields.filter((g) => g.word === f.word).map(() => region[f.wide]));
        const wide = Int32Array.from(words.map((w) => w[2]));
        const packed = new Int32Array(p.words).fill(-1);
        packerOf(p)(wide, packed);
        const back = new Int32Array(wide.length);
        back.set(p.constants);
        unpackerOf(p)(packed, back);
        expect(Array.from(back)).toEqual(Array.from(wide));
        // No wider than the fields' bits laid first fit.
        const bits = p.fields.reduce((a, f) => a + f.bits, 0);
        if (!byRegion) expect(p.words).toBeLessThanOrEqual(Math.max(1, 2 * Math.ceil(bits / 32)));
      }),
      { seed: 12, numRuns: 500 },
    );
  });

  it('refuses a range whose min is above its max, and a packing of another width', () => {
    expect(() => packingOf(Int32Array.of(0, 3), Int32Array.of(1, 2))).toThrow(/word 1: min 3 > max 2/);
    expect(() => packedModel(ackFlushModel(2), packingOf(Int32Array.of(0), Int32Array.of(1)))).toThrow(/packing is for 1 words/);
  });

  it("explores ack-flush's graph over packed states as over wide ones, violations included", () => {
    for (const release of ['5.3.2', '5.3.1']) {
      for (let n = 1; n <= 5; n++) {
        const r = wordRanges(ackFlushModel(n, release));
        const packing = packingOf(Int32Array.from(r.min), Int32Array.from(r.max));
        // The word that varies last in the layout (a CK's, past the globals and the queue).
        const k = packing.fields[packing.fields.length - 1].wide;
        const plain = graphOf(withWordChecks(ackFlushModel(n, release), k));
        const packed = graphOf(packedModel(withWordChecks(ackFlushModel(n, release), k), packing));
        expect(plain.violations.map((v) => v[0])).toEqual(expect.arrayContaining(['word-unchanged', 'word-initial']));
        expect(packing.words).toBeLessThan(12);
        expect([release, n, packed]).toEqual([release, n, plain]);
        // As bench/packed-child.ts runs it: over the PopModel itself, fields packed by the layout's regions.
        const model = ackFlushModel(n, release);
        const byRegion = packingOf(Int32Array.from(r.min), Int32Array.from(r.max), layoutRegions(model.instance.layout));
        expect(byRegion.words).toBeGreaterThanOrEqual(packing.words);
        expect(graphOf(packedModel(model, byRegion))).toEqual(graphOf(ackFlushModel(n, release)));
        if (release === '5.3.1' && n >= 2) expect(plain.violations.length).toBeGreaterThan(0);
      }
    }
  }, 120_000);
});
