/**
 * The state is one Int32Array with a fixed layout computed from the scenario's bounds:
 * global words, then one record per queue, per CK slot, per revive-log position and per
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
  /** Revive scans that committed progress (for bounded runs). */
  REVIVE_SCANS: 7,
  SIZE: 8,
} as const;

/** Bits of G.FLAGS. */
export const GF = {
  /** PopBufferMergeService.serving. */
  SERVING: 1,
} as const;

/** Per-queue words. */
export const Q = {
  /** Committed consumer offset of the group on this queue. */
  CONSUMER_OFFSET: 0,
  /** First offset of the queue. */
  MIN: 1,
  /** Next offset to be written (messages are [MIN, MAX)). */
  MAX: 2,
  SIZE: 3,
} as const;

/** Per-CK-slot words. */
export const C = {
  /** 0 = slot unused, 1 = CK from a pop. */
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
  /** Receipt handles the client still holds (not acked yet). */
  HELD: 11,
  /** Offsets whose ack the broker accepted (client saw SUCCESS). */
  ACKED: 12,
  /** Of those, acks accepted at or before the CK's revive time T. */
  ACKED_IN_TIME: 13,
  /** Offsets for which an AckMsg/BatchAckMsg was written to the revive topic. */
  ACK_WRITTEN: 14,
  /** Offsets written to the retry topic by the revive of this CK. */
  RETRIED: 15,
  /** Offsets written to the retry topic more than once. */
  RETRIED_AGAIN: 16,
  SIZE: 17,
} as const;

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
} as const;

/** Per revive-topic entry (in the timer or in the revive queue). */
export const E = {
  /** 1 = CK, 2 = ACK (one or more AckMsg written together), 3 = bAck (BatchAckMsg). */
  KIND: 0,
  /** CK slot whose key fields (queueId, startOffset, popTime) the entry carries. */
  CK: 1,
  /** brokerName written in the message body (see BROKER; 0 = none). */
  BROKER: 2,
  /** Acked message indices (ACK/bAck); 0 for a CK. */
  MASK: 3,
  /** deliverTimeMs property (CK: T - 1000, ACK: T). */
  DELIVER: 4,
  /** Timer slot the entry waits for (the revive queue receives it at that time). */
  SLOT: 5,
  SIZE: 6,
} as const;

export const KIND = { CK: 1, ACK: 2, BACK: 3 } as const;
export type EntryKind = (typeof KIND)[keyof typeof KIND];

/** brokerName codes. 0 is "not set" (null / blank in the message body). */
export const BROKER = { NONE: 0, A: 1, B: 2 } as const;
export const BROKER_NAMES = ['null', 'broker-a', 'broker-b'] as const;
export const LOCAL_BROKER = BROKER.A;

export interface Bounds {
  readonly queues: number;
  readonly ckSlots: number;
  /** Capacity of the revive queue and of the timer, in entries. */
  readonly entries: number;
}

export class Layout {
  readonly queues: number;
  readonly ckSlots: number;
  readonly entries: number;
  readonly q0: number;
  readonly c0: number;
  readonly log0: number;
  readonly timer0: number;
  readonly words: number;

  constructor(b: Bounds) {
    if (b.queues < 1 || b.ckSlots < 1 || b.entries < 1) throw new RangeError('layout bounds must be positive');
    this.queues = b.queues;
    this.ckSlots = b.ckSlots;
    this.entries = b.entries;
    this.q0 = G.SIZE;
    this.c0 = this.q0 + b.queues * Q.SIZE;
    this.log0 = this.c0 + b.ckSlots * C.SIZE;
    this.timer0 = this.log0 + b.entries * E.SIZE;
    this.words = this.timer0 + b.entries * E.SIZE;
  }

  /** Base word of queue q. */
  q(q: number): number {
    return this.q0 + q * Q.SIZE;
  }
  /** Base word of CK slot k. */
  ck(k: number): number {
    return this.c0 + k * C.SIZE;
  }
  /** Base word of revive-queue position p. */
  log(p: number): number {
    return this.log0 + p * E.SIZE;
  }
  /** Base word of timer position i (the timer is kept sorted by slot, FIFO within a slot). */
  timer(i: number): number {
    return this.timer0 + i * E.SIZE;
  }
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
