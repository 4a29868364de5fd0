/**
 * writeRevive's timer write (model/protocol/store.ts) finds its place and the run it may join
 * reading each timer word once (docs/explorer.md, "The model's work per transition, a third
 * round"). The form it replaced is kept here as the reference: on random timers (slots that
 * repeat, ACK runs that a write can join or not, a revive queue before them), both give the same
 * state, with the timer wheel and with delay levels.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../model/config.js';
import { E, G, KIND, Layout } from '../../model/layout.js';
import type { EntryKind } from '../../model/layout.js';
import type { Ctx } from '../../model/protocol/context.js';
import { delayLevelMs, timerSlot, writeRevive } from '../../model/protocol/store.js';

/** writeRevive's timer write as it was written before (a deliverMs in the future, or delay levels). */
function writeReviveReference(d: Int32Array, ctx: Ctx, kind: EntryKind, ck: number, broker: number, mask: number, deliverMs: number): void {
  const now = d[G.NOW];
  let slot: number;
  let readAs = deliverMs;
  if (ctx.s.timerMode === 'delayLevel') {
    slot = now + delayLevelMs(deliverMs - now);
    if (ctx.s.reviveEndTimeFromStoreTime) readAs = slot + 1000;
  } else {
    if (deliverMs <= now) throw new Error('the reference covers timer writes only');
    slot = timerSlot(deliverMs, ctx.s.timerPrecisionMs);
  }
  const L = ctx.L;
  const n = d[G.NTIMER];
  let at = n;
  while (at > 0 && d[L.timer(d, at - 1) + E.SLOT] > slot) at--;
  const prev = at > 0 ? L.timer(d, at - 1) : -1;
  if (
    prev >= 0 &&
    d[prev + E.SLOT] === slot &&
    kind === KIND.ACK &&
    d[prev + E.KIND] === KIND.ACK &&
    d[prev + E.CK] === ck &&
    d[prev + E.BROKER] === broker &&
    d[prev + E.DELIVER] === readAs &&
    (d[prev + E.MASK] & mask) === 0
  ) {
    d[prev + E.MASK] |= mask;
    return;
  }
  const pos = L.timer(d, at);
  d.copyWithin(pos + E.SIZE, pos, L.log(d[G.NLOG] + n));
  d[pos + E.KIND] = kind;
  d[pos + E.CK] = ck;
  d[pos + E.BROKER] = broker;
  d[pos + E.MASK] = mask;
  d[pos + E.DELIVER] = readAs;
  d[pos + E.SLOT] = slot;
  d[G.NTIMER] = n + 1;
}

const ENTRIES = 12;
const L = new Layout({ queues: 1, messagesPerQueue: 4, ckSlots: 2, entries: ENTRIES });
const KINDS: EntryKind[] = [KIND.CK, KIND.ACK, KIND.BACK];

/** An entry record: kind, CK slot, broker, mask, deliverMs; the timer's slot is derived from deliverMs. */
const entry: fc.Arbitrary<Entry> = fc.record({
  kind: fc.constantFrom(...KINDS, KIND.ACK, KIND.ACK),
  ck: fc.integer({ min: 0, max: 1 }),
  broker: fc.integer({ min: 0, max: 1 }),
  mask: fc.constantFrom(1, 2, 4, 8, 3),
  deliver: fc.integer({ min: 1, max: 4 }).map((x) => x * 500),
});

/** A write: kind, CK slot, broker, mask and how far after now its deliverMs lies. */
const write = fc.record({
  kind: fc.constantFrom(...KINDS, KIND.ACK, KIND.ACK),
  ck: fc.integer({ min: 0, max: 1 }),
  broker: fc.integer({ min: 0, max: 1 }),
  mask: fc.constantFrom(1, 2, 4, 8),
  ahead: fc.integer({ min: 1, max: 4 }).map((x) => x * 500),
});

interface Entry {
  readonly kind: EntryKind;
  readonly ck: number;
  readonly broker: number;
  readonly mask: number;
  readonly deliver: number;
}

function stateOf(now: number, log: Entry[], timer: Entry[], precision: number): Int32Array {
  const d = new Int32Array(L.words);
  d[G.NOW] = now;
  d[G.NLOG] = log.length;
  d[G.NTIMER] = timer.length;
  const put = (e: number, x: Entry, slot: number): void => {
    d[e + E.KIND] = x.kind;
    d[e + E.CK] = x.ck;
    d[e + E.BROKER] = x.broker;
    d[e + E.MASK] = x.mask;
    d[e + E.DELIVER] = now + x.deliver;
    d[e + E.SLOT] = slot;
  };
  log.forEach((x, p) => put(L.log(p), x, 1));
  // The timer sorted by slot, as writeRevive keeps it.
  const slots = timer.map((x) => timerSlot(now + x.deliver, precision));
  const order = timer.map((_, i) => i).sort((a, b) => slots[a] - slots[b] || a - b);
  order.forEach((i, t) => put(L.timer(d, t), timer[i], slots[i]));
  return d;
}

describe("writeRevive's timer write reads each word once", () => {
  for (const release of ['5.3.2', '5.0.0-alpha']) {
    it(`gives the reference's state on random timers (${release})`, () => {
      const settings = resolveSettings({ release, scenarioConfig: { enablePopBufferMerge: true } });
      const ctx: Ctx = { L, s: settings, notes: null };
      const precision = settings.timerPrecisionMs;
      let joined = 0;
      let inserted = 0;
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 4 }).map((x) => x * 500),
          fc.array(entry, { maxLength: 3 }),
          fc.array(entry, { maxLength: ENTRIES - 6 }),
          fc.array(write, { minLength: 1, maxLength: 3 }),
          (now, log, timer, writes) => {
            const a = stateOf(now, log, timer, precision);
            const b = a.slice();
            for (const w of writes) {
              const before = a[G.NTIMER];
              writeRevive(a, ctx, w.kind, w.ck, w.broker, w.mask, now + w.ahead);
              writeReviveReference(b, ctx, w.kind, w.ck, w.broker, w.mask, now + w.ahead);
              expect(Array.from(a)).toEqual(Array.from(b));
              if (a[G.NTIMER] === before) joined++;
              else inserted++;
            }
          },
        ),
        { numRuns: 2_000 },
      );
      // Both outcomes are reached: writes that join a run and writes that open an entry.
      expect(joined).toBeGreaterThan(50);
      expect(inserted).toBeGreaterThan(200);
    });
  }
});
