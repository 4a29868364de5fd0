/**
 * PopMessageProcessor.popMsgFromQueue + appendCheckPoint: read messages from the pop
 * offset, build the CK and register it with the buffer service (addCk, or
 * addCkJustOffset when addCk refuses).
 */
import { C, CF, fullMask, G, GF, KIND, LOCAL_BROKER, ORIGIN, Q } from '../layout.js';
import { fmtTime } from '../format.js';
import { K, type Ctx } from './context.js';
import { findWrapper } from './keys.js';
import { brokerNameOf, ckRef, narrating, observe } from './observe.js';
import { lateCk } from './buffer.js';
import { writeRevive } from './store.js';

/** PopBufferMergeService.getLatestOffset: nextBeginOffset of the last wrapper of the queue's FIFO, or -1. */
export function latestOffset(d: Int32Array, ctx: Ctx, q: number): number {
  const L = ctx.L;
  for (let k = d[G.NCK] - 1; k >= 0; k--) {
    const c = L.ck(k);
    if ((d[c + C.FLAGS] & CF.IN_OFFSET_QUEUE) !== 0 && d[c + C.QUEUE] === q) return d[c + C.NEXT_BEGIN];
  }
  return -1;
}

/** getPopOffset: max(committed consumer offset, latest buffered nextBeginOffset). */
export function popOffset(d: Int32Array, ctx: Ctx, q: number): number {
  return Math.max(d[ctx.L.q(q) + Q.CONSUMER_OFFSET], latestOffset(d, ctx, q));
}

/** Why a pop of queue q reading at `readAt` with popTime `popTime` cannot return messages, or null. */
export function popBlocked(d: Int32Array, ctx: Ctx, q: number, popTime: number, readAt = d[G.NOW]): string | null {
  if (q < 0 || q >= ctx.L.queues) return `queue ${q} does not exist (queues 0..${ctx.L.queues - 1})`;
  if ((d[G.FLAGS] & GF.SLAVE) !== 0) return 'the broker is a slave: pops go to the master';
  if (popTime > readAt) return `popTime ${fmtTime(popTime)} is after the read at ${fmtTime(readAt)}`;
  const start = popOffset(d, ctx, q);
  const b = ctx.L.q(q);
  if (start >= d[b + Q.MAX]) return `no message in queue ${q} at or after offset ${start}`;
  // Below the min offset getMessage answers OFFSET_TOO_SMALL and the pop reads again from
  // the min offset; with every message there deleted too, nothing is returned.
  if (d[b + Q.LIVE_FROM] >= d[b + Q.MAX]) return `no stored message in queue ${q} at or after offset ${start} (retention deleted up to ${d[b + Q.LIVE_FROM]})`;
  if (d[G.NCK] >= ctx.L.ckSlots) return `bound reached: ${ctx.L.ckSlots} CKs`;
  return null;
}

/**
 * getMessage's OFFSET_TOO_SMALL path: a pop offset below the queue's min offset (retention
 * deleted the messages there) commits the consumer offset to the min offset and reads
 * again from it. Returns the offset the read starts at.
 */
function correctPopOffset(d: Int32Array, ctx: Ctx, q: number, offset: number): number {
  const b = ctx.L.q(q);
  const min = d[b + Q.LIVE_FROM];
  if (offset >= min) return offset;
  d[b + Q.CONSUMER_OFFSET] = min;
  if (narrating(ctx)) observe(ctx, { kind: 'offsetTooSmall', queueId: q, offset, minOffset: min });
  return min;
}

/**
 * Pops up to maxNums messages of queue q now, with popTime `popTime` (sampled by the
 * request before the read). Returns the new CK slot, or -1 when addCkJustOffset found
 * the merge key taken and the pop returned nothing.
 */
export function pop(d: Int32Array, ctx: Ctx, q: number, maxNums: number, popTime: number): number {
  const L = ctx.L;
  const s = ctx.s;
  const now = d[G.NOW];
  d[G.USED_POPS]++;
  // The CK lists only the messages read, all stored. (From 5.1.0 RocketMQ keeps the
  // requested offset as the CK's startOffset and lists the read ones by diff; the model
  // numbers them from the first one read.)
  const start = correctPopOffset(d, ctx, q, popOffset(d, ctx, q));
  const n = Math.min(maxNums, d[L.q(q) + Q.MAX] - start);
  const T = popTime + s.popInvisibleTime;
  const old = findWrapper(d, ctx, q, start, popTime, LOCAL_BROKER);
  const conflict = old >= 0 && s.bufferMergeKeyGuard;
  const serving = (d[G.FLAGS] & GF.SERVING) !== 0;
  const bufferOk = s.enablePopBufferMerge && serving && T - now >= s.popCkStayBufferTimeOut + K.bufferMargin;
  if (conflict) {
    if (narrating(ctx)) {
      const ck = { queueId: q, startOffset: start, num: n, popTime, invisibleTime: s.popInvisibleTime, reviveTime: T, brokerName: brokerNameOf(LOCAL_BROKER) };
      observe(ctx, { kind: 'mergeKeyConflict', ck, conflictsWith: ckRef(d, L, old) });
    }
    return -1;
  }
  const k = d[G.NCK];
  const c = L.ck(k);
  d[G.NCK] = k + 1;
  d[c + C.ORIGIN] = ORIGIN.POP;
  d[c + C.QUEUE] = q;
  d[c + C.START] = start;
  d[c + C.NUM] = n;
  d[c + C.POP_TIME] = popTime;
  d[c + C.INVISIBLE] = s.popInvisibleTime;
  d[c + C.BROKER] = LOCAL_BROKER;
  d[c + C.NEXT_BEGIN] = start + n;
  d[c + C.HELD] = fullMask(n);
  d[c + C.PARENT] = -1;
  d[c + C.EPOCH] = d[G.EPOCH];
  d[c + C.REVIVE_POS] = -1;
  if (narrating(ctx)) observe(ctx, { kind: 'pop', ck: ckRef(d, L, k), at: now });
  if (old >= 0) overwriteWrapper(d, ctx, old, k);
  if (bufferOk) {
    d[c + C.FLAGS] = CF.IN_BUFFER | CF.IN_OFFSET_QUEUE;
    if (narrating(ctx)) observe(ctx, { kind: 'addCk', ck: ckRef(d, L, k) });
    return k;
  }
  writeRevive(d, ctx, KIND.CK, k, LOCAL_BROKER, 0, T - K.ackTimeInterval);
  // addCkJustOffset puts with appendCkAsync while the queue's offset FIFO is below
  // popCkOffsetMaxQueueSize (checkQueueOk, PBMS:435@5.3.2; always in the model's bounds).
  d[c + C.FLAGS] = CF.IN_BUFFER | CF.IN_OFFSET_QUEUE | CF.JUST_OFFSET | (lateCk(ctx.s) ? CF.CK_PUT_PENDING : CF.CK_STORED);
  if (narrating(ctx)) {
    const why = !s.enablePopBufferMerge ? 'bufferMergeDisabled' : !serving ? 'notServing' : 'almostTimeout';
    observe(ctx, { kind: 'addCkJustOffset', ck: ckRef(d, L, k), why, deliverTimeMs: T - K.ackTimeInterval });
  }
  return k;
}

/**
 * Before the merge-key guards (bufferMergeKeyGuard=false): buffer.put(mergeKey, new)
 * replaces wrapper `old` in the buffer map. It stays in the offset FIFO; the scan, which
 * walks the map, never sees it again: a buffered CK is never stored and its buffered acks
 * never written (so the FIFO waits on it unless it was fully acked), and later acks under
 * the key merge into the new wrapper.
 */
function overwriteWrapper(d: Int32Array, ctx: Ctx, old: number, k: number): void {
  const oc = ctx.L.ck(old);
  const stored = (d[oc + C.FLAGS] & CF.CK_STORED) !== 0;
  d[oc + C.FLAGS] &= ~CF.IN_BUFFER;
  if (!stored) d[oc + C.FLAGS] |= CF.LOST;
  if (narrating(ctx)) observe(ctx, { kind: 'bufferPutReplaces', ck: ckRef(d, ctx.L, k), replaced: ckRef(d, ctx.L, old), replacedStored: stored });
}
