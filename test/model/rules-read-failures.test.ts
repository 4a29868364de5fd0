/**
 * Rule-level tests of the asynchronous revive's completion handling: reads that complete
 * exceptionally (--read-failures, #10985 and PR #10986), the completion walk that removes at
 * most one in-flight entry (TreeMap's fail-fast iterator), the back-pressure that waits for
 * ever on a done first entry (H1.3), and the endless re-put of a CK whose offset is past the
 * queue's end (5.2.0-5.3.0, #8479; the re-puts-terminate invariant).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Event } from '../../model/events.js';
import { C, CF, G, TIMESTAMP_OFFSET } from '../../model/layout.js';
import { noLoss, rePutsTerminate } from '../../model/invariants.js';
import type { PopModel } from '../../model/popmodel.js';
import type { State } from '../../model/state.js';
import { applyNarrated } from '../../model/step.js';
import { play, pop, rec, revive, rulesModel, timer } from '../fixtures/rules.js';

const asyncReads = { enablePopBufferMerge: false, asyncBizRead: true, reviveQueueBusy: true } as const;
const done = (so: number, at: number, readFails?: number): Event => ({
  type: 'reviveComplete',
  queueId: 0,
  startOffset: so,
  popTime: 0,
  at,
  ...(readFails === undefined ? {} : { readFails }),
});
const inflight = (m: PopModel, s: State, k: number): number => s[m.ctx.L.ck(k) + C.FLAGS] & (CF.INFLIGHT | CF.INFLIGHT_FAILED);
const pops = (n: number): Event[] => Array.from({ length: n }, () => pop(0, 1));

describe('a revive read that completes exceptionally (#10985)', () => {
  it('strands the in-flight entry: no retry, no re-put, the revive offset already committed past the CK', () => {
    const m = rulesModel(asyncReads, { pops: 1, batch: 2, readFailures: 1 }, 'head', 2);
    const s = play(m, [pop(0, 2), timer(59_000), revive(62_500)]);
    expect(s[G.REVIVE_COMMIT]).toBe(0);
    expect(rec(m, s).cks[0].retryPending).toEqual([100, 101]);
    // The read of 101 fails: 100's read completed normally and its thenApply wrote the retry,
    // but the callback throws at 101's getNow: no re-put, the entry is never marked done.
    const t = play(m, [done(100, 63_000, 101)], s);
    expect(t[G.USED_READ_FAILURES]).toBe(1);
    expect(rec(m, t).cks[0].retried).toEqual([100]);
    expect(t[G.NCK]).toBe(1);
    expect(inflight(m, t, 0)).toBe(CF.INFLIGHT | CF.INFLIGHT_FAILED);
    expect(t[G.REVIVE_COMMIT]).toBe(0);
    const notes = applyNarrated(s, m.ctx, done(100, 63_000, 101)).notes.map((n) => n.text);
    expect(notes.some((n) => n.includes('getNow throws in the completion callback'))).toBe(true);
    // Nothing else can complete, and no later pass reads the CK again: 101 is lost.
    expect(m.enabledEvents(t).filter((e) => e.type === 'revive' || e.type === 'reviveComplete')).toEqual([]);
    const later = play(m, [{ type: 'scan', at: 63_000 }, { type: 'tick', to: 3_600_000 }], t);
    expect(noLoss(later, m.ctx)).toBe(false);
  });

  it('with PR #10986 the failed read is re-put and the entry is done and removed', () => {
    const m = rulesModel({ ...asyncReads, reviveReadFailureRePuts: true }, { pops: 1, batch: 2, readFailures: 1 }, 'head', 2);
    const t = play(m, [pop(0, 2), timer(59_000), revive(62_500), done(100, 63_000, 101)]);
    const r = rec(m, t);
    expect(r.cks[0].retried).toEqual([100]);
    expect(r.cks[0].changed).toEqual([101]);
    expect(r.cks.map((c) => [c.origin, c.startOffset])).toEqual([
      ['pop', 100],
      ['rePut', 101],
    ]);
    expect(inflight(m, t, 0)).toBe(0);
  });

  it('the failed read is offered once per pending offset, within the bound, and only for an offset in flight', () => {
    const m = rulesModel(asyncReads, { pops: 1, batch: 2, readFailures: 1 }, 'head', 2);
    const s = play(m, [pop(0, 2), timer(59_000), revive(62_500)]);
    const completes = m.enabledEvents(s).filter((e) => e.type === 'reviveComplete');
    expect(completes.map((e) => (e as { readFails?: number }).readFails)).toEqual([undefined, 100, 101]);
    expect(m.why(s, done(100, 63_000, 102))).toBe('no read of offset 102 is in flight for CK@100');
    const none = rulesModel(asyncReads, { pops: 1, batch: 2 }, 'head', 2);
    const s0 = play(none, [pop(0, 2), timer(59_000), revive(62_500)]);
    expect(none.enabledEvents(s0).filter((e) => e.type === 'reviveComplete')).toHaveLength(1);
    expect(none.exceeds(s0, done(100, 63_000, 100))).toBe('exceeds the bounds: revive read that completes exceptionally number 1, and bounds.readFailures is 0');
  });

  it('a stranded entry stops every later walk, so done CKs behind it stay in the map', () => {
    const m = rulesModel(asyncReads, { pops: 2, batch: 1, readFailures: 1 }, 'head', 2);
    const s = play(m, [...pops(2), timer(59_000), revive(62_500), done(100, 63_000, 100), done(101, 63_000)]);
    expect(inflight(m, s, 0)).toBe(CF.INFLIGHT | CF.INFLIGHT_FAILED);
    expect(inflight(m, s, 1)).toBe(CF.INFLIGHT);
    expect(s[G.REVIVE_COMMIT]).toBe(1);
  });
});

describe('the back-pressure waits for ever on a done first entry (H1.3)', () => {
  // A1..A4 (100..103) dispatched; they complete in the order A4, A3, A2, A1: A1's walk removes
  // A1 only, and A2..A4 stay, done. X (104) is dispatched at size 3 and its read fails. Y (105)
  // finds 4 entries, the first (A2) done: the 30 s test never holds and nothing is in flight.
  const run = (fix: boolean) => {
    const m = rulesModel({ ...asyncReads, reviveReadFailureRePuts: fix }, { pops: 6, batch: 1, readFailures: 1 }, 'head', 6);
    const s = play(m, [...pops(6), timer(59_000), revive(62_500)]);
    expect([0, 1, 2, 3, 4].map((k) => inflight(m, s, k))).toEqual([CF.INFLIGHT, CF.INFLIGHT, CF.INFLIGHT, CF.INFLIGHT, 0]);
    const t = play(m, [done(103, 63_000), done(102, 63_000), done(101, 63_000), done(100, 63_000)], s);
    expect([0, 1, 2, 3].map((k) => inflight(m, t, k))).toEqual([0, CF.INFLIGHT, CF.INFLIGHT, CF.INFLIGHT]);
    const u = play(m, [revive(63_500), done(104, 64_000, 104)], t);
    return { m, u };
  };

  it('at head: Y is never revived, however long the broker runs', () => {
    const { m, u } = run(false);
    expect(inflight(m, u, 4)).toBe(CF.INFLIGHT | CF.INFLIGHT_FAILED);
    const v = play(m, [revive(100_000), revive(3_600_000)], u);
    expect(rec(m, v).cks[5].revived).toBe(false);
    expect(m.enabledEvents(v).some((e) => e.type === 'reviveComplete')).toBe(false);
    expect(applyNarrated(v, m.ctx, revive(3_700_000)).notes.some((n) => n.text.includes('more than 3 CKs have retries in flight'))).toBe(true);
  });

  it('with PR #10986 X is done, its walk removes A2, and Y is dispatched', () => {
    const { m, u } = run(true);
    const v = play(m, [revive(100_000)], u);
    expect(rec(m, v).cks[5].revived).toBe(true);
  });
});

describe('a re-put past the queue end (#8479, re-puts-terminate)', () => {
  // 5 CKs; the first pass dispatches 4; 30.5 s later the back-pressure re-puts CK@100 with a
  // timestamp startOffset, then CK@101; the timestamp CK's read is past the queue's end.
  const reach = (release: string) => {
    const m = rulesModel(asyncReads, { pops: 5, batch: 1 }, release, 5);
    const s = play(m, [...pops(5), timer(59_000), revive(62_500), revive(93_000), revive(93_000)]);
    return { m, s };
  };
  const copies = (m: PopModel, s: State) => rec(m, s).cks.filter((c) => c.origin === 'rePut' && c.startOffset === TIMESTAMP_OFFSET).length;

  it('5.2.0 and 5.3.0: the timestamp CK is copied (OFFSET_OVERFLOW_BADLY takes the default branch): the chain never ends', () => {
    for (const release of ['5.2.0', '5.3.0']) {
      const { m, s } = reach(release);
      expect(rePutsTerminate(s, m.ctx), release).toBe(false);
      expect(copies(m, s), release).toBe(3);
      const flagged = rec(m, s).cks.filter((_c, k) => (s[m.ctx.L.ck(k) + C.FLAGS] & CF.ENDLESS_REPUT) !== 0);
      expect(flagged.map((c) => [c.startOffset, c.popTime, c.invisibleTime, c.brokerName])).toEqual([[TIMESTAMP_OFFSET, 0, 60_000, 'broker-a']]);
    }
  });

  it('5.1.4: the timestamp CK has no brokerName, its read finds no broker: done; 5.3.1: needRetry false: done', () => {
    for (const release of ['5.1.4', '5.3.1', 'head']) {
      const { m, s } = reach(release);
      expect(rePutsTerminate(s, m.ctx), release).toBe(true);
      expect(copies(m, s), release).toBe(2);
    }
  });

  it('the model writes one copy: the copy reads the same nothing and is not copied again', () => {
    const { m, s } = reach('5.2.0');
    const t = play(m, [revive(94_000), revive(95_000), revive(200_000), revive(300_000)], s);
    const L = m.ctx.L;
    const endless = (k: number) => (t[L.ck(k) + C.FLAGS] & CF.ENDLESS_REPUT) !== 0;
    let flagged = 0;
    for (let k = 0; k < t[G.NCK]; k++) {
      if (!endless(k)) continue;
      flagged++;
      expect(endless(t[L.ck(k) + C.PARENT])).toBe(false);
      expect(t[L.ck(t[L.ck(k) + C.PARENT]) + C.START]).toBe(TIMESTAMP_OFFSET);
    }
    expect(flagged).toBeGreaterThan(1);
    const copy = rec(m, s).cks.findIndex((_c, k) => (s[L.ck(k) + C.FLAGS] & CF.ENDLESS_REPUT) !== 0);
    expect(rec(m, t).cks[copy].revived).toBe(true);
    const again = applyNarrated(s, m.ctx, revive(94_000)).notes.map((x) => x.text);
    expect(again.some((x) => x.includes('RocketMQ re-puts this copy on every pass'))).toBe(true);
  });
});

describe('laws of the completion walk', () => {
  it('a reviveComplete step removes at most one entry of the in-flight map, and adds none', () => {
    const m = rulesModel(asyncReads, { pops: 4, batch: 2, readFailures: 1 }, 'head', 4);
    const count = (s: State) => {
      let n = 0;
      for (let k = 0; k < s[G.NCK]; k++) if (s[m.ctx.L.ck(k) + C.FLAGS] & CF.INFLIGHT) n++;
      return n;
    };
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), (choices) => {
        let s = m.initialStates()[0];
        for (const c of choices) {
          const es = m.enabledEvents(s);
          if (es.length === 0) break;
          const e = es[c % es.length];
          const next = m.step(s, e);
          if (e.type === 'reviveComplete') {
            expect(count(next)).toBeLessThanOrEqual(count(s));
            expect(count(s) - count(next)).toBeLessThanOrEqual(1);
          }
          s = next;
        }
      }),
      { seed: 20_261_201, numRuns: 200 },
    );
  });
});
