/**
 * Rule-level tests of the merge keys (concatenated without separators in RocketMQ: hazard
 * I-1), the change of invisible time, and the breakpoints the full scenario's clock jumps to.
 */
import { describe, expect, it } from 'vitest';
import { BROKER, C, CF, G } from '../../model/layout.js';
import {
  bufferKeyMatches,
  findWrapper,
  keyText,
  queueOffsetKeyEqual,
  reviveAckBroker,
  reviveAckMatchesCk,
  reviveCkBroker,
  reviveLocalBroker,
} from '../../model/protocol/keys.js';
import { nextBreakpoint } from '../../model/protocol/time.js';
import { asState, type State } from '../../model/state.js';
import { applyNarrated } from '../../model/step.js';
import type { PopModel } from '../../model/popmodel.js';
import { ack, play, pop, rec, revive, rulesModel, scan, timer } from '../fixtures/rules.js';

describe('merge keys', () => {
  const twoQueues = (overrides = {}, queueIds = [1, 12], firstOffsets = [23, 3]) =>
    rulesModel(overrides, { queues: 2, queueIds, firstOffsets, pops: 2 }, 'head', 2);

  it('queueId and startOffset run into each other in the concatenated key: (1, 23) = (12, 3)', () => {
    const m = twoQueues();
    const s = m.initialStates()[0];
    expect(queueOffsetKeyEqual(s, m.ctx, 0, 23, 1, 3)).toBe(true);
    expect(queueOffsetKeyEqual(s, m.ctx, 0, 23, 1, 4)).toBe(false);
    expect(queueOffsetKeyEqual(s, m.ctx, 0, 23, 0, 23)).toBe(true);
    expect(queueOffsetKeyEqual(s, m.ctx, 0, 23, 0, 3)).toBe(false);
    const tuple = twoQueues({ keyMode: 'tuple' });
    expect(queueOffsetKeyEqual(s, tuple.ctx, 0, 23, 1, 3)).toBe(false);
    expect(queueOffsetKeyEqual(s, tuple.ctx, 1, 3, 1, 3)).toBe(true);
    const same = twoQueues({}, [5, 5], [7, 7]);
    const t = same.initialStates()[0];
    expect(queueOffsetKeyEqual(t, same.ctx, 0, 7, 1, 7)).toBe(true);
    expect(queueOffsetKeyEqual(t, same.ctx, 0, 7, 1, 8)).toBe(false);
  });

  it('the buffer key is queue, startOffset, popTime and brokerName; only wrappers in the buffer are found', () => {
    const m = twoQueues();
    const s = play(m, [pop(0, 1, 0)]);
    expect(bufferKeyMatches(s, m.ctx, 0, 0, 23, 0, BROKER.A)).toBe(true);
    expect(bufferKeyMatches(s, m.ctx, 0, 1, 3, 0, BROKER.A)).toBe(true);
    expect(bufferKeyMatches(s, m.ctx, 0, 0, 23, 500, BROKER.A)).toBe(false);
    expect(bufferKeyMatches(s, m.ctx, 0, 0, 23, 0, BROKER.NONE)).toBe(false);
    expect(bufferKeyMatches(s, m.ctx, 0, 0, 24, 0, BROKER.A)).toBe(false);
    expect(findWrapper(s, m.ctx, 1, 3, 0, BROKER.A)).toBe(0);
    expect(findWrapper(s, m.ctx, 1, 3, 0, BROKER.B)).toBe(-1);
    const d = s.slice();
    d[m.ctx.L.ck(0) + C.FLAGS] &= ~CF.IN_BUFFER;
    expect(findWrapper(d, m.ctx, 0, 23, 0, BROKER.A)).toBe(-1);
  });

  it('the revive key: brokerName since 5.3.1, a blank one falling back to the reviving broker (#8981)', () => {
    const head = rulesModel();
    expect([reviveCkBroker(head.ctx, BROKER.A), reviveAckBroker(head.ctx, BROKER.B), reviveAckBroker(head.ctx, BROKER.NONE)]).toEqual([BROKER.A, BROKER.B, BROKER.A]);
    expect(reviveLocalBroker(head.ctx)).toBe(BROKER.A);
    const remote = rulesModel({ escapeToRemoteBroker: true });
    expect([reviveLocalBroker(remote.ctx), reviveAckBroker(remote.ctx, BROKER.NONE)]).toEqual([BROKER.B, BROKER.B]);
    const r531 = rulesModel({}, {}, '5.3.1');
    expect(reviveAckBroker(r531.ctx, BROKER.NONE)).toBe(BROKER.NONE);
    const r530 = rulesModel({}, {}, '5.3.0');
    expect([reviveCkBroker(r530.ctx, BROKER.A), reviveAckBroker(r530.ctx, BROKER.NONE), reviveAckBroker(r530.ctx, BROKER.B)]).toEqual([-1, -1, -1]);
    const s = play(head, [pop(0)]);
    expect(reviveAckMatchesCk(s, head.ctx, 0, BROKER.A, 0)).toBe(true);
    expect(reviveAckMatchesCk(s, head.ctx, 0, BROKER.B, 0)).toBe(false);
    expect(reviveAckMatchesCk(s, r531.ctx, 0, BROKER.NONE, 0)).toBe(false);
    expect(reviveAckMatchesCk(s, r530.ctx, 0, BROKER.B, 0)).toBe(true);
    // Same queue and startOffset, another popTime: another key.
    const d = s.slice();
    d.copyWithin(head.ctx.L.ck(1), head.ctx.L.ck(0), head.ctx.L.ck(1));
    d[G.NCK] = 2;
    expect(reviveAckMatchesCk(d, head.ctx, 0, BROKER.A, 1)).toBe(true);
    d[head.ctx.L.ck(1) + C.POP_TIME] = 500;
    expect(reviveAckMatchesCk(d, head.ctx, 0, BROKER.A, 1)).toBe(false);
  });

  it('prints the key as RocketMQ does', () => {
    const m = twoQueues();
    const s = m.initialStates()[0];
    expect(keyText(s, m.ctx, 1, 3, 500, BROKER.A)).toBe('TopicTest+GID_POP+12+3+1700000000500+broker-a');
    expect(keyText(s, m.ctx, 0, 23, 0, BROKER.B)).toBe('TopicTest+GID_POP+1+23+1700000000000+broker-b');
    expect(keyText(s, m.ctx, 0, 23, 0, BROKER.NONE)).toBe('TopicTest+GID_POP+1+23+1700000000000+null');
    expect(keyText(s, m.ctx, 0, 23, 0, -1)).toBe('TopicTest+GID_POP+1+23+1700000000000');
  });
});

describe('changeInvisibleTime', () => {
  it('writes a one-message CK (popTime now, the new invisibleTime) and acks the offset on the buffered CK', () => {
    const m = rulesModel();
    const s = play(m, [pop(0), { type: 'changeInvisible', queueId: 0, startOffset: 100, popTime: 0, offset: 101, invisibleTime: 30_000, at: 1000 }]);
    const r = rec(m, s);
    expect(s[G.USED_CHANGES]).toBe(1);
    expect(r.cks[1]).toMatchObject({ origin: 'changeInvisible', startOffset: 101, num: 1, popTime: 1000, invisibleTime: 30_000, brokerName: 'broker-a' });
    expect(r.cks[1].client.held).toEqual([101]);
    expect(r.cks[1].wrapper).toMatchObject({ ckStored: true, inBuffer: false, nextBeginOffset: 102 });
    expect(s[m.ctx.L.ck(1) + C.PARENT]).toBe(0);
    expect(r.cks[0].client.held).toEqual([100, 102]);
    expect(r.cks[0].changed).toEqual([101]);
    expect(r.cks[0].wrapper.bits).toEqual([1]);
    expect(r.cks[0].ackWritten).toEqual([]);
    expect(r.timer.map((e) => [e.tag, e.startOffset, e.popTime, e.deliverTimeMs, e.slot])).toEqual([['ck', 101, 1000, 30_000, 29_000]]);
  });

  it('finds the buffered CK by its popTime, and the new CK keeps the queue and the epoch', () => {
    const m = rulesModel({}, { changes: 1, crashes: 1, queues: 2, pops: 2 }, 'head', 2);
    const s = play(m, [{ type: 'crash', at: 0 }, pop(500, 1, 1), { type: 'changeInvisible', queueId: 1, startOffset: 100, popTime: 500, offset: 100, invisibleTime: 30_000, at: 1500 }]);
    const r = rec(m, s);
    expect(r.cks[0].wrapper.bits).toEqual([0]);
    expect(r.cks[1]).toMatchObject({ queueId: 1, startOffset: 100, popTime: 1500, reviveOffset: -1, origin: 'changeInvisible' });
    expect([s[m.ctx.L.ck(1) + C.EPOCH], s[G.EPOCH]]).toEqual([1, 1]);
    const t = applyNarrated(play(m, [pop(0, 1, 0)]), m.ctx, { type: 'changeInvisible', queueId: 0, startOffset: 100, popTime: 0, offset: 100, invisibleTime: 30_000, at: 1000 });
    expect(t.notes.map((n) => n.text)[0]).toMatch(/^changeInvisibleTime for offset 100 at 1.0s: new CK\{.*\} written to the revive topic \(deliver 30.0s\)$/);
  });

  it('when addAk refuses, acks the original CK in the store with the original T', () => {
    const m = rulesModel();
    const s = play(m, [pop(0), { type: 'changeInvisible', queueId: 0, startOffset: 100, popTime: 0, offset: 102, invisibleTime: 30_000, at: 9000 }]);
    const r = rec(m, s);
    expect(r.cks[0].wrapper.bits).toEqual([]);
    expect(r.cks[0].ackWritten).toEqual([102]);
    expect(r.timer.map((e) => [e.tag, e.startOffset, e.offsets, e.deliverTimeMs])).toEqual([
      ['ck', 102, [], 38_000],
      ['ack', 100, [102], 60_000],
    ]);
  });

  it('is refused in the instant of the pop and for an offset already acked', () => {
    const m = rulesModel();
    const s = play(m, [pop(0), ack(100, 500)]);
    const change = (offset: number, at: number) => ({ type: 'changeInvisible' as const, queueId: 0, startOffset: 100, popTime: 0, offset, invisibleTime: 30_000, at });
    expect(m.why(play(m, [pop(0)]), change(101, 0))).toMatch(/instant of the pop/);
    expect(m.why(s, change(100, 500))).toMatch(/no longer holds/);
    expect(m.why(s, ack(100, 500))).toBeNull();
    expect(m.why(s, change(101, 500))).toBeNull();
  });
});

function breakpoints(m: PopModel, s: State): number[] {
  const d = s.slice();
  const out: number[] = [];
  for (;;) {
    const t = nextBreakpoint(d, m.ctx);
    if (t < 0) return out;
    out.push(t);
    d[G.NOW] = t;
  }
}

describe('breakpoints (time.ts)', () => {
  it('a buffered CK: addAk limits (9 s, 56 s), scan limits (10.5 s, 57.5 s), T - 1 s, T, T + 0.5 s, T + 2.5 s', () => {
    const m = rulesModel();
    expect(breakpoints(m, play(m, [pop(0)]))).toEqual([9000, 10_500, 56_000, 57_500, 59_000, 60_000, 60_500, 62_500]);
  });

  it('stored CK and ACK: the instants their timer slots can be read, then T, and 3.5 s after the last deliverTimeMs read', () => {
    const m = rulesModel({ enablePopBufferMerge: false });
    const s = play(m, [pop(0), ack(101, 1000), scan(1000)]);
    // CK slot 58 s and ACK slot 59 s are read from slot + 1 s (timerPrecisionMs); the timer is behind from 59 s too.
    expect(breakpoints(m, s)).toEqual([59_000, 60_000, 60_500, 62_500]);
    const t = play(m, [timer(59_000), timer(60_000)], s);
    expect(breakpoints(m, t)).toEqual([60_500, 62_500, 63_500]);
    const orphan = rulesModel({ enablePopBufferMerge: false, enableSkipLongAwaitingAck: true, reviveAckWaitMs: 1000 });
    const u = play(orphan, [pop(0), ack(101, 1000), scan(1000), timer(59_000), timer(60_000)]);
    expect(breakpoints(orphan, u)).toEqual([60_500, 61_500, 62_500, 63_500]);
    // Entries up to the revive's offset no longer count: with the ACK read, no idle instant is left.
    const v = t.slice();
    v[G.REVIVE_MEM] = 1;
    expect(breakpoints(m, asState(v))).toEqual([60_500, 62_500]);
    v[G.REVIVE_MEM] = 0;
    expect(breakpoints(m, asState(v))).toEqual([60_500, 62_500, 63_500]);
  });

  it('timerPrecisionMs 500: a slot is read 0.5 s after it, the timer is behind 1 s after its first waiting slot', () => {
    const m = rulesModel({ enablePopBufferMerge: false, timerPrecisionMs: 500 });
    const s = play(m, [pop(0), ack(101, 1000), scan(1000)]);
    // CK: deliver 59 s, slot 58.5 s (read from 59 s, behind from 59.5 s); ACK: deliver 60 s, slot 59.5 s (read from 60 s).
    expect(rec(m, s).timer.map((e) => e.slot)).toEqual([58_500, 59_500]);
    expect(breakpoints(m, s)).toEqual([59_000, 59_500, 60_000, 60_500, 62_500]);
    const t = play(m, [timer(59_000)], s);
    // Only the ACK is left: read from 60 s, behind from 60.5 s.
    expect(breakpoints(m, t)).toEqual([60_000, 60_500, 62_500]);
  });

  it('a CK revived and fully released has none; retries in flight 30.5 s after dispatch', () => {
    const m = rulesModel({ enablePopBufferMerge: false, asyncBizRead: true });
    const s = play(m, [pop(0), ack(100, 500), ack(101, 500), ack(102, 500), scan(500), timer(59_000), timer(60_000), revive(63_500)]);
    expect(breakpoints(m, s)).toEqual([]);
    const t = play(m, [pop(0), scan(500), timer(59_000), revive(63_500)]);
    expect(t[m.ctx.L.ck(0) + C.FLAGS] & CF.INFLIGHT).toBe(CF.INFLIGHT);
    expect(breakpoints(m, t)).toEqual([94_000]);
  });

  it('with delay levels, the instants at which the chosen level changes', () => {
    const m = rulesModel({ enablePopBufferMerge: false, popInvisibleTime: 7000 }, {}, '5.0.0-alpha');
    const s = play(m, [pop(0), scan(0)]);
    // T = 7 s. The CK waits for the 10 s level (slot 10 s): at slot - level (+ 0.5 s) for the levels 10 s, 5 s
    // and 1 s the level a write would get changes (0, 5, 9 s); likewise T - level for the held handles' acks
    // (2, 6 s); then T, T + 0.5 s, T + 2.5 s and the slot itself.
    expect(breakpoints(m, s)).toEqual([500, 2000, 2500, 5000, 5500, 6000, 6500, 7000, 7500, 9000, 9500, 10_000]);
  });
});
