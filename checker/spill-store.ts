/**
 * What the spilling explorer (spill.ts) keeps outside memory, behind a small interface: files
 * of bytes that are appended to, read back at a position, and removed. The checker does no IO
 * of its own: the shell implements `SpillStore` on disk (cli/spill-store.ts, node:fs in a
 * directory the user names); `MemorySpillStore` is the same interface over arrays, for tests.
 *
 * On top of it, two sequential structures, both pure:
 * - `SpillQueue`: the search queue (the PackedQueue's records, queue.ts) written out in chunks,
 *   a file a chunk, each read back once and removed;
 * - `RunReader` / `RunWriter`: a sorted run of visited fingerprints, 12-byte entries
 *   (fingerprint high half, low half, state id), read and written in blocks.
 */
import { applyRecord, encodeRecord, maxRecordBytes } from './record.js';

export interface SpillStore {
  /** A new, empty file; returns its handle. */
  create(): number;
  /** Appends `bytes` to the end of file `file`. */
  append(file: number, bytes: Uint8Array): void;
  /** Reads up to `into.length` bytes from `position`; returns how many were read. */
  read(file: number, position: number, into: Uint8Array): number;
  /** Removes the file (its handle is not used again). */
  remove(file: number): void;
}

/** A SpillStore over arrays in memory: the same contract, no IO (tests, and the checker's own use without a shell). */
export class MemorySpillStore implements SpillStore {
  private readonly files = new Map<number, { bytes: Uint8Array; size: number }>();
  private next = 0;
  /** Files created in all (tests read it). */
  created = 0;

  create(): number {
    const id = this.next++;
    this.files.set(id, { bytes: new Uint8Array(64), size: 0 });
    this.created++;
    return id;
  }
  append(file: number, bytes: Uint8Array): void {
    const f = this.file(file);
    if (f.size + bytes.length > f.bytes.length) {
      const grown = new Uint8Array(Math.max(f.bytes.length * 2, f.size + bytes.length));
      grown.set(f.bytes.subarray(0, f.size));
      f.bytes = grown;
    }
    f.bytes.set(bytes, f.size);
    f.size += bytes.length;
  }
  read(file: number, position: number, into: Uint8Array): number {
    const f = this.file(file);
    const n = Math.max(0, Math.min(into.length, f.size - position));
    into.set(f.bytes.subarray(position, position + n));
    return n;
  }
  remove(file: number): void {
    this.file(file);
    this.files.delete(file);
  }
  /** Files that exist now. */
  get open(): number {
    return this.files.size;
  }
  private file(file: number): { bytes: Uint8Array; size: number } {
    const f = this.files.get(file);
    if (!f) throw new Error(`MemorySpillStore: no file ${file}`);
    return f;
  }
}

/** Bytes on the store now and at most, as the spilling explorer counts them. */
export class DiskUse {
  now = 0;
  peak = 0;
  add(n: number): void {
    this.now += n;
    if (this.now > this.peak) this.peak = this.now;
  }
  sub(n: number): void {
    this.now -= n;
  }
}

/**
 * The breadth-first queue with its records on the store: appended in id order into a chunk in
 * memory; a full chunk is written out as a file of its own. Taking states reads the oldest
 * file back whole (and removes it), or, when every file has been read, takes over the chunk
 * being written. Memory: two chunks, however long the queue.
 *
 * Each record is followed by the state's 64-bit fingerprint (high half, low half, 4 bytes each,
 * little-endian), which the spilling explorer knows when it queues a state and needs when it
 * expands it: 8 bytes a queued state on the store, instead of hashing every word of each state
 * expanded.
 */
export class SpillQueue {
  private readonly lastIn: Int32Array;
  private readonly lastOut: Int32Array;
  private readonly maxRecord: number;
  private write: Uint8Array;
  private wo = 0;
  private read: Uint8Array;
  private rEnd = 0;
  private ro = 0;
  /** Files written and not yet read: handle and size. */
  private readonly files: { file: number; size: number }[] = [];
  private appended = 0;
  private taken = 0;
  /** The fingerprint pushed with the state `shift` returned last. */
  readonly fp = new Uint32Array(2);

  constructor(
    private readonly words: number,
    private readonly store: SpillStore,
    private readonly disk: DiskUse,
    chunkBytes = 1 << 20,
  ) {
    this.lastIn = new Int32Array(words);
    this.lastOut = new Int32Array(words);
    this.maxRecord = maxRecordBytes(words) + FP_BYTES;
    if (words > 0xffff) throw new RangeError(`SpillQueue: ${words} words a state is more than a record can say`);
    const size = Math.max(chunkBytes, this.maxRecord);
    this.write = new Uint8Array(size);
    this.read = new Uint8Array(size);
  }

  get length(): number {
    return this.appended - this.taken;
  }

  /** Bytes of the two chunks in memory. */
  get memoryBytes(): number {
    return this.write.length + this.read.length;
  }

  /** Appends a state's words (`src[0, words)`) and its fingerprint (`hi`, `lo`: fingerprint.ts). */
  push(src: Int32Array, hi: number, lo: number): void {
    if (this.write.length - this.wo < this.maxRecord) this.spill();
    const out = this.write;
    let o = this.wo + encodeRecord(src, this.lastIn, this.words, out, this.wo);
    for (let k = 0; k < 4; k++) out[o++] = (hi >>> (8 * k)) & 0xff;
    for (let k = 0; k < 4; k++) out[o++] = (lo >>> (8 * k)) & 0xff;
    this.wo = o;
    this.lastIn.set(src.length === this.words ? src : src.subarray(0, this.words));
    this.appended++;
  }

  /** The next state's words, in a buffer the next `shift` overwrites; its fingerprint in `fp`. */
  shift(): Int32Array {
    if (this.taken === this.appended) throw new Error('SpillQueue: empty');
    if (this.ro === this.rEnd) this.refill();
    const buf = this.read;
    let o = applyRecord(buf, this.ro, this.lastOut);
    this.fp[0] = buf[o] | (buf[o + 1] << 8) | (buf[o + 2] << 16) | (buf[o + 3] << 24);
    this.fp[1] = buf[o + 4] | (buf[o + 5] << 8) | (buf[o + 6] << 16) | (buf[o + 7] << 24);
    o += FP_BYTES;
    this.ro = o;
    this.taken++;
    return this.lastOut;
  }

  /** Removes every file still on the store. */
  dispose(): void {
    for (const f of this.files.splice(0)) {
      this.store.remove(f.file);
      this.disk.sub(f.size);
    }
  }

  private spill(): void {
    const file = this.store.create();
    this.store.append(file, this.write.subarray(0, this.wo));
    this.files.push({ file, size: this.wo });
    this.disk.add(this.wo);
    this.wo = 0;
  }

  private refill(): void {
    const f = this.files.shift();
    if (f) {
      let at = 0;
      while (at < f.size) {
        const n = this.store.read(f.file, at, this.read.subarray(at, f.size));
        if (n <= 0) throw new Error('SpillQueue: a file of the queue was cut short');
        at += n;
      }
      this.store.remove(f.file);
      this.disk.sub(f.size);
      this.rEnd = f.size;
    } else {
      // Every file is read: the records still in memory are next. Swap the chunks.
      const r = this.read;
      this.read = this.write;
      this.write = r;
      this.rEnd = this.wo;
      this.wo = 0;
    }
    this.ro = 0;
  }
}

/** Bytes of the fingerprint after each record of the SpillQueue. */
const FP_BYTES = 8;

/** Bytes of a visited-run entry: fingerprint high half, low half (uint32), state id (int32). */
export const RUN_ENTRY_BYTES = 12;
const RUN_BLOCK_ENTRIES = 8192;

/** Reads a sorted run of entries in order, a block at a time. */
export class RunReader {
  private readonly bytes = new Uint8Array(RUN_BLOCK_ENTRIES * RUN_ENTRY_BYTES);
  private readonly u = new Uint32Array(this.bytes.buffer);
  private pos = 0;
  private n = 0;
  private i = 0;
  /** The current entry (valid unless `done`). */
  hi = 0;
  lo = 0;
  id = 0;
  done = false;

  constructor(
    private readonly store: SpillStore,
    private readonly file: number,
    private readonly size: number,
  ) {
    this.next();
  }

  /** Moves to the next entry (or `done`). */
  next(): void {
    if (this.i === this.n) {
      if (this.pos >= this.size) {
        this.done = true;
        return;
      }
      const want = Math.min(this.bytes.length, this.size - this.pos);
      let got = 0;
      while (got < want) {
        const k = this.store.read(this.file, this.pos + got, this.bytes.subarray(got, want));
        if (k <= 0) throw new Error('visited run: a file was cut short');
        got += k;
      }
      this.pos += want;
      this.n = want / RUN_ENTRY_BYTES;
      this.i = 0;
    }
    const j = 3 * this.i++;
    this.hi = this.u[j];
    this.lo = this.u[j + 1];
    this.id = this.u[j + 2] | 0;
  }
}

/** Writes a run of entries, a block at a time. */
export class RunWriter {
  private readonly bytes = new Uint8Array(RUN_BLOCK_ENTRIES * RUN_ENTRY_BYTES);
  private readonly u = new Uint32Array(this.bytes.buffer);
  private i = 0;
  readonly file: number;
  size = 0;

  constructor(
    private readonly store: SpillStore,
    private readonly disk: DiskUse,
  ) {
    this.file = store.create();
  }

  add(hi: number, lo: number, id: number): void {
    const j = 3 * this.i++;
    this.u[j] = hi;
    this.u[j + 1] = lo;
    this.u[j + 2] = id;
    if (this.i === RUN_BLOCK_ENTRIES) this.flush();
  }

  /** Writes what is buffered; returns the run's size in bytes. */
  finish(): number {
    this.flush();
    return this.size;
  }

  private flush(): void {
    if (this.i === 0) return;
    const n = this.i * RUN_ENTRY_BYTES;
    this.store.append(this.file, this.bytes.subarray(0, n));
    this.disk.add(n);
    this.size += n;
    this.i = 0;
  }
}
