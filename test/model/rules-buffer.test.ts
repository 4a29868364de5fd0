/**
 * Rule-level tests of the pop, addCk/addAk and the buffer scan: small hand-built event
 * sequences with exact outcomes. Thresholds are RocketMQ's (PopBufferMergeService):
 * addCk/addAk refuse when T - now < popCkStayBufferTimeOut + 1.5 s (4.5 s) or, for addAk,
 * now - popTime > popCkStayBufferTime - 1.5 s (8.5 s); the scan flushes a wrapper when
 * T - now < 3 s or now - popTime > 10 s; the CK is delivered at T - 1 s, acks at T.
 */
import { describe, expect, it } from 'vitest';
import { C, CF, G, GF } from '../../model/layout.js';
import { addAkRefusal, findCkForHandle } from '../../model/protocol/ack.js';
import { commitReady, isCkDone, isCkDoneForFinish } from '../../model/protocol/buffer.js';
import { latestOffset, popBlocked, popOffset } from '../../model/protocol/pop.js';
import { asState } from '../../model/state.js';
import { applyNarrated } from '../../model/step.js';
import { narrate } from '../fixtures/narrate-run.js';
import { ack, play, pop, rec, rulesModel, scan } from '../fixtures/rules.js';

describe('pop: addCk or addCkJustOffset', () => {
  it('keeps the CK in the buffer while T - now >= 4.5 s, else writes it at once (deliver T - 1 s)', () => {
    const kept = rulesModel({ popInvisibleTime: 4500 });
    const a = rec(kept, play(kept, [pop(0)]));
    expect(a.cks[0].wrapper).toMatchObject({ inBuffer: true, inOffsetQueue: true, justOffset: false, ckStored: false, nextBeginOffset: 103 });
    expect(a.timer).toEqual([]);
    // T - now, not T: popped at 1 s with T = 5 s the CK is written at once.
    const late = rulesModel({ popInvisibleTime: 4000 });
    expect(rec(late, play(late, [pop(1000)])).cks[0].wrapper.justOffset).toBe(true);
    const stored = rulesModel({ popInvisibleTime: 4000 });
    const b = rec(stored, play(stored, [pop(0)]));
    expect(b.cks[0].wrapper).toMatchObject({ inBuffer: true, inOffsetQueue: true, justOffset: true, ckStored: true });
    expect(b.timer).toEqual([{ tag: 'ck', queueId: 0, startOffset: 100, popTime: 0, brokerName: 'broker-a', offsets: [], deliverTimeMs: 3000, slot: 2000 }]);
  });

  it('writes the CK at once when the buffer is off or not serving', () => {
    const off = rulesModel({ enablePopBufferMerge: false });
    expect(rec(off, play(off, [pop(0)])).cks[0].wrapper.justOffset).toBe(true);
    const m = rulesModel();
    const d = m.initialStates()[0].slice();
    d[G.FLAGS] &= ~GF.SERVING;
    const s = play(m, [pop(0)], asState(d));
    expect(rec(m, s).cks[0].wrapper).toMatchObject({ justOffset: true, ckStored: true });
    expect(rec(m, s).timer.map((e) => e.deliverTimeMs)).toEqual([59_000]);
  });

  it('reads from max(committed offset, nextBeginOffset of the last buffered wrapper), at most maxNums and what the queue holds', () => {
    const m = rulesModel({}, { pops: 3, batch: 2 });
    expect(popOffset(m.initialStates()[0], m.ctx, 0)).toBe(100);
    expect(latestOffset(m.initialStates()[0], m.ctx, 0)).toBe(-1);
    const s1 = play(m, [pop(0, 2)]);
    expect(latestOffset(s1, m.ctx, 0)).toBe(102);
    expect(popOffset(s1, m.ctx, 0)).toBe(102);
    const s2 = play(m, [pop(500, 2)], s1);
    const r = rec(m, s2);
    expect(r.cks.map((c) => [c.startOffset, c.num, c.popTime, c.invisibleTime, c.brokerName, c.origin])).toEqual([
      [100, 2, 0, 60_000, 'broker-a', 'pop'],
      [102, 1, 500, 60_000, 'broker-a', 'pop'],
    ]);
    expect(r.cks[1].client.held).toEqual([102]);
    expect(r.cks.map((c) => [c.reviveOffset, s2[m.ctx.L.ck(0) + C.PARENT], s2[m.ctx.L.ck(1) + C.PARENT]])).toEqual([
      [-1, -1, -1],
      [-1, -1, -1],
    ]);
    expect(popBlocked(s2, m.ctx, 0, 500)).toMatch(/no message in queue 0 at or after offset 103/);
    expect(s2[G.USED_POPS]).toBe(2);
  });

  it('refuses a pop of a missing queue, on a slave, with popTime after the read, or past the CK bound', () => {
    const m = rulesModel({}, { pops: 1, changes: 0, batch: 1 });
    const s0 = m.initialStates()[0];
    expect(popBlocked(s0, m.ctx, 1, 0)).toMatch(/does not exist/);
    expect(popBlocked(s0, m.ctx, -1, 0)).toMatch(/does not exist/);
    expect(popBlocked(s0, m.ctx, 0, 500, 0)).toMatch(/after the read/);
    expect(popBlocked(s0, m.ctx, 0, 0, 0)).toBeNull();
    const slave = s0.slice();
    slave[G.FLAGS] |= GF.SLAVE;
    expect(popBlocked(asState(slave), m.ctx, 0, 0)).toMatch(/slave/);
    const s1 = play(m, [pop(0, 1)]);
    expect(popBlocked(s1, m.ctx, 0, 0)).toMatch(/bound reached: 1 CKs/);
  });

  it('returns nothing when the merge key is already in the buffer (popTime sampled before the read)', () => {
    const m = rulesModel({}, { pops: 3, batch: 1 });
    const s1 = play(m, [{ type: 'pop', queueId: 0, maxNums: 1, at: 0 }]);
    // The offset 100 CK is committed to nothing yet; a second pop at the same popTime reads 101.
    const s2 = play(m, [{ type: 'pop', queueId: 0, maxNums: 1, at: 0 }], s1);
    expect(rec(m, s2).cks.map((c) => c.startOffset)).toEqual([100, 101]);
    // Force the FIFO to forget the first wrapper: the next pop starts at 100 again under a taken key.
    const d = s1.slice();
    d[m.ctx.L.ck(0) + C.FLAGS] &= ~CF.IN_OFFSET_QUEUE;
    const after = m.step(asState(d), { type: 'pop', queueId: 0, maxNums: 1, at: 0 });
    expect(after[G.NCK]).toBe(1);
    expect(after[G.USED_POPS]).toBe(2);
  });
});

describe('addAk (AckMessageProcessor.appendAck)', () => {
  it('merges acks up to now - popTime = 8.5 s and refuses after ("stay too long"): the ack goes to the store, deliver T', () => {
    const m = rulesModel();
    const s = play(m, [pop(0), ack(100, 8500), ack(101, 9000)]);
    const r = rec(m, s);
    expect(r.cks[0].wrapper.bits).toEqual([0]);
    expect(r.cks[0].ackWritten).toEqual([101]);
    expect(r.cks[0].client).toEqual({ held: [102], acked: [100, 101], ackedInTime: [100, 101] });
    expect(r.timer).toEqual([{ tag: 'ack', queueId: 0, startOffset: 100, popTime: 0, brokerName: 'broker-a', offsets: [101], deliverTimeMs: 60_000, slot: 59_000 }]);
    expect(addAkRefusal(s, m.ctx, 0)).toBe('stayTooLong');
  });

  it('merges acks while T - now >= 4.5 s and refuses after ("almost timeout for revive")', () => {
    const m = rulesModel({ popInvisibleTime: 6000 });
    const s = play(m, [pop(0), ack(100, 1500), ack(101, 2000)]);
    const r = rec(m, s);
    expect(r.cks[0].wrapper.bits).toEqual([0]);
    expect(r.cks[0].ackWritten).toEqual([101]);
    expect(r.timer.map((e) => [e.tag, e.offsets, e.deliverTimeMs])).toEqual([['ack', [101], 6000]]);
    expect(addAkRefusal(s, m.ctx, 0)).toBe('almostTimeout');
  });

  it('refuses when the buffer is off, not serving, has no wrapper, or the wrapper is justOffset', () => {
    const m = rulesModel();
    const s = play(m, [pop(0)]);
    expect(addAkRefusal(s, m.ctx, 0)).toBeNull();
    expect(addAkRefusal(s, m.ctx, -1)).toBe('noCk');
    const d = s.slice();
    d[G.FLAGS] &= ~GF.SERVING;
    expect(addAkRefusal(asState(d), m.ctx, 0)).toBe('notServing');
    const j = s.slice();
    j[m.ctx.L.ck(0) + C.FLAGS] |= CF.JUST_OFFSET;
    expect(addAkRefusal(asState(j), m.ctx, 0)).toBe('justOffset');
    const off = rulesModel({ enablePopBufferMerge: false });
    expect(addAkRefusal(play(off, [pop(0)]), off.ctx, 0)).toBe('bufferMergeDisabled');
    // Not serving: the ack is written to the store, and the wrapper keeps its bits.
    const after = m.step(asState(d), ack(100, 1000));
    expect(rec(m, after).cks[0].wrapper.bits).toEqual([]);
    expect(rec(m, after).cks[0].ackWritten).toEqual([100]);
  });

  it('an ack of a justOffset CK goes to the store with the handle brokerName; a null brokerName is kept', () => {
    const m = rulesModel({ enablePopBufferMerge: false });
    const s = play(m, [pop(0), ack(100, 1000), ack(101, 1000, 100, 0, { brokerName: null })]);
    expect(rec(m, s).timer.map((e) => [e.tag, e.brokerName, e.offsets, e.deliverTimeMs, e.slot])).toEqual([
      ['ck', 'broker-a', [], 59_000, 58_000],
      ['ack', 'broker-a', [100], 60_000, 59_000],
      ['ack', null, [101], 60_000, 59_000],
    ]);
  });

  it('a duplicate ack of the same offset is a new ACK entry; a different offset joins the run', () => {
    const m = rulesModel({ enablePopBufferMerge: false });
    const s = play(m, [pop(0), ack(100, 1000), ack(100, 1000), ack(101, 1000)]);
    expect(s[G.USED_DUP_ACKS]).toBe(1);
    expect(rec(m, s).timer.map((e) => [e.tag, e.offsets])).toEqual([
      ['ck', []],
      ['ack', [100]],
      ['ack', [100, 101]],
    ]);
    expect(rec(m, s).cks[0].client).toEqual({ held: [102], acked: [100, 101], ackedInTime: [100, 101] });
  });

  it('a store failure writes nothing and counts; the client still sees SUCCESS', () => {
    const m = rulesModel({ enablePopBufferMerge: false });
    const s = play(m, [pop(0), ack(100, 1000, 100, 0, { storeFails: true })]);
    expect(s[G.USED_STORE_FAILURES]).toBe(1);
    expect(rec(m, s).timer.map((e) => e.tag)).toEqual(['ck']);
    expect(rec(m, s).cks[0].ackWritten).toEqual([]);
    expect(rec(m, s).cks[0].client.acked).toEqual([100]);
  });

  it('an ack before T is in time and waits in the timer; at T it is late and written straight to the revive queue', () => {
    const m = rulesModel({ enablePopBufferMerge: false });
    const s = play(m, [pop(0), ack(100, 59_500), ack(101, 60_000), ack(102, 60_500)]);
    const r = rec(m, s);
    expect(r.cks[0].client.ackedInTime).toEqual([100]);
    expect(r.cks[0].client.acked).toEqual([100, 101, 102]);
    expect(r.cks[0].ackWritten).toEqual([100, 101, 102]);
    expect(s[m.ctx.L.ck(0) + C.ACK_STORED_IN_TIME]).toBe(1);
    expect(s[G.USED_LATE_ACKS]).toBe(2);
    expect(r.reviveQueue.map((e) => [e.tag, e.offsets, e.deliverTimeMs])).toEqual([['ack', [101, 102], 60_000]]);
    expect(r.timer.map((e) => [e.tag, e.offsets, e.slot])).toEqual([
      ['ck', [], 58_000],
      ['ack', [100], 59_000],
    ]);
  });

  it('with splitAddAk the checks leave the bit pending; ackMark sets it and the client sees SUCCESS', () => {
    const m = rulesModel({ splitAddAk: true });
    const s = play(m, [pop(0), ack(101, 1000)]);
    const c = m.ctx.L.ck(0);
    expect(s[c + C.PENDING_MARK]).toBe(2);
    expect(s[c + C.HELD]).toBe(5);
    expect(s[c + C.ACKED]).toBe(0);
    expect(s[c + C.BITS]).toBe(0);
    const t = play(m, [{ type: 'ackMark', queueId: 0, startOffset: 100, popTime: 0, offset: 101, at: 1000 }], s);
    expect([t[c + C.PENDING_MARK], t[c + C.HELD], t[c + C.ACKED], t[c + C.ACKED_IN_TIME], t[c + C.BITS]]).toEqual([0, 5, 2, 2, 2]);
    // A refused ack is not split.
    const late = play(m, [pop(0), ack(101, 9000)]);
    expect(late[c + C.PENDING_MARK]).toBe(0);
    expect(late[c + C.ACK_WRITTEN]).toBe(2);
  });

  it('the handle belongs to the CK still holding the offset when two CKs share its key', () => {
    const m = rulesModel({}, { pops: 2 });
    const s = play(m, [pop(0), ack(101, 1000)]);
    const c0 = m.ctx.L.ck(0);
    const c1 = m.ctx.L.ck(1);
    const d = s.slice();
    d.copyWithin(c1, c0, c0 + C.SIZE);
    d[G.NCK] = 2;
    d[c1 + C.HELD] = 2;
    expect(findCkForHandle(d, m.ctx, 0, 100, 0, 101)).toBe(1);
    expect(findCkForHandle(d, m.ctx, 0, 100, 0, 100)).toBe(0);
    // Neither holds it: the first with the key and the offset in range.
    d[c1 + C.HELD] = 0;
    d[c0 + C.HELD] = 0;
    expect(findCkForHandle(d, m.ctx, 0, 100, 0, 101)).toBe(0);
    d[c0 + C.NUM] = 1;
    expect(findCkForHandle(d, m.ctx, 0, 100, 0, 101)).toBe(1);
    // A held bit beyond the CK's messages does not count.
    d[c1 + C.NUM] = 1;
    d[c1 + C.HELD] = 2;
    expect(findCkForHandle(d, m.ctx, 0, 100, 0, 101)).toBe(-1);
    d[c1 + C.POP_TIME] = 500;
    d[c1 + C.NUM] = 3;
    expect(findCkForHandle(d, m.ctx, 0, 100, 0, 101)).toBe(-1);
    d[c1 + C.POP_TIME] = 0;
    d[c1 + C.QUEUE] = 1;
    expect(findCkForHandle(d, m.ctx, 0, 100, 0, 101)).toBe(-1);
  });

  it('a late ack of a later CK is counted late; ackMark writes only its CK words', () => {
    const m = rulesModel({ enablePopBufferMerge: false }, { pops: 2 }, 'head', 4);
    // CK 101 (popTime 0.5 s) has T = 60.5 s: at 60 s (CK 100's T) its ack is still in time.
    const s = play(m, [pop(0, 1), pop(500, 1), ack(101, 60_000, 101, 500)]);
    expect(s[G.USED_LATE_ACKS]).toBe(0);
    expect(s[m.ctx.L.ck(1) + C.ACKED_IN_TIME]).toBe(1);
    expect(play(m, [ack(101, 60_500, 101, 500)], s)[G.USED_LATE_ACKS]).toBe(1);
    const split = rulesModel({ splitAddAk: true });
    const a = play(split, [pop(0), ack(101, 1000)]);
    const b = play(split, [{ type: 'ackMark', queueId: 0, startOffset: 100, popTime: 0, offset: 101, at: 1000 }], a);
    const c = split.ctx.L.ck(0);
    const changed: number[] = [];
    for (let w = 0; w < a.length; w++) if (a[w] !== b[w]) changed.push(w);
    expect(changed).toEqual([c + C.BITS, c + C.ACKED, c + C.ACKED_IN_TIME, c + C.PENDING_MARK]);
  });

  it('finds the CK of a handle: the one holding the offset, else any with the key', () => {
    const m = rulesModel({}, { pops: 2, batch: 3 });
    const s = play(m, [pop(0), ack(101, 1000)]);
    expect(findCkForHandle(s, m.ctx, 0, 100, 0, 101)).toBe(0);
    expect(findCkForHandle(s, m.ctx, 0, 100, 0, 102)).toBe(0);
    expect(findCkForHandle(s, m.ctx, 0, 100, 0, 103)).toBe(-1);
    expect(findCkForHandle(s, m.ctx, 0, 100, 0, 99)).toBe(-1);
    expect(findCkForHandle(s, m.ctx, 0, 100, 500, 101)).toBe(-1);
    expect(findCkForHandle(s, m.ctx, 0, 101, 0, 101)).toBe(-1);
  });
});

describe('the buffer scan', () => {
  it('flushes a wrapper once now - popTime > 10 s: CK (T - 1 s), then its buffered acks (T), then removes it and commits', () => {
    const m = rulesModel();
    const s1 = play(m, [pop(0), ack(100, 1000), ack(101, 1000), scan(10_000)]);
    expect(rec(m, s1).cks[0].wrapper).toMatchObject({ inBuffer: true, ckStored: false });
    expect(rec(m, s1).timer).toEqual([]);
    const s2 = play(m, [scan(10_500)], s1);
    const r = rec(m, s2);
    expect(r.timer.map((e) => [e.tag, e.brokerName, e.offsets, e.deliverTimeMs])).toEqual([
      ['ck', 'broker-a', [], 59_000],
      ['ack', 'broker-a', [100, 101], 60_000],
    ]);
    expect(r.cks[0].wrapper).toMatchObject({ inBuffer: false, inOffsetQueue: false, ckStored: true, bits: [0, 1], toStoreBits: [0, 1] });
    expect(r.cks[0].ackWritten).toEqual([100, 101]);
    expect(r.queues[0].consumerOffset).toBe(103);
  });

  it('measures the stay from the popTime, not from time 0', () => {
    const m = rulesModel({}, { pops: 1 });
    const s1 = play(m, [pop(5000), scan(15_000)]);
    expect(rec(m, s1).cks[0].wrapper).toMatchObject({ inBuffer: true, ckStored: false });
    expect(rec(m, play(m, [scan(15_500)], s1)).cks[0].wrapper).toMatchObject({ inBuffer: false, ckStored: true });
    // addAk: merged up to popTime + 8.5 s.
    const s2 = play(m, [pop(5000), ack(100, 13_500, 100, 5000), ack(101, 14_000, 100, 5000)]);
    expect(rec(m, s2).cks[0].wrapper.bits).toEqual([0]);
    expect(rec(m, s2).cks[0].ackWritten).toEqual([101]);
  });

  it('flushes once T - now < 3 s', () => {
    const m = rulesModel({ popInvisibleTime: 6000 });
    const s1 = play(m, [pop(0), scan(3000)]);
    expect(rec(m, s1).cks[0].wrapper.ckStored).toBe(false);
    const s2 = play(m, [scan(3500)], s1);
    expect(rec(m, s2).cks[0].wrapper).toMatchObject({ ckStored: true, inBuffer: false });
    expect(rec(m, s2).timer.map((e) => [e.tag, e.deliverTimeMs])).toEqual([['ck', 5000]]);
  });

  it('a fully acked wrapper leaves the buffer unstored (done in memory) and commits', () => {
    const m = rulesModel();
    const s = play(m, [pop(0), ack(100, 1000), ack(101, 1000), ack(102, 1000), scan(1000)]);
    const r = rec(m, s);
    expect(r.cks[0].doneInMemory).toBe(true);
    expect(r.cks[0].wrapper).toMatchObject({ inBuffer: false, inOffsetQueue: false, ckStored: false });
    expect(r.timer).toEqual([]);
    expect(r.queues[0].consumerOffset).toBe(103);
  });

  it('a partly acked wrapper stays until a threshold; a justOffset wrapper leaves at once', () => {
    const m = rulesModel();
    const s = play(m, [pop(0), ack(100, 1000), scan(1000)]);
    expect(rec(m, s).cks[0].wrapper).toMatchObject({ inBuffer: true, inOffsetQueue: true });
    expect(rec(m, s).queues[0].consumerOffset).toBe(100);
    const off = rulesModel({ enablePopBufferMerge: false });
    const j = rec(off, play(off, [pop(0), scan(0)]));
    expect(j.cks[0].wrapper).toMatchObject({ inBuffer: false, inOffsetQueue: false });
    expect(j.cks[0].doneInMemory).toBe(false);
    expect(j.queues[0].consumerOffset).toBe(103);
  });

  it('commits offsets in FIFO order: a done wrapper behind an unfinished one waits', () => {
    const m = rulesModel({}, { pops: 2, batch: 1 });
    const s1 = play(m, [pop(0, 1), pop(0, 1), ack(101, 1000, 101, 0), scan(1000)]);
    const r1 = rec(m, s1);
    expect(r1.cks[1].wrapper).toMatchObject({ inBuffer: false, inOffsetQueue: true });
    expect(r1.queues[0].consumerOffset).toBe(100);
    const s2 = play(m, [ack(100, 1500), scan(1500)], s1);
    expect(rec(m, s2).queues[0].consumerOffset).toBe(102);
    expect(rec(m, s2).cks.map((c) => c.wrapper.inOffsetQueue)).toEqual([false, false]);
  });

  it('commits each queue on its own', () => {
    const m = rulesModel({}, { queues: 2, pops: 2, batch: 1 }, 'head', 2);
    const s = play(m, [pop(0, 1, 0), pop(0, 1, 1), { type: 'ack', queueId: 1, startOffset: 100, popTime: 0, offset: 100, at: 500 }, scan(500)]);
    expect(rec(m, s).queues.map((q) => q.consumerOffset)).toEqual([100, 101]);
  });

  it('a slow scan stops serving; the next scan flushes every wrapper, then an empty buffer serves again', () => {
    const m = rulesModel({}, { pops: 2 }, 'head', 5);
    const s1 = play(m, [pop(0, 2), ack(100, 500), scan(1000, true)]);
    expect(s1[G.FLAGS] & GF.SERVING).toBe(0);
    expect(s1[G.USED_SLOW_SCANS]).toBe(1);
    expect(rec(m, s1).timer).toEqual([]);
    expect(rec(m, s1).cks[0].wrapper.inBuffer).toBe(true);
    // While not serving, a new pop's CK is written at once and no ack merges.
    const s2 = play(m, [pop(1000, 2), ack(101, 1000)], s1);
    expect(rec(m, s2).cks[1].wrapper.justOffset).toBe(true);
    expect(rec(m, s2).cks[0].ackWritten).toEqual([101]);
    // The next scan flushes the wrapper although no threshold is reached.
    const s3 = play(m, [scan(1500)], s2);
    const r = rec(m, s3);
    expect(r.timer.filter((e) => e.startOffset === 100).map((e) => [e.tag, e.offsets])).toEqual([
      ['ck', []],
      ['ack', [100, 101]],
    ]);
    expect(r.cks.map((c) => c.wrapper.inBuffer)).toEqual([false, false]);
    expect(s3[G.FLAGS] & GF.SERVING).toBe(GF.SERVING);
    expect(r.queues[0].consumerOffset).toBe(104);
    // A scan that leaves a wrapper in an offset FIFO does not restore serving.
    const d = s1.slice();
    const c0 = m.ctx.L.ck(0);
    d[c0 + C.FLAGS] = CF.IN_OFFSET_QUEUE;
    const s4 = m.step(asState(d), scan(1000));
    expect(s4[c0 + C.FLAGS]).toBe(CF.IN_OFFSET_QUEUE);
    expect(s4[G.FLAGS] & GF.SERVING).toBe(0);
    expect(m.step(asState(d), scan(1000, true))[G.USED_SLOW_SCANS]).toBe(2);
  });

  it('narrates the flush with pop.log tags', () => {
    const m = rulesModel();
    let s = play(m, [pop(0), ack(100, 1000)]);
    const { state, notes } = applyNarrated(s, m.ctx, scan(10_500));
    s = state;
    expect(notes.map((n) => n.tag)).toEqual(['scan flush', '[PopBuffer]put ck to store ok', '[PopBuffer]put ack to store ok', '[PopBuffer]ck finish', 'Commit offset']);
  });

  it('batch ack writes one bAck for the buffered acks; 5.3.1 AckMsgs carry no brokerName', () => {
    const batch = rulesModel({ enablePopBatchAck: true });
    const b = rec(batch, play(batch, [pop(0), ack(100, 1000), ack(102, 1000), scan(10_500)]));
    expect(b.timer.map((e) => [e.tag, e.brokerName, e.offsets])).toEqual([
      ['ck', 'broker-a', []],
      ['bAck', null, [100, 102]],
    ]);
    const batchNamed = rulesModel({ enablePopBatchAck: true, bufferBatchAckOmitsBrokerName: false });
    const bn = rec(batchNamed, play(batchNamed, [pop(0), ack(100, 1000), scan(10_500)]));
    expect(bn.timer.map((e) => [e.tag, e.brokerName])).toEqual([
      ['ck', 'broker-a'],
      ['bAck', 'broker-a'],
    ]);
    const old = rulesModel({}, {}, '5.3.1');
    const o = rec(old, play(old, [pop(0), ack(101, 1000), scan(10_500)]));
    expect(o.timer.map((e) => [e.tag, e.brokerName, e.offsets])).toEqual([
      ['ck', 'broker-a', []],
      ['ack', null, [101]],
    ]);
  });

  it('isCkDone, isCkDoneForFinish and commitReady', () => {
    const m = rulesModel();
    const s = play(m, [pop(0)]);
    const c = m.ctx.L.ck(0);
    const at = (bits: number, toStore: number, flags: number): Int32Array => {
      const d = s.slice();
      d[c + C.BITS] = bits;
      d[c + C.TO_STORE] = toStore;
      d[c + C.FLAGS] = flags;
      return d;
    };
    expect(isCkDone(at(7, 0, 0), c)).toBe(true);
    expect(isCkDone(at(3, 0, 0), c)).toBe(false);
    expect(isCkDone(at(8 | 3, 0, 0), c)).toBe(false);
    expect(isCkDoneForFinish(at(3, 3, 0), c)).toBe(true);
    expect(isCkDoneForFinish(at(3, 1, 0), c)).toBe(false);
    expect(isCkDoneForFinish(at(8, 0, 0), c)).toBe(true);
    expect(commitReady(at(3, 3, CF.CK_STORED), c)).toBe(true);
    expect(commitReady(at(3, 3, 0), c)).toBe(false);
    expect(commitReady(at(0, 0, CF.JUST_OFFSET | CF.CK_STORED), c)).toBe(true);
    expect(commitReady(at(1, 0, CF.JUST_OFFSET | CF.CK_STORED), c)).toBe(true);
    expect(commitReady(at(1, 0, CF.JUST_OFFSET), c)).toBe(false);
    expect(commitReady(at(7, 0, 0), c)).toBe(true);
  });
});

describe('addAk under a merge-key collision (I-1) without the guard', () => {
  it('the ack goes to the wrapper under the key: marked at once there (split or not), swallowed with SUCCESS when its index is not in that CK', () => {
    // Queue ids 1 and 12 with offsets 23 and 3 share the key "123"; before 5.1.4 the second CK replaces the first in the buffer.
    const m = rulesModel({ splitAddAk: true, bufferMergeKeyGuard: false }, { queues: 2, queueIds: [1, 12], firstOffsets: [23, 3], pops: 2, batch: 1 }, 'head', 1);
    const s = play(m, [pop(0, 1, 0), pop(0, 1, 1)]);
    const a = m.ctx.L.ck(0);
    const b = m.ctx.L.ck(1);
    expect([s[a + C.FLAGS] & CF.IN_BUFFER, s[b + C.FLAGS] & CF.IN_BUFFER]).toEqual([0, CF.IN_BUFFER]);
    const t = play(m, [{ type: 'ack', queueId: 0, startOffset: 23, popTime: 0, offset: 23, at: 1000 }], s);
    // Not split: no pending mark on the handle's own CK; the client saw SUCCESS; nothing written, no bit anywhere.
    expect([t[a + C.PENDING_MARK], t[a + C.HELD], t[a + C.ACKED], t[a + C.ACK_WRITTEN], t[b + C.BITS], t[a + C.BITS]]).toEqual([0, 0, 1, 0, 0, 0]);
    // The ack of the buffered CK's own handle is split as usual.
    const u = play(m, [{ type: 'ack', queueId: 1, startOffset: 3, popTime: 0, offset: 3, at: 1000 }], s);
    expect([u[b + C.PENDING_MARK], u[b + C.ACKED]]).toEqual([1, 0]);
  });
});

describe('buffered acks become durable (ACK_STORED_IN_TIME)', () => {
  const change = (offset: number, at: number) => ({ type: 'changeInvisible' as const, queueId: 0, startOffset: 100, popTime: 0, offset, invisibleTime: 30_000, at });

  it("changeInvisibleTime's ack of the original CK counts like the client's: at the flush and when done in memory", () => {
    const m = rulesModel({}, { changes: 2 });
    const c = m.ctx.L.ck(0);
    const s = play(m, [pop(0), change(101, 1000), ack(100, 1000)]);
    expect([s[c + C.CHANGED], s[c + C.ACKED], s[c + C.BITS], s[c + C.ACK_STORED_IN_TIME]]).toEqual([2, 1, 3, 0]);
    const r = narrate(m, [scan(10_500)], s);
    expect(r.state[c + C.ACK_STORED_IN_TIME]).toBe(3);
    expect(r.notes[0][0].text).toBe('scan at 10.5s: CK@100 leaves the buffer (now - popTime > 10s), bits={0,1}');
    const done = narrate(m, [change(102, 1000), scan(1000)], s);
    expect(done.state[c + C.ACK_STORED_IN_TIME]).toBe(7);
    expect(done.notes[1][0].text).toBe('ck done: CK@100 fully acked in memory (bits={0,1,2}); removed, never written to the revive topic');
  });
});
