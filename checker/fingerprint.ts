/**
 * 64-bit fingerprints of int32 words: two independent 32-bit lanes in the style of
 * MurmurHash3 (different constants and seeds per lane), each finished with fmix32.
 */

/** Writes the fingerprint of words[start, start+len) into out[0] (high) and out[1] (low). */
export function fingerprint64(words: Int32Array, start: number, len: number, out: Uint32Array): void {
  let h1 = 0x9747b28c ^ len;
  let h2 = 0x1b873593 ^ Math.imul(len, 0x27d4eb2f);
  const end = start + len;
  for (let i = start; i < end; i++) {
    const k = words[i] | 0;
    let k1 = Math.imul(k, 0xcc9e2d51);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, 0x1b873593);
    h1 ^= k1;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;

    let k2 = Math.imul(k ^ (k >>> 16), 0x85ebca6b);
    k2 = (k2 << 17) | (k2 >>> 15);
    k2 = Math.imul(k2, 0xc2b2ae35);
    h2 ^= k2;
    h2 = (h2 << 11) | (h2 >>> 21);
    h2 = (Math.imul(h2, 9) + 0x52dce729) | 0;
  }
  out[0] = fmix32(h1 ^ Math.imul(h2, 0x9e3779b1));
  out[1] = fmix32(h2 ^ h1);
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The probability that two distinct states shared a fingerprint during a run, computed
 * as TLC does ("optimistic"): distinct * (generated - distinct) / 2^64.
 */
export function collisionProbability(distinct: number, generated: number): number {
  const others = Math.max(0, generated - distinct);
  return (distinct * others) / 2 ** 64;
}
