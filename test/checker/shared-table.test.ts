/**
 * The parallel explorer's visited set, partitioned by hash into segments: a map from
 * fingerprints to values under any sequence of claims, publications, releases and
 * re-sizings; a segment past its hard limit refuses inserts until the table is sized again;
 * a re-sizing reports the new slot of every provisional entry it moves, also when its segments
 * are grown by another thread's view of the table.
 */
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markOwn, OWN_SHIFT, SEGMENT_FULL, SharedTable } from '../../checker/parallel/shared-table.js';

type Op =
  | { kind: 'insert'; hi: number; lo: number; provisional: boolean }
  | { kind: 'reserve'; room: number; shared: boolean }
  | { kind: 'release'; hi: number; lo: number }
  /** A level begins: the ids numbered so far are read without Atomics (forLevel). */
  | { kind: 'level' };

const key = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }));
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('insert' as const), hi: key.map(([h]) => h), lo: key.map(([, l]) => l), provisional: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reserve' as const), room: fc.integer({ min: 0, max: 3000 }), shared: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), hi: fc.integer({ min: 0, max: 40 }), lo: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('level' as const) }) },
);

describe('SharedTable (parallel explorer)', () => {
  it('is a map from fingerprints to values, refuses inserts only in a full segment, and tracks provisional slots across re-sizings (and levels: plain reads of numbered slots)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const table = SharedTable.allocate();
        const model = new Map<string, number>();
        /** Provisional value -> its slot, as the explorer's level store keeps it. */
        const slots = new Map<number, number>();
        let next = 0;
        for (const o of ops) {
          if (o.kind === 'level') {
            // Ids 0 .. next - 1 (values 1 .. next) are numbered: their slots are probed with plain reads.
            table.forLevel(next);
            continue;
          }
          if (o.kind === 'reserve') {
            const moved = (value: number, slot: number): void => void slots.set(value, slot);
            if (!o.shared) {
              table.reserve(o.room, moved);
              continue;
            }
            // As between two levels: the segments to grow shared with another thread's view
            // of the same buffers (every other one), then this view takes them up.
            const other = new SharedTable(table.buffers);
            const plan = table.growthFor(o.room);
            for (let j = 0; j < plan.length; j += 2) (j % 4 === 0 ? table : other).growSegment(plan[j], plan[j + 1], moved);
            table.refresh();
            continue;
          }
          const k = `${o.hi}:${o.lo}`;
          const v = table.findOrClaim(o.hi, o.lo);
          if (model.has(k)) {
            expect(v).toBe(model.get(k));
            continue;
          }
          if (v === SEGMENT_FULL) continue;
          expect(v).toBe(0);
          const slot = table.claimed;
          expect([table.hi(slot), table.lo(slot)]).toEqual([o.hi >>> 0, o.lo >>> 0]);
          if (o.kind === 'release') {
            table.release(slot);
            continue;
          }
          const value = o.provisional ? -(next++ + 2) : next++ + 1;
          table.publish(slot, value);
          model.set(k, value);
          if (value < 0) slots.set(value, slot);
        }
        for (const [k, value] of model) {
          const [hi, lo] = k.split(':').map(Number);
          expect(table.findOrClaim(hi, lo)).toBe(value);
          if (value < 0) expect([table.hi(slots.get(value)!), table.lo(slots.get(value)!)]).toEqual([hi >>> 0, lo >>> 0]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("counts a thread's reserved slots until it settles: a segment holds at most its limit, and all of it once every view settled", () => {
    // Keys of one segment (as below). How many one view alone stores before the limit refuses:
    const lo = (i: number): number => (5 << 26) | i;
    const fillAlone = (): number => {
      const t = SharedTable.allocate();
      t.reserve(64 * 400, () => {});
      let n = 0;
      while (t.findOrClaim(0, lo(n)) === 0) t.publish(t.claimed, ++n);
      return n;
    };
    const limit = fillAlone();
    expect(limit).toBeGreaterThan(100);
    const table = SharedTable.allocate();
    table.reserve(64 * 400, () => {});
    // Another thread's view stores one key of the segment, and holds the rest of its reservation.
    const other = new SharedTable(table.buffers);
    expect(other.findOrClaim(0, lo(1_000_000))).toBe(0);
    other.publish(other.claimed, 1);
    let stored = 0;
    while (table.findOrClaim(0, lo(stored)) === 0) table.publish(table.claimed, ++stored + 1);
    // Refused while `other` holds slots it did not use; no more than the limit in any case.
    expect(stored + 1).toBeLessThan(limit);
    other.settle();
    let more = 0;
    while (table.findOrClaim(0, lo(stored + more)) === 0) table.publish(table.claimed, stored + ++more + 1);
    expect(stored + more + 1).toBe(limit);
    // Both views settled: the segment is at its limit.
    table.settle();
    expect(table.findOrClaim(0, lo(5_000_000))).toBe(SEGMENT_FULL);
  });

  it('fills a segment only up to its hard limit, and takes its share of the room after reserve', () => {
    const table = SharedTable.allocate();
    // Keys of one segment: the top 6 bits of the mix (lo ^ hi * golden) are those of lo when hi = 0.
    let refused = 0;
    let stored = 0;
    for (let i = 0; i < 100; i++) {
      const v = table.findOrClaim(0, (5 << 26) | i);
      if (v === SEGMENT_FULL) refused++;
      else {
        table.publish(table.claimed, i + 1);
        stored++;
      }
    }
    // A first segment has 16 slots: 14 accepted (90%), the rest refused.
    expect([stored, refused]).toEqual([14, 86]);
    table.reserve(64 * 100, () => {});
    for (let i = 0; i < 100; i++) {
      const v = table.findOrClaim(0, (5 << 26) | i);
      if (i < 14) expect(v).toBe(i + 1);
      else {
        expect(v).toBe(0);
        table.publish(table.claimed, i + 1);
      }
    }
  });

  it('reads the numbered slots of a crowded segment without Atomics and still compares both key halves', () => {
    const table = SharedTable.allocate();
    table.reserve(64 * 400, () => {});
    // 500 keys of one segment (as above), ids 0..499, at about 77% load: long probe chains.
    const lo = (i: number): number => (5 << 26) | i;
    for (let i = 0; i < 500; i++) {
      expect(table.findOrClaim(0, lo(i))).toBe(0);
      table.publish(table.claimed, i + 1);
    }
    table.forLevel(500);
    // This level's states: provisional values, then a final id above the stable ones.
    for (let i = 500; i < 540; i++) {
      expect(table.findOrClaim(0, lo(i))).toBe(0);
      table.publish(table.claimed, i < 520 ? -(i + 2) : i + 1);
    }
    for (let i = 0; i < 540; i++) expect(table.findOrClaim(0, lo(i))).toBe(i < 500 || i >= 520 ? i + 1 : -(i + 2));
    // Absent keys whose chains pass numbered slots: their high half equal, their low half not.
    for (let i = 0; i < 100; i++) {
      expect(table.findOrClaim(0, lo(100_000 + i))).toBe(0);
      table.release(table.claimed);
    }
  });

  it("reads the slots a thread published itself (its batches, the coordinator's final ids) without Atomics and still compares both key halves", () => {
    // Two threads' views of one table: a worker (its batch: indices 0..63) and the coordinator
    // (indices 64..127, and the final ids it writes as it numbers states).
    const worker = SharedTable.allocate();
    const coordinator = new SharedTable(worker.buffers);
    worker.reserve(64 * 400, () => {});
    coordinator.refresh();
    const lo = (i: number): number => (5 << 26) | i;
    // The high half h for which Math.imul(h, 0x9e3779b1) is x (fptable.ts `mix`): its inverse times x.
    const golden = 0x9e3779b1 | 0;
    let inverse = golden;
    for (let j = 0; j < 5; j++) inverse = Math.imul(inverse, 2 - Math.imul(golden, inverse));
    const hiFor = (x: number): number => Math.imul(inverse, x) >>> 0;
    expect(Math.imul(hiFor(1), golden)).toBe(1);
    for (let i = 0; i < 400; i++) {
      expect(worker.findOrClaim(0, lo(i))).toBe(0);
      worker.publish(worker.claimed, i + 1);
    }
    const ownWorker = new Uint8Array(4);
    const ownCoordinator = new Uint8Array(4);
    markOwn(ownWorker, 0, 64);
    markOwn(ownCoordinator, 64, 128);
    worker.forLevel(400, ownWorker, false);
    coordinator.forLevel(400, ownCoordinator, true);
    // Keys 400..463 with the worker's indices, 464..527 with the coordinator's; the coordinator
    // numbers every other one of them (final ids from 401 on, above the stable ones).
    const value = new Map<number, number>();
    let id = 400;
    for (let i = 400; i < 528; i++) {
      const t = i < 464 ? worker : coordinator;
      expect(t.findOrClaim(0, lo(i))).toBe(0);
      const slot = t.claimed;
      t.publish(slot, -(i - 400 + 2));
      value.set(i, -(i - 400 + 2));
      if (i % 2 === 0) {
        coordinator.publishFinal(slot, ++id);
        value.set(i, id);
      }
    }
    for (const t of [worker, coordinator]) {
      for (let i = 0; i < 528; i++) expect(t.findOrClaim(0, lo(i))).toBe(i < 400 ? i + 1 : value.get(i));
      // Absent keys whose chains pass those slots: the high half equal, the low half not; and the low half equal, the high half not.
      for (let i = 0; i < 100; i++) {
        expect(t.findOrClaim(0, lo(100_000 + i))).toBe(0);
        t.release(t.claimed);
        // (hiFor(1), lo(j)) mixes to lo(j) ^ 1: the chain of (0, lo(j)), whose slot it meets.
        expect(t.findOrClaim(hiFor(1), lo(400 + i))).toBe(0);
        t.release(t.claimed);
      }
    }
  });

  it('marks as a thread\'s own only the blocks of indices wholly in its batch', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 64 }), (first, length) => {
        const own = new Uint8Array(100);
        markOwn(own, first, first + length);
        for (let k = 0; k < 100 << OWN_SHIFT; k++) {
          if (own[k >>> OWN_SHIFT] === 1) expect(k >= first && k < first + length).toBe(true);
        }
        // A whole aligned batch is marked.
        if (first % 64 === 0 && length === 64) expect(own[first >>> OWN_SHIFT]).toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  it('waits on a slot another thread holds busy, sleeping after a while instead of spinning, and reads the value it publishes', async () => {
    const table = SharedTable.allocate();
    table.reserve(64 * 100, () => {});
    // This view claims a slot (busy, its key written) and stands for a thread that lost its core.
    expect(table.findOrClaim(3, 77)).toBe(0);
    const slot = table.claimed;
    const segment = table.buffers.segments[slot >>> 24];
    const at = 3 * (slot & (2 ** 24 - 1)) + 2;
    // Another thread publishes the value 80 ms after it started (no notify: the prober polls).
    const holder = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const a = new Int32Array(workerData.segment);
       parentPort.postMessage('started');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 80);
       Atomics.store(a, workerData.at, 41);`,
      { eval: true, workerData: { segment, at } },
    );
    try {
      await new Promise((resolve) => holder.once('message', resolve));
      // A second thread's view (nothing of it read without Atomics) probes the busy slot.
      const prober = new SharedTable(table.buffers);
      expect(prober.waits).toBe(0);
      expect(prober.findOrClaim(3, 77)).toBe(41);
      // It slept at least once while it waited (a spin alone reads the slot a few million times in 80 ms).
      expect(prober.waits).toBeGreaterThan(0);
      // Not busy: answered at once.
      const before = prober.waits;
      expect(prober.findOrClaim(3, 77)).toBe(41);
      expect(prober.waits).toBe(before);
    } finally {
      await holder.terminate();
    }
  });
});
