/**
 * The parallel expansion's record of a new state (checker/parallel/step-record.ts), merged
 * from the expanded state's delta to the level's base and the words the step changed: the
 * same bytes as encodeRecord comparing every word, for any frontier base, new base,
 * expanded state and successor (words of every size, changed anywhere, shared or not).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Delta, encodeStep } from '../../checker/parallel/step-record.js';
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

describe('encodeStep (parallel records)', () => {
  it('writes the bytes encodeRecord writes, from the frontier record, the level delta and the step diff', () => {
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 80 }),
        edits,
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
          const level = new Delta(W);
          level.setDifference(bb, fb, W);
          const delta = new Delta(W);
          delta.setXorOfChanged(changed, recordWords(rec, 0), decoded, level);
          const diff: number[] = [];
          for (let i = 0; i < W; i++) if (next[i] !== cur[i]) diff.push(i);
          const want = new Uint8Array(maxRecordBytes(W) + 3);
          const got = new Uint8Array(maxRecordBytes(W) + 3);
          const wantLen = encodeRecord(next, bb, W, want, 3);
          const gotLen = encodeStep(delta, Int32Array.from(diff), diff.length, next, bb, got, 3);
          expect(gotLen).toBe(wantLen);
          expect(Array.from(got)).toEqual(Array.from(want));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
