/**
 * The parallel explorer's level store (checker/parallel/level-store.ts) hands the frontier's
 * blocks of records to new records as the replay passes them: no record may be overwritten
 * before its position has been expanded, and the arena must hold about one level, not the
 * whole run. Simulated here on one thread: a frontier expanded in claims, each expanded state
 * writing its successors' records into blocks claimed as the threads claim them, the replay
 * numbering the new states in any order, and the store told how far the replay got.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimBlock, LevelStore } from '../../checker/parallel/level-store.js';
import { BYTE_BLOCK, CTL } from '../../checker/parallel/protocol.js';

/** A tiny deterministic generator (the property draws its seed). */
function lcg(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return Math.floor((x / 2 ** 32) * n);
  };
}

interface Level {
  /** Successors per frontier position. */
  readonly fanout: (n: number) => number;
  /** A record's length (at least 4). */
  readonly length: () => number;
}

/** Writes a record tagged `uid` (its first four bytes, the rest uid's low byte). */
function writeRecord(bytes: Uint8Array, at: number, uid: number, length: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, uid, true);
  bytes.fill(uid & 0xff, at + 4, at + length);
}

function readUid(bytes: Uint8Array, at: number, length: number): number {
  const uid = new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
  for (let i = at + 4; i < at + length; i++) if (bytes[i] !== (uid & 0xff)) return -1;
  return uid;
}

/**
 * Runs `levels` levels from one initial record and checks every record when its position is
 * expanded; returns the arena's high-water mark (bytes: the blocks ever claimed).
 */
function simulate(
  levels: readonly Level[],
  claim: () => number,
  numberOrder: (n: number) => number[],
  releaseEvery: number,
  lag: number,
  pick: (n: number) => number,
): number {
  const ctl = new Int32Array(new SharedArrayBuffer(CTL.SIZE * 4));
  const store = new LevelStore(1, 1, BYTE_BLOCK);
  const problems: string[] = [];
  let uid = 1;
  store.reserve(1, 0);
  store.beginLevel(ctl);
  writeRecord(store.bytes, 0, uid, 8);
  store.nextPos[0] = 0;
  Atomics.store(ctl, CTL.BYTES, BYTE_BLOCK);
  // The frontier's records by position: uid and length.
  let front: { uid: number; length: number }[] = [{ uid: uid++, length: 8 }];
  store.adopt(ctl, 1);
  let highWater = 0;
  for (const level of levels) {
    const fresh: { uid: number; length: number; at: number }[] = [];
    store.reserve(64, 0);
    store.beginLevel(ctl);
    // Two threads, each filling its own block; claims are taken in order and finished in any
    // order (up to `lag` of them open), and the replay passes a claim once every claim before
    // it is finished.
    const blocks = [
      [0, 0],
      [0, 0],
    ];
    const open: [number, number][] = [];
    let next = 0;
    const expand = (start: number, end: number, thread: number): void => {
      const block = blocks[thread];
      for (let p = start; p < end; p++) {
        expanded[p] = 1;
        const want = front[p];
        if (readUid(store.bytes, store.frontPos[p], want.length) !== want.uid) problems.push(`record ${want.uid} overwritten before it was expanded`);
        for (let s = level.fanout(p); s > 0; s--) {
          const length = level.length();
          if (block[1] - block[0] < length) {
            let at = claimBlock(ctl, store.free, store.bytes.length);
            if (at < 0) {
              // The level pauses and the arena grows (search.ts: enlarge).
              store.reserveBytes(Math.max(2 * store.bytes.length, Atomics.load(ctl, CTL.BYTES) + BYTE_BLOCK));
              at = claimBlock(ctl, store.free, store.bytes.length);
            }
            if (at < 0) throw new Error('no block after the arena grew');
            block[0] = at;
            block[1] = at + BYTE_BLOCK;
          }
          writeRecord(store.bytes, block[0], uid, length);
          fresh.push({ uid: uid++, length, at: block[0] });
          block[0] += length;
        }
      }
    };
    let released = 0;
    const expanded = new Uint8Array(front.length);
    while (next < front.length || open.length > 0) {
      if (next < front.length && (open.length === 0 || (open.length < lag && pick(2) === 0))) {
        const end = Math.min(front.length, next + claim());
        open.push([next, end]);
        next = end;
        continue;
      }
      const [start, end] = open.splice(pick(open.length), 1)[0];
      expand(start, end, pick(2));
      const done = open.reduce((m, c) => Math.min(m, c[0]), next);
      if (done - released >= releaseEvery || done === front.length) {
        store.release(ctl, done);
        released = done;
        // No block on the free list holds the record of a position not expanded yet.
        const free = new Set(store.free.subarray(0, Atomics.load(ctl, CTL.FREE_END)));
        for (let p = 0; p < front.length; p++) {
          if (!expanded[p] && free.has(Math.floor(store.frontPos[p] / BYTE_BLOCK))) problems.push(`record ${front[p].uid} freed before it was expanded`);
        }
      }
    }
    const order = numberOrder(fresh.length);
    store.reserve(fresh.length, 0);
    for (let j = 0; j < order.length; j++) store.nextPos[j] = fresh[order[j]].at;
    highWater = Math.max(highWater, Math.min(Atomics.load(ctl, CTL.BYTES), store.bytes.length));
    store.adopt(ctl, fresh.length);
    front = order.map((k) => fresh[k]);
  }
  for (let p = 0; p < front.length; p++) if (readUid(store.bytes, store.frontPos[p], front[p].length) !== front[p].uid) problems.push(`record ${front[p].uid} lost`);
  expect(problems.slice(0, 3)).toEqual([]);
  return highWater;
}

describe('parallel level store', () => {
  it('delivers every record, whatever the claims, the numbering order and the record sizes', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(fc.record({ most: fc.integer({ min: 0, max: 4 }), longest: fc.integer({ min: 4, max: 40_000 }) }), { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 4 }),
        (seed, shapes, claimMost, shuffled, releaseEvery, lag) => {
          const rnd = lcg(seed);
          const levels = shapes.map(({ most, longest }) => ({ fanout: () => rnd(most + 1), length: () => 4 + rnd(longest - 3) }));
          const numberOrder = (n: number): number[] => {
            const order = Array.from({ length: n }, (_, i) => i);
            if (shuffled) {
              for (let i = n - 1; i > 0; i--) {
                const j = rnd(i + 1);
                [order[i], order[j]] = [order[j], order[i]];
              }
            }
            return order;
          };
          simulate(levels, () => 1 + rnd(claimMost), numberOrder, releaseEvery, lag, rnd);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('holds about one level of records when the numbering follows the expansion', () => {
    // 3 levels growing to 3,000 states, then 20 levels of 3,000 states of 300 bytes (900 KB a
    // level): a level and a half at most; without the frontier's blocks used again the arena would take 18 MB.
    const rnd = lcg(7);
    const levels: Level[] = [
      { fanout: () => 30, length: () => 300 },
      { fanout: () => 10, length: () => 300 },
      { fanout: () => 10, length: () => 300 },
      ...Array.from({ length: 20 }, () => ({ fanout: () => 1, length: () => 250 + rnd(101) })),
    ];
    const highWater = simulate(levels, () => 64, (n) => Array.from({ length: n }, (_, i) => i), 64, 2, rnd);
    expect(highWater).toBeLessThan(1_400_000);
  });
});
