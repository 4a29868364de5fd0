import type { SharedInt32 } from './protocol.js';

/**
 * The states of one BFS level in shared memory: their words (W int32 each), the
 * always-invariant flags and the table slot of each, by provisional index; and `perm`, the
 * order in which they were numbered (position -> provisional index). Two stores take turns:
 * the one that received a level's new states is the next level's frontier.
 *
 * The buffers are growable SharedArrayBuffers (reserved up to 4 GiB of address space each,
 * committed as they grow) viewed through length-tracking arrays, so a store that needs more
 * room grows in place: no copy, and no old buffer left for a worker thread to hold until its
 * own garbage collection (stores reallocated at every level once kept many levels alive). Only
 * a store that would pass 4 GiB is copied into a plain buffer.
 */
export class LevelStore {
  words: SharedInt32;
  flags: SharedInt32;
  slot: SharedInt32;
  perm: SharedInt32;

  constructor(
    private readonly stateWords: number,
    capacity: number,
  ) {
    this.words = shared(capacity * stateWords);
    this.flags = shared(capacity);
    this.slot = shared(capacity);
    this.perm = shared(capacity);
  }

  get capacity(): number {
    return this.flags.length;
  }

  get bytes(): number {
    return this.words.byteLength + this.flags.byteLength + this.slot.byteLength + this.perm.byteLength;
  }

  /** Room for at least `capacity` states; the first `keep` states and perm entries survive. */
  reserve(capacity: number, keep: number): void {
    if (capacity <= this.capacity) return;
    const W = this.stateWords;
    this.words = enlarged(this.words, capacity * W, keep * W);
    this.flags = enlarged(this.flags, capacity, keep);
    this.slot = enlarged(this.slot, capacity, keep);
    this.perm = enlarged(this.perm, capacity, keep);
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

function shared(length: number): SharedInt32 {
  const bytes = Math.max(1, length) * 4;
  if (bytes > MAX_GROWABLE_BYTES) return new Int32Array(new SharedArrayBuffer(bytes));
  const buffer = new (SharedArrayBuffer as unknown as GrowableCtor)(bytes, { maxByteLength: MAX_GROWABLE_BYTES });
  return new Int32Array(buffer); // length-tracking: sees the buffer grow
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
  const to = shared(length);
  if (keep > 0) to.set(from.subarray(0, keep));
  return to;
}
