/**
 * The visited set shared by all threads: an open-addressing table from a 64-bit
 * fingerprint to a state, in two SharedArrayBuffers (12 bytes a slot: two uint32 halves and
 * an int32 value), linear probing with the sequential explorer's hash.
 *
 * Slot values: 0 empty; BUSY while its key is being written; id + 1 (> 0) for a state
 * numbered in an earlier level; -(k + 2) (< -1) for provisional index k of this level. A
 * thread claims an empty slot with compareExchange(0 -> BUSY), writes the key, and
 * publishes the value with Atomics.store (or gives the slot back, 0). A prober that meets
 * BUSY waits for it, so no key ever sits past an empty or busy slot of its chain.
 */
const EMPTY = 0;
const BUSY = -1;
const MAX_SPINS = 2 ** 32;

export function tableIndex(hi: number, lo: number, mask: number): number {
  return (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
}

export class SharedTable {
  readonly keys: Uint32Array;
  readonly ids: Int32Array;
  readonly mask: number;
  /** The slot claimed by the last findOrClaim that returned 0. */
  claimed = -1;

  constructor(readonly keyBuffer: SharedArrayBuffer, readonly idBuffer: SharedArrayBuffer) {
    this.keys = new Uint32Array(keyBuffer);
    this.ids = new Int32Array(idBuffer);
    this.mask = this.ids.length - 1;
  }

  static allocate(capacity: number): SharedTable {
    return new SharedTable(new SharedArrayBuffer(capacity * 8), new SharedArrayBuffer(capacity * 4));
  }

  get capacity(): number {
    return this.mask + 1;
  }

  get bytes(): number {
    return this.keys.byteLength + this.ids.byteLength;
  }

  /** The published value for (hi, lo); or 0 after claiming an empty slot for it (`claimed`). */
  findOrClaim(hi: number, lo: number): number {
    const ids = this.ids;
    const keys = this.keys;
    const mask = this.mask;
    let i = tableIndex(hi, lo, mask);
    let spins = 0;
    for (;;) {
      const v = Atomics.load(ids, i);
      if (v === EMPTY) {
        if (Atomics.compareExchange(ids, i, EMPTY, BUSY) !== EMPTY) continue;
        keys[2 * i] = hi;
        keys[2 * i + 1] = lo;
        this.claimed = i;
        return 0;
      }
      if (v === BUSY) {
        // A slot is busy for a few microseconds; one busy for seconds belongs to a dead thread.
        if (++spins > MAX_SPINS) throw new Error('parallel explorer: a fingerprint slot stayed busy (did a thread die?)');
        continue;
      }
      if (keys[2 * i] === hi && keys[2 * i + 1] === lo) return v;
      i = (i + 1) & mask;
    }
  }

  publish(slot: number, value: number): void {
    Atomics.store(this.ids, slot, value);
  }

  release(slot: number): void {
    Atomics.store(this.ids, slot, EMPTY);
  }

  /**
   * A copy of this table with `capacity` slots (only while no other thread uses it).
   * `moved(value, slot)` is told the new slot of every provisional entry.
   */
  rehash(capacity: number, moved: (value: number, slot: number) => void): SharedTable {
    const next = SharedTable.allocate(capacity);
    const { keys, ids } = this;
    for (let j = 0; j < ids.length; j++) {
      const v = ids[j];
      if (v === EMPTY) continue;
      const hi = keys[2 * j];
      const lo = keys[2 * j + 1];
      let i = tableIndex(hi, lo, next.mask);
      while (next.ids[i] !== EMPTY) i = (i + 1) & next.mask;
      next.keys[2 * i] = hi;
      next.keys[2 * i + 1] = lo;
      next.ids[i] = v;
      if (v < BUSY) moved(v, i);
    }
    return next;
  }
}

/** Smallest power-of-two capacity (at least 1024) that keeps `entries` at or below 70% load. */
export function tableCapacityFor(entries: number): number {
  let cap = 1024;
  while (entries * 10 > cap * 7) cap *= 2;
  return cap;
}
