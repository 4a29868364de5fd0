/**
 * Lifecycles of a popped message and of a CK, as typescript-fsm transition tables. The
 * model never stores a lifecycle state: it is projected from the model state, and the
 * `lifecycle-legal` invariant checks that every step moves each message and each CK
 * along an edge of its table, by a lifecycle event that the step's kind may produce.
 */
import { StateMachine, t } from 'typescript-fsm';
import { C, CF, E, G, KIND, type Layout } from './layout.js';
import type { EventType } from './events.js';

export type MessageState =
  | 'available'
  | 'inFlight'
  | 'ackBuffered'
  | 'ackStored'
  | 'ackLost'
  | 'changed'
  | 'reviving'
  | 'done'
  | 'retried'
  | 'dropped';
export type MessageEvent =
  | 'pop'
  | 'ckWritten'
  | 'ackMerged'
  | 'ackWritten'
  | 'ackNotStored'
  | 'handedOver'
  | 'ackFlushed'
  | 'ckDoneInMemory'
  | 'bufferLost'
  | 'ackMatched'
  | 'revivedUnacked'
  | 'revivedAckMissed'
  | 'retryDispatched'
  | 'retryCompleted'
  | 'notRetried'
  | 'repeatedAckWritten'
  | 'matchedByKey'
  | 'retryForgotten'
  | 'revivedAgain';

export type CkState = 'none' | 'buffered' | 'stored' | 'delivered' | 'doneInMemory' | 'lost' | 'revived';
export type CkEvent =
  | 'addCk'
  | 'addCkJustOffset'
  | 'written'
  | 'writtenOverdue'
  | 'flushCk'
  | 'flushCkOverdue'
  | 'ckDoneInMemory'
  | 'bufferLost'
  | 'timerDeliver'
  | 'revive';

type Cb = () => void;
const m = (from: MessageState, ev: MessageEvent, to: MessageState) => t<MessageState, MessageEvent, Cb>(from, ev, to);
const k = (from: CkState, ev: CkEvent, to: CkState) => t<CkState, CkEvent, Cb>(from, ev, to);

export const MESSAGE_TRANSITIONS = [
  m('available', 'pop', 'inFlight'),
  m('available', 'ckWritten', 'inFlight'),
  m('inFlight', 'ackMerged', 'ackBuffered'),
  m('inFlight', 'ackWritten', 'ackStored'),
  m('inFlight', 'ackNotStored', 'ackLost'),
  m('inFlight', 'handedOver', 'changed'),
  m('ackBuffered', 'ackFlushed', 'ackStored'),
  m('ackBuffered', 'ckDoneInMemory', 'done'),
  m('ackBuffered', 'bufferLost', 'ackLost'),
  m('ackStored', 'ackMatched', 'done'),
  m('inFlight', 'revivedUnacked', 'retried'),
  m('ackStored', 'revivedAckMissed', 'retried'),
  m('ackLost', 'revivedAckMissed', 'retried'),
  m('inFlight', 'retryDispatched', 'reviving'),
  m('ackStored', 'retryDispatched', 'reviving'),
  m('ackLost', 'retryDispatched', 'reviving'),
  m('reviving', 'retryCompleted', 'retried'),
  m('reviving', 'notRetried', 'dropped'),
  m('inFlight', 'notRetried', 'dropped'),
  m('ackStored', 'notRetried', 'dropped'),
  m('ackLost', 'notRetried', 'dropped'),
  m('ackStored', 'handedOver', 'changed'),
  m('ackLost', 'handedOver', 'changed'),
  m('ackBuffered', 'repeatedAckWritten', 'ackStored'),
  m('ackLost', 'repeatedAckWritten', 'ackStored'),
  // A re-put CK has the key of its original: an ACK sent with the original handle matches it.
  m('inFlight', 'matchedByKey', 'done'),
  // A crash forgets retries in flight; the CK may be revived again after the restart.
  m('reviving', 'retryForgotten', 'dropped'),
  m('dropped', 'revivedAgain', 'reviving'),
  // A message handed to a re-put CK (rePutCK after a failed retry write) is still unacked in
  // its original CK: after a crash sends the revive offset back, the original is read and
  // revived again (at-least-once: the re-put CK retries it once more later).
  m('changed', 'revivedAgain', 'retried'),
  m('changed', 'revivedAgain', 'reviving'),
  // A retry a crash forgot: the next pass reads the CK again, and its retry write fails too.
  m('dropped', 'handedOver', 'changed'),
];

export const CK_TRANSITIONS = [
  k('none', 'addCk', 'buffered'),
  k('none', 'addCkJustOffset', 'stored'),
  k('none', 'written', 'stored'),
  k('none', 'writtenOverdue', 'delivered'),
  k('buffered', 'flushCk', 'stored'),
  k('buffered', 'flushCkOverdue', 'delivered'),
  k('buffered', 'ckDoneInMemory', 'doneInMemory'),
  k('buffered', 'bufferLost', 'lost'),
  k('stored', 'timerDeliver', 'delivered'),
  k('delivered', 'revive', 'revived'),
];

/** Which model events may produce each lifecycle event. */
export const MESSAGE_EVENT_SOURCES: Readonly<Record<MessageEvent, readonly EventType[]>> = {
  pop: ['pop'],
  ckWritten: ['changeInvisible', 'revive', 'reviveComplete'],
  ackMerged: ['ack', 'ackMark'],
  ackWritten: ['ack'],
  ackNotStored: ['ack', 'ackMark'],
  handedOver: ['changeInvisible', 'revive', 'reviveComplete'],
  ackFlushed: ['scan'],
  ckDoneInMemory: ['scan'],
  bufferLost: ['crash', 'roleChange', 'pop'],
  ackMatched: ['revive'],
  revivedUnacked: ['revive', 'reviveComplete'],
  revivedAckMissed: ['revive', 'reviveComplete'],
  retryDispatched: ['revive'],
  retryCompleted: ['reviveComplete'],
  notRetried: ['revive', 'reviveComplete'],
  repeatedAckWritten: ['ack'],
  matchedByKey: ['revive'],
  retryForgotten: ['crash'],
  revivedAgain: ['revive'],
};

export const CK_EVENT_SOURCES: Readonly<Record<CkEvent, readonly EventType[]>> = {
  addCk: ['pop'],
  addCkJustOffset: ['pop'],
  written: ['changeInvisible', 'revive', 'reviveComplete'],
  writtenOverdue: ['pop', 'changeInvisible', 'revive', 'reviveComplete'],
  flushCk: ['scan'],
  flushCkOverdue: ['scan'],
  ckDoneInMemory: ['scan'],
  bufferLost: ['crash', 'roleChange', 'pop'],
  timerDeliver: ['timer'],
  revive: ['revive'],
};

export function messageMachine(): StateMachine<MessageState, MessageEvent> {
  return new StateMachine<MessageState, MessageEvent>('available', [...MESSAGE_TRANSITIONS]);
}

export function ckMachine(): StateMachine<CkState, CkEvent> {
  return new StateMachine<CkState, CkEvent>('none', [...CK_TRANSITIONS]);
}

/** The message lifecycle state of index i of CK slot k. */
export function messageState(d: Int32Array, L: Layout, k: number, i: number): MessageState | 'unexpected' {
  if (k >= d[G.NCK]) return 'available';
  const c = L.ck(k);
  const bit = 1 << i;
  const f = d[c + C.FLAGS];
  if (d[c + C.RETRIED] & bit) return 'retried';
  if (f & CF.REVIVED) {
    if (d[c + C.RETRY_PENDING] & bit) return 'reviving';
    if (d[c + C.CHANGED] & bit) return 'changed';
    if (d[c + C.REVIVE_UNACKED] & bit) return 'dropped';
    // Matched by an ACK under this CK's key (possibly sent with another CK's handle, e.g. for a re-put CK).
    return 'done';
  }
  if (d[c + C.CHANGED] & bit) return 'changed';
  if (d[c + C.ACKED] & bit) {
    if (f & CF.DONE_IN_MEMORY) return 'done';
    if (d[c + C.ACK_WRITTEN] & bit) return 'ackStored';
    if ((d[c + C.BITS] & bit) !== 0 && (f & CF.IN_BUFFER) !== 0) return 'ackBuffered';
    return 'ackLost';
  }
  if (f & CF.DONE_IN_MEMORY) return 'unexpected';
  return 'inFlight';
}

/** For each CK slot: 2 when its CK entry is in the revive queue, 1 in the timer, 0 neither. */
function ckEntryWhere(d: Int32Array, L: Layout, into?: Int8Array): Int8Array {
  const where = into ?? new Int8Array(L.ckSlots);
  where.fill(0);
  const n = d[G.NLOG];
  const used = n + d[G.NTIMER];
  for (let p = 0; p < used; p++) {
    const e = L.log(p);
    if (d[e + E.KIND] === KIND.CK) where[d[e + E.CK]] = p < n ? 2 : 1;
  }
  return where;
}

/** The CK lifecycle state of slot k. */
export function ckState(d: Int32Array, L: Layout, k: number): CkState | 'unexpected' {
  return ckStateFrom(d, L, k, ckEntryWhere(d, L));
}

function ckStateFrom(d: Int32Array, L: Layout, k: number, where: Int8Array): CkState | 'unexpected' {
  if (k >= d[G.NCK]) return 'none';
  const c = L.ck(k);
  const f = d[c + C.FLAGS];
  if (f & CF.REVIVED) return 'revived';
  if (f & CF.DONE_IN_MEMORY) return 'doneInMemory';
  if (f & CF.LOST) return 'lost';
  if (where[k] === 2) return 'delivered';
  if (where[k] === 1) return 'stored';
  if ((f & CF.IN_BUFFER) !== 0 && (f & CF.CK_STORED) === 0) return 'buffered';
  return 'unexpected';
}

function sameRecord(a: Int32Array, b: Int32Array, at: number, n: number): boolean {
  for (let i = at; i < at + n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function legalMoves<St extends string, Ev extends string>(
  transitions: readonly { fromState: St; event: Ev; toState: St }[],
  sources: Readonly<Record<Ev, readonly EventType[]>>,
): Map<string, Set<EventType>> {
  const m = new Map<string, Set<EventType>>();
  for (const tr of transitions) {
    const key = `${tr.fromState}>${tr.toState}`;
    const set = m.get(key) ?? new Set<EventType>();
    for (const src of sources[tr.event]) set.add(src);
    m.set(key, set);
  }
  return m;
}

const MESSAGE_MOVES = legalMoves(MESSAGE_TRANSITIONS, MESSAGE_EVENT_SOURCES);
const CK_MOVES = legalMoves(CK_TRANSITIONS, CK_EVENT_SOURCES);

export interface IllegalMove {
  readonly what: 'message' | 'ck';
  readonly ck: number;
  readonly index: number;
  readonly from: string;
  readonly to: string;
  readonly event: EventType;
}

const scratch = new WeakMap<Layout, [Int8Array, Int8Array]>();

/**
 * Walks the lifecycle moves of one step that are not in the tables, calling `onIllegal` for
 * each; stops when it returns false. CKs whose record and the queues did not change are
 * skipped. Allocates nothing unless a move is illegal.
 */
function walkIllegalMoves(before: Int32Array, after: Int32Array, L: Layout, event: EventType, onIllegal: (m: IllegalMove) => boolean): void {
  const queuesMoved = before[G.NLOG] !== after[G.NLOG] || before[G.NTIMER] !== after[G.NTIMER];
  let pair = scratch.get(L);
  if (!pair) scratch.set(L, (pair = [new Int8Array(L.ckSlots), new Int8Array(L.ckSlots)]));
  let filled = false;
  for (let k = 0; k < after[G.NCK]; k++) {
    if (!queuesMoved && k < before[G.NCK] && sameRecord(before, after, L.ck(k), C.SIZE)) continue;
    if (!filled) {
      ckEntryWhere(before, L, pair[0]);
      ckEntryWhere(after, L, pair[1]);
      filled = true;
    }
    const from = ckStateFrom(before, L, k, pair[0]);
    const to = ckStateFrom(after, L, k, pair[1]);
    if (from !== to && !CK_MOVES.get(`${from}>${to}`)?.has(event) && !onIllegal({ what: 'ck', ck: k, index: -1, from, to, event })) return;
    const num = after[L.ck(k) + C.NUM];
    for (let i = 0; i < num; i++) {
      const mf = messageState(before, L, k, i);
      const mt = messageState(after, L, k, i);
      if (mf !== mt && !MESSAGE_MOVES.get(`${mf}>${mt}`)?.has(event) && !onIllegal({ what: 'message', ck: k, index: i, from: mf, to: mt, event })) return;
    }
  }
}

/** Does every lifecycle move of this step follow the tables? */
export function lifecycleLegal(before: Int32Array, after: Int32Array, L: Layout, event: EventType): boolean {
  let legal = true;
  walkIllegalMoves(before, after, L, event, () => (legal = false));
  return legal;
}

/** Every lifecycle move made by one step that is not in the tables (empty when all are legal). */
export function illegalMoves(before: Int32Array, after: Int32Array, L: Layout, event: EventType): IllegalMove[] {
  const bad: IllegalMove[] = [];
  walkIllegalMoves(before, after, L, event, (m) => bad.push(m) > 0);
  return bad;
}
