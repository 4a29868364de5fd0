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
import type { Invariant, Model } from '../../checker/model.js';
import { CK_CATALOGUE } from '../../model/catalogue.js';
import type { Event } from '../../model/events.js';
import { ALWAYS_READS, DEFAULT_INVARIANTS, INVARIANT_NAMES } from '../../model/invariants.js';
import { C, E, G, Q } from '../../model/layout.js';
import { variantOf, type PopModel } from '../../model/popmodel.js';
import type { State } from '../../model/state.js';
import { entryModel } from '../fixtures/catalogue.js';
import { fullModel } from '../fixtures/full.js';
import { ackFlushModel } from '../fixtures/models.js';

const SEED = 20_261_202;
const ALWAYS = INVARIANT_NAMES.filter((n) => ALWAYS_READS[n] !== undefined);

/** Spaces with every invariant (the on-request ones too). */
function models(): PopModel[] {
  return [
    ackFlushModel({ release: '5.3.2', messages: 3 }),
    ackFlushModel({ release: '5.3.1', messages: 3 }),
    ackFlushModel({ release: '5.0.0', messages: 3, batchAck: false }),
    fullModel('5.3.2', { pops: 2, batch: 2, lateAcks: 1, dupAcks: 1 }, {}, 2, INVARIANT_NAMES),
    fullModel('5.3.2', { pops: 3, batch: 1 }, {}, 3, INVARIANT_NAMES),
    fullModel('5.3.1', { pops: 2, batch: 1, retryFailures: 1, crashes: 1 }, {}, 2, INVARIANT_NAMES),
    fullModel('5.3.2', { pops: 2, batch: 1, changes: 1, storeFailures: 1, roleChanges: 1 }, {}, 2, INVARIANT_NAMES),
    fullModel('head', { pops: 1, batch: 2, changes: 1 }, { asyncBizRead: true }, 2, INVARIANT_NAMES),
    fullModel('head', { pops: 2, batch: 1, readFailures: 1, staleHandles: 1, changes: 1 }, { asyncBizRead: true }, 2, INVARIANT_NAMES),
    fullModel('5.3.2', { pops: 2, batch: 1, expire: 1, produce: 1, gc: 1, cqLag: true }, {}, 2, INVARIANT_NAMES),
  ];
}

/** Catalogue runs that violate an `always` invariant (buggy side), with every default invariant. */
function violating(): PopModel[] {
  return CK_CATALOGUE.filter((e) => e.expectBuggy === 'violated' && ALWAYS.includes(e.invariant as (typeof ALWAYS)[number])).map((e) =>
    entryModel(e, e.buggy, {}, DEFAULT_INVARIANTS),
  );
}

/** Breadth first over canonical states (as the explorer stores them): calls `edge` on each step, up to `limit` states. */
function eachEdge(m: Model<State, Event>, limit: number, edge: (before: State, after: State) => void): number {
  const canon = m.canonicalize ? (s: State) => m.canonicalize!(s) : (s: State) => s;
  const seen = new Set<string>();
  const queue: State[] = [];
  for (const s0 of m.initialStates()) {
    const s = canon(s0).slice() as State;
    if (!seen.has(s.join())) {
      seen.add(s.join());
      queue.push(s);
    }
  }
  for (let h = 0; h < queue.length; h++) {
    const s = queue[h];
    for (const e of m.enabledEvents(s)) {
      const n = canon(m.step(s, e)).slice() as State;
      edge(s, n);
      const key = n.join();
      if (!seen.has(key) && seen.size < limit) {
        seen.add(key);
        queue.push(n);
      }
    }
  }
  return seen.size;
}

function diffOf(a: Int32Array, b: Int32Array): { diff: Int32Array; n: number } {
  const diff = new Int32Array(a.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff[n++] = i;
  return { diff, n };
}

/** The words `holds` reads on `s`, recorded through a proxy. */
function recordReads(inv: Invariant<State, Event>, s: State): Set<number> {
  const read = new Set<number>();
  const proxy = new Proxy(s, {
    get(target, key) {
      if (typeof key === 'string' && /^\d+$/.test(key)) read.add(Number(key));
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  (inv as { holds(s: State): boolean }).holds(proxy);
  return read;
}

/** A random edit of a state within its layout's structure: mask, time and flag words, counts kept in range. */
const editArb = fc.record({ what: fc.integer({ min: 0, max: 7 }), at: fc.nat(), value: fc.integer({ min: -1, max: 1 << 20 }), small: fc.integer({ min: 0, max: 7 }) });
type Edit = { what: number; at: number; value: number; small: number };

function applyEdit(m: PopModel, d: Int32Array, x: Edit): void {
  const L = m.ctx.L;
  const k = x.at % L.ckSlots;
  const c = L.ck(k);
  const e = L.log(x.at % L.entries);
  const masky = [C.RETRIED, C.ACK_STORED_IN_TIME, C.ACKED_IN_TIME, C.REVIVE_UNACKED, C.RETRY_PENDING, C.CHANGED, C.FOREIGN_RETRIES, C.FLAGS, C.HELD, C.ACKED];
  switch (x.what) {
    case 0:
      d[c + masky[x.at % masky.length]] ^= 1 << (x.small % 3);
      break;
    case 1:
      d[c + [C.EPOCH, C.BROKER, C.START, C.NUM][x.small % 4]] = x.small;
      break;
    case 2:
      d[e + [E.KIND, E.BROKER, E.SLOT][x.small % 3]] = x.value & 3;
      break;
    case 3:
      d[e + E.CK] = Math.abs(x.value) % L.ckSlots;
      break;
    case 4:
      d[[G.EPOCH, G.REVIVE_MEM, G.REVIVE_COMMIT, G.NOW][x.small % 4]] = (x.value % 8) - 1;
      break;
    case 5:
      d[G.NCK] = Math.abs(x.value) % (L.ckSlots + 1);
      break;
    case 6:
      if (x.small % 2 === 0) d[G.NLOG] = Math.abs(x.value) % (L.entries - d[G.NTIMER] + 1);
      else d[G.NTIMER] = Math.abs(x.value) % (L.entries - d[G.NLOG] + 1);
      break;
    default:
      d[L.q(x.at % L.queues) + [Q.LIVE_FROM, Q.MAX, Q.MIN][x.small % 3]] += (x.value % 5) - 2;
  }
  if (d[c + C.NUM] < 0) d[c + C.NUM] = 0;
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
        expect(inv.checkAlwaysAfter(a, pm, diff, n)).toBe(full);
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
