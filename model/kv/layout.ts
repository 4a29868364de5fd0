/**
 * State layout of the KV (RocksDB) POP service model: one consumer group, one topic, one
 * queue of N messages (offsets 0..N-1). A state is a flat Int32Array: globals, then one word
 * per message, then the deliveries (what each pop handed the client), then the records (one
 * PopConsumerRecord per popped message, wherever it lives: the in-memory cache, the cache's
 * staged set, a pending cache revive, or RocksDB). docs/model.md "The KV (RocksDB) POP
 * service" describes every word with its Java cite.
 */

/** Global words. */
export const KG = {
  /** The broker's clock (ms). */
  NOW: 0,
  /** ConsumerOffsetManager's pull offset of the queue (in memory only, lost at a crash); -1: none. */
  PULL: 1,
  /** The committed consumer offset of the queue. */
  COMMIT: 2,
  /** PopConsumerService.currentTime: the revive scanner's position (ms); SCAN_START after (re)start. */
  SCAN: 3,
  /** Broker crashes so far (the epoch of a delivery). */
  EPOCH: 4,
  /** 1 between a cache cleanup's stage and its flush (the RocksDB write and the offset commit). */
  STAGING: 5,
  NDEL: 6,
  NREC: 7,
  USED_POPS: 8,
  USED_CHANGES: 9,
  USED_CRASHES: 10,
  USED_RETRY_FAILURES: 11,
} as const;
export const KG_WORDS = 12;

/** Message flags (one word per offset). */
export const MF = { ACKED: 1, RETRIED: 2 } as const;

/** Delivery words: one per message handed to the client by a pop. */
export const D = {
  OFF: 0,
  /** The handle the client holds: popTime and invisibleTime (changed by changeInvisibleTime). */
  POP_TIME: 1,
  INV: 2,
  EPOCH: 3,
  FLAGS: 4,
} as const;
export const D_WORDS = 5;
/** HELD: not yet acked by the client. ACKED_IN_TIME: acked while now < popTime + invisibleTime. RETRIED: a record of this delivery was written to the retry topic. */
export const DF = { HELD: 1, ACKED: 2, ACKED_IN_TIME: 4, RETRIED: 8 } as const;

/** Record words: one PopConsumerRecord. */
export const R = {
  /** The delivery it belongs to (its offset is the delivery's). */
  DEL: 0,
  POP_TIME: 1,
  INV: 2,
  /** attemptTimes (back-off rewrites after failed retry writes). */
  ATTEMPTS: 3,
  LOC: 4,
  /** 1 while the record sits in the cache's staged set (removeTreeMap at head), before the flush clears it. */
  STAGED_MAP: 5,
} as const;
export const R_WORDS = 6;
/** Where a record is: the cache's recordTreeMap, staged for the RocksDB write, handed to the cache's asynchronous revive, or in RocksDB. */
export const LOC = { CACHE: 1, STAGED: 2, CACHE_REVIVE: 3, DB: 4, REVIVED_STAGED: 5 } as const;
/** REVIVED_STAGED: the cache's revive of the record has completed, but the record still sits in the staged set until the flush clears it (it only counts for the minimum offset at head). */
export const LOC_NAMES = ['-', 'cache', 'staged', 'cache-revive', 'rocksdb', 'revived-staged'] as const;

/** PopConsumerService's initial currentTime (3 s after the epoch): after a (re)start the scanner starts from the beginning of time. */
export const SCAN_START = -1_000_000_000;

export class KvLayout {
  readonly msgBase = KG_WORDS;
  readonly delBase: number;
  readonly recBase: number;
  readonly words: number;
  constructor(
    readonly messages: number,
    readonly maxDeliveries: number,
    readonly maxRecords: number,
  ) {
    this.delBase = this.msgBase + messages;
    this.recBase = this.delBase + maxDeliveries * D_WORDS;
    this.words = this.recBase + maxRecords * R_WORDS;
  }
  msg(o: number): number {
    return this.msgBase + o;
  }
  del(d: number): number {
    return this.delBase + d * D_WORDS;
  }
  rec(r: number): number {
    return this.recBase + r * R_WORDS;
  }
}
