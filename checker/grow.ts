/**
 * Growable columns for per-state and per-edge data, in fixed chunks of 8,192 entries: a
 * column holds exactly the chunks its entries need (no doubling slack, and no moment where an
 * old and a new array are both alive while one is copied into the other). `toArray` gives the
 * contiguous array the state graph publishes, once the search is over.
 */
const SHIFT = 13;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

abstract class Column<A extends Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>> {
  protected readonly chunks: A[] = [];
  length = 0;
  protected abstract make(n: number): A;

  push(v: number): void {
    const c = this.length >>> SHIFT;
    if (c === this.chunks.length) this.chunks.push(this.make(CHUNK));
    this.chunks[c][this.length & MASK] = v;
    this.length++;
  }
  get(i: number): number {
    return this.chunks[i >>> SHIFT][i & MASK];
  }
  set(i: number, v: number): void {
    this.chunks[i >>> SHIFT][i & MASK] = v;
  }
  /** Drops the last entry. */
  pop(): void {
    this.length--;
  }
  /** Bytes of the chunks allocated. */
  get bytes(): number {
    return this.chunks.length * CHUNK * 4;
  }
  /** The entries as one array of exactly `length` entries (a copy). */
  toArray(): A {
    const out = this.make(this.length);
    for (let c = 0; c < this.chunks.length; c++) {
      const from = c << SHIFT;
      const n = Math.min(CHUNK, this.length - from);
      if (n <= 0) break;
      out.set(n === CHUNK ? this.chunks[c] : (this.chunks[c].subarray(0, n) as A), from);
    }
    return out;
  }
}

export class GrowInt32 extends Column<Int32Array<ArrayBuffer>> {
  protected make(n: number): Int32Array<ArrayBuffer> {
    return new Int32Array(n);
  }
}

export class GrowUint32 extends Column<Uint32Array<ArrayBuffer>> {
  protected make(n: number): Uint32Array<ArrayBuffer> {
    return new Uint32Array(n);
  }
  /** ORs `bits` into entry i. */
  or(i: number, bits: number): void {
    const chunk = this.chunks[i >>> SHIFT];
    chunk[i & MASK] = (chunk[i & MASK] | bits) >>> 0;
  }
}
