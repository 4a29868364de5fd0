/**
 * PopMessageProcessor.popMsgFromQueue + appendCheckPoint: read messages from the pop
 * offset, build the CK and register it with the buffer service (addCk, or
 * addCkJustOffset when addCk refuses).
 */
import { C, CF, fullMask, G, GF, KIND, LOCAL_BROKER, ORIGIN, Q } from '../layout.js';
import { fmtCk, fmtTime } from '../format.js';
import { K, note, type Ctx } from './context.js';
import { findWrapper } from './keys.js';
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
  if (start >= d[ctx.L.q(q) + Q.MAX]) return `no message in queue ${q} at or after offset ${start}`;
  if (d[G.NCK] >= ctx.L.ckSlots) return `bound reached: ${ctx.L.ckSlots} CKs`;
  return null;
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
  const start = popOffset(d, ctx, q);
  const n = Math.min(maxNums, d[L.q(q) + Q.MAX] - start);
  const T = popTime + s.popInvisibleTime;
  const conflict = findWrapper(d, ctx, q, start, popTime, LOCAL_BROKER) >= 0;
  const serving = (d[G.FLAGS] & GF.SERVING) !== 0;
  const bufferOk = s.enablePopBufferMerge && serving && T - now >= s.popCkStayBufferTimeOut + K.bufferMargin;
  if (conflict) {
    note(
      ctx,
      'PopBufferMergeService',
      '[PopBuffer]mergeKey conflict when add ckJustOffset',
      `pop of queue ${q} at offset ${start}: the merge key is already in the buffer (mergeKey conflict); addCkJustOffset refuses and the pop returns no message`,
    );
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
  note(
    ctx,
    'PopMessageProcessor',
    'pop',
    `pop ${n} msg(s) from queue ${q}, offsets ${start}..${start + n - 1}, popTime=${fmtTime(popTime)}` +
      `${popTime < now ? ` (sampled before the read at ${fmtTime(now)})` : ''}: ${fmtCk(d, L, k)}`,
  );
  if (bufferOk) {
    d[c + C.FLAGS] = CF.IN_BUFFER | CF.IN_OFFSET_QUEUE;
    if (ctx.notes) note(ctx, 'PopBufferMergeService', '[PopBuffer]add ck', `addCk: CK kept in the buffer (rqo=-1, bits={}), offset queue += CK@${start}`);
    return k;
  }
  writeRevive(d, ctx, KIND.CK, k, LOCAL_BROKER, 0, T - K.ackTimeInterval);
  d[c + C.FLAGS] = CF.IN_BUFFER | CF.IN_OFFSET_QUEUE | CF.JUST_OFFSET | CF.CK_STORED;
  const why = !s.enablePopBufferMerge ? 'enablePopBufferMerge=false' : !serving ? 'buffer not serving' : 'T too close';
  note(
    ctx,
    'PopBufferMergeService',
    '[PopBuffer]add ck just offset',
    `addCkJustOffset (${why}): CK written to the revive topic (deliver ${fmtTime(T - K.ackTimeInterval)}), wrapper kept for the offset commit`,
  );
  return k;
}
