/**
 * A thread's next link entry (level-store.ts: a record of the successor it stores against the
 * state it stored just before) without comparing every word: the successor `src` can differ
 * from that state `last` only where `last` differed from the state being expanded (the step
 * that made `last`, and the words the frontier's records changed since) and where the step to
 * `src` changed a word. The expander marks those words; the record is taken over the marked
 * words only, in increasing order (as PackedQueue.encodeMarked does for the one-thread queue).
 *
 * The bytes are exactly encodeRecord(src, last)'s (test/checker/parallel-step-record.test.ts).
 */
import { closeRecord, writePair } from '../record.js';

/**
 * Writes the record of `src` against `last` at out[at], given that they differ only at words
 * marked in `mark32` (a byte a word, read four at a time, words beyond `src`'s unmarked);
 * clears the marks and makes `last` equal to `src` there. Returns the record's length.
 */
export function encodeMarked(src: Int32Array, last: Int32Array, mark32: Uint32Array, out: Uint8Array, at: number): number {
  let o = at + 2;
  let k = 0;
  let prev = 0;
  for (let q = 0; q < mark32.length; q++) {
    const m = mark32[q];
    if (m === 0) continue;
    mark32[q] = 0;
    for (let b = 0; b < 4; b++) {
      if (((m >>> (8 * b)) & 0xff) === 0) continue;
      const i = 4 * q + b;
      const v = src[i];
      const x = v ^ last[i];
      if (x === 0) continue;
      last[i] = v;
      o = writePair(out, o, i - prev, x);
      prev = i;
      k++;
    }
  }
  return closeRecord(out, at, k, o);
}
