/**
 * Open-addressing hash table from a 64-bit fingerprint to a state id, in typed arrays:
 * 12 bytes a slot (two uint32 halves and an int32 id), linear probing. The capacity need
 * not be a power of two: a fingerprint's home slot is floor(h * capacity / 2^32) (the
 * "fastrange" reduction, computed exactly in doubles), so the table can grow by a quarter
 * (at 80% load) rather than double. At any size it is 64–80% full, where a doubling table
 * (grown at 70%) is 35–70% full: on a run that just passed a power of two, that is 12 bytes
 * a slot for nearly twice the slots.
 */
const DEFAULT_CAPACITY = 1024;

export class FingerprintTable {
  private keys: Uint32Array;
  private ids: Int32Array; // id + 1; 0 marks an empty slot
  private cap: number;
  private used = 0;

  constructor(initialCapacity = DEFAULT_CAPACITY) {
    this.cap = Math.max(2, initialCapacity);
    this.keys = new Uint32Array(this.cap * 2);
    this.ids = new Int32Array(this.cap);
  }

  /** The capacity a table of `capacity` slots grows to. */
  static grown(capacity: number): number {
    return Math.ceil(capacity * 1.25);
  }

  /** Whether a table of `capacity` slots holding `used` fingerprints grows before one more insert. */
  static mustGrow(used: number, capacity: number): boolean {
    return (used + 1) * 5 > capacity * 4;
  }

  /**
   * The capacity of a table (of the default initial capacity) whose last getOrInsert came
   * with `used` fingerprints stored: the first capacity of its growth sequence at which
   * `used` does not make it grow (one growth per call always suffices, as a call adds at most
   * one fingerprint). The parallel explorer reports the sequential table's size with it.
   */
  static capacityFor(used: number): number {
    let cap = DEFAULT_CAPACITY;
    while (FingerprintTable.mustGrow(used, cap)) cap = FingerprintTable.grown(cap);
    return cap;
  }

  get size(): number {
    return this.used;
  }

  get capacity(): number {
    return this.cap;
  }

  get bytes(): number {
    return this.keys.byteLength + this.ids.byteLength;
  }

  /** Returns the id stored for (hi, lo), or inserts `newId` and returns -1. */
  getOrInsert(hi: number, lo: number, newId: number): number {
    if (FingerprintTable.mustGrow(this.used, this.cap)) this.grow();
    const keys = this.keys;
    const ids = this.ids;
    const cap = this.cap;
    let i = home(hi, lo, cap);
    for (;;) {
      const id = ids[i];
      if (id === 0) {
        keys[2 * i] = hi;
        keys[2 * i + 1] = lo;
        ids[i] = newId + 1;
        this.used++;
        return -1;
      }
      if (keys[2 * i] === hi && keys[2 * i + 1] === lo) return id - 1;
      if (++i === cap) i = 0;
    }
  }

  /** Returns the id stored for (hi, lo), or -1. */
  get(hi: number, lo: number): number {
    const keys = this.keys;
    const ids = this.ids;
    const cap = this.cap;
    let i = home(hi, lo, cap);
    for (;;) {
      const id = ids[i];
      if (id === 0) return -1;
      if (keys[2 * i] === hi && keys[2 * i + 1] === lo) return id - 1;
      if (++i === cap) i = 0;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldIds = this.ids;
    const cap = FingerprintTable.grown(this.cap);
    this.keys = new Uint32Array(cap * 2);
    this.ids = new Int32Array(cap);
    this.cap = cap;
    for (let j = 0; j < oldIds.length; j++) {
      const id = oldIds[j];
      if (id === 0) continue;
      const hi = oldKeys[2 * j];
      const lo = oldKeys[2 * j + 1];
      let i = home(hi, lo, cap);
      while (this.ids[i] !== 0) if (++i === cap) i = 0;
      this.keys[2 * i] = hi;
      this.keys[2 * i + 1] = lo;
      this.ids[i] = id;
    }
  }
}

/**
 * The home slot of (hi, lo) in a table of `cap` slots: floor(h * cap / 2^32) for a 32-bit
 * mix h of both halves, computed in two 16-bit halves so that every product is an exact
 * double (below 2^47).
 */
export function home(hi: number, lo: number, cap: number): number {
  const h = (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
  return Math.floor(((h >>> 16) * cap + Math.floor(((h & 0xffff) * cap) / 65536)) / 65536);
}
