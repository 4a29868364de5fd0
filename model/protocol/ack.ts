/**
 * AckMessageProcessor.appendAck: the ack is merged into the buffered CK when addAk's
 * guards pass; otherwise an AckMsg carrying the receipt handle's brokerName is written to
 * the revive topic with deliverTimeMs = T. Either way the client gets SUCCESS, even when
 * the store write fails (handlePutMessageResult only logs).
 *
 * With splitAddAk, addAk's checks and its markBitCAS are two steps (`ack` then `ackMark`)
 * and the scan may run in between (hazard I-3).
 */
import * as layoutModule from '../layout.js';
import type { AddAkRefusal } from '../observations.js';
import * as contextModule from './context.js';
import type { Ctx } from './context.js';
import * as keysModule from './keys.js';
import * as observeModule from './observe.js';
import * as storeModule from './store.js';

// The imported constants and functions as this module's own: V8's optimizing compiler folds a
// module's own constants into the code, and loads an imported binding at every use, a function's
// checked before each call (docs/explorer.md, "Counting instructions", "The model's ack path per
// transition").
const { C, CF, G, GF, KIND, ORIGIN, Q } = layoutModule;
const { K } = contextModule;
const { findWrapper } = keysModule;
const { ackMsgRef, bitList, ckRef, narrating, observe, writeRef } = observeModule;
const { writeRevive } = storeModule;

/** The CK a receipt handle belongs to (queueId, startOffset, popTime, offset), or -1. */
export function findCkForHandle(d: Int32Array, ctx: Ctx, q: number, so: number, pt: number, offset: number): number {
  const L = ctx.L;
  const n = d[G.NCK];
  for (let k = 0; k < n; k++) {
    const c = L.ck(k);
    if (d[c + C.QUEUE] !== q || d[c + C.START] !== so || d[c + C.POP_TIME] !== pt) continue;
    const i = offset - so;
    if (i >= 0 && i < d[c + C.NUM] && (d[c + C.HELD] & (1 << i)) !== 0) return k;
  }
  for (let k = 0; k < n; k++) {
    const c = L.ck(k);
    if (d[c + C.QUEUE] === q && d[c + C.START] === so && d[c + C.POP_TIME] === pt && offset - so >= 0 && offset - so < d[c + C.NUM]) return k;
  }
  return -1;
}

/**
 * The newest CK that changeInvisibleTime derived from CK k for its message index i (through
 * any chain of changes), when the client no longer holds k's handle for it: then k's handle is
 * superseded. -1 otherwise (k's handle is the client's, or no change replaced it). The broker
 * keeps no such record (AckMessageProcessor and ChangeInvisibleTimeProcessor act on the CK the
 * handle names, in every release); the model keeps it to offer and to narrate stale handles.
 */
export function supersededBy(d: Int32Array, ctx: Ctx, k: number, i: number): number {
  const c = ctx.L.ck(k);
  const bit = 1 << i;
  if ((d[c + C.CHANGED] & bit) === 0 || (d[c + C.HELD] & bit) !== 0) return -1;
  return newestChangeOf(d, ctx, k, i);
}

/**
 * supersededBy's search, once the client no longer holds CK k's handle for index i and a
 * change moved that index: the newest CK changeInvisibleTime derived from k for it, or -1. A
 * function of its own so that supersededBy's test, which decides nearly every call, is small
 * enough to be inlined where it is called.
 */
function newestChangeOf(d: Int32Array, ctx: Ctx, k: number, i: number): number {
  const L = ctx.L;
  const c = L.ck(k);
  const off = d[c + C.START] + i;
  const q = d[c + C.QUEUE];
  // Slots are taken in creation order, so a CK comes after the CK it derives from.
  const lineage = [k];
  for (let n = k + 1; n < d[G.NCK]; n++) {
    const p = L.ck(n);
    if (d[p + C.ORIGIN] === ORIGIN.CHANGE && d[p + C.QUEUE] === q && d[p + C.START] === off && lineage.includes(d[p + C.PARENT])) lineage.push(n);
  }
  return lineage.length > 1 ? lineage[lineage.length - 1] : -1;
}

/**
 * Would a changeInvisibleTime of queue q's `offset` at `now` write a CK whose handle equals an
 * existing CK's (queueId, startOffset = offset, popTime = now)? With the model's 500 ms
 * resolution two changes of one offset in the same instant would; RocketMQ's millisecond
 * clock gives them different popTimes. Returns the CK slot, or -1.
 */
export function changeHandleTaken(d: Int32Array, ctx: Ctx, q: number, offset: number, now: number): number {
  for (let n = 0, nck = d[G.NCK]; n < nck; n++) {
    const p = ctx.L.ck(n);
    if (d[p + C.QUEUE] === q && d[p + C.START] === offset && d[p + C.POP_TIME] === now) return n;
  }
  return -1;
}

/** Narrates a request sent with a superseded handle (see supersededBy). */
function observeSuperseded(d: Int32Array, ctx: Ctx, k: number, i: number, newest: number, request: 'ack' | 'changeInvisibleTime'): void {
  if (!narrating(ctx)) return;
  const c = ctx.L.ck(k);
  observe(ctx, { kind: 'supersededHandle', request, offset: d[c + C.START] + i, at: d[G.NOW], handle: ckRef(d, ctx.L, k), newest: ckRef(d, ctx.L, newest) });
}

/**
 * A request with CK k's superseded handle for message index i (supersededBy >= 0): a first use
 * (not a repeat of an ack already sent with it) counts against the stale-handle budget, and the
 * step narrates it. Returns whether the handle is superseded.
 */
export function staleHandleUse(d: Int32Array, ctx: Ctx, k: number, i: number, request: 'ack' | 'changeInvisibleTime'): boolean {
  // supersededBy's first test, here so that the usual case (no change moved the index) makes no call.
  if ((d[ctx.L.ck(k) + C.CHANGED] & (1 << i)) === 0) return false;
  const newest = supersededBy(d, ctx, k, i);
  if (newest < 0) return false;
  if ((d[ctx.L.ck(k) + C.ACKED] & (1 << i)) === 0) d[G.USED_STALE_HANDLES]++;
  observeSuperseded(d, ctx, k, i, newest, request);
  return true;
}

/** Why addAk refuses the ack (null: it merges it). `w` is the wrapper found under the ack's key. */
export function addAkRefusal(d: Int32Array, ctx: Ctx, w: number): AddAkRefusal | null {
  const s = ctx.s;
  // `=== true` (a boolean setting is true or false): see `ack`.
  if (s.enablePopBufferMerge !== true) return 'bufferMergeDisabled';
  if ((d[G.FLAGS] & GF.SERVING) === 0) return 'notServing';
  if (w < 0) return 'noCk';
  const c = ctx.L.ck(w);
  if ((d[c + C.FLAGS] & CF.JUST_OFFSET) !== 0) return 'justOffset';
  const now = d[G.NOW];
  const T = d[c + C.POP_TIME] + d[c + C.INVISIBLE];
  if (T - now < s.popCkStayBufferTimeOut + K.bufferMargin) return 'almostTimeout';
  if (now - d[c + C.POP_TIME] > s.popCkStayBufferTime - K.bufferMargin) return 'stayTooLong';
  return null;
}

/**
 * Is an ack the broker accepts at `now` in time for a CK whose revive time is T? In time means
 * before T: at T the client's pop has timed out (ConsumeMessagePopConcurrentlyService.isPopTimeout,
 * now - popTime >= invisibleTime) and the broker writes the ACK as already due
 * (HookUtils.transformTimerMessage delays only deliverMs > now); see docs/model.md. Every
 * in-time test (ACKED_IN_TIME, ACK_STORED_IN_TIME, the late-ack budget) goes through here.
 */
export function ackInTime(now: number, T: number): boolean {
  return now < T;
}

/** ackInTime for CK record `c` at the current model time. */
export function ackInTimeFor(d: Int32Array, c: number): boolean {
  return ackInTime(d[G.NOW], d[c + C.POP_TIME] + d[c + C.INVISIBLE]);
}

/** The client's view of an accepted ack: it saw SUCCESS at `now` (`inTime`: ackInTimeFor(d, c), computed once by the caller). */
function clientSawSuccess(d: Int32Array, c: number, bit: number, inTime: boolean): void {
  d[c + C.HELD] &= ~bit;
  d[c + C.ACKED] |= bit;
  if (inTime) d[c + C.ACKED_IN_TIME] |= bit;
}

/** Sets the ack's bit in wrapper w (markBitCAS), whether or not w is still in the buffer. */
function markBit(d: Int32Array, ctx: Ctx, w: number, offset: number): void {
  const wc = ctx.L.ck(w);
  const index = offset - d[wc + C.START];
  if (index >= 0 && index < d[wc + C.NUM]) d[wc + C.BITS] |= 1 << index;
}

/**
 * addAk refused message i of CK k (the handle's CK): AckMessageProcessor writes its AckMsg
 * to the revive topic with deliverTimeMs = T, the CK's revive time (popTime + invisibleTime,
 * computed once by the caller), or fails to (storeFails). An ack written before T (ackInTime)
 * that is stored sets ACK_STORED_IN_TIME. `via`: the client's ack, or changeInvisibleTime's
 * ack of the original CK. (`ack` writes these same lines out itself, see there; a change here
 * goes there too: test/model/ack-store-write.test.ts compares the two.)
 */
export function writeAckToStore(
  d: Int32Array,
  ctx: Ctx,
  k: number,
  i: number,
  bn: number,
  storeFails: boolean,
  refusal: AddAkRefusal,
  via: 'ack' | 'ackOrigin',
  T: number,
): void {
  const c = ctx.L.ck(k);
  const bit = 1 << i;
  if (storeFails) {
    d[G.USED_STORE_FAILURES]++;
  } else {
    writeRevive(d, ctx, KIND.ACK, k, bn, bit, T);
    d[c + C.ACK_WRITTEN] |= bit;
    if (ackInTime(d[G.NOW], T)) d[c + C.ACK_STORED_IN_TIME] |= bit;
  }
  if (narrating(ctx)) observeAckToStore(d, ctx, k, i, bn, storeFails, refusal, via, T);
}

/** Narrates writeAckToStore (a function of its own, so that the write itself stays small). */
function observeAckToStore(
  d: Int32Array,
  ctx: Ctx,
  k: number,
  i: number,
  bn: number,
  storeFails: boolean,
  refusal: AddAkRefusal,
  via: 'ack' | 'ackOrigin',
  T: number,
): void {
  const c = ctx.L.ck(k);
  observe(ctx, {
    kind: 'ackToStore',
    via,
    at: d[G.NOW],
    refusal,
    ack: ackMsgRef(d, ctx.L, k, d[c + C.START] + i, bn),
    ok: !storeFails,
    // writeRevive moved no clock: writesDirectly answers as it would have before the write.
    ...writeRef(d, T, !storeFails && writesDirectly(d, ctx, T)),
  });
}

/** Does a revive-topic write with this deliverTimeMs skip the timer (deliverTimeMs not in the future)? */
export function writesDirectly(d: Int32Array, ctx: Ctx, deliverMs: number): boolean {
  return ctx.s.timerMode === 'timerWheel' && deliverMs <= d[G.NOW];
}

/**
 * AckMessageProcessor and ChangeInvisibleTimeProcessor answer NO_MESSAGE ("offset is
 * illegal") and write nothing when the offset is below the queue's min offset: retention
 * deleted the message. True when message index i of CK k has such an offset
 * (rejectIllegalOffset narrates it).
 */
export function offsetIllegal(d: Int32Array, ctx: Ctx, k: number, i: number): boolean {
  const c = ctx.L.ck(k);
  return d[c + C.START] + i < d[ctx.L.q(d[c + C.QUEUE]) + Q.CQ_MIN];
}

/** The client gets NO_MESSAGE for its handle of message index i of CK k and drops it. */
export function rejectIllegalOffset(d: Int32Array, ctx: Ctx, k: number, i: number, request: 'ack' | 'changeInvisibleTime'): void {
  const c = ctx.L.ck(k);
  d[c + C.HELD] &= ~(1 << i);
  if (!narrating(ctx)) return;
  const q = d[c + C.QUEUE];
  observe(ctx, { kind: 'offsetIllegal', request, offset: d[c + C.START] + i, at: d[G.NOW], queueId: q, minOffset: d[ctx.L.q(q) + Q.CQ_MIN] });
}

/** The client acks message index i of CK k, with brokerName `bn` in its receipt handle. */
export function ack(d: Int32Array, ctx: Ctx, k: number, i: number, bn: number, storeFails: boolean): 'buffer' | 'pending' | 'store' | 'illegal' {
  const L = ctx.L;
  const c = L.ck(k);
  const now = d[G.NOW];
  const so = d[c + C.START];
  const bit = 1 << i;
  // With a superseded handle (a changeInvisibleTime replaced it) the broker acts on the CK the
  // handle names, as for any handle: it keeps no record of which handle is current. (Only an
  // index a change moved can have a superseded handle: tested here, so that the usual ack makes
  // no call; `ack` is past V8's inlining budget.)
  if ((d[c + C.CHANGED] & bit) !== 0) staleHandleUse(d, ctx, k, i, 'ack');
  if (offsetIllegal(d, ctx, k, i)) {
    rejectIllegalOffset(d, ctx, k, i, 'ack');
    return 'illegal';
  }
  if ((d[c + C.ACKED] & bit) !== 0) d[G.USED_DUP_ACKS]++;
  const popTime = d[c + C.POP_TIME];
  // The CK's revive time T (ackInTimeFor's, read once: the store write below needs it too).
  const T = popTime + d[c + C.INVISIBLE];
  const inTime = ackInTime(now, T);
  if (!inTime) d[G.USED_LATE_ACKS]++;
  // A boolean setting compared with `true` rather than tested for truth: V8 keeps no type for
  // an object's boolean field, so a truth test of one compares it with false, the empty
  // string, undetectable objects, heap numbers and BigInts (about a dozen instructions);
  // `=== true` is one compare (docs/explorer.md, "The model's work per transition, a fourth
  // round"). Settings hold only true or false there (model/config.ts checks every one).
  const w = ctx.s.enablePopBufferMerge === true ? findWrapper(d, ctx, d[c + C.QUEUE], so, popTime, bn) : -1;
  const refusal = addAkRefusal(d, ctx, w);
  if (refusal === null && ctx.s.splitAddAk && w === k) {
    d[c + C.PENDING_MARK] |= bit;
    d[c + C.HELD] &= ~bit;
    if (narrating(ctx)) observe(ctx, { kind: 'addAkChecked', ack: ackMsgRef(d, L, k, so + i, bn), at: now });
    return 'pending';
  }
  clientSawSuccess(d, c, bit, inTime);
  if (refusal === null) {
    markBit(d, ctx, w, so + i);
    if (narrating(ctx)) observeAddAk(d, ctx, k, so + i, bn, w);
    return 'buffer';
  }
  // addAk refused: appendAck puts the AckMsg to the revive topic itself. writeAckToStore's
  // lines, written out here (with T and inTime computed above), so that the store write is one
  // call from `ack` whatever V8 inlines. TurboFan inlines a call only if it ran on at least
  // 0.15 of `ack`'s calls when `ack` was compiled, and at N = 14 of ack-flush that is early,
  // while 88% of the acks went to the buffer: a call of writeAckToStore would then be one more
  // call on every ack after the flush (docs/explorer.md, "The ack's store write in `ack`";
  // test/model/ack-store-write.test.ts checks that the two agree).
  if (storeFails) {
    d[G.USED_STORE_FAILURES]++;
  } else {
    writeRevive(d, ctx, KIND.ACK, k, bn, bit, T);
    d[c + C.ACK_WRITTEN] |= bit;
    if (inTime) d[c + C.ACK_STORED_IN_TIME] |= bit;
  }
  if (narrating(ctx)) observeAckToStore(d, ctx, k, i, bn, storeFails, refusal, 'ack', T);
  return 'store';
}

/** Narrates an ack merged into wrapper w (addAk). */
function observeAddAk(d: Int32Array, ctx: Ctx, k: number, offset: number, bn: number, w: number): void {
  const L = ctx.L;
  const wc = L.ck(w);
  observe(ctx, { kind: 'addAk', via: 'ack', ack: ackMsgRef(d, L, k, offset, bn), ck: ckRef(d, L, w), at: d[G.NOW], bits: bitList(d[wc + C.BITS], d[wc + C.NUM]) });
}

/** The second half of a split addAk: markBitCAS on the wrapper found by the checks. */
export function ackMark(d: Int32Array, ctx: Ctx, k: number, i: number): void {
  const c = ctx.L.ck(k);
  const bit = 1 << i;
  const so = d[c + C.START];
  d[c + C.PENDING_MARK] &= ~bit;
  d[c + C.HELD] |= bit; // clientSawSuccess clears it again
  clientSawSuccess(d, c, bit, ackInTimeFor(d, c));
  markBit(d, ctx, k, so + i);
  if (narrating(ctx)) {
    const inBuffer = (d[c + C.FLAGS] & CF.IN_BUFFER) !== 0;
    observe(ctx, { kind: 'markBit', ck: ckRef(d, ctx.L, k), offset: so + i, bits: bitList(d[c + C.BITS], d[c + C.NUM]), inBuffer });
  }
}
