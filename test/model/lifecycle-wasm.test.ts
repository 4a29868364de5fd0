/**
 * `lifecycle-legal` in WebAssembly (model/wasm/lifecycle.wat, through LifecycleCheck) against
 * the TypeScript check (`checkMoves`, itself checked against the reference in
 * lifecycle-compiled.test.ts): the committed bytes are the text's; on states held in a
 * WebAssembly memory the module returns exactly the set of distinct moves checkMoves makes
 * (read off `illegalMoves` with an event type that allows no move), and the same verdict for
 * every event type, on every edge of explored state graphs, on their symmetric canonical forms,
 * and on random edits of those edges that reach every lifecycle code and illegal moves of every
 * kind; the explorer's own calls (its kernel's memory, with and without symmetry) agree with
 * the TypeScript check, and a rule that makes an illegal move is still caught there.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { explore, type Model } from '../../checker/index.js';
import type { Event, EventType } from '../../model/events.js';
import { C, G, type Layout } from '../../model/layout.js';
import {
  CK_STATES,
  CK_UNEXPECTED,
  EVENT_BIT,
  LifecycleCheck,
  MESSAGE_STATES,
  MESSAGE_UNEXPECTED,
  illegalMoves,
  lifecycleLegal,
} from '../../model/lifecycles.js';
import { asState, type State } from '../../model/state.js';
import { lifecycleBytes } from '../../model/wasm/lifecycle-module.js';
import { fullModel } from '../fixtures/full.js';
import { ackFlushModel } from '../fixtures/models.js';
import { applyLifecycleEdits, lifecycleEdit, lifecycleModels } from '../fixtures/lifecycle-edits.js';
import { walk } from '../fixtures/walk.js';
import { watBytes } from '../fixtures/wat.js';

interface WasmMemoryCtor {
  new (d: { initial: number }): { buffer: ArrayBuffer };
}
const Memory = (globalThis as unknown as { WebAssembly: { Memory: WasmMemoryCtor } }).WebAssembly.Memory;

const EVENT_TYPES = Object.keys(EVENT_BIT) as EventType[];
/** Not a model event type: no move is legal for it, so illegalMoves lists every move. */
const NO_EVENT = 'none of them' as EventType;

const messageName = (code: number): string => (code === MESSAGE_UNEXPECTED ? 'unexpected' : MESSAGE_STATES[code]);
const ckName = (code: number): string => (code === CK_UNEXPECTED ? 'unexpected' : CK_STATES[code]);

/** The moves of a module answer, as `what:from>to` (see lifecycle.wat). */
function decode(r: number): string[] {
  const out: string[] = [];
  for (const id of [r & 255, (r >>> 8) & 255, r >>> 16]) {
    if (id === 0) continue;
    if (id < 128) out.push(`message:${messageName(Math.floor((id - 1) / (MESSAGE_STATES.length + 1)))}>${messageName((id - 1) % (MESSAGE_STATES.length + 1))}`);
    else out.push(`ck:${ckName(Math.floor((id - 128) / (CK_STATES.length + 1)))}>${ckName((id - 128) % (CK_STATES.length + 1))}`);
  }
  return out.sort();
}

/** The distinct moves checkMoves sees, as `what:from>to`. */
function movesTs(before: Int32Array, after: Int32Array, L: Layout): string[] {
  return [...new Set(illegalMoves(before, after, L, NO_EVENT).map((m) => `${m.what}:${m.from}>${m.to}`))].sort();
}

/** Counts outside the layout: the module leaves those to checkMoves. */
function outsideLayout(d: Int32Array, L: Layout): boolean {
  const n = d[G.NLOG];
  const t = d[G.NTIMER];
  return d[G.NCK] < 0 || d[G.NCK] > L.ckSlots || n < 0 || t < 0 || n + t > L.entries;
}

/** A LifecycleCheck reading a memory of its own, and two states' places in it (not 16-byte aligned, as a state need not be). */
class Harness {
  readonly check: LifecycleCheck;
  readonly before: Int32Array;
  readonly after: Int32Array;
  /** What the module answered, over all steps so far. */
  readonly seen = { steps: 0, declined: 0, moves: new Set<string>(), illegal: 0 };

  constructor(readonly L: Layout) {
    const memory = new Memory({ initial: 2 });
    this.check = new LifecycleCheck(L);
    this.check.useMemory(memory);
    this.before = new Int32Array(memory.buffer, 36, L.words);
    this.after = new Int32Array(memory.buffer, 36 + 4 * L.words + 8, L.words);
  }

  /** The module's moves and verdicts for the step are checkMoves' (the states copied into the memory). */
  agree(before: Int32Array, after: Int32Array, event: EventType, allEvents = false): void {
    const L = this.L;
    this.before.set(before);
    this.after.set(after);
    const r = this.check.movesOf(this.before, this.after);
    expect(r).not.toBeNull();
    const ts = movesTs(before, after, L);
    const where = () => `${event} ${JSON.stringify(ts)}`;
    this.seen.steps++;
    if (r === -1) {
      this.seen.declined++;
      expect(ts.length > 3 || outsideLayout(before, L) || outsideLayout(after, L), where()).toBe(true);
    } else {
      expect(decode(r!), where()).toEqual(ts);
      for (const m of ts) this.seen.moves.add(m);
    }
    // The same moves give the same verdict for every event type (MOVE_LEGAL is the tables'): every
    // type is asked now and then, the step's own and one no move is legal for always.
    for (const ev of allEvents ? [...EVENT_TYPES, NO_EVENT] : [event, NO_EVENT]) {
      const legal = lifecycleLegal(before, after, L, ev);
      expect(this.check.legal(this.before, this.after, ev), `${where()} as ${ev}`).toBe(legal);
    }
    if (!lifecycleLegal(before, after, L, event)) this.seen.illegal++;
  }
}

interface Step {
  readonly before: Int32Array;
  readonly event: EventType;
  readonly after: Int32Array;
}

describe('the lifecycle WebAssembly module', () => {
  it('is lifecycle.wat compiled: lifecycle-bytes.ts is what checker/wasm/build-wat.mjs makes of the text now', async () => {
    const bytes = await watBytes(new URL('../../model/wasm/lifecycle.wat', import.meta.url));
    expect(Buffer.from(lifecycleBytes()).equals(bytes)).toBe(true);
  });

  it('refuses a layout its constants were not written for', () => {
    const m = ackFlushModel({ release: '5.3.2', messages: 2 });
    const C2 = C as { FLAGS: number };
    const flags = C2.FLAGS;
    try {
      C2.FLAGS = flags + 1;
      expect(() => new LifecycleCheck(m.ctx.L).useMemory(new Memory({ initial: 1 }))).toThrow(/does not match the layout/);
    } finally {
      C2.FLAGS = flags;
    }
    expect(() => new LifecycleCheck(m.ctx.L).useMemory(new Memory({ initial: 1 }))).not.toThrow();
  });

  it('leaves states outside its memory to TypeScript', () => {
    const m = ackFlushModel({ release: '5.3.2', messages: 2 });
    const h = new Harness(m.ctx.L);
    const s0 = m.initialStates()[0];
    const s1 = m.step(s0, m.enabledEvents(s0)[0]);
    h.before.set(s0);
    expect(h.check.movesOf(h.before, s1)).toBeNull();
    expect(h.check.movesOf(s0, h.before)).toBeNull();
    h.after.set(s1);
    expect(h.check.movesOf(h.before, h.after)).not.toBeNull();
    h.check.useMemory(null);
    expect(h.check.movesOf(h.before, h.after)).toBeNull();
    expect(h.check.legal(h.before, h.after, 'pop')).toBe(lifecycleLegal(s0, s1, m.ctx.L, 'pop'));
  });

  it('forgets the pair of states `legal` remembers when it is given another memory', () => {
    const m = ackFlushModel({ release: '5.3.2', messages: 2 });
    const L = m.ctx.L;
    const s0 = m.initialStates()[0];
    const s1 = m.step(s0, m.enabledEvents(s0)[0]);
    // The pop's moves are illegal for a tick: asked twice of the same pair, the second answer is remembered's.
    expect(lifecycleLegal(s0, s1, L, 'tick')).toBe(false);
    const h = new Harness(L);
    h.before.set(s0);
    h.after.set(s1);
    expect(h.check.legal(h.before, h.after, 'tick')).toBe(false);
    expect(h.check.legal(h.before, h.after, 'pop')).toBe(true);
    // A new memory (all zero where the two arrays sat in the old one): they are no views on it,
    // so TypeScript answers; a remembered "both in the memory" would have the module read zeros.
    h.check.useMemory(new Memory({ initial: 2 }));
    expect(h.check.movesOf(h.before, h.after)).toBeNull();
    expect(h.check.legal(h.before, h.after, 'tick')).toBe(false);
    h.check.useMemory(null);
    expect(h.check.legal(h.before, h.after, 'tick')).toBe(false);
  });
});

describe('the module makes the moves checkMoves makes', () => {
  const all = lifecycleModels();
  const samples: { L: Layout; steps: Step[] }[] = [];
  const moves = new Set<string>();

  it('on every edge of the explored graphs (ack-flush N <= 4, batch acks, small full runs with faults; 5.0.0 to head), and on their canonical forms', () => {
    let edges = 0;
    for (const m of all) {
      const L = m.ctx.L;
      const h = new Harness(L);
      const steps: Step[] = [];
      walk(m, (before, e, after) => {
        edges++;
        h.agree(before, after, e.type, edges % 50 === 0);
        if (m.canonicalize && edges % 5 === 0) h.agree(m.canonicalize(before), m.canonicalize(after), e.type);
        if (steps.length < 400 || edges % 7 === 0) steps.push({ before, event: e.type, after });
      });
      expect(h.seen.illegal, m.name).toBe(0);
      for (const x of h.seen.moves) moves.add(x);
      samples.push({ L, steps: steps.slice(0, 2000) });
    }
    expect(edges).toBeGreaterThan(20000);
    // The graphs make 26 distinct moves (from > to, message or CK); the random edits below make the rest.
    expect(moves.size).toBeGreaterThanOrEqual(26);
  });

  it('on random edits of those edges, reaching every lifecycle code and illegal moves of every kind', () => {
    expect(samples.length).toBe(all.length);
    const harnesses = new Map<Layout, Harness>();
    const stats = { steps: 0, declined: 0, illegal: 0 };
    const edited = new Set<string>();
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.array(lifecycleEdit, { minLength: 1, maxLength: 5 }), fc.option(fc.constantFrom(...EVENT_TYPES), { nil: undefined }), (mi, si, edits, ev) => {
        const { L, steps } = samples[mi % samples.length];
        const s = steps[si % steps.length];
        const { before, after } = applyLifecycleEdits(s.before, s.after, edits, L, { num: [-1, 40], beyond: 2 });
        let h = harnesses.get(L);
        if (h === undefined) harnesses.set(L, (h = new Harness(L)));
        h.agree(before, after, ev ?? s.event, si % 20 === 0);
      }),
      // Seeded: the coverage asserted below (every code, both sides of a move) is a property of the
      // sample drawn, so a fixed sample makes it the same answer on every run.
      { numRuns: 20000, seed: 20_261_203 },
    );
    for (const h of harnesses.values()) {
      stats.steps += h.seen.steps;
      stats.declined += h.seen.declined;
      stats.illegal += h.seen.illegal;
      for (const x of h.seen.moves) edited.add(x);
    }
    expect(stats.steps).toBe(20000);
    // Illegal moves aplenty, some answers left to checkMoves (more than three moves, counts outside the layout), most not.
    expect(stats.illegal).toBeGreaterThan(5000);
    expect(stats.declined).toBeGreaterThan(100);
    expect(stats.declined).toBeLessThan(stats.steps / 2);
    // Every lifecycle code, unexpected included, on both sides of a move the module reported.
    for (const name of [...MESSAGE_STATES, 'unexpected']) {
      expect([...edited].some((x) => x.startsWith(`message:${name}>`)), `message from ${name}`).toBe(true);
      if (name !== 'available') expect([...edited].some((x) => x.startsWith('message:') && x.endsWith(`>${name}`)), `message to ${name}`).toBe(true);
    }
    for (const name of [...CK_STATES, 'unexpected']) {
      expect([...edited].some((x) => x.startsWith(`ck:${name}>`)), `CK from ${name}`).toBe(true);
      expect([...edited].some((x) => x.startsWith('ck:') && x.endsWith(`>${name}`)), `CK to ${name}`).toBe(true);
    }
  });
});

describe('sameWords', () => {
  it('says whether two states are equal, in the memory (the module) and out of it (word by word), on random edits', () => {
    const layouts = [ackFlushModel({ release: '5.3.2', messages: 3 }).ctx.L, fullModel('5.3.2', { pops: 2, batch: 1 }, {}, 2).ctx.L, fullModel('head', { pops: 3, batch: 2, crashes: 1 }, {}, 3).ctx.L];
    const memory = new Memory({ initial: 2 });
    let equal = 0;
    let differ = 0;
    for (const L of layouts) {
      const check = new LifecycleCheck(L);
      check.useMemory(memory);
      // Offsets 16-byte aligned and not (a state need not be).
      const a = new Int32Array(memory.buffer, 32, L.words);
      const b = new Int32Array(memory.buffer, 48 + 4 * L.words + 4, L.words);
      fc.assert(
        fc.property(
          fc.array(fc.integer(), { minLength: L.words, maxLength: L.words }),
          fc.array(fc.tuple(fc.nat(L.words - 1), fc.integer()), { maxLength: 3 }),
          (words, edits) => {
            a.set(words);
            b.set(words);
            for (const [i, v] of edits) b[i] = v;
            const expected = words.every((w, i) => w === b[i]);
            if (expected) equal++;
            else differ++;
            expect(check.sameWords(a, b)).toBe(expected);
            expect(check.sameWords(b, a)).toBe(expected);
            // Out of the memory: word by word, the same answer.
            expect(check.sameWords(Int32Array.from(a), Int32Array.from(b))).toBe(expected);
          },
        ),
        { seed: 20_261_202, numRuns: 400 },
      );
      // The last word and the first, alone.
      for (const i of [0, L.words - 1]) {
        b.set(a);
        expect(check.sameWords(a, b)).toBe(true);
        b[i] ^= 1;
        expect(check.sameWords(a, b)).toBe(false);
      }
    }
    expect(equal).toBeGreaterThan(100);
    expect(differ).toBeGreaterThan(100);
  });
});

describe("the explorer's calls", () => {
  /** Explores `m`, checking each lifecycle-legal call the module answers against checkMoves; returns how many it answered. */
  function exploreChecked(m: Model<State, Event>, L: Layout, symmetry: boolean, maxStates = 30_000): { answered: number; calls: number } {
    const legal = LifecycleCheck.prototype.legal;
    let answered = 0;
    let calls = 0;
    const spy = vi.spyOn(LifecycleCheck.prototype, 'legal').mockImplementation(function (this: LifecycleCheck, b, a, ev) {
      calls++;
      const got = legal.call(this, b, a, ev);
      if (this.movesOf(b, a) !== null) answered++;
      expect(got).toBe(lifecycleLegal(b, a, L, ev));
      return got;
    });
    try {
      explore(m, { symmetry, maxStates, countPaths: false });
    } finally {
      spy.mockRestore();
    }
    return { answered, calls };
  }

  it('agree with the TypeScript check, with and without symmetry (the parent and every successor in the kernel memory)', () => {
    const cases = [
      ackFlushModel({ release: '5.3.2', messages: 6, batchAck: true }),
      fullModel('5.3.2', { pops: 1, batch: 2 }, {}, 2),
      fullModel('head', { crashes: 1, pops: 2, batch: 1 }, {}, 2),
      // Failing retry writes: the revives are dry-run (a pass that surely changes the state is not, reviveOutlook).
      fullModel('5.3.1', { retryFailures: 1, pops: 2, batch: 1 }, {}, 2),
    ];
    for (const m of cases) {
      for (const symmetry of [false, true]) {
        const { answered, calls } = exploreChecked(m, m.ctx.L, symmetry);
        // (The explorer does not call it on edges that change no lifecycle word: TRANSITION_WATCHES.)
        expect(calls, m.name).toBeGreaterThan(30);
        // Every edge is answered by the module: a successor the scenario built in a buffer of its
        // own (a dry run) is copied into the kernel's child buffer before the transition invariants.
        expect(answered, m.name).toBe(calls);
      }
    }
  });

  it('still catch a rule that makes an illegal move', () => {
    const m = ackFlushModel({ release: '5.3.2', messages: 3 });
    const L = m.ctx.L;
    // A pop that also marks its first message retried (available > retried: no table has it).
    const corrupt = (s: State, e: Event, out: State): State => {
      if (e.type === 'pop') out[L.ck(s[G.NCK]) + C.RETRIED] |= 1;
      return out;
    };
    const bad: Model<State, Event> = {
      name: 'corrupt pops',
      stateWords: m.stateWords,
      invariants: m.invariants,
      initialStates: () => m.initialStates(),
      enabledEvents: (s) => m.enabledEvents(s),
      step: (s, e) => corrupt(s, e, asState(m.step(s, e).slice())),
      stepInto: (s, e, out) => corrupt(s, e, m.stepInto(s, e, out)),
      stepOnto: (s, e, out) => corrupt(s, e, m.stepOnto(s, e, out)),
      words: (s) => s,
      fromWords: (w) => asState(w),
      useMemory: (memory) => m.useMemory(memory),
    };
    const { answered } = exploreChecked(bad, L, false, 2000);
    expect(answered).toBeGreaterThan(0);
    const g = explore(bad, { symmetry: false, maxStates: 2000 });
    const idx = m.invariants.findIndex((i) => i.name === 'lifecycle-legal');
    expect(g.firstViolations.some((v) => v.invariant === idx)).toBe(true);
    expect(explore(m, { symmetry: false, maxStates: 2000 }).firstViolations.some((v) => v.invariant === idx)).toBe(false);
  });
});
