/**
 * The model state: an immutable Int32Array in the layout of layout.ts. Steps never write
 * to a state; they copy it and change the copy. `toRecord` gives the same state as a
 * plain readonly record in RocketMQ's vocabulary (for JSON output and teaching).
 */
// The records' zod schemas are in state-schema.ts (the report's schema uses them): the model
// and the explorer do not load zod. The types are the schemas', through type-only imports.
import type { z } from 'zod';
import type { CkRecordSchema, EntryRecordSchema, StateRecordSchema } from './state-schema.js';
import * as layoutModule from './layout.js';
import type { Layout } from './layout.js';
import { offsetsOf } from './format.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { BROKER_NAMES, C, CF, E, G, GF, KIND, ORIGIN, Q } = layoutModule;

declare const stateBrand: unique symbol;
/** A model state. Treat as immutable: every step returns a new one. */
export type State = Int32Array & { readonly [stateBrand]: true };

export function asState(words: Int32Array): State {
  return words as State;
}

export interface QueueSetup {
  /** First offset of the queue. */
  readonly minOffset: number;
  /** Number of messages in the queue at the start. */
  readonly messages: number;
  /** RocketMQ queueId (defaults to the model index). */
  readonly queueId?: number;
}

/** Store time of the messages present at the start (before model time 0). */
export const INITIAL_STORE_TIME = -1_000_000;

/** The initial state: queues filled, consumer offsets at the first message, buffer serving. */
export function initialState(L: Layout, queues: readonly QueueSetup[]): State {
  if (queues.length !== L.queues) throw new RangeError(`expected ${L.queues} queue setups, got ${queues.length}`);
  const d = new Int32Array(L.words);
  d[G.FLAGS] = GF.SERVING;
  d[G.REVIVE_MEM] = -1;
  d[G.REVIVE_COMMIT] = -1;
  d[G.REVIVE_PERSIST] = -1;
  queues.forEach((qs, q) => {
    if (qs.messages > L.messagesPerQueue) throw new RangeError(`queue ${q}: ${qs.messages} messages exceed the bound ${L.messagesPerQueue}`);
    const b = L.q(q);
    d[b + Q.MIN] = qs.minOffset;
    d[b + Q.MAX] = qs.minOffset + qs.messages;
    d[b + Q.LIVE_FROM] = qs.minOffset;
    d[b + Q.CQ_MIN] = qs.minOffset;
    d[b + Q.CONSUMER_OFFSET] = qs.minOffset;
    d[b + Q.CONSUMER_PERSIST] = qs.minOffset;
    d[b + Q.QUEUE_ID] = qs.queueId ?? q;
    for (let i = 0; i < qs.messages; i++) d[b + Q.STORE_TIME + i] = INITIAL_STORE_TIME;
  });
  return asState(d);
}

export type EntryRecord = z.infer<typeof EntryRecordSchema>;
export type CkRecord = z.infer<typeof CkRecordSchema>;
export type StateRecord = z.infer<typeof StateRecordSchema>;

const ORIGIN_NAMES: Readonly<Record<number, CkRecord['origin']>> = {
  [ORIGIN.POP]: 'pop',
  [ORIGIN.CHANGE]: 'changeInvisible',
  [ORIGIN.REPUT]: 'rePut',
  [ORIGIN.MOCK]: 'mock',
};

const TAGS = { [KIND.CK]: 'ck', [KIND.ACK]: 'ack', [KIND.BACK]: 'bAck' } as const;

function entry(d: Int32Array, L: Layout, e: number, withSlot: boolean): EntryRecord {
  const c = L.ck(d[e + E.CK]);
  const so = d[c + C.START];
  const bn = d[e + E.BROKER];
  return {
    tag: TAGS[d[e + E.KIND] as 1 | 2 | 3],
    queueId: d[c + C.QUEUE],
    startOffset: so,
    popTime: d[c + C.POP_TIME],
    brokerName: bn === 0 ? null : BROKER_NAMES[bn],
    offsets: offsetsOf(so, d[e + E.MASK]),
    deliverTimeMs: d[e + E.DELIVER],
    ...(withSlot ? { slot: d[e + E.SLOT] } : {}),
  };
}

export function toRecord(d: Int32Array, L: Layout): StateRecord {
  const queues = [];
  for (let q = 0; q < L.queues; q++) {
    const b = L.q(q);
    queues.push({
      queueId: d[b + Q.QUEUE_ID],
      minOffset: d[b + Q.MIN],
      maxOffset: d[b + Q.MAX],
      firstStoredOffset: d[b + Q.LIVE_FROM],
      cqMinOffset: d[b + Q.CQ_MIN],
      consumerOffset: d[b + Q.CONSUMER_OFFSET],
      consumerOffsetPersisted: d[b + Q.CONSUMER_PERSIST],
    });
  }
  const cks: CkRecord[] = [];
  for (let k = 0; k < d[G.NCK]; k++) {
    const c = L.ck(k);
    const so = d[c + C.START];
    const num = d[c + C.NUM];
    const f = d[c + C.FLAGS];
    const bits = (m: number): number[] => offsetsOf(0, m, num);
    const offs = (m: number): number[] => offsetsOf(so, m, num);
    cks.push({
      queueId: d[c + C.QUEUE],
      startOffset: so,
      num,
      popTime: d[c + C.POP_TIME],
      invisibleTime: d[c + C.INVISIBLE],
      reviveTime: d[c + C.POP_TIME] + d[c + C.INVISIBLE],
      brokerName: d[c + C.BROKER] === 0 ? null : BROKER_NAMES[d[c + C.BROKER]],
      wrapper: {
        inBuffer: (f & CF.IN_BUFFER) !== 0,
        inOffsetQueue: (f & CF.IN_OFFSET_QUEUE) !== 0,
        justOffset: (f & CF.JUST_OFFSET) !== 0,
        ckStored: (f & CF.CK_STORED) !== 0,
        bits: bits(d[c + C.BITS]),
        toStoreBits: bits(d[c + C.TO_STORE]),
        nextBeginOffset: d[c + C.NEXT_BEGIN],
      },
      origin: ORIGIN_NAMES[d[c + C.ORIGIN]] ?? 'pop',
      doneInMemory: (f & CF.DONE_IN_MEMORY) !== 0,
      lost: (f & CF.LOST) !== 0,
      revived: (f & CF.REVIVED) !== 0,
      reviveOffset: d[c + C.REVIVE_POS],
      reviveUnacked: offs(d[c + C.REVIVE_UNACKED]),
      retryPending: offs(d[c + C.RETRY_PENDING]),
      changed: offs(d[c + C.CHANGED]),
      foreignRetries: d[c + C.FOREIGN_RETRIES],
      client: { held: offs(d[c + C.HELD]), acked: offs(d[c + C.ACKED]), ackedInTime: offs(d[c + C.ACKED_IN_TIME]) },
      ackWritten: offs(d[c + C.ACK_WRITTEN]),
      ackStoredInTime: offs(d[c + C.ACK_STORED_IN_TIME]),
      retried: offs(d[c + C.RETRIED]),
      retriedAgain: offs(d[c + C.RETRIED_AGAIN]),
    });
  }
  const timer = [];
  for (let i = 0; i < d[G.NTIMER]; i++) timer.push(entry(d, L, L.timer(d, i), true));
  const reviveQueue = [];
  for (let p = 0; p < d[G.NLOG]; p++) reviveQueue.push(entry(d, L, L.log(p), false));
  return {
    now: d[G.NOW],
    serving: (d[G.FLAGS] & GF.SERVING) !== 0,
    storeReadable: (d[G.FLAGS] & GF.UNREADABLE) === 0,
    role: (d[G.FLAGS] & GF.SLAVE) !== 0 ? 'slave' : 'master',
    epoch: d[G.EPOCH],
    queues,
    cks,
    timer,
    reviveQueue,
    reviveOffset: { inMemory: d[G.REVIVE_MEM], committed: d[G.REVIVE_COMMIT], persisted: d[G.REVIVE_PERSIST] },
  };
}
