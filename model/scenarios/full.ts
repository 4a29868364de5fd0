/**
 * The `full` scenario: every event of the protocol that its bounds allow, in every order.
 * Client behaviour (pops, acks, changes of invisible time, duplicate and failing acks),
 * broker services (buffer scans, timer, revive, garbage collection), the store (produce,
 * retention) and failures (crashes, role changes, slow scans, failed retry writes) are all
 * nondeterministic; time jumps between breakpoints (protocol/time.ts).
 *
 * By default the timer wheel and the buffer scan are prompt: time does not pass while a
 * timer slot is due or a scan would change something (they run every few ms in RocketMQ).
 * `timerLag` and `scanStalls` lift that.
 */
import type { Event } from '../events.js';
import * as layoutModule from '../layout.js';
import { Layout, popcount } from '../layout.js';
import * as contextModule from '../protocol/context.js';
import type { Ctx } from '../protocol/context.js';
import { persistUseful } from '../protocol/broker.js';
import { ackInTime, addAkRefusal, changeHandleTaken, findCkForHandle, offsetIllegal, supersededBy } from '../protocol/ack.js';
import { findWrapper } from '../protocol/keys.js';
import { popBlocked } from '../protocol/pop.js';
import { correctMinOffsetBlocked, expireBlocked, gcBlocked, produceBlocked } from '../protocol/queue.js';
import { REVIVE_CHANGES, REVIVE_IDLE, reviveBlocked, reviveOutlook, reviveStart } from '../protocol/revive.js';
import { nextTimerDue } from '../protocol/store.js';
import { lateAck, lateCk, putCallbackPending, scanChanges } from '../protocol/buffer.js';
import { nextBreakpoint } from '../protocol/time.js';
import type { ScenarioInstance } from '../popmodel.js';
import type { Settings } from '../settings.js';
import { applyInto } from '../step.js';
import { canonicalizeAllCks } from '../symmetry.js';
import { initialState, type State } from '../state.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { C, CF, G, GF, ORIGIN } = layoutModule;
const { K } = contextModule;

export interface FullBounds {
  readonly queues: number;
  /** Messages in each queue at the start. */
  readonly messages: number;
  readonly pops: number;
  /** maxNums of each pop. */
  readonly batch: number;
  /** Pops happen only up to this model time, ms (-1: any time). */
  readonly popsUntil: number;
  /** The client and the producer act only up to this model time, ms (-1: any time); the broker runs on. */
  readonly horizon: number;
  /** Acks the client sends at most (first acks of a handle; -1: no limit). */
  readonly acks: number;
  /** Acks the client may send after the CK's revive time T. */
  readonly lateAcks: number;
  readonly dupAcks: number;
  readonly changes: number;
  /**
   * Acks and changes of invisible time the client may send with a superseded receipt handle:
   * one a changeInvisibleTime already replaced (needs `changes`). Repeats of an ack sent with
   * it count as duplicate acks.
   */
  readonly staleHandles: number;
  readonly storeFailures: number;
  readonly retryFailures: number;
  /** Revive reads of a CK's message that complete exceptionally (asynchronous reads only). */
  readonly readFailures: number;
  readonly slowScans: number;
  readonly crashes: number;
  /** Demotions (master -> slave); each is followed, at some later time, by a return to master that is not counted. */
  readonly roleChanges: number;
  readonly produce: number;
  readonly expire: number;
  readonly gc: number;
  /** Windows in which DefaultMessageStore.getMessage answers null (not readable, as in a start-up after a restart). */
  readonly unreadable: number;
  /** Retention cleans the commit log first; the consume queue's min offset follows in a later step (correctMinOffset). */
  readonly cqLag: boolean;
  /** Pops may sample popTime one tick before their read. */
  readonly popLag: boolean;
  readonly timerLag: boolean;
  readonly scanStalls: boolean;
  /** RocketMQ queueIds of the model queues. */
  readonly queueIds: readonly number[];
  /** First offset of each queue. */
  readonly firstOffsets: readonly number[];
}

export const FULL_DEFAULTS: FullBounds = {
  queues: 1,
  messages: 3,
  pops: 2,
  batch: 2,
  popsUntil: -1,
  horizon: -1,
  acks: -1,
  lateAcks: 0,
  dupAcks: 0,
  changes: 0,
  staleHandles: 0,
  storeFailures: 0,
  retryFailures: 0,
  readFailures: 0,
  slowScans: 0,
  crashes: 0,
  roleChanges: 0,
  produce: 0,
  expire: 0,
  gc: 0,
  unreadable: 0,
  cqLag: false,
  popLag: false,
  timerLag: false,
  scanStalls: false,
  queueIds: [0, 1, 2, 3],
  firstOffsets: [100, 100, 100, 100],
};

export function describeBounds(b: FullBounds): string {
  const parts = [`queues=${b.queues}`, `messages=${b.messages}`, `pops=${b.pops}`, `batch=${b.batch}`];
  if (b.acks >= 0) parts.push(`acks=${b.acks}`);
  if (b.popsUntil >= 0) parts.push(`popsUntil=${b.popsUntil}ms`);
  if (b.horizon >= 0) parts.push(`horizon=${b.horizon}ms`);
  const extra: [string, number | boolean][] = [
    ['lateAcks', b.lateAcks],
    ['dupAcks', b.dupAcks],
    ['changes', b.changes],
    ['staleHandles', b.staleHandles],
    ['storeFailures', b.storeFailures],
    ['retryFailures', b.retryFailures],
    ['readFailures', b.readFailures],
    ['slowScans', b.slowScans],
    ['crashes', b.crashes],
    ['roleChanges', b.roleChanges],
    ['produce', b.produce],
    ['expire', b.expire],
    ['gc', b.gc],
    ['unreadable', b.unreadable],
    ['cqLag', b.cqLag],
    ['popLag', b.popLag],
    ['timerLag', b.timerLag],
    ['scanStalls', b.scanStalls],
  ];
  for (const [name, v] of extra) if (v !== false && v !== 0) parts.push(v === true ? name : `${name}=${v}`);
  return parts.join(', ');
}

export function full(o: { readonly bounds: FullBounds; readonly release: string; readonly settings: Settings }): ScenarioInstance {
  const b = o.bounds;
  const s = o.settings;
  const check = (ok: boolean, msg: string): void => {
    if (!ok) throw new RangeError(msg);
  };
  check(b.queues >= 1 && b.queues <= 4, 'queues must be 1..4');
  check(b.messages >= 1 && b.messages <= 16, 'messages must be 1..16');
  check(b.batch >= 1 && b.batch <= 32, 'batch must be 1..32');
  check(b.pops >= 1 && b.pops <= 16, 'pops must be 1..16');
  check(b.queueIds.length >= b.queues && b.firstOffsets.length >= b.queues, 'give a queueId and a first offset for every queue');
  const messagesPerQueue = Math.min(32, b.messages + b.produce);
  const maxCkMessages = Math.min(32, b.batch);
  // CKs: pops, changes of invisible time, re-puts after failed retries, and with asynchronous
  // retries one back-pressure re-put per pop (hazard I-6). A failing revive pass re-puts one
  // one-message CK per unacked message of every due CK; after a crash, a role change or gc
  // the same message can be held by several popped CKs, so the bound counts the messages
  // of every CK that can exist (popped ones and changed ones), not the messages of a queue.
  const asyncRetries = s.reviveAsync && s.asyncBizRead;
  const revivable = b.pops * Math.min(maxCkMessages, messagesPerQueue) + b.changes;
  // A failed read re-puts one CK (with PR #10986) or strands its CK, which the back-pressure
  // may re-put with a timestamp; and a timestamp re-put is copied once where a read past the
  // queue's end re-puts (5.2.0-5.3.0, the re-puts-terminate invariant).
  const timestampRePuts = asyncRetries ? b.pops + b.readFailures : 0;
  const overflowCopies = asyncRetries && s.reviveRePutsOverflowRead && !s.rePutCkOmitsBrokerName ? timestampRePuts : 0;
  const ckSlots = b.pops + b.changes + b.retryFailures * revivable + timestampRePuts + (asyncRetries ? b.readFailures : 0) + overflowCopies;
  const entries = 2 * ckSlots + b.queues * messagesPerQueue + b.dupAcks + b.changes + b.staleHandles + b.storeFailures + 4;
  // appendAckAsync with a store that completes late: per-CK masks of ACK puts awaiting their callback.
  const lateAcks = lateAck(s);
  const latePuts = lateAcks || lateCk(s);
  const L = new Layout({ queues: b.queues, messagesPerQueue, ckSlots, entries, ackPutMasks: lateAcks });
  const initial = initialState(
    L,
    Array.from({ length: b.queues }, (_, q) => ({ minOffset: b.firstOffsets[q], messages: b.messages, queueId: b.queueIds[q] })),
  );
  // With popLag, a pop may sample popTime one tick before its read: start one tick in.
  if (b.popLag) initial[G.NOW] = K.tick;
  const changeTo = s.popInvisibleTime;
  // Dry runs ("would this event change anything?") build the successor in a buffer of their
  // own: when the event is enabled, that buffer is the state it leads to, and the explorer
  // takes it from `after` instead of applying the event again. Only the revive is dry-run, and
  // only when reviveOutlook cannot tell: the scan is not (an exact predicate, scanChanges,
  // decides), and the explorer builds its successor as any other event's, on its own copy of
  // the parent (building it here cost two copies of the state). `exceeds` has its own scratch.
  // With the explorer's kernel, they are buffers it gives in its memory (useBuffers), where the
  // parent is too: there the revive's "changes nothing" is compared in WebAssembly (`same`).
  const own: readonly Int32Array[] = [new Int32Array(L.words), new Int32Array(L.words)];
  let [afterRevive, afterReviveFailing] = own;
  let same: (a: Int32Array, b: Int32Array) => boolean = sameState;
  const exceedsScratch = new Int32Array(L.words);
  const dryRun = (st: State, ctx: Ctx, e: Event, into: Int32Array): State => {
    into.set(st);
    return applyInto(st, ctx, e, into);
  };

  // Messages of a CK are interchangeable unless some feature ties a message to its offset
  // (retention, produce, popTime before the read, a new CK for one offset) or lets two CKs
  // hold the same offset (a crash, a role change or scanGarbage re-pops it).
  const symmetric =
    b.expire === 0 && b.produce === 0 && !b.popLag && b.changes === 0 && b.retryFailures === 0 && b.crashes === 0 && b.roleChanges === 0 && b.gc === 0 && b.unreadable === 0 && !asyncRetries && !lateAcks;

  // With batch 1 no CK holds two messages (a pop takes at most `batch`, every other CK one or
  // none: takeCkSlot's callers), so canonicalizeAllCks returns every state as it is; it is not
  // called (about 400 instructions a transition on --pops 4). test/model/full.test.ts checks it.
  const oneMessageCks = b.batch <= 1;

  return {
    scenario: 'full',
    bounds: describeBounds(b),
    release: o.release,
    settings: s,
    layout: L,
    initial: [initial],
    dryRunBuffers: own.length,
    useBuffers(buffers: readonly Int32Array[] | null, sameWords: ((a: Int32Array, b: Int32Array) => boolean) | null): void {
      [afterRevive, afterReviveFailing] = buffers ?? own;
      same = sameWords ?? sameState;
    },
    enabled(st: State, ctx: Ctx, after?: (State | null)[]): readonly Event[] {
      const out: Event[] = [];
      const now = st[G.NOW];
      const slave = (st[G.FLAGS] & GF.SLAVE) !== 0;

      // Broker services.
      const due = nextTimerDue(st, ctx);
      const timerDue = due >= 0 && due <= now;
      if (timerDue) out.push(TIMER);
      let scanPending = false;
      if (!slave) {
        // scanChanges is exact: no dry run; the explorer builds the scan's successor (on its copy of the parent).
        if (scanChanges(st, ctx)) {
          scanPending = true;
          out.push(SCAN);
        }
        if (st[G.USED_SLOW_SCANS] < b.slowScans && (st[G.FLAGS] & GF.SERVING) !== 0) out.push(SLOW_SCAN);
      }
      // reviveOutlook spares the dry run of a pass that has nothing due (then the failing one has none
      // either), and of one that surely changes the state when no failing pass is to be compared with it:
      // then the explorer builds its successor.
      const outlook = (st[G.FLAGS] & GF.UNREADABLE) === 0 && reviveBlocked(st) === null && reviveHasWork(st) ? reviveOutlook(st, ctx) : REVIVE_IDLE;
      const failingLeft = st[G.USED_RETRY_FAILURES] < b.retryFailures;
      if (outlook === REVIVE_CHANGES && !failingLeft) out.push(REVIVE);
      else if (outlook !== REVIVE_IDLE) {
        const next = dryRun(st, ctx, REVIVE, afterRevive);
        if (!same(st, next)) offerBuilt(out, after, REVIVE, next);
        if (failingLeft) {
          // Offered only if failing retry writes make a difference beyond the used-up budget.
          const nextFail = dryRun(st, ctx, REVIVE_FAILING, afterReviveFailing);
          nextFail[G.USED_RETRY_FAILURES]--;
          const differs = !same(next, nextFail);
          nextFail[G.USED_RETRY_FAILURES]++;
          if (differs) offerBuilt(out, after, REVIVE_FAILING, nextFail);
        }
      }
      // Retries in flight exist only with asynchronous retries (reviveMsgFromCk).
      for (let k = 0, nck = asyncRetries ? st[G.NCK] : 0; k < nck; k++) {
        const c = ctx.L.ck(k);
        const pending = st[c + C.RETRY_PENDING];
        if (pending !== 0) {
          const handle = { queueId: st[c + C.QUEUE], startOffset: st[c + C.START], popTime: st[c + C.POP_TIME] };
          out.push({ type: 'reviveComplete', ...handle });
          if (st[G.USED_READ_FAILURES] < b.readFailures) {
            for (let j = 0, num = st[c + C.NUM]; j < num; j++) if (pending & (1 << j)) out.push({ type: 'reviveComplete', ...handle, readFails: handle.startOffset + j });
          }
        }
      }
      // Callbacks of late asynchronous puts (appendCkAsync / appendAckAsync with putsCompleteLate).
      // (Only late puts leave a callback pending: putCkToStore, addCkJustOffset, putBufferedAcks.)
      const callbacks = latePuts && putCallbackPending(st, ctx);
      if (callbacks) {
        for (let k = 0, nck = st[G.NCK]; k < nck; k++) {
          const c = ctx.L.ck(k);
          const f = st[c + C.FLAGS];
          const key = { queueId: st[c + C.QUEUE], startOffset: st[c + C.START], popTime: st[c + C.POP_TIME] };
          if ((f & CF.CK_PUT_PENDING) !== 0) out.push({ type: 'putComplete', put: 'ck', ...key });
          if ((f & CF.ACK_PUT_PENDING) !== 0) out.push({ type: 'putComplete', put: 'ack', ...key });
        }
      }
      if (st[G.USED_GCS] < b.gc) for (let q = 0; q < b.queues; q++) if (gcBlocked(st, ctx, q) === null) out.push({ type: 'gc', queueId: q });
      const restartsLeft = st[G.USED_CRASHES] < b.crashes || st[G.USED_ROLE_CHANGES] < b.roleChanges || slave;
      if (restartsLeft && persistUseful(st, ctx)) out.push(PERSIST);
      if (st[G.USED_CRASHES] < b.crashes) out.push(CRASH);
      // roleChanges bounds the demotions; a slave always has a takeover to come (the group
      // gets a master back, with the replicated revive topic), so no run ends as slave.
      if (slave) out.push(TO_MASTER);
      else if (st[G.USED_ROLE_CHANGES] < b.roleChanges) out.push(TO_SLAVE);

      const clientActive = b.horizon < 0 || now <= b.horizon;
      // A window in which the store answers getMessage with null always ends (no run ends in it).
      if ((st[G.FLAGS] & GF.UNREADABLE) !== 0) out.push(READABLE);
      else if (st[G.USED_UNREADABLE] < b.unreadable && clientActive) out.push(UNREADABLE);

      // The store.
      for (let q = 0; q < b.queues && clientActive; q++) {
        if (st[G.USED_PRODUCES] < b.produce && produceBlocked(st, ctx, q) === null) out.push({ type: 'produce', queueId: q });
        if (st[G.USED_EXPIRIES] < b.expire && expireBlocked(st, ctx, q) === null) out.push(b.cqLag ? { type: 'expire', queueId: q, minOffsetLags: true } : { type: 'expire', queueId: q });
      }
      for (let q = 0; q < b.queues && b.cqLag; q++) if (correctMinOffsetBlocked(st, ctx, q) === null) out.push({ type: 'correctMinOffset', queueId: q });

      // The client.
      if (clientActive && st[G.USED_POPS] < b.pops && (b.popsUntil < 0 || now <= b.popsUntil)) {
        for (let q = 0; q < b.queues; q++) {
          if (popBlocked(st, ctx, q, now) === null) out.push({ type: 'pop', queueId: q, maxNums: b.batch });
          if (b.popLag && now >= K.tick && popBlocked(st, ctx, q, now - K.tick) === null) {
            out.push({ type: 'pop', queueId: q, maxNums: b.batch, popTime: now - K.tick });
          }
        }
      }
      if (!slave) clientAcks(st, ctx, b, changeTo, out, clientActive);

      // Time.
      // A late put's callback runs within the instant (the flush or replication takes less than 500 ms).
      const prompt = (timerDue && !b.timerLag) || (scanPending && !b.scanStalls) || callbacks;
      if (!prompt) {
        const next = nextBreakpoint(st, ctx);
        if (next > now) out.push({ type: 'tick', to: next });
      }
      return out;
    },
    exceeds(st: State, ctx: Ctx, e: Event): string | null {
      return exceedsBounds(b, st, ctx, e, exceedsScratch);
    },
    ...(symmetric ? { canonicalize: oneMessageCks ? (st: State) => st : (st: State, ctx: Ctx) => canonicalizeAllCks(st, ctx) } : {}),
  };
}

/** Budgets events use up: the state's counter, the bound, what one use is. */
const BUDGETS: readonly (readonly [number, keyof FullBounds, string])[] = [
  [G.USED_POPS, 'pops', 'pop'],
  [G.USED_CHANGES, 'changes', 'changeInvisibleTime'],
  [G.USED_RETRY_FAILURES, 'retryFailures', 'revive pass with failing retry writes'],
  [G.USED_READ_FAILURES, 'readFailures', 'revive read that completes exceptionally'],
  [G.USED_STORE_FAILURES, 'storeFailures', 'failing ACK put'],
  [G.USED_DUP_ACKS, 'dupAcks', 'repeated ack'],
  [G.USED_LATE_ACKS, 'lateAcks', 'ack after T'],
  [G.USED_STALE_HANDLES, 'staleHandles', 'use of a superseded receipt handle'],
  [G.USED_SLOW_SCANS, 'slowScans', 'slow scan'],
  [G.USED_CRASHES, 'crashes', 'crash'],
  [G.USED_ROLE_CHANGES, 'roleChanges', 'role change'],
  [G.USED_PRODUCES, 'produce', 'produced message'],
  [G.USED_EXPIRIES, 'expire', 'expired message'],
  [G.USED_GCS, 'gc', 'scanGarbage run'],
  [G.USED_UNREADABLE, 'unreadable', 'window of an unreadable store'],
];

/**
 * Why `e` (which the protocol allows in `st`) needs more than the bounds give, or null. A
 * trace replayed against the full scenario may contain any event the protocol allows, but
 * the state is laid out for the bounds (CK slots, revive-topic entries): an event beyond
 * them is refused here, naming the bound, instead of overflowing the layout.
 */
function exceedsBounds(b: FullBounds, st: State, ctx: Ctx, e: Event, scratch: Int32Array): string | null {
  const over = (key: keyof FullBounds, what: string, n: number): string =>
    `exceeds the bounds: ${what} number ${n}, and bounds.${key} is ${String(b[key])}`;
  // Uses that would overflow the layout before they are counted.
  if (e.type === 'pop' && st[G.USED_POPS] >= b.pops) return over('pops', 'pop', st[G.USED_POPS] + 1);
  if (e.type === 'changeInvisible' && st[G.USED_CHANGES] >= b.changes) return over('changes', 'changeInvisibleTime', st[G.USED_CHANGES] + 1);
  if (e.type === 'revive' && e.retryFails && st[G.USED_RETRY_FAILURES] >= b.retryFailures) {
    return over('retryFailures', 'revive pass with failing retry writes', st[G.USED_RETRY_FAILURES] + 1);
  }
  if (e.type === 'reviveComplete' && e.readFails !== undefined && st[G.USED_READ_FAILURES] >= b.readFailures) {
    return over('readFailures', 'revive read that completes exceptionally', st[G.USED_READ_FAILURES] + 1);
  }
  const at = e.type === 'tick' ? e.to : (e.at ?? st[G.NOW]);
  if (e.type === 'pop' && b.popsUntil >= 0 && at > b.popsUntil) return `exceeds the bounds: a pop at ${at} ms, and bounds.popsUntil is ${b.popsUntil} ms`;
  const client = e.type === 'pop' || e.type === 'ack' || e.type === 'changeInvisible' || e.type === 'produce' || e.type === 'expire';
  if (client && b.horizon >= 0 && at > b.horizon) return `exceeds the bounds: a ${e.type} at ${at} ms, and bounds.horizon is ${b.horizon} ms`;
  let after: State;
  try {
    scratch.set(st);
    after = applyInto(st, ctx, e, scratch);
  } catch (err) {
    const msg = (err as Error).message;
    if (msg.startsWith('model bound exceeded')) return `exceeds the bounds: ${msg.replace(/^model bound exceeded: /, '')} (raise the bounds)`;
    throw err;
  }
  for (const [counter, key, what] of BUDGETS) {
    if (after[counter] > (b[key] as number)) return over(key, what, after[counter]);
  }
  if (b.acks >= 0 && e.type === 'ack' && ackedSoFar(after, ctx) > b.acks && ackedSoFar(after, ctx) > ackedSoFar(st, ctx)) {
    return over('acks', 'first ack', ackedSoFar(after, ctx));
  }
  return null;
}

/** Offers `e`, whose successor `next` a dry run built (see ScenarioInstance.enabled). */
function offerBuilt(out: Event[], after: (State | null)[] | undefined, e: Event, next: State): void {
  if (after) after[out.length] = next;
  out.push(e);
}

/** Could a revive pass change anything: an unread entry, or an in-memory offset behind the committed one? */
function reviveHasWork(st: State): boolean {
  return st[G.NLOG] - 1 > reviveStart(st) || st[G.REVIVE_MEM] < st[G.REVIVE_COMMIT];
}

/** Events without parameters, built once. */
const SCAN: Event = { type: 'scan' };
const SLOW_SCAN: Event = { type: 'scan', slow: true };
const TIMER: Event = { type: 'timer' };
const REVIVE: Event = { type: 'revive' };
const REVIVE_FAILING: Event = { type: 'revive', retryFails: true };
const PERSIST: Event = { type: 'persist' };
const CRASH: Event = { type: 'crash' };
const TO_SLAVE: Event = { type: 'roleChange', role: 'slave' };
const TO_MASTER: Event = { type: 'roleChange', role: 'master' };
const UNREADABLE: Event = { type: 'storeReadable', readable: false };
const READABLE: Event = { type: 'storeReadable', readable: true };

function sameState(a: Int32Array, b: Int32Array): boolean {
  // The clock is equal here (no event without `at` moves it).
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function clientAcks(st: State, ctx: Ctx, b: FullBounds, changeTo: number, out: Event[], clientActive: boolean): void {
  const firstAcksLeft = b.acks < 0 || ackedSoFar(st, ctx) < b.acks;
  const dupLeft = st[G.USED_DUP_ACKS] < b.dupAcks;
  const staleLeft = st[G.USED_STALE_HANDLES] < b.staleHandles;
  for (let k = 0, nck = st[G.NCK]; k < nck; k++) {
    const c = ctx.L.ck(k);
    const origin = st[c + C.ORIGIN];
    if (origin !== ORIGIN.POP && origin !== ORIGIN.CHANGE) continue;
    // The messages some event may be offered for: a mark pending, a handle held (a first ack, a
    // change), an ack to repeat, a superseded handle. Without any (most CKs once acked), the CK
    // offers nothing, and the rest of its record is not read.
    if ((st[c + C.PENDING_MARK] | st[c + C.HELD] | (dupLeft ? st[c + C.ACKED] : 0) | (staleLeft ? st[c + C.CHANGED] : 0)) === 0) continue;
    ckOffers(st, ctx, b, changeTo, out, clientActive, firstAcksLeft, k);
  }
}

/** The client's events for the messages of CK k (a pop's or a change's), in message order. */
function ckOffers(st: State, ctx: Ctx, b: FullBounds, changeTo: number, out: Event[], clientActive: boolean, firstAcksLeft: boolean, k: number): void {
  const now = st[G.NOW];
  // The budgets, read once for the CK (offering an event changes no word of the state).
  const lateLeft = st[G.USED_LATE_ACKS] < b.lateAcks;
  const staleLeft = st[G.USED_STALE_HANDLES] < b.staleHandles;
  const dupLeft = st[G.USED_DUP_ACKS] < b.dupAcks;
  const storeFailLeft = st[G.USED_STORE_FAILURES] < b.storeFailures;
  const changesLeft = st[G.USED_CHANGES] < b.changes;
  const c = ctx.L.ck(k);
  const held = st[c + C.HELD];
  const acked = st[c + C.ACKED];
  const pending = st[c + C.PENDING_MARK];
  // Events are built as literals with the handle's fields in this order (queueId, startOffset, popTime): no spread.
  const popTime = st[c + C.POP_TIME];
  const T = popTime + st[c + C.INVISIBLE];
  // An ack at T is late: the client's pop has timed out (see ackInTime).
  const inTime = ackInTime(now, T) || lateLeft;
  const queueId = st[c + C.QUEUE];
  const startOffset = st[c + C.START];
  for (let i = 0, num = st[c + C.NUM]; i < num; i++) {
    const bit = 1 << i;
    const offset = startOffset + i;
    if (pending & bit) out.push({ type: 'ackMark', queueId, startOffset, popTime, offset });
    if (!inTime || !clientActive) continue;
    if (staleLeft && (acked & bit) === 0 && (st[c + C.CHANGED] & ~held & bit) !== 0) staleHandleOffers(st, ctx, b, changeTo, out, k, i, firstAcksLeft);
    const firstAck = (held & bit) !== 0 && firstAcksLeft;
    const mayAck = firstAck || ((acked & bit) !== 0 && dupLeft);
    if (mayAck) {
      out.push({ type: 'ack', queueId, startOffset, popTime, offset });
      if (storeFailLeft && goesToStore(st, ctx, c)) out.push({ type: 'ack', queueId, startOffset, popTime, offset, storeFails: true });
    }
    if ((held & bit) !== 0 && changesLeft && now < T && now > popTime && changeHandleTaken(st, ctx, queueId, offset, now) < 0) {
      out.push({ type: 'changeInvisible', queueId, startOffset, popTime, offset, invisibleTime: changeTo });
    }
  }
}

/**
 * The client uses CK k's superseded handle for message index i (a changeInvisibleTime replaced
 * it; the client, or a proxy that renewed it, kept the old one): a first ack with it, and a
 * change of invisible time with it. Not for an offset retention deleted (NO_MESSAGE: nothing
 * would change).
 */
function staleHandleOffers(st: State, ctx: Ctx, b: FullBounds, changeTo: number, out: Event[], k: number, i: number, firstAcksLeft: boolean): void {
  if (supersededBy(st, ctx, k, i) < 0 || offsetIllegal(st, ctx, k, i)) return;
  const c = ctx.L.ck(k);
  // A handle names its CK by (queueId, startOffset, popTime): a change and a re-pop after a
  // crash in the same instant can share one, and the broker then goes by the other CK (the
  // one whose handle the client holds, else the first); that is not a use of this one.
  if (findCkForHandle(st, ctx, st[c + C.QUEUE], st[c + C.START], st[c + C.POP_TIME], st[c + C.START] + i) !== k) return;
  const handle = { queueId: st[c + C.QUEUE], startOffset: st[c + C.START], popTime: st[c + C.POP_TIME], offset: st[c + C.START] + i };
  if (firstAcksLeft) {
    out.push({ type: 'ack', ...handle });
    if (st[G.USED_STORE_FAILURES] < b.storeFailures && goesToStore(st, ctx, c)) out.push({ type: 'ack', ...handle, storeFails: true });
  }
  const T = st[c + C.POP_TIME] + st[c + C.INVISIBLE];
  if (st[G.USED_CHANGES] < b.changes && st[G.NOW] < T && changeHandleTaken(st, ctx, handle.queueId, handle.offset, st[G.NOW]) < 0) {
    out.push({ type: 'changeInvisible', ...handle, invisibleTime: changeTo });
  }
}

/** Offsets the client has acked so far, over all CKs. */
function ackedSoFar(st: State, ctx: Ctx): number {
  let n = 0;
  for (let k = 0, nck = st[G.NCK]; k < nck; k++) n += popcount(st[ctx.L.ck(k) + C.ACKED]);
  return n;
}

/** Would an ack of CK base `c` be written to the store (addAk refuses)? */
function goesToStore(st: State, ctx: Ctx, c: number): boolean {
  const w = ctx.s.enablePopBufferMerge ? findWrapper(st, ctx, st[c + C.QUEUE], st[c + C.START], st[c + C.POP_TIME], st[c + C.BROKER]) : -1;
  return addAkRefusal(st, ctx, w) !== null;
}
