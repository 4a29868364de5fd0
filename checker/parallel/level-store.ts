import type { SharedInt32 } from './protocol.js';

/**
 * The states of one BFS level in shared memory: their words as records (record.ts) in
 * `bytes`, and by provisional index each record's byte offset, the always-invariant flags
 * and the table slot; and `perm`, the order in which they were numbered (position ->
 * provisional index). Two stores take turns: the one that received a level's new states is
 * the next level's frontier. Threads claim a record's bytes with an atomic cursor (CTL.BYTES)
 * before they draw its index.
 *
 * The buffers are growable SharedArrayBuffers (reserved up to 4 GiB of address space each,
 * committed as they are written) viewed through length-tracking arrays, so a store that needs
 * more room grows in place: no copy, and no old buffer left for a worker thread to hold until
 * its own garbage collection (stores reallocated at every level once kept many levels alive).
 * Only a store that would pass 4 GiB is copied into a plain buffer.
 */
export class LevelStore {
  bytes: Uint8Array<SharedArrayBuffer>;
  offset: SharedInt32;
  flags: SharedInt32;
  slot: SharedInt32;
  perm: SharedInt32;

  constructor(capacity: number, byteCapacity: number) {
    this.bytes = new Uint8Array(growable(byteCapacity));
    this.offset = new Int32Array(growable(capacity * 4));
    this.flags = new Int32Array(growable(capacity * 4));
    this.slot = new Int32Array(growable(capacity * 4));
    this.perm = new Int32Array(growable(capacity * 4));
  }

  get capacity(): number {
    return this.flags.length;
  }

  get byteCapacity(): number {
    return this.bytes.length;
  }

  get reservedBytes(): number {
    return this.bytes.byteLength + this.offset.byteLength + this.flags.byteLength + this.slot.byteLength + this.perm.byteLength;
  }

  /** Room for at least `capacity` states; the first `keep` entries of each column survive. */
  reserve(capacity: number, keep: number): void {
    if (capacity <= this.capacity) return;
    this.offset = enlarged(this.offset, capacity, keep);
    this.flags = enlarged(this.flags, capacity, keep);
    this.slot = enlarged(this.slot, capacity, keep);
    this.perm = enlarged(this.perm, capacity, keep);
  }

  /** Room for at least `n` bytes of records; the first `keep` bytes survive. */
  reserveBytes(n: number, keep: number): void {
    if (n <= this.bytes.length) return;
    const buffer = this.bytes.buffer as GrowableShared;
    if (buffer.growable && n <= buffer.maxByteLength) {
      buffer.grow(Math.min(buffer.maxByteLength, Math.max(n, Math.ceil(buffer.byteLength * 1.5))));
      return;
    }
    const to = new Uint8Array(growable(n));
    if (keep > 0) to.set(this.bytes.subarray(0, keep));
    this.bytes = to;
  }
}

/** The largest growable SharedArrayBuffer Node 20's V8 accepts (bytes). */
const MAX_GROWABLE_BYTES = 2 ** 32;

interface GrowableShared extends SharedArrayBuffer {
  readonly growable: boolean;
  readonly maxByteLength: number;
  grow(byteLength: number): void;
}
type GrowableCtor = new (byteLength: number, options: { maxByteLength: number }) => GrowableShared;

/** A growable buffer of at least `bytes` bytes (a multiple of 4), or a plain one beyond 4 GiB. */
function growable(bytes: number): SharedArrayBuffer {
  const n = Math.max(4, Math.ceil(bytes / 4) * 4);
  if (n > MAX_GROWABLE_BYTES) return new SharedArrayBuffer(n);
  return new (SharedArrayBuffer as unknown as GrowableCtor)(n, { maxByteLength: MAX_GROWABLE_BYTES });
}

/** `from` with room for `length` entries: grown in place when it can be, else copied (first `keep` entries). */
function enlarged(from: SharedInt32, length: number, keep: number): SharedInt32 {
  const buffer = from.buffer as GrowableShared;
  if (buffer.growable && length * 4 <= buffer.maxByteLength) {
    // Grown by at least half: a few grows in all, however the levels grow.
    const entries = Math.max(length, Math.ceil(buffer.byteLength / 4) * 1.5);
    buffer.grow(Math.min(buffer.maxByteLength, Math.ceil(entries) * 4));
    return from;
  }
  const to = new Int32Array(growable(length * 4));
  if (keep > 0) to.set(from.subarray(0, keep));
  return to;
}
