/**
 * Breadth-first exploration with a fingerprint set. States are numbered in discovery
 * order, which is BFS order, so the first violation found for an invariant is one of
 * the shortest. The explorer keeps, per state, its parent and the index of the event
 * (in the parent's enabled list) that reached it; counterexamples are rebuilt by replay.
 */
import { LayeredCounter, type PathCounts } from './count.js';
import { fingerprint64 } from './fingerprint.js';
import { FingerprintTable } from './fptable.js';
import { FlagColumn, GrowInt32, ViaColumn } from './grow.js';
import { validateModel, type Model } from './model.js';
import { PackedQueue } from './queue.js';
import { resolveOptions, type ExploreOptions, type ResolvedOptions, type StopReason } from './options.js';

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
  readonly parent: Int32Array;
  readonly via: Int32Array;
  /** Bit i: invariant i is violated in the state; TERMINAL: nothing is enabled. */
  readonly flags: Uint32Array;
  /** CSR edges of expanded states (null unless `keepEdges`, or path counting fell back to them). */
  readonly edgeStart: Int32Array | null;
  readonly edgeDst: Int32Array | null;
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
}

export function explore<S, E>(model: Model<S, E>, options: ExploreOptions = {}): StateGraph {
  const run = startExplore(model, options);
  run.advance(Infinity);
  return run.graph();
}

/**
 * An exploration that runs in slices: `advance(n)` expands up to `n` more states and says
 * whether the search is over; `graph()` returns the state graph so far. `explore` runs it in
 * one slice; a shell that must stay responsive (to a signal, say) yields between slices, so
 * the explorer itself never needs a timer or an event loop.
 */
export interface Exploration {
  /** Expands up to `budget` states; true when the search is over (exhausted or stopped). */
  advance(budget: number): boolean;
  /** The state graph: final once `advance` returned true, else the part explored so far. */
  graph(): StateGraph;
}

export function startExplore<S, E>(model: Model<S, E>, options: ExploreOptions = {}): Exploration {
  validateModel(model);
  const opt = resolveOptions(options);
  // Count paths during the search unless edges were asked for; should the graph turn out not
  // to be layered, start again keeping edges (the run is deterministic: same ids, same graph).
  let run = startCore(model, opt, opt.countPaths && !opt.keepEdges);
  return {
    advance(budget: number): boolean {
      const done = run.advance(budget);
      if (!done || !run.notLayered()) return done;
      run = startCore(model, opt, false);
      return run.advance(budget);
    },
    graph: () => run.graph(),
  };
}

function startCore<S, E>(
  model: Model<S, E>,
  opt: ResolvedOptions,
  online: boolean,
): Exploration & { notLayered(): boolean } {
  const W = model.stateWords;
  const canon = opt.symmetry && model.canonicalize ? model.canonicalize.bind(model) : null;
  let table = new FingerprintTable();
  const parent = new GrowInt32();
  const via = new ViaColumn();
  const flags = new FlagColumn();
  const edgeStart = opt.countPaths && !online ? new GrowInt32() : null;
  const edgeDst = opt.countPaths && !online ? new GrowInt32() : null;
  const counter = online ? new LayeredCounter() : null;
  /** Set when an edge reached a state of the same or an earlier layer: counting during the search is off. */
  let notLayered = false;
  const edgeBad = new Map<number, number>();
  /** The states found and not yet expanded, compressed (see PackedQueue). */
  const queue = new PackedQueue(W);
  const fp = new Uint32Array(2);
  const scratch = new Int32Array(W);
  const stepInto = model.stepInto ? model.stepInto.bind(model) : null;
  const enabledWithSuccessors = model.enabledWithSuccessors ? model.enabledWithSuccessors.bind(model) : null;
  /** Successors the model built while computing the enabled events (see Model.enabledWithSuccessors). */
  const known: (S | null)[] = [];
  const invs = model.invariants;
  const always: number[] = [];
  const finals: number[] = [];
  const transitions: number[] = [];
  invs.forEach((inv, i) => (inv.kind === 'always' ? always : inv.kind === 'final' ? finals : transitions).push(i));
  const firstViolations: FirstViolation[] = [];
  let violatedMask = 0;

  let count = 0;
  let transitionsSeen = 0;
  let stopReason: StopReason | null = null;
  let depth = 0;
  let maxDepth = 0;

  const noteViolation = (mask: number, stateId: number, fromId: number, eventIndex: number, d: number): void => {
    const fresh = mask & ~violatedMask;
    if (fresh === 0) return;
    violatedMask |= fresh;
    for (let i = 0; i < invs.length; i++) {
      if (fresh & (1 << i)) {
        firstViolations.push({ invariant: i, stateId, fromId, eventIndex, depth: d });
        if (counter) counter.activate(i);
      }
    }
    if (opt.stopAtFirstViolation && stopReason === null) stopReason = 'first-violation';
  };

  const checkAlways = (s: S): number => {
    let mask = 0;
    for (let k = 0; k < always.length; k++) {
      const i = always[k];
      if (!(invs[i] as { holds(s: S): boolean }).holds(s)) mask |= 1 << i;
    }
    return mask;
  };

  /** Stores a canonical state if new; returns its id, and whether it was new via the sign (-id-1). */
  const insert = (s: S, par: number, ev: number, d: number): number => {
    const w = model.words(s);
    fingerprint64(w, 0, W, fp);
    const existing = table.getOrInsert(fp[0], fp[1], count);
    if (existing >= 0) return existing;
    const id = count++;
    if (d > maxDepth) maxDepth = d;
    queue.push(w);
    if (counter) counter.add(id);
    parent.push(par);
    via.push(ev);
    const bad = checkAlways(s);
    flags.push(bad);
    if (bad !== 0) noteViolation(bad, id, -1, -1, d);
    return id;
  };

  const roots = new Map<number, number>();
  const inits = model.initialStates();
  for (let k = 0; k < inits.length; k++) {
    if (count >= opt.maxStates) {
      stopReason = 'max-states';
      break;
    }
    const before = count;
    const id = insert(canon ? canon(inits[k]) : inits[k], -1, -1, 0);
    if (count > before) {
      roots.set(id, k);
      if (counter) counter.root(id, flags.get(id));
    }
  }
  if (count === 0 && stopReason === null) throw new Error(`model ${model.name}: no initial state`);

  let head = 0;
  let layerEnd = count;
  let sinceStopPoll = 0;
  let finished = false;

  const advance = (budget: number): boolean => {
    if (finished) return true;
    let expandedNow = 0;
    outer: while (head < count && stopReason === null) {
      if (expandedNow >= budget) return false;
      expandedNow++;
      if (head === layerEnd) {
        depth++;
        layerEnd = count;
      }
      const id = head;
      const s = model.fromWords(queue.shift());
      const events = enabledWithSuccessors ? enabledWithSuccessors(s, known) : model.enabledEvents(s);
      if (edgeStart) edgeStart.push(edgeDst!.length);
      if (events.length === 0) {
        let mask = TERMINAL;
        for (let k = 0; k < finals.length; k++) {
          const i = finals[k];
          if (!(invs[i] as { holds(s: S): boolean }).holds(s)) mask |= 1 << i;
        }
        flags.or(id, mask);
        const bad = mask & ~TERMINAL;
        if (bad !== 0) noteViolation(bad, id, -1, -1, depth);
        if (counter) counter.terminal(id, flags.get(id));
      }
      for (let ei = 0; ei < events.length; ei++) {
        const e = events[ei];
        const raw = known[ei] ?? (stepInto ? stepInto(s, e, scratch) : model.step(s, e));
        let tbad = 0;
        for (let k = 0; k < transitions.length; k++) {
          const i = transitions[k];
          const inv = invs[i] as { holds(b: S, e: E, a: S): boolean };
          if (!inv.holds(s, e, raw)) tbad |= 1 << i;
        }
        const next = canon ? canon(raw) : raw;
        const before = count;
        if (count >= opt.maxStates) {
          // Only an already-known successor may still be recorded.
          const w = model.words(next);
          fingerprint64(w, 0, W, fp);
          if (table.get(fp[0], fp[1]) < 0) {
            stopReason = 'max-states';
            if (edgeStart) edgeStart.pop(); // this state was not fully expanded
            break outer;
          }
        }
        const dst = insert(next, id, ei, depth + 1);
        transitionsSeen++;
        if (edgeDst) {
          if (tbad !== 0) edgeBad.set(edgeDst.length, tbad);
          edgeDst.push(dst);
        }
        if (tbad !== 0) noteViolation(tbad, dst, id, ei, depth + 1);
        if (counter) {
          if (dst < layerEnd) {
            notLayered = true;
            break outer;
          }
          counter.edge(id, dst, tbad | flags.get(dst));
        }
        if (count > before && stopReason === 'first-violation') break outer;
      }
      head++;
      if (stopReason !== null) break;
      if ((head & 1023) === 0 && counter) counter.releaseBelow(head);
      if (++sinceStopPoll >= opt.pollEvery) {
        sinceStopPoll = 0;
        if (opt.onProgress) {
          opt.onProgress({ states: count, transitions: transitionsSeen, queue: count - head, depth, storeBytes: storeBytes() });
        }
        if (opt.shouldStop) {
          const r = opt.shouldStop();
          if (r !== null) stopReason = r;
        }
      }
    }
    finished = true;
    if (edgeStart) edgeStart.push(edgeDst!.length);
    return true;
  };

  function storeBytes(): number {
    return (
      table.bytes +
      parent.bytes +
      via.bytes +
      flags.bytes +
      (edgeStart ? edgeStart.bytes : 0) +
      (edgeDst ? edgeDst.bytes : 0)
    );
  }

  let built: StateGraph | null = null;
  const graph = (): StateGraph => {
    if (!finished) throw new Error('explore: graph() before advance() returned true');
    if (built) return built;
    // The search is over: the fingerprints are not needed any more, and the columns become
    // contiguous arrays, so let the table go before they are copied.
    const bytes = storeBytes();
    table = new FingerprintTable(2);
    built = {
      states: count,
      transitions: transitionsSeen,
      depth: maxDepth,
      expanded: head,
      complete: stopReason === null && head === count,
      stopReason,
      parent: parent.toArray(),
      via: via.toArray(),
      flags: flags.toArray(),
      edgeStart: edgeStart ? edgeStart.toArray() : null,
      edgeDst: edgeDst ? edgeDst.toArray() : null,
      edgeBad,
      firstViolations,
      roots,
      symmetry: canon !== null,
      storeBytes: bytes,
      frontierPeakBytes: queue.peakBytes + (counter ? counter.peakBytes : 0),
      pathCounts: counter && stopReason === null && head === count ? counter.result() : null,
    };
    return built;
  };

  return { advance, graph, notLayered: () => notLayered };
}
