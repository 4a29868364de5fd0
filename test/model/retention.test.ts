/**
 * Retention and the pop / ack paths, and the merge-key guard of the buffer (#7031):
 * - a pop starting below the first stored offset (OFFSET_TOO_SMALL) commits the consumer
 *   offset to it and its CK lists only stored messages;
 * - an ack or changeInvisibleTime of a deleted offset gets NO_MESSAGE and writes nothing;
 * - bufferMergeKeyGuard per release, and what a pop does without it.
 */
import { describe, expect, it } from 'vitest';
import { findCkEntry as findEntry } from '../../model/catalogue.js';
import type { Event } from '../../model/events.js';
import { C, CF, G, KIND, E, Q } from '../../model/layout.js';
import { PopModel } from '../../model/popmodel.js';
import type { FullBounds } from '../../model/scenarios/full.js';
import type { State } from '../../model/state.js';
import { RELEASES } from '../../model/versions.js';
import { checkEntry } from '../fixtures/catalogue.js';
import { fullModel, runGuarded } from '../fixtures/full.js';

const ck = (m: PopModel, s: State, k: number, f: number) => s[m.ctx.L.ck(k) + f];
const queue = (m: PopModel, s: State, q: number, f: number) => s[m.ctx.L.q(q) + f];

/** Entries (revive queue and timer) naming CK slot k, by kind. */
function entries(m: PopModel, s: State, k: number, kind: number): number {
  let n = 0;
  for (let p = 0; p < s[G.NLOG] + s[G.NTIMER]; p++) {
    const e = m.ctx.L.log(p);
    if (s[e + E.KIND] === kind && s[e + E.CK] === k) n++;
  }
  return n;
}

describe('a pop after retention', () => {
  for (const merge of [false, true]) {
    it(`starts at the first stored offset and lists only stored messages (enablePopBufferMerge=${merge})`, () => {
      for (const r of RELEASES) {
        const m = fullModel(r.name, { expire: 2 }, { enablePopBufferMerge: merge }, 3);
        const s = runGuarded(m, [{ type: 'expire', queueId: 0 }, { type: 'pop', queueId: 0, maxNums: 3 }]);
        expect(s[G.NCK], r.name).toBe(1);
        // Offset 100 is gone: the CK holds 101 and 102 only.
        expect([ck(m, s, 0, C.START), ck(m, s, 0, C.NUM), ck(m, s, 0, C.NEXT_BEGIN), ck(m, s, 0, C.HELD)], r.name).toEqual([101, 2, 103, 0b11]);
        // OFFSET_TOO_SMALL commits the consumer offset to the min offset.
        expect(queue(m, s, 0, Q.CONSUMER_OFFSET), r.name).toBe(101);
      }
    });
  }

  it('returns nothing when every message at or after the pop offset is deleted', () => {
    const m = fullModel('head', { expire: 2 }, {}, 2);
    const s = runGuarded(m, [
      { type: 'expire', queueId: 0 },
      { type: 'expire', queueId: 0 },
    ]);
    expect(m.why(s, { type: 'pop', queueId: 0, maxNums: 2 })).toMatch(/no stored message/);
  });
});

describe('an ack of an offset retention deleted', () => {
  const popped: Event[] = [{ type: 'pop', queueId: 0, maxNums: 2 }];
  const handle = { queueId: 0, startOffset: 100, popTime: 0, offset: 100 } as const;

  for (const merge of [false, true]) {
    it(`gets NO_MESSAGE and writes nothing in every release (enablePopBufferMerge=${merge})`, () => {
      for (const r of RELEASES) {
        const m = fullModel(r.name, { expire: 1 }, { enablePopBufferMerge: merge }, 2);
        const before = runGuarded(m, [...popped, { type: 'expire', queueId: 0 }]);
        const s = m.step(before, { type: 'ack', ...handle, at: 1000 });
        expect(ck(m, s, 0, C.ACKED) & 1, r.name).toBe(0);
        expect(ck(m, s, 0, C.ACKED_IN_TIME) & 1, r.name).toBe(0);
        expect(ck(m, s, 0, C.ACK_WRITTEN) & 1, r.name).toBe(0);
        expect(ck(m, s, 0, C.BITS) & 1, r.name).toBe(0);
        expect(entries(m, s, 0, KIND.ACK), r.name).toBe(0);
        expect([s[G.NLOG], s[G.NTIMER]], r.name).toEqual([before[G.NLOG], before[G.NTIMER]]);
        // The client gave the handle up; the stored offset 101 can still be acked.
        expect(ck(m, s, 0, C.HELD), r.name).toBe(0b10);
        const acked = m.step(s, { type: 'ack', ...handle, offset: 101, at: 1000 });
        expect(ck(m, acked, 0, C.ACKED), r.name).toBe(0b10);
      }
    });
  }

  it('a repeated ack of an acked offset that was deleted since changes nothing and is not offered', () => {
    const m = fullModel('head', { expire: 1, dupAcks: 1 }, {}, 2);
    const s = runGuarded(m, [...popped, { type: 'ack', ...handle, at: 1000 }, { type: 'expire', queueId: 0 }]);
    expect(ck(m, s, 0, C.ACKED) & 1).toBe(1);
    expect(m.why(s, { type: 'ack', ...handle })).toMatch(/deleted by retention/);
  });

  it('changeInvisibleTime of a deleted offset gets NO_MESSAGE: no new CK, no ack of the original', () => {
    const m = fullModel('head', { expire: 1, changes: 1 }, {}, 2);
    const before = runGuarded(m, [...popped, { type: 'expire', queueId: 0 }]);
    const s = m.step(before, { type: 'changeInvisible', ...handle, invisibleTime: 30000, at: 1000 });
    expect(s[G.NCK]).toBe(1);
    expect(ck(m, s, 0, C.CHANGED)).toBe(0);
    expect(ck(m, s, 0, C.ACK_WRITTEN)).toBe(0);
    expect([s[G.NLOG], s[G.NTIMER]]).toEqual([before[G.NLOG], before[G.NTIMER]]);
    expect(ck(m, s, 0, C.HELD)).toBe(0b10);
  });
});

describe('bufferMergeKeyGuard', () => {
  it('is off before 5.1.4 (5.0.0-alpha, 5.0.0, 5.1.0) and on from 5.1.4', () => {
    const values = Object.fromEntries(RELEASES.map((r) => [r.name, r.behaviours.bufferMergeKeyGuard]));
    expect(values).toEqual({
      '5.0.0-alpha': false,
      '5.0.0': false,
      '5.1.0': false,
      '5.1.4': true,
      '5.2.0': true,
      '5.3.0': true,
      '5.3.1': true,
      '5.3.2': true,
      '5.3.3': true,
      head: true,
    });
  });

  // (queueId 1, offset 23) and (queueId 12, offset 3) concatenate to the same merge key (I-1).
  const collide: Partial<FullBounds> = { queues: 2, queueIds: [1, 12], firstOffsets: [23, 3] };
  const twoPops: Event[] = [
    { type: 'pop', queueId: 0, maxNums: 1 },
    { type: 'pop', queueId: 1, maxNums: 1 },
  ];

  it('with the guard, a pop whose merge key is in the buffer returns nothing', () => {
    const m = fullModel('5.3.0', collide, { enablePopBufferMerge: true }, 1);
    const s = runGuarded(m, twoPops);
    expect(s[G.NCK]).toBe(1);
    expect(ck(m, s, 0, C.FLAGS) & CF.IN_BUFFER).toBe(CF.IN_BUFFER);
  });

  it('without it, the new wrapper replaces the old one: the old CK is never stored and its offset commit waits forever', () => {
    const m = fullModel('5.1.0', collide, { enablePopBufferMerge: true }, 1);
    const s1 = runGuarded(m, twoPops);
    expect(s1[G.NCK]).toBe(2);
    // The old wrapper left the buffer map but not the offset FIFO; its buffered CK is lost.
    expect(ck(m, s1, 0, C.FLAGS) & (CF.IN_BUFFER | CF.IN_OFFSET_QUEUE | CF.LOST | CF.CK_STORED)).toBe(CF.IN_OFFSET_QUEUE | CF.LOST);
    expect(ck(m, s1, 1, C.FLAGS) & CF.IN_BUFFER).toBe(CF.IN_BUFFER);
    // The ack of the old CK's message finds the new wrapper under its key: index 20 of a
    // one-message CK is invalid, so addAk swallows it and the client sees SUCCESS.
    const s2 = m.step(s1, { type: 'ack', queueId: 0, startOffset: 23, popTime: 0, offset: 23, at: 1000 });
    expect(ck(m, s2, 0, C.ACKED)).toBe(1);
    expect([ck(m, s2, 0, C.BITS), ck(m, s2, 1, C.BITS), ck(m, s2, 0, C.ACK_WRITTEN)]).toEqual([0, 0, 0]);
    // The scan flushes the new CK only; queue 1 commits, queue 0 stays behind the old wrapper.
    const s3 = m.step(s2, { type: 'scan', at: 10500 });
    expect(entries(m, s3, 1, KIND.CK)).toBe(1);
    expect(entries(m, s3, 0, KIND.CK)).toBe(0);
    expect(queue(m, s3, 1, Q.CONSUMER_OFFSET)).toBe(4);
    expect(queue(m, s3, 0, Q.CONSUMER_OFFSET)).toBe(23);
    expect(ck(m, s3, 0, C.FLAGS) & CF.IN_OFFSET_QUEUE).toBe(CF.IN_OFFSET_QUEUE);
  });

  it('without it, replacing a stored (justOffset) wrapper leaves it committable', () => {
    // T - now < 4.5 s at the second pop: both take addCkJustOffset.
    const m = fullModel('5.1.0', collide, { enablePopBufferMerge: false }, 1);
    const s1 = runGuarded(m, twoPops);
    expect(ck(m, s1, 0, C.FLAGS) & (CF.IN_BUFFER | CF.LOST | CF.CK_STORED)).toBe(CF.CK_STORED);
    const s2 = m.step(s1, { type: 'scan' });
    expect([queue(m, s2, 0, Q.CONSUMER_OFFSET), queue(m, s2, 1, Q.CONSUMER_OFFSET)]).toEqual([24, 4]);
  });
});

describe('#7724 after the fix', () => {
  it('still reproduces: the message is deleted after the pop, and the revive retries its neighbour (12 steps)', () => {
    const e = findEntry('7724')!;
    const r = checkEntry(e, e.buggy);
    expect(r.verdict).toBe('violated');
    const types = r.violations[0].counterexample.steps.map((st) => st.event.type);
    expect(types.length).toBe(12);
    // Before, the shortest counterexample expired offset 100 first and then popped it.
    expect(types[0]).toBe('pop');
    expect(types.indexOf('expire')).toBeGreaterThan(0);
    expect(types[types.length - 1]).toBe('revive');
  });
});
