/**
 * The deterministic half of the parallel explorer: it replays the sequential explorer's
 * main loop (checker/explore.ts) over expansions computed by the threads. Frontier states
 * are taken in id order and their events in order, exactly as `explore` takes them, so a
 * state first seen in a level gets its id when its first edge in that order is replayed:
 * the id the sequential BFS gives it. Every figure, stop rule and quirk of `explore` is
 * reproduced here step by step (bounds, first violation, polling), including the capacity
 * its fingerprint table would have, for `storeBytes`.
 */
import { LayeredCounter } from '../count.js';
import { TERMINAL, type FirstViolation, type StateGraph } from '../explore.js';
import { FingerprintTable } from '../fptable.js';
import { FlagColumn, GrowInt32, ViaColumn } from '../grow.js';
import type { ResolvedOptions, StopReason } from '../options.js';
import type { ChunkResult, LevelPlan } from './protocol.js';

export class Replay {
  readonly parent = new GrowInt32();
  readonly via = new ViaColumn();
  readonly flags = new FlagColumn();
  readonly edgeStart: GrowInt32 | null;
  readonly edgeDst: GrowInt32 | null;
  readonly edgeBad = new Map<number, number>();
  readonly firstViolations: FirstViolation[] = [];
  readonly roots = new Map<number, number>();
  count = 0;
  head = 0;
  transitions = 0;
  stopReason: StopReason | null = null;
  private violatedMask = 0;
  private depth = 0;
  private maxDepth = 0;
  private layerEnd = 0;
  private sinceStopPoll = 0;
  /** Capacity the sequential explorer's FingerprintTable would have now. */
  private tableCapacity = new FingerprintTable().capacity;
  /** This level: provisional index -> id (-1: not numbered yet). */
  private assigned: Int32Array = new Int32Array(0);
  /** This level: the provisional index of each state numbered, in id order. */
  readonly order = new GrowInt32();
  private provisionalFlags: Int32Array<ArrayBufferLike> = new Int32Array(0);
  /**
   * Path counts during the search, as explore's first run gathers them (null once an edge
   * breaks the layering, when explore would start again keeping edges). This replay keeps
   * edges all along, and reports them only where explore would.
   */
  private counter: LayeredCounter | null;

  constructor(
    private readonly opt: ResolvedOptions,
    private readonly invariantCount: number,
  ) {
    this.edgeStart = opt.countPaths ? new GrowInt32() : null;
    this.edgeDst = opt.countPaths ? new GrowInt32() : null;
    this.counter = opt.countPaths && !opt.keepEdges ? new LayeredCounter() : null;
  }

  /** A new initial state, from the model's initial state `k`. */
  addRoot(id: number, k: number): void {
    this.roots.set(id, k);
    if (this.counter) this.counter.root(id, this.flags.get(id));
  }

  /** The sequential table's getOrInsert: it grows before a call that could pass its load limit. */
  tableCall(): void {
    if (FingerprintTable.mustGrow(this.count, this.tableCapacity)) this.tableCapacity = FingerprintTable.grown(this.tableCapacity);
  }

  /** Numbers a new state (as `insert` in explore.ts does). */
  newState(par: number, ev: number, bad: number, d: number): number {
    const id = this.count++;
    if (d > this.maxDepth) this.maxDepth = d;
    if (this.counter) this.counter.add(id);
    this.parent.push(par);
    this.via.push(ev);
    this.flags.push(bad);
    if (bad !== 0) this.noteViolation(bad, id, -1, -1, d);
    return id;
  }

  noteViolation(mask: number, stateId: number, fromId: number, eventIndex: number, d: number): void {
    const fresh = mask & ~this.violatedMask;
    if (fresh === 0) return;
    this.violatedMask |= fresh;
    for (let i = 0; i < this.invariantCount; i++) {
      if (fresh & (1 << i)) {
        this.firstViolations.push({ invariant: i, stateId, fromId, eventIndex, depth: d });
        if (this.counter) this.counter.activate(i);
      }
    }
    if (this.opt.stopAtFirstViolation && this.stopReason === null) this.stopReason = 'first-violation';
  }

  /** The initial states are in: the first layer ends here. */
  endRoots(): void {
    this.layerEnd = this.count;
  }

  /** Starts replaying the next level: its new states get provisional indices below `capacity`. */
  beginLevel(capacity: number, provisionalFlags: Int32Array<ArrayBufferLike>): void {
    this.assigned = new Int32Array(capacity).fill(-1);
    this.order.length = 0;
    this.provisionalFlags = provisionalFlags;
  }

  /** The level got more provisional indices (flags moved to a bigger buffer). */
  growLevel(capacity: number, provisionalFlags: Int32Array<ArrayBufferLike>): void {
    const next = new Int32Array(capacity).fill(-1);
    next.set(this.assigned);
    this.assigned = next;
    this.provisionalFlags = provisionalFlags;
  }

  /** Replays the expansions of one chunk; false once the run has stopped. */
  replayChunk(plan: LevelPlan, r: ChunkResult): boolean {
    const first = plan.first + r.start;
    let e = 0;
    let b = 0;
    for (let j = 0; j < r.deg.length; j++) {
      const deg = r.deg[j];
      if (!this.expand(first + j, deg, r.fin[j], r.codes, e, r.bad, b)) return false;
      const end = e + deg;
      while (b < r.bad.length && r.bad[b] < end) b += 2;
      e = end;
    }
    return true;
  }

  /** One iteration of explore's main loop, for state `id` whose edges start at codes[e0]. */
  private expand(id: number, deg: number, fin: number, codes: Int32Array, e0: number, bad: Int32Array, b0: number): boolean {
    if (this.head !== id) throw new Error(`replay out of order: expected state ${this.head}, got ${id}`);
    if (this.head === this.layerEnd) {
      this.depth++;
      this.layerEnd = this.count;
    }
    const { edgeStart, edgeDst } = this;
    if (edgeStart) edgeStart.push(edgeDst!.length);
    if (deg === 0) {
      this.flags.or(id, fin);
      const fbad = fin & ~TERMINAL;
      if (fbad !== 0) this.noteViolation(fbad, id, -1, -1, this.depth);
      if (this.counter) this.counter.terminal(id, this.flags.get(id));
    }
    let b = b0;
    for (let ei = 0; ei < deg; ei++) {
      const code = codes[e0 + ei];
      let tbad = 0;
      if (b < bad.length && bad[b] === e0 + ei) {
        tbad = bad[b + 1];
        b += 2;
      }
      const before = this.count;
      if (this.count >= this.opt.maxStates && code < 0 && this.assigned[-code - 1] < 0) {
        this.stopReason = 'max-states';
        if (edgeStart) edgeStart.pop(); // this state was not fully expanded
        return false;
      }
      const dst = this.insert(code, id, ei, this.depth + 1);
      this.transitions++;
      if (edgeDst) {
        if (tbad !== 0) this.edgeBad.set(edgeDst.length, tbad);
        edgeDst.push(dst);
      }
      if (tbad !== 0) this.noteViolation(tbad, dst, id, ei, this.depth + 1);
      if (this.counter) {
        if (dst < this.layerEnd) this.counter = null;
        else this.counter.edge(id, dst, tbad | this.flags.get(dst));
      }
      if (this.count > before && this.stopReason === 'first-violation') return false;
    }
    this.head++;
    if (this.counter && (this.head & 1023) === 0) this.counter.releaseBelow(this.head);
    if (this.stopReason !== null) return false;
    if (++this.sinceStopPoll >= this.opt.pollEvery) {
      this.sinceStopPoll = 0;
      if (this.opt.onProgress) {
        this.opt.onProgress({
          states: this.count,
          transitions: this.transitions,
          queue: this.count - this.head,
          depth: this.depth,
          storeBytes: this.storeBytes(),
        });
      }
      if (this.opt.shouldStop) {
        const r = this.opt.shouldStop();
        if (r !== null) this.stopReason = r;
      }
    }
    return this.stopReason === null;
  }

  private insert(code: number, par: number, ev: number, d: number): number {
    this.tableCall();
    if (code >= 0) return code;
    const k = -code - 1;
    const known = this.assigned[k];
    if (known >= 0) return known;
    const id = this.newState(par, ev, this.provisionalFlags[k], d);
    this.assigned[k] = id;
    this.order.push(k);
    return id;
  }

  /** What explore reports as storeBytes for the same run. */
  storeBytes(): number {
    return (
      this.tableCapacity * 12 +
      this.parent.bytes +
      this.via.bytes +
      this.flags.bytes +
      (this.edgeStart && !this.counter ? this.edgeStart.bytes : 0) +
      (this.edgeDst && !this.counter ? this.edgeDst.bytes : 0)
    );
  }

  /** The graph, once the run is over (`frontierPeakBytes` is the parallel stores' peak). */
  graph(symmetry: boolean, frontierPeakBytes: number): StateGraph {
    const { edgeStart, edgeDst, counter } = this;
    if (edgeStart) edgeStart.push(edgeDst!.length);
    const complete = this.stopReason === null && this.head === this.count;
    return {
      states: this.count,
      transitions: this.transitions,
      depth: this.maxDepth,
      expanded: this.head,
      complete: this.stopReason === null && this.head === this.count,
      stopReason: this.stopReason,
      parent: this.parent.toArray(),
      via: this.via.toArray(),
      flags: this.flags.toArray(),
      edgeStart: edgeStart && !counter ? edgeStart.toArray() : null,
      edgeDst: edgeDst && !counter ? edgeDst.toArray() : null,
      edgeBad: counter ? new Map<number, number>() : this.edgeBad,
      firstViolations: this.firstViolations,
      roots: this.roots,
      symmetry,
      storeBytes: this.storeBytes(),
      frontierPeakBytes,
      pathCounts: counter && complete ? counter.result() : null,
    };
  }
}
