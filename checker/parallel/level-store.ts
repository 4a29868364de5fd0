import type { SharedInt32 } from './protocol.js';
import { growableShared, type GrowableShared } from './growable.js';

/**
 * The states of one BFS level in shared memory: their words as records (../record.ts,
 * encoded against the store's `base` state, each decodable on its own) in
 * `bytes`, and by provisional index each record's byte offset, the always-invariant flags
 * and the table slot; and `perm`, the order in which they were numbered (position ->
 * provisional index). Two stores take turns: the one that received a level's new states is
 * the next level's frontier. Threads claim a record's bytes with an atomic cursor (CTL.BYTES)
 * before they draw its index.
 *
 * The buffers are growable SharedArrayBuffers (reserved up to 4 GiB of address space each,
 * committed as they are written), so a store that needs more room grows in place: no copy, and
 * no old buffer left for a worker thread to hold until its own garbage collection (stores
 * reallocated at every level once kept many levels alive). Only a store that would pass 4 GiB
 * is copied into a plain buffer. The arrays over them are fixed-length views (`int32View`,
 * `uint8View`), made again after a growth and sent to the threads with the level: Node 20
 * reads a length-tracking array over a growable buffer about 15 times slower.
 */
export class LevelStore {
  bytes: Uint8Array<SharedArrayBuffer>;
  offset: SharedInt32;
  flags: SharedInt32;
  slot: SharedInt32;
  /** By provisional index k: the state's fingerprint, high half at 2k and low half at 2k + 1 (an expanding thread starts from it). */
  fp: SharedInt32;
  perm: SharedInt32;
  /**
   * The state every record of this store is encoded against: the all-zero state for the
   * initial states, then for each level a state of the frontier it is expanded from (see
   * search.ts). A level's states differ from one of their level in far fewer words than from
   * zero: on `full --messages 4 --pops 4 --batch 1` records take about 100 bytes instead of
   * 243, on ack-flush N = 12 26 instead of 190.
   */
  readonly base: SharedInt32;

  constructor(words: number, capacity: number, byteCapacity: number) {
    this.base = new Int32Array(new SharedArrayBuffer(Math.max(1, words) * 4));
    this.bytes = uint8View(growable(byteCapacity));
    this.offset = int32View(growable(capacity * 4));
    this.flags = int32View(growable(capacity * 4));
    this.slot = int32View(growable(capacity * 4));
    this.fp = int32View(growable(capacity * 8));
    this.perm = int32View(growable(capacity * 4));
  }

  get capacity(): number {
    return this.flags.length;
  }

  get byteCapacity(): number {
    return this.bytes.length;
  }

  get reservedBytes(): number {
    return this.bytes.byteLength + this.offset.byteLength + this.flags.byteLength + this.slot.byteLength + this.fp.byteLength + this.perm.byteLength;
  }

  /** Room for at least `capacity` states; the first `keep` entries of each column survive. */
  reserve(capacity: number, keep: number): void {
    if (capacity <= this.capacity) return;
    this.offset = enlarged(this.offset, capacity, keep);
    this.flags = enlarged(this.flags, capacity, keep);
    this.slot = enlarged(this.slot, capacity, keep);
    this.fp = enlarged(this.fp, 2 * capacity, 2 * keep);
    this.perm = enlarged(this.perm, capacity, keep);
  }

  /** Room for at least `n` bytes of records; the first `keep` bytes survive. */
  reserveBytes(n: number, keep: number): void {
    if (n > this.bytes.length) this.bytes = uint8View(roomFor(this.bytes.buffer, n, keep));
  }
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
