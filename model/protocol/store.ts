/**
 * Writing to the revive topic. A message with deliverTimeMs in the future becomes a timer
 * message (HookUtils.transformTimerMessage): it waits in the slot below deliverTimeMs
 * (rounded down to timerPrecisionMs; an exact multiple goes one whole slot back) and
 * reaches the revive queue when the timer wheel reaches that slot. A message whose
 * deliverTimeMs is not in the future is appended to the revive queue at once.
 *
 * Abstraction: a run of consecutive single AckMsg messages of the same CK with the same
 * brokerName and deliverTimeMs is kept as one entry whose mask holds all their offsets.
 * Nothing downstream can observe the order inside such a run (the revive matches each ACK
 * on its own, and commits revive offsets only at CK positions), so the run is a set. An
 * ACK for an offset already in the run starts a new entry (duplicates stay visible).
 */
import { E, G, KIND, type EntryKind } from '../layout.js';
import { fmtEntry, fmtTime } from '../format.js';
import { note, type Ctx } from './context.js';

export function timerSlot(deliverMs: number, precision: number): number {
  return deliverMs % precision === 0 ? deliverMs - precision : Math.floor(deliverMs / precision) * precision;
}

export type WriteResult = 'timer' | 'queue';

export function writeRevive(
  d: Int32Array,
  ctx: Ctx,
  kind: EntryKind,
  ck: number,
  broker: number,
  mask: number,
  deliverMs: number,
): WriteResult {
  const L = ctx.L;
  const now = d[G.NOW];
  if (deliverMs <= now) {
    appendToQueue(d, ctx, kind, ck, broker, mask, deliverMs, now);
    return 'queue';
  }
  const slot = timerSlot(deliverMs, ctx.s.timerPrecisionMs);
  const n = d[G.NTIMER];
  // Keep the timer sorted by slot, first in first out within a slot.
  let at = n;
  while (at > 0 && d[L.timer(at - 1) + E.SLOT] > slot) at--;
  if (at > 0 && d[L.timer(at - 1) + E.SLOT] === slot && joinsRun(d, L.timer(at - 1), kind, ck, broker, mask, deliverMs)) {
    d[L.timer(at - 1) + E.MASK] |= mask;
    return 'timer';
  }
  if (n >= L.entries) throw new Error(`model bound exceeded: more than ${L.entries} timer entries`);
  for (let i = n; i > at; i--) d.copyWithin(L.timer(i), L.timer(i - 1), L.timer(i - 1) + E.SIZE);
  const t = L.timer(at);
  d[t + E.KIND] = kind;
  d[t + E.CK] = ck;
  d[t + E.BROKER] = broker;
  d[t + E.MASK] = mask;
  d[t + E.DELIVER] = deliverMs;
  d[t + E.SLOT] = slot;
  d[G.NTIMER] = n + 1;
  return 'timer';
}

function appendToQueue(
  d: Int32Array,
  ctx: Ctx,
  kind: EntryKind,
  ck: number,
  broker: number,
  mask: number,
  deliverMs: number,
  now: number,
): void {
  const L = ctx.L;
  const p = d[G.NLOG];
  if (p > 0 && joinsRun(d, L.log(p - 1), kind, ck, broker, mask, deliverMs)) {
    d[L.log(p - 1) + E.MASK] |= mask;
    return;
  }
  if (p >= L.entries) throw new Error(`model bound exceeded: more than ${L.entries} revive queue entries`);
  const e = L.log(p);
  d[e + E.KIND] = kind;
  d[e + E.CK] = ck;
  d[e + E.BROKER] = broker;
  d[e + E.MASK] = mask;
  d[e + E.DELIVER] = deliverMs;
  d[e + E.SLOT] = 0; // arrival time is not kept: nothing downstream reads it
  d[G.NLOG] = p + 1;
  void now;
}

/** Does a single-ACK write join the ACK run stored at word `e`? */
function joinsRun(d: Int32Array, e: number, kind: EntryKind, ck: number, broker: number, mask: number, deliverMs: number): boolean {
  return (
    kind === KIND.ACK &&
    d[e + E.KIND] === KIND.ACK &&
    d[e + E.CK] === ck &&
    d[e + E.BROKER] === broker &&
    d[e + E.DELIVER] === deliverMs &&
    (d[e + E.MASK] & mask) === 0
  );
}

/** The slot of the first timer entry, or -1 when the timer is empty. */
export function nextTimerSlot(d: Int32Array, ctx: Ctx): number {
  return d[G.NTIMER] === 0 ? -1 : d[ctx.L.timer(0) + E.SLOT];
}

/** Is the timer behind (an entry whose slot has passed is still waiting)? */
export function timerBehind(d: Int32Array, ctx: Ctx): boolean {
  const slot = nextTimerSlot(d, ctx);
  return slot >= 0 && slot <= d[G.NOW];
}

/**
 * The timer wheel reaches the first due slot: every entry of that slot moves, in order,
 * to the tail of the revive queue. Returns the number of entries moved.
 */
export function deliverSlot(d: Int32Array, ctx: Ctx): number {
  const L = ctx.L;
  const n = d[G.NTIMER];
  if (n === 0) return 0;
  const slot = d[L.timer(0) + E.SLOT];
  if (slot > d[G.NOW]) return 0;
  let moved = 0;
  while (moved < n && d[L.timer(moved) + E.SLOT] === slot) {
    const t = L.timer(moved);
    const p = d[G.NLOG];
    if (ctx.notes) {
      const what = fmtEntry(d, L, d[t + E.KIND], d[t + E.CK], d[t + E.MASK], d[t + E.BROKER]);
      note(ctx, 'TimerMessageStore', 'timer deliver', `slot ${fmtTime(slot)}: ${what} (deliverTimeMs ${fmtTime(d[t + E.DELIVER])}) -> revive queue offset ${p > 0 && joinsRun(d, L.log(p - 1), d[t + E.KIND] as EntryKind, d[t + E.CK], d[t + E.BROKER], d[t + E.MASK], d[t + E.DELIVER]) ? p - 1 : p}`);
    }
    if (p > 0 && joinsRun(d, L.log(p - 1), d[t + E.KIND] as EntryKind, d[t + E.CK], d[t + E.BROKER], d[t + E.MASK], d[t + E.DELIVER])) {
      d[L.log(p - 1) + E.MASK] |= d[t + E.MASK];
    } else {
      if (p >= L.entries) throw new Error(`model bound exceeded: more than ${L.entries} revive queue entries`);
      d.copyWithin(L.log(p), t, t + E.SIZE);
      d[L.log(p) + E.SLOT] = 0;
      d[G.NLOG] = p + 1;
    }
    moved++;
  }
  d.copyWithin(L.timer(0), L.timer(moved), L.timer(n));
  d.fill(0, L.timer(n - moved), L.timer(n));
  d[G.NTIMER] = n - moved;
  return moved;
}
