/**
 * `lifecycle-legal`'s parts (lifecycleParts, TransitionInvariant.parts): the explorer tells the
 * check which parts of the state a step changed (the queue lengths and the entries' kinds and
 * slots; each CK record), from the words where the successor differs from the parent, and the
 * module (lifecycle.wat's `moves`) skips what did not change. The answer must not depend on it:
 * - with the parts computed from the differing words (InvariantSets.touchedBy, as the explorer's
 *   stepper computes `touched`, and InvariantSets.partsOf), the module's moves equal its moves
 *   without parts (-1), on every edge of explored graphs and on random edits of them (seeded),
 *   including steps whose CK moves though its record did not change (the queues moved), and with
 *   so few bits left that the last CK records share one;
 * - a parts mask that hides a change the step made does change answers (the test above can fail);
 * - InvariantSets gives each part its bit after the invariants', parts past the 32 bits sharing
 *   the last one (and set bits past it);
 * - the explorer passes the parts to `holds`, and its verdicts are the TypeScript check's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explore, type Model } from '../../checker/index.js';
import type { TransitionInvariant } from '../../checker/model.js';
import { InvariantSets } from '../../checker/invariant-sets.js';
import type { Event, EventType } from '../../model/events.js';
import { C, G, Layout, ORIGIN } from '../../model/layout.js';
import { ckState, EVENT_BIT, illegalMoves, LifecycleCheck, lifecycleLegal, lifecycleParts } from '../../model/lifecycles.js';
import type { PopModel } from '../../model/popmodel.js';
import type { State } from '../../model/state.js';
import { fullModel } from '../fixtures/full.js';
import { applyLifecycleEdits, lifecycleEdit } from '../fixtures/lifecycle-edits.js';
import { ackFlushModel } from '../fixtures/models.js';
import { walk } from '../fixtures/walk.js';

interface WasmMemoryCtor {
  new (d: { initial: number }): { buffer: ArrayBuffer };
}
const Memory = (globalThis as unknown as { WebAssembly: { Memory: WasmMemoryCtor } }).WebAssembly.Memory;
const EVENT_TYPES = Object.keys(EVENT_BIT) as EventType[];

function models(): PopModel[] {
  return [
    ackFlushModel({ release: '5.3.2', messages: 4 }),
    ackFlushModel({ release: '5.3.2', messages: 3, batchAck: true }),
    fullModel('5.3.2', { pops: 2, batch: 1 }, {}, 2),
    fullModel('head', { crashes: 1, pops: 1, batch: 2 }, {}, 2),
    fullModel('head', { changes: 1, pops: 1, batch: 1 }, { enablePopBufferMerge: false }, 1),
    fullModel('5.3.1', { pops: 1, batch: 2, retryFailures: 1 }, {}, 2),
  ];
}

/**
 * The InvariantSets of `m` with `extra` more invariants (final ones, which watch nothing) before
 * its own, so that lifecycle-legal's parts get the bits left after them (few with many extra:
 * then the last CK records share one), and lifecycle-legal's index there.
 */
function setsOf(m: PopModel, extra = 0): { inv: InvariantSets<State, Event>; index: number } {
  const index = m.invariants.findIndex((i) => i.name === 'lifecycle-legal');
  expect(index).toBeGreaterThanOrEqual(0);
  const dummies = Array.from({ length: extra }, (_, i) => ({ name: `x${i}`, kind: 'final' as const, description: 'x', holds: () => true }));
  const invariants = [...dummies, ...m.invariants];
  const inv = new InvariantSets<State, Event>({
    name: m.name,
    stateWords: m.stateWords,
    invariants,
    initialStates: () => m.initialStates(),
    enabledEvents: (s) => m.enabledEvents(s),
    step: (s, e) => m.step(s, e),
    words: (s) => s,
    fromWords: (w) => m.fromWords(w),
  });
  return { inv, index: index + extra };
}

/** The positions where two states differ, as the explorer's stepper lists them. */
function differing(b: Int32Array, a: Int32Array): { diff: Int32Array; n: number } {
  const diff = new Int32Array(b.length);
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b[i] !== a[i]) diff[n++] = i;
  return { diff, n };
}

/** A LifecycleCheck on a memory of its own, with places for two states in it, told the parts' bits of `setsOf(m, ·, extra)`. */
class Harness {
  readonly check: LifecycleCheck;
  readonly before: Int32Array;
  readonly after: Int32Array;
  readonly L: Layout;
  private readonly inv: InvariantSets<State, Event>;
  private readonly index: number;
  readonly seen = { steps: 0, partsClear: 0, entriesClear: 0, recordsClear: 0, ckMovedRecordSame: 0 };

  constructor(m: PopModel, extra = 0) {
    this.L = m.ctx.L;
    const memory = new Memory({ initial: 2 });
    this.check = new LifecycleCheck(this.L);
    this.check.useMemory(memory);
    this.before = new Int32Array(memory.buffer, 20, this.L.words);
    this.after = new Int32Array(memory.buffer, 20 + 4 * this.L.words + 12, this.L.words);
    ({ inv: this.inv, index: this.index } = setsOf(m, extra));
  }

  /** The `parts` the explorer would pass lifecycle-legal for this step (from the stepper's `touched`). */
  partsFor(before: Int32Array, after: Int32Array): number {
    const { diff, n } = differing(before, after);
    return this.inv.partsOf(this.index, this.inv.touchedBy(diff, n));
  }

  /** The module's answer and verdicts with the step's parts are its answer without them. */
  agree(before: Int32Array, after: Int32Array, event: EventType): void {
    const L = this.L;
    this.before.set(before);
    this.after.set(after);
    const parts = this.partsFor(before, after);
    const r = this.check.movesOf(this.before, this.after, parts);
    const full = this.check.movesOf(this.before, this.after, -1);
    expect(r, `parts ${parts.toString(2)}`).toBe(full);
    expect(this.check.legal(this.before, this.after, event, parts)).toBe(lifecycleLegal(before, after, L, event));
    this.seen.steps++;
    if (parts !== -1) this.seen.partsClear++;
    if ((parts & 1) === 0) this.seen.entriesClear++;
    const common = Math.min(before[G.NCK], after[G.NCK], L.ckSlots);
    for (let k = 0; k < common; k++) {
      if ((parts & (1 << Math.min(k + 1, 31))) !== 0) continue;
      this.seen.recordsClear++;
      if (ckState(before, L, k) !== ckState(after, L, k)) this.seen.ckMovedRecordSame++;
    }
  }
}

interface Step {
  readonly before: Int32Array;
  readonly event: EventType;
  readonly after: Int32Array;
}

describe("lifecycle-legal's parts", () => {
  const all = models();
  const samples: { m: PopModel; steps: Step[] }[] = [];

  it('give the module the answer it gives without them, on every edge of explored graphs', () => {
    let edges = 0;
    let partsClear = 0;
    let recordsClear = 0;
    for (const m of all) {
      const h = new Harness(m);
      const steps: Step[] = [];
      walk(m, (before, e, after) => {
        edges++;
        h.agree(before, after, e.type);
        if (steps.length < 300 || edges % 5 === 0) steps.push({ before, event: e.type, after });
      });
      partsClear += h.seen.partsClear;
      recordsClear += h.seen.recordsClear;
      samples.push({ m, steps: steps.slice(0, 1500) });
    }
    expect(edges).toBeGreaterThan(2500);
    // The skips are taken: nearly every step leaves some part alone, most leave CK records alone.
    expect(partsClear).toBeGreaterThan(0.9 * edges);
    expect(recordsClear).toBeGreaterThan(edges / 2);
  });

  it('give the module the answer it gives without them, on random edits of those edges (a CK moving with its record unchanged included)', () => {
    expect(samples.length).toBe(all.length);
    const harnesses = new Map<PopModel, Harness>();
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.array(lifecycleEdit, { minLength: 1, maxLength: 4 }), fc.constantFrom(...EVENT_TYPES), (mi, si, edits, ev) => {
        const { m, steps } = samples[mi % samples.length];
        const L = m.ctx.L;
        const s = steps[si % steps.length];
        // Counts within the layout: outside it the module declines whatever the parts (checkMoves answers).
        const { before, after } = applyLifecycleEdits(s.before, s.after, edits, L, { num: [-1, 40], beyond: 0 });
        let h = harnesses.get(m);
        if (h === undefined) harnesses.set(m, (h = new Harness(m)));
        h.agree(before, after, ev);
      }),
      { numRuns: 8000, seed: 1212 },
    );
    const seen = { steps: 0, entriesClear: 0, recordsClear: 0, ckMovedRecordSame: 0 };
    for (const h of harnesses.values()) for (const k of Object.keys(seen) as (keyof typeof seen)[]) seen[k] += h.seen[k];
    expect(seen.steps).toBe(8000);
    expect(seen.entriesClear).toBeGreaterThan(1000);
    expect(seen.recordsClear).toBeGreaterThan(1000);
    // The one case where a CK whose record did not change moves: its entry moved, the queues with it.
    expect(seen.ckMovedRecordSame).toBeGreaterThan(20);
  });

  it('give the module the answer it gives without them when the last CK records share a bit (few bits left)', () => {
    let shared = 0;
    for (const { m, steps } of samples) {
      const L = m.ctx.L;
      // Leave lifecycle-legal 2 bits: the entries, and one for every CK record.
      const h = new Harness(m, 32 - m.invariants.length - 2);
      for (const s of steps) h.agree(s.before, s.after, s.event);
      if (L.ckSlots > 1) shared += h.seen.steps;
    }
    expect(shared).toBeGreaterThan(500);
  });

  it('give the module the answer it gives without them past the 31st CK slot (records from slot 30 on share bit 31)', () => {
    // A layout of 40 CK slots, every one in use, no entries (part 0 unchanged): a step that
    // edits CK k's record alone comes with that record's bit only (bit 1 + k, bit 31 from k = 30).
    const L = new Layout({ queues: 1, messagesPerQueue: 8, ckSlots: 40, entries: 2 });
    const memory = new Memory({ initial: 2 });
    const check = new LifecycleCheck(L);
    check.useMemory(memory);
    const b = new Int32Array(memory.buffer, 20, L.words);
    const a = new Int32Array(memory.buffer, 20 + 4 * L.words + 12, L.words);
    const WORDS = [C.FLAGS, C.BITS, C.ACKED, C.ACK_WRITTEN, C.RETRIED, C.RETRY_PENDING, C.CHANGED, C.REVIVE_UNACKED];
    const ck = fc.record({ mock: fc.boolean(), num: fc.integer({ min: 1, max: 8 }), words: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: WORDS.length, maxLength: WORDS.length }) });
    let moved = 0;
    let hidden = 0;
    let past30 = 0;
    fc.assert(
      fc.property(fc.array(ck, { minLength: 40, maxLength: 40 }), fc.integer({ min: 0, max: 39 }), fc.integer({ min: 0, max: WORDS.length - 1 }), fc.integer({ min: 0, max: 7 }), fc.constantFrom(...EVENT_TYPES), (cks, k, w, bit, ev) => {
        b.fill(0);
        b[G.NCK] = 40;
        cks.forEach((x, j) => {
          const c = L.ck(j);
          b[c + C.ORIGIN] = x.mock ? ORIGIN.MOCK : ORIGIN.POP;
          b[c + C.NUM] = x.num;
          WORDS.forEach((word, i) => (b[c + word] = x.words[i]));
        });
        a.set(b);
        a[L.ck(k) + WORDS[w]] ^= 1 << bit;
        const full = check.movesOf(b, a, -1);
        const parts = 1 << Math.min(k + 1, 31);
        expect(check.movesOf(b, a, parts)).toBe(full);
        // And both are checkMoves': a move where it sees one (an event type that allows none lists them all), the same verdict.
        expect(full !== 0).toBe(illegalMoves(b, a, L, 'none of them' as EventType).length > 0);
        expect(check.legal(b, a, ev, parts)).toBe(lifecycleLegal(b, a, L, ev));
        if (full !== 0) {
          moved++;
          if (k >= 30) past30++;
          // Without the record's bit the module reads nothing of it: the move is missed.
          if (check.movesOf(b, a, 0) !== full) hidden++;
        }
      }),
      { numRuns: 3000, seed: 4040 },
    );
    expect(past30).toBeGreaterThan(100);
    expect(hidden).toBe(moved);
  });

  it('that hide a change the step made change answers (so the tests above can fail)', () => {
    let hidden = 0;
    let differ = 0;
    for (const { m, steps } of samples) {
      const h = new Harness(m);
      for (const s of steps) {
        const parts = h.partsFor(s.before, s.after);
        // Every changed part hidden: as a summary of the parent kept from another expansion would.
        h.before.set(s.before);
        h.after.set(s.after);
        const full = h.check.movesOf(h.before, h.after, -1);
        const stale = h.check.movesOf(h.before, h.after, 0);
        if (parts !== 0) hidden++;
        if (stale !== full) differ++;
      }
    }
    expect(hidden).toBeGreaterThan(1000);
    expect(differ).toBeGreaterThan(hidden / 2);
  });
});

describe('InvariantSets', () => {
  /** A model of `words` words with `invariants` transition invariants, the last with one part per word. */
  function partsModel(words: number, invariants: number): Model<Int32Array, number> {
    const invs = Array.from({ length: invariants }, (_, i) => ({
      name: `t${i}`,
      kind: 'transition' as const,
      description: 'x',
      holds: () => true,
      watches: [0],
      ...(i === invariants - 1 ? { parts: Array.from({ length: words }, (_, w) => [w]) } : {}),
    }));
    return {
      name: 'parts',
      stateWords: words,
      invariants: invs,
      initialStates: () => [new Int32Array(words)],
      enabledEvents: () => [],
      step: (s) => s,
      words: (s) => s,
      fromWords: (w) => w,
    };
  }

  it("passes bit j of `parts` clear only when part j did not change, after the invariants' own bits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 34 }), fc.array(fc.nat(), { maxLength: 6 }), (words, invariants, changed) => {
        const inv = new InvariantSets(partsModel(words, invariants));
        const pos = [...new Set(changed.map((c) => c % words))].sort((a, b) => a - b);
        const touched = inv.touchedBy(Int32Array.from(pos), pos.length);
        const parts = inv.partsOf(invariants - 1, touched);
        // The bits it has for parts (after the invariants'): the last shared by the parts past it.
        const width = Math.max(0, Math.min(words, 32 - invariants));
        for (let j = 0; j < 32; j++) {
          const mine = j < width - 1 ? pos.includes(j) : j === width - 1 ? pos.some((p) => p >= width - 1) : true;
          expect(((parts >>> j) & 1) === 1, `bit ${j}`).toBe(mine);
        }
        expect(inv.partsOf(invariants - 1, -1)).toBe(-1);
        // An invariant without parts gets -1; the invariants' own bits are as before.
        if (invariants > 1) expect(inv.partsOf(0, touched)).toBe(-1);
        const own = invariants >= 32 ? -1 : (2 ** invariants - 1) | 0;
        if (invariants <= 32) expect(touched & own).toBe(pos.includes(0) ? own : 0);
      }),
      { numRuns: 400, seed: 77 },
    );
  });
});

describe('the explorer', () => {
  it('passes lifecycle-legal the parts its step changed, and its verdicts are the TypeScript check (with and without symmetry)', () => {
    for (const m of [ackFlushModel({ release: '5.3.2', messages: 7 }), fullModel('5.3.2', { pops: 3, batch: 1 }, {}, 3), fullModel('head', { crashes: 1, pops: 2, batch: 2 }, {}, 2)]) {
      const L = m.ctx.L;
      const index = m.invariants.findIndex((i) => i.name === 'lifecycle-legal');
      const original = m.invariants[index] as TransitionInvariant<State, Event>;
      const partsList = lifecycleParts(L);
      let calls = 0;
      let withParts = 0;
      const spy: TransitionInvariant<State, Event> = {
        ...original,
        holds: (b, e, a, parts) => {
          calls++;
          if (parts !== undefined && parts !== -1) {
            withParts++;
            // Every part the step changed has its bit set.
            partsList.forEach((words, j) => {
              if (words.some((w) => b[w] !== a[w])) expect((parts >>> Math.min(j, 31)) & 1, `part ${j}`).toBe(1);
            });
          }
          const got = original.holds(b, e, a, parts);
          expect(got).toBe(lifecycleLegal(b, a, L, e.type));
          return got;
        },
      };
      const wrapped: Model<State, Event> = {
        name: m.name,
        stateWords: m.stateWords,
        invariants: m.invariants.map((inv, i) => (i === index ? spy : inv)),
        initialStates: () => m.initialStates(),
        enabledEvents: (s) => m.enabledEvents(s),
        step: (s, e) => m.step(s, e),
        stepInto: (s, e, out) => m.stepInto(s, e, out),
        stepOnto: (s, e, out) => m.stepOnto(s, e, out),
        ...(m.canonicalize ? { canonicalize: (s: State) => m.canonicalize!(s) } : {}),
        words: (s) => s,
        fromWords: (w) => m.fromWords(w),
        useMemory: (memory, buffers) => m.useMemory(memory, buffers),
      };
      for (const symmetry of [false, true]) {
        calls = 0;
        withParts = 0;
        explore(wrapped, { symmetry, maxStates: 20_000, countPaths: false });
        expect(calls, m.name).toBeGreaterThan(60);
        // Without symmetry the explorer knows what every step changed (with it, only where the
        // canonical form is the successor as built): parts is -1 only when every part changed.
        if (!symmetry) expect(withParts, m.name).toBeGreaterThan(0.9 * calls);
      }
    }
  });
});
