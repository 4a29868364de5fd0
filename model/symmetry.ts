/**
 * Symmetry reduction over the messages of one CK. Where nothing in the model depends on
 * which offset of a CK a message has (no expiry, no per-offset reads, one CK over the
 * offsets), permuting the CK's message indices maps behaviours to behaviours and keeps
 * every invariant's value. The canonical representative sorts the indices by their
 * signature: membership in every per-CK mask, then in every revive-queue and timer entry
 * of that CK. Indices with equal signatures are interchangeable, so the result is the same
 * for every state of the orbit.
 */
import * as layoutModule from './layout.js';
import type { Layout } from './layout.js';
import type { Ctx } from './protocol/context.js';
import { asState, type State } from './state.js';

// The imported constants as this module's own: V8's optimizing compiler folds a module's
// own constants into the code, and loads an imported binding at every use (docs/explorer.md,
// "Counting instructions").
const { C, E, G } = layoutModule;

/**
 * The per-CK message masks, in the order the signature reads them (the order fixes which state
 * of an orbit is canonical, so it is kept). As a set it must be exactly the fields
 * model/layout.ts declares `message-mask` (test/model/layout-roles.test.ts): a mask left out
 * would not be permuted with the others, and the "canonical" state would not be in the orbit.
 */
export const CK_MASKS = [
  C.BITS,
  C.TO_STORE,
  C.HELD,
  C.ACKED,
  C.ACKED_IN_TIME,
  C.ACK_WRITTEN,
  C.ACK_STORED_IN_TIME,
  C.RETRIED,
  C.RETRIED_AGAIN,
  C.CHANGED,
  C.PENDING_MARK,
  C.REVIVE_UNACKED,
  C.RETRY_PENDING,
] as const;

interface Scratch {
  readonly words: Int32Array;
  /** Signature of index i: chunks of 30 bits at [i * chunks, (i + 1) * chunks). */
  sig: Int32Array;
  readonly order: Int32Array;
}

const scratchByLayout = new WeakMap<Layout, Scratch>();

function scratchFor(L: Layout): Scratch {
  let s = scratchByLayout.get(L);
  if (!s) {
    const maxWords = CK_MASKS.length + L.entries;
    s = { words: new Int32Array(maxWords), sig: new Int32Array(32 * Math.ceil(maxWords / 30)), order: new Int32Array(32) };
    scratchByLayout.set(L, s);
  }
  return s;
}

/**
 * Canonicalizes the message indices of every CK, each CK on its own (the permutations act on
 * disjoint data: a CK's masks and the entries that name it). Sound when no two CKs share an
 * offset and nothing else depends on which offset a message has (see the full scenario).
 */
export function canonicalizeAllCks(s: State, ctx: Ctx): State {
  let t = s;
  for (let k = 0; k < s[G.NCK]; k++) t = canonicalizeMessages(t, ctx, k);
  return t;
}

export function canonicalizeMessages(s: State, ctx: Ctx, k: number): State {
  const L = ctx.L;
  if (k >= s[G.NCK]) return s;
  const num = s[L.ck(k) + C.NUM];
  if (num <= 1) return s;
  const sc = scratchFor(L);
  // Word offsets of every mask of CK k: the CK's masks, then its entries in region order.
  const words = sc.words;
  let nw = 0;
  const c = L.ck(k);
  for (const f of CK_MASKS) words[nw++] = c + f;
  const used = s[G.NLOG] + s[G.NTIMER];
  for (let p = 0; p < used; p++) if (s[L.log(p) + E.CK] === k) words[nw++] = L.log(p) + E.MASK;
  const chunks = Math.ceil(nw / 30);
  const sig = sc.sig;
  sig.fill(0, 0, num * chunks);
  for (let w = 0; w < nw; w++) {
    const m = s[words[w]];
    if (m === 0) continue;
    const chunk = Math.floor(w / 30);
    const bit = 1 << (29 - (w % 30));
    for (let i = 0; i < num; i++) if (m & (1 << i)) sig[i * chunks + chunk] |= bit;
  }
  // Insertion sort of the indices by signature, descending; stable, so ties keep index order.
  const order = sc.order;
  let identity = true;
  for (let i = 0; i < num; i++) {
    let j = i;
    while (j > 0 && greater(sig, chunks, i, order[j - 1])) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
    if (j !== i) identity = false;
  }
  if (identity) return s;
  const d = s.slice();
  for (let w = 0; w < nw; w++) {
    const old = s[words[w]];
    let m = 0;
    for (let j = 0; j < num; j++) if (old & (1 << order[j])) m |= 1 << j;
    d[words[w]] = m;
  }
  return asState(d);
}

/** Is the signature of index a greater than that of index b? */
function greater(sig: Int32Array, chunks: number, a: number, b: number): boolean {
  for (let x = 0; x < chunks; x++) {
    const d = sig[a * chunks + x] - sig[b * chunks + x];
    if (d !== 0) return d > 0;
  }
  return false;
}
