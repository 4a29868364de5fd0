/**
 * Exact path counting over a complete state graph. A complete interleaving is a path
 * from an initial state to a state where nothing is enabled. With symmetry reduction
 * each stored state stands for its orbit and each stored edge for one event, so summing
 * over edges counts the concrete interleavings exactly (orbit-weighted counting).
 */
import { TERMINAL, type StateGraph } from './core.js';
import { ByteChunks, EdgeDstColumn, Float64Chunks, type IntColumn } from './grow.js';

export type PathCounts =
  | {
      readonly acyclic: true;
      /** Number of complete interleavings. */
      readonly interleavings: bigint;
      /** Per requested invariant index: complete interleavings that violate it somewhere. */
      readonly violating: ReadonlyMap<number, bigint>;
    }
  | { readonly acyclic: false; readonly interleavings?: never; readonly violating?: never };

export function countPaths(graph: StateGraph, invariants: readonly number[]): PathCounts {
  if (!graph.complete || !graph.edgeStart || !graph.edgeDst) {
    throw new Error('path counting needs a complete graph with edges');
  }
  // Counts in float64 (8 bytes a state, exact while every value is below 2^53); should one
  // pass 2^53, count again with BigInt.
  return countWith(graph, invariants, new NumberCounts()) ?? countWith(graph, invariants, new BigCounts())!;
}

/** Per-state path counts of one kind (float64 or BigInt); `add` is false when a sum would not be exact. */
interface Counts<T> {
  column(n: number): { get(i: number): T; set(i: number, v: T): void };
  readonly zero: T;
  readonly one: T;
  add(a: T, b: T): T | null;
  big(v: T): bigint;
}

class NumberCounts implements Counts<number> {
  readonly zero = 0;
  readonly one = 1;
  column(n: number): { get(i: number): number; set(i: number, v: number): void } {
    // In the let-go fingerprint table's memory when it is still there (grow.ts, `spare`).
    return new Float64Chunks(n);
  }
  add(a: number, b: number): number | null {
    const s = a + b;
    return s <= MAX_EXACT ? s : null;
  }
  big(v: number): bigint {
    return BigInt(v);
  }
}

class BigCounts implements Counts<bigint> {
  readonly zero = 0n;
  readonly one = 1n;
  column(n: number): { get(i: number): bigint; set(i: number, v: bigint): void } {
    const a = new Array<bigint>(n).fill(0n);
    return { get: (i) => a[i], set: (i, v) => (a[i] = v) };
  }
  add(a: bigint, b: bigint): bigint {
    return a + b;
  }
  big(v: bigint): bigint {
    return v;
  }
}

/** The targets of edges [from, to) into out[0, to - from) (in order, EdgeDstColumn.targets, when the graph keeps its edges in one). */
function readTargets(dst: IntColumn, from: number, to: number, out: Int32Array): void {
  if (dst instanceof EdgeDstColumn) dst.targets(from, to, out);
  else for (let e = from; e < to; e++) out[e - from] = dst.get(e);
}

/** The counts, or null when a sum was not exact in this kind. */
function countWith<T>(graph: StateGraph, invariants: readonly number[], k: Counts<T>): PathCounts | null {
  const n = graph.states;
  const start = graph.edgeStart!;
  const dst = graph.edgeDst!;
  const flags = graph.flags;
  // In-degrees, one byte a state (like the counts, in the let-go table's memory when it is
  // still there: grow.ts, `spare`): 255 means "see `indegMore`" (rare: a state with 255 or more
  // predecessors). Kahn's ready states are a stack, not a queue of every state: it holds only
  // the states whose predecessors are all done and that are not yet processed. Sums are exact
  // integers (or null once one would not be), so the order states are processed in does not
  // change any count.
  const indeg = new ByteChunks(n);
  const indegMore = new Map<number, number>();
  // The edges' targets are decoded a block at a time, in order (EdgeDstColumn.targets), here and
  // per state below: `get` per edge redoes a rank computation each time.
  let targets = new Int32Array(4096);
  for (let from = 0; from < dst.length; from += targets.length) {
    const to = Math.min(dst.length, from + targets.length);
    readTargets(dst, from, to, targets);
    for (let j = 0; j < to - from; j++) {
      const v = targets[j];
      const d = indeg.get(v);
      if (d < 254) indeg.set(v, d + 1);
      else if (d === 254) {
        indeg.set(v, 255);
        indegMore.set(v, 255);
      } else indegMore.set(v, indegMore.get(v)! + 1);
    }
  }

  const all = k.column(n);
  const good = invariants.map(() => k.column(n));
  const bits = invariants.map((i) => 1 << i);
  let ready = new Int32Array(1024);
  let top = 0;
  const push = (v: number): void => {
    if (top === ready.length) {
      const bigger = new Int32Array(ready.length * 2);
      bigger.set(ready);
      ready = bigger;
    }
    ready[top++] = v;
  };
  for (const v of graph.roots.keys()) {
    all.set(v, k.one);
    for (let j = 0; j < bits.length; j++) good[j].set(v, flags.get(v) & bits[j] ? k.zero : k.one);
  }
  // Kahn's order, swept by id: the states are taken in id order as their predecessors are all
  // done, and a state that becomes ready behind the sweep (the target of an edge back in the BFS
  // order) at once, from the stack. Each state is taken once (one ahead of the sweep waits for
  // it; one at or behind it is pushed when its in-degree reaches 0), and the counts and the
  // in-degrees are read and written near the sweep: in BFS order a state's successors come soon
  // after it, where a plain stack jumps about the columns (a cache miss or two an edge).
  let done = 0;
  // State `last` (the one taken before): its edges end where those of state last + 1 start, the next one mostly.
  let last = -2;
  let lastEnd = 0;
  for (let next = 0; next < n; next++) {
    const d = indeg.get(next);
    if (d !== 0 && (d !== 255 || indegMore.get(next) !== 0)) continue;
    push(next);
    while (top > 0) {
      const u = ready[--top];
      done++;
      const cu = all.get(u);
      const first = u === last + 1 ? lastEnd : start.get(u);
      const end = start.get(u + 1);
      last = u;
      lastEnd = end;
      if (end - first > targets.length) targets = new Int32Array(end - first);
      readTargets(dst, first, end, targets);
      for (let e = first; e < end; e++) {
        const v = targets[e - first];
        const sum = k.add(all.get(v), cu);
        if (sum === null) return null;
        all.set(v, sum);
        // The edge's transition-invariant bits, looked up only when some invariant is counted.
        const eb = bits.length === 0 ? 0 : (graph.edgeBad.get(e) ?? 0);
        for (let j = 0; j < bits.length; j++) {
          if ((eb & bits[j]) === 0 && (flags.get(v) & bits[j]) === 0) {
            const g = k.add(good[j].get(v), good[j].get(u));
            if (g === null) return null;
            good[j].set(v, g);
          }
        }
        let left: number;
        const d = indeg.get(v);
        if (d !== 255) indeg.set(v, (left = d - 1));
        else {
          left = indegMore.get(v)! - 1;
          indegMore.set(v, left);
        }
        if (left === 0 && v < next) push(v);
      }
    }
  }
  if (done < n) return { acyclic: false };

  let total = 0n;
  const violating = new Map<number, bigint>();
  const viol = bits.map(() => 0n);
  for (let v = 0; v < n; v++) {
    if ((flags.get(v) & TERMINAL) === 0) continue;
    const av = k.big(all.get(v));
    total += av;
    for (let j = 0; j < bits.length; j++) viol[j] += av - k.big(good[j].get(v));
  }
  invariants.forEach((inv, j) => violating.set(inv, viol[j]));
  return { acyclic: true, interleavings: total, violating };
}

const CHUNK_LOG2 = 12;
const CHUNK = 1 << CHUNK_LOG2;
const MAX_EXACT = Number.MAX_SAFE_INTEGER;
/**
 * Zero as a float64: V8 keeps -0 as a heap number, never as a small integer, so a field set to
 * it first holds float64s from the start. Set to 0, `totalF` held small integers until a sum
 * first passed 2^31 - 1, and then every LayeredCounter changed shape (the old one deprecated),
 * which deoptimized the compiled code that uses the counter (the explorer's `newState`, `edge`,
 * `end`; docs/explorer.md, "Compiling and inline caches"). -0 + x is x for every count.
 */
const FLOAT_ZERO = -0;

/**
 * Path counts gathered during a breadth-first search, without keeping edges. When every
 * edge goes from a layer d to layer d + 1, every path to a state has the same length, all
 * its predecessors are expanded before it is, and count[child] += count[parent] as each
 * edge is discovered gives the same numbers `countPaths` computes afterwards. The explorer
 * tells it when an edge breaks the layering (then it must count the old way).
 *
 * Counts are kept only for the states not yet expanded (in chunks released behind the
 * queue's head), as float64 while every value stays below 2^53 (exact there), and as
 * BigInt from the first value that would not.
 *
 * Columns: 0 counts all paths to a state; one more per violated invariant, added when it is
 * first violated, counts the paths that do not violate it (until then that count equals
 * column 0, which is what the new column starts from).
 */
export class LayeredCounter {
  /** Per column, per chunk: counts of the states in that chunk. */
  private readonly f: (Float64Array | null)[][] = [[]];
  private readonly b: (bigint[] | null)[][] = [[]];
  private big = false;
  /** Column k > 0 counts the paths that do not violate invariant `invs[k - 1]`. */
  private readonly invs: number[] = [];
  private readonly bits: number[] = [0];
  /** Complete paths so far, while float64 counts them exactly (a float64 field: FLOAT_ZERO). */
  private totalF = FLOAT_ZERO;
  private total = 0n;
  private violF: number[] = [];
  private viol: bigint[] = [];
  private live = 0;
  peakBytes = 0;
  /**
   * `edge`'s fast path: 1 while one column of float64 counts is kept (no invariant violated yet,
   * no BigInt), else 0 (a number: V8 tests a boolean field as it would any value). With it, the
   * source of the edges last added and its count (a state's count is final once it is expanded:
   * every edge into it came from the layer before), and the chunk of column 0 the last target
   * was in.
   */
  private one = 1;
  private srcId = -1;
  private srcCount = FLOAT_ZERO;
  private dstChunkIndex = -1;
  private dstChunk: Float64Array = new Float64Array(0);
  /** Chunks made for column 0 so far (`add`): states below made * CHUNK have their counts' room. */
  private made = 0;

  /** Starts counting paths that avoid invariant `inv` (called at its first violation). */
  activate(inv: number): void {
    this.one = 0;
    this.invs.push(inv);
    this.bits.push(1 << inv);
    this.violF.push(0);
    this.viol.push(0n);
    if (this.big) {
      this.b.push(this.b[0].map((c) => (c ? c.slice() : null)));
    } else {
      this.f.push(this.f[0].map((c) => (c ? c.slice() : null)));
    }
    this.live += this.f[0].filter((c) => c).length + this.b[0].filter((c) => c).length;
    this.notePeak();
  }

  /** Columns kept: 1, plus one per invariant violated so far (`edge` reads `bad` only with more than one). */
  get columns(): number {
    return this.bits.length;
  }

  /** Makes room for state `id` (count 0 in every column). */
  add(id: number): void {
    const c = id >>> CHUNK_LOG2;
    // States come in id order: a chunk below `made` was made already (and is not released
    // before every state in it is expanded). A number: the tests below of a boolean field and of
    // an array element for truth are about a dozen instructions each.
    if (c < this.made) return;
    this.made = c + 1;
    if (this.big) {
      if (this.b[0][c]) return;
      for (const col of this.b) col[c] = new Array<bigint>(CHUNK).fill(0n);
    } else {
      if (this.f[0][c]) return;
      for (const col of this.f) col[c] = new Float64Array(CHUNK);
    }
    this.live += this.bits.length;
    this.notePeak();
  }

  /** An initial state: one path, which violates whatever the state violates. */
  root(id: number, flags: number): void {
    this.add(id);
    const c = id >>> CHUNK_LOG2;
    const i = id & (CHUNK - 1);
    for (let k = 0; k < this.bits.length; k++) {
      const one = k === 0 || (flags & this.bits[k]) === 0;
      if (this.big) this.b[k][c]![i] = one ? 1n : 0n;
      else this.f[k][c]![i] = one ? 1 : 0;
    }
  }

  /** An edge src -> dst: `bad` has the invariants the edge or dst violates. */
  edge(src: number, dst: number, bad: number): void {
    // One column of float64 counts (until an invariant is violated): the sum alone, the source's
    // count and the target's chunk mostly those of the edge before, unless the sum is not exact
    // (then the general way, which goes over to BigInt). Small enough to inline into the core's
    // `edge`.
    if (this.one === 1) {
      const c = dst >>> CHUNK_LOG2;
      let d = this.dstChunk;
      if (c !== this.dstChunkIndex) {
        d = this.dstChunk = this.f[0][c]!;
        this.dstChunkIndex = c;
      }
      if (src !== this.srcId) {
        this.srcId = src;
        this.srcCount = this.f[0][src >>> CHUNK_LOG2]![src & (CHUNK - 1)];
      }
      const di = dst & (CHUNK - 1);
      const r = d[di] + this.srcCount;
      if (r <= MAX_EXACT) {
        d[di] = r;
        return;
      }
    }
    this.edgeInColumns(src, dst, bad);
  }

  /** `edge` in every column, or past float64's exact range. */
  private edgeInColumns(src: number, dst: number, bad: number): void {
    const sc = src >>> CHUNK_LOG2;
    const si = src & (CHUNK - 1);
    const dc = dst >>> CHUNK_LOG2;
    const di = dst & (CHUNK - 1);
    let k = 0;
    if (!this.big) {
      const f = this.f;
      for (; k < f.length; k++) {
        if (k > 0 && (bad & this.bits[k]) !== 0) continue;
        const d = f[k][dc]!;
        const r = d[di] + f[k][sc]![si];
        if (r > MAX_EXACT) {
          this.toBig();
          break;
        }
        d[di] = r;
      }
    }
    if (this.big) {
      const b = this.b;
      for (; k < b.length; k++) {
        if (k > 0 && (bad & this.bits[k]) !== 0) continue;
        b[k][dc]![di] += b[k][sc]![si];
      }
    }
  }

  /** A state where nothing is enabled, with its final flags: its paths are complete interleavings. */
  terminal(id: number, flags: number): void {
    const c = id >>> CHUNK_LOG2;
    const i = id & (CHUNK - 1);
    if (this.big) {
      const all = this.b[0][c]![i];
      this.total += all;
      for (let k = 1; k < this.bits.length; k++) {
        this.viol[k - 1] += (flags & this.bits[k]) !== 0 ? all : all - this.b[k][c]![i];
      }
      return;
    }
    const all = this.f[0][c]![i];
    if (this.totalF + all > MAX_EXACT) {
      this.total += BigInt(this.totalF);
      this.totalF = FLOAT_ZERO;
    }
    this.totalF += all;
    for (let k = 1; k < this.bits.length; k++) {
      const v = (flags & this.bits[k]) !== 0 ? all : all - this.f[k][c]![i];
      if (this.violF[k - 1] + v > MAX_EXACT) {
        this.viol[k - 1] += BigInt(this.violF[k - 1]);
        this.violF[k - 1] = 0;
      }
      this.violF[k - 1] += v;
    }
  }

  /** Drops the counts of every chunk that holds only states below `id`. */
  releaseBelow(id: number): void {
    const last = (id >>> CHUNK_LOG2) - 1;
    const cols: (object | null)[][] = this.big ? this.b : this.f;
    for (let c = 0; c <= last; c++) {
      if (!cols[0][c]) continue;
      for (const col of cols) col[c] = null;
      this.live -= cols.length;
    }
  }

  /** The counts, once every state has been expanded. */
  result(): PathCounts {
    const violating = new Map<number, bigint>();
    this.invs.forEach((inv, j) => violating.set(inv, this.viol[j] + BigInt(this.violF[j])));
    return { acyclic: true, interleavings: this.total + BigInt(this.totalF), violating };
  }

  /** Whether the counts have outgrown float64 (exposed for tests). */
  get usesBigInt(): boolean {
    return this.big;
  }

  private toBig(): void {
    this.big = true;
    this.one = 0;
    for (let k = 0; k < this.f.length; k++) {
      this.b[k] = this.f[k].map((c) => (c ? Array.from(c, (x) => BigInt(x)) : null));
      this.f[k] = [];
    }
    this.notePeak();
  }

  private notePeak(): void {
    // A float64 chunk is 8 bytes a state; a BigInt array about 8 (slot) + 24 (small BigInt).
    const bytes = this.live * CHUNK * (this.big ? 32 : 8);
    if (bytes > this.peakBytes) this.peakBytes = bytes;
  }
}
