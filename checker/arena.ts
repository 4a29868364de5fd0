/**
 * Fixed-width state words for states [0, count), kept in chunks so that the part of the
 * BFS queue already expanded can be released.
 */
export class StateArena {
  private readonly chunks: (Int32Array | null)[] = [];
  /** Released chunks, reused before allocating fresh (and page-faulting) memory. */
  private readonly spare: Int32Array[] = [];
  private readonly chunkStates: number;
  private live = 0;
  peakBytes = 0;

  constructor(private readonly words: number, chunkStatesLog2 = 12) {
    this.chunkStates = 1 << chunkStatesLog2;
  }

  /** Appends the words of state `id` (ids must be appended in order). */
  put(id: number, src: Int32Array): void {
    const c = Math.floor(id / this.chunkStates);
    let chunk = this.chunks[c];
    if (!chunk) {
      chunk = this.spare.pop() ?? new Int32Array(this.chunkStates * this.words);
      this.chunks[c] = chunk;
      this.live++;
      this.peakBytes = Math.max(this.peakBytes, this.live * chunk.byteLength);
    }
    chunk.set(src.length === this.words ? src : src.subarray(0, this.words), (id % this.chunkStates) * this.words);
  }

  /** A fresh copy of the words of state `id`. */
  get(id: number): Int32Array {
    return this.view(id).slice();
  }

  /** The words of state `id` in place: valid until its chunk is released; never write to it. */
  view(id: number): Int32Array {
    const chunk = this.chunks[Math.floor(id / this.chunkStates)];
    if (!chunk) throw new Error(`state ${id} was released`);
    const at = (id % this.chunkStates) * this.words;
    return chunk.subarray(at, at + this.words);
  }

  /** Releases every chunk that holds only states below `id`. */
  releaseBelow(id: number): void {
    const last = Math.floor(id / this.chunkStates) - 1;
    for (let c = 0; c <= last; c++) {
      const chunk = this.chunks[c];
      if (chunk) {
        this.chunks[c] = null;
        this.live--;
        if (this.spare.length < 4) this.spare.push(chunk);
      }
    }
  }
}
