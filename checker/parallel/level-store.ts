import type { SharedInt32 } from './protocol.js';

/**
 * The states of one BFS level in shared memory: their words (W int32 each), the
 * always-invariant flags and the table slot of each, by provisional index; and `perm`, the
 * order in which they were numbered (position -> provisional index). Two stores take turns:
 * the one that received a level's new states is the next level's frontier.
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

  /**
   * Room for at least `capacity` states; the first `keep` states and perm entries survive.
   * A store grows at least 1.5-fold: a worker thread may hold the old buffers until its own
   * garbage collection, so a store reallocated at every level would keep many levels alive.
   */
  reserve(capacity: number, keep: number): void {
    if (capacity <= this.capacity) return;
    capacity = Math.max(capacity, Math.ceil(this.capacity * 1.5));
    const W = this.stateWords;
    this.words = copied(this.words, capacity * W, keep * W);
    this.flags = copied(this.flags, capacity, keep);
    this.slot = copied(this.slot, capacity, keep);
    this.perm = copied(this.perm, capacity, keep);
  }
}

function shared(length: number): SharedInt32 {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, length) * 4));
}

function copied(from: SharedInt32, length: number, keep: number): SharedInt32 {
  const to = shared(length);
  if (keep > 0) to.set(from.subarray(0, keep));
  return to;
}
