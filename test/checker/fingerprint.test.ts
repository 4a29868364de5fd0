import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collisionProbability, fingerprint64, FingerprintTable } from '../../checker/index.js';
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
