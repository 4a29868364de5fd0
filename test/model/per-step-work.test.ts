/**
 * Per-step work made cheaper without changing an answer (issue 12, item 2; docs/explorer.md,
 * "Where the time goes"): each faster form against the form it replaced, kept here as the
 * reference, on every reachable state of small spaces, on random walks, and on random edits
 * that make the answer change. (lifecycle-legal's skips are checked in
 * test/model/lifecycle-compiled.test.ts, the enabled computation in successors.test.ts.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BROKER, C, CF, E, G, KIND } from '../../model/layout.js';
import { ackEntryMatchesItsCk, ackKeyAgreement, ckBeforeAcks } from '../../model/invariants.js';
import type { PopModel } from '../../model/popmodel.js';
import { sortByPos } from '../../model/protocol/revive.js';
import { ARRIVED } from '../../model/protocol/store.js';
import type { Ctx } from '../../model/protocol/context.js';
import { ackFlushModel } from '../fixtures/models.js';
import { fullModel } from '../fixtures/full.js';
import { walk } from '../fixtures/walk.js';

const SEED = 20_261_201;

/** ck-before-acks as it was written before the one-pass form: for each ACK, a search of the entries before it. */
function ckBeforeAcksReference(d: Int32Array, ctx: Ctx): boolean {
  const L = ctx.L;
  for (let p = 0; p < d[G.NLOG]; p++) {
    const e = L.log(p);
    if (d[e + E.KIND] === KIND.CK || d[e + E.SLOT] === ARRIVED.DIRECT) continue;
    const k = d[e + E.CK];
    if ((d[L.ck(k) + C.FLAGS] & CF.CK_STORED) === 0) continue;
    let found = false;
    for (let x = 0; x < p && !found; x++) found = d[L.log(x) + E.KIND] === KIND.CK && d[L.log(x) + E.CK] === k;
    if (!found) return false;
  }
  return true;
}

/** Up to 20,000 states the walk reaches in m (successors, duplicates included). */
function reachable(m: PopModel): Int32Array[] {
  const all: Int32Array[] = [];
  walk(m, (_b, _e, a) => {
    if (all.length < 20_000) all.push(a);
  });
  return all;
}

/** An edit of a state: which kind of word (0-4), where, and a value to derive the new word from. */
interface Edit {
  what: number;
  at: number;
  value: number;
}

/**
 * Random edits (one to four) of `states`, each applied by `apply` to a copy: the fast form must
 * answer as the reference on every edited state. Returns how many edited states the reference
 * says fail (so the caller can check the edits reach the failing side).
 */
function agreeOnEdits(
  states: Int32Array[],
  apply: (d: Int32Array, x: Edit) => void,
  fast: (d: Int32Array) => boolean,
  reference: (d: Int32Array) => boolean,
  numRuns: number,
): number {
  let fails = 0;
  const edit = fc.record({ what: fc.integer({ min: 0, max: 4 }), at: fc.nat(), value: fc.nat() });
  fc.assert(
    fc.property(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 4 }), (si, edits) => {
      const d = states[si % states.length].slice();
      for (const x of edits) apply(d, x);
      const ref = reference(d);
      expect(fast(d)).toBe(ref);
      if (!ref) fails++;
    }),
    { seed: SEED, numRuns },
  );
  return fails;
}

function models(): PopModel[] {
  return [
    ackFlushModel({ release: '5.3.2', messages: 3 }),
    ackFlushModel({ release: '5.0.0', messages: 3, batchAck: false }),
    fullModel('5.3.2', { pops: 2, batch: 2, lateAcks: 1, dupAcks: 1 }, {}, 2),
    fullModel('5.3.1', { pops: 2, batch: 1, retryFailures: 1, crashes: 1 }, {}, 2),
    fullModel('head', { pops: 1, batch: 2, changes: 1 }, { asyncBizRead: true }, 2),
  ];
}

describe('ck-before-acks in one pass', () => {
  it('answers as the quadratic search on every reachable state of small spaces, and on random edits of them', () => {
    let states = 0;
    let fails = 0;
    let acks = 0;
    for (const m of models()) {
      // Every reachable state (the walk's successors, duplicates included), up to 20,000 of them.
      const all = reachable(m);
      for (const s of all) {
        states++;
        expect(ckBeforeAcks(s, m.ctx)).toBe(ckBeforeAcksReference(s, m.ctx));
        for (let p = 0; p < s[G.NLOG]; p++) if (s[m.ctx.L.log(p) + E.KIND] !== KIND.CK) acks++;
      }
      // Edits of the revive queue's entries (kinds, slots, arrival), the CK flags and the queue length.
      const L = m.ctx.L;
      fails += agreeOnEdits(
        all,
        (d, x) => {
          const e = L.log(x.at % L.entries);
          if (x.what === 0) d[e + E.KIND] = x.value % 3;
          else if (x.what === 1) d[e + E.CK] = x.value % L.ckSlots;
          else if (x.what === 2) d[e + E.SLOT] = x.value % 2 === 0 ? ARRIVED.DIRECT : 0;
          else if (x.what === 3) d[L.ck(x.value % L.ckSlots) + C.FLAGS] ^= CF.CK_STORED;
          else d[G.NLOG] = x.value % (L.entries - d[G.NTIMER] + 1);
        },
        (d) => ckBeforeAcks(d, m.ctx),
        (d) => ckBeforeAcksReference(d, m.ctx),
        3000,
      );
    }
    expect(states).toBeGreaterThan(5000);
    expect(acks).toBeGreaterThan(1000);
    expect(fails).toBeGreaterThan(500);
  });
});

describe("the revive's sort of its points", () => {
  it('gives the order Array.prototype.sort by position gives, for distinct positions', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { maxLength: 12 }), (positions) => {
        const points = positions.map((pos, i) => ({ pos, i }));
        const expected = [...points].sort((a, b) => a.pos - b.pos);
        sortByPos(points);
        expect(points).toEqual(expected);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

/** ack-key-agreement as it was written before: the whole revive key of every entry against its CK's. */
function ackKeyAgreementReference(d: Int32Array, ctx: Ctx): boolean {
  const L = ctx.L;
  for (let p = 0; p < d[G.NLOG]; p++) if (!ackEntryMatchesItsCk(d, ctx, L.log(p))) return false;
  for (let i = 0; i < d[G.NTIMER]; i++) if (!ackEntryMatchesItsCk(d, ctx, L.timer(d, i))) return false;
  return true;
}

describe('ack-key-agreement on the brokerName parts alone', () => {
  it('answers as the whole-key comparison on reachable states (keys with and without brokerName, with and without the blank fallback) and on random edits', () => {
    let states = 0;
    let fails = 0;
    const ms = [
      ...models(),
      fullModel('5.0.0', { pops: 2, batch: 2, dupAcks: 1 }, {}, 2),
      fullModel('5.3.1', { pops: 2, batch: 1, changes: 1 }, {}, 2),
      fullModel('5.3.2', { pops: 2, batch: 1, changes: 1, storeFailures: 1 }, {}, 2),
    ];
    const settings = new Set<string>();
    for (const m of ms) {
      settings.add(`${m.ctx.s.reviveKeyHasBrokerName}/${m.ctx.s.reviveBlankBrokerNameFallback}`);
      const all = reachable(m);
      for (const s of all) {
        states++;
        expect(ackKeyAgreement(s, m.ctx)).toBe(ackKeyAgreementReference(s, m.ctx));
      }
      // Edits of entries (kind, CK slot, brokerName), of the CKs' brokerNames and of the queue lengths.
      const L = m.ctx.L;
      fails += agreeOnEdits(
        all,
        (d, x) => {
          const e = L.log(x.at % L.entries);
          if (x.what === 0) d[e + E.KIND] = 1 + (x.value % 3);
          else if (x.what === 1) d[e + E.CK] = x.value % Math.max(1, d[G.NCK]);
          else if (x.what === 2) d[e + E.BROKER] = x.value % 3;
          else if (x.what === 3) d[L.ck(x.value % L.ckSlots) + C.BROKER] = [BROKER.NONE, BROKER.A, BROKER.B][x.value % 3];
          else d[G.NTIMER] = x.value % (L.entries - d[G.NLOG] + 1);
        },
        (d) => ackKeyAgreement(d, m.ctx),
        (d) => ackKeyAgreementReference(d, m.ctx),
        2000,
      );
    }
    expect(states).toBeGreaterThan(5000);
    expect(settings).toEqual(new Set(['false/false', 'true/false', 'true/true']));
    expect(fails).toBeGreaterThan(1000);
  });
});
