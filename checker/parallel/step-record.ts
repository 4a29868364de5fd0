/**
 * A successor's record (../record.ts) against the level's base, from what the expansion
 * already knows instead of a comparison of every word. The expanded state `cur` differs from
 * the frontier's base only at the positions its record changes, and the new level's base
 * differs from the frontier's only at a level-wide list of positions (none when the level
 * keeps the frontier's base, see search.ts); a successor `w` differs from `cur` only at the
 * few positions `fingerprintStep` found (`diff`). So `w` can differ from the new base only at
 * the union of those sorted lists: the record is a merge of them, each word's XOR
 * `w[i] ^ base[i]` taken there (a zero XOR is left out).
 *
 * The bytes are exactly encodeRecord(w, base)'s (test/checker/parallel-step-record.test.ts).
 */
import { closeRecord, writePair } from '../record.js';

const END = 0x7fffffff;

/**
 * Writes into `out` the sorted union of a[0], a[stride], … (`an` positions, sorted) and
 * b[0, bn) (sorted); returns its length.
 */
export function unionPositions(a: Int32Array, stride: number, an: number, b: Int32Array, bn: number, out: Int32Array): number {
  let n = 0;
  let i = 0;
  let j = 0;
  while (i < an || j < bn) {
    const pa = i < an ? a[stride * i] : END;
    const pb = j < bn ? b[j] : END;
    if (pa <= pb) {
      out[n++] = pa;
      i++;
      if (pa === pb) j++;
    } else {
      out[n++] = pb;
      j++;
    }
  }
  return n;
}

/**
 * Writes the record of `w` against `base` at out[at], given that they can differ only at
 * p[0], p[stride], … (`pn` sorted positions) and diff[0, n) (sorted); returns its length.
 */
export function encodeAt(
  p: Int32Array,
  stride: number,
  pn: number,
  diff: Int32Array,
  n: number,
  w: Int32Array,
  base: Int32Array,
  out: Uint8Array,
  at: number,
): number {
  let o = at + 2;
  let k = 0;
  let prev = 0;
  let i = 0;
  let j = 0;
  while (i < pn || j < n) {
    const pa = i < pn ? p[stride * i] : END;
    const pb = j < n ? diff[j] : END;
    let q: number;
    if (pa <= pb) {
      q = pa;
      i++;
      if (pa === pb) j++;
    } else {
      q = pb;
      j++;
    }
    const x = w[q] ^ base[q];
    if (x === 0) continue;
    o = writePair(out, o, q - prev, x);
    prev = q;
    k++;
  }
  return closeRecord(out, at, k, o);
}

/** Writes the positions where a[0, words) and b[0, words) differ into `out`, in order; returns how many. */
export function differingPositions(a: Int32Array, b: Int32Array, words: number, out: Int32Array): number {
  let n = 0;
  for (let i = 0; i < words; i++) if (a[i] !== b[i]) out[n++] = i;
  return n;
}
