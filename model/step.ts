/**
 * The pure step: `guard` says why an event cannot happen in a state (null: it can), and
 * `apply` returns the state after it. Both are total over the event union.
 */
import * as layoutModule from './layout.js';
import type { AckEvent, Event } from './events.js';
import { fmtTime } from './format.js';
import type { Observation } from './observations.js';
import * as ackModule from './protocol/ack.js';
import { becomeMaster, becomeSlave, crash, persist } from './protocol/broker.js';
import { putComplete, scan } from './protocol/buffer.js';
import { changeInvisible } from './protocol/change.js';
import * as contextModule from './protocol/context.js';
import type { Ctx, Note } from './protocol/context.js';
import { narrating, observe } from './protocol/observe.js';
import { pop, popBlocked } from './protocol/pop.js';
import { correctMinOffset, correctMinOffsetBlocked, expire, expireBlocked, gc, gcBlocked, produce, produceBlocked } from './protocol/queue.js';
import { revive, reviveBlocked, reviveComplete } from './protocol/revive.js';
import { deliverSlot, nextTimerSlot, slotDueAt } from './protocol/store.js';
import type { State } from './state.js';

// The imported constants as this module's own, and the ack's functions: V8's optimizing
// compiler folds a module's own constants into the code, and loads an imported binding at every
// use, a function's checked before each call (docs/explorer.md, "Counting instructions", "The
// model's ack path per transition").
const { BROKER, C, CF, G, GF, ORIGIN } = layoutModule;
const { K } = contextModule;
const { ack, ackMark, changeHandleTaken, findCkForHandle, offsetIllegal, supersededBy } = ackModule;

const BROKER_CODE = { 'broker-a': BROKER.A, 'broker-b': BROKER.B } as const;

/**
 * When an event happens: a tick's `to`, any other's `at`, or the state's now. applyAck reads an
 * ack's time itself (test/model/step-plumbing.test.ts checks that it agrees with this).
 */
export function eventTime(s: State, e: Event): number {
  return e.type === 'tick' ? e.to : (e.at ?? s[G.NOW]);
}

function slave(s: State): boolean {
  return (s[G.FLAGS] & GF.SLAVE) !== 0;
}

type HandleEvent = Extract<Event, { startOffset: number; offset: number }>;

function handleGuard(s: State, ctx: Ctx, e: HandleEvent): string | null {
  if (slave(s)) return 'the broker is a slave: acks go to the master';
  const k = findCkForHandle(s, ctx, e.queueId, e.startOffset, e.popTime, e.offset);
  if (k < 0) return `no receipt handle for offset ${e.offset} (queue ${e.queueId}, startOffset ${e.startOffset}, popTime ${e.popTime})`;
  const c = ctx.L.ck(k);
  const bit = 1 << (e.offset - e.startOffset);
  // A client may send an ack again (a duplicate); it cannot change the invisible time of an offset it acked.
  // It may also use a handle a changeInvisibleTime superseded (a stale handle): RocketMQ accepts it.
  const i = e.offset - e.startOffset;
  const stale = supersededBy(s, ctx, k, i) >= 0 ? bit : 0;
  const usable = e.type === 'ack' ? (s[c + C.HELD] | s[c + C.ACKED] | stale) & bit : (s[c + C.HELD] | (stale & ~s[c + C.ACKED])) & bit;
  if (usable === 0) return `the client no longer holds a handle for offset ${e.offset}`;
  // Repeating an ack that can only get NO_MESSAGE would change nothing.
  if ((s[c + C.HELD] & bit) === 0 && offsetIllegal(s, ctx, k, e.offset - e.startOffset)) {
    return `offset ${e.offset} was deleted by retention: a repeated ack gets NO_MESSAGE and changes nothing`;
  }
  return null;
}

/** The CK whose asynchronous retries a reviveComplete event names (in the in-flight map or not), or -1. */
function inflightCk(s: Int32Array, ctx: Ctx, q: number, so: number, pt: number): number {
  for (let k = 0; k < s[G.NCK]; k++) {
    const c = ctx.L.ck(k);
    if (s[c + C.RETRY_PENDING] !== 0 && s[c + C.QUEUE] === q && s[c + C.START] === so && s[c + C.POP_TIME] === pt) return k;
  }
  return -1;
}

/** The CK whose late put of kind `put` awaits its callback, named by its key, or -1. */
function pendingPutCk(s: Int32Array, ctx: Ctx, put: 'ck' | 'ack', q: number, so: number, pt: number): number {
  const flag = put === 'ck' ? CF.CK_PUT_PENDING : CF.ACK_PUT_PENDING;
  for (let k = 0; k < s[G.NCK]; k++) {
    const c = ctx.L.ck(k);
    if ((s[c + C.FLAGS] & flag) !== 0 && s[c + C.QUEUE] === q && s[c + C.START] === so && s[c + C.POP_TIME] === pt) return k;
  }
  return -1;
}

/** Why `e` cannot happen in `s`, or null when it can. */
export function guard(s: State, ctx: Ctx, e: Event): string | null {
  const now = s[G.NOW];
  const at = eventTime(s, e);
  if (at < now) return `time cannot go back from ${fmtTime(now)} to ${fmtTime(at)}`;
  switch (e.type) {
    case 'tick':
      return e.to > now ? null : `tick must move the clock forward from ${fmtTime(now)}`;
    case 'pop':
      return popBlocked(s, ctx, e.queueId, e.popTime ?? at, at);
    case 'ack':
      return handleGuard(s, ctx, e);
    case 'changeInvisible': {
      const why = handleGuard(s, ctx, e);
      if (why !== null) return why;
      // The new CK's handle is (queueId, offset, popTime = now): at the instant of the pop it
      // would equal an existing handle, which RocketMQ's millisecond clock never produces.
      if (at <= e.popTime) return `changeInvisibleTime in the instant of the pop (${fmtTime(at)}) would reuse its receipt handle`;
      // Likewise whenever a CK with the handle (queueId, offset, now) exists: an earlier change
      // of the offset in this instant (with a superseded handle, or with the handle of another
      // delivery of it), or a pop from the offset in this instant after a crash, a role change
      // or scanGarbage rewound the pop offset.
      const taken = changeHandleTaken(s, ctx, e.queueId, e.offset, at);
      if (taken >= 0) {
        const what = s[ctx.L.ck(taken) + C.ORIGIN] === ORIGIN.POP ? 'the pop' : 'the change';
        return `changeInvisibleTime at ${fmtTime(at)} would write a CK with the receipt handle of ${what} made in the same instant`;
      }
      return null;
    }
    case 'ackMark': {
      const k = findCkForHandle(s, ctx, e.queueId, e.startOffset, e.popTime, e.offset);
      if (k < 0 || (s[ctx.L.ck(k) + C.PENDING_MARK] & (1 << (e.offset - e.startOffset))) === 0) {
        return `no addAk is waiting to mark offset ${e.offset}`;
      }
      return null;
    }
    case 'produce':
      return produceBlocked(s, ctx, e.queueId);
    case 'expire':
      return expireBlocked(s, ctx, e.queueId);
    case 'correctMinOffset':
      return correctMinOffsetBlocked(s, ctx, e.queueId);
    case 'storeReadable': {
      const unreadable = (s[G.FLAGS] & GF.UNREADABLE) !== 0;
      if (e.readable) return unreadable ? null : 'the store already answers getMessage';
      return unreadable ? 'the store already answers getMessage with null' : null;
    }
    case 'scan':
      return slave(s) ? 'the broker is a slave: the buffer service does not scan' : null;
    case 'gc':
      return slave(s) ? 'the broker is a slave' : gcBlocked(s, ctx, e.queueId);
    case 'timer': {
      const slot = nextTimerSlot(s, ctx);
      if (slot < 0) return 'the timer holds no CK or ACK';
      const due = slotDueAt(slot, ctx);
      return due <= at ? null : `the next timer slot is ${fmtTime(slot)}, read from ${fmtTime(due)} on, after ${fmtTime(at)}`;
    }
    case 'revive':
      // Its first read of the revive queue gets null, taken for "no new message": the pass ends having read nothing.
      if ((s[G.FLAGS] & GF.UNREADABLE) !== 0) return 'the store is not readable: the revive reads nothing';
      return reviveBlocked(s);
    case 'reviveComplete': {
      const k = inflightCk(s, ctx, e.queueId, e.startOffset, e.popTime);
      if (k < 0) return `no retries in flight for CK@${e.startOffset} (queue ${e.queueId}, popTime ${e.popTime})`;
      if (e.readFails === undefined) return null;
      const j = e.readFails - e.startOffset;
      const pending = s[ctx.L.ck(k) + C.RETRY_PENDING];
      return j >= 0 && j < 32 && (pending & (1 << j)) !== 0 ? null : `no read of offset ${e.readFails} is in flight for CK@${e.startOffset}`;
    }
    case 'putComplete':
      return pendingPutCk(s, ctx, e.put, e.queueId, e.startOffset, e.popTime) < 0
        ? `no ${e.put === 'ck' ? 'CK' : 'ACK'} put of CK@${e.startOffset} (queue ${e.queueId}, popTime ${e.popTime}) awaits its callback`
        : null;
    case 'persist':
    case 'crash':
      return null;
    case 'roleChange':
      return e.role === 'slave' ? (slave(s) ? 'the broker is already a slave' : null) : slave(s) ? null : 'the broker is already the master';
  }
}

/** The state after `e` (which must pass `guard`). Narration goes to ctx.notes when present. */
export function apply(s: State, ctx: Ctx, e: Event): State {
  return applyInto(s, ctx, e, s.slice());
}

/**
 * Like `apply`, but writes the next state into `out`, which must hold a copy of `s` (a
 * scratch buffer for dry runs). Returns `out` as a state.
 */
export function applyInto(s: State, ctx: Ctx, e: Event, out: Int32Array): State {
  // An ack (nearly every step of ack-flush) in a function of its own, and every other event in
  // another: the ack's reads of the event's fields are then compiled for the ack's shape alone
  // (in one function they were for every shape of event seen, with the map checked again at
  // each), and applyInto is small enough for V8 to inline into its caller, the model's
  // `stepOnto`, with the ack's function (docs/explorer.md, "The model's plumbing per transition").
  return e.type === 'ack' ? applyAck(s, ctx, e, out) : applyOther(s, ctx, e, out);
}

/** applyInto for every event but an ack. */
function applyOther(s: State, ctx: Ctx, e: Exclude<Event, AckEvent>, out: Int32Array): State {
  const d = out;
  const at = eventTime(s, e);
  if (at > d[G.NOW]) d[G.NOW] = at;
  switch (e.type) {
    case 'tick':
      if (narrating(ctx)) observe(ctx, { kind: 'tick', to: at });
      break;
    case 'pop':
      pop(d, ctx, e.queueId, e.maxNums, e.popTime ?? at);
      break;
    case 'ackMark': {
      const k = findCkForHandle(d, ctx, e.queueId, e.startOffset, e.popTime, e.offset);
      ackMark(d, ctx, k, e.offset - e.startOffset);
      break;
    }
    case 'changeInvisible': {
      const k = findCkForHandle(d, ctx, e.queueId, e.startOffset, e.popTime, e.offset);
      changeInvisible(d, ctx, k, e.offset - e.startOffset, d[ctx.L.ck(k) + C.BROKER], e.invisibleTime);
      break;
    }
    case 'produce':
      produce(d, ctx, e.queueId);
      break;
    case 'expire':
      expire(d, ctx, e.queueId, e.minOffsetLags ?? false);
      break;
    case 'correctMinOffset':
      correctMinOffset(d, ctx, e.queueId);
      break;
    case 'storeReadable':
      if (e.readable) d[G.FLAGS] &= ~GF.UNREADABLE;
      else {
        d[G.FLAGS] |= GF.UNREADABLE;
        d[G.USED_UNREADABLE]++;
      }
      if (narrating(ctx)) observe(ctx, { kind: 'storeReadable', readable: e.readable });
      break;
    case 'scan':
      scan(d, ctx, e.slow ?? false);
      break;
    case 'gc':
      gc(d, ctx, e.queueId);
      break;
    case 'timer':
      deliverSlot(d, ctx);
      break;
    case 'revive':
      revive(d, ctx, e.retryFails ?? false);
      break;
    case 'reviveComplete':
      reviveComplete(d, ctx, inflightCk(d, ctx, e.queueId, e.startOffset, e.popTime), e.readFails);
      break;
    case 'putComplete':
      putComplete(d, ctx, pendingPutCk(d, ctx, e.put, e.queueId, e.startOffset, e.popTime), e.put);
      break;
    case 'persist':
      persist(d, ctx);
      break;
    case 'crash':
      crash(d, ctx);
      // A restart takes time: no request after it shares a popTime with one before it.
      d[G.NOW] += K.tick;
      break;
    case 'roleChange':
      if (e.role === 'slave') becomeSlave(d, ctx);
      else becomeMaster(d, ctx);
      d[G.NOW] += K.tick;
      break;
  }
  // A cast rather than asState (the same cast): a call of an imported function costs the check
  // of its binding on every step (docs/explorer.md, "The model's work per transition, a fifth round").
  return d as State;
}

/**
 * applyInto for an ack: the client acks `e.offset` with the receipt handle it names (the CK the
 * handle belongs to, which `guard` found), with the handle's brokerName (the CK's when the
 * event names none).
 */
function applyAck(s: State, ctx: Ctx, e: AckEvent, out: Int32Array): State {
  const d = out;
  // eventTime for an ack (not a tick), read here: eventTime's own reads see every shape of event.
  const at = e.at ?? s[G.NOW];
  if (at > d[G.NOW]) d[G.NOW] = at;
  const k = findCkForHandle(d, ctx, e.queueId, e.startOffset, e.popTime, e.offset);
  const bn = e.brokerName === undefined ? d[ctx.L.ck(k) + C.BROKER] : e.brokerName === null ? BROKER.NONE : BROKER_CODE[e.brokerName];
  ack(d, ctx, k, e.offset - e.startOffset, bn, e.storeFails ?? false);
  return d as State;
}

/** Applies `e` and returns the state with what happened: the observations, and their narration (notes). */
export function applyNarrated(
  s: State,
  ctx: Omit<Ctx, 'notes' | 'observations'>,
  e: Event,
): { state: State; notes: Note[]; observations: Observation[] } {
  const notes: Note[] = [];
  const observations: Observation[] = [];
  const state = apply(s, { L: ctx.L, s: ctx.s, notes, observations }, e);
  return { state, notes, observations };
}
