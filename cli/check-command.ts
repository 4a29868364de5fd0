/**
 * `popcheck check`: load -> build the model -> explore (sequentially, or with --workers N
 * in parallel) -> report. Returns the report as data; only main.ts prints and exits.
 */
import { checkGraph, startExplore, type CheckResult, type ExploreOptions, type Progress, type StopReason } from '../checker/index.js';
import type { Event } from '../model/events.js';
import { explain } from '../model/explain.js';
import { narrate, type NarratedStep } from '../model/narrate.js';
import { buildPopModel, ModelArgsError } from '../model/factory.js';
import type { ModelIdentity } from '../model/identity.js';
import type { PopModel } from '../model/popmodel.js';
import type { Settings } from '../model/settings.js';
import type { State } from '../model/state.js';
import { flagOf, type CheckArgs } from './args.js';
import { FileSpillStore } from './spill-store.js';
import { UsageError } from './errors.js';
import { FACTORY_MODULE } from './factory-module.js';
import { knownBugsOf, type KnownBug } from '../traces/catalogue-match.js';

export interface ViolationReport {
  readonly invariant: string;
  readonly kind: string;
  readonly description: string;
  readonly length: number;
  readonly violatingInterleavings: string | null;
  readonly explanation: readonly string[];
  readonly counterexample: { readonly steps: readonly NarratedStep[] };
  /** Catalogue bugs whose fix alone removes this counterexample (traces/catalogue-match.ts's knownBugsOf). */
  readonly knownBugs: readonly KnownBug[];
}

export interface CheckReport {
  readonly verdict: 'holds' | 'violated' | 'incomplete';
  readonly rocketmq: string;
  readonly scenario: string;
  readonly messages: number;
  readonly bounds: string;
  readonly batchAck: boolean;
  readonly settings: Settings;
  readonly invariants: readonly string[];
  readonly invariant: string | null;
  readonly complete: boolean;
  readonly stopReason: string | null;
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly terminalStates: number;
  readonly interleavings: string | null;
  readonly violatingInterleavings: string | null;
  readonly symmetry: boolean;
  readonly elapsedMs: number;
  readonly statesPerSecond: number;
  readonly storeBytes: number;
  readonly bytesPerState: number;
  /** Peak resident set size of the process when the report was made; null: the shell cannot tell. */
  readonly peakRssBytes: number | null;
  /** peakRssBytes / states: what a state cost the whole process, next to the store's bytesPerState. */
  readonly rssBytesPerState: number | null;
  readonly collisionProbability: number;
  readonly counterexample: { readonly steps: readonly NarratedStep[] } | null;
  readonly violations: readonly ViolationReport[];
  /** With `--spill-dir`: what the run kept on disk (null: everything in memory). */
  readonly spill: SpillReport | null;
}

export interface SpillReport {
  /** Successors held in memory between two merges (`--spill-buffer`). */
  readonly bufferStates: number;
  /** Merges of the buffer with the visited set on disk. */
  readonly merges: number;
  /** Most bytes on disk at once. */
  readonly diskPeakBytes: number;
  /** 'not-layered': the in-memory run would count interleavings from kept edges; this one did not (interleavings null). */
  readonly pathsNotCounted: 'not-layered' | null;
}

export interface Clock {
  now(): number;
  /** Bytes the process uses (for --max-memory); absent: no memory limit can be applied. */
  memory?(): number;
  /** The most bytes the process has used so far (peak RSS); absent: not reported. */
  peakMemory?(): number;
  /** Whether the user asked the run to stop (Ctrl-C, SIGTERM); absent: never. */
  interrupted?(): boolean;
}

/** The model of a (validated) identity; an identity the model refuses names its flag. */
export function buildModel(id: ModelIdentity): PopModel {
  try {
    return buildPopModel(id);
  } catch (err) {
    if (err instanceof ModelArgsError) throw new UsageError(`${flagOf(err.path)}: ${err.message}`);
    throw err;
  }
}


/** Expansions between two turns of the event loop, so that a signal handler can run. */
const SLICE = 1024;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function runCheck(a: CheckArgs, clock: Clock, onProgress?: (p: Progress) => void): Promise<CheckReport> {
  const id = a.model;
  const model = buildModel(id);
  const started = clock.now();
  const deadline = a.timeoutSec === null ? Infinity : started + a.timeoutSec * 1000;
  const overMemory = (): boolean => a.maxMemoryMb !== null && clock.memory !== undefined && clock.memory() > a.maxMemoryMb * 1024 * 1024;
  // With --spill-dir, --max-memory does not stop the run: passing it merges the buffer to disk at once.
  const store = a.spillDir === null ? null : new FileSpillStore(a.spillDir);
  try {
    return await checkWith(a, clock, model, started, {
      maxStates: a.maxStates ?? undefined,
      symmetry: a.symmetry,
      stopAtFirstViolation: a.stopAtFirst,
      shouldStop: (): StopReason | null => {
        if (clock.interrupted?.()) return 'interrupted';
        if (clock.now() > deadline) return 'timeout';
        if (store === null && overMemory()) return 'max-memory';
        return null;
      },
      onProgress,
      pollEvery: SLICE,
      ...(store === null ? {} : { spill: { store, bufferStates: a.spillBuffer, pressure: overMemory } }),
    });
  } finally {
    store?.close();
  }
}

async function checkWith(a: CheckArgs, clock: Clock, model: PopModel, started: number, options: ExploreOptions): Promise<CheckReport> {
  const id = a.model;
  let result: CheckResult<State, Event>;
  if (a.workers === 1) {
    // The explorer is synchronous; run it in slices and give the event loop a turn between
    // them, so that a signal handler can set `interrupted` and the next poll stops the run.
    const run = startExplore(model, options);
    while (!run.advance(SLICE)) await nextTurn();
    result = checkGraph(model, run.graph());
  } else {
    // Loaded only here: a one-thread run does not load the parallel explorer's modules.
    const { checkParallel } = await import('../checker/parallel/index.js');
    result = await checkParallel<State, Event>({ module: FACTORY_MODULE, args: id }, { ...options, workers: a.workers });
  }
  const peak = clock.peakMemory ? clock.peakMemory() : null;
  const elapsedMs = Math.max(0, Math.round(clock.now() - started));
  const violations: ViolationReport[] = result.violations.map((v) => {
    const steps = narrate(model, v.counterexample, a.withStates);
    const last = v.counterexample.steps.at(-1);
    const prev = v.counterexample.steps.length >= 2 ? v.counterexample.steps.at(-2)!.state : v.counterexample.initial;
    const lastState = last ? last.state : v.counterexample.initial;
    return {
      invariant: v.invariant,
      kind: v.kind,
      description: v.description,
      length: v.length,
      violatingInterleavings: v.violatingInterleavings === null ? null : v.violatingInterleavings.toString(),
      explanation: explain(v.invariant, lastState, model.ctx, prev, last?.event),
      counterexample: { steps },
      knownBugs: knownBugsOf(id, model, v.invariant, v.counterexample.steps.map((st) => st.event), buildModel),
    };
  });
  const primary = violations[0] ?? null;
  return {
    verdict: result.verdict,
    rocketmq: id.rocketmq,
    scenario: id.scenario,
    messages: id.messages,
    bounds: model.instance.bounds,
    batchAck: model.ctx.s.enablePopBatchAck,
    settings: model.ctx.s,
    invariants: model.invariants.map((i) => i.name),
    invariant: primary ? primary.invariant : null,
    complete: result.complete,
    stopReason: result.stopReason,
    states: result.states,
    transitions: result.transitions,
    depth: result.depth,
    terminalStates: result.terminalStates,
    interleavings: result.interleavings === null ? null : result.interleavings.toString(),
    violatingInterleavings: primary ? primary.violatingInterleavings : result.interleavings === null ? null : '0',
    symmetry: result.symmetry,
    elapsedMs,
    statesPerSecond: elapsedMs > 0 ? Math.round((result.states * 1000) / elapsedMs) : result.states * 1000,
    storeBytes: result.storeBytes,
    bytesPerState: result.states > 0 ? Math.round((result.storeBytes / result.states) * 10) / 10 : 0,
    peakRssBytes: peak,
    rssBytesPerState: peak === null ? null : result.states > 0 ? Math.round((peak / result.states) * 10) / 10 : 0,
    collisionProbability: result.collisionProbability,
    counterexample: primary ? primary.counterexample : null,
    violations,
    spill: result.graph.spill ?? null,
  };
}
