import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collisionProbability, fingerprint64, FingerprintTable } from '../../checker/index.js';
import { fingerprintStep, fingerprintWord, wordHash } from '../../checker/fingerprint.js';
import { SEGMENTS, TableSize } from '../../checker/fptable.js';

describe('fingerprint64', () => {
  it('is deterministic and tells small differences apart', () => {
    const out = new Uint32Array(2);
    const seen = new Set<string>();
    const w = new Int32Array(8);
    for (let i = 0; i < 8; i++) {
      for (let v = -2; v <= 40; v++) {
        w.fill(0);
        w[i] = v;
        fingerprint64(w, 0, 8, out);
        seen.add(`${out[0]}:${out[1]}`);
      }
    }
    // (8 positions x 43 values) minus the 7 duplicate all-zero words.
    expect(seen.size).toBe(8 * 43 - 7);
    fingerprint64(Int32Array.of(1, 2, 3), 0, 3, out);
    const a = [out[0], out[1]];
    fingerprint64(Int32Array.of(1, 2, 3), 0, 3, out);
    expect([out[0], out[1]]).toEqual(a);
  });

  it('depends on the length as well as the words', () => {
    const out = new Uint32Array(2);
    fingerprint64(Int32Array.of(0, 0), 0, 1, out);
    const one = `${out[0]}:${out[1]}`;
    fingerprint64(Int32Array.of(0, 0), 0, 2, out);
    expect(`${out[0]}:${out[1]}`).not.toBe(one);
  });

  it('is a function of the words: updated at the words that changed, it equals the fingerprint computed afresh', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }).chain((w) =>
          fc.tuple(
            fc.array(fc.oneof(fc.constant(0), fc.integer({ min: -3, max: 3 }), fc.integer()), { minLength: w, maxLength: w }),
            fc.array(fc.tuple(fc.nat(w - 1), fc.oneof(fc.constant(0), fc.integer())), { maxLength: 12 }),
          ),
        ),
        ([words, edits]) => {
          const parent = Int32Array.from(words);
          const child = parent.slice();
          for (const [i, v] of edits) child[i] = v;
          const w = parent.length;
          const pf = new Uint32Array(2);
          const want = new Uint32Array(2);
          const got = new Uint32Array(2);
          fingerprint64(parent, 0, w, pf);
          fingerprint64(child, 0, w, want);
          const diff = new Int32Array(w);
          const n = fingerprintStep(parent, pf, child, w, got, diff);
          expect(Array.from(got)).toEqual(Array.from(want));
          expect(Array.from(diff.subarray(0, n))).toEqual([...child.keys()].filter((i) => child[i] !== parent[i]));
          // Word by word, and on a view that is not 8-byte aligned (compared word by word).
          const byWord = pf.slice();
          for (let i = 0; i < w; i++) if (parent[i] !== child[i]) fingerprintWord(byWord, i, parent[i], child[i]);
          expect(Array.from(byWord)).toEqual(Array.from(want));
          const odd = new Int32Array(w + 1);
          odd.set(child, 1);
          const n2 = fingerprintStep(parent, pf, odd.subarray(1), w, got, diff);
          expect(n2).toBe(n);
          expect(Array.from(got)).toEqual(Array.from(want));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('tells apart 158,424 states that differ in one or two small words, in both 32-bit halves', () => {
    // The incremental fingerprint XORs one hash per (position, value): a weak per-word hash
    // would show here as collisions between states that differ in the same few words.
    const W = 24;
    const w = new Int32Array(W);
    const out = new Uint32Array(2);
    const both = new Set<string>();
    const hi = new Set<number>();
    const lo = new Set<number>();
    let n = 0;
    const add = (): void => {
      fingerprint64(w, 0, W, out);
      both.add(`${out[0]}:${out[1]}`);
      hi.add(out[0]);
      lo.add(out[1]);
      n++;
    };
    for (let i = 0; i < W; i++) {
      for (let v = -1000; v <= 1000; v++) {
        w.fill(0);
        w[i] = v;
        add();
      }
    }
    for (let i = 0; i < W; i++) {
      for (let j = i + 1; j < W; j++) {
        for (let a = 1; a <= 20; a++) {
          for (let b = 1; b <= 20; b++) {
            w.fill(0);
            w[i] = a;
            w[j] = b;
            add();
          }
        }
      }
    }
    // (24 positions x 2001 values) minus the 23 duplicate all-zero states, plus 276 x 400 pairs.
    expect(n - 23).toBe(W * 2001 - 23 + ((W * (W - 1)) / 2) * 400);
    expect(both.size).toBe(n - 23);
    // A random 32-bit half collides about n^2 / 2^33 (3.5) times among n = 158,424 states.
    expect(n - 23 - hi.size).toBeLessThan(15);
    expect(n - 23 - lo.size).toBeLessThan(15);
  });

  it('hashes a word as Mix13 of the key (position << 32 | value) XOR K, computed in 32-bit halves to the bits of 64-bit arithmetic', () => {
    // The definition, in BigInt (the kernel computes it in i64; the JavaScript in halves).
    const M64 = (1n << 64n) - 1n;
    const mix13 = (i: number, v: number): bigint => {
      let z = ((BigInt(i) << 32n) | BigInt(v >>> 0)) ^ 0x9e3779b97f4a7c15n;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
      return z ^ (z >> 31n);
    };
    const value = fc.oneof(
      fc.integer(),
      fc.integer({ min: -20, max: 20 }),
      fc.constantFrom(-(2 ** 31), 2 ** 31 - 1, -1, 0xffff, 0x10000),
    );
    const base = new Uint32Array(2);
    const one = new Uint32Array(2);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 299 }), value, (i, v) => {
        const want = mix13(i, v);
        if (v !== 0) expect(wordHash(i, v) >>> 0).toBe(Number(want & 0xffffffffn));
        // A state of one non-zero word: its fingerprint is the empty state's XOR the word's hash.
        const w = new Int32Array(300);
        fingerprint64(w, 0, 300, base);
        w[i] = v;
        fingerprint64(w, 0, 300, one);
        const got = (BigInt((one[0] ^ base[0]) >>> 0) << 32n) | BigInt((one[1] ^ base[1]) >>> 0);
        expect(got).toBe(v === 0 ? 0n : want);
      }),
      { numRuns: 3000 },
    );
  });

  it('collision probability follows the TLC formula', () => {
    expect(collisionProbability(1000, 1000)).toBe(0);
    expect(collisionProbability(2 ** 20, 2 ** 21)).toBeCloseTo(2 ** 40 / 2 ** 64, 20);
  });
});

describe('FingerprintTable', () => {
  it('inserts, finds and grows, every segment 64–80% full', () => {
    const t = new FingerprintTable(4);
    for (let i = 0; i < 5000; i++) expect(t.getOrInsert(i * 7919, i ^ 0x5bd1e995, i)).toBe(-1);
    expect(t.size).toBe(5000);
    expect(t.capacity).toBeGreaterThanOrEqual(5000 / 0.8);
    expect(t.capacity).toBeLessThan((5000 / 0.8) * 1.25 + SEGMENTS);
    for (let i = 0; i < 5000; i++) expect(t.get(i * 7919, i ^ 0x5bd1e995)).toBe(i);
    expect(t.getOrInsert(7919 * 3, 3 ^ 0x5bd1e995, 99)).toBe(3);
    expect(t.get(1, 1)).toBe(-1);
  });

  it('has, after any run of lookups, the size TableSize computes from the fingerprints inserted', () => {
    // The parallel explorer reports the one-thread table's size from that figure alone.
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6000 }), { minLength: 1, maxLength: 12000 }), (keys) => {
        const t = new FingerprintTable();
        const size = new TableSize();
        for (const k of keys) {
          const hi = Math.imul(k, 0x2545f491) >>> 0;
          if (t.getOrInsert(hi, k ^ 0x5bd1e995, t.size) < 0) size.add(hi, k ^ 0x5bd1e995);
        }
        expect(t.capacity).toBe(size.capacity);
        expect(t.bytes).toBe(size.bytes);
      }),
      { numRuns: 60 },
    );
    expect(new TableSize().capacity).toBe(new FingerprintTable().capacity);
    expect(new FingerprintTable().bytes).toBe(12 * 1024);
  });
});
