import { BYTE_BLOCK, CTL, type SharedInt32 } from './protocol.js';
import { growableShared, type GrowableShared } from './growable.js';
import { applyRecord } from '../record.js';

/** Bytes before each record: the state's 64-bit fingerprint, high half then low, each little-endian. */
export const FP_BYTES = 8;
/** Bytes of the link (uint16). */
const LINK_BYTES = 2;
/**
 * An entry of the arena: the fingerprint, then its link (uint16, little-endian: 0 for a record
 * taken against the level's base, else the distance in bytes back to the entry of the same
 * block whose state the record is taken against), then the state's `always`-invariant verdicts
 * (uint32, little-endian: its flags' always bits, which a thread expanding it hands to
 * InvariantSets.checkAlwaysAfter as the parent's), then the record (../record.ts).
 */
export const ENTRY_HEAD = FP_BYTES + LINK_BYTES + 4;
/**
 * A thread takes a record against the level's base (a *key* entry) for the first state it
 * writes into a block and then every this many; the others against the state it wrote just
 * before (a *link*, about 15–20 bytes instead of 100 on `full`). A chain is decoded from its
 * key entry (decodeEntry), or by applying one link to the state decoded just before.
 */
export const KEY_EVERY = 16;

/** The most bytes the arena holds: record offsets are int32. */
const MAX_ARENA_BYTES = 2 ** 31;
/** Blocks of the largest arena (the length of the free list). */
const MAX_BLOCKS = MAX_ARENA_BYTES / BYTE_BLOCK;
const BLOCK_SHIFT = Math.log2(BYTE_BLOCK);

/**
 * The two levels the parallel search works on, in shared memory: the frontier being expanded
 * and the states first seen in it (the next frontier).
 *
 * Entries (ENTRY_HEAD: the state's fingerprint, a link, and a record, ../record.ts, taken
 * against its level's base state or against the entry before it in its block) of both
 * levels sit in one arena of
 * BYTE_BLOCK-byte blocks, `bytes`. A thread claims a block at a time for the new states'
 * records and fills it on its own: first from the free list (`free[CTL.FREE_NEXT ..
 * CTL.FREE_END)`), else a fresh block at the arena's end (`CTL.BYTES`). While a level is
 * expanded the coordinator puts on the free list every block of the frontier whose records
 * have all been expanded and replayed (`release`): the arena holds about one level, not two,
 * as the one-thread queue, which lets its chunks go as it reads past them.
 *
 * By provisional index k, for the states first seen in the level: the record's byte offset,
 * the always-invariant flags and the table slot (`offset`, `flags`, `slot`; one set, the
 * frontier needs none of them). Once the replay numbers such a state, its slot entry holds
 * -(id + 1) (the replay's provisional index -> id map) and its record's offset goes to
 * `nextPos` by frontier position of the next level; at the level's end `nextPos` becomes
 * `frontPos`, the frontier's order (position -> record offset).
 *
 * The buffers are growable SharedArrayBuffers (reserved address space, committed as they are
 * written), grown in place: no copy, and no old buffer left for a worker thread to hold until
 * its own garbage collection. The arrays over them are fixed-length views (`int32View`,
 * `uint8View`), made again after a growth and sent to the threads with the level: Node 20
 * reads a length-tracking array over a growable buffer about 15 times slower.
 */
export class LevelStore {
  bytes: Uint8Array<SharedArrayBuffer>;
  /** Frontier position -> byte offset of the state's fingerprint and record. */
  frontPos: SharedInt32;
  /** The next frontier's position (id - its first id) -> byte offset, written by the replay as it numbers. */
  nextPos: SharedInt32;
  offset: SharedInt32;
  flags: SharedInt32;
  slot: SharedInt32;
  /** The blocks free to claim (block numbers); see CTL.FREE_NEXT and CTL.FREE_END. */
  readonly free: SharedInt32 = new Int32Array(new SharedArrayBuffer(MAX_BLOCKS * 4));
  /**
   * The states the frontier's records are encoded against, and the new states': the all-zero
   * state for the initial states, then for each level a state of the frontier it is expanded
   * from (see search.ts). A level's states differ from one of their level in far fewer words
   * than from zero: on `full --messages 4 --pops 4 --batch 1` records take about 100 bytes
   * instead of 243, on ack-flush N = 12 26 instead of 190.
   */
  frontBase: SharedInt32;
  backBase: SharedInt32;
  /** The frontier's blocks by the last frontier position of a record in them, and those positions (ascending); up to `released` they are on the free list. */
  private frontBlocks: number[] = [];
  private frontLast: number[] = [];
  private released = 0;
  /** The arena's fresh block cursor when the level began. */
  private levelCursor = 0;
  /** The most bytes of the arena ever handed out (its resident part). */
  private highWater = 0;
  /** Scratch: per block, the last position of a record in it (-1: none). */
  private lastByBlock = new Int32Array(0);

  constructor(words: number, capacity: number, byteCapacity: number) {
    this.frontBase = new Int32Array(new SharedArrayBuffer(Math.max(1, words) * 4));
    this.backBase = new Int32Array(new SharedArrayBuffer(Math.max(1, words) * 4));
    this.bytes = uint8View(growable(Math.ceil(Math.max(byteCapacity, 1) / BYTE_BLOCK) * BYTE_BLOCK));
    this.frontPos = int32View(growable(capacity * 4));
    this.nextPos = int32View(growable(capacity * 4));
    this.offset = int32View(growable(capacity * 4));
    this.flags = int32View(growable(capacity * 4));
    this.slot = int32View(growable(capacity * 4));
  }

  /** Room for at least `capacity` new states in the level; the first `keep` entries of each column survive. */
  reserve(capacity: number, keep: number): void {
    if (capacity > this.offset.length) this.offset = enlarged(this.offset, capacity, keep);
    if (capacity > this.flags.length) this.flags = enlarged(this.flags, capacity, keep);
    if (capacity > this.slot.length) this.slot = enlarged(this.slot, capacity, keep);
    // It was the frontier's before (see adopt): it may be shorter than the others.
    if (capacity > this.nextPos.length) this.nextPos = enlarged(this.nextPos, capacity, keep);
  }

  /**
   * An arena of at least `n` bytes, or of the most it may hold (its contents kept; a whole
   * number of blocks). Throws when it cannot grow and `n` is more than it holds.
   */
  reserveBytes(n: number): void {
    if (n <= this.bytes.length) return;
    const b = this.bytes.buffer as GrowableShared;
    if (b.byteLength >= MAX_ARENA_BYTES) throw new RangeError(`parallel explorer: two levels need more than ${MAX_ARENA_BYTES} bytes of records`);
    // In place, so no copy: growing by as much as asked is cheap (and commits no memory).
    b.grow(Math.min(MAX_ARENA_BYTES, Math.ceil(n / BYTE_BLOCK) * BYTE_BLOCK));
    this.bytes = uint8View(b);
  }

  /** Resident bytes: the arena's blocks ever claimed and the columns' reserved size. */
  reservedBytes(ctl: SharedInt32): number {
    this.highWater = Math.max(this.highWater, Math.min(Atomics.load(ctl, CTL.BYTES), this.bytes.length));
    return this.highWater + this.frontPos.byteLength + this.nextPos.byteLength + this.offset.byteLength + this.flags.byteLength + this.slot.byteLength;
  }

  /** Bytes in the free list's blocks not claimed yet. */
  freeBytes(ctl: SharedInt32): number {
    return (Atomics.load(ctl, CTL.FREE_END) - Atomics.load(ctl, CTL.FREE_NEXT)) * BYTE_BLOCK;
  }

  /** A level begins: remember where the fresh blocks start (see adopt). */
  beginLevel(ctl: SharedInt32): void {
    this.levelCursor = Atomics.load(ctl, CTL.BYTES);
  }

  /**
   * The frontier is replayed up to position `done` (exclusive): its blocks whose records all
   * sit before it go on the free list. Every thread that expanded those positions has
   * finished (their results were replayed) and no position before `done` is expanded again.
   */
  release(ctl: SharedInt32, done: number): void {
    const { frontBlocks, frontLast } = this;
    let i = this.released;
    if (i === frontBlocks.length || frontLast[i] >= done) return;
    let end = Atomics.load(ctl, CTL.FREE_END);
    for (; i < frontBlocks.length && frontLast[i] < done; i++) this.free[end++] = frontBlocks[i];
    this.released = i;
    Atomics.store(ctl, CTL.FREE_END, end);
  }

  /**
   * The level is done (no thread works): the `count` states numbered in it, by position in
   * `nextPos`, become the frontier. The blocks claimed in the level (from the free list, and
   * fresh ones) are its blocks; those with none of its records, the free blocks left unclaimed
   * and any frontier block not released yet make the new free list.
   */
  adopt(ctl: SharedInt32, count: number): void {
    const cursor = Math.min(Atomics.load(ctl, CTL.BYTES), this.bytes.length);
    Atomics.store(ctl, CTL.BYTES, cursor);
    const blocks = cursor >> BLOCK_SHIFT;
    if (this.lastByBlock.length < blocks) this.lastByBlock = new Int32Array(Math.max(blocks, 2 * this.lastByBlock.length));
    const last = this.lastByBlock;
    const next = Atomics.load(ctl, CTL.FREE_NEXT);
    const end = Atomics.load(ctl, CTL.FREE_END);
    const claimed: number[] = [];
    for (let j = 0; j < next; j++) claimed.push(this.free[j]);
    for (let b = this.levelCursor >> BLOCK_SHIFT; b < blocks; b++) claimed.push(b);
    for (const b of claimed) last[b] = -1;
    const pos = this.nextPos;
    for (let j = 0; j < count; j++) last[pos[j] >> BLOCK_SHIFT] = j;
    const free: number[] = [];
    for (let j = next; j < end; j++) free.push(this.free[j]);
    for (let i = this.released; i < this.frontBlocks.length; i++) free.push(this.frontBlocks[i]);
    const used: number[] = [];
    for (const b of claimed) (last[b] < 0 ? free : used).push(b);
    used.sort((a, b) => last[a] - last[b]);
    this.frontBlocks = used;
    this.frontLast = used.map((b) => last[b]);
    this.released = 0;
    for (let j = 0; j < free.length; j++) this.free[j] = free[j];
    Atomics.store(ctl, CTL.FREE_NEXT, 0);
    Atomics.store(ctl, CTL.FREE_END, free.length);
    const pos0 = this.frontPos;
    this.frontPos = this.nextPos;
    this.nextPos = pos0;
    const base0 = this.frontBase;
    this.frontBase = this.backBase;
    this.backBase = base0;
  }
}

/**
 * A thread's next block of the arena for new records: a free one (a block of the frontier whose
 * records were all expanded; the free list's next entry, claimed with compareExchange), else a
 * fresh one at the arena's end (Atomics.add); its first byte, or -1 when the arena of
 * `arenaBytes` bytes has none left (the level pauses and grows it).
 */
export function claimBlock(ctl: SharedInt32, free: SharedInt32, arenaBytes: number): number {
  for (let n = Atomics.load(ctl, CTL.FREE_NEXT); n < Atomics.load(ctl, CTL.FREE_END); n = Atomics.load(ctl, CTL.FREE_NEXT)) {
    if (Atomics.compareExchange(ctl, CTL.FREE_NEXT, n, n + 1) === n) return free[n] * BYTE_BLOCK;
  }
  const at = Atomics.add(ctl, CTL.BYTES, BYTE_BLOCK);
  return at + BYTE_BLOCK > arenaBytes ? -1 : at;
}

/** Writes a fingerprint (two uint32 halves) before a record at out[at]. */
export function writeFingerprint(out: Uint8Array, at: number, hi: number, lo: number): void {
  out[at] = hi;
  out[at + 1] = hi >>> 8;
  out[at + 2] = hi >>> 16;
  out[at + 3] = hi >>> 24;
  out[at + 4] = lo;
  out[at + 5] = lo >>> 8;
  out[at + 6] = lo >>> 16;
  out[at + 7] = lo >>> 24;
}

/** The link of the entry at buf[at] (see ENTRY_HEAD). */
export function readLink(buf: Uint8Array, at: number): number {
  return buf[at + FP_BYTES] | (buf[at + FP_BYTES + 1] << 8);
}

/** Writes the link of the entry at buf[at] (a distance below 2^16, or 0). */
export function writeLink(buf: Uint8Array, at: number, back: number): void {
  buf[at + FP_BYTES] = back;
  buf[at + FP_BYTES + 1] = back >>> 8;
}

/** The always-invariant verdicts of the entry at buf[at] (see ENTRY_HEAD). */
export function readAlways(buf: Uint8Array, at: number): number {
  const o = at + FP_BYTES + LINK_BYTES;
  return buf[o] | (buf[o + 1] << 8) | (buf[o + 2] << 16) | (buf[o + 3] << 24);
}

/** Writes the always-invariant verdicts (an int32 mask) of the entry at buf[at]. */
export function writeAlways(buf: Uint8Array, at: number, mask: number): void {
  const o = at + FP_BYTES + LINK_BYTES;
  buf[o] = mask;
  buf[o + 1] = mask >>> 8;
  buf[o + 2] = mask >>> 16;
  buf[o + 3] = mask >>> 24;
}

/** The entries of the chain that ends at buf[at], in `chain` from `at` back to its key entry (whose link is 0). */
export function entryChain(buf: Uint8Array, at: number, chain: number[]): void {
  chain.length = 0;
  for (let e = at; ; ) {
    chain.push(e);
    const back = readLink(buf, e);
    if (back === 0) break;
    e -= back;
  }
}

/**
 * Decodes the state of the entry at buf[at] into `out` (its first words): from `base`, the
 * base of the level the entry belongs to, through the records of its chain from the key entry
 * on. `chain` is scratch (grown as needed; a chain has at most KEY_EVERY entries).
 */
export function decodeEntry(buf: Uint8Array, at: number, base: Int32Array, out: Int32Array, chain: number[]): void {
  entryChain(buf, at, chain);
  out.set(base);
  for (let j = chain.length - 1; j >= 0; j--) applyRecord(buf, chain[j] + ENTRY_HEAD, out);
}

/** Reads the half (0: high, 1: low) of the fingerprint at buf[at] (writeFingerprint). */
export function readFingerprintHalf(buf: Uint8Array, at: number, half: number): number {
  const o = at + 4 * half;
  return (buf[o] | (buf[o + 1] << 8) | (buf[o + 2] << 16) | (buf[o + 3] << 24)) >>> 0;
}

/** A fixed-length Int32Array over the whole of `buffer` as it is now. */
export function int32View(buffer: SharedArrayBuffer): SharedInt32 {
  return new Int32Array(buffer, 0, buffer.byteLength >> 2);
}

/** A fixed-length Uint8Array over the whole of `buffer` as it is now. */
export function uint8View(buffer: SharedArrayBuffer): Uint8Array<SharedArrayBuffer> {
  return new Uint8Array(buffer, 0, buffer.byteLength);
}

/** The largest growable SharedArrayBuffer Node 20's V8 accepts (bytes). */
const MAX_GROWABLE_BYTES = 2 ** 32;

/** A growable buffer of at least `bytes` bytes (a multiple of 4), or a plain one beyond 4 GiB. */
function growable(bytes: number): SharedArrayBuffer {
  const n = Math.max(4, Math.ceil(bytes / 4) * 4);
  if (n > MAX_GROWABLE_BYTES) return new SharedArrayBuffer(n);
  return growableShared(n, MAX_GROWABLE_BYTES);
}

/** `from` with room for `length` entries (the first `keep` kept). */
function enlarged(from: SharedInt32, length: number, keep: number): SharedInt32 {
  return int32View(roomFor(from.buffer, length * 4, keep * 4));
}

/**
 * A buffer of at least `bytes` bytes holding the first `keep` bytes of `buffer`: `buffer`
 * itself grown in place (by at least half, so that a few grows do however the levels grow)
 * when it is growable enough, else a copy.
 */
function roomFor(buffer: SharedArrayBuffer, bytes: number, keep: number): SharedArrayBuffer {
  const b = buffer as GrowableShared;
  if (b.growable && bytes <= b.maxByteLength) {
    b.grow(Math.min(b.maxByteLength, Math.ceil(Math.max(bytes, b.byteLength * 1.5) / 4) * 4));
    return b;
  }
  const to = growable(bytes);
  if (keep > 0) uint8View(to).set(new Uint8Array(b, 0, keep));
  return to;
}
