/**
 * The parallel expansion's record of a new state (checker/parallel/step-record.ts), merged
 * from the positions the expanded state's record changes, the level's change of base (none
 * or some) and the words the step changed: the same bytes as encodeRecord comparing every
 * word, for any frontier base, new base, expanded state and successor.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { differingPositions, encodeAt, unionPositions } from '../../checker/parallel/step-record.js';
import { applyRecord, encodeRecord, maxRecordBytes, recordWords } from '../../checker/record.js';

/** A word: mostly small (as the models' are), sometimes any int32. */
const word = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 15 }) }, { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) });

/** `a` with some words replaced (positions and values drawn from `edits`). */
function edited(a: number[], edits: [number, number][]): number[] {
  const b = a.slice();
  for (const [i, v] of edits) b[i % b.length] = v;
  return b;
}

const edits = fc.array(fc.tuple(fc.nat(), word), { maxLength: 12 });

describe('encodeAt (parallel records)', () => {
  it('writes the bytes encodeRecord writes, from the frontier record, the level change of base and the step diff', () => {
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 80 }),
        fc.oneof(fc.constant([] as [number, number][]), edits),
        edits,
        edits,
        (frontBase, toBackBase, toCur, toNext) => {
          const W = frontBase.length;
          const fb = Int32Array.from(frontBase);
          const bb = Int32Array.from(edited(frontBase, toBackBase));
          const cur = Int32Array.from(edited(edited(frontBase, toBackBase), toCur));
          const next = Int32Array.from(edited(Array.from(cur), toNext));
          // The expanded state as the frontier store holds it, decoded as the expander decodes it.
          const rec = new Uint8Array(maxRecordBytes(W));
          encodeRecord(cur, fb, W, rec, 0);
          const decoded = fb.slice();
          const changed = new Int32Array(2 * W);
          applyRecord(rec, 0, decoded, changed);
          expect(Array.from(decoded)).toEqual(Array.from(cur));
          const levelPos = new Int32Array(W);
          const levelN = differingPositions(bb, fb, W, levelPos);
          const diff: number[] = [];
          for (let i = 0; i < W; i++) if (next[i] !== cur[i]) diff.push(i);
          const want = new Uint8Array(maxRecordBytes(W) + 3);
          const got = new Uint8Array(maxRecordBytes(W) + 3);
          const wantLen = encodeRecord(next, bb, W, want, 3);
          let gotLen: number;
          const d = Int32Array.from(diff);
          if (levelN === 0) {
            gotLen = encodeAt(changed, 2, recordWords(rec, 0), d, diff.length, next, bb, got, 3);
          } else {
            const union = new Int32Array(W);
            const un = unionPositions(changed, 2, recordWords(rec, 0), levelPos, levelN, union);
            gotLen = encodeAt(union, 1, un, d, diff.length, next, bb, got, 3);
          }
          expect(gotLen).toBe(wantLen);
          expect(Array.from(got)).toEqual(Array.from(want));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('unionPositions is the sorted union without repeats', () => {
    const sorted = fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 30 }).map((a) => a.sort((x, y) => x - y));
    fc.assert(
      fc.property(sorted, sorted, (a, b) => {
        const strided = new Int32Array(2 * a.length);
        a.forEach((p, i) => (strided[2 * i] = p));
        const out = new Int32Array(a.length + b.length);
        const n = unionPositions(strided, 2, a.length, Int32Array.from(b), b.length, out);
        expect(Array.from(out.subarray(0, n))).toEqual([...new Set([...a, ...b])].sort((x, y) => x - y));
      }),
    );
  });
});
