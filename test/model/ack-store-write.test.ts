/**
 * `ack` writes a refused ack to the revive topic itself (the lines of writeAckToStore written
 * out in it, so that the store write is one call whatever V8 inlines: docs/explorer.md, "The
 * ack's store write in `ack`"); changeInvisibleTime's ack of the original CK still calls
 * writeAckToStore. The two must agree: for every enabled ack (and its variants) that `ack`
 * writes to the store, on random walks of `full` (acks before and after the flush, late,
 * duplicate and stale, the timer wheel and delay levels, the buffer on and off), the state and
 * the narration `ack` gives are those of `ack` up to the write (its run with a failing store
 * write, the failure taken back) followed by writeAckToStore.
 */
import { describe, expect, it } from 'vitest';
import type { AckEvent } from '../../model/events.js';
import { BROKER, C, G } from '../../model/layout.js';
import type { Observation } from '../../model/observations.js';
import { ack, addAkRefusal, findCkForHandle, writeAckToStore } from '../../model/protocol/ack.js';
import type { Ctx } from '../../model/protocol/context.js';
import { findWrapper } from '../../model/protocol/keys.js';
import type { State } from '../../model/state.js';
import { eventTime } from '../../model/step.js';
import { forEachGuardedAck } from '../fixtures/walk.js';

const SEED = 20_261_203;

const BROKER_CODE = { 'broker-a': BROKER.A, 'broker-b': BROKER.B } as const;

/** An enabled ack and its variants (brokerName, storeFails, sent at its CK's revive time T: late). */
function variants(s: State, ctx: Ctx, e: AckEvent): AckEvent[] {
  const c = ctx.L.ck(findCkForHandle(s, ctx, e.queueId, e.startOffset, e.popTime, e.offset));
  const T = s[c + C.POP_TIME] + s[c + C.INVISIBLE];
  const out: AckEvent[] = [e, { ...e, storeFails: !(e.storeFails ?? false) }, { ...e, at: Math.max(T, s[G.NOW]) }];
  for (const brokerName of [null, 'broker-a', 'broker-b'] as const) out.push({ ...e, brokerName });
  return out;
}

/** The state `s` at the ack's time, the ack's CK slot, message index and brokerName code. */
function prepare(s: State, ctx: Ctx, e: AckEvent): { d: Int32Array; k: number; i: number; bn: number } {
  const d = s.slice();
  const at = eventTime(s, e);
  if (at > d[G.NOW]) d[G.NOW] = at;
  const k = findCkForHandle(d, ctx, e.queueId, e.startOffset, e.popTime, e.offset);
  const bn = e.brokerName === undefined ? d[ctx.L.ck(k) + C.BROKER] : e.brokerName === null ? BROKER.NONE : BROKER_CODE[e.brokerName];
  return { d, k, i: e.offset - e.startOffset, bn };
}

function narrated(ctx: Ctx): Ctx & { observations: Observation[] } {
  return { ...ctx, observations: [] };
}

describe('ack: the store write written out in it', () => {
  for (const [release, overrides] of [
    ['5.3.2', {}],
    ['5.3.2', { enablePopBufferMerge: false }],
    ['5.0.0-alpha', {}],
  ] as const) {
    it(`writes what writeAckToStore writes and narrates it alike, on random walks of full (${release}${Object.keys(overrides).length > 0 ? ', buffer off' : ''})`, () => {
      const seen = { store: 0, fails: 0, inTime: 0, late: 0, joined: 0 };
      const settings = Object.keys(overrides).length > 0 ? { settings: overrides } : {};
      forEachGuardedAck({ release, ...settings, seed: SEED, numRuns: 150 }, variants, (s, ctx, v) => {
        const storeFails = v.storeFails ?? false;
        const { d: got, k, i, bn } = prepare(s, ctx, v);
        const gotCtx = narrated(ctx);
        if (ack(got, gotCtx, k, i, bn, storeFails) !== 'store') return;
        // `ack` up to the write: its run with the store write failing, the failure taken back.
        const { d: want } = prepare(s, ctx, v);
        expect(ack(want, ctx, k, i, bn, true)).toBe('store');
        want[G.USED_STORE_FAILURES]--;
        const c = ctx.L.ck(k);
        const w = ctx.s.enablePopBufferMerge ? findWrapper(want, ctx, want[c + C.QUEUE], want[c + C.START], want[c + C.POP_TIME], bn) : -1;
        const refusal = addAkRefusal(want, ctx, w);
        expect(refusal).not.toBeNull();
        const T = want[c + C.POP_TIME] + want[c + C.INVISIBLE];
        const wantCtx = narrated(ctx);
        const entries = want[G.NLOG] + want[G.NTIMER];
        writeAckToStore(want, wantCtx, k, i, bn, storeFails, refusal ?? 'noCk', 'ack', T);
        expect([...got]).toEqual([...want]);
        const stored = gotCtx.observations.filter((o) => o.kind === 'ackToStore');
        expect(stored).toEqual(wantCtx.observations);
        expect(stored).toHaveLength(1);
        seen.store++;
        if (storeFails) seen.fails++;
        else if (want[G.NOW] < T) seen.inTime++;
        else seen.late++;
        if (!storeFails && want[G.NLOG] + want[G.NTIMER] === entries) seen.joined++;
      });
      // Failing, in-time and late writes were compared, and writes that joined an ACK run.
      for (const n of Object.values(seen)) expect(n).toBeGreaterThan(30);
    });
  }
});
