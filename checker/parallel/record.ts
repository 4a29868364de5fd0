/**
 * A state's words as a record a thread can decode on its own, wherever it sits: the words
 * that are not zero, as k (2 bytes, little-endian) then k pairs (gap from the previous such
 * word, or from word 0; the word as a uint32), each an unsigned LEB128 varint. The parallel
 * explorer's level stores hold these (a state of the `full` scenario has a few dozen non-zero
 * words of 239), found through a byte offset per provisional index.
 */

/** The most bytes a record of `words` words can take: k, and per word a gap (3 bytes) and a word (5). */
export function maxRecordBytes(words: number): number {
  return 2 + 8 * words;
}

/** Writes the record of src[0, words) at out[at]; returns its length in bytes. */
export function encodeRecord(src: Int32Array, words: number, out: Uint8Array, at: number): number {
  let o = at + 2;
  let k = 0;
  let prev = 0;
  for (let i = 0; i < words; i++) {
    let x = src[i];
    if (x === 0) continue;
    let gap = i - prev;
    prev = i;
    k++;
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
  }
  out[at] = k & 0xff;
  out[at + 1] = k >>> 8;
  return o - at;
}

/** Decodes the record at buf[at] into out[0, words) (every other word zero). */
export function decodeRecord(buf: Uint8Array, at: number, words: number, out: Int32Array): void {
  out.fill(0, 0, words);
  let o = at;
  let k = buf[o] | (buf[o + 1] << 8);
  o += 2;
  let i = 0;
  let b: number;
  while (k-- > 0) {
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
    out[i] = x;
  }
}
