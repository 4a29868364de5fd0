/**
 * A scenario bound to the protocol: the `Model` the explorer checks. The protocol
 * (guard/apply, invariants) is the same for every scenario; a scenario contributes the
 * settings, the bounds, the initial state and which events are enabled.
 */
import type { Invariant, Model, WasmMemory } from '../checker/model.js';
import type { Event } from './events.js';
import { DEFAULT_INVARIANTS, makeInvariants } from './invariants.js';
import type { Layout } from './layout.js';
import { LifecycleCheck } from './lifecycles.js';
import type { Ctx } from './protocol/context.js';
import type { Settings } from './settings.js';
import * as stepModule from './step.js';
import { asState, type State } from './state.js';

// The step's functions as this module's own: V8's optimizing compiler loads an imported binding
// at every use and checks a function's before each call, and folds a module's own constants
// (docs/explorer.md, "The model's ack path per transition").
const { apply, applyInto, guard } = stepModule;

export interface ScenarioInstance {
  /** e.g. "ack-flush". */
  readonly scenario: string;
  /** Human summary of the bounds, e.g. "N=3". */
  readonly bounds: string;
  readonly release: string;
  readonly settings: Settings;
  readonly layout: Layout;
  readonly initial: readonly State[];
  /**
   * Enabled events in a deterministic order; each must pass `guard`. With `after` (given
   * cleared: empty or all null), the scenario may set `after[i]` to the state `events[i]` leads to when it built
   * that state anyway (a dry run); the state may be the scenario's scratch, valid until its
   * next call.
   */
  enabled(s: State, ctx: Ctx, after?: (State | null)[]): readonly Event[];
  /** Optional symmetry reduction, sound for this scenario's bounds. */
  canonicalize?(s: State, ctx: Ctx): State;
  /**
   * Optional: how many state buffers the scenario builds its dry runs in (`after`'s states); with
   * `useBuffers` it builds them in buffers it is given instead of its own.
   */
  readonly dryRunBuffers?: number;
  /**
   * From now on the dry runs are built in `buffers` (`dryRunBuffers` of them, `layout.words`
   * long: the explorer's, in its memory) and compared with `same` (equal words); null: in the
   * scenario's own buffers again, compared word by word.
   */
  useBuffers?(buffers: readonly Int32Array[] | null, same: ((a: Int32Array, b: Int32Array) => boolean) | null): void;
  /**
   * Why `e`, allowed by the protocol in `s`, needs more than the scenario's bounds give (the
   * state's layout is sized by them), or null. Replays ask it before each event.
   */
  exceeds?(s: State, ctx: Ctx, e: Event): string | null;
}

export class PopModel implements Model<State, Event> {
  // Fields the constructor sets: `declare`d (docs/explorer.md, "Class fields V8 can keep untagged").
  declare readonly instance: ScenarioInstance;
  declare readonly name: string;
  declare readonly stateWords: number;
  declare readonly ctx: Ctx;
  declare readonly invariants: readonly Invariant<State, Event>[];
  readonly canonicalize?: (s: State) => State;
  /** The scenario's dry-run buffers, which the explorer may give it in its memory (Model.memoryBuffers). */
  declare readonly memoryBuffers: number;
  /** `lifecycle-legal`'s check, in WebAssembly on states in the explorer's memory (useMemory). */
  declare private readonly lifecycle: LifecycleCheck;

  constructor(instance: ScenarioInstance, invariantFilter?: (name: string) => boolean) {
    this.instance = instance;
    this.name = `${instance.scenario}(${instance.bounds}, rocketmq ${instance.release})`;
    this.stateWords = instance.layout.words;
    this.ctx = { L: instance.layout, s: instance.settings, notes: null };
    this.lifecycle = new LifecycleCheck(instance.layout);
    this.memoryBuffers = instance.useBuffers ? (instance.dryRunBuffers ?? 0) : 0;
    const all = makeInvariants(this.ctx, this.lifecycle);
    const keep = invariantFilter ?? ((n: string) => (DEFAULT_INVARIANTS as readonly string[]).includes(n));
    this.invariants = all.filter((i) => keep(i.name));
    const canon = instance.canonicalize;
    if (canon) this.canonicalize = (s: State) => canon(s, this.ctx);
  }

  initialStates(): readonly State[] {
    return this.instance.initial;
  }

  enabledEvents(s: State): readonly Event[] {
    return this.instance.enabled(s, this.ctx);
  }

  enabledWithSuccessors(s: State, after: (State | null)[]): readonly Event[] {
    // Cleared by overwriting (cheaper than truncating: the array keeps its backing store).
    for (let i = 0; i < after.length; i++) after[i] = null;
    return this.instance.enabled(s, this.ctx, after);
  }

  step(s: State, e: Event): State {
    return apply(s, this.ctx, e);
  }

  stepInto(s: State, e: Event, out: Int32Array): State {
    out.set(s);
    return applyInto(s, this.ctx, e, out);
  }

  stepOnto(s: State, e: Event, out: Int32Array): State {
    return applyInto(s, this.ctx, e, out);
  }

  /** Why `e`, which the protocol allows in `s`, is beyond the scenario's bounds (null: it is within). */
  exceeds(s: State, e: Event): string | null {
    return this.instance.exceeds ? this.instance.exceeds(s, this.ctx, e) : null;
  }

  /** Why `e` is not enabled by the protocol in `s` (null: it is). */
  why(s: State, e: Event): string | null {
    return guard(s, this.ctx, e);
  }

  words(s: State): Int32Array {
    return s;
  }

  /**
   * `lifecycle-legal` reads the states held in `memory` in WebAssembly (model/wasm/lifecycle.wat);
   * the scenario builds its dry runs in `buffers` there, and compares them with the parent there
   * in WebAssembly too (LifecycleCheck.sameWords).
   */
  useMemory(memory: WasmMemory | null, buffers: readonly Int32Array[] = []): void {
    this.lifecycle.useMemory(memory);
    if (!this.instance.useBuffers) return;
    const given = memory !== null && buffers.length >= this.memoryBuffers && this.memoryBuffers > 0;
    this.instance.useBuffers(given ? buffers : null, given ? (a, b) => this.lifecycle.sameWords(a, b) : null);
  }

  fromWords(w: Int32Array): State {
    return asState(w);
  }
}

/**
 * `model` as the explorer's Model with some parts replaced: the initial states (checking
 * from a state), the invariants (custom ones), the name, and whether symmetry is used. Steps,
 * enabled events and their successors, and the encoding stay the model's own.
 */
export function variantOf(
  model: PopModel,
  parts: {
    readonly name: string;
    readonly initialStates?: readonly State[];
    readonly invariants?: readonly Invariant<State, Event>[];
    /** Keep the model's symmetry reduction (default: yes). */
    readonly symmetric?: boolean;
  },
): Model<State, Event> {
  const canonicalize = parts.symmetric === false ? undefined : model.canonicalize;
  const initial = parts.initialStates;
  return {
    name: parts.name,
    stateWords: model.stateWords,
    invariants: parts.invariants ?? model.invariants,
    initialStates: () => initial ?? model.initialStates(),
    enabledEvents: (s) => model.enabledEvents(s),
    enabledWithSuccessors: (s, after) => model.enabledWithSuccessors(s, after),
    step: (s, e) => model.step(s, e),
    stepInto: (s, e, out) => model.stepInto(s, e, out),
    stepOnto: (s, e, out) => model.stepOnto(s, e, out),
    words: (s) => model.words(s),
    fromWords: (w) => model.fromWords(w),
    memoryBuffers: model.memoryBuffers,
    useMemory: (memory, buffers) => model.useMemory(memory, buffers),
    ...(canonicalize ? { canonicalize: (s: State) => canonicalize(s) } : {}),
  };
}
