/**
 * The state is one Int32Array with a fixed layout computed from the scenario's bounds:
 * global words, then one record per queue, per CK slot, per revive-queue position and per
 * timer position. Every field is a small integer or a bit mask over a CK's message
 * indices (bit i = offset startOffset + i), so a state is its own compact encoding.
 */

/** Global words. */
export const G = {
  /** Model clock, ms since the start of the run. */
  NOW: 0,
  FLAGS: 1,
  /** CK slots in use (pops, then later CKs, take slots in creation order). */
  NCK: 2,
  /** Entries in the revive queue (delivered, in order). */
  NLOG: 3,
  /** Entries still in the timer wheel. */
  NTIMER: 4,
  /** PopReviveService.reviveOffset (in memory), -1 = nothing processed. */
  REVIVE_MEM: 5,
  /** Committed consumer offset of CID_RMQ_SYS_REVIVE_GROUP on the revive queue, -1 = none. */
  REVIVE_COMMIT: 6,
  /** The committed revive offset as last persisted (flushConsumerOffsetInterval). */
  REVIVE_PERSIST: 7,
  /** Incremented by every crash and role change: deliveries of different epochs may overlap. */
  EPOCH: 8,
  /** Budget counters, each the number of such events so far. */
  USED_CRASHES: 9,
  USED_ROLE_CHANGES: 10,
  USED_SLOW_SCANS: 11,
  USED_STORE_FAILURES: 12,
  USED_DUP_ACKS: 13,
  USED_CHANGES: 14,
  USED_PRODUCES: 15,
  USED_EXPIRIES: 16,
  USED_GCS: 17,
  USED_POPS: 18,
  USED_RETRY_FAILURES: 19,
  USED_LATE_ACKS: 20,
  /** Acks and changes of invisible time sent with a superseded receipt handle (first uses). */
  USED_STALE_HANDLES: 21,
  USED_READ_FAILURES: 22,
  /** Windows in which the store answered getMessage with null (--unreadable). */
  USED_UNREADABLE: 23,
  SIZE: 24,
} as const;

/** Bits of G.FLAGS. */
export const GF = {
  /** PopBufferMergeService.serving. */
  SERVING: 1,
  /** The broker is a slave: no pops or acks served, buffer cleared, revive off. */
  SLAVE: 2,
  /**
   * DefaultMessageStore.getMessage answers null (its `shutdown` flag is set or its running
   * flags say not readable, as during the start-up after a restart): see --unreadable.
   */
  UNREADABLE: 4,
} as const;

/** Per-queue words (followed by one store time per message slot). */
export const Q = {
  /** Committed consumer offset of the group on this queue. */
  CONSUMER_OFFSET: 0,
  /** The committed consumer offset as last persisted. */
  CONSUMER_PERSIST: 1,
  /** First offset of the queue. */
  MIN: 2,
  /** Next offset to be written (messages are [MIN, MAX)). */
  MAX: 3,
  /** First offset whose message still exists (retention deletes [MIN, LIVE_FROM)). */
  LIVE_FROM: 4,
  /** RocketMQ queueId of this model queue (it takes part in the concatenated merge key). */
  QUEUE_ID: 5,
  /**
   * The consume queue's min offset (getMinOffsetInQueue): retention's correctMinOffset moves
   * it up to LIVE_FROM after the commit log was cleaned. Equal to LIVE_FROM unless the full
   * scenario's cqLag bound splits the two (the MESSAGE_WAS_REMOVING window).
   */
  CQ_MIN: 6,
  /** Store time of message MIN + i is at word STORE_TIME + i. */
  STORE_TIME: 7,
} as const;

/** Per-CK-slot words. */
export const C = {
  /** See ORIGIN; 0 = slot unused. */
  ORIGIN: 0,
  QUEUE: 1,
  START: 2,
  NUM: 3,
  POP_TIME: 4,
  INVISIBLE: 5,
  /** Broker name code of the CK (see BROKER). */
  BROKER: 6,
  FLAGS: 7,
  /** PopCheckPointWrapper.bits: acks merged in memory. */
  BITS: 8,
  /** PopCheckPointWrapper.toStoreBits: buffered acks already written to the revive topic. */
  TO_STORE: 9,
  /** nextBeginOffset: the consumer offset committed once this CK is done. */
  NEXT_BEGIN: 10,
  /** Receipt handles the client still holds (not acked, not changed). */
  HELD: 11,
  /** Offsets whose ack the broker answered SUCCESS (the client saw success). */
  ACKED: 12,
  /** Of those, acks answered at or before the CK's revive time T. */
  ACKED_IN_TIME: 13,
  /** Offsets for which an AckMsg/BatchAckMsg was durably written to the revive topic (by any ack, in time or late). */
  ACK_WRITTEN: 14,
  /** Messages (by index) the revive of this CK wrote to the retry topic. */
  RETRIED: 15,
  /** Messages written to the retry topic more than once. */
  RETRIED_AGAIN: 16,
  /** CK this one was derived from (change of invisible time, re-put), or -1. */
  PARENT: 17,
  /** PopCheckPoint.rePutTimes. */
  REPUT: 18,
  /** G.EPOCH when the CK was created. */
  EPOCH: 19,
  /** Offsets the client moved to a new CK with changeInvisibleTime. */
  CHANGED: 20,
  /** Acks that passed addAk's checks but whose bit is not marked yet (split addAk). */
  PENDING_MARK: 21,
  /** Indices the revive found unacked (what it meant to retry). */
  REVIVE_UNACKED: 22,
  /** Retries dispatched by an asynchronous revive and not completed yet. */
  RETRY_PENDING: 23,
  /** Retry-topic writes of messages outside this CK (the wrong message was read). */
  FOREIGN_RETRIES: 24,
  /** Revive-queue position of the CK entry the revive processed (PopCheckPoint.reviveOffset). */
  REVIVE_POS: 25,
  /** When the CK entered inflightReviveRequestMap. */
  DISPATCHED_AT: 26,
  /**
   * Offsets with one ack that the broker accepted before T (see ackInTime) and that
   * same ack then stored durably: its AckMsg/BatchAckMsg put to the revive topic succeeded
   * (direct or by the buffer's flush), or the wrapper holding it finished fully acked in
   * memory. A late ack or a failed put never sets a bit; ACKED_IN_TIME and ACK_WRITTEN
   * may come from two different acks, this mask from one.
   */
  ACK_STORED_IN_TIME: 27,
  SIZE: 28,
} as const;

/**
 * MOCK: PopBufferMergeService.addCkMock's wrapper, put in the offset FIFO by a pop that found
 * no message (num 0, justOffset, ckStored; never in the buffer map, never stored).
 */
export const ORIGIN = { NONE: 0, POP: 1, CHANGE: 2, REPUT: 3, MOCK: 4 } as const;

/**
 * The startOffset of a CK re-put by mergeAndRevive's back-pressure: RocketMQ passes the
 * in-flight map's timestamp as the offset (hazard I-6); no message has such an offset.
 */
export const TIMESTAMP_OFFSET = 1 << 30;

/** Bits of C.FLAGS. */
export const CF = {
  /** The wrapper is in PopBufferMergeService.buffer. */
  IN_BUFFER: 1,
  /** The wrapper is in its queue's offset FIFO (commitOffsets). */
  IN_OFFSET_QUEUE: 2,
  /** PopCheckPointWrapper.justOffset: the CK was stored at pop (addCkJustOffset). */
  JUST_OFFSET: 4,
  /** PopCheckPointWrapper.ckStored: the CK message is in the revive topic. */
  CK_STORED: 8,
  /** Removed from the buffer fully acked without ever being stored. */
  DONE_IN_MEMORY: 16,
  /** The revive service has processed this CK (retries dispatched). */
  REVIVED: 32,
  /** The revive's asynchronous retries for this CK are in flight (inflightReviveRequestMap). */
  INFLIGHT: 64,
  /** The CK's in-memory wrapper was lost (crash or role change) before it was stored. */
  LOST: 128,
  /**
   * A read of this CK's retries completed exceptionally: the completion callback threw before
   * marking the in-flight entry done, so the entry stays in inflightReviveRequestMap, never done.
   */
  INFLIGHT_FAILED: 256,
  /**
   * This CK is a re-put copy of a CK whose read of an offset past the queue's end answered a
   * status that re-puts: the copy reads the same nothing, so the chain never ends (re-puts-terminate).
   */
  ENDLESS_REPUT: 512,
  /**
   * appendCkAsync with putsCompleteLate: the CK message is written and its put's callback has
   * not run yet (PopCheckPointWrapper.reviveQueueOffset = Long.MAX_VALUE, ckStored false).
   */
  CK_PUT_PENDING: 1024,
  /** appendAckAsync with putsCompleteLate: a buffered AckMsg/BatchAckMsg put's callback has not run yet. */
  ACK_PUT_PENDING: 2048,
} as const;

/** Per revive-topic entry (in the timer or in the revive queue). */
export const E = {
  /** See KIND. */
  KIND: 0,
  /** CK slot whose key fields (queueId, startOffset, popTime) the entry carries. */
  CK: 1,
  /** brokerName written in the message body (see BROKER; 0 = none). */
  BROKER: 2,
  /** Acked message indices (ACK/bAck); 0 for a CK. */
  MASK: 3,
  /** deliverTimeMs as the revive reads it for endTime. */
  DELIVER: 4,
  /** In the timer: its slot (read from slot + timerPrecisionMs on, see slotDueAt) or the delay level's delivery time. */
  SLOT: 5,
  SIZE: 6,
} as const;

export const KIND = { CK: 1, ACK: 2, BACK: 3 } as const;
export type EntryKind = (typeof KIND)[keyof typeof KIND];

/** brokerName codes. 0 is "not set" (null / blank in the message body). */
export const BROKER = { NONE: 0, A: 1, B: 2 } as const;
export const BROKER_NAMES = ['null', 'broker-a', 'broker-b'] as const;
/** The broker that pops (PopCheckPoint.brokerName). */
export const LOCAL_BROKER = BROKER.A;

export interface Bounds {
  readonly queues: number;
  /** Message slots per queue (initial messages plus those a scenario may produce). */
  readonly messagesPerQueue: number;
  readonly ckSlots: number;
  /** Capacity of the revive queue and the timer together, in entries. */
  readonly entries: number;
  /**
   * One more word per CK slot after the entries: the indices the buffer's asynchronous ACK
   * puts wrote whose callback has not marked toStoreBits (see ackPutMask). Only laid out when
   * appendAckAsync puts complete late, so every other state keeps its width.
   */
  readonly ackPutMasks?: boolean;
}

// What the Layout's methods read, as this module's own numbers: within this module the
// exported objects are live bindings (V8 loads each through its cell, checks it for the hole
// and the object's map, then loads the field, at every call of ck() or log()); a
// module-local number is folded into the code (docs/explorer.md, "Counting instructions").
const CK_SIZE: number = C.SIZE;
const ENTRY_SIZE: number = E.SIZE;
const G_NLOG: number = G.NLOG;
/**
 * The record bases `q`, `ck` and `log` return are ANDed with this (the identity: a state has
 * fewer than 2^24 words, which the constructor checks). It tells V8's optimizing compiler that a
 * base is a small non-negative number, so that `d[c + C.FIELD]` adds the field's offset without
 * an overflow check at every read and write of a word (docs/explorer.md, "The model's work per
 * transition, a fifth round").
 */
const WORD_INDEX = (1 << 24) - 1;

export class Layout {
  // Declared, not defined: a defined class field starts as `undefined` (ES2022 class fields), and
  // V8 then keeps the number the constructor writes as a tagged value, so that every read (say
  // `c0` in ck(), on every walk over the CKs) checks and untags it; a field first written with a
  // small integer is stored as one (docs/explorer.md, "`full`'s model work per state, again").
  declare readonly queues: number;
  declare readonly messagesPerQueue: number;
  declare readonly ckSlots: number;
  declare readonly entries: number;
  declare readonly queueStride: number;
  declare readonly q0: number;
  declare readonly c0: number;
  declare readonly log0: number;
  /** First word of the per-CK ACK put masks, or -1 when not laid out. */
  declare readonly ackPut0: number;
  declare readonly words: number;

  constructor(b: Bounds) {
    if (b.queues < 1 || b.ckSlots < 1 || b.entries < 1 || b.messagesPerQueue < 1) {
      throw new RangeError('layout bounds must be positive');
    }
    this.queues = b.queues;
    this.messagesPerQueue = b.messagesPerQueue;
    this.ckSlots = b.ckSlots;
    this.entries = b.entries;
    this.queueStride = Q.STORE_TIME + b.messagesPerQueue;
    this.q0 = G.SIZE;
    this.c0 = this.q0 + b.queues * this.queueStride;
    this.log0 = this.c0 + b.ckSlots * C.SIZE;
    const end = this.log0 + b.entries * E.SIZE;
    this.ackPut0 = b.ackPutMasks ? end : -1;
    this.words = end + (b.ackPutMasks ? b.ckSlots : 0);
    if (this.words > WORD_INDEX) throw new RangeError(`layout bounds too large: ${this.words} words (at most ${WORD_INDEX})`);
  }

  /**
   * Word of CK slot k's ACK put mask (only when laid out): a message-mask of the indices whose
   * AckMsg/BatchAckMsg the buffer wrote with a late-completing asynchronous put and whose
   * callback has not set them in toStoreBits. The scan does not write them again (RocketMQ
   * re-puts identical ACKs every 5 ms until the callback marks them: duplicates the revive
   * matches idempotently, hazard H2.4 of docs/research/issue-10-java.md).
   */
  ackPut(k: number): number {
    return this.ackPut0 + k;
  }

  /** Base word of queue q. */
  q(q: number): number {
    return (this.q0 + q * this.queueStride) & WORD_INDEX;
  }
  /** Base word of CK slot k. */
  ck(k: number): number {
    return (this.c0 + k * CK_SIZE) & WORD_INDEX;
  }
  /** Base word of revive-queue position p. */
  log(p: number): number {
    return (this.log0 + p * ENTRY_SIZE) & WORD_INDEX;
  }
  /**
   * Base word of timer position i. The timer's entries sit right after the revive queue's
   * (one region of `entries` records), sorted by slot, first in first out within a slot: the
   * timer delivering its first entries just moves the boundary.
   */
  timer(d: Int32Array, i: number): number {
    // Not ANDed with WORD_INDEX as the others are: writeRevive, which walks the timer from the
    // base this returns, came out 7 instructions a call dearer with it.
    return this.log0 + (d[G_NLOG] + i) * ENTRY_SIZE;
  }
}

/**
 * What each word of the layout holds, declared once per field (TypeScript requires every
 * field of G, Q, C and E to have an entry). Code that treats fields by kind reads it rather
 * than keeping a list of its own: the symmetry reduction's per-CK masks must be exactly the
 * `message-mask` fields (test/model/layout-roles.test.ts), and the `budget` fields are the
 * explorer's bookkeeping of how many fault events a run has used, not RocketMQ state.
 */
export type FieldRole =
  /** A bit set over a CK's message indices (bit i = offset startOffset + i). */
  | 'message-mask'
  /** Model time in ms (a clock reading or an instant). */
  | 'time'
  /** A duration in ms. */
  | 'duration'
  /** A queue offset, or a position in the revive queue. */
  | 'offset'
  /** A number of things. */
  | 'count'
  /** A small enumeration (ORIGIN, BROKER, KIND, a queueId). */
  | 'code'
  /** Bit flags (GF, CF). */
  | 'flags'
  /** A CK slot index (-1: none). */
  | 'ck-slot'
  /** How many events of a bounded kind the run has used (exploration bookkeeping). */
  | 'budget';

type Fields<T> = { readonly [K in Exclude<keyof T, 'SIZE'>]: FieldRole };

export const GLOBAL_ROLES: Fields<typeof G> = {
  NOW: 'time',
  FLAGS: 'flags',
  NCK: 'count',
  NLOG: 'count',
  NTIMER: 'count',
  REVIVE_MEM: 'offset',
  REVIVE_COMMIT: 'offset',
  REVIVE_PERSIST: 'offset',
  EPOCH: 'count',
  USED_CRASHES: 'budget',
  USED_ROLE_CHANGES: 'budget',
  USED_SLOW_SCANS: 'budget',
  USED_STORE_FAILURES: 'budget',
  USED_DUP_ACKS: 'budget',
  USED_CHANGES: 'budget',
  USED_PRODUCES: 'budget',
  USED_EXPIRIES: 'budget',
  USED_GCS: 'budget',
  USED_POPS: 'budget',
  USED_RETRY_FAILURES: 'budget',
  USED_LATE_ACKS: 'budget',
  USED_STALE_HANDLES: 'budget',
  USED_READ_FAILURES: 'budget',
  USED_UNREADABLE: 'budget',
};

export const QUEUE_ROLES: Fields<typeof Q> = {
  CONSUMER_OFFSET: 'offset',
  CONSUMER_PERSIST: 'offset',
  MIN: 'offset',
  MAX: 'offset',
  LIVE_FROM: 'offset',
  QUEUE_ID: 'code',
  CQ_MIN: 'offset',
  STORE_TIME: 'time',
};

export const CK_ROLES: Fields<typeof C> = {
  ORIGIN: 'code',
  QUEUE: 'code',
  START: 'offset',
  NUM: 'count',
  POP_TIME: 'time',
  INVISIBLE: 'duration',
  BROKER: 'code',
  FLAGS: 'flags',
  BITS: 'message-mask',
  TO_STORE: 'message-mask',
  NEXT_BEGIN: 'offset',
  HELD: 'message-mask',
  ACKED: 'message-mask',
  ACKED_IN_TIME: 'message-mask',
  ACK_WRITTEN: 'message-mask',
  RETRIED: 'message-mask',
  RETRIED_AGAIN: 'message-mask',
  PARENT: 'ck-slot',
  REPUT: 'count',
  EPOCH: 'count',
  CHANGED: 'message-mask',
  PENDING_MARK: 'message-mask',
  REVIVE_UNACKED: 'message-mask',
  RETRY_PENDING: 'message-mask',
  FOREIGN_RETRIES: 'count',
  REVIVE_POS: 'offset',
  DISPATCHED_AT: 'time',
  ACK_STORED_IN_TIME: 'message-mask',
};

export const ENTRY_ROLES: Fields<typeof E> = {
  KIND: 'code',
  CK: 'ck-slot',
  BROKER: 'code',
  MASK: 'message-mask',
  DELIVER: 'time',
  SLOT: 'time',
};

/** The fields of `roles` with role `role`, as word offsets within their record, ascending. */
export function fieldsWithRole<T extends Record<string, number>>(record: T, roles: Fields<T>, role: FieldRole): number[] {
  return (Object.keys(roles) as (keyof typeof roles)[])
    .filter((k) => roles[k] === role)
    .map((k) => record[k as keyof T])
    .sort((a, b) => a - b);
}

/** All message indices of a CK with `num` messages. */
export function fullMask(num: number): number {
  return num >= 32 ? -1 : (1 << num) - 1;
}

export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) | 0;
}
