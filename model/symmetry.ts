/**
 * Symmetry reduction over the messages of one CK. Where nothing in the model depends on
 * which offset of a CK a message has (no expiry, no per-offset reads, one CK over the
 * offsets), permuting the CK's message indices maps behaviours to behaviours and keeps
 * every invariant's value. The canonical representative sorts the indices by their
 * signature: membership in every per-CK mask, then in every revive-queue and timer entry
 * of that CK. Indices with equal signatures are interchangeable, so the result is the same
 * for every state of the orbit.
 */
import { C, E, G, type Layout } from './layout.js';
import type { Ctx } from './protocol/context.js';
import { asState, type State } from './state.js';

const CK_MASKS = [C.BITS, C.TO_STORE, C.HELD, C.ACKED, C.ACKED_IN_TIME, C.ACK_WRITTEN, C.RETRIED, C.RETRIED_AGAIN] as const;

/** Word offsets of every mask of CK slot k, in a fixed order (CK masks, revive queue, timer). */
function maskWords(d: Int32Array, L: Layout, k: number): number[] {
  const c = L.ck(k);
  const words: number[] = CK_MASKS.map((f) => c + f);
  for (let p = 0; p < d[G.NLOG]; p++) if (d[L.log(p) + E.CK] === k) words.push(L.log(p) + E.MASK);
  for (let i = 0; i < d[G.NTIMER]; i++) if (d[L.timer(d, i) + E.CK] === k) words.push(L.timer(d, i) + E.MASK);
  return words;
}

export function canonicalizeMessages(s: State, ctx: Ctx, k: number): State {
  const L = ctx.L;
  if (k >= s[G.NCK]) return s;
  const num = s[L.ck(k) + C.NUM];
  if (num <= 1) return s;
  const words = maskWords(s, L, k);
  // Signature of index i: one bit per mask word, packed 30 to an int, most significant first.
  const chunks = Math.ceil(words.length / 30);
  const sig = new Int32Array(num * chunks);
  for (let i = 0; i < num; i++) {
    for (let w = 0; w < words.length; w++) {
      if (s[words[w]] & (1 << i)) sig[i * chunks + Math.floor(w / 30)] |= 1 << (29 - (w % 30));
    }
  }
  const order = Array.from({ length: num }, (_, i) => i);
  order.sort((a, b) => {
    for (let x = 0; x < chunks; x++) {
      const diff = sig[a * chunks + x] - sig[b * chunks + x];
      if (diff !== 0) return diff > 0 ? -1 : 1;
    }
    return 0;
  });
  if (order.every((v, j) => v === j)) return s;
  const d = s.slice();
  for (const w of words) {
    const old = s[w];
    let m = 0;
    for (let j = 0; j < num; j++) if (old & (1 << order[j])) m |= 1 << j;
    d[w] = m;
  }
  return asState(d);
}
