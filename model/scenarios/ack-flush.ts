/**
 * The seed scenario `ack-flush` (the #8835 shape): one pop of N messages into the buffer
 * (enablePopBufferMerge on), each message acked exactly once in any order, one buffer
 * flush (a scan after the CK's stay time) at any point among the acks, and then the
 * system runs to quiescence: the timer delivers the CK and the ACKs, and the revive
 * service scans once the CK is due. All (N+1)! orders of the acks and the flush are explored.
 *
 * Times: pop at 0; acks before the flush at 1 s (inside addAk's 8.5 s window); the flush
 * at popCkStayBufferTime + 0.5 s; acks after the flush at the same instant; timer
 * deliveries at their slots; the revive at the first instant the CK is due.
 */
import type { Event } from '../events.js';
import * as layoutModule from '../layout.js';
import { fullMask, Layout, popcount } from '../layout.js';
import * as contextModule from '../protocol/context.js';
import type { Ctx } from '../protocol/context.js';
import { reviveStart } from '../protocol/revive.js';
import { nextTimerDue } from '../protocol/store.js';
import type { ScenarioInstance } from '../popmodel.js';
import type { Settings } from '../settings.js';
import { initialState, type State } from '../state.js';
import { canonicalizeMessages } from '../symmetry.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { C, CF, E, G, KIND } = layoutModule;
const { K } = contextModule;

export const ACK_FLUSH_FIRST_OFFSET = 100;
export const MAX_MESSAGES = 32;

export interface AckFlushOptions {
  readonly messages: number;
  readonly release: string;
  readonly settings: Settings;
}

/** Why ack-flush cannot run with these settings (null: it can); model/identity.ts reports it. */
export function ackFlushSettingsError(s: Settings): string | null {
  if (s.putsCompleteLate && (s.appendCkAsync || s.appendAckAsync)) {
    return 'ack-flush schedules no callbacks of late asynchronous puts (appendCkAsync/appendAckAsync with putsCompleteLate); use --scenario full';
  }
  const minInvisible = s.popCkStayBufferTime + K.tick + K.ackTimeInterval + K.tick;
  if (s.popInvisibleTime >= minInvisible) return null;
  return `ack-flush needs popInvisibleTime >= ${minInvisible} ms (the CK must not be due before the flush at popCkStayBufferTime + 0.5 s); use --scenario full for shorter times`;
}

export function ackFlush(o: AckFlushOptions): ScenarioInstance {
  const n = o.messages;
  if (!Number.isInteger(n) || n < 1 || n > MAX_MESSAGES) throw new RangeError(`messages must be 1..${MAX_MESSAGES}`);
  const s = o.settings;
  const why = ackFlushSettingsError(s);
  if (why !== null) throw new RangeError(why);
  const L = new Layout({ queues: 1, messagesPerQueue: n, ckSlots: 1, entries: n + 2 });
  const so = ACK_FLUSH_FIRST_OFFSET;
  const popTime = 0;
  const ackAt = popTime + 1000;
  const flushAt = popTime + s.popCkStayBufferTime + K.tick;
  const popEvent: Event = { type: 'pop', queueId: 0, maxNums: n, at: popTime };
  const mkAck = (i: number, at: number): Event => ({ type: 'ack', queueId: 0, startOffset: so, popTime, offset: so + i, at });
  const acksBefore = Array.from({ length: n }, (_, i) => mkAck(i, ackAt));
  const acksAfter = Array.from({ length: n }, (_, i) => mkAck(i, flushAt));
  const flush: Event = { type: 'scan', at: flushAt };
  const all = fullMask(n);
  // Every list `enabled` returns depends on a few numbers only (which messages are held and
  // whether the CK was flushed; or the instant of a timer or revive), so each is made once and
  // returned again: the explorer only reads the lists (readonly Event[]), and a list made per
  // state, holes and write barriers and its collection, was about 85 instructions a transition
  // (docs/explorer.md, "The enabled list made once per held set").
  const popList = listOf(popEvent);
  const noEvents = eventList(0);
  const timerAt = new Map<number, Event[]>();
  const reviveAt = new Map<number, Event[]>();
  const intern = (m: Map<number, Event[]>, at: number, type: 'timer' | 'revive'): Event[] => {
    const known = m.get(at);
    if (known) return known;
    const list = listOf({ type, at });
    m.set(at, list);
    return list;
  };
  // The acks' lists by held set, one table before the flush (the flush last) and one after;
  // up to MEMO_MESSAGES messages (2 × 2^16 slots at most; beyond, a list a call as before).
  const memo = n <= MEMO_MESSAGES;
  const listsBefore = eventLists(memo ? 1 << n : 0);
  const listsAfter = eventLists(memo ? 1 << n : 0);
  const acksList = (held: number, flushed: boolean): Event[] => {
    // Made at its length and filled by index: pushing onto an empty array calls a builtin
    // that grows it, several hundred instructions a push (docs/explorer.md, "Counting instructions").
    const out = eventList(popcount(held) + (flushed ? 0 : 1));
    const acks = flushed ? acksAfter : acksBefore;
    let j = 0;
    // The held messages in index order, one set bit at a time (lowest first).
    for (let h = held; h !== 0; h &= h - 1) out[j++] = acks[31 - Math.clz32(h & -h)];
    if (!flushed) out[j] = flush;
    return out;
  };

  return {
    scenario: 'ack-flush',
    bounds: `N=${n}`,
    release: o.release,
    settings: s,
    layout: L,
    initial: [initialState(L, [{ minOffset: so, messages: n }])],
    enabled(st: State, ctx: Ctx): readonly Event[] {
      if (st[G.NCK] === 0) return popList;
      const c = L.ck(0);
      const flushed = (st[c + C.FLAGS] & CF.IN_BUFFER) === 0;
      const held = st[c + C.HELD] & all;
      if (held !== 0 || !flushed) {
        if (!memo) return acksList(held, flushed);
        const lists = flushed ? listsAfter : listsBefore;
        const known = lists[held];
        if (known !== undefined) return known;
        return (lists[held] = acksList(held, flushed));
      }
      const due = nextTimerDue(st, ctx);
      if (due >= 0) return intern(timerAt, Math.max(st[G.NOW], due), 'timer');
      const at = reviveDueAt(st, ctx);
      return at < 0 ? noEvents : intern(reviveAt, at, 'revive');
    },
    exceeds(st: State, _ctx: Ctx, e: Event): string | null {
      if (e.type === 'pop' && st[G.NCK] > 0) return 'exceeds the bounds: ack-flush pops once';
      if (e.type === 'changeInvisible' || e.type === 'produce' || e.type === 'expire' || e.type === 'gc' || e.type === 'crash' || e.type === 'roleChange') {
        return `exceeds the bounds: ack-flush has no ${e.type} events (use the full scenario)`;
      }
      if (e.type === 'revive' && e.retryFails) return 'exceeds the bounds: ack-flush has no failing retry writes (use the full scenario)';
      if (e.type === 'ack' && e.storeFails) return 'exceeds the bounds: ack-flush has no failing ACK puts (use the full scenario)';
      return null;
    },
    canonicalize: (st: State, ctx: Ctx) => canonicalizeMessages(st, ctx, 0),
  };
}

/**
 * A list of `n` events, to be filled by index. Every list ack-flush's `enabled` returns is made
 * here, so that V8 holds them all as one kind of array (of objects, with room for holes; an
 * empty one too, once this site has made a list of objects): the explorer's loop, which reads
 * them, is compiled for that one kind. A literal list (`[e]`, of another kind than `new Array`'s),
 * met first after the loop was compiled, and a literal `[]` (a list of small integers to V8) each
 * made V8 compile the loop again (docs/explorer.md, "Compiling and inline caches").
 */
function eventList(n: number): Event[] {
  return new Array<Event>(n);
}

/** The most messages for which ack-flush keeps its acks' lists by held set (2^16 slots a table). */
const MEMO_MESSAGES = 16;

/** A table of `n` event lists, each slot empty until its list is made (fast holey elements: n is at most 2^16). */
function eventLists(n: number): (Event[] | undefined)[] {
  return new Array<Event[] | undefined>(n);
}

/** The list of the one event `e` (see eventList). */
function listOf(e: Event): Event[] {
  const out = eventList(1);
  out[0] = e;
  return out;
}

/**
 * The first instant a revive scan would process a CK that is in the revive queue and not
 * yet revived, or -1 when there is none: endTime must move to now (3 s without new
 * messages) and exceed T by more than 2 s.
 */
export function reviveDueAt(st: State, ctx: Ctx): number {
  const L = ctx.L;
  let pending = -1;
  let maxDeliver = 0;
  for (let p = reviveStart(st) + 1, nlog = st[G.NLOG]; p < nlog; p++) {
    const e = L.log(p);
    maxDeliver = Math.max(maxDeliver, st[e + E.DELIVER]);
    if (pending < 0 && st[e + E.KIND] === KIND.CK && (st[L.ck(st[e + E.CK]) + C.FLAGS] & CF.REVIVED) === 0) pending = st[e + E.CK];
  }
  if (pending < 0) return -1;
  const c = L.ck(pending);
  const T = st[c + C.POP_TIME] + st[c + C.INVISIBLE];
  return Math.max(st[G.NOW], maxDeliver + K.reviveIdle + K.tick, T + K.reviveDueMargin + K.tick);
}
