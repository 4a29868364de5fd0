/**
 * AckMessageProcessor.appendAck: the ack is merged into the buffered CK when addAk's
 * guards pass; otherwise an AckMsg carrying the receipt handle's brokerName is written to
 * the revive topic with deliverTimeMs = T. Either way the client gets SUCCESS.
 */
import { BROKER, C, CF, G, GF, KIND } from '../layout.js';
import { brokerName, fmtAckMsg, fmtBits, fmtTime } from '../format.js';
import { K, note, type Ctx } from './context.js';
import { findWrapper } from './keys.js';
import { writeRevive } from './store.js';

/** The CK a receipt handle belongs to (queueId, startOffset, popTime, offset), or -1. */
export function findCkForHandle(d: Int32Array, ctx: Ctx, q: number, so: number, pt: number, offset: number): number {
  const L = ctx.L;
  for (let k = 0; k < d[G.NCK]; k++) {
    const c = L.ck(k);
    if (d[c + C.QUEUE] !== q || d[c + C.START] !== so || d[c + C.POP_TIME] !== pt) continue;
    const i = offset - so;
    if (i >= 0 && i < d[c + C.NUM]) return k;
  }
  return -1;
}

/** Why addAk refuses the ack (null: it merges it). `w` is the wrapper found under the ack's key. */
export function addAkRefusal(d: Int32Array, ctx: Ctx, w: number): string | null {
  const s = ctx.s;
  if (!s.enablePopBufferMerge) return 'enablePopBufferMerge=false';
  if ((d[G.FLAGS] & GF.SERVING) === 0) return 'buffer not serving';
  if (w < 0) return 'no ck';
  const c = ctx.L.ck(w);
  if ((d[c + C.FLAGS] & CF.JUST_OFFSET) !== 0) return 'ck just offset (already stored)';
  const now = d[G.NOW];
  const T = d[c + C.POP_TIME] + d[c + C.INVISIBLE];
  if (T - now < s.popCkStayBufferTimeOut + K.bufferMargin) return 'almost timeout for revive';
  if (now - d[c + C.POP_TIME] > s.popCkStayBufferTime - K.bufferMargin) return 'stay too long';
  return null;
}

/** The client acks message index i of CK k, with brokerName `bn` in its receipt handle. */
export function ack(d: Int32Array, ctx: Ctx, k: number, i: number, bn: number): 'buffer' | 'store' {
  const L = ctx.L;
  const c = L.ck(k);
  const now = d[G.NOW];
  const so = d[c + C.START];
  const q = d[c + C.QUEUE];
  const pt = d[c + C.POP_TIME];
  const T = pt + d[c + C.INVISIBLE];
  const bit = 1 << i;
  d[c + C.HELD] &= ~bit;
  d[c + C.ACKED] |= bit;
  if (now <= T) d[c + C.ACKED_IN_TIME] |= bit;

  const w = ctx.s.enablePopBufferMerge ? findWrapper(d, ctx, q, so, pt, bn) : -1;
  const refusal = addAkRefusal(d, ctx, w);
  if (refusal === null) {
    const wc = L.ck(w);
    const index = so + i - d[wc + C.START];
    if (index >= 0 && index < d[wc + C.NUM]) d[wc + C.BITS] |= 1 << index;
    note(
      ctx,
      'PopBufferMergeService',
      '[PopBuffer]add ack',
      `ack offset ${so + i} at ${fmtTime(now)}: addAk merges it into the buffered CK, bits=${fmtBits(d[wc + C.BITS], d[wc + C.NUM])}`,
    );
    return 'buffer';
  }
  writeRevive(d, ctx, KIND.ACK, k, bn, bit, T);
  d[c + C.ACK_WRITTEN] |= bit;
  note(
    ctx,
    'AckMessageProcessor',
    'ack to store',
    `ack offset ${so + i} at ${fmtTime(now)}: addAk refuses (${refusal}); ${fmtAckMsg(d, L, KIND.ACK, k, bit, bn)} ` +
      `written to the revive topic, deliver ${fmtTime(T)}` +
      (bn === BROKER.NONE ? '' : ` (brokerName ${brokerName(bn)} from the receipt handle)`),
  );
  return 'store';
}
