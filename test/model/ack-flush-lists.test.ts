/**
 * ack-flush's enabled lists are made once per held set and flush state and returned again
 * (model/scenarios/ack-flush.ts, `listsBefore` / `listsAfter`; docs/explorer.md, "The enabled
 * list made once per held set"). On random walks, each list is checked against one built from
 * the walk itself (the messages not yet acked, in index order, at the time before or after the
 * flush, and the flush while it has not happened), when it is returned and again at the end (a
 * list shared between two keys, or changed after it was returned, shows there); up to 16
 * messages the same key must give the same list object, beyond it lists are made per call.
 */
import { describe, expect, it } from 'vitest';
import type { Event } from '../../model/events.js';
import { ackFlushModel } from '../fixtures/models.js';

/** A small seeded generator (mulberry32): the walks are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('ack-flush: the enabled lists, made once per held set', () => {
  for (const n of [1, 3, 6, 16, 17]) {
    it(`N=${n}: each list is the walk's own, and (up to 16 messages) the same object for the same key`, () => {
      const m = ackFlushModel({ release: '5.3.2', messages: n });
      const flushAt = m.instance.settings.popCkStayBufferTime + 500;
      const expected = (acked: readonly boolean[], scanned: boolean): Event[] => {
        const out: Event[] = [];
        for (let i = 0; i < n; i++) {
          if (!acked[i]) out.push({ type: 'ack', queueId: 0, startOffset: 100, popTime: 0, offset: 100 + i, at: scanned ? flushAt : 1000 });
        }
        if (!scanned) out.push({ type: 'scan', at: flushAt });
        return out;
      };
      const seen = new Map<string, { list: readonly Event[]; acked: boolean[]; scanned: boolean }>();
      const next = rng(n * 7919 + 1);
      let compared = 0;
      for (let walk = 0; walk < 200; walk++) {
        let s = m.initialStates()[0];
        s = m.step(s, m.enabledEvents(s)[0]); // the pop
        const acked = new Array<boolean>(n).fill(false);
        let scanned = false;
        while (!scanned || acked.includes(false)) {
          const list = m.enabledEvents(s);
          expect(list).toEqual(expected(acked, scanned));
          // The explorer's path (Model.enabledWithSuccessors) gives the same list.
          if (n <= 16) expect(m.enabledWithSuccessors(s, [])).toBe(list);
          else expect(m.enabledWithSuccessors(s, [])).toEqual(list);
          const key = `${acked.map((a) => (a ? 1 : 0)).join('')}/${scanned}`;
          const before = seen.get(key);
          if (before !== undefined) {
            compared++;
            if (n <= 16) expect(list).toBe(before.list);
            else expect(list).not.toBe(before.list);
          } else seen.set(key, { list, acked: acked.slice(), scanned });
          const e = list[Math.floor(next() * list.length)];
          s = m.step(s, e);
          if (e.type === 'scan') scanned = true;
          else if (e.type === 'ack') acked[e.offset - 100] = true;
        }
        // Past the acks and the flush: the timer and the revive, one event at a time, as before.
        const tail = m.enabledEvents(s);
        expect(tail.length).toBeLessThanOrEqual(1);
        if (tail.length === 1) expect(['timer', 'revive']).toContain(tail[0].type);
      }
      // No list changed since it was returned, and none serves two keys.
      for (const { list, acked, scanned } of seen.values()) expect(list).toEqual(expected(acked, scanned));
      if (n >= 3) expect(compared).toBeGreaterThan(100);
    });
  }
});
