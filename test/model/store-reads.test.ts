/**
 * A store that cannot serve reads (--unreadable) and pops that find no message (--cq-lag,
 * addCkMock):
 * - in an unreadable window a pop returns nothing from 5.0.0 on; 5.0.0-alpha commits consumer
 *   offset 0 and the next pop takes the queue again from its min offset (#3503); the revive
 *   reads nothing; the window adds no behaviour on 5.0.0+;
 * - with the consume queue's min offset lagging the commit log's clean-up, a pop skips the
 *   deleted units without a direct commit, and a pop that finds only deleted units puts a
 *   mock wrapper (num 0, nextBeginOffset = max offset) in the offset FIFO, which commits in
 *   FIFO order.
 */
import { describe, expect, it } from 'vitest';
import type { Event } from '../../model/events.js';
import { C, CF, G, GF, ORIGIN, Q } from '../../model/layout.js';
import type { PopModel } from '../../model/popmodel.js';
import { latestOffset } from '../../model/protocol/pop.js';
import { toRecord, type State } from '../../model/state.js';
import { RELEASES } from '../../model/versions.js';
import { fullModel, runGuarded, runOffered } from '../fixtures/full.js';
import { walk } from '../fixtures/walk.js';

const ck = (m: PopModel, s: State, k: number, f: number) => s[m.ctx.L.ck(k) + f];
const queue = (m: PopModel, s: State, q: number, f: number) => s[m.ctx.L.q(q) + f];

const OFF: Event = { type: 'storeReadable', readable: false };
const ON: Event = { type: 'storeReadable', readable: true };
const POP2: Event = { type: 'pop', queueId: 0, maxNums: 2 };
const LAG: Event = { type: 'expire', queueId: 0, minOffsetLags: true };

describe('an unreadable store', () => {
  it('from 5.0.0 a pop returns nothing and the revive reads nothing; the window ends and pops work again', () => {
    for (const r of RELEASES.filter((x) => x.name !== '5.0.0-alpha')) {
      const m = fullModel(r.name, { unreadable: 1, pops: 2 });
      const s = runOffered(m, [OFF]);
      expect(s[G.FLAGS] & GF.UNREADABLE, r.name).toBe(GF.UNREADABLE);
      expect(s[G.USED_UNREADABLE]).toBe(1);
      expect(toRecord(s, m.ctx.L).storeReadable).toBe(false);
      expect(m.why(s, POP2), r.name).toMatch(/not readable.*returns nothing/);
      expect(m.why(s, { type: 'revive' })).toMatch(/not readable/);
      expect(m.enabledEvents(s)).toContainEqual(ON);
      expect(m.enabledEvents(s)).not.toContainEqual(OFF);
      const after = runOffered(m, [OFF, ON, POP2]);
      expect(after[G.NCK]).toBe(1);
      expect(queue(m, after, 0, Q.CONSUMER_OFFSET)).toBe(100);
    }
  });

  it('bounds the windows: a second one exceeds --unreadable 1', () => {
    const m = fullModel('head', { unreadable: 1 });
    const s = runGuarded(m, [OFF, ON]);
    expect(m.enabledEvents(s)).not.toContainEqual(OFF);
    expect(m.exceeds(s, OFF)).toMatch(/bounds.unreadable is 1/);
  });

  it('5.0.0-alpha: the pop commits consumer offset 0 straight away, and the next pop takes the queue again from its min offset (#3503)', () => {
    const m = fullModel('5.0.0-alpha', { unreadable: 1, pops: 3, batch: 2 });
    const s = runGuarded(m, [POP2, { type: 'scan', at: 10_500 }]);
    expect(queue(m, s, 0, Q.CONSUMER_OFFSET)).toBe(102);
    const nul = runGuarded(m, [POP2, { type: 'scan', at: 10_500 }, OFF, POP2]);
    expect(nul[G.NCK]).toBe(1);
    expect(nul[G.USED_POPS]).toBe(2);
    expect(queue(m, nul, 0, Q.CONSUMER_OFFSET)).toBe(0);
    // A second null pop would change nothing.
    expect(m.why(nul, POP2)).toMatch(/already 0/);
    const again = m.step(m.step(nul, ON), POP2);
    expect([ck(m, again, 1, C.START), ck(m, again, 1, C.NUM)]).toEqual([100, 2]);
    expect(queue(m, again, 0, Q.CONSUMER_OFFSET)).toBe(100);
  });

  it('adds no behaviour on 5.0.0 and head: the reachable states, window flag and budget aside, are those without it', () => {
    for (const release of ['5.0.0', 'head']) {
      const bounds = { messages: 2, pops: 2, batch: 1, acks: 1 };
      const plain = fullModel(release, bounds, {}, 2);
      const win = fullModel(release, { ...bounds, unreadable: 1 }, {}, 2);
      expect(win.ctx.L.words).toBe(plain.ctx.L.words);
      const key = (s: State): string => {
        const c = s.slice();
        c[G.FLAGS] &= ~GF.UNREADABLE;
        c[G.USED_UNREADABLE] = 0;
        return c.join(',');
      };
      const without = new Set<string>();
      walk(plain, (_b, _e, a) => without.add(key(a)));
      for (const s of plain.initialStates()) without.add(key(s));
      let extra = 0;
      let inWindow = 0;
      walk(win, (_b, _e, a) => {
        if (!without.has(key(a))) extra++;
        if ((a[G.FLAGS] & GF.UNREADABLE) !== 0) inWindow++;
      });
      expect(inWindow, release).toBeGreaterThan(0);
      expect(extra, release).toBe(0);
    }
  });
});

describe('the consume queue min offset lagging retention (--cq-lag)', () => {
  it('expire cleans the commit log only; correctMinOffset catches the min offset up', () => {
    const m = fullModel('head', { expire: 2, cqLag: true });
    const s = runOffered(m, [LAG, LAG]);
    expect([queue(m, s, 0, Q.LIVE_FROM), queue(m, s, 0, Q.CQ_MIN)]).toEqual([102, 100]);
    expect(m.enabledEvents(s)).toContainEqual({ type: 'correctMinOffset', queueId: 0 });
    const c = m.step(s, { type: 'correctMinOffset', queueId: 0 });
    expect(queue(m, c, 0, Q.CQ_MIN)).toBe(102);
    expect(m.why(c, { type: 'correctMinOffset', queueId: 0 })).toMatch(/already 102/);
    // Without --cq-lag expire moves both, and no correction is offered.
    const plain = fullModel('head', { expire: 2 });
    const p = runOffered(plain, [{ type: 'expire', queueId: 0 }]);
    expect([queue(plain, p, 0, Q.LIVE_FROM), queue(plain, p, 0, Q.CQ_MIN)]).toEqual([101, 101]);
  });

  it('a pop above the min offset skips deleted messages without a direct commit (MESSAGE_WAS_REMOVING units, then FOUND)', () => {
    for (const r of RELEASES) {
      const m = fullModel(r.name, { expire: 1, cqLag: true });
      const s = runGuarded(m, [LAG, POP2]);
      expect([ck(m, s, 0, C.ORIGIN), ck(m, s, 0, C.START), ck(m, s, 0, C.NUM), ck(m, s, 0, C.NEXT_BEGIN)], r.name).toEqual([ORIGIN.POP, 101, 2, 103]);
      expect(queue(m, s, 0, Q.CONSUMER_OFFSET)).toBe(100);
    }
  });

  it('a pop that finds only deleted messages adds a mock wrapper to the offset FIFO, committed in FIFO order', () => {
    const m = fullModel('5.3.2', { expire: 3, cqLag: true, pops: 2, batch: 2 });
    const s = runGuarded(m, [POP2, LAG, LAG, LAG, POP2]);
    expect(s[G.NCK]).toBe(2);
    expect([ck(m, s, 1, C.ORIGIN), ck(m, s, 1, C.START), ck(m, s, 1, C.NUM), ck(m, s, 1, C.NEXT_BEGIN), ck(m, s, 1, C.HELD)]).toEqual([ORIGIN.MOCK, 102, 0, 103, 0]);
    expect(ck(m, s, 1, C.FLAGS)).toBe(CF.IN_OFFSET_QUEUE | CF.JUST_OFFSET | CF.CK_STORED);
    expect(latestOffset(s, m.ctx, 0)).toBe(103);
    expect(toRecord(s, m.ctx.L).cks[1].origin).toBe('mock');
    // Behind the unacked CK@100 the mock waits; no pop is left to make.
    const scanned = m.step(s, { type: 'scan' });
    expect(queue(m, scanned, 0, Q.CONSUMER_OFFSET)).toBe(100);
    expect(ck(m, scanned, 1, C.FLAGS) & CF.IN_OFFSET_QUEUE).toBe(CF.IN_OFFSET_QUEUE);
    // Once CK@100 is stored, both commit in order: 102, then the mock's 103.
    const later = m.step(s, { type: 'scan', at: 10_500 });
    expect(queue(m, later, 0, Q.CONSUMER_OFFSET)).toBe(103);
    expect(ck(m, later, 1, C.FLAGS) & CF.IN_OFFSET_QUEUE).toBe(0);
  });

  it('an ack of a deleted message above the min offset is still accepted (AckMessageProcessor checks the min offset)', () => {
    const m = fullModel('head', { expire: 1, cqLag: true });
    const s = runGuarded(m, [POP2, LAG]);
    const acked = m.step(s, { type: 'ack', queueId: 0, startOffset: 100, popTime: 0, offset: 100 });
    expect(ck(m, acked, 0, C.ACKED)).toBe(1);
    const corrected = m.step(s, { type: 'correctMinOffset', queueId: 0 });
    const refused = m.step(corrected, { type: 'ack', queueId: 0, startOffset: 100, popTime: 0, offset: 100 });
    expect(ck(m, refused, 0, C.ACKED)).toBe(0);
  });

  it('is the same model as plain retention when the min offset always follows at once (walk: CQ_MIN == LIVE_FROM without --cq-lag)', () => {
    const m = fullModel('head', { expire: 2, pops: 2, batch: 1 });
    let states = 0;
    walk(m, (_b, _e, a) => {
      states++;
      expect(queue(m, a, 0, Q.CQ_MIN)).toBe(queue(m, a, 0, Q.LIVE_FROM));
    });
    expect(states).toBeGreaterThan(0);
  });
});
