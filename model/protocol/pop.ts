/**
 * PopMessageProcessor.popMsgFromQueue + appendCheckPoint: read messages from the pop
 * offset, build the CK and register it with the buffer service (addCk, or
 * addCkJustOffset when addCk refuses).
 */
import * as layoutModule from '../layout.js';
import { fullMask } from '../layout.js';
import { fmtTime } from '../format.js';
import * as contextModule from './context.js';
import type { Ctx } from './context.js';
import { findWrapper } from './keys.js';
import { brokerNameOf, ckRef, narrating, observe } from './observe.js';
import { lateCk } from './buffer.js';
import { writeRevive } from './store.js';
import { takeCkSlot } from './ck.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { C, CF, G, GF, KIND, LOCAL_BROKER, ORIGIN, Q } = layoutModule;
const { K } = contextModule;

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
  const b = ctx.L.q(q);
  if ((d[G.FLAGS] & GF.UNREADABLE) !== 0) {
    // getMessage answers null: from 5.0.0 the pop returns nothing and changes nothing.
    if (!ctx.s.popNullReadCommitsZero) return 'the store is not readable (getMessage answers null): the pop returns nothing';
    if (d[b + Q.CONSUMER_OFFSET] === 0) return 'the store is not readable and the consumer offset is already 0: the pop changes nothing';
    return null;
  }
  const start = popOffset(d, ctx, q);
  if (start >= d[b + Q.MAX]) return `no message in queue ${q} at or after offset ${start}`;
  // Below the min offset getMessage answers OFFSET_TOO_SMALL and the pop reads again from
  // the min offset; with every message there deleted too, nothing is returned. (Above the
  // consume queue's min offset but with the commit log deleted, getMessage answers
  // MESSAGE_WAS_REMOVING and the pop adds a mock wrapper: only with --cq-lag.)
  if (d[b + Q.CQ_MIN] >= d[b + Q.MAX]) return `no stored message in queue ${q} at or after offset ${start} (retention deleted up to ${d[b + Q.LIVE_FROM]})`;
  if (d[G.NCK] >= ctx.L.ckSlots) return `bound reached: ${ctx.L.ckSlots} CKs`;
  const taken = changeCkWithHandle(d, ctx, q, Math.max(start, d[b + Q.LIVE_FROM]), popTime);
  if (taken >= 0) {
    return `a pop of queue ${q} from offset ${d[ctx.L.ck(taken) + C.START]} with popTime ${fmtTime(popTime)} would reuse the receipt handle of the change of invisible time made in that instant`;
  }
  const before = ckOfEarlierEpoch(d, ctx, q, Math.max(start, d[b + Q.LIVE_FROM]), popTime);
  if (before >= 0) {
    return `popTime ${fmtTime(popTime)} is before the restart: a pop in the restarted broker samples its popTime there, and would reuse the receipt handle of CK@${d[ctx.L.ck(before) + C.START]} popped before it`;
  }
  return null;
}

/**
 * A CK of queue q starting at `offset` with popTime `popTime` written before the last crash or
 * role change, or -1. A crash's restart takes a tick, so only a pop whose popTime was sampled a
 * tick before its read (`--pop-lag`) can reach back to it; but the request that reads after the
 * restart runs in the restarted broker and samples its popTime there (PopMessageProcessor: the
 * popTime is taken when the request is processed), so it never shares the old CK's handle.
 */
function ckOfEarlierEpoch(d: Int32Array, ctx: Ctx, q: number, offset: number, popTime: number): number {
  for (let k = 0, nck = d[G.NCK]; k < nck; k++) {
    const c = ctx.L.ck(k);
    if (d[c + C.EPOCH] !== d[G.EPOCH] && d[c + C.QUEUE] === q && d[c + C.START] === offset && d[c + C.POP_TIME] === popTime) return k;
  }
  return -1;
}

/**
 * A CK a change of invisible time wrote for queue q's `offset` with popTime `popTime`, or -1.
 * A pop whose CK would start there with that popTime would hand out the same receipt handle
 * (and merge and revive key): the client builds a changed handle from the offset and the
 * change's popTime, a popped one from the CK's startOffset and the pop's popTime. With
 * millisecond clocks a pop and a change are two requests at two instants; at the model's
 * 500 ms resolution the pop is taken one tick later (as a change is never in the instant of
 * the pop whose handle it uses). Only a crash, a role change or scanGarbage rewinds the pop
 * offset to an offset a change already named.
 */
export function changeCkWithHandle(d: Int32Array, ctx: Ctx, q: number, offset: number, popTime: number): number {
  for (let k = 0, nck = d[G.NCK]; k < nck; k++) {
    const c = ctx.L.ck(k);
    if (d[c + C.ORIGIN] === ORIGIN.CHANGE && d[c + C.QUEUE] === q && d[c + C.START] === offset && d[c + C.POP_TIME] === popTime) return k;
  }
  return -1;
}

/**
 * getMessage's OFFSET_TOO_SMALL path: a pop offset below the queue's min offset (retention
 * deleted the messages there) commits the consumer offset to the min offset and reads
 * again from it. Returns the offset the read starts at.
 */
function correctPopOffset(d: Int32Array, ctx: Ctx, q: number, offset: number): number {
  const b = ctx.L.q(q);
  const min = d[b + Q.CQ_MIN];
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
  if ((d[G.FLAGS] & GF.UNREADABLE) !== 0) {
    popNullRead(d, ctx, q);
    return -1;
  }
  // The CK lists only the messages read, all stored. (From 5.1.0 RocketMQ keeps the
  // requested offset as the CK's startOffset and lists the read ones by diff; the model
  // numbers them from the first one read.)
  const requested = correctPopOffset(d, ctx, q, popOffset(d, ctx, q));
  // getMessage walks the consume queue from there, skipping units whose commit-log message
  // retention already deleted (only with --cq-lag can such units be at or above the min offset).
  const start = Math.max(requested, d[L.q(q) + Q.LIVE_FROM]);
  if (start >= d[L.q(q) + Q.MAX]) {
    addCkMock(d, ctx, q, requested, popTime);
    return d[G.NCK] - 1;
  }
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
  const k = takeCkSlot(d, L, ORIGIN.POP, q, start, n, popTime, s.popInvisibleTime, LOCAL_BROKER, start + n, -1);
  const c = L.ck(k);
  d[c + C.HELD] = fullMask(n);
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
 * 5.0.0-alpha's popMsgFromQueue with a null getMessage (popNullReadCommitsZero): the null is
 * taken for a wrong offset, consumer offset 0 is committed directly (ConsumerOffsetManager,
 * not the offset FIFO) and the read is tried again at 0; the second null ends the pop with no
 * message (a NullPointerException on the result). Nothing else changes.
 */
function popNullRead(d: Int32Array, ctx: Ctx, q: number): void {
  const b = ctx.L.q(q);
  const before = d[b + Q.CONSUMER_OFFSET];
  const offset = popOffset(d, ctx, q);
  d[b + Q.CONSUMER_OFFSET] = 0;
  if (narrating(ctx)) observe(ctx, { kind: 'popInitialOffsetNull', queueId: q, offset, from: before });
}

/**
 * Every consume-queue unit from `requested` on points into commit log that retention deleted
 * (MESSAGE_WAS_REMOVING, nextBeginOffset = the queue's max offset): addCkMock puts an
 * offset-only wrapper (num 0, justOffset, ckStored) in the offset FIFO only. No CK is written,
 * no merge-key check is made; the wrapper commits nextBeginOffset when it reaches the head of
 * the FIFO, and getLatestOffset makes the next pop start there.
 */
function addCkMock(d: Int32Array, ctx: Ctx, q: number, requested: number, popTime: number): void {
  const L = ctx.L;
  const k = takeCkSlot(d, L, ORIGIN.MOCK, q, requested, 0, popTime, ctx.s.popInvisibleTime, LOCAL_BROKER, d[L.q(q) + Q.MAX], -1);
  const c = L.ck(k);
  d[c + C.FLAGS] = CF.IN_OFFSET_QUEUE | CF.JUST_OFFSET | CF.CK_STORED;
  if (narrating(ctx)) {
    observe(ctx, { kind: 'addCkMock', queueId: q, startOffset: requested, nextBeginOffset: d[c + C.NEXT_BEGIN], deletedUpTo: d[L.q(q) + Q.LIVE_FROM], ck: ckRef(d, L, k) });
  }
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
