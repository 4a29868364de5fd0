/**
 * Layout's address methods read the layout's sizes as module-local numbers (docs/explorer.md,
 * "The model side: what V8 does not fold"); they must give the addresses the exported
 * constants define.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { C, E, G, Layout } from '../../model/layout.js';

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
});
