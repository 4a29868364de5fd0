/**
 * The breadth-first search queue, compressed. States are appended in id order and taken out
 * in the same order, once each, so each is stored as its difference from the state appended
 * before it (consecutive states of a BFS level are mostly siblings and differ in a few words):
 * the words whose XOR with the previous state is non-zero, each as (gap, xor) in unsigned
 * LEB128 varints. Reading decodes in the same order against the previously read state. The
 * bytes live in chunks that are released (and reused) once read past, so the queue holds
 * only what is still to be expanded, at a few bytes a state where the raw words take
 * hundreds.
 *
 * Record: k, the number of words that differ (2 bytes, little-endian), then k times: varint
 * gap (from the last differing word, or from word 0), varint xor (the word XOR the previous
 * state's, as a uint32).
 */

const CHUNK_BYTES = 1 << 20;

export class PackedQueue {
  /** Chunks of encoded records; `null` once released. */
  private readonly chunks: (Uint8Array | null)[] = [];
  private readonly spare: Uint8Array[] = [];
  /** Write position: chunk index and byte offset. */
  private wc = -1;
  private wo = CHUNK_BYTES;
  /** Read position. */
  private rc = 0;
  private ro = 0;
  /** The last state appended, and the last state read (the decoding base). */
  private readonly lastIn: Int32Array;
  private readonly lastOut: Int32Array;
  private live = 0;
  private appended = 0;
  private taken = 0;
  /** Largest number of bytes held at once (chunks allocated and not yet released). */
  peakBytes = 0;
  /** The largest a record can be: k, then a gap and a word per word, each at most 5 bytes. */
  private readonly maxRecord: number;

  constructor(private readonly words: number) {
    this.lastIn = new Int32Array(words);
    this.lastOut = new Int32Array(words);
    // At most 0xffff words: k fits its two bytes, and a record (at most 655,352 bytes) a chunk.
    this.maxRecord = 2 + 10 * words;
    if (words > 0xffff) throw new RangeError(`PackedQueue: ${words} words a state is more than a record can say`);
  }

  /** States appended and not yet taken. */
  get length(): number {
    return this.appended - this.taken;
  }

  /** Appends a state's words (`src[0, words)`). */
  push(src: Int32Array): void {
    const W = this.words;
    if (CHUNK_BYTES - this.wo < this.maxRecord) this.nextChunk();
    const buf = this.chunks[this.wc]!;
    const last = this.lastIn;
    // k is written last, into two bytes reserved before the pairs (k <= words <= 0xffff).
    const at = this.wo;
    let o = at + 2;
    let k = 0;
    let prev = 0;
    for (let i = 0; i < W; i++) {
      let x = src[i] ^ last[i];
      if (x === 0) continue;
      last[i] = src[i];
      let gap = i - prev;
      prev = i;
      k++;
      while (gap >= 0x80) {
        buf[o++] = (gap & 0x7f) | 0x80;
        gap >>>= 7;
      }
      buf[o++] = gap;
      x >>>= 0;
      while (x >= 0x80) {
        buf[o++] = (x & 0x7f) | 0x80;
        x >>>= 7;
      }
      buf[o++] = x;
    }
    buf[at] = k & 0xff;
    buf[at + 1] = k >>> 8;
    this.wo = o;
    this.appended++;
  }

  /**
   * Takes the next state: its words, in a buffer owned by the queue that the next `shift`
   * overwrites. Never write to it.
   */
  shift(): Int32Array {
    if (this.taken === this.appended) throw new Error('PackedQueue: empty');
    let buf = this.chunks[this.rc]!;
    if (this.ro === this.endOf(this.rc)) {
      this.release(this.rc);
      this.rc++;
      this.ro = 0;
      buf = this.chunks[this.rc]!;
    }
    const out = this.lastOut;
    let o = this.ro;
    let k = buf[o] | (buf[o + 1] << 8);
    o += 2;
    let b: number;
    let i = 0;
    while (k-- > 0) {
      // Varints decoded inline (this runs once per expanded state).
      // (int32 arithmetic: a gap is below 2^16, and the bits of a word's fifth byte that
      // fall beyond bit 31 are zero.)
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
      out[i] ^= x;
    }
    this.ro = o;
    this.taken++;
    return out;
  }

  /** Where the records of chunk c end (the write position for the chunk being written). */
  private readonly ends: number[] = [];
  private endOf(c: number): number {
    return c === this.wc ? this.wo : this.ends[c];
  }

  private nextChunk(): void {
    if (this.wc >= 0) this.ends[this.wc] = this.wo;
    const chunk = this.spare.pop() ?? new Uint8Array(CHUNK_BYTES);
    this.chunks.push(chunk);
    this.wc = this.chunks.length - 1;
    this.wo = 0;
    this.live++;
    this.peakBytes = Math.max(this.peakBytes, this.live * CHUNK_BYTES);
  }

  private release(c: number): void {
    const chunk = this.chunks[c];
    if (!chunk) return;
    this.chunks[c] = null;
    this.live--;
    if (this.spare.length < 2) this.spare.push(chunk);
  }
}
