/**
 * Rule-level tests of the timer, the revive pass (PopReviveService) and the broker-wide
 * events. RocketMQ's rules: a CK is due when endTime - T > 2 s (ackTimeInterval + SECOND);
 * endTime is the largest deliverTimeMs read, or now once nothing new arrived for 3 s; an ACK
 * sets bits of the CK read before it under the same key; every unmatched offset of a due CK
 * goes to the retry topic; the revive offset of the last CK processed is committed.
 */
import { describe, expect, it } from 'vitest';
import { BROKER, C, CF, G, GF, Q, TIMESTAMP_OFFSET } from '../../model/layout.js';
import { persistUseful } from '../../model/protocol/broker.js';
import { delayLevelMs, nextTimerDue, nextTimerSlot, timerBehind } from '../../model/protocol/store.js';
import { reviveBlocked, reviveStart } from '../../model/protocol/revive.js';
import { asState } from '../../model/state.js';
import { applyNarrated } from '../../model/step.js';
import { narrate } from '../fixtures/narrate-run.js';
import { ack, play, pop, rec, revive, rulesModel, timer } from '../fixtures/rules.js';

/**
 * Merge off: the CK (T = 60 s) is written at the pop, deliver 59 s, timer slot 58 s, read at
 * 59 s; the ACK of 101 (deliver 60 s, slot 59 s) is read at 60 s.
 */
function stored(overrides = {}, release = 'head') {
  const m = rulesModel({ enablePopBufferMerge: false, ...overrides }, {}, release);
  return { m, s: play(m, [pop(0), ack(101, 1000), timer(59_000), timer(60_000)]) };
}

describe('the timer', () => {
  it('moves only the first due slot, in order, to the revive queue', () => {
    const m = rulesModel({ enablePopBufferMerge: false });
    const s0 = play(m, [pop(0), ack(101, 1000)]);
    expect(nextTimerSlot(s0, m.ctx)).toBe(58_000);
    expect(timerBehind(s0, m.ctx)).toBe(false);
    // Slot 58 s is read from 58 s + timerPrecisionMs (1 s) on, never earlier.
    expect(m.why(s0, timer(58_500))).toBe('the next timer slot is 58.0s, read from 59.0s on, after 58.5s');
    const s1 = play(m, [timer(59_000)], s0);
    // Behind once now - the first waiting slot >= 1 s.
    expect(timerBehind(s0.slice().fill(58_500, 0, 1), m.ctx)).toBe(false);
    expect(timerBehind(s0.slice().fill(59_000, 0, 1), m.ctx)).toBe(true);
    const r1 = rec(m, s1);
    expect(r1.reviveQueue.map((e) => e.tag)).toEqual(['ck']);
    expect(r1.timer.map((e) => [e.tag, e.slot])).toEqual([['ack', 59_000]]);
    expect(m.why(s1, timer(59_500))).toMatch(/next timer slot is 59.0s, read from 60.0s/);
    const s2 = play(m, [timer(60_000)], s1);
    expect(rec(m, s2).reviveQueue.map((e) => [e.tag, e.offsets])).toEqual([
      ['ck', []],
      ['ack', [101]],
    ]);
    expect(nextTimerSlot(s2, m.ctx)).toBe(-1);
    expect(m.why(s2, timer(60_000))).toMatch(/holds no CK or ACK/);
  });

  it('an ACK run split by the timer joins again in the revive queue', () => {
    const m = rulesModel({ enablePopBufferMerge: false });
    // 101 waits in the timer (slot 59 s, read at 60 s); 100, written (late) at T, goes straight to the queue; then the timer delivers 101.
    const s = play(m, [pop(0), ack(101, 1000), timer(59_000), ack(100, 60_000), timer(60_000)]);
    expect(rec(m, s).reviveQueue.map((e) => [e.tag, e.offsets])).toEqual([
      ['ck', []],
      ['ack', [100, 101]],
    ]);
    expect(s[G.NTIMER]).toBe(0);
    const t = play(m, [pop(0), timer(59_000), ack(100, 60_000), ack(101, 60_000)]);
    expect(rec(m, t).reviveQueue.map((e) => [e.tag, e.offsets])).toEqual([
      ['ck', []],
      ['ack', [100, 101]],
    ]);
  });

  it('keeps the timer sorted by slot, first in first out within a slot', () => {
    const m = rulesModel({ enablePopBufferMerge: false });
    const change = { type: 'changeInvisible' as const, queueId: 0, startOffset: 100, popTime: 0, offset: 102, invisibleTime: 10_000, at: 1000 };
    const s = play(m, [pop(0), ack(101, 1000), change]);
    expect(rec(m, s).timer.map((e) => [e.tag, e.startOffset, e.offsets, e.slot])).toEqual([
      ['ck', 102, [], 9000],
      ['ck', 100, [], 58_000],
      ['ack', 100, [101, 102], 59_000],
    ]);
    // The timer delivers the earliest slot first; the words of a joined entry are cleared.
    expect(m.why(s, timer(9500))).toMatch(/next timer slot is 9.0s, read from 10.0s/);
    const t = play(m, [timer(10_000), timer(59_000), ack(100, 60_000), timer(60_000)], s);
    expect(rec(m, t).reviveQueue.map((e) => [e.tag, e.startOffset, e.offsets])).toEqual([
      ['ck', 102, []],
      ['ck', 100, []],
      ['ack', 100, [100, 101, 102]],
    ]);
    expect([...t.slice(m.ctx.L.log(3))].every((w) => w === 0)).toBe(true);
  });

  it('refuses to go past the bounds of the state: CK slots and revive-topic entries', () => {
    const m = rulesModel({ enablePopBufferMerge: false }, { pops: 1, changes: 0, dupAcks: 0, storeFailures: 0, batch: 3 });
    const s = play(m, [pop(0)]);
    // One unacked offset: its re-put CK is the second CK, one more than the bound.
    const one = play(m, [ack(100, 500), ack(101, 500), timer(59_000), timer(60_000)], s);
    expect(() => m.step(one, revive(63_500, true))).toThrow(/model bound exceeded: more than 1 CKs/);
    let t = s;
    expect(() => {
      for (let i = 0; i < 40; i++) t = m.step(t, ack(100, 1000));
    }).toThrow(/model bound exceeded: more than \d+ revive-topic entries/);
    // Exactly L.entries entries fit.
    expect(t[G.NLOG] + t[G.NTIMER]).toBe(m.ctx.L.entries);
  });

  it('slot 0 is a slot like any other: a CK due at 1 s waits in slot 0, is read at 1 s, and is behind from 1 s', () => {
    const m = rulesModel({ enablePopBufferMerge: false, popInvisibleTime: 2000 });
    const s = play(m, [pop(0)]);
    expect(rec(m, s).timer.map((e) => [e.tag, e.deliverTimeMs, e.slot])).toEqual([['ck', 1000, 0]]);
    expect([nextTimerSlot(s, m.ctx), nextTimerDue(s, m.ctx), timerBehind(s, m.ctx)]).toEqual([0, 1000, false]);
    expect(timerBehind(s.slice().fill(1000, 0, 1), m.ctx)).toBe(true);
    expect(m.why(s, timer(500))).toMatch(/read from 1.0s/);
    expect(nextTimerDue(play(m, [timer(1000)], s), m.ctx)).toBe(-1);
  });

  it('ACKs of different CKs never share an entry', () => {
    const m = rulesModel({ enablePopBufferMerge: false }, { pops: 2 });
    const s = play(m, [pop(0, 2), pop(0, 1), ack(101, 500), ack(102, 500, 102, 0)]);
    expect(rec(m, s).timer.map((e) => [e.tag, e.startOffset, e.offsets])).toEqual([
      ['ck', 100, []],
      ['ck', 102, []],
      ['ack', 100, [101]],
      ['ack', 102, [102]],
    ]);
  });

  it('with delay levels: the smallest level longer than the wanted delay, the revive reads it + 1 s before 5.0.0', () => {
    expect([delayLevelMs(0), delayLevelMs(999), delayLevelMs(1000), delayLevelMs(58_000), delayLevelMs(10_000_000)]).toEqual([
      1000, 1000, 5000, 60_000, 7_200_000,
    ]);
    const m = rulesModel({ enablePopBufferMerge: false }, {}, '5.0.0-alpha');
    const r = rec(m, play(m, [pop(0), ack(101, 1000)]));
    expect(r.timer.map((e) => [e.tag, e.slot, e.deliverTimeMs])).toEqual([
      ['ck', 60_000, 61_000],
      ['ack', 61_000, 62_000],
    ]);
    // Two ACKs of one CK delayed from different write times are read with different times: they stay two entries.
    const t = rec(m, play(m, [pop(0), ack(100, 1000), ack(102, 2000), timer(60_000), timer(61_000), timer(62_000)]));
    expect(t.reviveQueue.map((e) => [e.tag, e.offsets, e.deliverTimeMs])).toEqual([
      ['ck', [], 61_000],
      ['ack', [100], 62_000],
      ['ack', [102], 63_000],
    ]);
    const n = rulesModel({ enablePopBufferMerge: false, reviveEndTimeFromStoreTime: false }, {}, '5.0.0-alpha');
    expect(rec(n, play(n, [pop(0)])).timer.map((e) => [e.slot, e.deliverTimeMs])).toEqual([[60_000, 59_000]]);
  });
});

describe('the revive pass', () => {
  it('a CK is due once the idle rule moves endTime to now (3 s after the last deliverTimeMs) and endTime - T > 2 s', () => {
    const { m, s } = stored();
    // endTime = 60 s (the ACK's deliverTimeMs) until now - 60 s > 3 s.
    const early = play(m, [revive(63_000)], s);
    expect(rec(m, early).cks[0].revived).toBe(false);
    expect([early[G.REVIVE_MEM], early[G.REVIVE_COMMIT]]).toEqual([-1, -1]);
    const due = play(m, [revive(63_500)], s);
    const c = rec(m, due).cks[0];
    expect(c.revived).toBe(true);
    expect(c.reviveUnacked).toEqual([100, 102]);
    expect(c.retried).toEqual([100, 102]);
    expect(c.reviveOffset).toBe(0);
    expect([due[G.REVIVE_MEM], due[G.REVIVE_COMMIT]]).toEqual([0, 0]);
    expect(reviveStart(due)).toBe(0);
  });

  it('with a busy revive queue endTime is now: due exactly when now - T > 2 s', () => {
    const { m, s } = stored({ reviveQueueBusy: true });
    expect(rec(m, play(m, [revive(62_000)], s)).cks[0].revived).toBe(false);
    expect(rec(m, play(m, [revive(62_500)], s)).cks[0].retried).toEqual([100, 102]);
  });

  it('without the idle rule (5.0.0-alpha) endTime stays at the last deliverTimeMs', () => {
    const { m, s } = stored({ reviveIdleRule: false });
    expect(rec(m, play(m, [revive(120_000)], s)).cks[0].revived).toBe(false);
  });

  it('the timer is behind 1 s after the slot it waits on', () => {
    const m = rulesModel({ enablePopBufferMerge: false }, { pops: 2, batch: 1 });
    // CK 100 (T = 60 s) is in the queue, endTime 59 s; CK 101 (popTime 4.5 s, deliver 63.5 s) waits in slot 63 s (read at 64 s).
    const s = play(m, [pop(0, 1), pop(4500, 1), timer(59_000)]);
    // At 63.5 s the timer is 0.5 s past the slot: not behind, the idle rule moves endTime to now.
    expect(rec(m, play(m, [revive(63_500)], s)).cks.map((c) => c.revived)).toEqual([true, false]);
    // At 64 s it is 1 s behind: endTime stays 59 s.
    expect(rec(m, play(m, [revive(64_000)], s)).cks.map((c) => c.revived)).toEqual([false, false]);
    const t = play(m, [timer(64_000), revive(64_000)], s);
    expect(rec(m, t).cks.map((c) => c.revived)).toEqual([true, false]);
  });

  it('the idle rule waits while the timer is behind', () => {
    const m = rulesModel({ enablePopBufferMerge: false });
    const s = play(m, [pop(0), ack(101, 1000), timer(59_000)]);
    // The ACK's slot (59 s) could be read from 60 s on, but it is still in the timer.
    expect(rec(m, play(m, [revive(70_000)], s)).cks[0].revived).toBe(false);
  });

  it('the next pass starts after the last CK processed; a later ACK without its CK is dropped', () => {
    const { m, s } = stored();
    const s1 = play(m, [revive(63_500)], s);
    const { state, notes } = applyNarrated(s1, m.ctx, revive(64_000));
    expect(notes.map((n) => n.tag)).toEqual(['old offset', 'ack dropped', 'revive finish']);
    expect(rec(m, state).cks[0].retried).toEqual([100, 102]);
    expect(state[c0(m) + C.RETRIED_AGAIN]).toBe(0);
    expect([state[G.REVIVE_MEM], state[G.REVIVE_COMMIT]]).toEqual([0, 0]);
  });

  it('an ACK read before its CK does not count (an ack at T goes straight to the queue)', () => {
    const m = rulesModel({ enablePopBufferMerge: false });
    const s = play(m, [pop(0), ack(100, 60_000), timer(60_000), revive(63_500)]);
    expect(rec(m, s).reviveQueue.map((e) => e.tag)).toEqual(['ack', 'ck']);
    expect(rec(m, s).cks[0].retried).toEqual([100, 101, 102]);
    expect(s[G.REVIVE_COMMIT]).toBe(1);
  });

  it('processes CKs in revive-queue order and stops at the first one not due', () => {
    const m = rulesModel({ enablePopBufferMerge: false, reviveQueueBusy: true }, { batch: 1 });
    const s = play(m, [pop(0, 1), pop(500, 1), timer(59_000), timer(60_000), revive(62_500)]);
    const r = rec(m, s);
    expect(r.cks.map((c) => c.revived)).toEqual([true, false]);
    expect(s[G.REVIVE_COMMIT]).toBe(0);
    const t = play(m, [revive(63_000)], s);
    expect(rec(m, t).cks.map((c) => c.retried)).toEqual([[100], [101]]);
    expect(t[G.REVIVE_COMMIT]).toBe(1);
  });

  it('matches ACKs by key: another popTime or (since 5.3.1) another brokerName does not match', () => {
    const m = rulesModel({ enablePopBufferMerge: false });
    const s = play(m, [pop(0), ack(100, 1000, 100, 0, { brokerName: 'broker-b' }), ack(101, 1000, 100, 0, { brokerName: null }), timer(59_000), timer(60_000), revive(63_500)]);
    // broker-b: another key; null: the blank-brokerName fallback (#8981) makes it broker-a's.
    expect(rec(m, s).cks[0].retried).toEqual([100, 102]);
    const noFallback = rulesModel({ enablePopBufferMerge: false }, {}, '5.3.1');
    const t = play(noFallback, [pop(0), ack(101, 1000, 100, 0, { brokerName: null }), timer(59_000), timer(60_000), revive(63_500)]);
    expect(rec(noFallback, t).cks[0].retried).toEqual([100, 101, 102]);
    const noBroker = rulesModel({ enablePopBufferMerge: false }, {}, '5.3.0');
    const u = play(noBroker, [pop(0), ack(101, 1000, 100, 0, { brokerName: 'broker-b' }), timer(59_000), timer(60_000), revive(63_500)]);
    expect(rec(noBroker, u).cks[0].retried).toEqual([100, 102]);
  });

  it('a CK fully acked is revived with nothing to retry', () => {
    const m = rulesModel({ enablePopBufferMerge: false });
    const s = play(m, [pop(0), ack(100, 1000), ack(101, 1000), ack(102, 1000), timer(59_000), timer(60_000), revive(63_500)]);
    const c = rec(m, s).cks[0];
    expect([c.revived, c.reviveUnacked, c.retried]).toEqual([true, [], []]);
  });

  it('does not retry a deleted message, nor any offset of a CK without brokerName', () => {
    const m = rulesModel({ enablePopBufferMerge: false, reviveReadsNextLiveMessage: false }, { expire: 1 });
    const s = play(m, [pop(0), { type: 'expire', queueId: 0, at: 1000 }, timer(59_000), revive(63_500)]);
    expect(rec(m, s).cks[0].reviveUnacked).toEqual([100, 101, 102]);
    expect(rec(m, s).cks[0].retried).toEqual([101, 102]);
    expect(s[m.ctx.L.ck(0) + C.RETRIED_AGAIN]).toBe(0);
    const { m: n, s: t } = stored();
    const d = t.slice();
    d[n.ctx.L.ck(0) + C.BROKER] = BROKER.NONE;
    d[n.ctx.L.log(1) + 2] = BROKER.NONE; // the ACK's brokerName, so that it still matches the CK
    const after = n.step(asState(d), revive(63_500));
    expect(rec(n, after).cks[0].retried).toEqual([]);
    expect(rec(n, after).cks[0].revived).toBe(true);
  });

  it('before 5.3.0 a deleted message is read as the next live one (#7724), and skipped when stored after popTime', () => {
    const m = rulesModel({ enablePopBufferMerge: false, reviveSkipsStoredAfterPopTime: false }, { expire: 1 }, '5.1.0');
    const s = play(m, [pop(0), { type: 'expire', queueId: 0, at: 1000 }, timer(59_000), revive(63_500)]);
    const c = m.ctx.L.ck(0);
    expect(rec(m, s).cks[0].retried).toEqual([101, 102]);
    expect(s[c + C.RETRIED_AGAIN]).toBe(2);
    const n = rulesModel({ enablePopBufferMerge: false }, { expire: 1, produce: 1 }, '5.1.0');
    const t = play(n, [pop(0, 1), { type: 'produce', queueId: 0, at: 500 }, { type: 'expire', queueId: 0, at: 1000 }, timer(59_000), revive(63_500)]);
    expect(rec(n, t).cks[0].retried).toEqual([]);
    expect(rec(n, t).cks[0].revived).toBe(true);
  });

  it('before 5.3.0: no live message left is not retried; a next live message outside the CK is a foreign retry', () => {
    const gone = rulesModel({ enablePopBufferMerge: false, reviveSkipsStoredAfterPopTime: false }, { expire: 3 }, '5.1.0');
    const x = { type: 'expire' as const, queueId: 0, at: 1000 };
    const s = play(gone, [pop(0), x, x, x, timer(59_000), revive(63_500)]);
    const c = gone.ctx.L.ck(0);
    expect([s[c + C.RETRIED], s[c + C.FOREIGN_RETRIES]]).toEqual([0, 0]);
    const m = rulesModel({ enablePopBufferMerge: false, reviveSkipsStoredAfterPopTime: false }, { expire: 1 }, '5.1.0');
    const r = narrate(m, [pop(0, 1), x, timer(59_000), revive(63_500)]);
    expect([r.state[c + C.RETRIED], r.state[c + C.FOREIGN_RETRIES]]).toEqual([0, 1]);
    expect(r.notes[3].map((n) => n.text)).toContain(
      'offset 100 not acked, its message is gone, and the read returned offset 101 instead -> offset 101 written to %RETRY%GID_POP_TopicTest',
    );
  });

  it('5.1.0 skips a message stored after the popTime, not one stored at it', () => {
    const m = rulesModel({ enablePopBufferMerge: false }, { produce: 1, pops: 2, batch: 1 }, '5.1.0', 1);
    const s = play(m, [pop(0, 1), { type: 'produce', queueId: 0, at: 500 }, pop(500, 1), timer(59_000), timer(60_000), revive(64_000)]);
    expect(rec(m, s).cks.map((c) => c.retried)).toEqual([[100], [101]]);
    const t = play(m, [pop(0, 1), { type: 'produce', queueId: 0, at: 500 }, { type: 'pop', queueId: 0, maxNums: 1, popTime: 0, at: 500 }, timer(59_000), revive(64_000)]);
    expect(rec(m, t).cks.map((c) => [c.revived, c.retried])).toEqual([
      [true, [100]],
      [true, []],
    ]);
  });

  it('a failed retry write re-puts a one-message CK per unacked offset, backing off 10 s once T has passed (5.3.1+)', () => {
    const { m, s } = stored();
    const t = play(m, [revive(63_500, true)], s);
    expect(t[G.USED_RETRY_FAILURES]).toBe(1);
    const r = rec(m, t);
    expect(r.cks[0].retried).toEqual([]);
    expect(r.cks[0].changed).toEqual([100, 102]);
    expect(r.cks.slice(1).map((c) => c.client.held)).toEqual([[], []]);
    // A re-put CK that fails again is re-put with rePutTimes 2 and the next back-off (20 s).
    const again = play(m, [timer(69_000), revive(73_500, true)], t);
    const ra = rec(m, again);
    expect(ra.cks.slice(3).map((c) => [c.startOffset, c.popTime, c.invisibleTime])).toEqual([
      [100, 0, 90_000],
      [102, 0, 90_000],
    ]);
    expect([again[m.ctx.L.ck(3) + C.REPUT], again[m.ctx.L.ck(3) + C.PARENT]]).toEqual([2, 1]);
    expect(r.cks.slice(1).map((c) => [c.origin, c.startOffset, c.num, c.popTime, c.invisibleTime, c.brokerName])).toEqual([
      ['rePut', 100, 1, 0, 70_000, 'broker-a'],
      ['rePut', 102, 1, 0, 70_000, 'broker-a'],
    ]);
    expect([t[m.ctx.L.ck(1) + C.REPUT], t[m.ctx.L.ck(1) + C.PARENT]]).toEqual([1, 0]);
    expect(r.timer.map((e) => [e.tag, e.startOffset, e.deliverTimeMs])).toEqual([
      ['ck', 100, 69_000],
      ['ck', 102, 69_000],
    ]);
    expect(t[G.REVIVE_COMMIT]).toBe(0);
    const old = stored({}, '5.3.0');
    const u = rec(old.m, play(old.m, [revive(63_500, true)], old.s));
    expect(u.cks.slice(1).map((c) => [c.invisibleTime, c.brokerName])).toEqual([
      [60_000, 'broker-a'],
      [60_000, 'broker-a'],
    ]);
    const omits = stored({}, '5.1.0');
    expect(rec(omits.m, play(omits.m, [revive(63_500, true)], omits.s)).cks[1].brokerName).toBeNull();
  });

  it('before 5.1.0 a failed retry write aborts the pass: nothing revived, nothing committed', () => {
    const { m, s } = stored({}, '5.0.0');
    const t = play(m, [revive(63_500, true)], s);
    expect(rec(m, t).cks.length).toBe(1);
    expect(rec(m, t).cks[0].revived).toBe(false);
    expect([t[G.REVIVE_MEM], t[G.REVIVE_COMMIT]]).toEqual([-1, -1]);
    // Nothing unacked: nothing to write, nothing fails.
    const all = rulesModel({ enablePopBufferMerge: false }, {}, '5.0.0');
    const u = play(all, [pop(0), ack(100, 500), ack(101, 500), ack(102, 500), timer(59_000), timer(60_000), revive(63_500, true)]);
    expect(rec(all, u).cks[0].revived).toBe(true);
  });

  it('with asynchronous reads the retries complete later, and commit their revive offset then', () => {
    const { m, s } = stored({ asyncBizRead: true });
    const t = play(m, [revive(63_500)], s);
    const c = m.ctx.L.ck(0);
    expect(t[c + C.FLAGS] & CF.INFLIGHT).toBe(CF.INFLIGHT);
    expect([t[c + C.RETRY_PENDING], t[c + C.DISPATCHED_AT], t[c + C.RETRIED]]).toEqual([5, 63_500, 0]);
    expect(t[G.REVIVE_COMMIT]).toBe(0);
    expect(m.why(t, { type: 'reviveComplete', queueId: 0, startOffset: 100, popTime: 500 })).toMatch(/no retries in flight/);
    const u = play(m, [{ type: 'reviveComplete', queueId: 0, startOffset: 100, popTime: 0, at: 64_000 }], t);
    expect([u[c + C.RETRY_PENDING], u[c + C.RETRIED], u[c + C.FLAGS] & CF.INFLIGHT]).toEqual([0, 5, 0]);
    expect(u[G.REVIVE_COMMIT]).toBe(0);
    // A failed retry write re-puts at once and completes the CK.
    const v = play(m, [revive(63_500, true)], s);
    expect([v[c + C.RETRY_PENDING], v[c + C.FLAGS] & CF.INFLIGHT, v[G.NCK]]).toEqual([0, 0, 3]);
    expect(rec(m, v).cks.slice(1).map((x) => [x.origin, x.startOffset, x.client.held])).toEqual([
      ['rePut', 100, []],
      ['rePut', 102, []],
    ]);
    // A fully acked CK dispatches nothing and completes at once.
    const all = rulesModel({ enablePopBufferMerge: false, asyncBizRead: true });
    const w = play(all, [pop(0), ack(100, 500), ack(101, 500), ack(102, 500), timer(59_000), timer(60_000), revive(63_500)]);
    expect(w[all.ctx.L.ck(0) + C.FLAGS] & CF.INFLIGHT).toBe(0);
  });

  it('asynchronous retries: over 3 CKs in flight the pass waits, and re-puts the oldest once it waited over 30 s (I-6)', () => {
    const m = rulesModel({ enablePopBufferMerge: false, asyncBizRead: true, reviveQueueBusy: true }, { pops: 5, batch: 1 }, 'head', 5);
    const pops = [0, 1, 2, 3, 4].map(() => pop(0, 1));
    const s = play(m, [...pops, timer(59_000), revive(62_500)]);
    const inflight = (st: typeof s) => [0, 1, 2, 3, 4].map((k) => (st[m.ctx.L.ck(k) + C.FLAGS] & CF.INFLIGHT) !== 0);
    expect(inflight(s)).toEqual([true, true, true, true, false]);
    expect([s[G.REVIVE_COMMIT], s[G.REVIVE_MEM]]).toEqual([3, 3]);
    // 30 s after the dispatch the oldest has not waited over 30 s yet.
    expect(inflight(play(m, [revive(92_500)], s))).toEqual([true, true, true, true, false]);
    const t = play(m, [revive(93_000)], s);
    expect(inflight(t)).toEqual([false, true, true, true, true]);
    expect(t[G.REVIVE_COMMIT]).toBe(4);
    const r = rec(m, t);
    expect(r.cks.length).toBe(6);
    expect([r.cks[5].origin, t[m.ctx.L.ck(5) + C.START], r.cks[5].num, t[m.ctx.L.ck(5) + C.REPUT]]).toEqual(['rePut', TIMESTAMP_OFFSET, 1, 1]);
    // Its retries still run when they complete.
    expect(t[m.ctx.L.ck(0) + C.CHANGED]).toBe(0);
    const u = play(m, [{ type: 'reviveComplete', queueId: 0, startOffset: 100, popTime: 0, at: 93_000 }], t);
    expect(rec(m, u).cks[0].retried).toEqual([100]);
  });

  it('back-pressure never re-puts a done CK: with a done CK heading the map, unswept, the pass waits', () => {
    const m = rulesModel({ enablePopBufferMerge: false, asyncBizRead: true, reviveQueueBusy: true }, { pops: 6, batch: 1 }, 'head', 6);
    const pops = [0, 1, 2, 3, 4, 5].map(() => pop(0, 1));
    const s = play(m, [...pops, timer(59_000), revive(62_500), { type: 'reviveComplete', queueId: 0, startOffset: 101, popTime: 0, at: 63_000 }]);
    const inflight = (st: typeof s) => [0, 1, 2, 3, 4, 5].map((k) => (st[m.ctx.L.ck(k) + C.FLAGS] & CF.INFLIGHT) !== 0);
    // 101 is done but stays in the map behind 100, which still waits.
    expect(inflight(s)).toEqual([true, true, true, true, false, false]);
    // 30.5 s later: 100 is re-put and leaves the map, 104 is dispatched; for 105 the head is 101, done: the pass waits.
    const t = play(m, [revive(93_000)], s);
    expect(inflight(t)).toEqual([false, true, true, true, true, false]);
    expect(t[G.NCK]).toBe(7);
    expect(rec(m, t).cks[6].origin).toBe('rePut');
    expect(t[G.REVIVE_COMMIT]).toBe(4);
  });

  it('completed retries commit in startOffset order, which can move the committed revive offset back (I-4)', () => {
    const m = rulesModel({ enablePopBufferMerge: false, asyncBizRead: true, reviveQueueBusy: true }, { pops: 3, batch: 1 }, 'head', 3);
    const s = play(m, [pop(0, 1), pop(0, 1), pop(0, 1), timer(59_000), revive(62_500)]);
    expect(s[G.REVIVE_COMMIT]).toBe(2);
    const done = (so: number) => ({ type: 'reviveComplete' as const, queueId: 0, startOffset: so, popTime: 0, at: 63_000 });
    const a = play(m, [done(102)], s);
    expect(a[G.REVIVE_COMMIT]).toBe(2);
    expect(rec(m, a).cks[2].retried).toEqual([102]);
    expect(a[m.ctx.L.ck(2) + C.FLAGS] & CF.INFLIGHT).toBe(CF.INFLIGHT);
    const b = play(m, [done(100)], a);
    expect(b[G.REVIVE_COMMIT]).toBe(0);
    // A pass that reads nothing new commits nothing: the lowered offset stays.
    expect(play(m, [revive(63_000)], b)[G.REVIVE_COMMIT]).toBe(0);
    const lowered = applyNarrated(a, m.ctx, done(100)).notes.map((n) => n.text);
    expect(lowered).toContain('retries of CK@100 complete: revive offset committed to 0 (down from 2: "[NOTIFYME]update consumer offset less than store")');
    // 101's walk commits and removes 101 only: the TreeMap's fail-fast iterator throws after a
    // removal when another entry follows, so 102 (done) stays in the map, its offset uncommitted.
    const c = play(m, [done(101)], b);
    expect(c[G.REVIVE_COMMIT]).toBe(1);
    expect([0, 1, 2].map((k) => c[m.ctx.L.ck(k) + C.FLAGS] & CF.INFLIGHT)).toEqual([0, 0, CF.INFLIGHT]);
  });

  it('a later CK with the same key replaces the earlier one in the map, and the map is processed in revive-queue order', () => {
    const m = rulesModel({ enablePopBufferMerge: false }, { pops: 2, batch: 1, crashes: 1, retryFailures: 1 }, 'head', 2);
    // A (100) and B (101); B acked; A's retry fails: re-put CK A' with A's key (100, popTime 0), T = 70 s.
    const s = play(m, [pop(0, 1), pop(0, 1), ack(101, 1000, 101, 0), timer(59_000), timer(60_000), revive(63_500, true)]);
    expect(rec(m, s).cks.map((c) => [c.startOffset, c.popTime, c.invisibleTime, c.origin])).toEqual([
      [100, 0, 60_000, 'pop'],
      [101, 0, 60_000, 'pop'],
      [100, 0, 70_000, 'rePut'],
    ]);
    // After a crash the next pass reads A (0), B (1), B's ACK (2) and A' (3) again: A' takes A's place in the map.
    const t = play(m, [timer(69_000), { type: 'crash', at: 69_000 }, revive(71_000)], s);
    expect(rec(m, t).reviveQueue.map((e) => [e.tag, e.startOffset])).toEqual([
      ['ck', 100],
      ['ck', 101],
      ['ack', 101],
      ['ck', 100],
    ]);
    // Sorted by queue offset: B (due) first, then A' (T = 70 s, not due): B is processed and its offset committed.
    expect([t[G.REVIVE_COMMIT], t[G.REVIVE_MEM]]).toEqual([1, 1]);
    expect(rec(m, t).cks[2].revived).toBe(false);
  });

  it('the in-flight map is ordered by startOffset, not by CK creation', () => {
    const m = rulesModel({ enablePopBufferMerge: false, asyncBizRead: true, reviveQueueBusy: true }, { pops: 2, batch: 1, changes: 1 }, 'head', 2);
    const change = { type: 'changeInvisible' as const, queueId: 0, startOffset: 100, popTime: 0, offset: 100, invisibleTime: 60_000, at: 500 };
    // A (100) and B (101) popped at 0; A's offset handed to C (startOffset 100, popTime 0.5 s), created after B.
    const s = play(m, [pop(0, 1), pop(0, 1), change, timer(59_000), timer(60_000), revive(63_000)]);
    const inflight = (st: typeof s) => [0, 1, 2].map((k) => (st[m.ctx.L.ck(k) + C.FLAGS] & CF.INFLIGHT) !== 0);
    expect(rec(m, s).cks.map((c) => [c.startOffset, c.popTime, c.reviveOffset])).toEqual([
      [100, 0, 0],
      [101, 0, 1],
      [100, 500, 2],
    ]);
    expect(inflight(s)).toEqual([false, true, true]);
    expect(s[G.REVIVE_COMMIT]).toBe(2);
    // B completes first, but C (startOffset 100) heads the map and is not done: nothing is committed.
    const done = (so: number, pt: number) => ({ type: 'reviveComplete' as const, queueId: 0, startOffset: so, popTime: pt, at: 63_000 });
    const t = play(m, [done(101, 0)], s);
    expect(inflight(t)).toEqual([false, true, true]);
    expect(t[G.REVIVE_COMMIT]).toBe(2);
    // Then C: C's offset (2) is committed and C removed; the walk ends there (one entry per
    // walk, the fail-fast iterator), so B stays in the map, done, its offset (1) not committed.
    const u = play(m, [done(100, 500)], t);
    expect(inflight(u)).toEqual([false, true, false]);
    expect(u[G.REVIVE_COMMIT]).toBe(2);
  });

  it('two orphan ACKs of one key make one mock CK, at the later ACK: a CK not due between them stops the pass', () => {
    const m = rulesModel({ enablePopBufferMerge: false, enableSkipLongAwaitingAck: true, reviveAckWaitMs: 1000 }, { pops: 2, batch: 1 }, 'head', 2);
    // A (100, T = 60 s) is revived in a first pass; X (101, popped at 10 s, T = 70 s) is still in the timer.
    const s = play(m, [pop(0, 1), pop(10_000, 1), timer(59_000), revive(63_500)]);
    expect([s[G.REVIVE_COMMIT], rec(m, s).cks[0].retried]).toEqual([0, [100]]);
    // Two late acks of A go straight to the queue, one before and one after X's CK: both are orphans now.
    const t = play(m, [ack(100, 64_000, 100, 0), timer(69_000), ack(100, 69_000, 100, 0), revive(69_500)], s);
    expect(rec(m, t).reviveQueue.map((e) => [e.tag, e.startOffset])).toEqual([
      ['ck', 100],
      ['ack', 100],
      ['ck', 101],
      ['ack', 100],
    ]);
    // mockPointMap.put keeps the later one (offset 3), sorted after X (offset 2), which is not due: nothing is committed.
    expect([t[G.REVIVE_COMMIT], t[G.REVIVE_MEM]]).toEqual([0, 0]);
  });

  it('does not run on a slave', () => {
    const m = rulesModel();
    const d = m.initialStates()[0].slice();
    expect(reviveBlocked(d)).toBeNull();
    d[G.FLAGS] |= GF.SLAVE;
    expect(reviveBlocked(d)).toMatch(/slave/);
  });

  it('a mock CK for an old orphan ACK replaces the CK with its key (I-5) and is due at once', () => {
    const m = rulesModel({ enablePopBufferMerge: false, enableSkipLongAwaitingAck: true, reviveAckWaitMs: 1000 });
    // The ACK at T goes straight to the queue ahead of its CK.
    const s = play(m, [pop(0), ack(100, 60_000), timer(60_000)]);
    const { state, notes } = applyNarrated(s, m.ctx, revive(63_500));
    expect(notes.map((n) => n.tag)).toContain('ack wait for cannot find ck');
    // The mock replaces the CK in the map: the CK is never revived, the pass commits the mock's offset.
    expect(rec(m, state).cks[0].revived).toBe(false);
    expect(state[G.REVIVE_COMMIT]).toBe(0);
    const young = play(m, [revive(61_000)], s);
    expect(young[G.REVIVE_COMMIT]).toBe(-1);
    // Exactly reviveAckWaitMs after its deliverTimeMs the ACK is not old enough yet ("> reviveAckWaitMs").
    const w = rulesModel({ enablePopBufferMerge: false, enableSkipLongAwaitingAck: true, reviveAckWaitMs: 3500 });
    expect(applyNarrated(play(w, [pop(0), ack(100, 60_000), timer(60_000)]), w.ctx, revive(63_500)).notes.map((n) => n.tag)).not.toContain('ack wait for cannot find ck');
    // With enableSkipLongAwaitingAck off (its default) an old orphan ACK is only dropped: the CK is revived.
    const off = rulesModel({ enablePopBufferMerge: false, enableSkipLongAwaitingAck: false, reviveAckWaitMs: 1000 });
    const t = applyNarrated(play(off, [pop(0), ack(100, 60_000), timer(60_000)]), off.ctx, revive(63_500));
    expect(t.notes.map((n) => n.tag)).toContain('ack dropped');
    expect(rec(off, t.state).cks[0].retried).toEqual([100, 101, 102]);
  });
});

function c0(m: ReturnType<typeof rulesModel>): number {
  return m.ctx.L.ck(0);
}

describe('broker events', () => {
  it('persist, crash and restart: offsets back to the persisted ones, unstored CKs lost, serving again', () => {
    const m = rulesModel({}, { crashes: 1, pops: 2 }, 'head', 5);
    const s = play(m, [pop(0, 2), ack(100, 500), ack(101, 500), { type: 'scan', at: 500 }, { type: 'persist', at: 500 }, pop(1000, 2)]);
    expect(persistUseful(s, m.ctx)).toBe(false);
    const d = s.slice();
    d[G.FLAGS] &= ~GF.SERVING;
    const t = play(m, [{ type: 'crash', at: 1000 }], asState(d));
    const r = rec(m, t);
    expect(r.now).toBe(1500);
    expect(r.serving).toBe(true);
    expect([r.epoch, t[G.USED_CRASHES]]).toEqual([1, 1]);
    expect(r.queues[0].consumerOffset).toBe(102);
    expect(r.cks.map((c) => [c.lost, c.wrapper.inBuffer, c.wrapper.inOffsetQueue])).toEqual([
      [false, false, false],
      [true, false, false],
    ]);
  });

  it('a crash restores the persisted consumer offset; a CK already stored is not lost; the narration counts', () => {
    const m = rulesModel({ enablePopBufferMerge: false }, { crashes: 1, pops: 2 }, 'head', 4);
    const s = play(m, [pop(0, 2), { type: 'persist', at: 0 }, { type: 'scan', at: 0 }, pop(500, 2)]);
    expect(rec(m, s).queues[0].consumerOffset).toBe(102);
    const r = narrate(m, [{ type: 'crash', at: 500 }], s);
    expect(rec(m, r.state).queues[0].consumerOffset).toBe(100);
    expect(rec(m, r.state).cks.map((c) => c.lost)).toEqual([false, false]);
    expect(r.notes[0].map((n) => n.text)[0]).toContain('(0 CK(s) never stored)');
    const b = rulesModel({}, { crashes: 1, pops: 2 }, 'head', 4);
    const t = narrate(b, [pop(0, 2), pop(0, 2), { type: 'crash', at: 0 }]);
    expect(t.notes[2][0].text).toContain('buffer and offset queues lost (2 CK(s) never stored)');
    expect(t.notes[2][0].text).not.toContain('in flight');
    const { m: a, s: st } = stored({ asyncBizRead: true });
    const u = narrate(a, [revive(63_500), { type: 'crash', at: 63_500 }], st);
    expect(u.notes[1][0].text).toMatch(/, 1 CK\(s\) with retries still in flight forgotten$/);
  });

  it('persistUseful when a consumer or the revive offset moved since the last persist', () => {
    const m = rulesModel({}, { crashes: 1 });
    const s0 = m.initialStates()[0];
    expect(persistUseful(s0, m.ctx)).toBe(false);
    const a = s0.slice();
    a[m.ctx.L.q(0) + Q.CONSUMER_OFFSET] = 101;
    expect(persistUseful(asState(a), m.ctx)).toBe(true);
    const b = s0.slice();
    b[G.REVIVE_COMMIT] = 0;
    expect(persistUseful(asState(b), m.ctx)).toBe(true);
    const p = m.step(asState(b), { type: 'persist' });
    expect(p[G.REVIVE_PERSIST]).toBe(0);
    expect(persistUseful(p, m.ctx)).toBe(false);
  });

  it('a crash forgets retries in flight; the revive offset returns to the persisted one', () => {
    const { m, s } = stored({ asyncBizRead: true });
    const t = play(m, [revive(63_500), { type: 'crash', at: 63_500 }], s);
    const c = m.ctx.L.ck(0);
    expect([t[c + C.FLAGS] & CF.INFLIGHT, t[c + C.RETRY_PENDING]]).toEqual([0, 0]);
    expect([t[G.REVIVE_COMMIT], t[G.REVIVE_MEM]]).toEqual([-1, -1]);
  });

  it('a role change to slave clears the buffer and stops pops, acks, scans and the revive; back to master restores the synced offsets', () => {
    const m = rulesModel({}, { roleChanges: 1 });
    const s = play(m, [pop(0), ack(100, 500), { type: 'roleChange', role: 'slave', at: 500 }]);
    expect(s[G.FLAGS] & GF.SLAVE).toBe(GF.SLAVE);
    expect([s[G.NOW], s[G.EPOCH], s[G.USED_ROLE_CHANGES]]).toEqual([1000, 1, 1]);
    expect(rec(m, s).cks[0]).toMatchObject({ lost: true, wrapper: { inBuffer: false, inOffsetQueue: false } });
    for (const e of [pop(1000), ack(101, 1000), { type: 'scan' as const }, revive(1000), { type: 'roleChange' as const, role: 'slave' as const }]) {
      expect(m.why(s, e), e.type).toMatch(/slave/);
    }
    const d = s.slice();
    d[m.ctx.L.q(0) + Q.CONSUMER_OFFSET] = 103;
    d[G.REVIVE_COMMIT] = 4;
    d[G.REVIVE_MEM] = 5;
    // changeToMaster: committed offsets are the synced (persisted) ones; the in-memory revive
    // offset (5.1.0+) and `serving` are untouched; the return is not a counted demotion.
    const t = play(m, [{ type: 'roleChange', role: 'master', at: 1000 }], asState(d));
    expect([t[G.FLAGS], t[G.NOW], t[G.USED_ROLE_CHANGES], t[G.REVIVE_COMMIT], t[G.REVIVE_MEM]]).toEqual([GF.SERVING, 1500, 1, -1, 5]);
    expect(t[m.ctx.L.q(0) + Q.CONSUMER_OFFSET]).toBe(100);
    expect(m.why(t, { type: 'roleChange', role: 'master' })).toMatch(/already the master/);
    // A slave that was not serving stays so until an idle scan.
    const e = d.slice();
    e[G.FLAGS] &= ~GF.SERVING;
    expect(play(m, [{ type: 'roleChange', role: 'master', at: 1000 }], asState(e))[G.FLAGS]).toBe(0);
    // Before 5.1.0 there is no in-memory revive offset: a pass starts at the committed one.
    const old = rulesModel({}, { roleChanges: 1 }, '5.0.0');
    const o = play(old, [pop(0), { type: 'roleChange', role: 'slave', at: 500 }]).slice();
    o[G.REVIVE_MEM] = 5;
    expect(play(old, [{ type: 'roleChange', role: 'master', at: 1000 }], asState(o))[G.REVIVE_MEM]).toBe(-1);
  });
});

describe('the business queue', () => {
  it('produce appends with its store time up to the bound; expire deletes the oldest stored message', () => {
    const m = rulesModel({}, { produce: 1, expire: 2 }, 'head', 1);
    const s = play(m, [{ type: 'produce', queueId: 0, at: 500 }]);
    const b = m.ctx.L.q(0);
    expect([s[b + Q.MAX], s[b + Q.STORE_TIME + 1], s[G.USED_PRODUCES]]).toEqual([102, 500, 1]);
    expect(m.why(s, { type: 'produce', queueId: 0 })).toMatch(/bound reached/);
    expect(m.why(s, { type: 'produce', queueId: 1 })).toMatch(/does not exist/);
    const t = play(m, [{ type: 'expire', queueId: 0 }, { type: 'expire', queueId: 0 }], s);
    expect([t[b + Q.LIVE_FROM], t[G.USED_EXPIRIES]]).toEqual([102, 2]);
    expect(m.why(t, { type: 'expire', queueId: 0 })).toMatch(/no stored message/);
    expect(m.why(t, { type: 'expire', queueId: 3 })).toMatch(/does not exist/);
  });

  it('queue guards: negative and missing queues; scanGarbage looks at and drops only its own queue', () => {
    const m = rulesModel({ lmqGroup: true }, { queues: 2, gc: 1, pops: 2, batch: 1, produce: 1, expire: 1 }, '5.3.1', 2);
    const s = play(m, [pop(0, 1, 1)]);
    for (const e of ['produce', 'expire', 'gc'] as const) {
      expect(m.why(s, { type: e, queueId: 2 }), e).toMatch(/does not exist/);
    }
    expect(m.why(s, { type: 'gc', queueId: 0 })).toMatch(/offset queue of queue 0 is empty/);
    const t = play(m, [pop(0, 1, 0), { type: 'gc', queueId: 0, at: 0 }], s);
    expect(rec(m, t).cks.map((c) => [c.queueId, c.wrapper.inOffsetQueue])).toEqual([
      [1, true],
      [0, false],
    ]);
  });

  it('scanGarbage drops the offset FIFO of an LMQ group only when the release looks in the raw table (#9105)', () => {
    const m = rulesModel({ lmqGroup: true }, { gc: 1, pops: 2, batch: 1 }, '5.3.1');
    const s0 = m.initialStates()[0];
    expect(m.why(s0, { type: 'gc', queueId: 0 })).toMatch(/offset queue of queue 0 is empty/);
    const s = play(m, [pop(0, 1), pop(0, 1)]);
    expect(m.why(s, { type: 'gc', queueId: 1 })).toMatch(/does not exist/);
    const t = play(m, [{ type: 'gc', queueId: 0 }], s);
    expect(rec(m, t).cks.map((c) => c.wrapper.inOffsetQueue)).toEqual([false, false]);
    expect(t[G.USED_GCS]).toBe(1);
    const fixed = rulesModel({ lmqGroup: true }, { gc: 1 }, '5.3.2');
    expect(fixed.why(play(fixed, [pop(0)]), { type: 'gc', queueId: 0 })).toMatch(/knows LMQ groups/);
    const plain = rulesModel({}, { gc: 1 }, '5.3.1');
    expect(plain.why(play(plain, [pop(0)]), { type: 'gc', queueId: 0 })).toMatch(/subscription group table/);
  });

  it('a re-put CK with a timestamp as its startOffset reads nothing', () => {
    expect(TIMESTAMP_OFFSET).toBeGreaterThan(1_000_000);
  });
});

describe('a crash and the retries in flight', () => {
  it('forgets every pending retry, also of a CK the back-pressure already took out of the in-flight map', () => {
    const m = rulesModel({ enablePopBufferMerge: false, asyncBizRead: true });
    const s = play(m, [pop(0, 2)]).slice();
    const c = m.ctx.L.ck(0);
    // Retries dispatched for both offsets, the CK no longer in inflightReviveRequestMap (I-6's re-put).
    s[c + C.RETRY_PENDING] = 0b11;
    s[c + C.FLAGS] = (s[c + C.FLAGS] | CF.REVIVED) & ~CF.INFLIGHT;
    const after = m.step(asState(s), { type: 'crash' });
    expect(after[c + C.RETRY_PENDING]).toBe(0);
    // So no completion can write them after the restart.
    expect(m.why(after, { type: 'reviveComplete', queueId: 0, startOffset: 100, popTime: 0 })).not.toBeNull();
  });
});
