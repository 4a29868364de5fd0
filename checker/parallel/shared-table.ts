/**
 * The visited set shared by all threads: a hash table from a 64-bit fingerprint to a state,
 * partitioned by hash into SEGMENTS segments, each an open-addressing table in its own
 * SharedArrayBuffer (12 bytes a slot: the two key halves and an int32 value, side by side so
 * that a probe reads one cache line), linear probing within the segment. A fingerprint's
 * segment and home slot are the one-thread table's (../fptable.ts: `mix`, `segmentOf`,
 * `home`), so a slot's segment, the top bits of its number, is the segment the one-thread
 * table would hold it in: the replay sizes that table (`TableSize.addInSegment`) without
 * reading the key back.
 *
 * Slot values: 0 empty; BUSY while its key is being written; id + 1 (> 0) for a state
 * numbered in an earlier level; -(k + 2) (< -1) for provisional index k of this level. A
 * thread claims an empty slot with compareExchange(0 -> BUSY), counts it in its segment
 * (from the slots it counted there in advance, RESERVE at a time with Atomics.add: see
 * `reserved`), writes the key, and publishes the value with Atomics.store (or gives the
 * slot back, 0). A prober that meets BUSY waits for it (spinning, then sleeping a little at a
 * time), so no key ever sits past an empty or busy slot of its chain.
 *
 * Segments are sized only while no other thread uses the table (before a level and when a
 * paused level is enlarged), each for its own count plus its share of the level's room, so
 * the table holds what the search stored at 64–80% load (as the one-thread table does). A
 * segment is a growable SharedArrayBuffer and grows in place: its entries are copied aside
 * (one segment, a 64th of the table, in the coordinator's own memory), the buffer grows and
 * they are inserted again. A segment reallocated instead would stay alive until the worker
 * threads' next full garbage collection, which a worker with a small heap runs rarely: the
 * old segments of a whole run (about four times the final table) stayed resident. A segment that
 * a level fills past its hard limit (90%) refuses the insert: the level pauses and is enlarged
 * (search.ts), as when it runs out of provisional indices.
 */
import { home, mix, SEGMENTS, segmentOf } from '../fptable.js';
import { growableShared, type GrowableShared } from './growable.js';

const EMPTY = 0;
const BUSY = -1;
/** findOrClaim() result when the fingerprint's segment is past its hard limit. */
export const SEGMENT_FULL = BUSY;
const MAX_SPINS = 2 ** 32;
/**
 * A prober that has read a busy slot this many times in a row sleeps (Atomics.wait) for
 * BUSY_WAIT_MS before it reads it again: a slot is busy for a microsecond or so (its claim to
 * its publication, see Expander.store), unless the thread that holds it lost its core, and then
 * for milliseconds, which the prober would spend spinning on a core the other thread or another
 * process could use.
 */
const SPINS_BEFORE_WAIT = 1024;
const BUSY_WAIT_MS = 0.05;
/** A thread's provisional indices come in batches of 2^OWN_SHIFT (INDEX_BATCH, protocol.ts): `own` has a byte a batch. */
export const OWN_SHIFT = 6;

/** A slot's index within its segment takes the low SLOT_BITS bits of a table slot number, its segment the rest. */
const SLOT_BITS = 24;
if (SEGMENTS > 2 ** (31 - SLOT_BITS)) throw new Error('shared-table: too many segments for a slot number');
const SLOT_MASK = 2 ** SLOT_BITS - 1;
/** Slots a thread counts in a segment at once (see SharedTable.reserved). */
const RESERVE = 16;
/** Int32 words between two segments' counters (one cache line each: no false sharing). */
const COUNTER_STRIDE = 16;
const SEGMENT_START = 16;

/** Capacity that holds `entries` at or below 80% load, grown from `cap` by quarters. */
function capacityHolding(entries: number, cap: number): number {
  while (entries * 5 > cap * 4) cap = Math.ceil(cap * 1.25);
  return cap;
}

/** The largest segment (bytes); a segment is reserved up to this much address space. */
const MAX_SEGMENT_BYTES = (SLOT_MASK + 1) * 12;

function segmentBuffer(cap: number): SharedArrayBuffer {
  return growableShared(cap * 12, MAX_SEGMENT_BYTES);
}

/** A fixed-length view over the whole of `buffer` as it is now (length-tracking views over growable buffers are slow). */
function slotsView(buffer: SharedArrayBuffer): Int32Array {
  return new Int32Array(buffer, 0, buffer.byteLength >> 2);
}

/** The table's shared memory, as sent to a thread. */
export interface SharedTableBuffers {
  /** Per segment: 3 int32 words a slot (hi, lo, value). */
  readonly segments: readonly SharedArrayBuffer[];
  /** Per segment (at s * COUNTER_STRIDE): slots in use (Atomics.add) and, next to it, the hard limit. */
  readonly counters: SharedArrayBuffer;
}

export class SharedTable {
  // Set by the constructor: `declare`d (docs/explorer.md, "Class fields V8 can keep untagged").
  declare private readonly seg: Int32Array[];
  declare private readonly caps: Int32Array;
  declare private readonly counters: Int32Array;
  declare readonly buffers: SharedTableBuffers;
  /** The slot (see slotNumber) claimed by the last findOrClaim that returned 0. */
  claimed = -1;
  /** Times this view slept on a busy slot (see SPINS_BEFORE_WAIT): a diagnostic. */
  waits = 0;
  /**
   * Slot values in [1, stable] (states numbered before the level this thread works on, see
   * `forLevel`) are read without Atomics; 0: every value is read with Atomics.load.
   */
  private stable = 0;
  /**
   * This thread's batches of provisional indices in the level (`own[k >> OWN_SHIFT]` is 1 when
   * it drew index k's batch): a slot whose value is such an index was published by this thread
   * (or moved while no thread worked), and is read without Atomics too (see findOrClaim).
   */
  private own: Uint8Array = new Uint8Array(1);
  /** Whether every value above `stable` was written by this thread (the coordinator, whose replay writes final ids). */
  private finalsOwn = false;
  /**
   * Per segment, the slots this thread has counted in the segment's shared count and not used
   * yet. A new entry takes one; when none is left, the thread counts RESERVE at once
   * (`reserveIn`): one locked add on the count's cache line, which both threads update, every
   * RESERVE inserts instead of every insert. The counts are read only while no thread inserts,
   * after every thread gave its rest back (`settle`); meanwhile a segment's count may exceed its
   * entries by what the threads hold, so a segment may refuse an insert a little early (the
   * level then pauses and the table is sized again, as at the limit).
   */
  private readonly reserved = new Int32Array(SEGMENTS);

  constructor(buffers: SharedTableBuffers) {
    this.buffers = buffers;
    this.seg = buffers.segments.map(slotsView);
    this.caps = Int32Array.from(this.seg, (a) => a.length / 3);
    this.counters = new Int32Array(buffers.counters);
  }

  static allocate(): SharedTable {
    const segments: SharedArrayBuffer[] = [];
    for (let s = 0; s < SEGMENTS; s++) segments.push(segmentBuffer(SEGMENT_START));
    const counters = new Int32Array(new SharedArrayBuffer(SEGMENTS * COUNTER_STRIDE * 4));
    for (let s = 0; s < SEGMENTS; s++) counters[s * COUNTER_STRIDE + 1] = hardLimit(SEGMENT_START);
    return new SharedTable({ segments, counters: counters.buffer });
  }

  /** Bytes of the segments. */
  get bytes(): number {
    let n = 0;
    for (const a of this.seg) n += a.byteLength;
    return n;
  }

  /**
   * Probes from now on may read the slots of states numbered before the level (ids below
   * `numbered`) with plain reads: see findOrClaim. Only for a thread that starts to work on a
   * level (its views made after the table last grew).
   */
  forLevel(numbered: number, own: Uint8Array = new Uint8Array(1), finalsOwn = false): void {
    this.stable = numbered;
    this.own = own;
    this.finalsOwn = finalsOwn;
  }

  /**
   * The published value for (hi, lo); 0 after claiming an empty slot for it (`claimed`); SEGMENT_FULL.
   *
   * A slot's value is read first with a plain read, and with Atomics.load unless it is the
   * value of a state numbered before the level (1 to `stable`). Plain reads are inlined by
   * TurboFan; Atomics.load on a growable SharedArrayBuffer is a builtin call (163 M
   * instructions of `full … --max-states 200000 --workers 2`). This is correct under the JS
   * memory model: an Int32Array element read does not tear, and a plain read returns some
   * write to the slot that does not happen after it. The writes of values 1 to `stable`
   * all happen before the level began (such a state's slot was claimed and published in an
   * earlier level, its final id written by the replay before the level's start, the table
   * grown while no thread worked), and the level's start happens before this thread's
   * probes (the coordinator's Atomics.store of CTL.NEXT, which this thread's first claim
   * reads with Atomics.add; a worker's `go` message). During a level no thread writes such a
   * slot again: only empty slots are claimed, and the values written in a level are BUSY,
   * provisional (< -1), 0 (a slot given back) and final ids of states numbered in the level
   * (> stable). So a plain read that returns a value in [1, stable] returns the slot's value
   * since before the level, and its key, written before that value, is read correctly with
   * plain reads too. Any other value may be a racing write: it is read again with
   * Atomics.load, which synchronizes with the Atomics.store that published it, as before.
   *
   * The same holds for the values this thread wrote itself: a provisional index of a batch it
   * drew (`own`; only this thread publishes those indices, and a table growth that moved one
   * happened before the level resumed), and, for the coordinator (`finalsOwn`), the final ids
   * of the level's states, which only its replay writes (after the chunk's message, which
   * follows the claimer's write of the key). A plain read that returns such a value returns
   * this thread's own write (or the growth's), which follows the key's write. On
   * ack-flush N = 11 `--workers 2` most probes met a state of the level being expanded: 996,235
   * Atomics.load calls for 668,993 transitions before this.
   *
   * An empty slot read with a plain read is claimed with compareExchange at once, whose
   * result (the value, read atomically) serves as the Atomics.load when another thread was
   * first.
   */
  findOrClaim(hi: number, lo: number): number {
    const h = mix(hi, lo);
    const s = segmentOf(h);
    const a = this.seg[s];
    const cap = this.caps[s];
    const khi = hi | 0;
    const klo = lo | 0;
    let i = home(h, cap);
    let spins = 0;
    const stable = this.stable;
    const finalsOwn = this.finalsOwn;
    const own = this.own;
    for (;;) {
      const p = a[3 * i + 2];
      if (p > 0 ? p <= stable || finalsOwn : p < BUSY && own[(-p - 2) >>> OWN_SHIFT] === 1) {
        if (a[3 * i] === khi && a[3 * i + 1] === klo) return p;
        if (++i === cap) i = 0;
        continue;
      }
      const v = p === EMPTY ? Atomics.compareExchange(a, 3 * i + 2, EMPTY, BUSY) : Atomics.load(a, 3 * i + 2);
      if (v === EMPTY) {
        // The slot was empty: claimed by the compareExchange, or (read as not empty at first) probed again.
        if (p !== EMPTY) continue;
        // Counted in the segment from this thread's reservation (see `reserved`).
        if (this.reserved[s] === 0 && !this.reserveIn(s)) {
          Atomics.store(a, 3 * i + 2, EMPTY);
          return SEGMENT_FULL;
        }
        this.reserved[s]--;
        a[3 * i] = khi;
        a[3 * i + 1] = klo;
        this.claimed = (s << SLOT_BITS) | i;
        return 0;
      }
      if (v === BUSY) {
        // A slot is busy for a few microseconds; one busy for seconds belongs to a dead thread.
        if (++spins > MAX_SPINS) throw new Error('parallel explorer: a fingerprint slot stayed busy (did a thread die?)');
        if ((spins & (SPINS_BEFORE_WAIT - 1)) === 0) {
          // Its holder has likely lost its core: give this one up for a moment (no one notifies: a timed sleep).
          this.waits++;
          Atomics.wait(a, 3 * i + 2, BUSY, BUSY_WAIT_MS);
        }
        continue;
      }
      if (a[3 * i] === khi && a[3 * i + 1] === klo) return v;
      if (++i === cap) i = 0;
    }
  }

  publish(slot: number, value: number): void {
    Atomics.store(this.seg[slot >>> SLOT_BITS], 3 * (slot & SLOT_MASK) + 2, value);
  }

  /**
   * Replaces a provisional value by the state's final value (id + 1) with a plain store. No
   * ordering is needed: a thread that reads the slot meanwhile may see either value and
   * both mean the same state (see Replay.replayChunk), and nothing else is written with it.
   * An Atomics.store here is a locked exchange, which waits for the slot's cache line (a
   * random one, usually not in cache): 333 ms of the coordinator's 4.7 s on ack-flush N = 12.
   */
  publishFinal(slot: number, value: number): void {
    this.seg[slot >>> SLOT_BITS][3 * (slot & SLOT_MASK) + 2] = value;
  }

  /** Gives a claimed slot back (empty, and no longer counted). */
  release(slot: number): void {
    const s = slot >>> SLOT_BITS;
    // Back into this thread's reservation (still counted until `settle`).
    this.reserved[s]++;
    Atomics.store(this.seg[s], 3 * (slot & SLOT_MASK) + 2, EMPTY);
  }

  /**
   * Counts RESERVE more slots of segment `s` as used, for this thread's next inserts there (or
   * one when RESERVE would pass the segment's hard limit); false when the segment is at its
   * limit. A slot is counted when reserved, so a segment never holds more than its limit.
   */
  private reserveIn(s: number): boolean {
    const c = s * COUNTER_STRIDE;
    const limit = this.counters[c + 1];
    if (Atomics.add(this.counters, c, RESERVE) + RESERVE <= limit) {
      this.reserved[s] = RESERVE;
      return true;
    }
    Atomics.sub(this.counters, c, RESERVE);
    if (Atomics.add(this.counters, c, 1) >= limit) {
      Atomics.sub(this.counters, c, 1);
      return false;
    }
    this.reserved[s] = 1;
    return true;
  }

  /**
   * Gives back the slots this thread reserved and did not use, so that the segments' counts are
   * their entries again: before the counts are read (`growthFor`, between levels and when a
   * paused level is enlarged), by every thread that inserted (see `reserved`).
   */
  settle(): void {
    const reserved = this.reserved;
    for (let s = 0; s < SEGMENTS; s++) {
      if (reserved[s] === 0) continue;
      Atomics.sub(this.counters, s * COUNTER_STRIDE, reserved[s]);
      reserved[s] = 0;
    }
  }

  /** The segment of a slot. */
  static segmentOfSlot(slot: number): number {
    return slot >>> SLOT_BITS;
  }

  /** The key halves (as uint32) of a slot. */
  hi(slot: number): number {
    return this.seg[slot >>> SLOT_BITS][3 * (slot & SLOT_MASK)] >>> 0;
  }

  lo(slot: number): number {
    return this.seg[slot >>> SLOT_BITS][3 * (slot & SLOT_MASK) + 1] >>> 0;
  }

  /**
   * Sizes every segment for its count plus its share of `room` more entries, in place (only
   * while no other thread uses the table: the threads make their views again with the next
   * level). `moved(value, slot)` is told the new slot of every provisional entry of a
   * segment that grew.
   */
  reserve(room: number, moved: (value: number, slot: number) => void): void {
    const plan = this.growthFor(room);
    for (let j = 0; j < plan.length; j += 2) this.growSegment(plan[j], plan[j + 1], moved);
  }

  /**
   * What `reserve(room)` would do: pairs (segment, new capacity) of the segments that must
   * grow, largest first. Any thread may then grow any of them (`growSegment`), each segment
   * by one thread, while no thread probes the table; the others `refresh` afterwards.
   */
  growthFor(room: number): number[] {
    // This view's own reservations (the other threads settled theirs before they went idle).
    this.settle();
    // A segment's share of the room, with margin for the spread of a uniform hash.
    const share = Math.ceil((room / SEGMENTS) * 1.25) + 16;
    const plan: number[] = [];
    for (let s = 0; s < SEGMENTS; s++) {
      const used = this.counters[s * COUNTER_STRIDE];
      const cap = this.caps[s];
      const next = capacityHolding(used + share, cap);
      if (next !== cap) plan.push(s, next);
    }
    const pairs: [number, number][] = [];
    for (let j = 0; j < plan.length; j += 2) pairs.push([plan[j], plan[j + 1]]);
    pairs.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return pairs.flat();
  }

  /** Grows segment `s` to `cap` slots in place (see reserve; `moved` as there). */
  growSegment(s: number, cap: number, moved: (value: number, slot: number) => void): void {
    if (cap <= this.caps[s]) return;
    this.regrow(s, cap, moved);
    this.counters[s * COUNTER_STRIDE + 1] = hardLimit(cap);
  }

  /** Takes up the segments as other threads grew them (views and capacities). */
  refresh(): void {
    for (let s = 0; s < SEGMENTS; s++) {
      const buffer = this.buffers.segments[s];
      if (buffer.byteLength === this.seg[s].byteLength) continue;
      this.seg[s] = slotsView(buffer);
      this.caps[s] = this.seg[s].length / 3;
    }
  }

  private regrow(s: number, cap: number, moved: (value: number, slot: number) => void): void {
    if (cap > SLOT_MASK) throw new Error(`parallel explorer: a table segment of ${cap} slots is past the limit of ${SLOT_MASK}`);
    const old = this.seg[s];
    const n = old.length;
    if (aside.length < n) aside = new Int32Array(Math.max(n, 2 * aside.length));
    const from = aside;
    from.set(old);
    const buffer = this.buffers.segments[s] as GrowableShared;
    buffer.grow(cap * 12);
    const to = slotsView(buffer);
    to.fill(0, 0, n);
    this.seg[s] = to;
    this.caps[s] = cap;
    for (let j = 0; j < n; j += 3) {
      const v = from[j + 2];
      if (v === EMPTY) continue;
      const hi = from[j];
      const lo = from[j + 1];
      let i = home(mix(hi, lo), cap);
      while (to[3 * i + 2] !== EMPTY) if (++i === cap) i = 0;
      to[3 * i] = hi;
      to[3 * i + 1] = lo;
      to[3 * i + 2] = v;
      if (v < BUSY) moved(v, (s << SLOT_BITS) | i);
    }
  }
}

/**
 * Where a growing segment's entries are copied aside, reused from growth to growth (one per
 * thread: a module is loaded per isolate). A copy per growth was garbage that a worker thread,
 * whose heap hardly grows, collected only at its rare full collections: once workers grew
 * segments too, the copies of a whole run stayed resident (+24 MB on ack-flush N = 14).
 */
let aside = new Int32Array(0);

/**
 * Marks in `own` (a byte per 2^OWN_SHIFT indices) the blocks of indices that lie wholly in
 * [first, end), a batch a thread drew: only those. A batch is one block when it starts at a
 * multiple of INDEX_BATCH; one that does not (after an enlargement, CTL.NEWCOUNT restarts at
 * the old room) marks none, and its indices are read with Atomics.
 */
export function markOwn(own: Uint8Array, first: number, end: number): void {
  for (let b = (first + (1 << OWN_SHIFT) - 1) >>> OWN_SHIFT; (b + 1) << OWN_SHIFT <= end; b++) own[b] = 1;
}

/** Inserts a segment of `cap` slots accepts in a level before it pauses it: 90% load (and one slot always empty). */
function hardLimit(cap: number): number {
  return Math.min(cap - 1, Math.floor(cap * 0.9));
}
