/**
 * Named invariants, in priority order: when several are violated, the first listed is the
 * headline of the report (user-visible harm first, internal consistency after).
 * `revive-progress` is a bounded liveness property and is checked only when asked for
 * (`--invariant revive-progress`): RocketMQ violates it by default (#3443). `commit-progress`,
 * the consumer offset's counterpart, is checked by default: no release violates it without a
 * known bug (#7031 before 5.1.4, #9105 before 5.3.2).
 */
import type { Invariant, TransitionInvariant } from '../checker/model.js';
import type { Event } from './events.js';
import * as layoutModule from './layout.js';
import { fullMask, type Layout } from './layout.js';
import { LifecycleCheck, lifecycleParts } from './lifecycles.js';
import type { Ctx } from './protocol/context.js';
import { reviveAckBroker, reviveAckMatchesCk } from './protocol/keys.js';
import { isLive } from './protocol/queue.js';
import { reviveStart } from './protocol/revive.js';
import * as storeModule from './protocol/store.js';
import type { State } from './state.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { BROKER, C, CF, E, G, GF, KIND, ORIGIN, Q } = layoutModule;
const { ARRIVED } = storeModule;

export const INVARIANT_NAMES = [
  'acked-never-retried',
  'success-never-retried',
  'no-loss',
  'no-concurrent-redelivery',
  'revive-retries-exactly-unacked',
  'ack-key-agreement',
  'ck-before-acks',
  'offsets-monotonic',
  'lifecycle-legal',
  'revive-progress',
  'commit-progress',
  'acked-delivery-never-retried',
  're-puts-terminate',
] as const;
export type InvariantName = (typeof INVARIANT_NAMES)[number];

/**
 * Invariants checked only when named: `revive-progress` (RocketMQ violates it by default,
 * #3443) and `acked-delivery-never-retried` (a client or proxy that acks with a superseded
 * receipt handle violates it on every release: a misuse the broker cannot detect, not a broker
 * bug; see docs/model.md, "Stale receipt handles").
 */
export const ON_REQUEST_INVARIANTS: readonly InvariantName[] = ['revive-progress', 'acked-delivery-never-retried'];

/** Invariants checked when none is named. */
export const DEFAULT_INVARIANTS: readonly InvariantName[] = INVARIANT_NAMES.filter((n) => !ON_REQUEST_INVARIANTS.includes(n));

/**
 * acked-never-retried: no offset is written to the retry topic by its CK when one ack of it
 * was both accepted by the broker at or before the CK's revive time T and durably stored
 * (C.ACK_STORED_IN_TIME: its AckMsg/BatchAckMsg put succeeded, or its wrapper finished fully
 * acked in memory). An in-time ack whose put failed plus a later ack that was stored is
 * at-least-once delivery, not a violation.
 */
export function ackedNeverRetried(d: Int32Array, ctx: Ctx): boolean {
  for (let k = 0, nck = d[G.NCK]; k < nck; k++) {
    const c = ctx.L.ck(k);
    if ((d[c + C.RETRIED] & d[c + C.ACK_STORED_IN_TIME]) !== 0) return false;
  }
  return true;
}

/**
 * success-never-retried: an offset whose ack the client saw succeed by T is never written to
 * the retry topic by its CK, unless the broker crashed or changed role since the pop.
 */
export function successNeverRetried(d: Int32Array, ctx: Ctx): boolean {
  for (let k = 0, nck = d[G.NCK]; k < nck; k++) {
    const c = ctx.L.ck(k);
    if (d[c + C.EPOCH] !== d[G.EPOCH]) continue;
    if ((d[c + C.RETRIED] & d[c + C.ACKED_IN_TIME]) !== 0) return false;
  }
  return true;
}

/** Is the entry at word `e` a CK, or an ACK/bAck carrying its CK's revive key? */
export function ackEntryMatchesItsCk(d: Int32Array, ctx: Ctx, e: number): boolean {
  return d[e + E.KIND] === KIND.CK || reviveAckMatchesCk(d, ctx, d[e + E.CK], d[e + E.BROKER], d[e + E.CK]);
}

/**
 * ack-key-agreement: every ACK/bAck in the timer or the revive queue carries its CK's revive
 * merge key (ackEntryMatchesItsCk). An entry names its CK by slot, so the queueId, startOffset
 * and popTime of its key are that CK's: only the brokerName parts can differ, and only when the
 * key has one. This evaluates that difference alone (test/model/per-step-work.test.ts checks
 * it against ackEntryMatchesItsCk on every entry).
 */
export function ackKeyAgreement(d: Int32Array, ctx: Ctx): boolean {
  if (!ctx.s.reviveKeyHasBrokerName) return true;
  const L = ctx.L;
  // reviveAckBroker(ctx, bn) with the key's brokerName part: bn itself, but for a blank one
  // (the fallback's answer, read once here rather than at every entry).
  const blank = reviveAckBroker(ctx, BROKER.NONE);
  // The revive queue's entries, then the timer's: one region of records (Layout.timer).
  const end = L.log(d[G.NLOG] + d[G.NTIMER]);
  for (let e = L.log0; e < end; e += E.SIZE) {
    if (d[e + E.KIND] === KIND.CK) continue;
    const bn = d[e + E.BROKER];
    if ((bn === BROKER.NONE ? blank : bn) !== d[L.ck(d[e + E.CK]) + C.BROKER]) return false;
  }
  return true;
}

/**
 * no-loss (checked when nothing is left to happen): every popped offset was acked by the
 * client or written to the retry topic, by its CK or by a newer CK it was handed to (change
 * of invisible time, rePutCK) — unless its message is gone
 * (retention), or the committed consumer offset has not passed it (the queue still holds
 * it for the next pop).
 */
export function noLoss(d: Int32Array, ctx: Ctx): boolean {
  return lostOffsets(d, ctx, 1).length === 0;
}

/**
 * The offsets no-loss finds lost, each once as [queue, offset] in the order of the CKs that
 * hold them (an offset held by several CKs, as after rePutCK, is named once); at most `limit`.
 */
export function lostOffsets(d: Int32Array, ctx: Ctx, limit = Infinity): [number, number][] {
  const L = ctx.L;
  const lost: [number, number][] = [];
  for (let k = 0, nck = d[G.NCK]; k < nck && lost.length < limit; k++) {
    const c = L.ck(k);
    const q = d[c + C.QUEUE];
    const committed = d[L.q(q) + Q.CONSUMER_OFFSET];
    const so = d[c + C.START];
    for (let i = 0, num = d[c + C.NUM]; i < num && lost.length < limit; i++) {
      const off = so + i;
      if (off >= committed || !isLive(d, ctx, q, off)) continue;
      if (offsetAccounted(d, ctx, q, off) || lost.some(([lq, lo]) => lq === q && lo === off)) continue;
      lost.push([q, off]);
    }
  }
  return lost;
}

function offsetAccounted(d: Int32Array, ctx: Ctx, q: number, off: number): boolean {
  for (let k = 0, nck = d[G.NCK]; k < nck; k++) {
    const c = ctx.L.ck(k);
    if (d[c + C.QUEUE] !== q) continue;
    const i = off - d[c + C.START];
    if (i < 0 || i >= d[c + C.NUM]) continue;
    if ((d[c + C.ACKED] | d[c + C.RETRIED]) & (1 << i)) return true;
  }
  return false;
}

/**
 * ck-before-acks: every ACK/bAck that reached the revive queue through the timer comes after
 * the CK it acks (when that CK is stored at all). An ACK written after its deliverTimeMs T
 * (a late ack) goes straight to the queue and is outside the protocol's ordering promise.
 */
export function ckBeforeAcks(d: Int32Array, ctx: Ctx): boolean {
  const L = ctx.L;
  // One pass in queue order; a CK entry of slot k marks ckSeenAt[k] with this pass's number.
  const pass = nextCkSeenPass(L.ckSlots);
  for (let p = 0, nlog = d[G.NLOG]; p < nlog; p++) {
    const e = L.log(p);
    const k = d[e + E.CK];
    if (d[e + E.KIND] === KIND.CK) {
      ckSeenAt[k] = pass;
      continue;
    }
    if (d[e + E.SLOT] === ARRIVED.DIRECT) continue;
    // The CK entry was read before this ACK (nearly always): the ACK's CK record is not read.
    if (ckSeenAt[k] === pass) continue;
    if ((d[L.ck(k) + C.FLAGS] & CF.CK_STORED) !== 0) return false;
  }
  return true;
}

/** ckBeforeAcks's marks: ckSeenAt[k] is the number of the last pass that read a CK entry of slot k. */
let ckSeenAt = new Int32Array(64);
let ckSeenPass = 0;
/** A new pass number (marks of earlier passes do not equal it). */
function nextCkSeenPass(slots: number): number {
  if (ckSeenAt.length < slots || ckSeenPass === 0x7fffffff) {
    ckSeenAt = new Int32Array(Math.max(slots, ckSeenAt.length));
    ckSeenPass = 0;
  }
  return ++ckSeenPass;
}

/**
 * True when the CK message of slot k sits in the revive queue after the offset the next pass
 * starts from: that pass reads it again and revives it anew. This is how a crash leaves a CK
 * whose asynchronous retries were in flight: the retries die with the process, and the revive
 * offset goes back to the persisted one, before the CK, so the restarted broker retries the
 * offsets again (PopReviveService.start reads the persisted offset; mergeAndRevive from it).
 */
function readAgain(d: Int32Array, ctx: Ctx, k: number): boolean {
  for (let x = Math.max(0, reviveStart(d) + 1), nlog = d[G.NLOG]; x < nlog; x++) {
    const e = ctx.L.log(x);
    if (d[e + E.KIND] === KIND.CK && d[e + E.CK] === k) return true;
  }
  return false;
}

/**
 * revive-retries-exactly-unacked: the revive writes to the retry topic only the messages
 * of the offsets it found unacked, and writes every one of them unless the message is gone,
 * its retry is still in flight, it was re-put in a new CK, or the next pass reads the CK
 * again (a crash dropped its retries in flight and sent the revive offset back before it:
 * whether that pass comes, or the persisted offset had already passed the CK, is no-loss's
 * concern, I-7).
 */
export function reviveRetriesExactlyUnacked(d: Int32Array, ctx: Ctx): boolean {
  for (let k = 0, nck = d[G.NCK]; k < nck; k++) {
    const c = ctx.L.ck(k);
    const intended = d[c + C.REVIVE_UNACKED];
    if (d[c + C.FOREIGN_RETRIES] !== 0 || (d[c + C.RETRIED] & ~intended) !== 0) return false;
    // Nothing intended (most CKs), nothing missing: the masks below are not read.
    if (intended === 0) continue;
    const missing = intended & ~d[c + C.RETRIED] & ~d[c + C.RETRY_PENDING] & ~d[c + C.CHANGED];
    if (missing === 0 || readAgain(d, ctx, k)) continue;
    for (let i = 0, num = d[c + C.NUM]; i < num; i++) {
      if ((missing & (1 << i)) !== 0 && isLive(d, ctx, d[c + C.QUEUE], d[c + C.START] + i)) return false;
    }
  }
  return true;
}

/** revive-progress (final): when nothing is left to happen, the committed revive offset is at the tail. */
export function reviveProgress(d: Int32Array): boolean {
  return d[G.NLOG] === 0 || d[G.REVIVE_COMMIT] >= d[G.NLOG] - 1;
}

/**
 * commit-progress (final): when nothing is left to happen and the broker is the master, no
 * queue's offset FIFO (PopBufferMergeService.commitOffsets) still holds a wrapper, and each
 * queue's committed consumer offset has reached the nextBeginOffset of every CK popped in the
 * current epoch whose messages are all acked, retried or moved to a new CK. A wrapper left in
 * the FIFO is never committed: scanCommitOffset stops at it, so the consumer offset of its queue
 * stays behind it (and behind every later pop of the queue) for good.
 */
export function commitProgress(d: Int32Array, ctx: Ctx): boolean {
  if ((d[G.FLAGS] & GF.SLAVE) !== 0) return true;
  const L = ctx.L;
  for (let k = 0, nck = d[G.NCK]; k < nck; k++) {
    const c = L.ck(k);
    if ((d[c + C.FLAGS] & CF.IN_OFFSET_QUEUE) !== 0) return false;
    if (d[c + C.ORIGIN] !== ORIGIN.POP || d[c + C.EPOCH] !== d[G.EPOCH]) continue;
    const full = fullMask(d[c + C.NUM]);
    if (((d[c + C.ACKED] | d[c + C.RETRIED] | d[c + C.CHANGED]) & full) !== full) continue;
    if (d[L.q(d[c + C.QUEUE]) + Q.CONSUMER_OFFSET] < d[c + C.NEXT_BEGIN]) return false;
  }
  return true;
}

/**
 * re-puts-terminate: no rePutCK chain is endless. A chain of re-put CKs ends unless a re-put
 * CK's own read asks for another re-put although nothing failed: then the copy it writes has
 * the same offset, popTime and brokerName as the CK it copies, reads the same nothing on the
 * next pass, and so on for ever. The model writes that first copy (flagged ENDLESS_REPUT) and
 * no further one, so the bounded check is: no CK is such a copy. Re-puts caused by a failure
 * (a failed retry write or read) or by the back-pressure's timeout are not copies of this kind.
 */
export function rePutsTerminate(d: Int32Array, ctx: Ctx): boolean {
  for (let k = 0, nck = d[G.NCK]; k < nck; k++) if ((d[ctx.L.ck(k) + C.FLAGS] & CF.ENDLESS_REPUT) !== 0) return false;
  return true;
}

/** Offsets of CK k a client still holds in a live delivery (not acked or changed, CK not revived). */
function liveHeld(d: Int32Array, c: number): number {
  if ((d[c + C.FLAGS] & CF.REVIVED) !== 0) return 0;
  return d[c + C.HELD] | d[c + C.PENDING_MARK];
}

/**
 * no-concurrent-redelivery (per pop step): a pop never returns an offset the client still
 * holds live from a delivery popped in the same epoch. A delivery's epoch is its pop's
 * (`deliveryRoot`): a change of invisible time after a crash or role change extends a
 * delivery the restart already gave up — the pop offset went back to the persisted consumer
 * offset and the pop reads from there whatever handles are out — so its CK, though written
 * in the new epoch, does not make the re-pop concurrent.
 */
export function noConcurrentRedelivery(before: Int32Array, e: Event, after: Int32Array, ctx: Ctx): boolean {
  if (e.type !== 'pop' || after[G.NCK] === before[G.NCK]) return true;
  const L = ctx.L;
  const k = after[G.NCK] - 1;
  const c = L.ck(k);
  if (after[c + C.ORIGIN] !== ORIGIN.POP) return true;
  const q = after[c + C.QUEUE];
  const so = after[c + C.START];
  for (let o = 0; o < k; o++) {
    const oc = L.ck(o);
    if (before[oc + C.QUEUE] !== q || before[L.ck(deliveryRoot(before, ctx, o)) + C.EPOCH] !== before[G.EPOCH]) continue;
    const live = liveHeld(before, oc);
    for (let i = 0, num = before[oc + C.NUM]; i < num; i++) {
      const off = before[oc + C.START] + i;
      if ((live & (1 << i)) !== 0 && off >= so && off < so + after[c + C.NUM]) return false;
    }
  }
  return true;
}

/**
 * The CK a delivery started with: CK k's origin, following changeInvisibleTime and rePutCK
 * back to the popped CK. All CKs with the same root hold handles (or retries) of one delivery.
 */
export function deliveryRoot(d: Int32Array, ctx: Ctx, k: number): number {
  for (;;) {
    const c = ctx.L.ck(k);
    const o = d[c + C.ORIGIN];
    if ((o !== ORIGIN.CHANGE && o !== ORIGIN.REPUT) || d[c + C.PARENT] < 0) return k;
    k = d[c + C.PARENT];
  }
}

/** Did the client see SUCCESS before T for an ack of queue q's `off` with a handle of a CK whose delivery root is `root`? */
function deliveryAckedInTime(d: Int32Array, ctx: Ctx, root: number, q: number, off: number): boolean {
  for (let m = root, nck = d[G.NCK]; m < nck; m++) {
    const c = ctx.L.ck(m);
    const i = off - d[c + C.START];
    if (d[c + C.QUEUE] !== q || i < 0 || i >= d[c + C.NUM] || (d[c + C.ACKED_IN_TIME] & (1 << i)) === 0) continue;
    if (deliveryRoot(d, ctx, m) === root) return true;
  }
  return false;
}

/**
 * acked-delivery-never-retried (per step, checked on request): once the client saw SUCCESS,
 * before that handle's T, for an ack of a message with any receipt handle of one delivery (the
 * pop's, or one a changeInvisibleTime derived from it, current or superseded), no CK of that
 * delivery writes the message to the retry topic in a later step, unless that CK was written
 * before a crash or role change. The handle-level invariants (acked-never-retried,
 * success-never-retried) judge an ack against the CK its handle names; this one judges it
 * against the message, as a client that does not track which handle is current sees it.
 */
export function ackedDeliveryNeverRetried(before: Int32Array, _e: Event, after: Int32Array, ctx: Ctx): boolean {
  const L = ctx.L;
  for (let k = 0, nck = after[G.NCK]; k < nck; k++) {
    const c = L.ck(k);
    const fresh = k < before[G.NCK] ? after[c + C.RETRIED] & ~before[c + C.RETRIED] : after[c + C.RETRIED];
    if (fresh === 0 || after[c + C.EPOCH] !== after[G.EPOCH]) continue;
    const root = deliveryRoot(after, ctx, k);
    for (let i = 0, num = after[c + C.NUM]; i < num; i++) {
      if ((fresh & (1 << i)) !== 0 && deliveryAckedInTime(before, ctx, root, after[c + C.QUEUE], after[c + C.START] + i)) return false;
    }
  }
  return true;
}

/**
 * offsets-monotonic (per step): committed consumer offsets and the committed revive offset
 * never move back, except when a crash or a return to master restores persisted values;
 * persisted values never move back.
 */
export function offsetsMonotonic(before: Int32Array, e: Event, after: Int32Array, ctx: Ctx): boolean {
  const restores = e.type === 'crash' || (e.type === 'roleChange' && e.role === 'master');
  if (after[G.REVIVE_PERSIST] < before[G.REVIVE_PERSIST]) return false;
  if (!restores && after[G.REVIVE_COMMIT] < before[G.REVIVE_COMMIT]) return false;
  for (let q = 0; q < ctx.L.queues; q++) {
    const b = ctx.L.q(q);
    if (after[b + Q.CONSUMER_PERSIST] < before[b + Q.CONSUMER_PERSIST]) return false;
    if (!restores && after[b + Q.CONSUMER_OFFSET] < before[b + Q.CONSUMER_OFFSET]) return false;
  }
  return true;
}

const DESCRIPTIONS: Readonly<Record<InvariantName, string>> = {
  'acked-never-retried': 'an offset with an ack the broker accepted by the CK revive time T and stored (that same ack) never enters the retry topic',
  'success-never-retried': 'an offset whose ack the client saw succeed by T never enters the retry topic (unless the broker crashed or changed role since the pop)',
  'no-loss': 'when nothing is left to happen, every popped offset is acked or in the retry topic',
  'no-concurrent-redelivery': 'a pop never returns an offset that an earlier pop delivered and the client still holds',
  'revive-retries-exactly-unacked': 'the revive writes to the retry topic exactly the messages of the offsets it found unacked',
  'ack-key-agreement': "every ACK written for a CK carries that CK's merge key as the revive computes it",
  'ck-before-acks': 'every ACK reaches the revive queue after the CK it acks',
  'offsets-monotonic': 'committed consumer and revive offsets never move backwards (persisted ones never at all)',
  'lifecycle-legal': 'every step moves each message and CK along its lifecycle table',
  'revive-progress': 'when nothing is left to happen, the committed revive offset has reached the end of the revive queue',
  'acked-delivery-never-retried':
    'once the client saw an ack of a message succeed before that handle\'s T, with any receipt handle of its delivery (current or superseded by changeInvisibleTime), no CK of that delivery retries it afterwards (unless written before a crash or role change)',
  'commit-progress':
    "when nothing is left to happen on the master, every queue's offset FIFO has drained and its committed consumer offset has reached the nextBeginOffset of every CK of this epoch whose messages are all acked or retried",
  're-puts-terminate': 'every rePutCK chain ends: no re-put CK is re-put again, without a failure, as a copy that will read the same nothing on every pass',
};

export function invariantDescription(name: InvariantName): string {
  return DESCRIPTIONS[name];
}

/**
 * What each `always` invariant reads, by part of the layout: global words, fields of every
 * queue record (and `storeTimes`: the queue's store-time words), fields of every CK slot and
 * fields of every revive-topic entry (revive queue and timer). A superset of every word its
 * function reads on any state (test/model/invariant-reads.test.ts records the reads): the
 * explorer evaluates an invariant on a new state only when the step changed one of them, and
 * otherwise keeps the parent's verdict (checker/invariant-sets.ts, checkAlwaysAfter).
 */
export interface InvariantReads {
  readonly g?: readonly number[];
  readonly q?: readonly number[];
  readonly storeTimes?: boolean;
  readonly ck?: readonly number[];
  readonly entry?: readonly number[];
  /** The per-CK ACK put masks (Layout.ackPut). */
  readonly ackPut?: boolean;
}

export const ALWAYS_READS: Readonly<Partial<Record<InvariantName, InvariantReads>>> = {
  'acked-never-retried': { g: [G.NCK], ck: [C.RETRIED, C.ACK_STORED_IN_TIME] },
  'success-never-retried': { g: [G.NCK, G.EPOCH], ck: [C.EPOCH, C.RETRIED, C.ACKED_IN_TIME] },
  'revive-retries-exactly-unacked': {
    // readAgain: reviveStart and the revive queue's CK entries; isLive: the queue's live range.
    g: [G.NCK, G.NLOG, G.REVIVE_MEM, G.REVIVE_COMMIT],
    q: [Q.LIVE_FROM, Q.MAX],
    ck: [C.REVIVE_UNACKED, C.FOREIGN_RETRIES, C.RETRIED, C.RETRY_PENDING, C.CHANGED, C.NUM, C.QUEUE, C.START],
    entry: [E.KIND, E.CK],
  },
  'ack-key-agreement': { g: [G.NLOG, G.NTIMER], ck: [C.BROKER], entry: [E.KIND, E.CK, E.BROKER] },
  'ck-before-acks': { g: [G.NLOG], ck: [C.FLAGS], entry: [E.KIND, E.CK, E.SLOT] },
  're-puts-terminate': { g: [G.NCK], ck: [C.FLAGS] },
};

/**
 * What each transition invariant watches (TransitionInvariant.watches), by part of the layout as
 * in ALWAYS_READS: words such that a step that changes none of them satisfies the invariant,
 * whatever the event. The explorer evaluates a transition invariant only on the edges whose step
 * changed one of its words (checker/invariant-sets.ts, checkTransitionTouched); why each
 * declaration is enough:
 * - no-concurrent-redelivery holds unless the step is a pop that changed G.NCK;
 * - offsets-monotonic fails only when one of the words it compares (the committed and persisted
 *   revive offsets, each queue's committed and persisted consumer offsets) is lower after the
 *   step than before: with all of them equal, it holds;
 * - acked-delivery-never-retried looks at the offsets a step newly retried: with G.NCK unchanged
 *   every CK it loops over was there before, and with each C.RETRIED unchanged none is fresh;
 * - lifecycle-legal (checkMoves, and lifecycle.wat line for line) projects each message from its
 *   CK's flags and bit i of the masks messageCode reads, and each CK from its flags, its origin
 *   and where its CK entry is (ckEntryWhereOf: G.NLOG, G.NTIMER and the entries' kind and slot);
 *   with all of those and G.NCK equal, every projection is the same before and after: no move,
 *   and "no move" is legal for every event.
 * test/model/transition-watches.test.ts checks that each invariant holds and reads only its
 * watched words when they are equal, and that the skipping evaluation gives the full mask on
 * every edge of many spaces and on random edits.
 */
export const TRANSITION_WATCHES: Readonly<Partial<Record<InvariantName, InvariantReads>>> = {
  'no-concurrent-redelivery': { g: [G.NCK] },
  'offsets-monotonic': { g: [G.REVIVE_PERSIST, G.REVIVE_COMMIT], q: [Q.CONSUMER_PERSIST, Q.CONSUMER_OFFSET] },
  'acked-delivery-never-retried': { g: [G.NCK], ck: [C.RETRIED] },
  'lifecycle-legal': {
    g: [G.NCK, G.NLOG, G.NTIMER],
    ck: [C.FLAGS, C.ORIGIN, C.RETRIED, C.RETRY_PENDING, C.CHANGED, C.REVIVE_UNACKED, C.ACKED, C.ACK_WRITTEN, C.BITS],
    entry: [E.KIND, E.CK],
  },
};

/** The state words a declaration names, under layout L, in increasing order. */
export function readWords(r: InvariantReads, L: Layout): number[] {
  const out: number[] = [...(r.g ?? [])];
  for (let q = 0; q < L.queues; q++) {
    for (const f of r.q ?? []) out.push(L.q(q) + f);
    if (r.storeTimes) for (let i = 0; i < L.messagesPerQueue; i++) out.push(L.q(q) + Q.STORE_TIME + i);
  }
  for (let k = 0; k < L.ckSlots; k++) for (const f of r.ck ?? []) out.push(L.ck(k) + f);
  for (let p = 0; p < L.entries; p++) for (const f of r.entry ?? []) out.push(L.log(p) + f);
  if (r.ackPut && L.ackPut0 >= 0) for (let k = 0; k < L.ckSlots; k++) out.push(L.ackPut(k));
  return out.sort((a, b) => a - b);
}

/**
 * The invariants, in INVARIANT_NAMES' order. `lifecycle-legal` asks `lifecycle` (a PopModel passes its
 * own, to which the explorer may give the memory it holds states in: PopModel.useMemory).
 */
export function makeInvariants(ctx: Ctx, lifecycle: LifecycleCheck = new LifecycleCheck(ctx.L)): Invariant<State, Event>[] {
  // Each invariant's `holds` is an arrow of its own, written where the list below names it
  // (`(s) => ackedNeverRetried(s, ctx)`), not one arrow shared by all (`(s) => f(s, ctx)`): V8
  // keeps one feedback vector per arrow in the source, so in a shared arrow the call of `f` saw
  // every invariant's function and went through the generic call builtin, where an arrow of
  // its own calls one function, which the optimizing compiler inlines (docs/explorer.md,
  // "Settings and `always` invariants V8 can inline").
  const always = (name: InvariantName, holds: (s: State) => boolean): Invariant<State, Event> => {
    const r = ALWAYS_READS[name];
    return {
      name,
      kind: 'always',
      description: DESCRIPTIONS[name],
      holds,
      ...(r ? { reads: readWords(r, ctx.L) } : {}),
    };
  };
  const final = (name: InvariantName, holds: (s: State) => boolean): Invariant<State, Event> => ({
    name,
    kind: 'final',
    description: DESCRIPTIONS[name],
    holds,
  });
  const transition = (
    name: InvariantName,
    holds: (b: State, e: Event, a: State, parts?: number) => boolean,
    parts?: Pick<TransitionInvariant<State, Event>, 'parts'>,
  ): Invariant<State, Event> => {
    const w = TRANSITION_WATCHES[name];
    return {
      name,
      kind: 'transition',
      description: DESCRIPTIONS[name],
      holds,
      ...(w ? { watches: readWords(w, ctx.L) } : {}),
      ...parts,
    };
  };
  return [
    always('acked-never-retried', (s) => ackedNeverRetried(s, ctx)),
    always('success-never-retried', (s) => successNeverRetried(s, ctx)),
    final('no-loss', (s) => noLoss(s, ctx)),
    transition('no-concurrent-redelivery', (b, e, a) => noConcurrentRedelivery(b, e, a, ctx)),
    always('revive-retries-exactly-unacked', (s) => reviveRetriesExactlyUnacked(s, ctx)),
    always('ack-key-agreement', (s) => ackKeyAgreement(s, ctx)),
    always('ck-before-acks', (s) => ckBeforeAcks(s, ctx)),
    transition('offsets-monotonic', (b, e, a) => offsetsMonotonic(b, e, a, ctx)),
    // Its own `holds` (no wrapper calling it): it runs on nearly every edge. The explorer tells
    // it which CK records and whether the CK entries changed (lifecycleParts).
    transition('lifecycle-legal', (b, e, a, parts) => lifecycle.legal(b, a, e.type, parts), { parts: lifecycleParts(ctx.L) }),
    final('revive-progress', (s) => reviveProgress(s)),
    final('commit-progress', (s) => commitProgress(s, ctx)),
    transition('acked-delivery-never-retried', (b, e, a) => ackedDeliveryNeverRetried(b, e, a, ctx)),
    always('re-puts-terminate', (s) => rePutsTerminate(s, ctx)),
  ];
}


