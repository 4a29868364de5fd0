/**
 * A state's words as a compact record: the words where it differs from a base state, as k
 * (2 bytes, little-endian) then k pairs (gap from the previous differing word, or from word 0;
 * the word XOR the base's, as a uint32), each an unsigned LEB128 varint. The search queue
 * (queue.ts) encodes each state against the one queued before it; the parallel explorer's
 * level stores (parallel/level-store.ts) encode against one base state per level, so that
 * each record decodes on its own wherever it sits.
 */

/** The most bytes a record of `words` words (at most 0xffff) can take: k, and per word a gap (3 bytes) and a word (5). */
export function maxRecordBytes(words: number): number {
  return 2 + 8 * words;
}

/** Writes the record of src[0, words) against base at out[at]; returns its length in bytes. */
export function encodeRecord(src: Int32Array, base: Int32Array, words: number, out: Uint8Array, at: number): number {
  let o = at + 2;
  let k = 0;
  let prev = 0;
  for (let i = 0; i < words; i++) {
    const x = src[i] ^ base[i];
    if (x === 0) continue;
    o = writePair(out, o, i - prev, x);
    prev = i;
    k++;
  }
  return closeRecord(out, at, k, o);
}

/**
 * Ends a record begun at out[at] whose k pairs run up to out[o]: writes k into its two header
 * bytes; returns the record's length in bytes.
 */
export function closeRecord(out: Uint8Array, at: number, k: number, o: number): number {
  out[at] = k & 0xff;
  out[at + 1] = k >>> 8;
  return o - at;
}

/**
 * Writes one pair of a record at out[o]: the gap and the word's XOR (as a uint32), each an
 * unsigned LEB128 varint; returns the offset just past it.
 */
export function writePair(out: Uint8Array, o: number, gap: number, x: number): number {
  while (gap >= 0x80) {
    out[o++] = (gap & 0x7f) | 0x80;
    gap >>>= 7;
  }
  out[o++] = gap;
  x >>>= 0;
  while (x >= 0x80) {
    out[o++] = (x & 0x7f) | 0x80;
    x >>>= 7;
  }
  out[o++] = x;
  return o;
}

/** The number of words the record at buf[at] changes. */
export function recordWords(buf: Uint8Array, at: number): number {
  return buf[at] | (buf[at + 1] << 8);
}

/**
 * XORs the record at buf[at] into `out` (holding the base it was encoded against, it then
 * holds the state); returns the offset just past the record. With `changed`, also writes there
 * each changed word's position and its value before, as pairs in record order (the record's
 * first two bytes, `recordWords`, say how many).
 */
export function applyRecord(buf: Uint8Array, at: number, out: Int32Array, changed: Int32Array | null = null): number {
  let o = at;
  let k = buf[o] | (buf[o + 1] << 8);
  o += 2;
  let i = 0;
  let j = 0;
  let b: number;
  while (k-- > 0) {
    // int32 arithmetic: a gap is below 2^16, and the bits of a word's fifth byte that fall
    // beyond bit 31 are zero.
    b = buf[o++];
    let gap = b & 0x7f;
    for (let sh = 7; b & 0x80; sh += 7) {
      b = buf[o++];
      gap |= (b & 0x7f) << sh;
    }
    b = buf[o++];
    let x = b & 0x7f;
    for (let sh = 7; b & 0x80; sh += 7) {
      b = buf[o++];
      x |= (b & 0x7f) << sh;
    }
    i += gap;
    if (changed !== null) {
      changed[j++] = i;
      changed[j++] = out[i];
    }
    out[i] ^= x;
  }
  return o;
}

/*
 * Records over marked words: a successor `src` can differ from the state `last` encoded before
 * it only where `last` differed from the state being expanded (the step that made `last`, and
 * the words the records read since changed) and where the step to `src` changed a word. The
 * one-thread queue (queue.ts, without the kernel) and the parallel level stores' link entries
 * (parallel/level-store.ts) mark those words and take the record over them only, in increasing
 * order: exactly encodeRecord(src, last)'s bytes (test/checker/parallel-step-record.test.ts).
 */
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
