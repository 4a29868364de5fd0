/**
 * Lifecycles of a popped message and of a CK, as typescript-fsm transition tables. The
 * model never stores a lifecycle state: it is projected from the model state, and the
 * `lifecycle-legal` invariant checks that every step moves each message and each CK
 * along an edge of its table, by a lifecycle event that the step's kind may produce.
 */
import { StateMachine, t } from 'typescript-fsm';
import * as layoutModule from './layout.js';
import type { Layout } from './layout.js';
import type { WasmMemory } from '../checker/model.js';
import type { EventType } from './events.js';
import { lifecycleMoves, type MovesFn, type SameFn } from './wasm/lifecycle-module.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { C, CF, E, G, KIND, ORIGIN } = layoutModule;

/** Message lifecycle states, in the order of their integer codes (see `messageCode`). */
export const MESSAGE_STATES = [
  'available',
  'inFlight',
  'ackBuffered',
  'ackStored',
  'ackLost',
  'changed',
  'reviving',
  'done',
  'retried',
  'dropped',
] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];
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
  | 'doneWithoutAcks'
  | 'ackMatched'
  | 'revivedUnacked'
  | 'revivedAckMissed'
  | 'retryDispatched'
  | 'retryCompleted'
  | 'notRetried'
  | 'repeatedAckWritten'
  | 'matchedByKey'
  | 'retryForgotten'
  | 'revivedAgain'
  | 'nextMessageRetried';

/** CK lifecycle states, in the order of their integer codes (see `ckCode`). */
export const CK_STATES = ['none', 'buffered', 'stored', 'delivered', 'doneInMemory', 'lost', 'revived'] as const;
export type CkState = (typeof CK_STATES)[number];
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
  // The scan removes a fully acked wrapper whose CK is already written (isCkDone) without
  // writing its buffered acks. Reached when a late markBitCAS (splitAddAk) completes a wrapper
  // that waits in the buffer for its asynchronous CK put's callback (appendCkAsync).
  m('ackBuffered', 'doneWithoutAcks', 'ackLost'),
  // With appendCkAsync the flushed CK is in the revive topic while its buffered acks wait for the
  // put's callback (PBMS `if (!ckStored) continue`); a CK already due (a stalled scan) can be
  // revived in between.
  m('ackBuffered', 'revivedAckMissed', 'retried'),
  m('ackBuffered', 'retryDispatched', 'reviving'),
  m('ackBuffered', 'notRetried', 'dropped'),
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
  // An asynchronous read that completes exceptionally, handled as a re-put (PR #10986).
  m('reviving', 'handedOver', 'changed'),
  // #7724 (reviveReadsNextLiveMessage): the read for an unacked offset whose message is gone
  // returns the next stored one, which can be a message of the same CK already matched done:
  // by the retry of an asynchronous read completing after the pass matched the ACK, or by a
  // pass reading the CK again after a crash sent the revive offset back.
  m('done', 'nextMessageRetried', 'retried'),
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
  doneWithoutAcks: ['scan'],
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
  nextMessageRetried: ['revive', 'reviveComplete'],
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


/*
 * The `lifecycle-legal` check runs on every transition the explorer makes, so the tables are
 * compiled once into integers: lifecycle states are numbered by their position in
 * MESSAGE_STATES / CK_STATES (one more code, `unexpected`, for a projection that fits no
 * state), model event types get one bit each, and MESSAGE_LEGAL[from * S + to] is the set of
 * model event types that may move a message from `from` to `to` (CK_LEGAL likewise for CKs).
 * A move is legal when the step's event bit is in that set. The tables above stay the one
 * declaration; nothing below adds or removes a move.
 */

/** Code of a projection that matches no lifecycle state. */
export const MESSAGE_UNEXPECTED = MESSAGE_STATES.length;
export const CK_UNEXPECTED = CK_STATES.length;
const MS = MESSAGE_STATES.length + 1;
const KS = CK_STATES.length + 1;
const M_AVAILABLE = 0;
const M_IN_FLIGHT = 1;
const M_ACK_BUFFERED = 2;
const M_ACK_STORED = 3;
const M_ACK_LOST = 4;
const M_CHANGED = 5;
const M_REVIVING = 6;
const M_DONE = 7;
const M_RETRIED = 8;
const M_DROPPED = 9;
const K_NONE = 0;
const K_BUFFERED = 1;
const K_STORED = 2;
const K_DELIVERED = 3;
const K_DONE_IN_MEMORY = 4;
const K_LOST = 5;
const K_REVIVED = 6;

/*
 * The event bits as this module's own numbers, which `eventBit` returns: V8 folds a module-local
 * number into optimized code without a type feedback slot, where `EVENT_BIT.revive` was a property
 * load that, in a case first taken after `lifecycle-legal`'s closure was compiled (the first revive
 * of a run), threw that code away (docs/explorer.md, "Compiling and inline caches").
 */
const BIT_POP = 1 << 0;
const BIT_ACK = 1 << 1;
const BIT_ACK_MARK = 1 << 2;
const BIT_CHANGE_INVISIBLE = 1 << 3;
const BIT_PRODUCE = 1 << 4;
const BIT_EXPIRE = 1 << 5;
const BIT_SCAN = 1 << 6;
const BIT_GC = 1 << 7;
const BIT_TIMER = 1 << 8;
const BIT_REVIVE = 1 << 9;
const BIT_REVIVE_COMPLETE = 1 << 10;
const BIT_PERSIST = 1 << 11;
const BIT_CRASH = 1 << 12;
const BIT_ROLE_CHANGE = 1 << 13;
const BIT_TICK = 1 << 14;
const BIT_PUT_COMPLETE = 1 << 15;
const BIT_STORE_READABLE = 1 << 16;
const BIT_CORRECT_MIN_OFFSET = 1 << 17;

/** One bit per model event type (the type system checks that every type has one). */
export const EVENT_BIT: Readonly<Record<EventType, number>> = {
  pop: BIT_POP,
  ack: BIT_ACK,
  ackMark: BIT_ACK_MARK,
  changeInvisible: BIT_CHANGE_INVISIBLE,
  produce: BIT_PRODUCE,
  expire: BIT_EXPIRE,
  scan: BIT_SCAN,
  gc: BIT_GC,
  timer: BIT_TIMER,
  revive: BIT_REVIVE,
  reviveComplete: BIT_REVIVE_COMPLETE,
  persist: BIT_PERSIST,
  crash: BIT_CRASH,
  roleChange: BIT_ROLE_CHANGE,
  tick: BIT_TICK,
  putComplete: BIT_PUT_COMPLETE,
  storeReadable: BIT_STORE_READABLE,
  correctMinOffset: BIT_CORRECT_MIN_OFFSET,
};

/**
 * The event bit of a model event type (EVENT_BIT's); 0 for anything else (no move is legal for
 * it). LifecycleCheck's method (a switch), which `legal` calls through its `this`.
 */
export function eventBit(event: EventType): number {
  return LifecycleCheck.prototype.eventBit(event);
}

/*
 * The words, flags and codes the check reads, as this module's own numbers: V8 folds a
 * module-local number into optimized code, while it loads a field of a module-local object
 * (C.FLAGS), after a check of the object's map, at every use (docs/explorer.md, "Counting
 * instructions"). Names as in the layout: C_FLAGS is C.FLAGS.
 */
const C_ACKED: number = C.ACKED;
const C_ACK_WRITTEN: number = C.ACK_WRITTEN;
const C_BITS: number = C.BITS;
const C_CHANGED: number = C.CHANGED;
const C_FLAGS: number = C.FLAGS;
const C_NUM: number = C.NUM;
const C_ORIGIN: number = C.ORIGIN;
const C_RETRIED: number = C.RETRIED;
const C_RETRY_PENDING: number = C.RETRY_PENDING;
const C_REVIVE_UNACKED: number = C.REVIVE_UNACKED;
const C_SIZE: number = C.SIZE;
const CF_CK_STORED: number = CF.CK_STORED;
const CF_DONE_IN_MEMORY: number = CF.DONE_IN_MEMORY;
const CF_IN_BUFFER: number = CF.IN_BUFFER;
const CF_LOST: number = CF.LOST;
const CF_REVIVED: number = CF.REVIVED;
const E_CK: number = E.CK;
const E_KIND: number = E.KIND;
const E_SIZE: number = E.SIZE;
const G_NCK: number = G.NCK;
const G_NLOG: number = G.NLOG;
const G_NTIMER: number = G.NTIMER;
const KIND_CK: number = KIND.CK;
const ORIGIN_MOCK: number = ORIGIN.MOCK;

function compileMoves<St extends string, Ev extends string>(
  states: readonly St[],
  transitions: readonly { fromState: St; event: Ev; toState: St }[],
  sources: Readonly<Record<Ev, readonly EventType[]>>,
): Int32Array {
  const n = states.length + 1;
  const legal = new Int32Array(n * n);
  for (const tr of transitions) {
    const from = states.indexOf(tr.fromState);
    const to = states.indexOf(tr.toState);
    if (from < 0 || to < 0) throw new Error(`lifecycle move ${tr.fromState} -> ${tr.toState}: unknown state`);
    for (const src of sources[tr.event]) legal[from * n + to] |= EVENT_BIT[src];
  }
  return legal;
}

/** MESSAGE_LEGAL[from * S + to]: the event bits that may move a message from `from` to `to`. */
const MESSAGE_LEGAL = compileMoves(MESSAGE_STATES, MESSAGE_TRANSITIONS, MESSAGE_EVENT_SOURCES);
/** CK_LEGAL[from * S + to]: the event bits that may move a CK from `from` to `to`. */
const CK_LEGAL = compileMoves(CK_STATES, CK_TRANSITIONS, CK_EVENT_SOURCES);

/** May a step of `event` move a message from state `from` to `to` (names, or 'unexpected')? */
export function messageMoveLegal(from: string, to: string, event: EventType): boolean {
  const f = MESSAGE_STATES.indexOf(from as MessageState);
  const t = MESSAGE_STATES.indexOf(to as MessageState);
  if (f < 0 || t < 0) return false;
  return (MESSAGE_LEGAL[f * MS + t] & eventBit(event)) !== 0;
}

/** May a step of `event` move a CK from state `from` to `to` (names, or 'unexpected')? */
export function ckMoveLegal(from: string, to: string, event: EventType): boolean {
  const f = CK_STATES.indexOf(from as CkState);
  const t = CK_STATES.indexOf(to as CkState);
  if (f < 0 || t < 0) return false;
  return (CK_LEGAL[f * KS + t] & eventBit(event)) !== 0;
}

/**
 * The code of the message lifecycle state of index i of the CK record at word c (a slot in
 * use), given its flags f. Reads C.RETRIED, RETRY_PENDING, CHANGED, REVIVE_UNACKED, ACKED,
 * ACK_WRITTEN and BITS (bit i of each) and the flags: nothing else.
 */
function messageCode(d: Int32Array, c: number, f: number, i: number): number {
  const bit = 1 << i;
  if (d[c + C_RETRIED] & bit) return M_RETRIED;
  if (f & CF_REVIVED) {
    if (d[c + C_RETRY_PENDING] & bit) return M_REVIVING;
    if (d[c + C_CHANGED] & bit) return M_CHANGED;
    if (d[c + C_REVIVE_UNACKED] & bit) return M_DROPPED;
    // Matched by an ACK under this CK's key (possibly sent with another CK's handle, e.g. for a re-put CK).
    return M_DONE;
  }
  if (d[c + C_CHANGED] & bit) return M_CHANGED;
  if (d[c + C_ACKED] & bit) {
    if (f & CF_DONE_IN_MEMORY) return M_DONE;
    if (d[c + C_ACK_WRITTEN] & bit) return M_ACK_STORED;
    if ((d[c + C_BITS] & bit) !== 0 && (f & CF_IN_BUFFER) !== 0) return M_ACK_BUFFERED;
    return M_ACK_LOST;
  }
  if (f & CF_DONE_IN_MEMORY) return MESSAGE_UNEXPECTED;
  return M_IN_FLIGHT;
}

/** The flags messageCode reads. */
const MESSAGE_FLAGS = CF_REVIVED | CF_DONE_IN_MEMORY | CF_IN_BUFFER;
/** The flags ckCode reads. */
const CK_FLAGS = CF_REVIVED | CF_DONE_IN_MEMORY | CF_LOST | CF_IN_BUFFER | CF_CK_STORED;

/** Bits i whose message state may differ between two records with the same flags (those read by messageCode). */
function messageBitsChanged(b: Int32Array, a: Int32Array, c: number): number {
  return (
    (b[c + C_RETRIED] ^ a[c + C_RETRIED]) |
    (b[c + C_RETRY_PENDING] ^ a[c + C_RETRY_PENDING]) |
    (b[c + C_CHANGED] ^ a[c + C_CHANGED]) |
    (b[c + C_REVIVE_UNACKED] ^ a[c + C_REVIVE_UNACKED]) |
    (b[c + C_ACKED] ^ a[c + C_ACKED]) |
    (b[c + C_ACK_WRITTEN] ^ a[c + C_ACK_WRITTEN]) |
    (b[c + C_BITS] ^ a[c + C_BITS])
  );
}

/**
 * The code of the CK lifecycle state of a slot in use with flags f, given where its CK entry
 * is (2 in the revive queue, 1 in the timer, 0 neither; see ckEntryWhereOf).
 */
function ckCode(f: number, where: number): number {
  if (f & CF_REVIVED) return K_REVIVED;
  if (f & CF_DONE_IN_MEMORY) return K_DONE_IN_MEMORY;
  if (f & CF_LOST) return K_LOST;
  if (where === 2) return K_DELIVERED;
  if (where === 1) return K_STORED;
  if ((f & CF_IN_BUFFER) !== 0 && (f & CF_CK_STORED) === 0) return K_BUFFERED;
  return CK_UNEXPECTED;
}

/** The message lifecycle state of index i of CK slot k. */
export function messageState(d: Int32Array, L: Layout, k: number, i: number): MessageState | 'unexpected' {
  if (k >= d[G_NCK]) return 'available';
  const c = L.ck(k);
  const code = messageCode(d, c, d[c + C_FLAGS], i);
  return code === MESSAGE_UNEXPECTED ? 'unexpected' : MESSAGE_STATES[code];
}

/** The CK lifecycle state of slot k. */
export function ckState(d: Int32Array, L: Layout, k: number): CkState | 'unexpected' {
  if (k >= d[G_NCK]) return 'none';
  const code = ckCodeOf(d, L, k, d[L.ck(k) + C_FLAGS]);
  return code === CK_UNEXPECTED ? 'unexpected' : CK_STATES[code];
}

/**
 * Where CK slot k's entry is: 2 in the revive queue, 1 in the timer, 0 neither (its last entry
 * decides).
 */
function ckEntryWhereOf(d: Int32Array, L: Layout, k: number): number {
  if (k >= L.ckSlots) return 0;
  const split = L.log(d[G_NLOG]);
  for (let e = L.log(d[G_NLOG] + d[G_NTIMER]) - E_SIZE; e >= L.log0; e -= E_SIZE) {
    if (d[e + E_KIND] === KIND_CK && d[e + E_CK] === k) return e < split ? 2 : 1;
  }
  return 0;
}

/** The code of the CK lifecycle state of a slot in use with flags f, looking up its entry only when the flags do not decide. */
function ckCodeOf(d: Int32Array, L: Layout, k: number, f: number): number {
  // addCkMock's offset-only wrapper is no CK: nothing is written, nothing revived.
  if (d[L.ck(k) + C_ORIGIN] === ORIGIN_MOCK) return K_NONE;
  if ((f & (CF_REVIVED | CF_DONE_IN_MEMORY | CF_LOST)) !== 0) return ckCode(f, 0);
  return ckCode(f, ckEntryWhereOf(d, L, k));
}

/**
 * Do the two states hold the same CK entries, in the same order, each on the same side (revive
 * queue or timer), with the same slots? ACK entries are skipped. ckEntryWhereOf reads nothing
 * else, so then it answers the same for every slot in both states.
 */
function sameCkEntries(b: Int32Array, a: Int32Array, L: Layout): boolean {
  // Entry records by word: the revive queue's, then the timer's (one region, Layout.timer).
  const splitB = L.log(b[G_NLOG]);
  const splitA = L.log(a[G_NLOG]);
  const endB = L.log(b[G_NLOG] + b[G_NTIMER]);
  const endA = L.log(a[G_NLOG] + a[G_NTIMER]);
  let eb = L.log0;
  let ea = L.log0;
  for (;;) {
    while (eb < endB && b[eb + E_KIND] !== KIND_CK) eb += E_SIZE;
    while (ea < endA && a[ea + E_KIND] !== KIND_CK) ea += E_SIZE;
    if (eb === endB || ea === endA) return eb === endB && ea === endA;
    if (b[eb + E_CK] !== a[ea + E_CK] || eb < splitB !== ea < splitA) return false;
    eb += E_SIZE;
    ea += E_SIZE;
  }
}

function sameRecord(a: Int32Array, b: Int32Array, at: number, n: number): boolean {
  for (let i = at; i < at + n; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface IllegalMove {
  readonly what: 'message' | 'ck';
  readonly ck: number;
  readonly index: number;
  readonly from: string;
  readonly to: string;
  readonly event: EventType;
}

const messageName = (code: number): string => (code === MESSAGE_UNEXPECTED ? 'unexpected' : MESSAGE_STATES[code]);
const ckName = (code: number): string => (code === CK_UNEXPECTED ? 'unexpected' : CK_STATES[code]);

/**
 * Checks every lifecycle move of one step against the compiled tables. With `bad` null it
 * stops at the first illegal move; otherwise it appends every illegal move to `bad`, CK by
 * CK, the CK's own move before its messages', messages by index. Returns whether all moves
 * are legal.
 *
 * Only what can differ is projected, and the skips are exact:
 * - a message's state is a function of its CK's MESSAGE_FLAGS and of bit i of the masks that
 *   `messageBitsChanged` compares, so with equal MESSAGE_FLAGS only the indices whose bit
 *   differs in one of them are projected (all indices when those flags differ);
 * - a CK's state is a function of its CK_FLAGS, of whether its origin is a mock, and of where
 *   its CK entry is: with equal CK_FLAGS, the same kind of origin and the same CK entries in
 *   the same order and on the same sides (sameCkEntries; ACK entries do not count) it cannot
 *   change, nor with equal CK_FLAGS that decide the state by themselves (revived, done in
 *   memory, lost: ckCodeOf does not look for the entry). Otherwise it is projected whenever the queue lengths or the CK's record changed (a
 *   CK whose record and queue lengths are both unchanged is not looked at, as the check always
 *   did);
 * - a slot that the step newly took starts from `none`, its messages from `available`.
 */
function checkMoves(before: Int32Array, after: Int32Array, L: Layout, event: EventType, bad: IllegalMove[] | null): boolean {
  const nb = before[G_NCK];
  const na = after[G_NCK];
  if (na === 0) return true;
  const queuesMoved = before[G_NLOG] !== after[G_NLOG] || before[G_NTIMER] !== after[G_NTIMER];
  let ckEntriesSame = -1; // unknown until a CK needs it; then 0 or 1
  let bit = -1; // the event's bit, once a move needs it
  let legal = true;
  for (let k = 0; k < na; k++) {
    const c = L.ck(k);
    const fa = after[c + C_FLAGS];
    let ckFrom = K_NONE;
    let ckTo = K_NONE;
    let changed: number; // message indices whose state may differ (bit i)
    if (k < nb) {
      const fb = before[c + C_FLAGS];
      // The CK's state reads its CK_FLAGS, whether its origin is a mock, and where its CK entry is.
      let project = ((fb ^ fa) & CK_FLAGS) !== 0 || (before[c + C_ORIGIN] === ORIGIN_MOCK) !== (after[c + C_ORIGIN] === ORIGIN_MOCK);
      // With equal flags that decide by themselves (ckCodeOf), where the entry is is not read.
      if (!project && (fb & (CF_REVIVED | CF_DONE_IN_MEMORY | CF_LOST)) === 0) {
        if (ckEntriesSame < 0) ckEntriesSame = sameCkEntries(before, after, L) ? 1 : 0;
        project = ckEntriesSame === 0 && (queuesMoved || !sameRecord(before, after, c, C_SIZE));
      }
      if (project) {
        ckFrom = ckCodeOf(before, L, k, fb);
        ckTo = ckCodeOf(after, L, k, fa);
      }
      changed = ((fb ^ fa) & MESSAGE_FLAGS) !== 0 ? -1 : messageBitsChanged(before, after, c);
    } else {
      ckTo = ckCodeOf(after, L, k, fa);
      changed = -1;
    }
    if (ckFrom !== ckTo) {
      if (bit < 0) bit = eventBit(event);
      if ((CK_LEGAL[ckFrom * KS + ckTo] & bit) === 0) {
        legal = false;
        if (bad === null) return false;
        bad.push({ what: 'ck', ck: k, index: -1, from: ckName(ckFrom), to: ckName(ckTo), event });
      }
    }
    if (changed === 0) continue;
    const num = after[c + C_NUM];
    for (let i = 0; i < num; i++) {
      if ((changed & (1 << i)) === 0) continue;
      const from = k < nb ? messageCode(before, c, before[c + C_FLAGS], i) : M_AVAILABLE;
      const to = messageCode(after, c, fa, i);
      if (from === to) continue;
      if (bit < 0) bit = eventBit(event);
      if ((MESSAGE_LEGAL[from * MS + to] & bit) === 0) {
        legal = false;
        if (bad === null) return false;
        bad.push({ what: 'message', ck: k, index: i, from: messageName(from), to: messageName(to), event });
      }
    }
  }
  return legal;
}

/** Does every lifecycle move of this step follow the tables? */
export function lifecycleLegal(before: Int32Array, after: Int32Array, L: Layout, event: EventType): boolean {
  return checkMoves(before, after, L, event, null);
}

/*
 * The same check in WebAssembly (model/wasm/lifecycle.wat), on states the explorer holds in its
 * kernel's memory (Model.useMemory): the module reads the words with plain loads, makes
 * checkMoves' projections with its skips, and returns the distinct moves the step makes, each
 * as a byte: 1 + from * MS + to for a message, 128 + from * KS + to for a CK (0: none).
 * MOVE_LEGAL[id] is the table entry of move id (MESSAGE_LEGAL's or CK_LEGAL's): the event bits
 * that may make it; MOVE_LEGAL[0], "no move", allows every event.
 */
if (1 + MS * MS > 128 || 128 + KS * KS > 256) throw new Error('lifecycle moves do not fit in a byte');
const MOVE_LEGAL = new Int32Array(256);
MOVE_LEGAL[0] = -1;
for (let f = 0; f < MS; f++) for (let t = 0; t < MS; t++) MOVE_LEGAL[1 + f * MS + t] = MESSAGE_LEGAL[f * MS + t];
for (let f = 0; f < KS; f++) for (let t = 0; t < KS; t++) MOVE_LEGAL[128 + f * KS + t] = CK_LEGAL[f * KS + t];

/** The imports of lifecycle.wat for layout L and memory `memory`: the layout's objects as they are, the codes of this module. */
function movesImports(memory: object, L: Layout): Record<string, Record<string, unknown>> {
  const codes = (states: readonly string[], unexpected: number): Record<string, number> => {
    const o: Record<string, number> = { UNEXPECTED: unexpected, S: states.length + 1 };
    states.forEach((name, i) => (o[name.replace(/[A-Z]/g, (x) => `_${x}`).toUpperCase()] = i));
    return o;
  };
  return {
    env: { memory },
    L: { c0: L.c0, log0: L.log0, ckSlots: L.ckSlots, entries: L.entries },
    C,
    CF,
    E,
    G,
    KIND,
    ORIGIN,
    M: codes(MESSAGE_STATES, MESSAGE_UNEXPECTED),
    K: codes(CK_STATES, CK_UNEXPECTED),
  };
}

/**
 * The parts of the state `lifecycle-legal` asks the explorer about (TransitionInvariant.parts),
 * for lifecycle.wat's `moves`: part 0 the queue lengths (G.NLOG, G.NTIMER) and the kind and CK
 * slot of every entry (E.KIND, E.CK), all that sameCkEntries and ckEntryWhereOf read; part 1 + k
 * the whole record of CK slot k (C.SIZE words: the flags, the origin and the masks the
 * projections read, and everything sameRecord compares). With part 0 unchanged the CK entries are
 * the same on both sides; with part 1 + k unchanged, slot k's record is.
 */
export function lifecycleParts(L: Layout): number[][] {
  const entries = [G_NLOG, G_NTIMER];
  for (let p = 0; p < L.entries; p++) entries.push(L.log(p) + E_KIND, L.log(p) + E_CK);
  const parts = [entries];
  for (let k = 0; k < L.ckSlots; k++) parts.push(Array.from({ length: C_SIZE }, (_, w) => L.ck(k) + w));
  return parts;
}

/**
 * `lifecycleLegal` for one layout, in WebAssembly for states held in the memory given to
 * `useMemory` (both the state before and the state after: the explorer's parent and the
 * successor it builds in its scratch), in TypeScript (`checkMoves`) for any other, when the
 * runtime has no WebAssembly, and when the module declines (more than three distinct moves, or a
 * count outside the layout). The same answer either way (test/model/lifecycle-wasm.test.ts).
 */
export class LifecycleCheck {
  private moves: MovesFn | null = null;
  private same: SameFn | null = null;
  /** The memory's buffer while the module reads it. */
  private buffer: ArrayBufferLike | null = null;
  /**
   * The last arrays asked about, and whether each is a view on `buffer`: the explorer passes the
   * same few arrays over and over (its parent and scratch buffers), and reading a typed array's
   * `buffer` in V8 is a call into the runtime (about 100 instructions), its identity a compare.
   * An array's buffer never changes, and the explorer never grows the memory while it is given.
   */
  private readonly seen: (Int32Array | null)[] = [null, null, null, null, null, null, null, null];
  private readonly seenIn: boolean[] = [false, false, false, false, false, false, false, false];
  private nextSeen = 0;

  constructor(private readonly L: Layout) {}

  /** From now on states in `memory` (a WebAssembly.Memory; null: none) are checked by the module. */
  useMemory(memory: WasmMemory | null): void {
    this.seen.fill(null);
    this.pairBefore = null;
    this.pairAfter = null;
    this.pairIn = 0;
    this.moves = null;
    this.same = null;
    this.buffer = null;
    if (memory === null) return;
    try {
      const module = lifecycleMoves(movesImports(memory, this.L));
      if (module !== null) ({ moves: this.moves, same: this.same } = module);
    } catch (err) {
      // $start traps when a constant of the layout or the codes is not the one lifecycle.wat was written for.
      throw new Error(`model/wasm/lifecycle.wat does not match the layout or the lifecycle codes: update its constants (${String(err)})`);
    }
    if (this.moves !== null) this.buffer = memory.buffer;
  }

  /**
   * The pair of arrays `legal` was asked about last, and whether both are views on `buffer`: the
   * explorer asks about the same parent and scratch buffers on every edge.
   */
  private pairBefore: Int32Array | null = null;
  private pairAfter: Int32Array | null = null;
  /**
   * 1 when both are views on `buffer`, else 0: a number, not a boolean, since V8 tests a field
   * that holds a boolean for truth as it would any value (a dozen instructions), a small integer
   * with one compare.
   */
  private pairIn = 0;
  /** With `pairIn`, the pair's byte offsets (an array's never changes; reading it is a few checks). */
  private pairBeforeAt = 0;
  private pairAfterAt = 0;

  /** Remembers `before` and `after` as the last pair: are both views on the memory the module reads, and where. */
  private rememberPair(before: Int32Array, after: Int32Array): void {
    const both = this.inMemory(before) && this.inMemory(after);
    this.pairBefore = before;
    this.pairAfter = after;
    this.pairIn = both ? 1 : 0;
    this.pairBeforeAt = both ? before.byteOffset : 0;
    this.pairAfterAt = both ? after.byteOffset : 0;
  }

  /** Is `d` a view on the memory the module reads? */
  private inMemory(d: Int32Array): boolean {
    const seen = this.seen;
    for (let i = 0; i < 8; i++) if (seen[i] === d) return this.seenIn[i];
    const j = this.nextSeen;
    const isIn = d.buffer === this.buffer;
    seen[j] = d;
    this.seenIn[j] = isIn;
    this.nextSeen = (j + 1) & 7;
    return isIn;
  }

  /**
   * Are the two states' words equal (both `L.words` long)? In WebAssembly when both are in the
   * memory (the `full` scenario's dry runs, built in buffers the explorer gives it there, against
   * the parent: Model.useMemory), else word by word.
   */
  sameWords(a: Int32Array, b: Int32Array): boolean {
    if (this.buffer !== null && this.inMemory(a) && this.inMemory(b)) return this.same!(a.byteOffset, b.byteOffset, 4 * this.L.words) !== 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /**
   * The module's answer for the step (see lifecycle.wat: 0, up to three move ids a byte, or -1),
   * or null when the module does not read both states. For tests.
   */
  movesOf(before: Int32Array, after: Int32Array, parts = -1): number | null {
    return this.buffer !== null && this.inMemory(before) && this.inMemory(after) ? this.moves!(before.byteOffset, after.byteOffset, parts) : null;
  }

  /**
   * Does every lifecycle move of this step follow the tables? (`lifecycleLegal`) `parts`: what
   * the explorer knows of what the step changed, by `lifecycleParts` (bit clear: unchanged; -1 or
   * nothing: unknown). The answer is the same whatever it is, when it is right.
   */
  legal(before: Int32Array, after: Int32Array, event: EventType, parts = -1): boolean {
    if (this.buffer !== null) {
      if (before !== this.pairBefore || after !== this.pairAfter) this.rememberPair(before, after);
    }
    if (this.pairIn !== 0) {
      const r = this.moves!(this.pairBeforeAt, this.pairAfterAt, parts);
      if (r === 0) return true;
      if (r > 0) {
        // One move (nearly every step) is one look-up; two or three, one each.
        const allowed = r < 256 ? MOVE_LEGAL[r] : MOVE_LEGAL[r & 255] & MOVE_LEGAL[(r >>> 8) & 255] & MOVE_LEGAL[r >>> 16];
        return (allowed & this.eventBit(event)) !== 0;
      }
    }
    return checkMoves(before, after, this.L, event, null);
  }

  /**
   * The event bit of a model event type (EVENT_BIT's); 0 for anything else (no move is legal for
   * it). A switch, not a keyed load of EVENT_BIT: it runs on nearly every edge, and a lookup by a
   * varying string key is twice as slow; 'ack' first (nearly every check on ack-flush is an ack's). A method, not a
   * module function: `legal` calls it through `this`, whose prototype V8 knows, where it loaded
   * and checked the module's exported binding at every call (docs/explorer.md, "`lifecycle-legal`'s
   * call from the explorer"). The `never` makes a type without a case a compile error;
   * test/model/lifecycle-compiled.test.ts checks every case against EVENT_BIT.
   */
  eventBit(event: EventType): number {
    switch (event) {
      case 'ack': return BIT_ACK;
      case 'pop': return BIT_POP;
      case 'ackMark': return BIT_ACK_MARK;
      case 'changeInvisible': return BIT_CHANGE_INVISIBLE;
      case 'produce': return BIT_PRODUCE;
      case 'expire': return BIT_EXPIRE;
      case 'scan': return BIT_SCAN;
      case 'gc': return BIT_GC;
      case 'timer': return BIT_TIMER;
      case 'revive': return BIT_REVIVE;
      case 'reviveComplete': return BIT_REVIVE_COMPLETE;
      case 'persist': return BIT_PERSIST;
      case 'crash': return BIT_CRASH;
      case 'roleChange': return BIT_ROLE_CHANGE;
      case 'tick': return BIT_TICK;
      case 'putComplete': return BIT_PUT_COMPLETE;
      case 'storeReadable': return BIT_STORE_READABLE;
      case 'correctMinOffset': return BIT_CORRECT_MIN_OFFSET;
      default: {
        const other: never = event;
        void other;
        return 0; // not a model event type (e.g. 'toString')
      }
    }
  }
}

/** Every lifecycle move made by one step that is not in the tables (empty when all are legal). */
export function illegalMoves(before: Int32Array, after: Int32Array, L: Layout, event: EventType): IllegalMove[] {
  const bad: IllegalMove[] = [];
  checkMoves(before, after, L, event, bad);
  return bad;
}
