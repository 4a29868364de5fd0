/**
 * Breadth-first exploration with a fingerprint set: the one-thread scheduler of the explorer
 * core (core.ts). States are numbered in discovery order, which is BFS order, so the first
 * violation found for an invariant is one of the shortest. Each frontier state is expanded
 * and its successors inserted in one pass, and handed to the core as they come; the core
 * keeps, per state, its parent and the index of the event (in the parent's enabled list)
 * that reached it; counterexamples are rebuilt by replay.
 */
import { Core, countsOnline, eachInitialState, TERMINAL, type StateGraph } from './core.js';
import { Expansion } from './expansion.js';
import { FingerprintTable } from './fptable.js';
import { validateModel, type Model } from './model.js';
import { PackedQueue } from './queue.js';
import { resolveOptions, type ExploreOptions, type ResolvedOptions } from './options.js';
import { startSpill, type SpillOptions } from './spill.js';

export { TERMINAL, type FirstViolation, type StateGraph } from './core.js';

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
  if (options.spill) return startSpilling(model, opt, options.spill);
  // Count paths during the search unless edges were asked for; should the graph turn out not
  // to be layered, start again keeping edges (the run is deterministic: same ids, same graph).
  let run = startCore(model, opt, countsOnline(opt));
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
  const table = new FingerprintTable();
  const core = new Core(opt, model.invariants.length, online, () => table.bytes);
  /**
   * How a state is expanded, set up as for the parallel expander (expansion.ts): each
   * successor's fingerprint from the expanded state's, and the words where the two differ
   * (`fp`, `diff`); the model builds successors in the stepper's `scratch` (the WebAssembly
   * kernel's own buffer, so they are not copied there). With the kernel and a model that builds
   * a successor on a copy of its parent (Model.stepOnto), `scratch` holds the parent between
   * successors: the stepper puts the parent's words back after fingerprinting each successor
   * (and the queue's decoding writes the next parent into it), so the parent is not copied per
   * successor. The loop (expandFrontier) writes a successor's step and checks out (through
   * methods of Expansion this loop took 2% more instructions: docs/explorer.md, "The same work
   * per transition as one thread"), with the parent's words put back by the queue's encoding for
   * a new state rather than by a `restore` for every successor.
   */
  const x = new Expansion(model, opt.symmetry);
  const { stepper, inv, canon } = x;
  /** The states found and not yet expanded, compressed (see PackedQueue), decoded into the stepper's parent buffer. */
  const queue = new PackedQueue(W, stepper);

  eachInitialState(
    model,
    model.initialStates(),
    canon,
    core,
    (hi, lo) => table.getOrInsert(hi, lo, core.count) < 0,
    (s, w, k) => {
      queue.push(w);
      core.root(core.newState(-1, -1, inv.checkAlways(s), 0), k);
    },
  );
  if (core.count === 0 && core.stopReason === null) throw new Error(`model ${model.name}: no initial state`);
  core.endRoots();

  let finished = false;

  const advance = (budget: number): boolean => {
    if (finished) return true;
    // A few states a call (see STATES_A_CALL).
    for (let left = budget; ; left -= STATES_A_CALL) {
      if (left <= 0) return false;
      if (expandFrontier(model, core, table, queue, x, Math.min(left, STATES_A_CALL))) break;
    }
    finished = true;
    x.release();
    core.finish();
    return true;
  };

  const graph = (): StateGraph => {
    if (!finished) throw new Error('explore: graph() before advance() returned true');
    // The search is over: the fingerprints are not needed any more, and the columns become
    // contiguous arrays, so let the table go before they are copied.
    const bytes = core.storeBytes(table.bytes);
    table.release();
    return core.graph(canon !== null, bytes, queue.peakBytes);
  };

  return { advance, graph, notLayered: () => core.notLayered };
}

/**
 * The states one call of expandFrontier expands at most. A loop that runs long is compiled by V8
 * twice: on the stack while it runs (on-stack replacement, in the first slice of the CLI's 1,024
 * states) and on entry at the next call, and both again after each deoptimization. A call that
 * returns after a few states is compiled on entry only, and the cost of a call (reading the
 * Expansion's parts into locals) is spread over 16 states (docs/explorer.md, "Compiling and
 * inline caches").
 */
const STATES_A_CALL = 16;

/**
 * The one-thread scheduler's loop (see startCore): expands up to `budget` frontier states;
 * false when the budget ran out before the search was over. A function of its own, whose parts
 * are its locals: read from startCore's closure, each captured `const` was a context load and
 * a check that the binding is initialised (V8's hole check) at every use, about a fifth of the
 * loop's own instructions (docs/explorer.md, "The explorer's own cost per transition").
 */
function expandFrontier<S, E>(
  model: Model<S, E>,
  core: Core,
  table: FingerprintTable,
  queue: PackedQueue,
  x: Expansion<S, E>,
  budget: number,
): boolean {
  const { stepper, inv, canon, stepOnto, stepInto, withSuccessors: enabledWithSuccessors, known } = x;
  const { fp, diff, scratch } = stepper;
  const kernel = stepper.usesKernel;
  // The invariants the step concerns (Expansion sets the stepper's masks).
  const touched = x.touched;
  // The model's paths as booleans: testing a function-or-null for truth in the loop is a
  // dozen instructions (null, undefined, undetectable, number, BigInt), a boolean's one.
  const onto = stepOnto !== null;
  const into = stepInto !== null;
  const dry = enabledWithSuccessors !== null;
  const symmetric = canon !== null;
  // The store's bound (Core.full), a local: the field is a heap number (Number.MAX_SAFE_INTEGER
  // by default), read and checked at every successor.
  const maxStates = core.maxStates;
  let expandedNow = 0;
  outer: while (core.head < core.count && core.stopReason === null) {
    if (expandedNow >= budget) return false;
    expandedNow++;
    const id = core.begin();
    const parent = queue.shift();
    stepper.setParent(parent, queue.fp);
    const s = model.fromWords(parent);
    const events = dry ? enabledWithSuccessors!(s, known) : model.enabledEvents(s);
    // The state's always-invariant verdicts: a successor keeps those whose words the step left as they were.
    const parentBad = events.length > 0 ? core.flags.get(id) : 0;
    if (events.length === 0) core.terminal(id, TERMINAL | inv.checkFinal(s));
    const d = core.depth + 1;
    // The successors the model built (a dry run): `known` is read only below its length (a read
    // past it, undefined, was a map, bounds and hole check per successor; on ack-flush none is built).
    const builtBelow = dry ? known.length : 0;
    for (let ei = 0; ei < events.length; ei++) {
      const e = events[ei];
      const built = ei < builtBelow ? known[ei] : null;
      // A successor the model built (a dry run) is copied into `scratch` first when the parent is
      // kept there (the stepper would copy it there anyway): it is then in the kernel's memory
      // for the transition invariants (Model.useMemory) and stepped as a `stepOnto` successor.
      const raw =
        built != null
          ? onto
            ? model.fromWords(stepper.load(model.words(built)))
            : built
          : onto
            ? stepOnto!(s, e, scratch)
            : into
              ? stepInto!(s, e, scratch)
              : model.step(s, e);
      const next = symmetric ? canon!(raw) : raw;
      // A canonical form other than the successor as built (symmetry) differs from the parent
      // in other words than the step's: then every transition invariant, on the successor as built.
      // (Tested only with symmetry: `next !== raw` of any two values costs V8 a test for NaN.)
      const moved = symmetric && next !== raw;
      let tbad = moved ? inv.checkTransition(s, e, raw) : 0;
      const w = model.words(next);
      // The successor's fingerprint from the parent's, at the words the step changed. With
      // `stepOnto` and a canonical form, `scratch` holds the parent again afterwards; else it
      // holds the successor until `restoreParent` (or the queue's encoding) puts the parent back.
      const nd = moved && onto ? stepper.stepOnto(w) : stepper.step(w);
      // Else only the transition invariants that watch a word the step changed (with the
      // kernel, on the successor in `scratch`, which the model's may not be).
      if (!moved) tbad = inv.checkTransitionTouched(s, e, kernel && w !== scratch ? model.fromWords(scratch) : next, touched[0]);
      // With the store full, only an already-known successor may still be recorded.
      if (core.count >= maxStates && table.get(fp[0], fp[1]) < 0) {
        core.stopFull();
        break outer;
      }
      let dst = table.getOrInsert(fp[0], fp[1], core.count);
      const fresh = dst < 0;
      if (fresh) {
        // With the kernel, the stepper holds the successor in `scratch` (copied there if built
        // elsewhere; with `stepOnto` and symmetry, its words that differ from the parent kept
        // aside), where the kernel encodes its queue record.
        queue.pushChild(kernel ? scratch : w, diff, nd);
        // With `stepOnto`, `scratch` holds the parent again: the successor is the state
        // queued last (`lastIn`).
        const bad = inv.checkAlwaysTouched(onto && w === scratch ? model.fromWords(stepper.lastIn) : next, parentBad, touched[0]);
        dst = core.newState(id, ei, bad, d);
      }
      if (onto) stepper.restoreParent(nd);
      if (!core.edge(id, ei, dst, tbad, fresh)) break outer;
    }
    if (!core.end()) break;
  }
  return true;
}

/**
 * The spilling scheduler (spill.ts) under the same restart rule: should the layering break,
 * start again, but without counting paths (edges in memory would defeat spilling): the graph
 * says so in `spill.pathsNotCounted`.
 */
function startSpilling<S, E>(model: Model<S, E>, opt: ResolvedOptions, spill: SpillOptions): Exploration {
  if (opt.keepEdges) throw new RangeError('keepEdges: a spilled run keeps no edges');
  let run = startSpill(model, opt, countsOnline(opt), spill);
  let notCounted = false;
  let merges = 0;
  let diskPeak = 0;
  let built: StateGraph | null = null;
  return {
    advance(budget: number): boolean {
      const done = run.advance(budget);
      if (!done || !run.notLayered()) return done;
      merges += run.merges;
      diskPeak = Math.max(diskPeak, run.diskPeakBytes);
      run.dispose();
      run = startSpill(model, { ...opt, countPaths: false }, false, spill);
      notCounted = true;
      return run.advance(budget);
    },
    graph(): StateGraph {
      if (built) return built;
      const g = run.graph();
      run.dispose();
      built = {
        ...g,
        spill: {
          bufferStates: spill.bufferStates,
          merges: merges + run.merges,
          diskPeakBytes: Math.max(diskPeak, run.diskPeakBytes),
          pathsNotCounted: notCounted ? 'not-layered' : null,
        },
      };
      return built;
    },
  };
}
