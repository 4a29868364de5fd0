/**
 * Layout's address methods read the layout's sizes as module-local numbers (docs/explorer.md,
 * "The model side: what V8 does not fold"); they must give the addresses the exported
 * constants define.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { C, E, G, Layout, Q } from '../../model/layout.js';

describe('Layout addresses', () => {
  it('ck, log and timer are the records the exported C.SIZE, E.SIZE and G.NLOG lay out', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 80 }),
        fc.boolean(),
        (queues, messagesPerQueue, ckSlots, entries, ackPutMasks) => {
          const L = new Layout({ queues, messagesPerQueue, ckSlots, entries, ackPutMasks });
          const d = new Int32Array(L.words);
          for (let q = 0; q < queues; q++) expect(L.q(q)).toBe(L.q0 + q * (Q.STORE_TIME + messagesPerQueue));
          for (let k = 0; k < ckSlots; k++) expect(L.ck(k)).toBe(L.c0 + k * C.SIZE);
          for (let p = 0; p < entries; p++) expect(L.log(p)).toBe(L.log0 + p * E.SIZE);
          d[G.NLOG] = entries >> 1;
          for (let i = 0; i + d[G.NLOG] < entries; i++) expect(L.timer(d, i)).toBe(L.log0 + (d[G.NLOG] + i) * E.SIZE);
          expect(L.log(entries)).toBeLessThanOrEqual(L.words);
        },
      ),
      { numRuns: 200 },
    );
  });

  // The methods AND every base with a mask (the identity below 2^24 words: layout.ts, WORD_INDEX)
  // so that V8 drops the overflow checks of `c + C.FIELD`: at the largest layouts allowed the
  // addresses are still the plain sums, and a larger layout is refused rather than wrapped.
  it('gives the plain addresses up to the largest layout it accepts, and refuses a larger one', () => {
    const limit = (1 << 24) - 1;
    for (const [queues, messagesPerQueue, ckSlots] of [
      [1, 1, 1],
      [4, 32, 40],
      [2, 1000, 5000],
    ] as const) {
      const fixed = G.SIZE + queues * (Q.STORE_TIME + messagesPerQueue) + ckSlots * C.SIZE;
      const entries = Math.floor((limit - fixed) / E.SIZE);
      const L = new Layout({ queues, messagesPerQueue, ckSlots, entries });
      expect(L.words).toBeGreaterThan(limit - E.SIZE);
      expect(L.words).toBeLessThanOrEqual(limit);
      for (const q of [0, queues - 1]) expect(L.q(q)).toBe(L.q0 + q * L.queueStride);
      for (const k of [0, ckSlots - 1]) expect(L.ck(k)).toBe(L.c0 + k * C.SIZE);
      for (const p of [0, entries >> 1, entries - 1, entries]) expect(L.log(p)).toBe(L.log0 + p * E.SIZE);
      // timer(d, i) reads d[G.NLOG]: a state-sized array would be 64 MiB, and the method reads only that word.
      const d = new Int32Array(G.SIZE);
      d[G.NLOG] = entries - 2;
      expect(L.timer(d, 1)).toBe(L.log0 + (entries - 1) * E.SIZE);
      expect(() => new Layout({ queues, messagesPerQueue, ckSlots, entries: entries + 1 })).toThrow(/too large/);
    }
  });
});
