/**
 * The spilling scheduler of the explorer core (core.ts): breadth-first search whose visited set
 * and queue live on a `SpillStore` (spill-store.ts; on disk in the CLI), with delayed duplicate
 * detection by sort-merge, as in Stern & Dill's disk-based Murphi and TLC's DiskFPSet.
 *
 * Frontier states are expanded, in id order, as the in-memory schedulers expand them
 * (expansion.ts), into a buffer of candidates (successor words, fingerprint, a mask of the
 * transition invariants violated and of the `always` invariants whose words the step changed)
 * without looking anything up. When the buffer holds
 * `bufferStates` candidates (or the frontier has nothing numbered left to expand, or the shell
 * reports memory pressure) it is merged: the candidates are grouped by fingerprint (a hash
 * table of the buffer's size; a group's first candidate is its first occurrence), the groups'
 * fingerprints sorted, and merged in one sequential pass with the sorted run of visited
 * fingerprints on the store. A group
 * found there takes the stored id; the others are new and are numbered in the order of their
 * first candidate, which is the order in which the in-memory explorer meets them. Then the
 * buffer is handed to the core state by state and event by event, exactly as the one-thread
 * scheduler hands it what it expands (`begin`, `terminal`, `newState` for a new successor,
 * `edge`, `end`): same ids, same columns, same path counts (the core's `LayeredCounter`, fed
 * edge by edge), same stopping points and polls; a new state's `always` verdicts are then its
 * parent's (the core's flags) but for the invariants its mask names, which are evaluated. New
 * states go to the queue on the store.
 *
 * The pass that reads the visited run also writes the next one: the old run plus the states
 * numbered by the merge before (kept in memory, sorted, until then), so each merge reads the
 * run once and writes it once. On a graph that is not layered the core asks for a restart
 * with edges; kept in memory they would defeat the point, so this scheduler starts again
 * without counting paths and says so (`SpillInfo.pathsNotCounted`): never a wrong number.
 */
import { Core, eachInitialState, TERMINAL, type StateGraph } from './core.js';
import { Expansion } from './expansion.js';
import { FingerprintTable } from './fptable.js';
import type { Model } from './model.js';
import type { ResolvedOptions } from './options.js';
import { PackedQueue } from './queue.js';
import { DiskUse, RunReader, RunWriter, SpillQueue, type SpillStore } from './spill-store.js';

export interface SpillOptions {
  /** Where the visited run and the queue go. */
  readonly store: SpillStore;
  /** Candidates (successors generated, not yet merged) held in memory before a merge. */
  readonly bufferStates: number;
  /** Bytes of a queue chunk (a file each). Default 1 MiB. */
  readonly chunkBytes?: number;
  /**
   * Polled every `pollEvery` expansions; true merges the buffer now, whatever its size (the
   * shell's answer to memory pressure: `--max-memory` with `--spill-dir`).
   */
  readonly pressure?: () => boolean;
}

/** What a spilled run did, next to the graph. */
export interface SpillInfo {
  readonly bufferStates: number;
  /** Merges of the buffer with the visited run. */
  readonly merges: number;
  /** Most bytes on the store at once (visited runs and queue chunks). */
  readonly diskPeakBytes: number;
  /**
   * Set when the in-memory run would count interleavings from edges (the graph is not layered)
   * and this run did not: interleavings are then not counted (null), never estimated.
   */
  readonly pathsNotCounted: 'not-layered' | null;
}

export interface SpillRun {
  advance(budget: number): boolean;
  graph(): StateGraph;
  notLayered(): boolean;
  /** Removes whatever the run still has on the store. */
  dispose(): void;
  readonly merges: number;
  readonly diskPeakBytes: number;
}

/** Where the low and the high half of a uint64 sit in its two uint32 (the platform's byte order). */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

/** Growable typed columns for the buffer (a state's events all go in, so a merge may overshoot the buffer a little). */
function grow<A extends Uint32Array | Int32Array | Uint8Array>(a: A, need: number): A {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => A)(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

export function startSpill<S, E>(model: Model<S, E>, opt: ResolvedOptions, online: boolean, spill: SpillOptions): SpillRun {
  const W = model.stateWords;
  const B = spill.bufferStates;
  if (!(B >= 1) || !Number.isInteger(B)) throw new RangeError('bufferStates must be a positive integer');
  const store = spill.store;
  const disk = new DiskUse();
  /**
   * How a state is expanded: as in memory (expansion.ts), so the same work per transition as
   * the other schedulers: the model's paths (stepOnto on the kernel's child buffer holding the
   * parent, which `setParent` writes there), `useMemory`, each successor's fingerprint from the
   * parent's with the words where they differ, the transition invariants whose watched words
   * the step changed (`touched`). A candidate keeps `touched`'s bits of the `always`
   * invariants (in its mask, beside its transition verdicts: one bit per invariant, so the two
   * never share one), and a new state's `always` verdicts are its parent's (the core's flags)
   * but for those, evaluated when the merge has said the successor is new.
   */
  const x = new Expansion(model, opt.symmetry);
  const { stepper, inv, canon, stepOnto, touched } = x;
  const { fp, scratch } = stepper;
  const kernel = stepper.usesKernel;
  const alwaysBits = inv.alwaysBits;
  const transitionBits = inv.transitionBits;

  // The buffer: per expanded state its event count and final mask; per candidate its
  // fingerprint, its mask (the transition invariants it violates, and the `always`
  // invariants whose words the step changed), resolved id and whether it numbers a new state;
  // the candidates' words as records (PackedQueue, in memory, keeping no fingerprint: the buffer has them).
  const cap0 = Math.min(B, 1 << 16);
  let degs = new Int32Array(cap0);
  let fins = new Int32Array(cap0);
  let his = new Uint32Array(cap0);
  let los = new Uint32Array(cap0);
  let masks = new Int32Array(cap0);
  let dsts = new Int32Array(cap0);
  let fresh = new Uint8Array(cap0);
  let order = new Int32Array(cap0);
  let nStates = 0;
  let nCand = 0;
  const cand = new PackedQueue(W, null, false);
  /** A merge's distinct fingerprints as 64-bit keys (high half × 2^32 + low half), and the same bytes as uint32. */
  let keyBuf = new BigUint64Array(16);
  let key32 = new Uint32Array(keyBuf.buffer);

  /** The visited run on the store (sorted by fingerprint), and the states numbered since, sorted, not yet in it. */
  let run = -1;
  let runSize = 0;
  let pHi = new Uint32Array(0);
  let pLo = new Uint32Array(0);
  let pId = new Int32Array(0);
  let merges = 0;

  const bufferBytes = (): number =>
    degs.byteLength + fins.byteLength + his.byteLength + los.byteLength + masks.byteLength + dsts.byteLength + fresh.byteLength + order.byteLength + keyBuf.byteLength + pHi.byteLength * 3;
  const core = new Core(opt, model.invariants.length, online, bufferBytes);
  const queue = new SpillQueue(W, store, disk, spill.chunkBytes);

  // Initial states: few, deduplicated in memory, numbered at once; they are the first pending states.
  {
    const roots = new FingerprintTable();
    const rh: number[] = [];
    const rl: number[] = [];
    const ri: number[] = [];
    eachInitialState(
      model,
      model.initialStates(),
      canon,
      core,
      (hi, lo) => roots.getOrInsert(hi, lo, core.count) < 0,
      (s, w, k, hi, lo) => {
        queue.push(w, hi, lo);
        rh.push(hi);
        rl.push(lo);
        ri.push(core.count);
        core.root(core.newState(-1, -1, inv.checkAlways(s), 0), k);
      },
    );
    if (core.count === 0 && core.stopReason === null) throw new Error(`model ${model.name}: no initial state`);
    core.endRoots();
    const idx = ri.map((_, j) => j).sort((a, b) => rh[a] - rh[b] || rl[a] - rl[b]);
    pHi = Uint32Array.from(idx, (j) => rh[j]);
    pLo = Uint32Array.from(idx, (j) => rl[j]);
    pId = Int32Array.from(idx, (j) => ri[j]);
  }

  /** The next state to expand into the buffer (states below it are expanded or buffered). */
  let xhead = 0;

  const expandOne = (): void => {
    const parent = queue.shift();
    stepper.setParent(parent, queue.fp);
    // With the kernel, the parent as copied into its memory, where the model may read it (Model.useMemory).
    const s = model.fromWords(stepper.usesKernel ? stepper.base : parent);
    const events = x.events(s);
    if (nStates === degs.length) {
      degs = grow(degs, nStates + 1);
      fins = grow(fins, nStates + 1);
    }
    degs[nStates] = events.length;
    fins[nStates] = events.length === 0 ? inv.checkFinal(s) : 0;
    nStates++;
    const need = nCand + events.length;
    if (need > his.length) {
      his = grow(his, need);
      los = grow(los, need);
      masks = grow(masks, need);
      dsts = grow(dsts, need);
      fresh = grow(fresh, need);
      order = grow(order, need);
    }
    // As the one-thread loop (explore.ts), but for where the parent's words go back into
    // `scratch` (`restoreParent`): after the successor's record is encoded from there.
    for (let ei = 0; ei < events.length; ei++) {
      const e = events[ei];
      const raw = x.build(s, e, ei);
      const next = canon ? canon(raw) : raw;
      const moved = next !== raw;
      let tbad = moved ? inv.checkTransition(s, e, raw) : 0;
      const w = model.words(next);
      const nd = moved && stepOnto ? stepper.stepOnto(w) : stepper.step(w);
      if (!moved) tbad = inv.checkTransitionTouched(s, e, kernel && w !== scratch ? model.fromWords(scratch) : next, touched[0]);
      masks[nCand] = tbad | (touched[0] & alwaysBits);
      his[nCand] = fp[0];
      los[nCand] = fp[1];
      cand.push(w);
      if (stepOnto) stepper.restoreParent(nd);
      nCand++;
    }
    xhead++;
  };

  /**
   * Resolves every candidate against the visited run and the pending states: `dsts[c]` is the
   * successor's id, `fresh[c]` 1 where candidate c numbers a new state. Writes the next run.
   */
  const resolve = (): void => {
    const n = nCand;
    // Group the candidates by fingerprint in a hash table of the buffer's size: dsts[c] =
    // -1 - (the group's first candidate), which comes first in generation order.
    // Sized for all n at once (it never grows): plain segments (fptable.ts, reserveSlots 0).
    const groups = new FingerprintTable(Math.ceil(n / 64 / 0.7) + 2, 0);
    let u = 0;
    for (let c = 0; c < n; c++) {
      const r = groups.getOrInsert(his[c], los[c], c);
      if (r < 0) {
        dsts[c] = -1 - c;
        u++;
      } else dsts[c] = -1 - r;
    }
    // The groups' fingerprints as unsigned 64-bit keys (high half, low half), sorted natively.
    if (u > keyBuf.length) {
      keyBuf = new BigUint64Array(Math.max(u, keyBuf.length * 2));
      key32 = new Uint32Array(keyBuf.buffer);
    }
    for (let c = 0, j = 0; c < n; c++) {
      if (dsts[c] !== -1 - c) continue;
      key32[2 * j + LO] = los[c];
      key32[2 * j + HI] = his[c];
      j++;
    }
    keyBuf.subarray(0, u).sort();
    // The known stream, in fingerprint order: the old run merged with the pending states,
    // written out as the next run as it is read.
    const reader = run >= 0 ? new RunReader(store, run, runSize) : null;
    const writer = new RunWriter(store, disk);
    let p = 0;
    let kh = 0;
    let kl = 0;
    let kid = 0;
    let kdone = false;
    const advanceKnown = (): void => {
      const fromRun = reader !== null && !reader.done;
      const fromPending = p < pHi.length;
      if (!fromRun && !fromPending) {
        kdone = true;
        return;
      }
      let takeRun = fromRun;
      if (fromRun && fromPending) takeRun = reader!.hi < pHi[p] || (reader!.hi === pHi[p] && reader!.lo < pLo[p]);
      if (takeRun) {
        kh = reader!.hi;
        kl = reader!.lo;
        kid = reader!.id;
        reader!.next();
      } else {
        kh = pHi[p];
        kl = pLo[p];
        kid = pId[p];
        p++;
      }
      writer.add(kh, kl, kid);
    };
    advanceKnown();
    let newGroups = 0;
    for (let j = 0; j < u; j++) {
      const h = key32[2 * j + HI];
      const l = key32[2 * j + LO];
      const first = groups.get(h, l);
      // order[j]: the first candidate of the j-th group in fingerprint order.
      order[j] = first;
      while (!kdone && (kh < h || (kh === h && kl < l))) advanceKnown();
      // A group found in the run takes its id (on its first candidate; the others follow it below).
      if (!kdone && kh === h && kl === l) dsts[first] = kid;
      else newGroups++;
    }
    while (!kdone) advanceKnown();
    const size = writer.finish();
    if (run >= 0) {
      store.remove(run);
      disk.sub(runSize);
    }
    run = writer.file;
    runSize = size;

    // Number the new states in the order of their first candidate; the others take their group's id.
    let nextId = core.count;
    for (let c = 0; c < n; c++) {
      const v = dsts[c];
      fresh[c] = 0;
      if (v >= 0) continue;
      const r = -1 - v;
      if (r === c) {
        dsts[c] = nextId++;
        fresh[c] = 1;
      } else dsts[c] = dsts[r];
    }
    // The states numbered here are pending until the next merge writes them into the run.
    pHi = new Uint32Array(newGroups);
    pLo = new Uint32Array(newGroups);
    pId = new Int32Array(newGroups);
    let q = 0;
    for (let j = 0; j < u; j++) {
      const c = order[j];
      if (fresh[c] === 0) continue;
      pHi[q] = his[c];
      pLo[q] = los[c];
      pId[q] = dsts[c];
      q++;
    }
    merges++;
  };

  /** Hands the buffer to the core, in id order; false when the run stopped there. */
  const replay = (): boolean => {
    let c = 0;
    let shifted = 0;
    let ok = true;
    for (let k = 0; k < nStates && ok; k++) {
      const id = core.begin();
      const deg = degs[k];
      if (deg === 0) core.terminal(id, TERMINAL | fins[k]);
      // The state's `always` verdicts: a new successor keeps those whose words the step left as they were.
      const parentBad = deg > 0 ? core.flags.get(id) : 0;
      const d = core.depth + 1;
      for (let ei = 0; ei < deg; ei++, c++) {
        const w = cand.shift();
        shifted++;
        const isNew = fresh[c] === 1;
        const dst = dsts[c];
        if (isNew) {
          if (core.full) {
            core.stopFull();
            ok = false;
            break;
          }
          queue.push(w, his[c], los[c]);
          if (core.newState(id, ei, inv.checkAlwaysTouched(model.fromWords(w), parentBad, masks[c]), d) !== dst) {
            throw new Error('spilling explorer: a merge numbered a state out of order');
          }
        }
        if (!core.edge(id, ei, dst, masks[c] & transitionBits, isNew)) {
          ok = false;
          break;
        }
      }
      if (ok && !core.end()) ok = false;
    }
    // Skip the records of candidates not handed over (the run is over then anyway).
    for (; shifted < nCand; shifted++) cand.shift();
    nStates = 0;
    nCand = 0;
    return ok;
  };

  let finished = false;
  let sincePoll = 0;
  let pressed = false;

  const advance = (budget: number): boolean => {
    if (finished) return true;
    let done = 0;
    for (;;) {
      if (core.halted) break;
      const canExpand = xhead < core.count && nCand < B && nStates < B;
      if (canExpand && !pressed) {
        if (done >= budget) return false;
        expandOne();
        done++;
        if (spill.pressure && ++sincePoll >= opt.pollEvery) {
          sincePoll = 0;
          pressed = spill.pressure();
        }
        continue;
      }
      pressed = false;
      if (nStates === 0) {
        if (canExpand) continue;
        break;
      }
      resolve();
      if (!replay()) break;
    }
    finished = true;
    x.release();
    core.finish();
    return true;
  };

  let built: StateGraph | null = null;
  const graph = (): StateGraph => {
    if (!finished) throw new Error('explore: graph() before advance() returned true');
    if (built) return built;
    built = core.graph(canon !== null, core.storeBytes(bufferBytes()), cand.peakBytes + queue.memoryBytes);
    return built;
  };

  const dispose = (): void => {
    queue.dispose();
    if (run >= 0) {
      store.remove(run);
      disk.sub(runSize);
      run = -1;
    }
  };

  return {
    advance,
    graph,
    notLayered: () => core.notLayered,
    dispose,
    get merges() {
      return merges;
    },
    get diskPeakBytes() {
      return disk.peak;
    },
  };
}
