/**
 * Open-addressing hash table from a 64-bit fingerprint to a state id, in typed arrays:
 * 12 bytes a slot (two uint32 halves and an int32 id), linear probing, grown at 70% load.
 */
export class FingerprintTable {
  private keys: Uint32Array;
  private ids: Int32Array; // id + 1; 0 marks an empty slot
  private mask: number;
  private used = 0;

  constructor(initialCapacityLog2 = 10) {
    const cap = 1 << initialCapacityLog2;
    this.keys = new Uint32Array(cap * 2);
    this.ids = new Int32Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.used;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  get bytes(): number {
    return this.keys.byteLength + this.ids.byteLength;
  }

  /** Returns the id stored for (hi, lo), or inserts `newId` and returns -1. */
  getOrInsert(hi: number, lo: number, newId: number): number {
    if ((this.used + 1) * 10 > (this.mask + 1) * 7) this.grow();
    const keys = this.keys;
    const ids = this.ids;
    const mask = this.mask;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
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
      i = (i + 1) & mask;
    }
  }

  /** Returns the id stored for (hi, lo), or -1. */
  get(hi: number, lo: number): number {
    const keys = this.keys;
    const ids = this.ids;
    const mask = this.mask;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const id = ids[i];
      if (id === 0) return -1;
      if (keys[2 * i] === hi && keys[2 * i + 1] === lo) return id - 1;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldIds = this.ids;
    const cap = (this.mask + 1) * 2;
    this.keys = new Uint32Array(cap * 2);
    this.ids = new Int32Array(cap);
    this.mask = cap - 1;
    for (let j = 0; j < oldIds.length; j++) {
      const id = oldIds[j];
      if (id === 0) continue;
      const hi = oldKeys[2 * j];
      const lo = oldKeys[2 * j + 1];
      let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
      while (this.ids[i] !== 0) i = (i + 1) & this.mask;
      this.keys[2 * i] = hi;
      this.keys[2 * i + 1] = lo;
      this.ids[i] = id;
    }
  }
}
