/**
 * The visited set: a hash table from a 64-bit fingerprint to a state id, in typed arrays,
 * split into SEGMENTS independent open-addressing segments. A fingerprint's mixed 32-bit
 * hash h chooses its segment by its top SEGMENT_BITS bits and its home slot in the segment
 * by the rest: floor((h mod 2^26) * capacity / 2^26) (the "fastrange" reduction, exact in
 * doubles), so a segment's capacity need not be a power of two. A slot is three int32 words
 * (the two halves and id + 1; 0 marks an empty slot), 12 bytes, side by side so that a probe
 * reads one cache line; linear probing within the segment.
 *
 * Each segment grows on its own, by a quarter, as soon as an insert takes it past 80% load:
 * every segment is 64–80% full. A segment is a growable SharedArrayBuffer (reserved address
 * space, pages committed as it grows) and grows in place: the buffer grows, and its fingerprints
 * are moved to their places in the grown segment from the last to the first (spreadInPlace,
 * with no copy aside). A segment
 * reallocated instead left its old array to the garbage collector, and array memory goes back
 * only at a full collection: on `full --messages 4 --pops 4 --batch 1` the outgrown segments
 * waiting for one were about 24 MB of the peak resident set (docs/explorer.md, "Memory per
 * state"). A fixed-length view over a growable SharedArrayBuffer probes as fast as a plain
 * array; one over a resizable ArrayBuffer (which could be freed at once) about 40% slower on
 * Node 20. Where the runtime has no growable SharedArrayBuffer (the web app's page, which is
 * not cross-origin isolated, has no SharedArrayBuffer at all) a segment is a plain buffer that
 * a growth replaces. Where it has, a segment from `inPlaceFrom` slots on lives in the table's one
 * shared WebAssembly memory instead (segment s at byte s × 12 × `reserveSlots`: the same
 * address space per segment, pages committed as the memory grows and resident only as they are
 * written) and grows there in place, spread by a small module (wasm/spread.wat: spreadInPlace
 * compiled, about a third of its instructions a move); past its region, or where no such memory
 * can be had, it grows as above. A segment's capacity is a function of the number
 * of fingerprints it holds (`capacityFor`), so the table's size is a function of the set of
 * fingerprints inserted, whatever the order and whatever the lookups: `TableSize` computes it
 * from the fingerprints alone (the parallel explorer reports the one-thread table's size
 * with it).
 */
import { spare } from './grow.js';
import { growableShared, type GrowableShared } from './parallel/growable.js';
import { base64Bytes, compileModule, WASM, type WasmMemory } from './wasm/compile.js';
import { SPREAD_BASE64 } from './wasm/spread-bytes.js';

export const SEGMENT_BITS = 6;
export const SEGMENTS = 1 << SEGMENT_BITS;
const LOW_BITS = 32 - SEGMENT_BITS;
const LOW_MASK = 2 ** LOW_BITS - 1;
const LOW_SCALE = 2 ** LOW_BITS;
/** A segment's capacity to start with: 64 segments of 16 slots, 12 KiB in all. */
const SEGMENT_START = 16;
/** Bytes of a slot. */
export const SLOT_BYTES = 12;
/**
 * A segment's address space is reserved for at least this many slots (12 MiB: 768 MiB of
 * address space for the table, committed only as it grows), or four times its capacity.
 */
const RESERVE_SLOTS = 2 ** 20;
/** The most slots a growable buffer holds (Node 20's V8 accepts at most 4 GiB). */
const MAX_RESERVE_SLOTS = Math.floor(2 ** 32 / SLOT_BYTES);

/**
 * Whether this runtime has growable SharedArrayBuffers (Node 20 has; a browser page that is not
 * cross-origin isolated, as the web app's, has no SharedArrayBuffer at all).
 */
const GROWABLE = ((): boolean => {
  try {
    return growableShared(SLOT_BYTES, 2 * SLOT_BYTES).growable === true;
  } catch {
    return false;
  }
})();

/**
 * The growth's WebAssembly module (wasm/spread.wat: `spreadInPlace` compiled, over a memory it
 * imports), or null where the runtime has no WebAssembly or refuses a shared memory's module.
 */
const SPREAD_MODULE: object | null = ((): object | null => {
  try {
    return compileModule(base64Bytes(SPREAD_BASE64));
  } catch {
    return null;
  }
})();

/** Bytes of a WebAssembly page. */
const PAGE_BYTES = 65536;

/**
 * Segments smaller than this many slots (16 KiB; tables of up to about 70,000 states) are
 * plain buffers, replaced at each growth. V8 frees a growable SharedArrayBuffer only at a full
 * collection and does not count it as memory to collect for, so a process that runs thousands
 * of small checks (the test suite, `popcheck serve`) would pile up their reservations (two
 * memory mappings each, 128 a table) until the kernel's limit on mappings (65,530) made V8
 * abort; a check big enough for growable segments allocates columns that V8 does count, so
 * full collections come every few hundred such checks at most. The plain segments' garbage is
 * at most 4 × 16 KiB × 64 = 4 MiB.
 */
const IN_PLACE_FROM_SLOTS = 1365;

/**
 * A buffer for a segment of `cap` slots: from `inPlaceFrom` slots on, growable in place up to
 * `reserveSlots` or 4 × cap slots (a segment that outgrows it moves to a new buffer, once
 * every 1.25^6 growths at most, never on the runs measured); below, or with `reserveSlots` 0,
 * a plain one that a growth replaces.
 */
function segmentBuffer(cap: number, reserveSlots: number, inPlaceFrom: number): ArrayBufferLike {
  if (cap > MAX_RESERVE_SLOTS) throw new Error(`fingerprint table: a segment of ${cap} slots is past the limit of ${MAX_RESERVE_SLOTS}`);
  if (reserveSlots === 0 || cap < inPlaceFrom) return new ArrayBuffer(cap * SLOT_BYTES);
  const reserve = Math.min(MAX_RESERVE_SLOTS, Math.max(reserveSlots, cap * 4));
  return growableShared(cap * SLOT_BYTES, reserve * SLOT_BYTES);
}

/** A fixed-length view over the whole of `buffer` as it is now (length-tracking views over growable buffers are slow). */
function slotsView(buffer: ArrayBufferLike): Int32Array {
  return new Int32Array(buffer, 0, buffer.byteLength >> 2);
}

/** The 32-bit mix of a fingerprint's halves that chooses its segment and home slot. */
export function mix(hi: number, lo: number): number {
  return (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
}

/** The segment of a fingerprint whose mix is h. */
export function segmentOf(h: number): number {
  return h >>> LOW_BITS;
}

/**
 * The home slot of a fingerprint whose mix is h in a segment of `cap` slots: floor(l * cap /
 * 2^26) for the low 26 bits l of h (exact: l * cap < 2^53 for any cap below 2^27). The
 * quotient is below cap < 2^31 and not negative, so `| 0` floors it: a truncation, where
 * Math.floor's result is checked for an int32 (a few instructions more a probe sequence).
 * Written l * (cap / 2^26), the same number (a product scaled by a power of two, exactly): the
 * multiplication is of doubles from the first call on, where l * cap was of small integers
 * while the segments were small, and V8's code, compiled for those, was thrown away at the
 * first product past 2^31 (docs/explorer.md, "Compiling and inline caches").
 */
export function home(h: number, cap: number): number {
  return ((h & LOW_MASK) * (cap / LOW_SCALE)) | 0;
}

/** Whether a segment of `capacity` slots holding `used` fingerprints is past its 80% load (and must grow). */
export function mustGrow(used: number, capacity: number): boolean {
  return used * 5 > capacity * 4;
}

/** The capacity a segment of `capacity` slots grows to. */
export function grown(capacity: number): number {
  return Math.ceil(capacity * 1.25);
}

/** The capacity of a segment holding `used` fingerprints: the first of its growth sequence not past 80% load. */
export function capacityFor(used: number, start = SEGMENT_START): number {
  let cap = start;
  while (mustGrow(used, cap)) cap = grown(cap);
  return cap;
}

/**
 * Slots of the table's cache of recent fingerprints (a power of two): 4096, 48 KiB, which stays
 * in the processor's caches.
 */
export const RECENT_SLOTS = 4096;
const RECENT_MASK = RECENT_SLOTS - 1;

export class FingerprintTable {
  /**
   * The fingerprints inserted or found last, direct-mapped by the low bits of their mix: 3
   * words a slot as in a segment (hi, lo, id + 1; all zero when empty), each a copy of a
   * segment's slot. A breadth-first search finds again mostly what it inserted a little before
   * (two orders of events that commute reach one state: on ack-flush 99% of the successors
   * found, on `full` 92%): there `getOrInsert` answers from here, without the probe of a
   * segment (several slots at 64-80% load, and a cache miss). Not counted in `bytes`, which
   * is a function of the fingerprints alone (see TableSize).
   */
  private recent: Int32Array = new Int32Array(3 * RECENT_SLOTS);
  /** Per segment: 3 words a slot (hi, lo, id + 1), a view over the whole of its buffer. */
  private readonly slots: Int32Array[] = [];
  private readonly buffers: ArrayBufferLike[] = [];
  /**
   * The fingerprints a growth in place could not move within the part of the segment it had
   * already made (spreadInPlace): 3 numbers each (hi, lo, id + 1), a few a growth; emptied after it.
   */
  private readonly side: number[] = [];
  private readonly caps = new Int32Array(SEGMENTS);
  private readonly used = new Int32Array(SEGMENTS);
  private count = 0;
  private totalSlots = 0;
  /**
   * The table's shared WebAssembly memory, made at the first growth to `inPlaceFrom` slots or
   * more: segment s's slots are at byte s × 12 × `regionSlots` of it while its capacity is from
   * `inPlaceFrom` to `regionSlots` slots, and grow there in place, spread by the growth's module
   * (`spread`). Null before, and where none can be had (`noMemory`).
   */
  private memory: WasmMemory | null = null;
  private spread: ((base: number, n: number, cap: number) => number) | null = null;
  /** 1 once a memory could not be made or grown: the segments then grow as they did before it. */
  private noMemory = 0;
  /** Per segment: 1 while its slots are in `memory`. */
  private readonly inMemory = new Uint8Array(SEGMENTS);

  // Set by the constructor: `declare`d (docs/explorer.md, "Class fields V8 can keep untagged").
  declare private readonly reserveSlots: number;
  declare private readonly inPlaceFrom: number;
  /** Slots of a segment's region in `memory` (`reserveSlots`; 0: no memory). */
  declare private readonly regionSlots: number;

  /**
   * @param segmentCapacity each segment's capacity to start with (at least 2).
   * @param reserveSlots slots of address space each segment reserves to grow in place (tests
   *   make it small); 0: plain buffers, replaced at each growth (where there are no growable
   *   SharedArrayBuffers).
   * @param inPlaceFrom segments of this many slots and more grow in place (tests make it 0).
   */
  constructor(
    segmentCapacity = SEGMENT_START,
    reserveSlots = GROWABLE ? RESERVE_SLOTS : 0,
    inPlaceFrom = IN_PLACE_FROM_SLOTS,
  ) {
    this.reserveSlots = reserveSlots;
    this.inPlaceFrom = inPlaceFrom;
    this.regionSlots =
      GROWABLE && SPREAD_MODULE !== null && reserveSlots > 0 && SEGMENTS * reserveSlots * SLOT_BYTES <= 2 ** 32 ? reserveSlots : 0;
    const cap = Math.max(2, segmentCapacity);
    for (let s = 0; s < SEGMENTS; s++) {
      const b = segmentBuffer(cap, reserveSlots, inPlaceFrom);
      this.buffers.push(b);
      this.slots.push(slotsView(b));
      this.caps[s] = cap;
    }
    this.totalSlots = SEGMENTS * cap;
  }

  get size(): number {
    return this.count;
  }

  /** Slots in all segments. */
  get capacity(): number {
    return this.totalSlots;
  }

  /** The capacity of segment `s`. */
  segmentCapacityOf(s: number): number {
    return this.caps[s];
  }

  get bytes(): number {
    return this.totalSlots * SLOT_BYTES;
  }

  /** Whether segment s's slots are in the table's WebAssembly memory (tests). */
  segmentInMemory(s: number): boolean {
    return this.inMemory[s] === 1;
  }

  /** Returns the id stored for (hi, lo), or inserts `newId` and returns -1. */
  getOrInsert(hi: number, lo: number, newId: number): number {
    // The cache's hit here, the segment's probe in a method of its own: small enough for
    // TurboFan to inline into the explorer's loop within its budget (920 bytes of bytecode).
    // `mix` and RECENT_SLOTS - 1 written out: an exported binding is read through its module
    // cell, checked at every use (the function's identity, the constant's initialisation).
    const h = (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
    const recent = this.recent;
    const r = 3 * (h & RECENT_MASK);
    if (recent[r] === (hi | 0) && recent[(r + 1) | 0] === (lo | 0)) {
      const id = recent[(r + 2) | 0];
      if (id !== 0) return id - 1;
    }
    return this.probe(h, hi | 0, lo | 0, newId, r);
  }

  /** `getOrInsert` past the cache (`r`: the fingerprint's slot there). */
  private probe(h: number, khi: number, klo: number, newId: number, r: number): number {
    const s = h >>> LOW_BITS;
    const a = this.slots[s];
    const cap = this.caps[s];
    const i = slotOf(a, 3 * home(h, cap), 3 * cap, khi, klo);
    const found = a[(i + 2) | 0];
    const id = found !== 0 ? found : newId + 1;
    const recent = this.recent;
    recent[r] = khi;
    recent[(r + 1) | 0] = klo;
    recent[(r + 2) | 0] = id;
    if (found !== 0) return found - 1;
    a[i] = khi;
    a[(i + 1) | 0] = klo;
    a[(i + 2) | 0] = id;
    this.count++;
    if (mustGrow(++this.used[s], cap)) this.grow(s);
    return -1;
  }

  /** Returns the id stored for (hi, lo), or -1. */
  get(hi: number, lo: number): number {
    const h = mix(hi, lo);
    const s = h >>> LOW_BITS;
    const a = this.slots[s];
    const end = 3 * this.caps[s];
    const khi = hi | 0;
    const klo = lo | 0;
    let i = 3 * home(h, this.caps[s]);
    for (;;) {
      // A slot is empty when its id word is 0, and an empty slot is all zero: a slot whose
      // high half is neither the key's nor 0 holds another fingerprint, told by one read.
      const x = a[i];
      if (x === khi || x === 0) {
        const id = a[i + 2];
        if (id === 0) return -1;
        if (x === khi && a[i + 1] === klo) return id - 1;
      }
      i += 3;
      if (i === end) i = 0;
    }
  }

  /**
   * Lets every segment go, handing its memory over to the path counter (grow.ts, `spare`:
   * a growable SharedArrayBuffer goes only at a full collection); the table must not be used again.
   */
  release(): void {
    // A segment in the memory hands over its region (the view over it), not the whole memory.
    spare(this.slots.map((a, s) => (this.inMemory[s] === 1 ? a : this.buffers[s])));
    this.memory = null;
    this.spread = null;
    for (let s = 0; s < SEGMENTS; s++) this.slots[s] = new Int32Array(0);
    this.buffers.length = 0;
    this.side.length = 0;
    this.recent = new Int32Array(0);
  }

  /** Grows segment s to the capacity that holds its count, in place where it can (see the header). */
  private grow(s: number): void {
    const was = this.caps[s];
    let cap = was;
    const used = this.used[s];
    while (mustGrow(used, cap)) cap = grown(cap);
    let buffer = this.buffers[s];
    const growable = buffer as GrowableShared;
    let a: Int32Array | null = cap >= this.inPlaceFrom && cap <= this.regionSlots ? this.region(s, cap) : null;
    if (a !== null) {
      if (this.inMemory[s] === 1) {
        const side = this.side;
        spreadInMemory(this.spread!, a, 3 * was, cap, side);
        if (side.length > 0) {
          reinsertList(side, a, cap);
          side.length = 0;
        }
      } else {
        // Into the memory: the old segment (a plain buffer) is read where it stands.
        reinsert(this.slots[s], 3 * was, a, cap);
        this.inMemory[s] = 1;
        this.buffers[s] = a.buffer;
      }
    } else if (this.inMemory[s] === 1) {
      // Out of the memory (past its region, or the memory could not grow): a buffer of its own.
      buffer = this.buffers[s] = segmentBuffer(cap, this.reserveSlots, this.inPlaceFrom);
      a = slotsView(buffer);
      reinsert(this.slots[s], 3 * was, a, cap);
      this.inMemory[s] = 0;
    } else if (growable.growable === true && cap * SLOT_BYTES <= growable.maxByteLength) {
      growable.grow(cap * SLOT_BYTES);
      a = slotsView(buffer);
      const side = this.side;
      spreadInPlace(a, 3 * was, cap, side);
      if (side.length > 0) {
        reinsertList(side, a, cap);
        side.length = 0;
      }
    } else {
      // A new buffer: the old one, left as it is, is read where it stands.
      buffer = this.buffers[s] = segmentBuffer(cap, this.reserveSlots, this.inPlaceFrom);
      a = slotsView(buffer);
      reinsert(this.slots[s], 3 * was, a, cap);
    }
    this.totalSlots += cap - was;
    this.slots[s] = a;
    this.caps[s] = cap;
  }

  /**
   * A view of `cap` slots over segment s's region of the memory (made, or grown to hold it, as
   * needed; the region's part past the segment's old slots is zero: nothing wrote there), or
   * null where there is no memory to be had.
   */
  private region(s: number, cap: number): Int32Array | null {
    if (this.noMemory === 1 || WASM === undefined || SPREAD_MODULE === null) return null;
    const at = s * this.regionSlots * SLOT_BYTES;
    const pages = Math.ceil((at + cap * SLOT_BYTES) / PAGE_BYTES);
    try {
      if (this.memory === null) {
        const memory = new WASM.Memory({ initial: pages, maximum: Math.ceil((SEGMENTS * this.regionSlots * SLOT_BYTES) / PAGE_BYTES), shared: true });
        const exports = new WASM.Instance(SPREAD_MODULE, { t: { mem: memory } }).exports;
        this.spread = exports.spread as (base: number, n: number, cap: number) => number;
        this.memory = memory;
      }
      const now = this.memory.buffer.byteLength / PAGE_BYTES;
      if (pages > now) this.memory.grow(pages - now);
    } catch {
      // No shared memory here (a page that is not cross-origin isolated), or no room to grow it.
      this.noMemory = 1;
      return null;
    }
    return new Int32Array(this.memory.buffer, at, 3 * cap);
  }
}

/**
 * `spreadInPlace` for a segment in the table's memory (`a`, a view over its region), by the
 * growth's module: it places every old slot it can and returns the word index of one it cannot
 * (left in its slot), which goes to `side` here, cleared from its slot, before the module goes on
 * below it.
 */
function spreadInMemory(spread: (base: number, n: number, cap: number) => number, a: Int32Array, n: number, cap: number, side: number[]): void {
  const base = a.byteOffset;
  for (let p = n; ; ) {
    const q = spread(base, p, cap);
    if (q < 0) return;
    side.push(a[q], a[q + 1], a[q + 2]);
    a[q] = 0;
    a[q + 1] = 0;
    a[q + 2] = 0;
    p = q;
  }
}

/**
 * The first slot of `a` (3 words a slot, as a segment's; `end` = 3 × its capacity) from word `i`
 * on that holds (khi, klo) or is empty (an empty slot is all zero: a slot whose high half is
 * neither the key's nor zero is another fingerprint's, told by one read), in probe order,
 * wrapping round at `end`: its first word's index. A function of its own with five values live:
 * written in FingerprintTable.probe, the loop kept the index, the segment and its end in stack
 * slots (about 24 instructions a slot, 6 to 7 slots a new state at 64-80% load); called on its
 * own, it took about half as many on ack-flush (where TurboFan inlines it into probe, as on the
 * floor, it costs what the loop did: docs/explorer.md, "The explorer's JavaScript per
 * transition"). Index sums are truncated (`| 0`), which drops their overflow checks.
 */
function slotOf(a: Int32Array, i: number, end: number, khi: number, klo: number): number {
  for (;;) {
    const x = a[i];
    if ((x === khi || x === 0) && (a[(i + 2) | 0] === 0 || (x === khi && a[(i + 1) | 0] === klo))) return i;
    i = (i + 3) | 0;
    if (i === end) i = 0;
  }
}

/**
 * Inserts the fingerprints of the slots old[0, n) (3 words a slot, as a segment's; id word 0:
 * empty) into `a`, an empty segment of `cap` slots, each at the first empty slot from its home
 * (`home(mix(hi, lo), cap)`, written out: the low 26 bits of the mix are all it needs; called,
 * `mix` and `home` were each a check of the binding's value per slot). Index sums are
 * truncated (`| 0`; they stay far below 2^31), which spares TurboFan an overflow check each.
 * A function of its own, too, because V8 compiles this small loop once, where `grow` as a whole,
 * with the buffers' cases (a plain buffer, then a growable one from `inPlaceFrom` slots on)
 * first met after it was compiled, was compiled three times (docs/explorer.md, "Compiling and
 * inline caches").
 */
function reinsert(old: Int32Array, n: number, a: Int32Array, cap: number): void {
  const end = 3 * cap;
  // l * cap / 2^26 = l * (cap / 2^26) exactly: cap / 2^26 is exact, and so is the product.
  const scale = cap / LOW_SCALE;
  for (let j = 0; j < n; j = (j + 3) | 0) {
    const id = old[(j + 2) | 0];
    if (id === 0) continue;
    const hi = old[j];
    const lo = old[(j + 1) | 0];
    let i = 3 * ((((lo ^ Math.imul(hi, 0x9e3779b1)) & LOW_MASK) * scale) | 0);
    while (a[(i + 2) | 0] !== 0) {
      i = (i + 3) | 0;
      if (i === end) i = 0;
    }
    a[i] = hi;
    a[(i + 1) | 0] = lo;
    a[(i + 2) | 0] = id;
  }
}

/**
 * Grows a segment in place: `a` holds its old slots in words [0, n) and is `cap` slots long,
 * its slots from n / 3 on empty (the buffer's new part). The old slots are taken from the last
 * to the first; each fingerprint is cleared from its slot and placed at the first empty slot
 * from its new home (`home(mix(hi, lo), cap)`, written out as in `reinsert`), as long as that
 * home is not below its old slot and the scan does not wrap round: every slot from the old slot
 * on then holds only fingerprints already placed, or nothing (the old ones there were taken
 * already), so a fingerprint placed there never has an old one, to be moved later, between its
 * home and its slot. The home of a fingerprint in a segment grown only goes up (floor(l × cap /
 * 2^26) grows with cap), so this holds for most; the others (a home far below the slot, or past
 * the new end) go to `side`, and `reinsertList` places them once every old slot is taken. Where
 * each fingerprint lands differs from a reinsertion into an empty segment, the set of occupied
 * slots does not (linear probing's occupied slots do not depend on the order of the inserts),
 * nor does anything that reads the table: its ids. No copy of the segment aside and no clearing
 * of it (`reinsert` needed both: about a fifth of the growth's instructions).
 */
function spreadInPlace(a: Int32Array, n: number, cap: number, side: number[]): void {
  const end = 3 * cap;
  // l * cap / 2^26 = l * (cap / 2^26) exactly: cap / 2^26 is exact, and so is the product.
  const scale = cap / LOW_SCALE;
  for (let p = (n - 3) | 0; p >= 0; p = (p - 3) | 0) {
    const id = a[(p + 2) | 0];
    if (id === 0) continue;
    const hi = a[p];
    const lo = a[(p + 1) | 0];
    a[p] = 0;
    a[(p + 1) | 0] = 0;
    a[(p + 2) | 0] = 0;
    let i = 3 * ((((lo ^ Math.imul(hi, 0x9e3779b1)) & LOW_MASK) * scale) | 0);
    if (i >= p) {
      while (a[(i + 2) | 0] !== 0) {
        i = (i + 3) | 0;
        if (i === end) break;
      }
      if (i !== end) {
        a[i] = hi;
        a[(i + 1) | 0] = lo;
        a[(i + 2) | 0] = id;
        continue;
      }
    }
    side.push(hi, lo, id);
  }
}

/** `reinsert` for fingerprints held in a list (3 numbers each, as `side` of FingerprintTable). */
function reinsertList(list: number[], a: Int32Array, cap: number): void {
  const end = 3 * cap;
  for (let j = 0; j < list.length; j += 3) {
    const hi = list[j];
    const lo = list[j + 1];
    let i = 3 * home(mix(hi, lo), cap);
    while (a[i + 2] !== 0) {
      i += 3;
      if (i === end) i = 0;
    }
    a[i] = hi;
    a[i + 1] = lo;
    a[i + 2] = list[j + 2];
  }
}

/**
 * The size a FingerprintTable (of the default segment capacity) has after the fingerprints
 * given to `add` were inserted into it, computed from the fingerprints alone: per segment,
 * `capacityFor` its count. The parallel explorer reports the one-thread table's size with it,
 * so that `storeBytes` does not depend on the thread count.
 */
export class TableSize {
  private readonly counts = new Int32Array(SEGMENTS);
  private readonly caps = new Int32Array(SEGMENTS).fill(SEGMENT_START);
  private totalSlots = SEGMENTS * SEGMENT_START;

  /** One more fingerprint (hi, lo), not seen before. */
  add(hi: number, lo: number): void {
    this.addInSegment(segmentOf(mix(hi, lo)));
  }

  /** One more fingerprint, not seen before, of segment s (segmentOf(mix(hi, lo))). */
  addInSegment(s: number): void {
    const used = ++this.counts[s];
    let cap = this.caps[s];
    if (!mustGrow(used, cap)) return;
    while (mustGrow(used, cap)) cap = grown(cap);
    this.totalSlots += cap - this.caps[s];
    this.caps[s] = cap;
  }

  get capacity(): number {
    return this.totalSlots;
  }

  get bytes(): number {
    return this.totalSlots * SLOT_BYTES;
  }
}
