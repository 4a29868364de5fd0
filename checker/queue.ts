/**
 * The breadth-first search queue, compressed. States are appended in id order and taken out
 * in the same order, once each, so each is stored as a record (record.ts) of its difference
 * from the state appended before it (consecutive states of a BFS level are mostly siblings and
 * differ in a few words), and read back by applying each record to the state read before it.
 * The bytes live in chunks that are released (and reused) once read past, so the queue holds
 * only what is still to be expanded, at a few bytes a state where the raw words take
 * hundreds.
 *
 * Two things make it cost what a step changed rather than the state's width. Reading, it keeps
 * the fingerprint of the state read (`fp`), updated at the words each record changes. Writing a
 * successor of the state read last (`pushChild`, given the words where the two differ), it
 * compares only the words where the state written last can differ from the new one: those
 * where it differed from the state read then, those the reads since have changed, and the
 * step's own. The records are the same bytes as a comparison of every word gives.
 */
import { fingerprint64, FingerprintStepper } from './fingerprint.js';
import { applyRecord, encodeMarked, encodeRecord, maxRecordBytes, recordWords } from './record.js';

const CHUNK_BYTES = 1 << 20;

export class PackedQueue {
  // The fields the constructor sets are `declare`d: as ES2022 class fields they would start as
  // `undefined`, and V8 would then keep a number written later as a tagged value, checked and
  // untagged at every read (docs/explorer.md, "Class fields V8 can keep untagged").
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
  declare private readonly lastIn: Int32Array;
  declare private readonly lastOut: Int32Array;
  private live = 0;
  private appended = 0;
  private taken = 0;
  /** Largest number of bytes held at once (chunks allocated and not yet released). */
  peakBytes = 0;
  /** The largest a record can be (maxRecordBytes). */
  declare private readonly maxRecord: number;
  /** The fingerprint (fingerprint.ts) of the state `shift` returned last (of the zero state before). */
  readonly fp = new Uint32Array(2);
  /**
   * Unless `all`: the positions marked in `mark` (nc of them) include every word where lastIn
   * differs from lastOut. `all`: no such knowledge (after `push`). mark32 reads the marks four
   * at a time.
   */
  declare private readonly mark: Uint8Array;
  declare private readonly mark32: Uint32Array;
  private nc = 0;
  private all = false;
  /** Scratch for applyRecord: the positions and former values of the words a record changed. */
  declare private readonly changed: Int32Array;
  /** Whether the stepper's kernel encodes successors stepped in its buffers (`FingerprintStepper.encodeChild`). */
  declare private readonly inKernel: boolean;
  /** With the kernel: the size of its window on the records read (`applyInKernel`). */
  declare private readonly windowBytes: number;
  /**
   * With the kernel: the bytes of the last records written (chunk `wc`'s, ending at `wo`) still
   * in the stepper's `stage` (FingerprintStepper.encodeChild), copied into the chunk (`flush`)
   * once there are more than `stageBytes`, before another chunk is begun, before a record is
   * written here, and before the kernel's window is filled from chunk `wc`.
   */
  private staged = 0;
  declare private readonly stageBytes: number;
  /** The part of chunk `winChunk` copied into the kernel's window: [winStart, winEnd). */
  private winChunk = -1;
  private winStart = 0;
  private winEnd = 0;
  /** Updates `fp` at the words a record changed (`FingerprintStepper.update`). */
  declare private readonly stepper: FingerprintStepper;
  /** Words a state. */
  declare private readonly words: number;
  declare private readonly fingerprints: boolean;

  /**
   * @param stepper the explorer's FingerprintStepper, if it has one: the queue then decodes
   *   into its `base` (what `shift` returns: the stepper's parent without a copy) and updates
   *   `fp` with it (with the WebAssembly kernel); else one of its own, in JavaScript.
   * @param fingerprints false: `fp` is not kept (it stays the zero state's), for a user that
   *   knows each state's fingerprint already (the spilling explorer's candidates); only `push`
   *   and `shift` may then be used.
   */
  constructor(words: number, stepper: FingerprintStepper | null = null, fingerprints = true) {
    this.words = words;
    this.fingerprints = fingerprints;
    if (!fingerprints && stepper !== null) throw new RangeError('PackedQueue: a stepper keeps fingerprints');
    if (stepper !== null && stepper.words !== words) throw new RangeError('PackedQueue: a stepper of another width');
    this.stepper = stepper ?? new FingerprintStepper(words, false);
    this.lastIn = this.stepper.lastIn;
    this.lastOut = this.stepper.base;
    this.changed = this.stepper.changed;
    this.mark = this.stepper.mark;
    this.mark32 = new Uint32Array(this.mark.buffer, this.mark.byteOffset, (words + 3) >> 2);
    this.inKernel = this.stepper.usesKernel;
    this.windowBytes = this.stepper.window.length;
    this.stageBytes = this.stepper.stageBytes;
    fingerprint64(this.lastOut, 0, words, this.fp);
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
    else this.flush();
    this.wo += encodeRecord(src, this.lastIn, this.words, this.chunks[this.wc]!, this.wo);
    this.lastIn.set(src.length === this.words ? src : src.subarray(0, this.words));
    this.appended++;
    this.all = true;
  }

  /**
   * Appends a successor of the state `shift` returned last, which must be unchanged since:
   * `src[0, words)` differs from it exactly at the positions diff[0, n) (fingerprintStep gives
   * them). The same record as `push(src)`.
   */
  pushChild(src: Int32Array, diff: Int32Array, n: number): void {
    if (this.fingerprints === false) throw new Error('PackedQueue: pushChild needs fingerprints');
    if (CHUNK_BYTES - this.wo < this.maxRecord) this.nextChunk();
    const whole = this.all === true || 4 * (this.nc + n) > this.words;
    const stepper = this.stepper;
    if (this.inKernel === true && src === stepper.scratch && diff === stepper.diff) {
      // The kernel encodes it (the same bytes) and sets the marks, in its own memory, on its
      // stage: the records are copied into the chunk several kilobytes at a time.
      const len = stepper.encodeChild(n, whole, this.staged);
      this.wo += len;
      if ((this.staged += len) > this.stageBytes) this.flush();
    } else {
      this.flush();
      const { mark, lastIn } = this;
      if (whole) {
        this.wo += encodeRecord(src, lastIn, this.words, this.chunks[this.wc]!, this.wo);
        lastIn.set(src.length === this.words ? src : src.subarray(0, this.words));
        mark.fill(0);
      } else {
        for (let j = 0; j < n; j++) mark[diff[j]] = 1;
        this.wo += encodeMarked(src, lastIn, this.mark32, this.chunks[this.wc]!, this.wo);
      }
      // lastIn now differs from lastOut exactly at diff.
      for (let j = 0; j < n; j++) mark[diff[j]] = 1;
    }
    this.all = false;
    this.nc = n;
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
    this.ro = this.inKernel === true ? this.applyInKernel(buf) : this.apply(buf, this.ro);
    this.taken++;
    return this.lastOut;
  }

  /**
   * `apply` by the kernel (FingerprintStepper.shift): the record at `ro` in the kernel's window,
   * which is refilled from `ro` (with what the chunk holds, up to the window's size) when it
   * does not hold the whole record. Returns the offset just past the record.
   */
  private applyInKernel(buf: Uint8Array): number {
    const ro = this.ro;
    const end = this.endOf(this.rc);
    if (this.winChunk !== this.rc || this.winEnd < Math.min(ro + this.maxRecord, end)) {
      if (this.rc === this.wc) this.flush();
      const to = Math.min(end, ro + this.windowBytes);
      this.stepper.window.set(buf.subarray(ro, to));
      this.winChunk = this.rc;
      this.winStart = ro;
      this.winEnd = to;
    }
    const stepper = this.stepper;
    const len = stepper.shift(ro - this.winStart, this.fp, this.all === false);
    this.nc += stepper.shiftedFresh;
    return ro + len;
  }

  /**
   * applyRecord onto lastOut; its fingerprint follows each word the record changed, and
   * (unless `all`) the word is marked. Returns the offset just past the record.
   */
  private apply(buf: Uint8Array, at: number): number {
    if (!this.fingerprints) return applyRecord(buf, at, this.lastOut);
    const end = applyRecord(buf, at, this.lastOut, this.changed);
    this.nc += this.stepper.update(recordWords(buf, at), this.fp, !this.all);
    return end;
  }

  /** Where the records of chunk c end (the write position for the chunk being written). */
  private readonly ends: number[] = [];
  private endOf(c: number): number {
    return c === this.wc ? this.wo : this.ends[c];
  }

  /** Copies the staged records (see `staged`) into chunk `wc`. */
  private flush(): void {
    const n = this.staged;
    if (n === 0) return;
    this.staged = 0;
    this.chunks[this.wc]!.set(this.stepper.stage.subarray(0, n), this.wo - n);
  }

  private nextChunk(): void {
    this.flush();
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
