/**
 * The breadth-first search queue, compressed. States are appended in id order and taken out
 * in the same order, once each, so each is stored as a record (record.ts) of its difference
 * from the state appended before it (consecutive states of a BFS level are mostly siblings and
 * differ in a few words), and read back by applying each record to the state read before it.
 * The bytes live in chunks that are released (and reused) once read past, so the queue holds
 * only what is still to be expanded, at a few bytes a state where the raw words take
 * hundreds.
 */
import { applyRecord, encodeRecord, maxRecordBytes } from './record.js';

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
  /** The largest a record can be (maxRecordBytes). */
  private readonly maxRecord: number;

  constructor(private readonly words: number) {
    this.lastIn = new Int32Array(words);
    this.lastOut = new Int32Array(words);
    // At most 0xffff words: k fits its two bytes, and a record (at most 524,282 bytes) a chunk.
    this.maxRecord = maxRecordBytes(words);
    if (words > 0xffff) throw new RangeError(`PackedQueue: ${words} words a state is more than a record can say`);
  }

  /** States appended and not yet taken. */
  get length(): number {
    return this.appended - this.taken;
  }

  /** Appends a state's words (`src[0, words)`). */
  push(src: Int32Array): void {
    if (CHUNK_BYTES - this.wo < this.maxRecord) this.nextChunk();
    this.wo += encodeRecord(src, this.lastIn, this.words, this.chunks[this.wc]!, this.wo);
    this.lastIn.set(src.length === this.words ? src : src.subarray(0, this.words));
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
    this.ro = applyRecord(buf, this.ro, this.lastOut);
    this.taken++;
    return this.lastOut;
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
