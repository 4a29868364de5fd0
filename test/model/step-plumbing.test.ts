/**
 * The plumbing around the rules that docs/explorer.md's "The model's plumbing per transition"
 * changed, against the forms it replaced (kept here as references):
 *
 * - applyInto hands an ack to a function of its own (applyAck in model/step.ts), which reads the
 *   event's time and fields itself; the reference is the switch case it replaced. Compared on
 *   the states of random walks of `full` (acks before and after the flush, late, duplicate and
 *   stale, with failing store writes), for every enabled ack and variants of it: with no `at`
 *   (the state's time), a later `at`, each brokerName (none named, null, broker-a, broker-b) and
 *   storeFails either way.
 * - findWrapper walks the CK slots with the bound tested after each slot; the reference is the
 *   `for` loop it replaced. Compared on random CK slots (none to four in use, wrappers in and out
 *   of the buffer, keys that match or not, in any slot, the last one included).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../model/config.js';
import type { AckEvent } from '../../model/events.js';
import { BROKER, C, CF, G, Layout } from '../../model/layout.js';
import { ack, findCkForHandle } from '../../model/protocol/ack.js';
import type { Ctx } from '../../model/protocol/context.js';
import { bufferKeyMatches, findWrapper } from '../../model/protocol/keys.js';
import type { State } from '../../model/state.js';
import { applyInto, eventTime } from '../../model/step.js';
import { forEachGuardedAck } from '../fixtures/walk.js';

const SEED = 20_261_203;

const BROKER_CODE = { 'broker-a': BROKER.A, 'broker-b': BROKER.B } as const;

/**
 * applyInto's ack case as it was written before: the time by `eventTime`, shared by every event
 * (applyAck reads it itself, so a change to eventTime that applyAck missed fails here), then the
 * switch's case.
 */
function applyAckReference(s: State, ctx: Ctx, e: AckEvent, out: Int32Array): Int32Array {
  const d = out;
  const at = eventTime(s, e);
  if (at > d[G.NOW]) d[G.NOW] = at;
  const k = findCkForHandle(d, ctx, e.queueId, e.startOffset, e.popTime, e.offset);
  const bn = e.brokerName === undefined ? d[ctx.L.ck(k) + C.BROKER] : e.brokerName === null ? BROKER.NONE : BROKER_CODE[e.brokerName];
  ack(d, ctx, k, e.offset - e.startOffset, bn, e.storeFails ?? false);
  return d;
}

/** An enabled ack and its variants (time, brokerName, storeFails). */
function variants(s: State, _ctx: Ctx, e: AckEvent): AckEvent[] {
  const { at: _at, brokerName: _bn, storeFails: _sf, ...handle } = e;
  const out: AckEvent[] = [e, handle, { ...e, at: s[G.NOW] + 500 }, { ...e, storeFails: !(e.storeFails ?? false) }];
  for (const brokerName of [null, 'broker-a', 'broker-b'] as const) out.push({ ...e, brokerName });
  return out;
}

describe('applyInto: an ack in a function of its own', () => {
  it('gives the state the switch case gave, for every enabled ack and its variants, on random walks of full', () => {
    const seen = { acks: 0, noAt: 0, later: 0, named: 0, fails: 0, afterFlush: 0 };
    forEachGuardedAck({ release: '5.3.2', seed: SEED, numRuns: 300 }, variants, (s, ctx, v) => {
      const got = applyInto(s, ctx, v, s.slice());
      const want = applyAckReference(s, ctx, v, s.slice());
      expect([...got]).toEqual([...want]);
      seen.acks++;
      if (v.at === undefined) seen.noAt++;
      else if (v.at > s[G.NOW]) seen.later++;
      if (v.brokerName !== undefined) seen.named++;
      if (v.storeFails === true) seen.fails++;
      if ((s[ctx.L.ck(findCkForHandle(s, ctx, v.queueId, v.startOffset, v.popTime, v.offset)) + C.FLAGS] & CF.IN_BUFFER) === 0) seen.afterFlush++;
    });
    // Every kind of variant was compared, acks of CKs out of the buffer among them.
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(50);
  });
});

/** findWrapper as it was written before: a `for` loop over the CK slots. */
function findWrapperReference(d: Int32Array, ctx: Ctx, q: number, so: number, pt: number, bn: number): number {
  const n = d[G.NCK];
  for (let k = 0; k < n; k++) {
    if ((d[ctx.L.ck(k) + C.FLAGS] & CF.IN_BUFFER) !== 0 && bufferKeyMatches(d, ctx, k, q, so, pt, bn)) return k;
  }
  return -1;
}

describe('findWrapper: the bound tested after each slot', () => {
  it('finds the wrapper the for loop found, in every slot of up to four, or none', () => {
    const SLOTS = 4;
    const L = new Layout({ queues: 2, messagesPerQueue: 4, ckSlots: SLOTS, entries: 4 });
    const ctx: Ctx = { L, s: resolveSettings({ release: '5.3.2' }), notes: null };
    const ck = fc.record({
      inBuffer: fc.boolean(),
      q: fc.integer({ min: 0, max: 1 }),
      so: fc.integer({ min: 0, max: 2 }),
      pt: fc.constantFrom(0, 500),
      bn: fc.constantFrom(BROKER.A, BROKER.B),
    });
    const hits = new Array<number>(SLOTS + 1).fill(0);
    fc.assert(
      // The key asked for: a random one, or (usually) the key of a slot picked at random.
      fc.property(fc.array(ck, { maxLength: SLOTS }), ck, fc.option(fc.nat(), { freq: 4 }), (cks, random, pick) => {
        const key = pick === null || cks.length === 0 ? random : cks[pick % cks.length];
        const d = new Int32Array(L.words);
        d[G.NCK] = cks.length;
        cks.forEach((r, k) => {
          const c = L.ck(k);
          d[c + C.FLAGS] = r.inBuffer ? CF.IN_BUFFER : 0;
          d[c + C.QUEUE] = r.q;
          d[c + C.START] = r.so;
          d[c + C.POP_TIME] = r.pt;
          d[c + C.BROKER] = r.bn;
        });
        const want = findWrapperReference(d, ctx, key.q, key.so, key.pt, key.bn);
        expect(findWrapper(d, ctx, key.q, key.so, key.pt, key.bn)).toBe(want);
        hits[want + 1]++;
      }),
      { seed: SEED, numRuns: 3000, endOnFailure: true },
    );
    // None found, and found in each slot (the last of four too).
    for (const n of hits) expect(n).toBeGreaterThan(20);
  });
});
