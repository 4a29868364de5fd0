/**
 * The parallel explorer's visited set, partitioned by hash into segments: a map from
 * fingerprints to values under any sequence of claims, publications, releases and
 * re-sizings; a segment past its hard limit refuses inserts until the table is sized again;
 * a re-sizing reports the new slot of every provisional entry it moves, also when its segments
 * are grown by another thread's view of the table.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEGMENT_FULL, SharedTable } from '../../checker/parallel/shared-table.js';

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
});
