/**
 * How every scheduler (explore.ts, one thread; parallel/expand.ts, each of N threads; spill.ts)
 * expands a state, set up once: the model's paths bound (its enabled events with the
 * successors it built while computing them; the successor by its fastest path), the canonical
 * form, the stepper that fingerprints a successor from the parent's with the words where the two
 * differ and the invariants those words concern (`touched`), and the invariant sets. The
 * schedulers' loops write the per-successor lines out (step, transition invariants where the
 * step changed a word they watch, fingerprint; for a new state its `always` verdicts from the
 * parent's): through methods of this class the one-thread loop took 2% more instructions and the
 * parallel one more again (docs/explorer.md, "The same work per transition as one thread" and
 * "The workers' loop like the one-thread loop"). The parallel tests compare the schedulers'
 * graphs field by field, so that they cannot drift apart.
 *
 * With the WebAssembly kernel and a model that builds a successor on a copy of its parent
 * (Model.stepOnto), the kernel's child buffer (`stepper.scratch`) holds the parent between
 * successors: the scheduler writes the parent there when it decodes one (the one-thread queue's
 * kernel decoding does it, FingerprintStepper.keepParentInScratch), and a step leaves it
 * there, the successor's differing words kept aside (`stepper.saved`).
 * The model is given the kernel's memory (Model.useMemory), where the parent and the
 * successors it builds in `scratch` live, and the buffers it asked for there
 * (Model.memoryBuffers), until `release`.
 */
import { FingerprintStepper } from './fingerprint.js';
import { InvariantSets } from './invariant-sets.js';
import type { Model } from './model.js';

export class Expansion<S, E> {
  // Fields the constructor sets: `declare`d (docs/explorer.md, "Class fields V8 can keep untagged").
  declare readonly stepper: FingerprintStepper;
  declare readonly inv: InvariantSets<S, E>;
  /** Whether successors are built on the parent in `stepper.scratch` (Model.stepOnto with the kernel). */
  declare readonly onto: boolean;
  /** The model's paths, bound: canonicalize (with symmetry), stepOnto (with `onto`), stepInto, enabledWithSuccessors. */
  declare readonly canon: ((s: S) => S) | null;
  declare readonly stepOnto: ((s: S, e: E, out: Int32Array) => S) | null;
  declare readonly stepInto: ((s: S, e: E, out: Int32Array) => S) | null;
  declare readonly withSuccessors: ((s: S, after: (S | null)[]) => readonly E[]) | null;
  /** Successors the model built while computing the enabled events (see Model.enabledWithSuccessors). */
  readonly known: (S | null)[] = [];
  declare private readonly scratch: Int32Array;
  /** The stepper's `touched`: which invariants read or watch a word the last step changed. */
  declare readonly touched: Int32Array;

  declare private readonly model: Model<S, E>;

  constructor(model: Model<S, E>, symmetry: boolean) {
    this.model = model;
    const stepper = new FingerprintStepper(model.stateWords, undefined, model.memoryBuffers ?? 0);
    this.stepper = stepper;
    this.inv = new InvariantSets(model);
    this.canon = symmetry && model.canonicalize ? model.canonicalize.bind(model) : null;
    this.stepOnto = stepper.usesKernel && model.stepOnto ? model.stepOnto.bind(model) : null;
    this.onto = this.stepOnto !== null;
    if (this.onto) stepper.keepParentInScratch();
    this.stepInto = model.stepInto ? model.stepInto.bind(model) : null;
    this.withSuccessors = model.enabledWithSuccessors ? model.enabledWithSuccessors.bind(model) : null;
    this.scratch = stepper.scratch;
    // The stepper ORs, over the words a step changed, the invariants that read or watch each.
    if (this.inv.wordMasks !== null) stepper.watch(this.inv.wordMasks);
    this.touched = stepper.touched;
    // The parent and the successors the model builds in `scratch` are in the kernel's memory.
    if (model.useMemory) model.useMemory(stepper.memory, stepper.spare);
  }

  /** The search is over: the model no longer reads the kernel's memory (Model.useMemory). */
  release(): void {
    if (this.model.useMemory) this.model.useMemory(null, []);
  }

  /** The enabled events of `s` (the state whose words and fingerprint were given to `stepper.setParent`), in order. */
  events(s: S): readonly E[] {
    return this.withSuccessors ? this.withSuccessors(s, this.known) : this.model.enabledEvents(s);
  }

  /**
   * The successor of `s` by `e`, the event at index `ei` of `events(s)`, as the model builds it
   * (before any canonical form): on the parent in `scratch` with `onto`, else in `scratch` or
   * anew. A successor the model built already (a dry run) is copied into `scratch` first with
   * `onto` (the stepper would copy it there anyway): it is then in the kernel's memory for the
   * transition invariants (Model.useMemory) and stepped as a `stepOnto` successor.
   */
  build(s: S, e: E, ei: number): S {
    const { model, stepOnto } = this;
    const built = this.known[ei];
    return built != null
      ? stepOnto
        ? model.fromWords(this.stepper.load(model.words(built)))
        : built
      : stepOnto
        ? stepOnto(s, e, this.scratch)
        : this.stepInto
          ? this.stepInto(s, e, this.scratch)
          : model.step(s, e);
  }
}
