/**
 * The expansion of one state, as both in-memory schedulers do it (explore.ts, one thread;
 * parallel/expand.ts, each of N threads): its enabled events (with the successors the model
 * built while computing them), and per event the successor (the model's fastest path), the
 * transition invariants, the canonical form, the fingerprint from the parent's with the words
 * where the two differ, and for a new successor its `always` verdicts from the parent's; the
 * transition invariants only where the step changed a word they watch.
 * What a scheduler does with a successor (its table, its queue or level store, the core) is its
 * own; how a successor is made and checked is this, so that the schedulers cannot drift apart.
 *
 * With the WebAssembly kernel and a model that builds a successor on a copy of its parent
 * (Model.stepOnto), the kernel's child buffer (`stepper.scratch`) holds the parent between
 * successors: the scheduler writes the parent there when it decodes one (the one-thread queue's
 * kernel decoding does it, FingerprintStepper.keepParentInScratch), and `step` leaves it
 * there, the successor's differing words kept aside (`stepper.saved`) for `childInScratch`.
 * The model is given the kernel's memory (Model.useMemory), where the parent and the
 * successors it builds in `scratch` live, and the buffers it asked for there
 * (Model.memoryBuffers), until `release`.
 */
import { FingerprintStepper } from './fingerprint.js';
import { InvariantSets } from './invariant-sets.js';
import type { Model } from './model.js';

export class Expansion<S, E> {
  readonly stepper: FingerprintStepper;
  readonly inv: InvariantSets<S, E>;
  /** Whether successors are built on the parent in `stepper.scratch` (Model.stepOnto with the kernel). */
  readonly onto: boolean;
  /** The model's paths, bound: canonicalize (with symmetry), stepOnto (with `onto`), stepInto, enabledWithSuccessors. */
  readonly canon: ((s: S) => S) | null;
  readonly stepOnto: ((s: S, e: E, out: Int32Array) => S) | null;
  readonly stepInto: ((s: S, e: E, out: Int32Array) => S) | null;
  readonly withSuccessors: ((s: S, after: (S | null)[]) => readonly E[]) | null;
  /** Successors the model built while computing the enabled events (see Model.enabledWithSuccessors). */
  readonly known: (S | null)[] = [];
  private readonly scratch: Int32Array;
  private readonly diff: Int32Array;
  /** Whether the WebAssembly kernel steps (its buffers are in its memory). */
  private readonly kernel: boolean;
  /** The stepper's `touched`: which invariants read or watch a word the last step changed. */
  readonly touched: Int32Array;
  /** The state expanded: its words (the stepper's parent buffer) and its `always` verdicts. */
  private readonly parent: Int32Array;
  parentAlways = 0;
  /** The last successor `step` made: canonical, its words, and how many words differ from the parent (`stepper.diff`). */
  next: S | null = null;
  words: Int32Array;
  changed = 0;

  constructor(
    private readonly model: Model<S, E>,
    symmetry: boolean,
  ) {
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
    this.diff = stepper.diff;
    this.parent = stepper.base;
    this.words = stepper.scratch;
    this.kernel = stepper.usesKernel;
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

  /**
   * The successor of `s` by `e`, the event at index `ei` of `events(s)`: canonical in `next`,
   * its words in `words`, its fingerprint in `stepper.fp`, the words where it differs from `s`
   * in `stepper.diff` (`changed` of them), the invariants they concern in `touched`. Returns the
   * transition invariants' mask. With `onto`, `scratch` holds `s` again afterwards.
   */
  step(s: S, e: E, ei: number): number {
    const { model, scratch } = this;
    const raw = this.build(s, e, ei);
    const next = this.canon ? this.canon(raw) : raw;
    const w = model.words(next);
    this.next = next;
    this.words = w;
    const stepper = this.stepper;
    // A canonical form other than the successor as built (symmetry) differs from the parent in
    // other words than the step's: then every transition invariant, on the successor as built.
    if (next !== raw) {
      const tbad = this.inv.checkTransition(s, e, raw);
      this.changed = this.onto ? stepper.stepOnto(w) : stepper.step(w);
      return tbad;
    }
    // Else the successor is stepped first, and only the transition invariants that watch a word
    // the step changed are evaluated (docs/explorer.md, "Transition invariants from what the step
    // changed"): with the kernel on the successor in `scratch`, which the model's may not be. With
    // `onto` the parent's words then go back into `scratch` (the successor's kept aside), as
    // `stepOnto` leaves it.
    const n = stepper.step(w);
    this.changed = n;
    const tbad = this.inv.checkTransitionTouched(s, e, this.kernel && w !== scratch ? model.fromWords(scratch) : next, this.touched[0]);
    if (this.onto) stepper.restoreParent(n);
    return tbad;
  }

  /**
   * Makes `words` hold the last successor again where `step` put the parent back (with `onto`,
   * a successor built in `scratch`); true when it did so, and `parentInScratch` must follow.
   */
  childInScratch(): boolean {
    if (!this.onto || this.words !== this.scratch) return false;
    const { scratch, diff, changed } = this;
    const saved = this.stepper.saved;
    for (let j = 0; j < changed; j++) scratch[diff[j]] = saved[j];
    return true;
  }

  /** After `childInScratch`: `scratch` holds the parent again. */
  parentInScratch(): void {
    const { scratch, diff, changed, parent } = this;
    for (let j = 0; j < changed; j++) {
      const i = diff[j];
      scratch[i] = parent[i];
    }
  }

  /**
   * The `always` verdicts of the last successor, `child` (`next`, or the same words elsewhere:
   * `next` itself only while its words hold it, see `childInScratch`), from the parent's
   * (`parentAlways`, set by the scheduler) and the words the step changed.
   */
  always(child: S): number {
    return this.inv.checkAlwaysTouched(child, this.parentAlways, this.touched[0]);
  }
}
