/** Each invariant's predicate on small hand-built states: exactly when it holds and when it fails. */
import { describe, expect, it } from 'vitest';
import type { Event } from '../../model/events.js';
import {
  ackedNeverRetried,
  ackKeyAgreement,
  ckBeforeAcks,
  commitProgress,
  DEFAULT_INVARIANTS,
  INVARIANT_NAMES,
  invariantDescription,
  makeInvariants,
  noConcurrentRedelivery,
  lostOffsets,
  noLoss,
  offsetsMonotonic,
  reviveProgress,
  reviveRetriesExactlyUnacked,
  successNeverRetried,
} from '../../model/invariants.js';
import { BROKER, C, CF, E, G, GF, ORIGIN, Q } from '../../model/layout.js';
import { asState, type State } from '../../model/state.js';
import { explain } from '../../model/explain.js';
import { ack, play, pop, rulesModel, timer } from '../fixtures/rules.js';

const m = rulesModel({ enablePopBufferMerge: false }, { pops: 3, batch: 3, expire: 1 });
const L = m.ctx.L;
const ck = (k: number): number => L.ck(k);
/** Two CKs: [100..102] popped at 0 and [103..105] at 500 (queue of 6 messages). */
const m6 = rulesModel({ enablePopBufferMerge: false }, { pops: 3, batch: 3 }, 'head', 6);
const two = play(m6, [pop(0), pop(500)]);

function edit(s: State, f: (d: Int32Array) => void): State {
  const d = s.slice();
  f(d);
  return asState(d);
}

describe('acked-never-retried', () => {
  const s = play(m, [pop(0)]);
  it('fails only when a retried offset has one ack that was accepted before T and stored (ACK_STORED_IN_TIME)', () => {
    const c = ck(0);
    const retried = (d: Int32Array): void => {
      d[c + C.RETRIED] = 2;
    };
    expect(ackedNeverRetried(edit(s, retried), m.ctx)).toBe(true);
    expect(ackedNeverRetried(edit(s, (d) => (retried(d), (d[c + C.ACK_STORED_IN_TIME] = 2))), m.ctx)).toBe(false);
    expect(ackedNeverRetried(edit(s, (d) => (retried(d), (d[c + C.ACK_STORED_IN_TIME] = 5))), m.ctx)).toBe(true);
    // An in-time ack whose put failed plus a stored late ack of the same offset: two acks, neither protected.
    expect(ackedNeverRetried(edit(s, (d) => (retried(d), (d[c + C.ACKED_IN_TIME] = 2), (d[c + C.ACK_WRITTEN] = 2))), m.ctx)).toBe(true);
    expect(ackedNeverRetried(edit(s, (d) => (retried(d), (d[c + C.BITS] = 2), (d[c + C.FLAGS] |= CF.DONE_IN_MEMORY))), m.ctx)).toBe(true);
  });

  it('the mask: an ack before T that is stored counts; a failed put or an ack at T does not', () => {
    const t = play(m, [pop(0), ack(101, 1000, 100, 0, { storeFails: true }), ack(100, 59_500), ack(102, 60_000)]);
    const c = ck(0);
    expect([t[c + C.ACKED_IN_TIME], t[c + C.ACK_WRITTEN], t[c + C.ACK_STORED_IN_TIME]]).toEqual([3, 5, 1]);
    expect(ackedNeverRetried(edit(t, (d) => (d[c + C.RETRIED] = 6)), m.ctx)).toBe(true);
    expect(ackedNeverRetried(edit(t, (d) => (d[c + C.RETRIED] = 1)), m.ctx)).toBe(false);
  });

  it('looks at every CK', () => {
    const c = m6.ctx.L.ck(1);
    expect(ackedNeverRetried(edit(two, (d) => ((d[c + C.RETRIED] = 1), (d[c + C.ACK_STORED_IN_TIME] = 1))), m6.ctx)).toBe(false);
    expect(ackedNeverRetried(edit(two, (d) => ((d[c + C.RETRIED] = 1), (d[c + C.ACK_STORED_IN_TIME] = 2))), m6.ctx)).toBe(true);
  });
});

describe('success-never-retried', () => {
  it('fails when an offset acked in time is retried, unless the broker restarted since the pop', () => {
    const c = m6.ctx.L.ck(1);
    const bad = edit(two, (d) => ((d[c + C.RETRIED] = 4), (d[c + C.ACKED_IN_TIME] = 4)));
    expect(successNeverRetried(two, m6.ctx)).toBe(true);
    expect(successNeverRetried(bad, m6.ctx)).toBe(false);
    expect(successNeverRetried(edit(bad, (d) => (d[G.EPOCH] = 1)), m6.ctx)).toBe(true);
    expect(successNeverRetried(edit(bad, (d) => (d[c + C.ACKED_IN_TIME] = 3)), m6.ctx)).toBe(true);
    // A CK popped after the restart is checked again.
    expect(successNeverRetried(edit(bad, (d) => ((d[G.EPOCH] = 1), (d[c + C.EPOCH] = 1))), m6.ctx)).toBe(false);
  });
});

describe('ack-key-agreement', () => {
  it('checks the ACKs in the timer as well as in the revive queue', () => {
    const s = play(m, [pop(0), ack(100, 500)]);
    expect(ackKeyAgreement(s, m.ctx)).toBe(true);
    // The ACK is the second timer entry.
    const t = edit(s, (d) => (d[L.timer(d, 1) + E.BROKER] = BROKER.B));
    expect(ackKeyAgreement(t, m.ctx)).toBe(false);
    // A CK entry with another brokerName is not an ACK.
    expect(ackKeyAgreement(edit(s, (d) => (d[L.timer(d, 0) + E.BROKER] = BROKER.B)), m.ctx)).toBe(true);
  });
});

describe('ck-before-acks', () => {
  it('an ACK that came through the timer must follow a CK entry of its CK; direct ACKs and unstored CKs are exempt', () => {
    const ok = play(m, [pop(0), ack(100, 500), timer(59_000), timer(60_000)]);
    expect(ckBeforeAcks(ok, m.ctx)).toBe(true);
    // Swap the two entries: the ACK now comes first.
    const swapped = edit(ok, (d) => {
      const a = d.slice(L.log(0), L.log(1));
      d.copyWithin(L.log(0), L.log(1), L.log(2));
      d.set(a, L.log(1));
    });
    expect(ckBeforeAcks(swapped, m.ctx)).toBe(false);
    expect(ckBeforeAcks(edit(swapped, (d) => (d[L.log(0) + E.SLOT] = 1)), m.ctx)).toBe(true);
    expect(ckBeforeAcks(edit(swapped, (d) => (d[ck(0) + C.FLAGS] &= ~CF.CK_STORED)), m.ctx)).toBe(true);
    // A CK entry of another CK does not count.
    expect(ckBeforeAcks(edit(ok, (d) => (d[L.log(0) + E.CK] = 1)), m.ctx)).toBe(false);
  });
});

describe('revive-retries-exactly-unacked', () => {
  const s = play(m, [pop(0)]);
  const c = ck(0);
  it('fails on a retry of the wrong message or of an offset found acked', () => {
    expect(reviveRetriesExactlyUnacked(s, m.ctx)).toBe(true);
    expect(reviveRetriesExactlyUnacked(edit(s, (d) => (d[c + C.FOREIGN_RETRIES] = 1)), m.ctx)).toBe(false);
    expect(reviveRetriesExactlyUnacked(edit(s, (d) => ((d[c + C.REVIVE_UNACKED] = 1), (d[c + C.RETRIED] = 3))), m.ctx)).toBe(false);
    expect(reviveRetriesExactlyUnacked(edit(s, (d) => ((d[c + C.REVIVE_UNACKED] = 3), (d[c + C.RETRIED] = 3))), m.ctx)).toBe(true);
  });

  it('fails when an unacked live offset is not retried, unless its retry is in flight or it was re-put', () => {
    const missing = edit(s, (d) => ((d[c + C.REVIVE_UNACKED] = 5), (d[c + C.RETRIED] = 1)));
    expect(reviveRetriesExactlyUnacked(missing, m.ctx)).toBe(false);
    expect(reviveRetriesExactlyUnacked(edit(missing, (d) => (d[c + C.RETRY_PENDING] = 4)), m.ctx)).toBe(true);
    expect(reviveRetriesExactlyUnacked(edit(missing, (d) => (d[c + C.CHANGED] = 4)), m.ctx)).toBe(true);
    // The message of offset 102 is gone.
    expect(reviveRetriesExactlyUnacked(edit(missing, (d) => (d[L.q(0) + Q.LIVE_FROM] = 103)), m.ctx)).toBe(true);
    // 100 is missing but gone; 101 is live and was not meant to be retried again.
    expect(reviveRetriesExactlyUnacked(edit(s, (d) => ((d[c + C.REVIVE_UNACKED] = 5), (d[c + C.RETRIED] = 4), (d[L.q(0) + Q.LIVE_FROM] = 101))), m.ctx)).toBe(true);
    // Only 100 is gone: 102 is still missing.
    expect(reviveRetriesExactlyUnacked(edit(missing, (d) => (d[L.q(0) + Q.LIVE_FROM] = 101)), m.ctx)).toBe(false);
  });
});

describe('no-loss', () => {
  it('an offset passed by the consumer offset must be acked or retried by some CK of its queue', () => {
    const s = edit(play(m6, [pop(0), pop(500)]), (d) => (d[m6.ctx.L.q(0) + Q.CONSUMER_OFFSET] = 106));
    const c0 = m6.ctx.L.ck(0);
    const c1 = m6.ctx.L.ck(1);
    const allAcked = edit(s, (d) => ((d[c0 + C.ACKED] = 7), (d[c1 + C.ACKED] = 7)));
    expect(noLoss(allAcked, m6.ctx)).toBe(true);
    expect(noLoss(edit(allAcked, (d) => (d[c1 + C.ACKED] = 3)), m6.ctx)).toBe(false);
    expect(noLoss(edit(allAcked, (d) => ((d[c1 + C.ACKED] = 3), (d[c1 + C.RETRIED] = 4))), m6.ctx)).toBe(true);
    // Accounted by another CK holding the offset (a change of invisible time).
    const moved = edit(allAcked, (d) => {
      d[c1 + C.ACKED] = 3;
      const c2 = m6.ctx.L.ck(2);
      d[G.NCK] = 3;
      d[c2 + C.QUEUE] = 0;
      d[c2 + C.START] = 105;
      d[c2 + C.NUM] = 1;
      d[c2 + C.ACKED] = 1;
    });
    expect(noLoss(moved, m6.ctx)).toBe(true);
    expect(noLoss(edit(moved, (d) => (d[m6.ctx.L.ck(2) + C.START] = 104)), m6.ctx)).toBe(false);
    expect(noLoss(edit(moved, (d) => (d[m6.ctx.L.ck(2) + C.START] = 106)), m6.ctx)).toBe(false);
    expect(noLoss(edit(allAcked, (d) => ((d[c1 + C.ACKED] = 3), (d[m6.ctx.L.q(0) + Q.CONSUMER_OFFSET] = 105))), m6.ctx)).toBe(true);
    expect(noLoss(edit(allAcked, (d) => ((d[c0 + C.ACKED] = 6), (d[m6.ctx.L.q(0) + Q.LIVE_FROM] = 101))), m6.ctx)).toBe(true);
    // A CK of another queue over the same offsets does not account for them.
    expect(noLoss(edit(moved, (d) => (d[m6.ctx.L.ck(2) + C.QUEUE] = 1)), m6.ctx)).toBe(false);
  });

  it("explains exactly the offsets it finds lost, each once, whichever CKs hold them", () => {
    const s = edit(play(m6, [pop(0), pop(500)]), (d) => (d[m6.ctx.L.q(0) + Q.CONSUMER_OFFSET] = 106));
    const c0 = m6.ctx.L.ck(0);
    const c1 = m6.ctx.L.ck(1);
    const why = (d: State) => explain('no-loss', d, m6.ctx).map((l) => Number(/^offset (\d+) of queue 0/.exec(l)?.[1]));
    // CK@103 acked 103 only: 104 and 105 are lost.
    const partly = edit(s, (d) => ((d[c0 + C.ACKED] = 7), (d[c1 + C.ACKED] = 1)));
    expect(lostOffsets(partly, m6.ctx)).toEqual([[0, 104], [0, 105]]);
    expect(why(partly)).toEqual([104, 105]);
    // A re-put CK over 104..105 that wrote neither: each offset is still named once, not per CK.
    const reput = edit(partly, (d) => {
      const c2 = m6.ctx.L.ck(2);
      d[G.NCK] = 3;
      d[c2 + C.QUEUE] = 0;
      d[c2 + C.START] = 104;
      d[c2 + C.NUM] = 2;
    });
    expect(noLoss(reput, m6.ctx)).toBe(false);
    expect(why(reput)).toEqual([104, 105]);
    // The re-put CK retried 105: only 104 is lost, and the explanation does not blame 105.
    const retried = edit(reput, (d) => (d[m6.ctx.L.ck(2) + C.RETRIED] = 2));
    expect(why(retried)).toEqual([104]);
    expect(lostOffsets(retried, m6.ctx, 1)).toEqual([[0, 104]]);
    // A gone message is not lost.
    expect(why(edit(retried, (d) => (d[m6.ctx.L.q(0) + Q.LIVE_FROM] = 105)))).toEqual([]);
  });
});

describe('revive-progress', () => {
  it('holds when the revive queue is empty or the committed offset reached its last entry', () => {
    const s = m.initialStates()[0];
    expect(reviveProgress(s)).toBe(true);
    expect(reviveProgress(edit(s, (d) => (d[G.NLOG] = 2)))).toBe(false);
    expect(reviveProgress(edit(s, (d) => ((d[G.NLOG] = 2), (d[G.REVIVE_COMMIT] = 0))))).toBe(false);
    expect(reviveProgress(edit(s, (d) => ((d[G.NLOG] = 2), (d[G.REVIVE_COMMIT] = 1))))).toBe(true);
  });
});

describe('commit-progress', () => {
  it("fails while a wrapper is left in an offset FIFO, or a done CK of this epoch is ahead of its queue's consumer offset", () => {
    // One pop of 100..102 through addCkJustOffset (buffer off): the wrapper is in the FIFO.
    const s = play(m, [pop(0)]);
    const c = ck(0);
    const q = L.q(0);
    expect(s[c + C.FLAGS] & CF.IN_OFFSET_QUEUE).not.toBe(0);
    expect(commitProgress(s, m.ctx)).toBe(false);
    const committed = edit(s, (d) => (d[c + C.FLAGS] &= ~CF.IN_OFFSET_QUEUE));
    // Out of the FIFO, not every message acked or retried: nothing is owed yet.
    expect(commitProgress(committed, m.ctx)).toBe(true);
    const done = edit(committed, (d) => ((d[c + C.ACKED] = 0b011), (d[c + C.RETRIED] = 0b100)));
    expect(done[q + Q.CONSUMER_OFFSET]).toBeLessThan(done[c + C.NEXT_BEGIN]);
    expect(commitProgress(done, m.ctx)).toBe(false);
    expect(commitProgress(edit(done, (d) => (d[q + Q.CONSUMER_OFFSET] = d[c + C.NEXT_BEGIN])), m.ctx)).toBe(true);
    // A CK moved on by changeInvisibleTime counts as done for its origin.
    expect(commitProgress(edit(done, (d) => ((d[c + C.RETRIED] = 0), (d[c + C.CHANGED] = 0b100))), m.ctx)).toBe(false);
    // A CK of an earlier epoch (before a crash or role change) owes nothing, nor does a slave.
    expect(commitProgress(edit(done, (d) => (d[G.EPOCH] = d[c + C.EPOCH] + 1)), m.ctx)).toBe(true);
    expect(commitProgress(edit(s, (d) => (d[G.FLAGS] |= GF.SLAVE)), m.ctx)).toBe(true);
    // The epoch is compared, not assumed zero.
    expect(commitProgress(edit(done, (d) => ((d[G.EPOCH] = 2), (d[c + C.EPOCH] = 2))), m.ctx)).toBe(false);
    // Only CKs of pops carry a nextBeginOffset: a CK written by changeInvisibleTime owes no commit.
    expect(commitProgress(edit(done, (d) => (d[c + C.ORIGIN] = ORIGIN.CHANGE)), m.ctx)).toBe(true);
  });
});

describe('no-concurrent-redelivery', () => {
  const popE: Event = { type: 'pop', queueId: 0, maxNums: 3 };
  it('fails when a pop returns an offset another CK of the same epoch still holds live', () => {
    const before = play(m6, [pop(0)]);
    const c0 = m6.ctx.L.ck(0);
    // A second CK over 101..103 while 100..102 are held.
    const after = edit(play(m6, [pop(500)], before), (d) => (d[m6.ctx.L.ck(1) + C.START] = 101));
    expect(noConcurrentRedelivery(before, popE, after, m6.ctx)).toBe(false);
    expect(noConcurrentRedelivery(before, { type: 'scan' }, after, m6.ctx)).toBe(true);
    expect(noConcurrentRedelivery(edit(before, (d) => (d[c0 + C.HELD] = 1)), popE, after, m6.ctx)).toBe(true);
    expect(noConcurrentRedelivery(edit(before, (d) => ((d[c0 + C.HELD] = 1), (d[c0 + C.PENDING_MARK] = 4))), popE, after, m6.ctx)).toBe(false);
    expect(noConcurrentRedelivery(edit(before, (d) => (d[c0 + C.FLAGS] |= CF.REVIVED)), popE, after, m6.ctx)).toBe(true);
    expect(noConcurrentRedelivery(edit(before, (d) => (d[G.EPOCH] = 1)), popE, after, m6.ctx)).toBe(true);
    // Both CKs of the epoch after a restart.
    expect(noConcurrentRedelivery(edit(before, (d) => ((d[G.EPOCH] = 1), (d[c0 + C.EPOCH] = 1))), popE, after, m6.ctx)).toBe(false);
    expect(noConcurrentRedelivery(edit(before, (d) => (d[c0 + C.QUEUE] = 1)), popE, after, m6.ctx)).toBe(true);
    // Disjoint offsets, a pop that returned nothing, a CK that is not a pop's.
    expect(noConcurrentRedelivery(before, popE, play(m6, [pop(500)], before), m6.ctx)).toBe(true);
    expect(noConcurrentRedelivery(before, popE, before, m6.ctx)).toBe(true);
    expect(noConcurrentRedelivery(before, popE, edit(after, (d) => (d[m6.ctx.L.ck(1) + C.ORIGIN] = 2)), m6.ctx)).toBe(true);
    // The new CK ends just before the held offsets, or starts after them.
    expect(noConcurrentRedelivery(edit(before, (d) => (d[c0 + C.START] = 104)), popE, after, m6.ctx)).toBe(true);
    expect(noConcurrentRedelivery(edit(before, (d) => ((d[c0 + C.START] = 99), (d[c0 + C.HELD] = 3))), popE, after, m6.ctx)).toBe(true);
    expect(noConcurrentRedelivery(edit(before, (d) => ((d[c0 + C.START] = 99), (d[c0 + C.HELD] = 4))), popE, after, m6.ctx)).toBe(false);
  });
});

describe('offsets-monotonic', () => {
  const s = m.initialStates()[0];
  const q = L.q(0);
  const moved = edit(s, (d) => ((d[G.REVIVE_COMMIT] = 3), (d[G.REVIVE_PERSIST] = 2), (d[q + Q.CONSUMER_OFFSET] = 103), (d[q + Q.CONSUMER_PERSIST] = 102)));
  const scanE: Event = { type: 'scan' };
  const crashE: Event = { type: 'crash' };
  it('committed offsets move back only on a crash or a return to master; persisted ones never', () => {
    expect(offsetsMonotonic(s, scanE, moved, m.ctx)).toBe(true);
    expect(offsetsMonotonic(moved, scanE, moved, m.ctx)).toBe(true);
    const reviveBack = edit(moved, (d) => (d[G.REVIVE_COMMIT] = 2));
    const consumerBack = edit(moved, (d) => (d[q + Q.CONSUMER_OFFSET] = 102));
    for (const back of [reviveBack, consumerBack]) {
      expect(offsetsMonotonic(moved, scanE, back, m.ctx)).toBe(false);
      expect(offsetsMonotonic(moved, crashE, back, m.ctx)).toBe(true);
      expect(offsetsMonotonic(moved, { type: 'roleChange', role: 'master' }, back, m.ctx)).toBe(true);
      expect(offsetsMonotonic(moved, { type: 'roleChange', role: 'slave' }, back, m.ctx)).toBe(false);
    }
    expect(offsetsMonotonic(moved, crashE, edit(moved, (d) => (d[G.REVIVE_PERSIST] = 1)), m.ctx)).toBe(false);
    expect(offsetsMonotonic(moved, crashE, edit(moved, (d) => (d[q + Q.CONSUMER_PERSIST] = 101)), m.ctx)).toBe(false);
  });
});

describe('the invariant list', () => {
  it('names, kinds and priority order; revive-progress and acked-delivery-never-retried only when asked for, commit-progress by default', () => {
    const all = makeInvariants(m.ctx);
    expect(all.map((i) => [i.name, i.kind])).toEqual([
      ['acked-never-retried', 'always'],
      ['success-never-retried', 'always'],
      ['no-loss', 'final'],
      ['no-concurrent-redelivery', 'transition'],
      ['revive-retries-exactly-unacked', 'always'],
      ['ack-key-agreement', 'always'],
      ['ck-before-acks', 'always'],
      ['offsets-monotonic', 'transition'],
      ['lifecycle-legal', 'transition'],
      ['revive-progress', 'final'],
      ['commit-progress', 'final'],
      ['acked-delivery-never-retried', 'transition'],
      ['re-puts-terminate', 'always'],
    ]);
    expect(all.map((i) => i.name)).toEqual([...INVARIANT_NAMES]);
    expect(DEFAULT_INVARIANTS).toEqual(INVARIANT_NAMES.filter((n) => n !== 'revive-progress' && n !== 'acked-delivery-never-retried'));
    for (const i of all) {
      expect(i.description).toBe(invariantDescription(i.name as (typeof INVARIANT_NAMES)[number]));
      expect(i.description.length).toBeGreaterThan(20);
    }
  });

  it('each predicate is wired to its invariant', () => {
    const all = makeInvariants(m.ctx);
    const by = (n: string) => all.find((i) => i.name === n)!;
    const s = play(m, [pop(0)]);
    const c = ck(0);
    const retriedAcked = edit(s, (d) => ((d[c + C.RETRIED] = 1), (d[c + C.ACKED_IN_TIME] = 1), (d[c + C.ACK_WRITTEN] = 1), (d[c + C.ACK_STORED_IN_TIME] = 1), (d[c + C.REVIVE_UNACKED] = 1)));
    const holds = (n: string, st: State, b: State = s, e: Event = { type: 'scan' }): boolean => {
      const inv = by(n);
      return inv.kind === 'transition' ? inv.holds(b, e, st) : inv.holds(st);
    };
    expect(holds('acked-never-retried', retriedAcked)).toBe(false);
    expect(holds('success-never-retried', retriedAcked)).toBe(false);
    expect(holds('revive-retries-exactly-unacked', edit(s, (d) => (d[c + C.FOREIGN_RETRIES] = 1)))).toBe(false);
    expect(holds('no-loss', edit(s, (d) => (d[L.q(0) + Q.CONSUMER_OFFSET] = 103)))).toBe(false);
    expect(holds('ack-key-agreement', edit(play(m, [pop(0), ack(100, 500)]), (d) => (d[L.timer(d, 1) + E.BROKER] = BROKER.B)))).toBe(false);
    expect(holds('ck-before-acks', edit(s, (d) => ((d[G.NLOG] = 1), (d[L.log(0) + E.KIND] = 2))))).toBe(false);
    expect(holds('revive-progress', edit(s, (d) => (d[G.NLOG] = 3)))).toBe(false);
    expect(holds('offsets-monotonic', s, edit(s, (d) => (d[G.REVIVE_PERSIST] = 5)))).toBe(false);
    const ncr = makeInvariants(m6.ctx).find((i) => i.name === 'no-concurrent-redelivery')!;
    const first = play(m6, [pop(0)]);
    const overlapping = edit(play(m6, [pop(500)], first), (d) => (d[m6.ctx.L.ck(1) + C.START] = 100));
    expect(ncr.kind === 'transition' && ncr.holds(first, { type: 'pop', queueId: 0, maxNums: 3 }, overlapping)).toBe(false);
    expect(holds('lifecycle-legal', edit(s, (d) => (d[c + C.RETRIED] = 1)))).toBe(false);
    // acked-delivery-never-retried: a retry in this step of an offset acked in time before it.
    const ackedInTime = edit(s, (d) => (d[c + C.ACKED_IN_TIME] = 1));
    expect(holds('acked-delivery-never-retried', edit(ackedInTime, (d) => (d[c + C.RETRIED] = 1)), ackedInTime)).toBe(false);
    expect(holds('acked-delivery-never-retried', edit(s, (d) => ((d[c + C.RETRIED] = 1), (d[c + C.ACKED_IN_TIME] = 1))), s)).toBe(true);
  });

  // V8 keeps one feedback vector per function literal in the source: one arrow shared by the
  // invariants (`(s) => f(s, ctx)`) calls every invariant's function from one call site, a
  // megamorphic call the optimizing compiler does not inline (docs/explorer.md, "Settings and
  // `always` invariants V8 can inline"). Distinct source texts mean distinct literals.
  it("each invariant's holds is a function literal of its own, calling its predicate by name", () => {
    const all = makeInvariants(m.ctx);
    const texts = all.map((i) => i.holds.toString());
    expect(new Set(texts).size).toBe(all.length);
    for (const t of texts) expect(t.length).toBeLessThan(120);
  });
});
