/**
 * A successor's record (../record.ts) against the level's base, from what the expansion
 * already knows instead of a comparison of every word. The expanded state `cur` differs from
 * the new level's base at a sorted list of positions (its "delta": position and XOR), and a
 * successor `w` differs from `cur` only at the few positions `fingerprintStep` found (`diff`).
 * So `w` differs from the base at the delta's positions and the diff's, nowhere else: the
 * record is a merge of the two sorted lists, with `w[i] ^ base[i]` taken afresh at the diff's
 * positions. The delta itself is a merge too: `cur` is the frontier's base XOR its record, and
 * the new base is the frontier's base XOR the level's own delta (both sorted lists).
 *
 * The bytes are exactly encodeRecord(w, base)'s (test/checker/parallel-step-record.test.ts).
 */
import { writePair } from '../record.js';

/** A sorted list of (position, non-zero XOR) pairs, in two growable arrays. */
export class Delta {
  pos: Int32Array;
  x: Int32Array;
  n = 0;

  constructor(room: number) {
    this.pos = new Int32Array(Math.max(1, room));
    this.x = new Int32Array(Math.max(1, room));
  }

  /** The pairs where `a` differs from `b` (both of `words` words). */
  setDifference(a: Int32Array, b: Int32Array, words: number): void {
    let n = 0;
    for (let i = 0; i < words; i++) {
      const x = a[i] ^ b[i];
      if (x === 0) continue;
      this.pos[n] = i;
      this.x[n] = x;
      n++;
    }
    this.n = n;
  }

  /**
   * The XOR of two deltas: `a` given as `an` (position, XOR) pairs side by side in `ab` (as
   * applyRecord's `changed` holds them: position, then the value before the XOR, so `cur` is
   * needed to get the XOR back: cur[pos] ^ before), and `b`.
   */
  setXorOfChanged(changed: Int32Array, an: number, cur: Int32Array, b: Delta): void {
    const { pos, x } = this;
    const bp = b.pos;
    const bx = b.x;
    const bn = b.n;
    let n = 0;
    let i = 0;
    let j = 0;
    while (i < an || j < bn) {
      const pa = i < an ? changed[2 * i] : 0x7fffffff;
      const pb = j < bn ? bp[j] : 0x7fffffff;
      let p: number;
      let v: number;
      if (pa < pb) {
        p = pa;
        v = cur[pa] ^ changed[2 * i + 1];
        i++;
      } else if (pb < pa) {
        p = pb;
        v = bx[j];
        j++;
      } else {
        p = pa;
        v = cur[pa] ^ changed[2 * i + 1] ^ bx[j];
        i++;
        j++;
      }
      if (v === 0) continue;
      pos[n] = p;
      x[n] = v;
      n++;
    }
    this.n = n;
  }
}

/**
 * Writes the record of `w` against `base` at out[at], where `cur` ^ `base` is `delta` and `w`
 * differs from `cur` exactly at the `n` sorted positions of `diff`; returns its length.
 */
export function encodeStep(delta: Delta, diff: Int32Array, n: number, w: Int32Array, base: Int32Array, out: Uint8Array, at: number): number {
  const dp = delta.pos;
  const dx = delta.x;
  const dn = delta.n;
  let o = at + 2;
  let k = 0;
  let prev = 0;
  let i = 0;
  let j = 0;
  while (i < dn || j < n) {
    const pa = i < dn ? dp[i] : 0x7fffffff;
    const pb = j < n ? diff[j] : 0x7fffffff;
    let p: number;
    let v: number;
    if (pa < pb) {
      p = pa;
      v = dx[i];
      i++;
    } else {
      p = pb;
      v = w[pb] ^ base[pb];
      j++;
      if (pa === pb) i++;
    }
    if (v === 0) continue;
    o = writePair(out, o, p - prev, v);
    prev = p;
    k++;
  }
  out[at] = k & 0xff;
  out[at + 1] = k >>> 8;
  return o - at;
}
