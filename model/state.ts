/**
 * The model state: an immutable Int32Array in the layout of layout.ts. Steps never write
 * to a state; they copy it and change the copy. `toRecord` gives the same state as a
 * plain readonly record in RocketMQ's vocabulary (for JSON output and teaching).
 */
import { BROKER_NAMES, C, CF, E, G, GF, KIND, ORIGIN, Q, type Layout } from './layout.js';
import { offsetsOf } from './format.js';

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
    d[b + Q.CONSUMER_OFFSET] = qs.minOffset;
    d[b + Q.CONSUMER_PERSIST] = qs.minOffset;
    d[b + Q.QUEUE_ID] = qs.queueId ?? q;
    for (let i = 0; i < qs.messages; i++) d[b + Q.STORE_TIME + i] = INITIAL_STORE_TIME;
  });
  return asState(d);
}

export interface EntryRecord {
  readonly tag: 'ck' | 'ack' | 'bAck';
  readonly queueId: number;
  readonly startOffset: number;
  readonly popTime: number;
  readonly brokerName: string | null;
  readonly offsets: readonly number[];
  readonly deliverTimeMs: number;
  readonly slot?: number;
}

export interface CkRecord {
  readonly queueId: number;
  readonly startOffset: number;
  readonly num: number;
  readonly popTime: number;
  readonly invisibleTime: number;
  readonly reviveTime: number;
  readonly brokerName: string | null;
  readonly wrapper: {
    readonly inBuffer: boolean;
    readonly inOffsetQueue: boolean;
    readonly justOffset: boolean;
    readonly ckStored: boolean;
    readonly bits: readonly number[];
    readonly toStoreBits: readonly number[];
    readonly nextBeginOffset: number;
  };
  readonly origin: 'pop' | 'changeInvisible' | 'rePut';
  readonly doneInMemory: boolean;
  readonly lost: boolean;
  readonly revived: boolean;
  readonly reviveOffset: number;
  readonly reviveUnacked: readonly number[];
  readonly retryPending: readonly number[];
  readonly changed: readonly number[];
  readonly foreignRetries: number;
  readonly client: { readonly held: readonly number[]; readonly acked: readonly number[]; readonly ackedInTime: readonly number[] };
  readonly ackWritten: readonly number[];
  readonly retried: readonly number[];
  readonly retriedAgain: readonly number[];
}

export interface StateRecord {
  readonly now: number;
  readonly serving: boolean;
  readonly role: 'master' | 'slave';
  readonly epoch: number;
  readonly queues: readonly {
    readonly queueId: number;
    readonly minOffset: number;
    readonly maxOffset: number;
    readonly firstStoredOffset: number;
    readonly consumerOffset: number;
    readonly consumerOffsetPersisted: number;
  }[];
  readonly cks: readonly CkRecord[];
  readonly timer: readonly EntryRecord[];
  readonly reviveQueue: readonly EntryRecord[];
  readonly reviveOffset: { readonly inMemory: number; readonly committed: number; readonly persisted: number };
}

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
      origin: d[c + C.ORIGIN] === ORIGIN.CHANGE ? 'changeInvisible' : d[c + C.ORIGIN] === ORIGIN.REPUT ? 'rePut' : 'pop',
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
    role: (d[G.FLAGS] & GF.SLAVE) !== 0 ? 'slave' : 'master',
    epoch: d[G.EPOCH],
    queues,
    cks,
    timer,
    reviveQueue,
    reviveOffset: { inMemory: d[G.REVIVE_MEM], committed: d[G.REVIVE_COMMIT], persisted: d[G.REVIVE_PERSIST] },
  };
}
