/**
 * One PopReviveService pass, atomic: consumeReviveMessage (read the revive queue from the
 * last offset, match ACKs to CKs read before them in the same pass, mock CKs for old
 * orphan ACKs), then mergeAndRevive (for each due CK, in revive-offset order, retry every
 * unmatched offset; commit the revive offset of the last CK processed). With reviveAsync
 * the retries of a CK complete later, in a `reviveComplete` step.
 */
import * as layoutModule from '../layout.js';
import { fullMask } from '../layout.js';
import { RETRY_TOPIC } from '../names.js';
import * as contextModule from './context.js';
import type { Ctx } from './context.js';
import { reviveAckBroker, reviveCkBroker, reviveKeyEqual } from './keys.js';
import { ackEntryRef, bitList, brokerNameOf, ckRef, narrating, observe } from './observe.js';
import { isLive, storeTime } from './queue.js';
import { storeOneMessageCk } from './ck.js';
import { timerBehind } from './store.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { BROKER, C, CF, E, G, GF, KIND, ORIGIN, Q, TIMESTAMP_OFFSET } = layoutModule;
const { K } = contextModule;

interface Point {
  /** CK slot, or for a mock CK the CK slot whose key fields the orphan ACK carried. */
  k: number;
  mock: boolean;
  /** Position in the revive queue (PopCheckPoint.reviveOffset). */
  pos: number;
  /** The revive's in-memory bitMap. */
  bitmap: number;
  /** The map key: queue, startOffset, popTime and the brokerName part (-1: none). */
  q: number;
  so: number;
  pt: number;
  kb: number;
}

function ckPoint(d: Int32Array, ctx: Ctx, k: number, pos: number): Point {
  const c = ctx.L.ck(k);
  return { k, mock: false, pos, bitmap: 0, q: d[c + C.QUEUE], so: d[c + C.START], pt: d[c + C.POP_TIME], kb: reviveCkBroker(ctx, d[c + C.BROKER]) };
}

/** The key an ACK of CK slot k with brokerName bn is looked up under. */
function ackPoint(d: Int32Array, ctx: Ctx, k: number, bn: number, pos: number): Point {
  const c = ctx.L.ck(k);
  return { k, mock: true, pos, bitmap: 0, q: d[c + C.QUEUE], so: d[c + C.START], pt: d[c + C.POP_TIME], kb: reviveAckBroker(ctx, bn) };
}

function sameKey(d: Int32Array, ctx: Ctx, a: Point, b: Point): boolean {
  return reviveKeyEqual(d, ctx, a.q, a.so, a.pt, a.kb, b.q, b.so, b.pt, b.kb);
}

/** The index of the point in `list` with the same key as `key` (the map lookup), or -1. */
function indexOfKey(d: Int32Array, ctx: Ctx, list: readonly Point[], key: Point): number {
  for (let i = 0; i < list.length; i++) if (sameKey(d, ctx, list[i], key)) return i;
  return -1;
}

/**
 * sortList.sort by reviveOffset: the points in revive-queue order. Positions are distinct (one
 * point per entry read), so every sort gives this order; an insertion sort, as the list is
 * short and nearly always sorted already (Array.prototype.sort with a comparator costs more
 * than the rest of a pass).
 */
export function sortByPos<P extends { readonly pos: number }>(points: P[]): void {
  for (let i = 1; i < points.length; i++) {
    const p = points[i];
    let j = i - 1;
    for (; j >= 0 && points[j].pos > p.pos; j--) points[j + 1] = points[j];
    points[j + 1] = p;
  }
}

/** ckRewriteIntervalsInSeconds of rePutCK. */
const REWRITE_INTERVALS_S = [10, 20, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200];

/** The offset the next pass starts after: max(in-memory reviveOffset, committed offset). */
export function reviveStart(d: Int32Array): number {
  return Math.max(d[G.REVIVE_MEM], d[G.REVIVE_COMMIT]);
}

function reviveTime(d: Int32Array, ctx: Ctx, p: Point): number {
  // A mock CK has invisibleTime 0.
  return p.pt + (p.mock ? 0 : d[ctx.L.ck(p.k) + C.INVISIBLE]);
}

export function revive(d: Int32Array, ctx: Ctx, retryFails: boolean): void {
  const L = ctx.L;
  const s = ctx.s;
  if (retryFails) d[G.USED_RETRY_FAILURES]++;
  const now = d[G.NOW];
  const old = reviveStart(d);
  const points: Point[] = [];
  const mocks: Point[] = [];
  let endTime = 0;
  const narrate = narrating(ctx);
  if (narrate) observe(ctx, { kind: 'reviveStart', at: now, oldOffset: old, tailOffset: d[G.NLOG] - 1 });
  for (let p = old + 1; p < d[G.NLOG]; p++) {
    const e = L.log(p);
    const kind = d[e + E.KIND];
    const k = d[e + E.CK];
    if (kind === KIND.CK) {
      const point = ckPoint(d, ctx, k, p);
      const existing = indexOfKey(d, ctx, points, point);
      if (existing >= 0) points[existing] = point;
      else points.push(point);
      if (narrate) observe(ctx, { kind: 'findCk', offset: p, ck: ckRef(d, L, k), brokerName: brokerNameOf(d[e + E.BROKER]) });
    } else {
      const mask = d[e + E.MASK];
      const bn = d[e + E.BROKER];
      const key = ackPoint(d, ctx, k, bn, p);
      const found = indexOfKey(d, ctx, points, key);
      if (found >= 0) {
        const point = points[found];
        const so = d[L.ck(k) + C.START];
        const pc = L.ck(point.k);
        for (let i = 0; i < 32 && mask >>> i !== 0; i++) {
          if ((mask & (1 << i)) === 0) continue;
          const idx = so + i - d[pc + C.START];
          if (idx >= 0 && idx < d[pc + C.NUM]) point.bitmap |= 1 << idx;
        }
        if (narrate) {
          observe(ctx, { kind: 'findAck', offset: p, entry: ackEntryRef(d, L, kind, k, mask, bn), ck: ckRef(d, L, point.k), bitMap: bitList(point.bitmap, d[pc + C.NUM]) });
        }
      } else if (s.reviveMocksOrphanAck && s.enableSkipLongAwaitingAck && now - d[e + E.DELIVER] > s.reviveAckWaitMs) {
        const existing = indexOfKey(d, ctx, mocks, key);
        if (existing >= 0) mocks[existing] = key;
        else mocks.push(key);
        if (narrate) observe(ctx, { kind: 'mockCkForAck', offset: p, entry: ackEntryRef(d, L, kind, k, mask, bn), waitMs: s.reviveAckWaitMs });
      } else {
        if (narrate) {
          const entry = ackEntryRef(d, L, kind, k, mask, bn);
          if (s.reviveKeyHasBrokerName) observe(ctx, { kind: 'ackDropped', offset: p, entry, keyBrokerName: brokerNameOf(reviveAckBroker(ctx, bn)) });
          else observe(ctx, { kind: 'ackDropped', offset: p, entry });
        }
      }
    }
    endTime = Math.max(endTime, d[e + E.DELIVER]);
  }
  // map.putAll(mockPointMap): a mock replaces a real CK with the same key (hazard I-5).
  for (const m of mocks) {
    const existing = indexOfKey(d, ctx, points, m);
    if (existing >= 0) {
      if (narrate) observe(ctx, { kind: 'mockReplacesCk', offset: m.pos, ck: ckRef(d, L, points[existing].k) });
      points[existing] = m;
    } else points.push(m);
  }
  endTime = passEndTime(d, ctx, endTime);

  sortByPos(points);
  let newOffset = old;
  // An index loop: V8 compiles a for-of from the iterator results it has seen, and a pass whose
  // loop ended in a way not yet seen threw the compiled pass away (docs/explorer.md, "`full`'s
  // enabled events and breakpoints per state").
  for (let i = 0; i < points.length; i++) {
    const point = points[i];
    const T = reviveTime(d, ctx, point);
    if (endTime - T <= K.reviveDueMargin) {
      if (narrate) observe(ctx, { kind: 'ckNotDue', offset: point.pos, endTime, reviveTime: T });
      break;
    }
    if (!point.mock && asyncRevive(ctx) && !relieveBackPressure(d, ctx)) {
      if (narrate) observe(ctx, { kind: 'backPressure' });
      break;
    }
    if (point.mock) {
      if (narrate) observe(ctx, { kind: 'mockCk', offset: point.pos });
    } else if (!reviveMsgFromCk(d, ctx, point, retryFails)) {
      if (narrate) observe(ctx, { kind: 'reviveAbort' });
      return;
    }
    newOffset = point.pos;
  }
  if (newOffset > old) d[G.REVIVE_COMMIT] = newOffset;
  d[G.REVIVE_MEM] = newOffset;
  if (narrate) observe(ctx, { kind: 'reviveFinish', oldOffset: old, newOffset });
}

/** Do this CK's retries complete in a later reviveComplete step? */
export function asyncRevive(ctx: Ctx): boolean {
  return ctx.s.reviveAsync && ctx.s.asyncBizRead;
}

/**
 * reviveMsgFromCk: retry every offset of the CK the revive found unacked. Returns false
 * when a retry write failed in a release without rePutCK (the pass aborts).
 */
function reviveMsgFromCk(d: Int32Array, ctx: Ctx, point: Point, retryFails: boolean): boolean {
  const L = ctx.L;
  const c = L.ck(point.k);
  const unacked = ~point.bitmap & fullMask(d[c + C.NUM]);
  if (retryFails && unacked !== 0 && !ctx.s.rePutCk) return false;
  d[c + C.FLAGS] |= CF.REVIVED;
  d[c + C.REVIVE_POS] = point.pos;
  d[c + C.REVIVE_UNACKED] |= unacked;
  if (asyncRevive(ctx) && d[c + C.START] === TIMESTAMP_OFFSET) {
    // A CK re-put with a timestamp as its offset (hazard I-6) enters inflightReviveRequestMap
    // like any CK, but its read completes at once: the offset is past the queue's end, so the
    // local store answers without a message (a tiered store hands such an offset to the local
    // one). The completion callback runs inside the pass.
    d[c + C.FLAGS] |= CF.INFLIGHT;
    d[c + C.DISPATCHED_AT] = d[G.NOW];
    for (let j = 0; j < d[c + C.NUM]; j++) if (unacked & (1 << j) && retryOne(d, ctx, point.k, j, retryFails)) rePutOverflow(d, ctx, point.k, d[c + C.START] + j);
    completeInflight(d, ctx);
    return true;
  }
  if (asyncRevive(ctx)) {
    d[c + C.RETRY_PENDING] = retryFails ? 0 : unacked;
    d[c + C.FLAGS] |= CF.INFLIGHT;
    d[c + C.DISPATCHED_AT] = d[G.NOW];
    if (narrating(ctx)) observe(ctx, { kind: 'reviveDispatch', ck: ckRef(d, L, point.k), offsets: listOffsets(d[c + C.START], unacked) });
    if (retryFails) {
      for (let j = 0; j < d[c + C.NUM]; j++) if (unacked & (1 << j)) rePutCk(d, ctx, point.k, d[c + C.START] + j);
    }
    if (d[c + C.RETRY_PENDING] === 0) completeInflight(d, ctx);
    return true;
  }
  for (let j = 0; j < d[c + C.NUM]; j++) if (unacked & (1 << j) && retryOne(d, ctx, point.k, j, retryFails)) rePutOverflow(d, ctx, point.k, d[c + C.START] + j);
  if (unacked === 0 && narrating(ctx)) observe(ctx, { kind: 'ckAllAcked', ck: ckRef(d, L, point.k) });
  return true;
}

function listOffsets(so: number, mask: number): number[] {
  const o: number[] = [];
  for (let i = 0; i < 32; i++) if (mask & (1 << i)) o.push(so + i);
  return o;
}

/**
 * Reads the business message for index j of CK k and writes it to the retry topic. Returns
 * true when the read answers "re-put" although nothing failed: a read past the queue's end
 * in a release that decides by the store's status (reviveRePutsOverflowRead).
 */
function retryOne(d: Int32Array, ctx: Ctx, k: number, j: number, retryFails: boolean): boolean {
  const L = ctx.L;
  const c = L.ck(k);
  const q = d[c + C.QUEUE];
  const off = d[c + C.START] + j;
  let read = off;
  if (d[c + C.BROKER] === BROKER.NONE) {
    if (narrating(ctx)) observe(ctx, { kind: 'bizMsgNotFound', ck: ckRef(d, L, k), offset: off, why: 'noBrokerName' });
    return false;
  }
  if (ctx.s.reviveRePutsOverflowRead && off >= d[L.q(q) + Q.MAX]) {
    // OFFSET_OVERFLOW_ONE / OFFSET_OVERFLOW_BADLY: not one of the four "gone" statuses.
    if ((d[c + C.FLAGS] & CF.ENDLESS_REPUT) === 0) return true;
    if (narrating(ctx)) observe(ctx, { kind: 'bizMsgNotFound', ck: ckRef(d, L, k), offset: off, why: 'endlessRePut' });
    return false;
  }
  if (!isLive(d, ctx, q, off)) {
    const next = firstLiveAtOrAfter(d, ctx, q, off);
    if (!ctx.s.reviveReadsNextLiveMessage || next < 0) {
      if (narrating(ctx)) observe(ctx, { kind: 'bizMsgNotFound', ck: ckRef(d, L, k), offset: off, why: 'deleted' });
      return false;
    }
    read = next;
  }
  if (ctx.s.reviveSkipsStoredAfterPopTime && storeTime(d, ctx, q, read) > d[c + C.POP_TIME]) {
    if (narrating(ctx)) observe(ctx, { kind: 'skipCkFromLastEpoch', ck: ckRef(d, L, k), offset: off, storeTimestamp: storeTime(d, ctx, q, read) });
    return false;
  }
  if (retryFails) {
    rePutCk(d, ctx, k, off);
    return false;
  }
  const idx = read - d[c + C.START];
  if (idx >= 0 && idx < d[c + C.NUM]) {
    const bit = 1 << idx;
    if (d[c + C.RETRIED] & bit) d[c + C.RETRIED_AGAIN] |= bit;
    d[c + C.RETRIED] |= bit;
  } else {
    d[c + C.FOREIGN_RETRIES]++;
  }
  if (narrating(ctx)) observe(ctx, { kind: 'retryMsg', ck: ckRef(d, L, k), offset: off, readOffset: read, topic: RETRY_TOPIC });
  return false;
}

function firstLiveAtOrAfter(d: Int32Array, ctx: Ctx, q: number, off: number): number {
  for (let o = off; ; o++) {
    if (isLive(d, ctx, q, o)) return o;
    if (o >= d[ctx.L.q(q) + Q.MAX]) return -1;
  }
}

type RePutWhy = 'retryFailed' | 'stayTooLong' | 'readFailed' | 'offsetOverflow';

/**
 * rePutCK after a read past the queue's end answered a status that re-puts. The copy has the
 * same offset, popTime and brokerName (and, before 5.3.1, the same invisibleTime, so it is due
 * at once): its own read answers the same, and RocketMQ re-puts it on every pass, for ever. The
 * model writes the first copy, flagged ENDLESS_REPUT (the re-puts-terminate invariant), and
 * lets the copy's own read end the chain: further copies would repeat this step unchanged.
 */
function rePutOverflow(d: Int32Array, ctx: Ctx, k: number, off: number): void {
  const n = rePutCk(d, ctx, k, off, 'offsetOverflow');
  d[ctx.L.ck(n) + C.FLAGS] |= CF.ENDLESS_REPUT;
}

/** rePutCK: a one-message CK for the offset goes back to the revive topic (the retry write or the read failed, ...). Returns its slot. */
function rePutCk(d: Int32Array, ctx: Ctx, k: number, off: number, why: RePutWhy = 'retryFailed'): number {
  const L = ctx.L;
  const c = L.ck(k);
  const now = d[G.NOW];
  const rp = d[c + C.REPUT] + 1;
  const oldT = d[c + C.POP_TIME] + d[c + C.INVISIBLE];
  const backOff = ctx.s.rePutCkBacksOff && oldT <= now ? REWRITE_INTERVALS_S[Math.min(rp - 1, REWRITE_INTERVALS_S.length - 1)] * 1000 : 0;
  const n = storeOneMessageCk(d, ctx, {
    origin: ORIGIN.REPUT,
    parent: k,
    offset: off,
    popTime: d[c + C.POP_TIME],
    invisibleTime: d[c + C.INVISIBLE] + backOff,
    broker: ctx.s.rePutCkOmitsBrokerName ? BROKER.NONE : d[c + C.BROKER],
    held: false,
    rePutTimes: rp,
  });
  if (off !== TIMESTAMP_OFFSET) d[c + C.CHANGED] |= 1 << (off - d[c + C.START]);
  if (narrating(ctx)) observe(ctx, { kind: 'rePutCk', ck: ckRef(d, L, k), offset: off, newCk: ckRef(d, L, n), rePutTimes: rp, why });
  return n;
}

/** Has CK record c's completion callback marked its in-flight entry done? */
function inflightDone(d: Int32Array, c: number): boolean {
  return d[c + C.RETRY_PENDING] === 0 && (d[c + C.FLAGS] & CF.INFLIGHT_FAILED) === 0;
}

/** The in-flight CK first in PopCheckPoint order (smallest startOffset), or -1. */
function firstInflight(d: Int32Array, ctx: Ctx): number {
  let first = -1;
  for (let k = 0, nck = d[G.NCK]; k < nck; k++) {
    const c = ctx.L.ck(k);
    if ((d[c + C.FLAGS] & CF.INFLIGHT) === 0) continue;
    if (first < 0 || d[c + C.START] < d[ctx.L.ck(first) + C.START]) first = k;
  }
  return first;
}

function inflightCount(d: Int32Array, ctx: Ctx): number {
  let n = 0;
  for (let k = 0, nck = d[G.NCK]; k < nck; k++) if ((d[ctx.L.ck(k) + C.FLAGS] & CF.INFLIGHT) !== 0) n++;
  return n;
}

/** How long mergeAndRevive lets the oldest in-flight CK wait before re-putting it. */
export const INFLIGHT_STAY_MS = 30_000;

/**
 * mergeAndRevive's back-pressure before dispatching a CK: while more than 3 CKs are in
 * flight, the oldest (by startOffset) that is not done and has waited over 30 s is re-put
 * with rePutCK(oldCK, pair) — and the pair's first element is the map entry's timestamp,
 * which becomes the new CK's startOffset (hazard I-6) — and removed from the map. Returns
 * false when the pass would have to wait.
 */
function relieveBackPressure(d: Int32Array, ctx: Ctx): boolean {
  while (inflightCount(d, ctx) > 3) {
    const first = firstInflight(d, ctx);
    const fc = ctx.L.ck(first);
    if (inflightDone(d, fc) || d[G.NOW] - d[fc + C.DISPATCHED_AT] <= INFLIGHT_STAY_MS) return false;
    rePutCk(d, ctx, first, TIMESTAMP_OFFSET, 'stayTooLong');
    d[fc + C.FLAGS] &= ~(CF.INFLIGHT | CF.INFLIGHT_FAILED);
    if (narrating(ctx)) observe(ctx, { kind: 'inflightStayTooLong', ck: ckRef(d, ctx.L, first) });
  }
  return true;
}

/**
 * The pending reads of CK k complete, the read of offset `readFails` (if given) exceptionally;
 * then the allOf(...).whenComplete callback. Each read's thenApply stage has already run when
 * its read completed, so every message found is written to the retry topic. The callback walks
 * the futures in index order and re-puts the offsets whose result says so; getNow on an
 * exceptionally completed future throws, which ends the callback there: no re-put for that
 * offset or any later one, the in-flight entry is never marked done and no commit walk runs
 * (#10985). With reviveReadFailureRePuts (PR #10986) the failed read is a re-put like any other.
 */
export function reviveComplete(d: Int32Array, ctx: Ctx, k: number, readFails?: number): void {
  const L = ctx.L;
  const c = L.ck(k);
  const pending = d[c + C.RETRY_PENDING];
  d[c + C.RETRY_PENDING] = 0;
  const so = d[c + C.START];
  const failed = readFails === undefined ? -1 : readFails - so;
  if (failed >= 0) d[G.USED_READ_FAILURES]++;
  const fix = ctx.s.reviveReadFailureRePuts;
  let rePuts = 0;
  for (let j = 0; j < d[c + C.NUM]; j++) {
    if ((pending & (1 << j)) === 0) continue;
    if (j === failed) {
      if (narrating(ctx)) observe(ctx, { kind: 'bizReadFailed', ck: ckRef(d, L, k), offset: so + j, rePut: fix });
      if (fix) rePuts |= 1 << j;
    } else if (retryOne(d, ctx, k, j, false)) rePuts |= 1 << j;
  }
  // The callback's loop over the futures: it stops at the failed one unless the fix handles it.
  const reached = failed < 0 || fix ? rePuts : rePuts & ((1 << failed) - 1);
  for (let j = 0; j < d[c + C.NUM]; j++) {
    if ((reached & (1 << j)) === 0) continue;
    if (j === failed) rePutCk(d, ctx, k, so + j, 'readFailed');
    else rePutOverflow(d, ctx, k, so + j);
  }
  if (failed >= 0 && !fix) {
    if ((d[c + C.FLAGS] & CF.INFLIGHT) !== 0) d[c + C.FLAGS] |= CF.INFLIGHT_FAILED;
    return;
  }
  completeInflight(d, ctx);
}

/**
 * The whenComplete callback's walk over inflightReviveRequestMap in PopCheckPoint order (by
 * startOffset; a timestamp startOffset sorts last): when the first entry is done, commit its
 * reviveOffset and remove it. The removal goes through the map, not the iterator, and the map
 * is a TreeMap, whose iterator is fail-fast: its next step throws
 * ConcurrentModificationException whenever another entry follows, so one walk removes at most
 * one entry. This can commit an offset lower than the one mergeAndRevive committed (hazard I-4).
 */
function completeInflight(d: Int32Array, ctx: Ctx): void {
  const L = ctx.L;
  const first = firstInflight(d, ctx);
  if (first < 0) return;
  const fc = L.ck(first);
  if (!inflightDone(d, fc)) return;
  d[fc + C.FLAGS] &= ~CF.INFLIGHT;
  const before = d[G.REVIVE_COMMIT];
  d[G.REVIVE_COMMIT] = d[fc + C.REVIVE_POS];
  if (narrating(ctx)) observe(ctx, { kind: 'reviveCompleteCommit', ck: ckRef(d, L, first), from: before, to: d[fc + C.REVIVE_POS] });
}

/** Why a revive pass cannot run now, or null. */
export function reviveBlocked(d: Int32Array): string | null {
  return (d[G.FLAGS] & GF.SLAVE) !== 0 ? 'the broker is a slave: shouldRunPopRevive is false' : null;
}

/**
 * The pass's endTime before mergeAndRevive: the latest delivery it read (`lastDeliver`, 0 when
 * none), moved to now by the idle rule (3 s without new revive messages, the timer not behind)
 * or when other traffic keeps the revive queue busy. Both the pass and reviveSurelyIdle use it.
 */
function passEndTime(d: Int32Array, ctx: Ctx, lastDeliver: number): number {
  const s = ctx.s;
  const now = d[G.NOW];
  let endTime = lastDeliver;
  if (s.reviveIdleRule && endTime !== 0 && now - endTime > K.reviveIdle && !timerBehind(d, ctx)) endTime = now;
  if (s.reviveQueueBusy) endTime = Math.max(endTime, now);
  return endTime;
}

/** Later than every instant of the model (ms, int32). */
const MAX_TIME = 0x7fffffff;

/**
 * True only when a revive pass in `d` surely changes nothing, without running it: the
 * in-memory offset is not behind the committed one (the pass ends by writing it), and no
 * point the pass could build from the entries it would read is due. A CK read is due at
 * popTime + invisibleTime at the earliest, a mock CK for an orphan ACK at its popTime; the
 * pass's endTime is computed here as the pass computes it (the latest delivery it reads, moved
 * to now by the idle rule or a busy queue). So if even the earliest of the points is not due,
 * the pass stops at its first point, and writes back the offsets it found.
 * A filter the `full` scenario asks before its dry run: false says nothing.
 */
export function reviveSurelyIdle(d: Int32Array, ctx: Ctx): boolean {
  return reviveOutlook(d, ctx) === REVIVE_IDLE;
}

/** reviveOutlook's answers: the pass surely changes nothing; it surely changes the state; either. */
export const REVIVE_IDLE = 0;
export const REVIVE_CHANGES = 1;
export const REVIVE_UNSURE = 2;

/**
 * What a revive pass in `d` surely does, without running it: REVIVE_IDLE as reviveSurelyIdle
 * (no point is due, the offsets already written back: a pass with or without failing retry
 * writes changes nothing but its budget), REVIVE_CHANGES when a pass without failing retry
 * writes surely changes the state, else REVIVE_UNSURE. A pass changes the state when the
 * in-memory offset is behind the committed one (it writes it: only a failing retry write
 * aborts before that), or when the first point in revive-queue order is a due CK and no
 * back-pressure can hold it (synchronous retries): mergeAndRevive then revives it and commits
 * its position, after the committed offset. That first point is the CK entry read first whose
 * key no later CK entry repeats (a repeat replaces the point with a later position); an ACK
 * read before it could make a mock point, so then the answer is REVIVE_UNSURE.
 * The `full` scenario offers a pass that surely changes the state without a dry run.
 */
export function reviveOutlook(d: Int32Array, ctx: Ctx): number {
  if (d[G.REVIVE_MEM] < d[G.REVIVE_COMMIT]) return REVIVE_CHANGES;
  const L = ctx.L;
  const s = ctx.s;
  const now = d[G.NOW];
  const mocks = s.reviveMocksOrphanAck && s.enableSkipLongAwaitingAck;
  let endTime = 0;
  // The least revive time seen (an int32 bound when none: a double here was a deoptimization).
  let earliest = MAX_TIME;
  // The first point, a CK entry's: whether found, its revive time; whether an ACK read before it may be a mock.
  let firstFound = false;
  let firstT = 0;
  let mockBefore = false;
  for (let p = reviveStart(d) + 1, nlog = d[G.NLOG]; p < nlog; p++) {
    const e = L.log(p);
    const k = d[e + E.CK];
    const c = L.ck(k);
    endTime = Math.max(endTime, d[e + E.DELIVER]);
    if (d[e + E.KIND] === KIND.CK) {
      const T = d[c + C.POP_TIME] + d[c + C.INVISIBLE];
      earliest = Math.min(earliest, T);
      if (!firstFound && !ckKeyReadAgain(d, ctx, k, p + 1)) {
        firstFound = true;
        firstT = T;
      }
    } else {
      if (!firstFound && mocks) mockBefore = true;
      if (mocks && now - d[e + E.DELIVER] > s.reviveAckWaitMs) earliest = Math.min(earliest, d[c + C.POP_TIME]);
    }
  }
  endTime = passEndTime(d, ctx, endTime);
  if (endTime - earliest <= K.reviveDueMargin) return REVIVE_IDLE;
  // asyncRevive(ctx), read here: reviveOutlook is past V8's budget for inlining it, and the call cost more than the reads.
  const async = s.reviveAsync && s.asyncBizRead;
  return firstFound && !mockBefore && !async && endTime - firstT > K.reviveDueMargin ? REVIVE_CHANGES : REVIVE_UNSURE;
}

/** Does a CK entry at position `from` or later (up to the queue's end) have CK slot k's revive key? */
function ckKeyReadAgain(d: Int32Array, ctx: Ctx, k: number, from: number): boolean {
  const L = ctx.L;
  const c = L.ck(k);
  const kb = reviveCkBroker(ctx, d[c + C.BROKER]);
  const pt = d[c + C.POP_TIME];
  for (let p = from, nlog = d[G.NLOG]; p < nlog; p++) {
    const e = L.log(p);
    if (d[e + E.KIND] !== KIND.CK) continue;
    const o = L.ck(d[e + E.CK]);
    // reviveKeyEqual's first test, before the key's other parts are computed.
    if (d[o + C.POP_TIME] !== pt) continue;
    if (reviveKeyEqual(d, ctx, d[c + C.QUEUE], d[c + C.START], d[c + C.POP_TIME], kb, d[o + C.QUEUE], d[o + C.START], d[o + C.POP_TIME], reviveCkBroker(ctx, d[o + C.BROKER]))) return true;
  }
  return false;
}
