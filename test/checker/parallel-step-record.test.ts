/**
 * The parallel expansion's entries (checker/parallel/level-store.ts, step-record.ts): a link
 * record taken over the marked words only is the record encodeRecord takes comparing every
 * word, whenever the marks cover every word where the two states differ; and any entry of a
 * block of key entries and links decodes to its state, from its chain's key entry.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntry, ENTRY_HEAD, readLink, writeFingerprint, writeLink } from '../../checker/parallel/level-store.js';
import { encodeMarked } from '../../checker/record.js';
import { encodeRecord, maxRecordBytes } from '../../checker/record.js';

/** A word: mostly small (as the models' are), sometimes any int32. */
const word = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 15 }) }, { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) });

/** `a` with some words replaced (positions and values drawn from `edits`). */
function edited(a: number[], edits: [number, number][]): number[] {
  const b = a.slice();
  for (const [i, v] of edits) b[i % b.length] = v;
  return b;
}

const edits = fc.array(fc.tuple(fc.nat(), word), { maxLength: 12 });

describe('encodeMarked (link records)', () => {
  it('writes the bytes encodeRecord writes when every differing word is marked, clears the marks and updates the last state', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 80 }), edits, fc.array(fc.nat(), { maxLength: 12 }), (lastWords, toSrc, extra) => {
        const W = lastWords.length;
        const last = Int32Array.from(lastWords);
        const src = Int32Array.from(edited(lastWords, toSrc));
        const mark32 = new Uint32Array((W + 3) >> 2);
        const mark = new Uint8Array(mark32.buffer);
        // Marked: the edited words (whether they changed or not) and a few more.
        for (const [i] of toSrc) mark[i % W] = 1;
        for (const i of extra) mark[i % W] = 1;
        const want = new Uint8Array(maxRecordBytes(W) + 3);
        const got = new Uint8Array(maxRecordBytes(W) + 3);
        const wantLen = encodeRecord(src, last, W, want, 3);
        const gotLen = encodeMarked(src, last, mark32, got, 3);
        expect(gotLen).toBe(wantLen);
        expect(Array.from(got)).toEqual(Array.from(want));
        expect(Array.from(last)).toEqual(Array.from(src));
        expect(mark32.every((m) => m === 0)).toBe(true);
      }),
    );
  });

  it('misses a differing word that is not marked (the marks matter)', () => {
    const last = Int32Array.from([1, 2, 3, 4, 5]);
    const src = Int32Array.from([1, 2, 9, 4, 7]);
    const mark32 = new Uint32Array(2);
    new Uint8Array(mark32.buffer)[2] = 1;
    const out = new Uint8Array(64);
    const len = encodeMarked(src, last, mark32, out, 0);
    const full = new Uint8Array(64);
    expect(len).toBeLessThan(encodeRecord(src, Int32Array.from([1, 2, 3, 4, 5]), 5, full, 0));
  });
});

describe('decodeEntry (chains of links)', () => {
  it('decodes every entry of a block of key entries and links to its state, in any order', () => {
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(edits, fc.boolean()), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (baseWords, steps, order) => {
          const W = baseWords.length;
          const base = Int32Array.from(baseWords);
          const buf = new Uint8Array(steps.length * (ENTRY_HEAD + maxRecordBytes(W)) + 8);
          const states: Int32Array[] = [];
          const at: number[] = [];
          let cur = baseWords;
          let o = 5;
          for (let j = 0; j < steps.length; j++) {
            const [e, key] = steps[j];
            cur = edited(cur, e);
            const s = Int32Array.from(cur);
            writeFingerprint(buf, o, j, ~j);
            const isKey = j === 0 || key;
            writeLink(buf, o, isKey ? 0 : o - at[j - 1]);
            expect(readLink(buf, o)).toBe(isKey ? 0 : o - at[j - 1]);
            const len = encodeRecord(s, isKey ? base : states[j - 1], W, buf, o + ENTRY_HEAD);
            states.push(s);
            at.push(o);
            o += ENTRY_HEAD + len;
          }
          const out = new Int32Array(W);
          const chain: number[] = [];
          for (const k of [...order, steps.length - 1]) {
            const j = k % steps.length;
            out.fill(-1);
            decodeEntry(buf, at[j], base, out, chain);
            expect(Array.from(out)).toEqual(Array.from(states[j]));
          }
        },
      ),
    );
  });
});
