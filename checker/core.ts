/**
 * The explorer's core: what a breadth-first run does with each state and edge, whoever
 * computed them. A scheduler takes the frontier states in id order and, per state, its enabled
 * events in order, and hands the core each expansion: `begin` the state, `terminal` if
 * nothing is enabled, per event the successor (`newState` first if it is new) and `edge`,
 * then `end`. The core numbers states, keeps the columns (parent, event index, flags, CSR
 * edges), notes violations, counts paths during the search, and applies every stop rule and
 * poll. Three schedulers drive it: one thread (explore.ts: expand and insert in one pass), N
 * threads (parallel/replay.ts: threads expand a level's claims into codes, consumed here in
 * id order) and spilling (spill.ts: a buffer of successors resolved by sort-merge against
 * the visited set on disk, consumed here in id order). All therefore give the same ids,
 * graph, counts and stopping point by construction.
 */
import { LayeredCounter, type PathCounts } from './count.js';
import { fingerprint64 } from './fingerprint.js';
import { EdgeDstColumn, EdgeStartColumn, EdgeTree, FlagColumn, ParentColumn, ViaColumn, type IntColumn } from './grow.js';
import type { Model } from './model.js';
import type { ResolvedOptions, StopReason } from './options.js';
import type { SpillInfo } from './spill.js';

/**
 * The initial states as every scheduler feeds them: in order, canonicalized when `canon` is
 * given, fingerprinted; `claim(hi, lo)` looks the fingerprint up in the scheduler's own table
 * and says whether the state is new, and `number` numbers a new one through the core. Stops,
 * refusing the rest, when the core is full.
 */
export function eachInitialState<S, E>(
  model: Model<S, E>,
  inits: readonly S[],
  canon: ((s: S) => S) | null,
  core: Core,
  claim: (hi: number, lo: number) => boolean,
  number: (s: S, words: Int32Array, k: number, hi: number, lo: number) => void,
): void {
  const fp = new Uint32Array(2);
  for (let k = 0; k < inits.length; k++) {
    if (core.full) {
      core.refuseRoot();
      break;
    }
    const s = canon ? canon(inits[k]) : inits[k];
    const w = model.words(s);
    fingerprint64(w, 0, model.stateWords, fp);
    if (claim(fp[0], fp[1])) number(s, w, k, fp[0], fp[1]);
  }
}

/** Flag bit set on states where no event is enabled. */
export const TERMINAL = 0x80000000;

export interface FirstViolation {
  /** Index into model.invariants. */
  readonly invariant: number;
  /** The violating state, or for a transition invariant the state the bad step reached. */
  readonly stateId: number;
  /** For transition invariants: the state the step left, and the event's index there. */
  readonly fromId: number;
  readonly eventIndex: number;
  /** Number of steps in the counterexample. */
  readonly depth: number;
}

export interface StateGraph {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly expanded: number;
  readonly complete: boolean;
  readonly stopReason: StopReason | null;
  /**
   * The per-state and per-edge columns are the explorer's own chunked columns (checker/grow.ts),
   * published as they are: read them with `get(i)`.
   */
  readonly parent: IntColumn;
  /** The event's index in the parent's enabled list (-1 for an initial state). */
  readonly via: IntColumn;
  /** Bit i: invariant i is violated in the state; TERMINAL: nothing is enabled (unsigned). */
  readonly flags: IntColumn<Uint32Array>;
  /** CSR edges of expanded states (null unless `keepEdges`, or path counting fell back to them). */
  readonly edgeStart: IntColumn | null;
  readonly edgeDst: IntColumn | null;
  /** Edge index -> bit mask of transition invariants the edge violates. */
  readonly edgeBad: ReadonlyMap<number, number>;
  readonly firstViolations: readonly FirstViolation[];
  /** For each initial state id: the index of the model's initial state it came from. */
  readonly roots: ReadonlyMap<number, number>;
  readonly symmetry: boolean;
  /** Bytes of the visited store (fingerprints, parents, flags, edges) at the end. */
  readonly storeBytes: number;
  /** Largest size reached by the frontier's state words (plus its path counts, when counted during the search). */
  readonly frontierPeakBytes: number;
  /**
   * Path counts gathered during the search (see LayeredCounter): set when the run was complete,
   * counted paths, and kept no edges; then `countPaths` is not needed (and has no edges to use).
   */
  readonly pathCounts: PathCounts | null;
  /** Set when the run spilled to a store (ExploreOptions.spill): what it did there. */
  readonly spill?: SpillInfo;
}

/** Whether a run counts paths during the search (else, when counting, it keeps edges from the start). */
export function countsOnline(opt: ResolvedOptions): boolean {
  return opt.countPaths && !opt.keepEdges;
}

export class Core {
  // The fields the constructor sets are `declare`d: as ES2022 class fields they would start as
  // `undefined`, and V8 would then keep a number written later as a tagged value, checked and
  // untagged at every read (docs/explorer.md, "Class fields V8 can keep untagged").
  /**
   * Parents and event indices: their own columns, or, when the run keeps edges, read off the
   * edges (`tree`; the fresh edge that numbered a state says both).
   */
  declare private readonly parents: ParentColumn | null;
  declare private readonly vias: ViaColumn | null;
  declare private readonly tree: EdgeTree | null;
  declare readonly parent: IntColumn;
  declare readonly via: IntColumn;
  readonly flags = new FlagColumn();
  declare readonly edgeStart: EdgeStartColumn | null;
  declare readonly edgeDst: EdgeDstColumn | null;
  readonly edgeBad = new Map<number, number>();
  readonly firstViolations: FirstViolation[] = [];
  readonly roots = new Map<number, number>();
  /** Path counts during the search (online runs only). */
  declare readonly counter: LayeredCounter | null;
  /** States numbered. */
  count = 0;
  /** The next frontier state to expand (states below it are expanded). */
  head = 0;
  transitions = 0;
  stopReason: StopReason | null = null;
  /** Depth of the state being expanded. */
  depth = 0;
  /**
   * Set when an edge reached a state of the same or an earlier layer while counting during
   * the search: the run is abandoned, and the scheduler starts it again keeping edges (the
   * search is deterministic: the second run is the first one plus edges).
   */
  notLayered = false;
  private maxDepth = 0;
  private layerEnd = 0;
  private sinceStopPoll = 0;
  private violatedMask = 0;
  /** The store's bound: the run numbers no more states (see `full`). */
  declare readonly maxStates: number;
  declare private readonly stopAtFirst: boolean;
  private finished = false;
  private built: StateGraph | null = null;
  /** With `tree`: the parent and event index of the state numbered last, and where the edges of the state in expansion start. */
  private lastParent = -1;
  private lastVia = -1;
  private headEdges = 0;
  /**
   * `edge`'s common case, 1 or 0 (a number: V8 tests a boolean or an object-or-null field for
   * truth as it would any value, about a dozen instructions, where a number is one compare):
   * paths counted during the search (`counter`), no edges kept, and no violation noted yet (so
   * the counter keeps one column, and no stop at a first violation is pending).
   */
  private plainEdge = 0;
  declare private readonly opt: ResolvedOptions;
  declare private readonly invariantCount: number;
  declare private readonly tableBytes: () => number;

  /**
   * @param online count paths during the search (no edges; see `notLayered`); otherwise edges
   *   are kept when paths are counted.
   * @param tableBytes the visited table's bytes now (for progress reports).
   */
  constructor(opt: ResolvedOptions, invariantCount: number, online: boolean, tableBytes: () => number) {
    this.opt = opt;
    this.invariantCount = invariantCount;
    this.tableBytes = tableBytes;
    this.maxStates = opt.maxStates;
    this.stopAtFirst = opt.stopAtFirstViolation;
    this.edgeStart = opt.countPaths && !online ? new EdgeStartColumn() : null;
    this.edgeDst = opt.countPaths && !online ? new EdgeDstColumn() : null;
    this.tree = this.edgeStart && this.edgeDst ? new EdgeTree(this.edgeStart, this.edgeDst) : null;
    this.parents = this.tree ? null : new ParentColumn();
    this.vias = this.tree ? null : new ViaColumn();
    this.parent = this.tree ? this.tree.parent : this.parents!;
    this.via = this.tree ? this.tree.via : this.vias!;
    this.counter = online ? new LayeredCounter() : null;
    this.plainEdge = this.counter !== null && this.edgeDst === null ? 1 : 0;
  }

  /** Whether the run is over early: stopped, or abandoned for a restart with edges. */
  get halted(): boolean {
    return this.stopReason !== null || this.notLayered;
  }

  /** Whether the store is full: a state that would be new must not be numbered. */
  get full(): boolean {
    return this.count >= this.maxStates;
  }

  /** Stops the run before initial state `k` (the store is full). */
  refuseRoot(): void {
    this.stopReason = 'max-states';
  }

  /** Numbers a new state reached from `par` by its event `ev` (-1, -1 for an initial state), with its always-invariant mask. */
  newState(par: number, ev: number, bad: number, d: number): number {
    const id = this.count++;
    if (d > this.maxDepth) this.maxDepth = d;
    if (this.counter !== null) this.counter.add(id);
    if (this.tree !== null) {
      this.tree.push(par === -1);
      this.lastParent = par;
      this.lastVia = ev;
    } else {
      this.parents!.push(par);
      this.vias!.push(ev);
    }
    this.flags.push(bad);
    if (bad !== 0) this.noteViolation(bad, id, -1, -1, d);
    return id;
  }

  /** State `id`, just numbered, is initial, from the model's initial state `k`. */
  root(id: number, k: number): void {
    this.roots.set(id, k);
    if (this.counter) this.counter.root(id, this.flags.get(id));
  }

  /** The initial states are in: the first layer ends here. */
  endRoots(): void {
    this.layerEnd = this.count;
  }

  /** Starts expanding the next frontier state; returns its id. */
  begin(): number {
    if (this.head === this.layerEnd) {
      this.depth++;
      this.layerEnd = this.count;
    }
    if (this.edgeStart !== null) this.edgeStart.push((this.headEdges = this.edgeDst!.length));
    this.parents?.expand(this.head);
    return this.head;
  }

  /** The state has no enabled event: `fin` is TERMINAL plus the violated final invariants. */
  terminal(id: number, fin: number): void {
    this.flags.or(id, fin);
    const bad = fin & ~TERMINAL;
    if (bad !== 0) this.noteViolation(bad, id, -1, -1, this.depth);
    if (this.counter !== null) this.counter.terminal(id, this.flags.get(id));
  }

  /** A successor would be new but the store is full: the run stops, the state unexpanded. */
  stopFull(): void {
    this.stopReason = 'max-states';
    if (this.edgeStart) this.edgeStart.pop();
    this.tree?.stoppedIn(this.head, this.headEdges);
  }

  /**
   * Edge `ei` of state `id` to `dst` (`fresh`: numbered by this edge), violating the transition
   * invariants `tbad`. False when the expansion must stop here (first violation, or the
   * layering broke: see `notLayered`).
   */
  edge(id: number, ei: number, dst: number, tbad: number, fresh: boolean): boolean {
    this.transitions++;
    // The common case (see `plainEdge`): the layering's test and the count alone; the rest in
    // a method of its own, so that this one stays small enough to inline into the loops.
    if (this.plainEdge === 1 && tbad === 0) {
      if (dst < this.layerEnd) {
        this.notLayered = true;
        return false;
      }
      this.counter!.edge(id, dst, 0);
      return true;
    }
    return this.edgeInGeneral(id, ei, dst, tbad, fresh);
  }

  /** `edge` past its common case (edges kept, no counter, a violation noted, or `tbad`). */
  private edgeInGeneral(id: number, ei: number, dst: number, tbad: number, fresh: boolean): boolean {
    const edgeDst = this.edgeDst;
    if (edgeDst !== null) {
      // The fresh edge to a state gives its parent and event index (EdgeTree): check them.
      if (fresh && (dst !== this.count - 1 || id !== this.lastParent || ei !== this.lastVia || id !== this.head || ei !== edgeDst.length - this.headEdges)) {
        this.notTheNumberingEdge(id, ei, dst);
      }
      if (tbad !== 0) this.edgeBad.set(edgeDst.length, tbad);
      edgeDst.push(dst, fresh);
    }
    if (tbad !== 0) this.noteViolation(tbad, dst, id, ei, this.depth + 1);
    const counter = this.counter;
    if (counter !== null) {
      if (dst < this.layerEnd) {
        this.notLayered = true;
        return false;
      }
      // Until an invariant is violated the counter keeps one column, which counts every path
      // whatever it violates: the flags need not be read.
      counter.edge(id, dst, counter.columns > 1 ? tbad | this.flags.get(dst) : 0);
    }
    return !(fresh && this.stopReason === 'first-violation');
  }

  /** Throws: the fresh edge id -> dst (event ei) is not the one that numbered dst (a function of its own: `edge` stays small enough to inline). */
  private notTheNumberingEdge(id: number, ei: number, dst: number): never {
    throw new Error(`explorer core: fresh edge ${id} -> ${dst} (event ${ei}) is not the edge that numbered state ${this.count - 1} (from ${this.lastParent}, event ${this.lastVia})`);
  }

  /** The state is expanded; polls the shell every `pollEvery` states. False once the run stopped. */
  end(): boolean {
    const head = ++this.head;
    if (this.stopReason !== null) return false;
    if (this.counter !== null && (head & 1023) === 0) this.counter.releaseBelow(head);
    if (++this.sinceStopPoll >= this.opt.pollEvery) {
      this.sinceStopPoll = 0;
      const { onProgress, shouldStop } = this.opt;
      if (onProgress) {
        onProgress({
          states: this.count,
          transitions: this.transitions,
          queue: this.count - head,
          depth: this.depth,
          storeBytes: this.storeBytes(this.tableBytes()),
        });
      }
      if (shouldStop) {
        const r = shouldStop();
        if (r !== null) this.stopReason = r;
      }
    }
    return this.stopReason === null;
  }

  noteViolation(mask: number, stateId: number, fromId: number, eventIndex: number, d: number): void {
    const fresh = mask & ~this.violatedMask;
    if (fresh === 0) return;
    this.violatedMask |= fresh;
    this.plainEdge = 0;
    for (let i = 0; i < this.invariantCount; i++) {
      if (fresh & (1 << i)) {
        this.firstViolations.push({ invariant: i, stateId, fromId, eventIndex, depth: d });
        if (this.counter) this.counter.activate(i);
      }
    }
    if (this.stopAtFirst && this.stopReason === null) this.stopReason = 'first-violation';
  }

  /** Bytes of the visited store: the table's and the columns'. */
  storeBytes(tableBytes: number): number {
    return (
      tableBytes +
      (this.parents ? this.parents.bytes : 0) +
      (this.vias ? this.vias.bytes : 0) +
      this.flags.bytes +
      (this.edgeStart ? this.edgeStart.bytes : 0) +
      (this.edgeDst ? this.edgeDst.bytes : 0)
    );
  }

  /** The run is over: closes the CSR edges (once). */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.edgeStart) this.edgeStart.push(this.edgeDst!.length);
    if (this.tree && this.edgeDst!.freshEdges !== this.count - this.tree.initialStates) {
      throw new Error(`explorer core: ${this.count - this.tree.initialStates} states not initial, ${this.edgeDst!.freshEdges} fresh edges`);
    }
  }

  /**
   * The graph, once the run is over (`finish`): the columns themselves, not copies (the core
   * takes no more states). `storeBytes` is taken by the caller before it lets its table go;
   * `frontierPeakBytes` is the scheduler's frontier peak (the path counts' peak is added here).
   */
  graph(symmetry: boolean, storeBytes: number, frontierPeakBytes: number): StateGraph {
    if (this.built) return this.built;
    if (!this.finished) throw new Error('explorer core: graph() before finish()');
    const { edgeStart, edgeDst, counter } = this;
    const complete = this.stopReason === null && this.head === this.count;
    this.built = {
      states: this.count,
      transitions: this.transitions,
      depth: this.maxDepth,
      expanded: this.head,
      complete,
      stopReason: this.stopReason,
      parent: this.parent,
      via: this.via,
      flags: this.flags,
      edgeStart,
      edgeDst,
      edgeBad: this.edgeBad,
      firstViolations: this.firstViolations,
      roots: this.roots,
      symmetry,
      storeBytes,
      frontierPeakBytes: frontierPeakBytes + (counter ? counter.peakBytes : 0),
      pathCounts: counter && complete ? counter.result() : null,
    };
    return this.built;
  }
}
