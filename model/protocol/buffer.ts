/**
 * PopBufferMergeService.scan(): one pass over the buffer (wrappers in insertion order),
 * then scanCommitOffset(). The scan is one atomic model step.
 */
import * as layoutModule from '../layout.js';
import { fullMask } from '../layout.js';
import * as contextModule from './context.js';
import type { Ctx } from './context.js';
import { writesDirectly } from './ack.js';
import { ackMsgRefs, batchAckMsgRef, bitList, ckRef, narrating, observe, writeRef } from './observe.js';
import { writeRevive } from './store.js';
import type { Settings } from '../settings.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { C, CF, G, GF, KIND, Q } = layoutModule;
const { K } = contextModule;

export function isCkDone(d: Int32Array, c: number): boolean {
  const full = fullMask(d[c + C.NUM]);
  return (d[c + C.BITS] & full) === full;
}

export function isCkDoneForFinish(d: Int32Array, c: number): boolean {
  return ((d[c + C.BITS] ^ d[c + C.TO_STORE]) & fullMask(d[c + C.NUM])) === 0;
}

/**
 * Buffered acks of wrapper c become durable: they join ACK_STORED_IN_TIME. Every bit in
 * PopCheckPointWrapper.bits was merged by addAk, whose guard runs before T, so each is an
 * ack accepted in time. Only bits an ack of this CK's own handles put there count (the
 * client acked, or changeInvisibleTime acked the origin): under a merge-key collision
 * (hazard I-1) another CK's ack can land in this wrapper, and that is no ack of this CK's
 * message.
 */
function bufferedAcksDurable(d: Int32Array, c: number, bits: number): void {
  d[c + C.ACK_STORED_IN_TIME] |= bits & (d[c + C.ACKED] | d[c + C.CHANGED]) & fullMask(d[c + C.NUM]);
}

function hasFlag(d: Int32Array, c: number, f: number): boolean {
  return (d[c + C.FLAGS] & f) !== 0;
}

/**
 * putCkToStore: the CK message (bitMap 0) goes to the revive topic, deliverTimeMs = T - 1000.
 * With appendCkAsync and a store that completes puts late (`lateCk`), the message is written
 * now (the commit-log append runs in the calling thread) but ckStored is set only by the
 * put's callback, a later putComplete step; until then the wrapper is "storing"
 * (reviveQueueOffset = Long.MAX_VALUE), so no scan puts it again (PBMS:589-634@5.3.2).
 */
export function putCkToStore(d: Int32Array, ctx: Ctx, k: number, late = false): void {
  const c = ctx.L.ck(k);
  const T = d[c + C.POP_TIME] + d[c + C.INVISIBLE];
  writeRevive(d, ctx, KIND.CK, k, d[c + C.BROKER], 0, T - K.ackTimeInterval);
  d[c + C.FLAGS] |= late ? CF.CK_PUT_PENDING : CF.CK_STORED;
  if (!narrating(ctx)) return;
  // writeRevive moved no clock: writesDirectly answers as it would have before the write.
  const direct = writesDirectly(d, ctx, T - K.ackTimeInterval);
  observe(ctx, { kind: 'putCkToStore', ck: ckRef(d, ctx.L, k), ...writeRef(d, T - K.ackTimeInterval, direct), ...(late ? { callbackLater: true } : {}) });
}

/** The CK put of PopBufferMergeService is asynchronous and its callback runs later. */
export function lateCk(s: Settings): boolean {
  return s.appendCkAsync && s.putsCompleteLate;
}

/** The buffered ACK puts are asynchronous and their callbacks run later. */
export function lateAck(s: Settings): boolean {
  return s.appendAckAsync && s.putsCompleteLate;
}

/** Is a put's callback of any CK still to run? */
export function putCallbackPending(d: Int32Array, ctx: Ctx): boolean {
  for (let k = 0, nck = d[G.NCK]; k < nck; k++) if ((d[ctx.L.ck(k) + C.FLAGS] & (CF.CK_PUT_PENDING | CF.ACK_PUT_PENDING)) !== 0) return true;
  return false;
}

/**
 * The callbacks of CK slot k's pending puts of one kind run (PBMS handleCkMessagePutResult,
 * handleAckPutMessageResult, handleBatchAckPutMessageResult, 5.3.2). A late put is a
 * success: a store that completes late has appended the message already and reports
 * PUT_OK or a flush/replica timeout, which the callbacks treat as success (PBMS:614-617,
 * 676-679, 730-733@5.3.2); failures come back at once, as with the synchronous put.
 * - CK: ckStored is set (and reviveQueueOffset to the logical offset).
 * - ACK: each AckMsg's callback marks its own index in toStoreBits. A BatchAckMsg's callback
 *   marks the indices in the list object it was handed, which is the scan's shared
 *   batchAckIndexList, cleared in the scan's finally right after the put call returned
 *   (PBMS:277-291): it marks nothing, and the indices stay unmarked for good (#10256),
 *   unless batchAckCallbackCopiesList (PR #10257) hands it a copy.
 * Several pending puts of one kind of one CK complete in one step: their callbacks touch
 * disjoint indices (or none), so their order cannot be observed.
 */
export function putComplete(d: Int32Array, ctx: Ctx, k: number, put: 'ck' | 'ack'): void {
  const L = ctx.L;
  const c = L.ck(k);
  if (put === 'ck') {
    d[c + C.FLAGS] = (d[c + C.FLAGS] & ~CF.CK_PUT_PENDING) | CF.CK_STORED;
    if (narrating(ctx)) observe(ctx, { kind: 'putCallback', put: 'ck', ck: ckRef(d, L, k), marked: [], listCleared: false });
    return;
  }
  d[c + C.FLAGS] &= ~CF.ACK_PUT_PENDING;
  const w = L.ackPut(k);
  const sharedList = ctx.s.enablePopBatchAck && !ctx.s.batchAckCallbackCopiesList;
  const marked = sharedList ? 0 : d[w];
  d[c + C.TO_STORE] |= marked;
  if (!sharedList) d[w] = 0;
  if (narrating(ctx)) {
    observe(ctx, { kind: 'putCallback', put: ctx.s.enablePopBatchAck ? 'batchAck' : 'ack', ck: ckRef(d, L, k), marked: bitList(marked, d[c + C.NUM]), listCleared: sharedList });
  }
}

/** Writes the buffered, not yet stored acks of wrapper k (one AckMsg each, or one BatchAckMsg). */
function putBufferedAcks(d: Int32Array, ctx: Ctx, k: number): void {
  const L = ctx.L;
  const s = ctx.s;
  const c = L.ck(k);
  const late = lateAck(ctx.s);
  // Indices a late put already wrote are not written again (see Layout.ackPut).
  const pending = d[c + C.BITS] & ~d[c + C.TO_STORE] & fullMask(d[c + C.NUM]) & (late ? ~d[L.ackPut(k)] : -1);
  if (pending === 0) return;
  const T = d[c + C.POP_TIME] + d[c + C.INVISIBLE];
  const batch = s.enablePopBatchAck;
  const omits = batch ? s.bufferBatchAckOmitsBrokerName : s.bufferAckOmitsBrokerName;
  const bn = omits ? 0 : d[c + C.BROKER];
  writeRevive(d, ctx, batch ? KIND.BACK : KIND.ACK, k, bn, pending, T);
  if (late) {
    d[L.ackPut(k)] |= pending;
    d[c + C.FLAGS] |= CF.ACK_PUT_PENDING;
  } else d[c + C.TO_STORE] |= pending;
  d[c + C.ACK_WRITTEN] |= pending;
  bufferedAcksDurable(d, c, pending);
  if (!narrating(ctx)) return;
  // writeRevive moved no clock: writesDirectly answers as it would have before the write.
  const direct = writesDirectly(d, ctx, T);
  const ck = ckRef(d, L, k);
  if (batch) observe(ctx, { kind: 'putBatchAckToStore', ck, ack: batchAckMsgRef(d, L, k, pending, bn), brokerNameOmitted: omits, ...writeRef(d, T, direct) });
  else observe(ctx, { kind: 'putAckToStore', ck, acks: ackMsgRefs(d, L, k, pending, bn), brokerNameOmitted: omits, ...writeRef(d, T, direct) });
}

/** One PopBufferMergeService loop iteration: scan, then the serving flag's update. */
export function scan(d: Int32Array, ctx: Ctx, slow: boolean): void {
  scanWrappers(d, ctx);
  if (slow) {
    d[G.USED_SLOW_SCANS]++;
    d[G.FLAGS] &= ~GF.SERVING;
    if (narrating(ctx)) observe(ctx, { kind: 'scanStop' });
  } else if ((d[G.FLAGS] & GF.SERVING) === 0 && bufferEmpty(d, ctx)) {
    d[G.FLAGS] |= GF.SERVING;
    if (narrating(ctx)) observe(ctx, { kind: 'servingAgain' });
  }
}

function bufferEmpty(d: Int32Array, ctx: Ctx): boolean {
  for (let k = 0, nck = d[G.NCK]; k < nck; k++) if ((d[ctx.L.ck(k) + C.FLAGS] & (CF.IN_BUFFER | CF.IN_OFFSET_QUEUE)) !== 0) return false;
  return true;
}

function scanWrappers(d: Int32Array, ctx: Ctx): void {
  const L = ctx.L;
  const s = ctx.s;
  const now = d[G.NOW];
  const serving = (d[G.FLAGS] & GF.SERVING) !== 0;
  for (let k = 0; k < d[G.NCK]; k++) {
    const c = L.ck(k);
    if (!hasFlag(d, c, CF.IN_BUFFER)) continue;
    const stored = hasFlag(d, c, CF.CK_STORED);
    if ((hasFlag(d, c, CF.JUST_OFFSET) && stored) || isCkDone(d, c) || (isCkDoneForFinish(d, c) && stored)) {
      d[c + C.FLAGS] &= ~CF.IN_BUFFER;
      if (!stored && !hasFlag(d, c, CF.CK_PUT_PENDING)) {
        // Fully acked in memory: the CK is never stored, so no retry can come from it.
        d[c + C.FLAGS] |= CF.DONE_IN_MEMORY;
        bufferedAcksDurable(d, c, d[c + C.BITS]);
      }
      if (narrating(ctx)) observe(ctx, { kind: 'ckDone', ck: ckRef(d, L, k), stored: stored || hasFlag(d, c, CF.CK_PUT_PENDING), bits: bitList(d[c + C.BITS], d[c + C.NUM]) });
      continue;
    }
    const pt = d[c + C.POP_TIME];
    const T = pt + d[c + C.INVISIBLE];
    let removeCk = !serving;
    let why: 'notServing' | 'almostTimeout' | 'stayTooLong' = 'notServing';
    let limitMs: number | null = null;
    if (T - now < s.popCkStayBufferTimeOut) {
      removeCk = true;
      why = 'almostTimeout';
      limitMs = s.popCkStayBufferTimeOut;
    }
    if (now - pt > s.popCkStayBufferTime) {
      removeCk = true;
      why = 'stayTooLong';
      limitMs = s.popCkStayBufferTime;
    }
    // reviveQueueOffset < 0: neither stored nor storing (PBMS:260, 267@5.3.2).
    const putCk = !stored && !hasFlag(d, c, CF.CK_PUT_PENDING);
    if (hasFlag(d, c, CF.JUST_OFFSET)) {
      if (putCk) putCkToStore(d, ctx, k, lateCk(ctx.s));
      continue;
    }
    if (!removeCk) continue;
    if (narrating(ctx)) observe(ctx, { kind: 'scanFlush', ck: ckRef(d, L, k), at: now, reason: why, limitMs, bits: bitList(d[c + C.BITS], d[c + C.NUM]) });
    if (putCk) putCkToStore(d, ctx, k, lateCk(ctx.s));
    // The buffered acks wait until the CK's put has completed (PBMS:272-274@5.3.2).
    if (!hasFlag(d, c, CF.CK_STORED)) continue;
    putBufferedAcks(d, ctx, k);
    if (isCkDoneForFinish(d, c) && hasFlag(d, c, CF.CK_STORED)) {
      d[c + C.FLAGS] &= ~CF.IN_BUFFER;
      if (narrating(ctx)) observe(ctx, { kind: 'ckFinish', ck: ckRef(d, L, k) });
    }
  }
  scanCommitOffset(d, ctx);
}

/**
 * Would a (not slow) `scan` change `d`? Exact, without running it: the scan's first write is
 * made on the state as it is, so it is enough to walk the scan's decisions up to the first
 * one that writes, and every write the scan makes changes a word (it clears a flag that is
 * set, sets one that is clear, or appends a revive-topic entry). The `full` scenario asks it
 * instead of a dry run of the scan and a comparison of the whole state; test/model/successors
 * checks it against that dry run in every reachable state of small configurations. Keep it in
 * step with scanWrappers, scanCommitOffset and scan.
 */
export function scanChanges(d: Int32Array, ctx: Ctx): boolean {
  const L = ctx.L;
  const s = ctx.s;
  const now = d[G.NOW];
  const serving = (d[G.FLAGS] & GF.SERVING) !== 0;
  let buffered = false;
  // Queues whose offset FIFO head was seen (bit q): the first wrapper of the queue in slot order.
  let heads = 0;
  for (let k = 0, nck = d[G.NCK]; k < nck; k++) {
    const c = L.ck(k);
    const f = d[c + C.FLAGS];
    if ((f & CF.IN_OFFSET_QUEUE) !== 0) {
      buffered = true;
      // scanCommitOffset: the head wrapper of this queue's offset FIFO is ready (IN_OFFSET_QUEUE
      // is cleared). Asked in the walk over the wrappers rather than after it: the answer is
      // whether anything changes, whichever of the scan's writes it is.
      const head = 1 << d[c + C.QUEUE];
      if ((heads & head) === 0) {
        heads |= head;
        if (readyWithFlags(d, c, f)) return true;
      }
    }
    if ((f & CF.IN_BUFFER) === 0) continue;
    buffered = true;
    const stored = (f & CF.CK_STORED) !== 0;
    // Leaves the buffer (IN_BUFFER is cleared): scanWrappers' first test, which is commitReady's.
    if (readyWithFlags(d, c, f)) return true;
    // putCkToStore appends the CK and sets CK_STORED or CK_PUT_PENDING.
    const putCk = !stored && (f & CF.CK_PUT_PENDING) === 0;
    // (As in scanWrappers; addCkJustOffset sets CK_STORED or CK_PUT_PENDING, so the model never takes this put.)
    if ((f & CF.JUST_OFFSET) !== 0) {
      if (putCk) return true;
      continue;
    }
    const pt = d[c + C.POP_TIME];
    const T = pt + d[c + C.INVISIBLE];
    const removeCk = !serving || T - now < s.popCkStayBufferTimeOut || now - pt > s.popCkStayBufferTime;
    if (!removeCk) continue;
    if (putCk) return true;
    if (!stored) continue;
    // putBufferedAcks writes an entry when some buffered ack is not yet stored (nor being stored).
    const late = lateAck(s);
    const pending = d[c + C.BITS] & ~d[c + C.TO_STORE] & fullMask(d[c + C.NUM]) & (late ? ~d[L.ackPut(k)] : -1);
    if (pending !== 0) return true;
    // ckFinish clears IN_BUFFER (isCkDoneForFinish did not hold above, and nothing changed since).
  }
  // The buffer is empty again: serving is set.
  return !serving && !buffered;
}

/** Is the head wrapper of an offset FIFO ready for its offset to be committed? */
export function commitReady(d: Int32Array, c: number): boolean {
  const stored = hasFlag(d, c, CF.CK_STORED);
  return (hasFlag(d, c, CF.JUST_OFFSET) && stored) || isCkDone(d, c) || (isCkDoneForFinish(d, c) && stored);
}

/**
 * commitReady(d, c) for scanChanges, with the record's flags `f` already read: the same
 * tests (pure reads, taken in another order), each word of the record read once.
 */
function readyWithFlags(d: Int32Array, c: number, f: number): boolean {
  const stored = (f & CF.CK_STORED) !== 0;
  if ((f & CF.JUST_OFFSET) !== 0 && stored) return true;
  const full = fullMask(d[c + C.NUM]);
  const bits = d[c + C.BITS];
  // isCkDone, then isCkDoneForFinish && stored.
  return (bits & full) === full || (stored && ((bits ^ d[c + C.TO_STORE]) & full) === 0);
}

/** scanCommitOffset: per queue, commit nextBeginOffset of ready wrappers at the head of the FIFO. */
export function scanCommitOffset(d: Int32Array, ctx: Ctx): void {
  const L = ctx.L;
  for (let q = 0; q < L.queues; q++) {
    for (let k = 0; k < d[G.NCK]; k++) {
      const c = L.ck(k);
      if (!hasFlag(d, c, CF.IN_OFFSET_QUEUE) || d[c + C.QUEUE] !== q) continue;
      if (!commitReady(d, c)) break;
      const before = d[L.q(q) + Q.CONSUMER_OFFSET];
      d[c + C.FLAGS] &= ~CF.IN_OFFSET_QUEUE;
      // commitOffset only warns ("consumer offset less than store") before committing a smaller offset.
      if (!ctx.s.bufferCommitMovesBack && d[c + C.NEXT_BEGIN] < before) continue;
      d[L.q(q) + Q.CONSUMER_OFFSET] = d[c + C.NEXT_BEGIN];
      if (narrating(ctx)) {
        observe(ctx, { kind: 'commitOffset', queueId: q, from: before, to: d[c + C.NEXT_BEGIN], ck: ckRef(d, L, k), ckStored: hasFlag(d, c, CF.CK_STORED) });
      }
    }
  }
}
