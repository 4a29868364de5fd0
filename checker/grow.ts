/**
 * Growable columns for per-state and per-edge data, in fixed chunks of 8,192 entries: a
 * column holds exactly the chunks its entries need (no doubling slack, and no moment where an
 * old and a new array are both alive while one is copied into the other). The state graph
 * publishes the columns themselves (read through `IntColumn`), so the end of a run copies
 * nothing; `toArray` makes a contiguous copy for whoever wants one (tests).
 */

/** A read-only column of integers: what the state graph publishes per state and per edge. */
export interface IntColumn<A extends Int32Array | Uint32Array = Int32Array> {
  readonly length: number;
  get(i: number): number;
  /** The entries as one array of exactly `length` entries (a copy). */
  toArray(): A;
}

/**
 * Memory let go that its owner could not give back at once, for the next counting columns
 * built in this thread. The fingerprint table's segments are growable SharedArrayBuffers
 * (fptable.ts), whose memory goes only when a full garbage collection finds them, and a run
 * whose heap stays small may see none before it ends: the path counts allocated after the
 * search (8 bytes a state) came on top of the let-go table (15 MB more on `full --messages 4
 * --pops 4 --batch 1`). The table hands its buffers over here (`spare`); they are held weakly
 * (a collection may still take them), and `Float64Chunks` and `ByteChunks` (the counting
 * pass's counts and in-degrees) cut their chunks from them.
 */
let spareBuffers: WeakRef<ArrayBufferLike | ArrayBufferView>[] = [];

/**
 * Buffers nothing will read or write any more, to be reused (zeroed first) by the next
 * `Float64Chunks` and `ByteChunks`; they replace any spare buffers given before. A view gives
 * the part of its buffer it covers (a segment in the table's WebAssembly memory: fptable.ts).
 */
export function spare(buffers: Iterable<ArrayBufferLike | ArrayBufferView>): void {
  spareBuffers = [...buffers].map((b) => new WeakRef(b));
}

/** Up to `count` pieces of `bytes` bytes cut from the spare buffers (which are used up), in order. */
function takeSpare(bytes: number, count: number): { buffer: ArrayBufferLike; at: number }[] {
  const out: { buffer: ArrayBufferLike; at: number }[] = [];
  const left: WeakRef<ArrayBufferLike | ArrayBufferView>[] = [];
  for (const ref of spareBuffers) {
    const b = ref.deref();
    if (b === undefined) continue;
    const view = ArrayBuffer.isView(b);
    const buffer = view ? b.buffer : b;
    const from = view ? b.byteOffset : 0;
    const end = from + b.byteLength;
    let at = from;
    while (out.length < count && at + bytes <= end) {
      out.push({ buffer, at });
      at += bytes;
    }
    // A buffer partly cut stays whole in the chunks; one not cut at all stays spare.
    if (at === from) left.push(ref);
  }
  spareBuffers = left;
  return out;
}

/**
 * A column of `length` entries, all 0 to start with, in chunks of 8,192 cut from spare memory
 * when there is some, else allocated; `view` makes a chunk's array of `n` entries at byte `at`.
 */
abstract class SpareChunks<A extends Float64Array | Uint8Array> {
  // Fields the constructor sets: `declare`d (docs/explorer.md, "Class fields V8 can keep untagged").
  declare readonly length: number;
  declare private readonly chunks: A[];
  constructor(length: number, entryBytes: number, view: (buffer: ArrayBufferLike, at: number, n: number) => A) {
    this.length = length;
    const n = Math.ceil(length / CHUNK);
    this.chunks = takeSpare(entryBytes * CHUNK, n).map(({ buffer, at }) => view(buffer, at, CHUNK).fill(0) as A);
    while (this.chunks.length < n) this.chunks.push(view(new ArrayBuffer(entryBytes * CHUNK), 0, CHUNK));
  }
  get(i: number): number {
    return this.chunks[i >>> SHIFT][i & MASK];
  }
  set(i: number, v: number): void {
    this.chunks[i >>> SHIFT][i & MASK] = v;
  }
}

/** The counting pass's counts: float64 entries (see SpareChunks). */
export class Float64Chunks extends SpareChunks<Float64Array> {
  constructor(length: number) {
    super(length, 8, (b, at, n) => new Float64Array(b, at, n));
  }
}

/** The counting pass's in-degrees: byte entries (see SpareChunks). */
export class ByteChunks extends SpareChunks<Uint8Array> {
  constructor(length: number) {
    super(length, 1, (b, at, n) => new Uint8Array(b, at, n));
  }
}

const SHIFT = 13;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

abstract class Column<A extends Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>> implements IntColumn<A> {
  protected readonly chunks: A[] = [];
  length = 0;
  protected abstract make(n: number): A;

  push(v: number): void {
    const c = this.length >>> SHIFT;
    if (c === this.chunks.length) this.chunks.push(this.make(CHUNK));
    this.chunks[c][this.length & MASK] = v;
    this.length++;
  }
  get(i: number): number {
    return this.chunks[i >>> SHIFT][i & MASK];
  }
  set(i: number, v: number): void {
    this.chunks[i >>> SHIFT][i & MASK] = v;
  }
  /** Drops the last entry. */
  pop(): void {
    this.length--;
  }
  /** Bytes of the chunks allocated. */
  get bytes(): number {
    return this.chunks.length * CHUNK * 4;
  }
  /** The entries as one array of exactly `length` entries (a copy). */
  toArray(): A {
    const out = this.make(this.length);
    for (let c = 0; c < this.chunks.length; c++) {
      const from = c << SHIFT;
      const n = Math.min(CHUNK, this.length - from);
      if (n <= 0) break;
      out.set(n === CHUNK ? this.chunks[c] : (this.chunks[c].subarray(0, n) as A), from);
    }
    return out;
  }
}

export class GrowInt32 extends Column<Int32Array<ArrayBuffer>> {
  protected make(n: number): Int32Array<ArrayBuffer> {
    return new Int32Array(n);
  }
}

export class GrowUint32 extends Column<Uint32Array<ArrayBuffer>> {
  protected make(n: number): Uint32Array<ArrayBuffer> {
    return new Uint32Array(n);
  }
  /** ORs `bits` into entry i. */
  or(i: number, bits: number): void {
    const chunk = this.chunks[i >>> SHIFT];
    chunk[i & MASK] = (chunk[i & MASK] | bits) >>> 0;
  }
}

/**
 * The event index of each state (-1 for an initial state): one byte a state while every index
 * is below 255, four from the first that is not (every chunk widened then, once).
 */
export class ViaColumn implements IntColumn {
  private narrow: Uint8Array[] | null = [];
  private readonly wide = new GrowInt32();
  length = 0;

  push(v: number): void {
    const chunks = this.narrow;
    if (chunks !== null && v >= -1 && v < 255) {
      const c = this.length >>> SHIFT;
      if (c === chunks.length) chunks.push(new Uint8Array(CHUNK));
      chunks[c][this.length & MASK] = v + 1;
    } else {
      if (chunks !== null) this.widen();
      this.wide.push(v);
    }
    this.length++;
  }
  get(i: number): number {
    const chunks = this.narrow;
    return chunks !== null ? chunks[i >>> SHIFT][i & MASK] - 1 : this.wide.get(i);
  }
  /** Sets entry i (below `length`). */
  set(i: number, v: number): void {
    const chunks = this.narrow;
    if (chunks !== null && v >= -1 && v < 255) {
      chunks[i >>> SHIFT][i & MASK] = v + 1;
      return;
    }
    if (chunks !== null) this.widen();
    this.wide.set(i, v);
  }
  get bytes(): number {
    return this.narrow !== null ? this.narrow.length * CHUNK : this.wide.bytes;
  }
  toArray(): Int32Array<ArrayBuffer> {
    if (this.narrow === null) return this.wide.toArray();
    const out = new Int32Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.narrow[i >>> SHIFT][i & MASK] - 1;
    return out;
  }
  private widen(): void {
    const chunks = this.narrow!;
    this.narrow = null;
    for (let i = 0; i < this.length; i++) this.wide.push(chunks[i >>> SHIFT][i & MASK] - 1);
  }
}

/** Flag words whose only bits are 0-6 and 31 (TERMINAL) fit in 8 bits: bit 7 stands for 31. */
const BYTE_FLAGS = 0x8000007f;
/** Flag words whose only bits are 0-14 and 31 (TERMINAL) fit in 16 bits: bit 15 stands for 31. */
const NARROW_FLAGS = 0x80007fff;

/**
 * The flag word of each state: one byte a state while no flag uses bits 7-30 (7 invariants,
 * and the terminal bit), two while none uses bits 15-30 (15 invariants), four from the first
 * that does; every chunk is widened at once, at the first word that does not fit.
 */
export class FlagColumn implements IntColumn<Uint32Array> {
  private byte: Uint8Array[] | null = [];
  private narrow: Uint16Array[] | null = null;
  private readonly wide = new GrowUint32();
  length = 0;

  push(v: number): void {
    const i = this.length;
    const c = i >>> SHIFT;
    if ((v & ~BYTE_FLAGS) === 0 && this.byte !== null) {
      if (c === this.byte.length) this.byte.push(new Uint8Array(CHUNK));
      this.byte[c][i & MASK] = toByte(v);
    } else {
      this.fit(v);
      const chunks = this.narrow;
      if (chunks !== null) {
        if (c === chunks.length) chunks.push(new Uint16Array(CHUNK));
        chunks[c][i & MASK] = toNarrow(v);
      } else {
        this.wide.push(v >>> 0);
      }
    }
    this.length = i + 1;
  }
  get(i: number): number {
    if (this.byte !== null) return fromByte(this.byte[i >>> SHIFT][i & MASK]);
    if (this.narrow !== null) return fromNarrow(this.narrow[i >>> SHIFT][i & MASK]);
    return this.wide.get(i);
  }
  /** ORs `bits` into entry i. */
  or(i: number, bits: number): void {
    if ((bits & ~BYTE_FLAGS) === 0 && this.byte !== null) {
      this.byte[i >>> SHIFT][i & MASK] |= toByte(bits);
      return;
    }
    this.fit(bits);
    if (this.narrow !== null) this.narrow[i >>> SHIFT][i & MASK] |= toNarrow(bits);
    else this.wide.or(i, bits);
  }
  get bytes(): number {
    if (this.byte !== null) return this.byte.length * CHUNK;
    if (this.narrow !== null) return this.narrow.length * CHUNK * 2;
    return this.wide.bytes;
  }
  toArray(): Uint32Array<ArrayBuffer> {
    const out = new Uint32Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.get(i);
    return out;
  }
  /**
   * How many entries have some bit of `bits` set: a pass over the chunks as they are stored
   * (`get` per entry cost about 500 instructions a state at the end of a 200,000-state run, in
   * code not yet optimized). While the column is one or two bytes an entry no entry has a bit
   * the narrow form cannot hold, so such bits of `bits` match nothing.
   */
  countAny(bits: number): number {
    const n = this.length;
    let k = 0;
    const chunks = this.byte ?? this.narrow;
    if (chunks === null) {
      for (let i = 0; i < n; i++) if ((this.wide.get(i) & bits) !== 0) k++;
      return k;
    }
    const m = this.byte !== null ? toByte(bits) : toNarrow(bits);
    for (let c = 0; c < chunks.length; c++) {
      const a = chunks[c];
      const end = Math.min(CHUNK, n - c * CHUNK);
      for (let i = 0; i < end; i++) if ((a[i] & m) !== 0) k++;
    }
    return k;
  }
  /** Widens the column, if it must, so that it can hold `v`'s bits. */
  private fit(v: number): void {
    const wide = (v & ~NARROW_FLAGS) !== 0;
    const bytes = this.byte;
    if (bytes !== null) {
      if ((v & ~BYTE_FLAGS) === 0) return;
      this.byte = null;
      if (!wide) {
        this.narrow = bytes.map((chunk) => Uint16Array.from(chunk, (b) => toNarrow(fromByte(b))));
        return;
      }
      for (let i = 0; i < this.length; i++) this.wide.push(fromByte(bytes[i >>> SHIFT][i & MASK]));
      return;
    }
    const narrow = this.narrow;
    if (narrow !== null && wide) {
      this.narrow = null;
      for (let i = 0; i < this.length; i++) this.wide.push(fromNarrow(narrow[i >>> SHIFT][i & MASK]));
    }
  }
}

function toByte(v: number): number {
  return (v & 0x7f) | ((v >>> 31) << 7);
}

function fromByte(n: number): number {
  return ((n & 0x7f) | ((n >>> 7) << 31)) >>> 0;
}

function toNarrow(v: number): number {
  return (v & 0x7fff) | ((v >>> 31) << 15);
}

function fromNarrow(n: number): number {
  return ((n & 0x7fff) | ((n >>> 15) << 31)) >>> 0;
}

/** States per checkpoint of the parent column. */
const BLOCK_SHIFT = 6;
const BLOCK = 1 << BLOCK_SHIFT;

/**
 * The parent of each state (-1 for an initial state), kept as what BFS numbering makes it:
 * the initial states are numbered first, then each expanded state's new successors get the
 * next ids, so the children of the states expanded in id order are consecutive ranges of ids.
 * The column keeps, per expanded state, its number of children (one byte while every count is
 * below 255, then four: a ViaColumn-like widening) and, every 64 expanded states, the first
 * child id of that state (four bytes): about 1.06 bytes a state where a parent id takes four.
 * `get(v)` finds the last checkpoint at or below v (binary search) and walks at most 64
 * counts from there: cheap for what reads it (counterexample paths, drawing small graphs).
 *
 * The explorer tells it `expand(u)` as it starts expanding state u (in id order, from 0) and
 * `push(u)` for each new state, u being the state in expansion (or -1 for an initial state,
 * only before the first expansion).
 */
export class ParentColumn implements IntColumn {
  private readonly kids = new ViaColumn();
  private readonly firstChild = new GrowInt32();
  private roots = 0;
  private expanding = -1;
  /** New successors of the state in expansion not yet added to its count (`settle`). */
  private pending = 0;
  /**
   * 1 while the count of the state in expansion is not in `kids` yet: `settle` (the next
   * `expand`, or a read) pushes it whole, rather than a 0 pushed at `expand` being read and
   * written again once the successors are known. A number: V8 tests a boolean field for truth
   * as it would any value.
   */
  private open = 0;
  length = 0;

  /** State u (the next in id order) is being expanded: its new successors follow. */
  expand(u: number): void {
    this.settle();
    if (u !== this.kids.length) throw new Error(`ParentColumn: expansion of ${u} out of order (next is ${this.kids.length})`);
    if ((u & (BLOCK - 1)) === 0) this.firstChild.push(this.length);
    this.expanding = u;
    this.open = 1;
  }

  /** A new state, whose parent is `par`: the state in expansion, or -1 for an initial state. */
  push(par: number): void {
    if (par === -1) {
      if (this.expanding !== -1) throw new Error('ParentColumn: an initial state after the first expansion');
      this.roots++;
    } else {
      if (par !== this.expanding) throw new Error(`ParentColumn: parent ${par} is not the state in expansion (${this.expanding})`);
      this.pending++;
    }
    this.length++;
  }

  /**
   * Adds the pending successors to the count of the state in expansion: `push` only counts them
   * (a read and a write of the count per new state cost more), and every read settles first.
   * The first settle of an expansion pushes its count; a later one (after a read in the middle
   * of an expansion) adds to it.
   */
  private settle(): void {
    // The count is stored as count - 1 in the event-index column (which stores -1 .. 254 in a byte).
    if (this.open === 1) {
      this.open = 0;
      this.kids.push(this.pending - 1);
    } else if (this.pending !== 0) {
      // Successors after a read (which settled the state in expansion already).
      this.kids.set(this.expanding, this.kids.get(this.expanding) + this.pending);
    }
    this.pending = 0;
  }

  get(v: number): number {
    if (v < this.roots) return -1;
    this.settle();
    // The last checkpoint whose first child is at or below v.
    const cp = this.firstChild;
    const lo = lastAtMost(cp, v);
    let u = lo << BLOCK_SHIFT;
    let first = cp.get(lo);
    for (;;) {
      const n = this.kids.get(u) + 1;
      if (v < first + n) return u;
      first += n;
      u++;
    }
  }

  get bytes(): number {
    this.settle();
    return this.kids.bytes + this.firstChild.bytes;
  }

  toArray(): Int32Array<ArrayBuffer> {
    this.settle();
    const out = new Int32Array(this.length).fill(-1);
    let v = this.roots;
    for (let u = 0; u < this.kids.length; u++) {
      for (let n = this.kids.get(u) + 1; n > 0; n--) out[v++] = u;
    }
    return out;
  }
}

/** Bits set in a 32-bit word. */
function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * Non-negative ids, three bytes each while below 2^24 (16,777,216), with a fourth byte only in
 * the chunks that hold a larger one: the targets of the edges that are not fresh.
 */
class IdColumn {
  /** Bytes 0-2 of each entry, little-endian, three bytes an entry. */
  private readonly low: Uint8Array[] = [];
  /** Byte 3 of each entry, in the chunks that need it. */
  private readonly high: (Uint8Array | undefined)[] = [];
  length = 0;

  push(v: number): void {
    const i = this.length;
    const c = i >>> SHIFT;
    if (c === this.low.length) {
      this.low.push(new Uint8Array(3 * CHUNK));
      this.high.push(undefined);
    }
    const at = 3 * (i & MASK);
    const low = this.low[c];
    low[at] = v;
    low[at + 1] = v >>> 8;
    low[at + 2] = v >>> 16;
    if (v >>> 24 !== 0) (this.high[c] ??= new Uint8Array(CHUNK))[i & MASK] = v >>> 24;
    this.length = i + 1;
  }

  get(i: number): number {
    const c = i >>> SHIFT;
    const low = this.low[c];
    const at = 3 * (i & MASK);
    const v = low[at] | (low[at + 1] << 8) | (low[at + 2] << 16);
    const high = this.high[c];
    return high === undefined ? v : (v | (high[i & MASK] << 24)) >>> 0;
  }

  get bytes(): number {
    let n = this.low.length * 3 * CHUNK;
    for (const h of this.high) if (h !== undefined) n += CHUNK;
    return n;
  }
}

/**
 * The CSR edges' targets. An edge that numbered its target (a "fresh" edge) needs no id: BFS
 * numbers new states in the order their fresh edges come, so the k-th fresh edge goes to the
 * first fresh edge's target plus k. Only the other edges keep their target (three bytes while
 * it is below 2^24, see IdColumn); a bit per edge says which kind it is, and a count of fresh
 * edges every 32 edges finds an edge's rank in O(1) (a popcount). On `full --messages 4 --pops
 * 4 --batch 1` about half the edges are fresh: 1.7 bytes an edge instead of 4.
 */
export class EdgeDstColumn implements IntColumn {
  /** Bit j of word w: edge 32w + j is fresh. */
  private readonly fresh = new GrowInt32();
  /** Per word: the fresh edges before it. */
  private readonly freshBefore = new GrowInt32();
  /** Targets of the edges that are not fresh, in edge order. */
  private readonly others = new IdColumn();
  private freshCount = 0;
  /** The target of the first fresh edge. */
  private base = 0;
  length = 0;

  /** Appends an edge to `dst`; `isFresh`: this edge numbered `dst`. */
  push(dst: number, isFresh: boolean): void {
    const i = this.length;
    if ((i & 31) === 0) {
      this.fresh.push(0);
      this.freshBefore.push(this.freshCount);
    }
    if (isFresh) {
      if (this.freshCount === 0) this.base = dst;
      else if (dst !== this.base + this.freshCount) throw new Error(`EdgeDstColumn: fresh edge to ${dst}, expected ${this.base + this.freshCount}`);
      this.fresh.set(i >>> 5, this.fresh.get(i >>> 5) | (1 << (i & 31)));
      this.freshCount++;
    } else {
      this.others.push(dst);
    }
    this.length = i + 1;
  }

  get(e: number): number {
    const w = e >>> 5;
    const b = e & 31;
    const word = this.fresh.get(w);
    const before = this.freshBefore.get(w) + popcount(word & ((1 << b) - 1));
    return (word >>> b) & 1 ? this.base + before : this.others.get(e - before);
  }

  /**
   * The targets of edges [from, to) into out[0, to - from), decoded in order: one rank
   * computation for the range, then a bit test per edge (what `get` does per edge, with its
   * popcount, for a pass over many consecutive edges).
   */
  targets(from: number, to: number, out: Int32Array): void {
    if (from >= to) return;
    let w = from >>> 5;
    let word = this.fresh.get(w);
    let fresh = this.freshBefore.get(w) + popcount(word & ((1 << (from & 31)) - 1));
    let other = from - fresh;
    for (let e = from, j = 0; e < to; e++, j++) {
      if (e >>> 5 !== w) word = this.fresh.get((w = e >>> 5));
      out[j] = (word >>> (e & 31)) & 1 ? this.base + fresh++ : this.others.get(other++);
    }
  }

  /** Fresh edges so far. */
  get freshEdges(): number {
    return this.freshCount;
  }

  /** The index of fresh edge k (the one to the first fresh edge's target plus k), k below `freshEdges`. */
  freshEdge(k: number): number {
    // The last word with at most k fresh edges before it holds it.
    const before = this.freshBefore;
    const lo = lastAtMost(before, k);
    let word = this.fresh.get(lo);
    for (let r = k - before.get(lo); r > 0; r--) word &= word - 1;
    return (lo << 5) + (31 - Math.clz32(word & -word));
  }

  get bytes(): number {
    return this.fresh.bytes + this.freshBefore.bytes + this.others.bytes;
  }

  toArray(): Int32Array<ArrayBuffer> {
    const out = new Int32Array(this.length);
    for (let e = 0; e < this.length; e++) out[e] = this.get(e);
    return out;
  }
}

/** States per checkpoint of the edge starts. */
const START_SHIFT = 4;
const START_BLOCK = 1 << START_SHIFT;

/**
 * The CSR edges' start offsets: non-decreasing, and consecutive ones differ by a state's
 * out-degree, so kept as an offset every 16 entries (four bytes) and, for each other entry,
 * its difference from the entry before (one byte: the out-degree of the state before): 1.25
 * bytes a state. `get(i)` adds up at most 15 bytes. Four bytes an entry from the first
 * difference that does not fit (a state with 256 events or more).
 */
export class EdgeStartColumn implements IntColumn {
  private readonly blockStart = new GrowInt32();
  /** Entry i: its difference from entry i - 1; 0 at a checkpoint. */
  private narrow: Uint8Array[] | null = [];
  private readonly wide = new GrowInt32();
  /** The last entry (while narrow). */
  private last = 0;
  length = 0;

  push(v: number): void {
    const i = this.length;
    const chunks = this.narrow;
    if (chunks !== null) {
      const checkpoint = (i & (START_BLOCK - 1)) === 0;
      const d = checkpoint ? 0 : v - this.last;
      if (d >= 0 && d < 0x100) {
        if (checkpoint) this.blockStart.push(v);
        const c = i >>> SHIFT;
        if (c === chunks.length) chunks.push(new Uint8Array(CHUNK));
        chunks[c][i & MASK] = d;
        this.last = v;
        this.length = i + 1;
        return;
      }
      this.widen();
    }
    this.wide.push(v);
    this.length = i + 1;
  }

  /** Drops the last entry. */
  pop(): void {
    const i = --this.length;
    if (this.narrow === null) {
      this.wide.pop();
      return;
    }
    if ((i & (START_BLOCK - 1)) === 0) this.blockStart.pop();
    this.last = i > 0 ? this.get(i - 1) : 0;
  }

  get(i: number): number {
    const chunks = this.narrow;
    if (chunks === null) return this.wide.get(i);
    const c = chunks[i >>> SHIFT];
    const to = i & MASK;
    let v = this.blockStart.get(i >>> START_SHIFT);
    for (let j = (to & ~(START_BLOCK - 1)) + 1; j <= to; j++) v += c[j];
    return v;
  }

  get bytes(): number {
    return this.blockStart.bytes + (this.narrow !== null ? this.narrow.length * CHUNK : this.wide.bytes);
  }

  toArray(): Int32Array<ArrayBuffer> {
    const out = new Int32Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.get(i);
    return out;
  }

  private widen(): void {
    const n = this.length;
    for (let i = 0; i < n; i++) this.wide.push(this.get(i));
    this.narrow = null;
  }
}

/**
 * The parent and event index of each state, read off the CSR edges when a run keeps them
 * (instead of a ParentColumn and a ViaColumn: 2.1 bytes a state less). A state that is not
 * initial was numbered by a fresh edge, the k-th for state first + k (EdgeDstColumn); that
 * edge's source is its parent (the last expanded state whose edges start at or before it), and
 * its place among the parent's edges is the event index, edges being kept in event order. The
 * explorer core checks both as it records each fresh edge. `get` is two binary searches: for
 * what reads them (counterexample paths, drawing small graphs).
 */
export class EdgeTree {
  // Fields the constructor sets: `declare`d (docs/explorer.md, "Class fields V8 can keep untagged").
  private initial = 0;
  private partial = -1;
  private partialFirst = 0;
  /** States numbered. */
  length = 0;
  declare private readonly start: EdgeStartColumn;
  declare private readonly dst: EdgeDstColumn;
  declare readonly parent: IntColumn;
  declare readonly via: IntColumn;

  constructor(start: EdgeStartColumn, dst: EdgeDstColumn) {
    this.start = start;
    this.dst = dst;
    const column = (get: (v: number) => number): IntColumn => ({
      get length(): number {
        return tree.length;
      },
      get,
      toArray(): Int32Array<ArrayBuffer> {
        const out = new Int32Array(tree.length);
        for (let v = 0; v < out.length; v++) out[v] = get(v);
        return out;
      },
    });
    const tree = this;
    this.parent = column((v) => this.parentOf(v));
    this.via = column((v) => this.viaOf(v));
  }

  get initialStates(): number {
    return this.initial;
  }

  /** A new state: initial ones come first, before any edge. */
  push(initial: boolean): void {
    if (initial) {
      if (this.initial !== this.length) throw new Error('EdgeTree: an initial state after a state that is not');
      this.initial++;
    }
    this.length++;
  }

  parentOf(v: number): number {
    return v < this.initial ? -1 : this.sourceOf(this.edgeOf(v));
  }

  viaOf(v: number): number {
    if (v < this.initial) return -1;
    const e = this.edgeOf(v);
    const u = this.sourceOf(e);
    return e - (u === this.partial ? this.partialFirst : this.start.get(u));
  }

  /** The fresh edge that numbered state v (not initial). */
  private edgeOf(v: number): number {
    if (v >= this.length) throw new RangeError(`EdgeTree: no state ${v}`);
    return this.dst.freshEdge(v - this.initial);
  }

  /**
   * The run stopped while expanding state `u`, whose edges start at edge `first`: the edge
   * starts keep none for it (the state counts as not expanded), but the edges it made are kept.
   */
  stoppedIn(u: number, first: number): void {
    this.partial = u;
    this.partialFirst = first;
  }

  /** The state whose edges include edge e: the last one whose edges start at or before e. */
  private sourceOf(e: number): number {
    if (this.partial !== -1 && e >= this.partialFirst) return this.partial;
    return lastAtMost(this.start, e);
  }
}

/**
 * The last index of a non-decreasing column whose entry is at most v, by binary search (0 when
 * none is, or the column is empty: callers ask only where entry 0 is at most v).
 */
function lastAtMost(col: { readonly length: number; get(i: number): number }, v: number): number {
  let lo = 0;
  let hi = col.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (col.get(mid) <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
