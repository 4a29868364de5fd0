/**
 * Breakpoints: the instants after `now` at which some guard, threshold or delivery of the
 * protocol can change its outcome. Between two consecutive breakpoints every event has the
 * same effect whenever it happens, so the `full` scenario lets time jump from one to the
 * next instead of ticking every 500 ms.
 */
import * as layoutModule from '../layout.js';
import * as contextModule from './context.js';
import type { Ctx } from './context.js';
import * as reviveModule from './revive.js';
import { reviveStart } from './revive.js';
import * as storeModule from './store.js';
import { slotDueAt } from './store.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { C, CF, E, G, KIND } = layoutModule;
const { K } = contextModule;
const { INFLIGHT_STAY_MS } = reviveModule;
const { DELAY_LEVELS_MS, DEQUEUE_BEHIND_UNIT_MS } = storeModule;

/** The earliest breakpoint after now, or -1 when nothing can change any more. */
export function nextBreakpoint(d: Int32Array, ctx: Ctx): number {
  const now = d[G.NOW];
  const s = ctx.s;
  const L = ctx.L;
  // The least instant after now seen so far (NONE: none yet): `best = earlier(best, t, now)` considers t.
  let best = NONE;
  const delayLevels = s.timerMode === 'delayLevel';
  for (let k = 0, nck = d[G.NCK]; k < nck; k++) {
    const c = L.ck(k);
    const f = d[c + C.FLAGS];
    // Read and compared at every CK (not only once REVIVED is set): a read or comparison first
    // reached at the first revived CK threw the compiled function away.
    const held = d[c + C.HELD] !== 0;
    const pt = d[c + C.POP_TIME];
    const T = pt + d[c + C.INVISIBLE];
    if (f & CF.IN_BUFFER) {
      best = earlier(best, pt + s.popCkStayBufferTime - K.bufferMargin + K.tick, now);
      best = earlier(best, T - s.popCkStayBufferTimeOut - K.bufferMargin + K.tick, now);
      best = earlier(best, pt + s.popCkStayBufferTime + K.tick, now);
      best = earlier(best, T - s.popCkStayBufferTimeOut + K.tick, now);
      best = earlier(best, T - K.ackTimeInterval, now);
    }
    if ((f & CF.REVIVED) === 0 || held) {
      // Acks written at T or later go straight to the revive queue; after T they are late. The
      // three instants come in this order: the first after now is the earliest of them after now.
      best = earlier(best, T > now ? T : T + K.tick > now ? T + K.tick : T + K.reviveDueMargin + K.tick, now);
    }
    if (f & CF.INFLIGHT) best = earlier(best, d[c + C.DISPATCHED_AT] + INFLIGHT_STAY_MS + K.tick, now);
    if (delayLevels && held) {
      for (const level of DELAY_LEVELS_MS) {
        best = earlier(best, T - level, now);
        best = earlier(best, T - level + K.tick, now);
      }
    }
  }
  // The timer's records, then the revive queue's, are walked by their base words (Layout.timer,
  // Layout.log): the records of one region follow each other, E.SIZE words apart.
  for (let i = 0, ntimer = d[G.NTIMER], t = L.timer(d, 0); i < ntimer; i++, t += E.SIZE) {
    const slot = d[t + E.SLOT];
    // The slot can be read; the revive starts to see the timer behind.
    best = earlier(best, slotDueAt(slot, ctx), now);
    if (!delayLevels && i === 0) best = earlier(best, slot + DEQUEUE_BEHIND_UNIT_MS, now);
    if (delayLevels) {
      for (const level of DELAY_LEVELS_MS) {
        best = earlier(best, slot - level, now);
        best = earlier(best, slot - level + K.tick, now);
      }
    }
  }
  // The revive: the idle rule moves endTime to now 3 s after the last delivery read; orphan
  // ACKs turn into mock CKs reviveAckWaitMs after their deliverTimeMs.
  let maxDeliver = 0;
  // Read at every call, before the loop: a settings read first reached at the first unread ACK
  // threw the compiled function away (docs/explorer.md, "`full`'s enabled events and breakpoints per state").
  const mocks = s.enableSkipLongAwaitingAck && s.reviveMocksOrphanAck;
  for (let e = L.log(reviveStart(d) + 1), end = L.log(d[G.NLOG]); e < end; e += E.SIZE) {
    maxDeliver = Math.max(maxDeliver, d[e + E.DELIVER]);
    if (d[e + E.KIND] !== KIND.CK && mocks) {
      best = earlier(best, d[e + E.DELIVER] + s.reviveAckWaitMs + K.tick, now);
    }
  }
  if (maxDeliver > 0) best = earlier(best, maxDeliver + K.reviveIdle + K.tick, now);
  return best === NONE ? -1 : best;
}

/**
 * nextBreakpoint's "no breakpoint yet": later than every instant of the model (ms, int32), so
 * that `earlier` is one comparison with `best` (with -1 for none it was two, and past V8's
 * budget for inlining it at some of its calls).
 */
const NONE = 0x7fffffff;

/** The earlier of `best` (NONE: none yet) and `t`, counting t only when it is after `now`. */
function earlier(best: number, t: number, now: number): number {
  return t > now && t < best ? t : best;
}
