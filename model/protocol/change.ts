/**
 * ChangeInvisibleTimeProcessor.appendCheckPointThenAckOrigin: write a new one-message CK
 * for the offset straight to the revive topic (popTime = now, the new invisibleTime,
 * brokerName from the handle), then ack the offset on the original CK (addAk first, else
 * an AckMsg to the store with the original T). The client gets a handle for the new CK.
 */
import * as layoutModule from '../layout.js';
import { addAkRefusal, offsetIllegal, rejectIllegalOffset, staleHandleUse, writeAckToStore } from './ack.js';
import * as contextModule from './context.js';
import type { Ctx } from './context.js';
import { findWrapper } from './keys.js';
import { storeOneMessageCk } from './ck.js';
import { ackMsgRef, bitList, ckRef, narrating, observe } from './observe.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { C, G, ORIGIN } = layoutModule;
const { K } = contextModule;

export function changeInvisible(d: Int32Array, ctx: Ctx, k: number, i: number, bn: number, invisibleTime: number): number {
  const L = ctx.L;
  const c = L.ck(k);
  const now = d[G.NOW];
  const off = d[c + C.START] + i;
  const bit = 1 << i;
  d[G.USED_CHANGES]++;
  staleHandleUse(d, ctx, k, i, 'changeInvisibleTime');
  if (offsetIllegal(d, ctx, k, i)) {
    rejectIllegalOffset(d, ctx, k, i, 'changeInvisibleTime');
    return -1;
  }
  const n = storeOneMessageCk(d, ctx, {
    origin: ORIGIN.CHANGE,
    parent: k,
    offset: off,
    popTime: now,
    invisibleTime,
    broker: bn,
    held: true,
    rePutTimes: 0,
  });
  const T2 = now + invisibleTime;
  if (narrating(ctx)) observe(ctx, { kind: 'changeInvisible', offset: off, at: now, ck: ckRef(d, L, n), deliverTimeMs: T2 - K.ackTimeInterval });

  d[c + C.HELD] &= ~bit;
  d[c + C.CHANGED] |= bit;
  const w = ctx.s.enablePopBufferMerge ? findWrapper(d, ctx, d[c + C.QUEUE], d[c + C.START], d[c + C.POP_TIME], bn) : -1;
  const refusal = addAkRefusal(d, ctx, w);
  if (refusal === null) {
    const wc = L.ck(w);
    const index = off - d[wc + C.START];
    if (index >= 0 && index < d[wc + C.NUM]) d[wc + C.BITS] |= 1 << index;
    if (narrating(ctx)) {
      observe(ctx, { kind: 'addAk', via: 'ackOrigin', ack: ackMsgRef(d, L, k, off, bn), ck: ckRef(d, L, w), at: now, bits: bitList(d[wc + C.BITS], d[wc + C.NUM]) });
    }
  } else {
    writeAckToStore(d, ctx, k, i, bn, false, refusal, 'ackOrigin', d[c + C.POP_TIME] + d[c + C.INVISIBLE]);
  }
  return n;
}
