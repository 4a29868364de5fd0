/**
 * Writing to the revive topic. A message with deliverTimeMs in the future becomes a timer
 * message (HookUtils.transformTimerMessage): it waits in the slot below deliverTimeMs
 * (rounded down to timerPrecisionMs; an exact multiple goes one whole slot back). The
 * wheel reads slot s only once its write time (now rounded down to the precision) has
 * passed s, that is from s + timerPrecisionMs on, the first multiple of the precision at
 * or after deliverTimeMs: never early, and up to one precision late (later when the timer
 * lags). A message whose deliverTimeMs is not in the future is appended to the revive
 * queue at once, whatever the timer still holds. Before 5.0.0, delay levels stand in for
 * the timer wheel (see writeRevive).
 *
 * Abstraction: a run of consecutive single AckMsg messages of the same CK with the same
 * brokerName and deliverTimeMs is kept as one entry whose mask holds all their offsets.
 * Nothing downstream can observe the order inside such a run (the revive matches each ACK
 * on its own, and commits revive offsets only at CK positions), so the run is a set. An
 * ACK for an offset already in the run starts a new entry (duplicates stay visible).
 *
 * Storage: one region of entry records, the revive queue's [0, NLOG) followed by the
 * timer's [NLOG, NLOG + NTIMER); see Layout.timer.
 */
import * as layoutModule from '../layout.js';
import type { EntryKind } from '../layout.js';
import type { Ctx } from './context.js';
import { narrating, observe, reviveMsgRef } from './observe.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { E, G, KIND } = layoutModule;

/** The slot HookUtils.transformTimerMessage puts a message in (its TIMER_OUT_MS). */
export function timerSlot(deliverMs: number, precision: number): number {
  return deliverMs % precision === 0 ? deliverMs - precision : Math.floor(deliverMs / precision) * precision;
}

/**
 * The first instant the timer can hand on the entries of `slot`. TimerMessageStore.dequeue
 * reads the slot at currReadTimeMs only while currReadTimeMs < currWriteTimeMs, and
 * currWriteTimeMs is now rounded down to the precision (maybeMoveWriteTime), so slot s is
 * read from s + precision on: for a message, the first multiple of the precision at or
 * after its deliverTimeMs. A delay level (ScheduleMessageService) expires at its time.
 */
export function slotDueAt(slot: number, ctx: Ctx): number {
  return ctx.s.timerMode === 'delayLevel' ? slot : slot + ctx.s.timerPrecisionMs;
}

/** The delay levels of ScheduleMessageService (messageDelayLevel), in ms. */
export const DELAY_LEVELS_MS = [
  1_000, 5_000, 10_000, 30_000, 60_000, 120_000, 180_000, 240_000, 300_000, 360_000, 420_000, 480_000, 540_000, 600_000,
  1_200_000, 1_800_000, 3_600_000, 7_200_000,
] as const;

/** computeDelayLevel: the smallest level longer than the wanted delay, else the largest. */
export function delayLevelMs(wantedMs: number): number {
  for (const level of DELAY_LEVELS_MS) if (level > wantedMs) return level;
  return DELAY_LEVELS_MS[DELAY_LEVELS_MS.length - 1];
}

/** A message for the revive topic. */
interface ReviveMsg {
  readonly kind: EntryKind;
  readonly ck: number;
  readonly broker: number;
  readonly mask: number;
  readonly deliverMs: number;
}

/** In the revive queue, E.SLOT marks how an entry arrived: through the timer, or written directly. */
export const ARRIVED = { VIA_TIMER: 0, DIRECT: 1 } as const;

function setEntry(d: Int32Array, e: number, m: ReviveMsg, slot: number): void {
  d[e + E.KIND] = m.kind;
  d[e + E.CK] = m.ck;
  d[e + E.BROKER] = m.broker;
  d[e + E.MASK] = m.mask;
  d[e + E.DELIVER] = m.deliverMs;
  d[e + E.SLOT] = slot;
}

/**
 * Opens a hole at entry position `pos` by shifting every used entry from there one place up:
 * `d.copyWithin(L.log(pos + 1), L.log(pos), L.log(end))`, written as a loop, last word first.
 * Most writes append (nothing moves) and the others move one or two entries, while the builtin
 * cost about 190 instructions a call, moving nothing or not (docs/explorer.md, "`full`'s model
 * work per state, again").
 */
function openAt(d: Int32Array, ctx: Ctx, pos: number): void {
  const L = ctx.L;
  const end = d[G.NLOG] + d[G.NTIMER];
  if (end >= L.entries) throw new Error(`model bound exceeded: more than ${L.entries} revive-topic entries`);
  for (let w = L.log(end) - 1, first = L.log(pos); w >= first; w--) d[w + E.SIZE] = d[w];
}

/**
 * Removes the entry at position `pos`, shifting the used entries after it one place down and
 * zeroing the last: `d.copyWithin(L.log(pos), L.log(pos + 1), L.log(end))` and
 * `d.fill(0, L.log(end - 1), L.log(end))`, as loops (see openAt).
 */
function removeAt(d: Int32Array, ctx: Ctx, pos: number): void {
  const L = ctx.L;
  const end = d[G.NLOG] + d[G.NTIMER];
  const last = L.log(end - 1);
  for (let w = L.log(pos); w < last; w++) d[w] = d[w + E.SIZE];
  for (let w = last; w < last + E.SIZE; w++) d[w] = 0;
}

/**
 * Writes a CK/ACK/bAck for the revive topic whose wanted delivery time is `deliverMs`
 * (CK: T - 1 s, ACK: T). With the timer wheel the message waits for the slot below
 * deliverMs and the revive reads deliverMs as its deliverTimeMs. With delay levels
 * (before 5.0.0) it is delayed by the smallest level longer than deliverMs - now and the
 * revive reads the delivery time plus 1 s (MsgUtil.getMessageDeliverTime on the re-put
 * message, #3507) when reviveEndTimeFromStoreTime is set.
 */
export function writeRevive(
  d: Int32Array,
  ctx: Ctx,
  kind: EntryKind,
  ck: number,
  broker: number,
  mask: number,
  deliverMs: number,
): void {
  const now = d[G.NOW];
  let slot: number;
  let readAs = deliverMs;
  if (ctx.s.timerMode === 'delayLevel') {
    slot = now + delayLevelMs(deliverMs - now);
    if (ctx.s.reviveEndTimeFromStoreTime) readAs = slot + 1000;
  } else {
    if (deliverMs <= now) {
      appendToQueue(d, ctx, { kind, ck, broker, mask, deliverMs }, ARRIVED.DIRECT);
      return;
    }
    slot = timerSlot(deliverMs, ctx.s.timerPrecisionMs);
  }
  const L = ctx.L;
  const n = d[G.NTIMER];
  // Keep the timer sorted by slot, first in first out within a slot: the write goes right
  // after the last entry whose slot is not later than its own. (`e` is the record at timer
  // position `at`, `prevSlot` the slot of the entry before it: each word read once.)
  let at = n;
  let e = L.timer(d, n);
  let prevSlot = 0;
  while (at > 0) {
    prevSlot = d[e - E.SIZE + E.SLOT];
    if (prevSlot <= slot) break;
    at--;
    e -= E.SIZE;
  }
  // The entry just before the place found: the write joins its ACK run if it can.
  if (at > 0 && prevSlot === slot && joinsRunOf(d, e - E.SIZE, kind, ck, broker, mask, readAs)) {
    d[e - E.SIZE + E.MASK] |= mask;
    return;
  }
  openAt(d, ctx, d[G.NLOG] + at);
  setEntry(d, L.timer(d, at), { kind, ck, broker, mask, deliverMs: readAs }, slot);
  d[G.NTIMER] = n + 1;
}

/** Appends to the revive queue (at position NLOG, before the timer's entries). */
function appendToQueue(d: Int32Array, ctx: Ctx, m: ReviveMsg, arrived: number): void {
  const L = ctx.L;
  const p = d[G.NLOG];
  if (p > 0 && joinsRun(d, L.log(p - 1), m)) {
    d[L.log(p - 1) + E.MASK] |= m.mask;
    return;
  }
  openAt(d, ctx, p);
  setEntry(d, L.log(p), m, arrived);
  d[G.NLOG] = p + 1;
}

/** Does a single-ACK write join the ACK run stored at word `e`? */
function joinsRun(d: Int32Array, e: number, m: ReviveMsg): boolean {
  return joinsRunOf(d, e, m.kind, m.ck, m.broker, m.mask, m.deliverMs);
}

/** joinsRun for the message's fields (writeRevive's timer write, which then builds no message object when it joins). */
function joinsRunOf(d: Int32Array, e: number, kind: EntryKind, ck: number, broker: number, mask: number, deliverMs: number): boolean {
  return (
    kind === KIND.ACK &&
    d[e + E.KIND] === KIND.ACK &&
    d[e + E.CK] === ck &&
    d[e + E.BROKER] === broker &&
    d[e + E.DELIVER] === deliverMs &&
    (d[e + E.MASK] & mask) === 0
  );
}

function entryAt(d: Int32Array, e: number): ReviveMsg {
  return { kind: d[e + E.KIND] as EntryKind, ck: d[e + E.CK], broker: d[e + E.BROKER], mask: d[e + E.MASK], deliverMs: d[e + E.DELIVER] };
}

/** The slot of the first timer entry, or -1 when the timer is empty. */
export function nextTimerSlot(d: Int32Array, ctx: Ctx): number {
  return d[G.NTIMER] === 0 ? -1 : d[ctx.L.timer(d, 0) + E.SLOT];
}

/** The instant the first timer entry can be delivered (slotDueAt), or -1 when the timer is empty. */
export function nextTimerDue(d: Int32Array, ctx: Ctx): number {
  const slot = nextTimerSlot(d, ctx);
  return slot < 0 ? -1 : slotDueAt(slot, ctx);
}

/**
 * Is the timer behind, as the revive's idle rule asks (getDequeueBehind() > 0: whole
 * seconds between now and currReadTimeMs, the slot the wheel reads next)? The model takes
 * currReadTimeMs to be the slot of the first waiting entry: behind once now is 1 s past
 * it. With delay levels (no such check before 5.0.0): an expired level still waiting.
 */
export function timerBehind(d: Int32Array, ctx: Ctx): boolean {
  const slot = nextTimerSlot(d, ctx);
  if (slot < 0) return false;
  return ctx.s.timerMode === 'delayLevel' ? slot <= d[G.NOW] : d[G.NOW] - slot >= DEQUEUE_BEHIND_UNIT_MS;
}

/** getDequeueBehind() counts whole seconds. */
export const DEQUEUE_BEHIND_UNIT_MS = 1000;

/**
 * The timer wheel reads the first slot, once it is due (slotDueAt): every entry of that
 * slot moves, in order, to the tail of the revive queue. Returns the number of entries moved.
 */
export function deliverSlot(d: Int32Array, ctx: Ctx): number {
  const L = ctx.L;
  if (d[G.NTIMER] === 0) return 0;
  const slot = d[L.timer(d, 0) + E.SLOT];
  if (slotDueAt(slot, ctx) > d[G.NOW]) return 0;
  let moved = 0;
  while (d[G.NTIMER] > 0 && d[L.timer(d, 0) + E.SLOT] === slot) {
    const p = d[G.NLOG];
    const t = L.log(p);
    const m = entryAt(d, t);
    const joins = p > 0 && joinsRun(d, L.log(p - 1), m);
    if (narrating(ctx)) {
      observe(ctx, {
        kind: 'timerDeliver',
        entry: reviveMsgRef(d, L, m.kind, m.ck, m.mask, m.broker),
        slot,
        at: d[G.NOW],
        deliverTimeMs: m.deliverMs,
        reviveQueueOffset: joins ? p - 1 : p,
        delayLevel: ctx.s.timerMode === 'delayLevel',
      });
    }
    if (joins) {
      d[L.log(p - 1) + E.MASK] |= m.mask;
      removeAt(d, ctx, p);
    } else {
      d[t + E.SLOT] = ARRIVED.VIA_TIMER;
      d[G.NLOG] = p + 1;
    }
    d[G.NTIMER]--;
    moved++;
  }
  return moved;
}
