/** A model's invariants split by kind, evaluated to bit masks (bit i: invariant i fails). */
import type { Model } from './model.js';

/** A transition invariant as InvariantSets calls it. */
interface TransitionHolds<S, E> {
  holds(before: S, e: E, after: S, parts: number): boolean;
}

export class InvariantSets<S, E> {
  private readonly always: number[] = [];
  private readonly finals: number[] = [];
  private readonly transitions: number[] = [];
  /** Bits of the `always` invariants. */
  readonly alwaysBits: number = 0;
  /** Bits of the transition invariants (disjoint from `alwaysBits`: one bit per invariant). */
  readonly transitionBits: number = 0;
  /**
   * Per word of the state: the `always` invariants (bits) that declare they read it
   * (AlwaysInvariant.reads) and the transition invariants that declare they watch it
   * (TransitionInvariant.watches); null when none declares anything.
   */
  readonly wordMasks: Int32Array | null = null;
  /** The `always` invariants that declare nothing: evaluated on every state. */
  private readonly everyState: number = 0;
  /** The transition invariants that declare nothing: evaluated on every edge. */
  private readonly everyEdge: number = 0;
  /**
   * Per invariant (by index): `holds`' `parts` is (touched >>> partShift[i]) | partHigh[i]
   * (TransitionInvariant.parts): shift 0 and high -1 (so -1) without parts; else the bit of its
   * part 0 and the bits past those it has (set).
   */
  private readonly partShift: number[] = [];
  private readonly partHigh: number[] = [];
  /**
   * The transition invariant most likely evaluated on an edge (`hotIndex`; null and -1 without
   * transition invariants): the first that watches no word (evaluated on every edge), else the
   * first of those that watch the most words. checkTransitionTouched calls it at a call site of
   * its own: at the one call site of all, V8's call feedback saw several `holds` and every call
   * went through its generic call builtins; at its own the call is direct, or inlined
   * (docs/explorer.md, "The explorer's JavaScript per transition"). Only which call site calls an
   * invariant depends on it, not which invariants are evaluated or in what order.
   */
  private readonly hot: TransitionHolds<S, E> | null = null;
  private readonly hotIndex: number = -1;
  /**
   * `hot`'s bit (0 without transition invariants) and its `parts` shift and high bits
   * (partShift[hotIndex], partHigh[hotIndex]) as fields of their own: an edge whose only
   * transition invariant to evaluate is `hot` (nearly every edge of ack-flush) is one compare and
   * one call in checkTransitionTouched, without checkTransitionBits' loop, its lowest-bit search
   * and its two array reads (docs/explorer.md, "`lifecycle-legal`'s call from the explorer").
   */
  private readonly hotBit: number = 0;
  private readonly hotShift: number = 0;
  private readonly hotHigh: number = -1;

  // Set by the constructor: `declare`d (docs/explorer.md, "Class fields V8 can keep untagged").
  declare private readonly model: Model<S, E>;

  constructor(model: Model<S, E>) {
    this.model = model;
    model.invariants.forEach((inv, i) =>
      (inv.kind === 'always' ? this.always : inv.kind === 'final' ? this.finals : this.transitions).push(i),
    );
    let masks: Int32Array | null = null;
    const declare = (name: string, i: number, words: readonly number[], verb: string): void => {
      masks ??= new Int32Array(model.stateWords);
      for (const w of words) {
        if (!Number.isInteger(w) || w < 0 || w >= model.stateWords) {
          throw new RangeError(`model ${model.name}: invariant '${name}' ${verb} word ${w}, outside the state's ${model.stateWords} words`);
        }
        masks[w] |= 1 << i;
      }
    };
    for (const i of this.always) {
      const inv = model.invariants[i];
      this.alwaysBits |= 1 << i;
      const reads = inv.kind === 'always' ? inv.reads : undefined;
      if (reads === undefined) this.everyState |= 1 << i;
      else declare(inv.name, i, reads, 'reads');
    }
    for (const i of this.transitions) {
      const inv = model.invariants[i];
      this.transitionBits |= 1 << i;
      const watches = inv.kind === 'transition' ? inv.watches : undefined;
      if (watches === undefined) this.everyEdge |= 1 << i;
      else declare(inv.name, i, watches, 'watches');
    }
    // The parts' bits follow the invariants' (one bit per invariant): part j of an invariant at
    // bit first + j, the parts past the bits left at the last one.
    for (let i = 0; i < model.invariants.length; i++) {
      this.partShift.push(0);
      this.partHigh.push(-1);
    }
    let next = model.invariants.length;
    for (const i of this.transitions) {
      const inv = model.invariants[i];
      if (inv.kind !== 'transition' || inv.parts === undefined || inv.parts.length === 0 || next >= 32) continue;
      const first = next;
      const width = Math.min(inv.parts.length, 32 - first);
      inv.parts.forEach((words, j) => declare(`${inv.name}' part '${j}`, first + Math.min(j, width - 1), words, 'has'));
      this.partShift[i] = first;
      this.partHigh[i] = -1 << width;
      next += width;
    }
    this.wordMasks = masks;
    let hotWords = -1;
    for (const i of this.transitions) {
      const inv = model.invariants[i];
      const words = inv.kind !== 'transition' ? 0 : inv.watches === undefined ? Infinity : inv.watches.length;
      if (words > hotWords) {
        hotWords = words;
        this.hotIndex = i;
        this.hot = inv as TransitionHolds<S, E>;
      }
    }
    if (this.hotIndex >= 0) {
      this.hotBit = 1 << this.hotIndex;
      this.hotShift = this.partShift[this.hotIndex];
      this.hotHigh = this.partHigh[this.hotIndex];
    }
  }

  /**
   * The `parts` argument of invariant i's `holds` for a step whose `touchedBy` is `touched`
   * (-1, unknown, gives -1: the invariant's bits and those past them all set).
   * checkTransitionTouched writes this expression out (a call there pushed the stepper's `step`
   * out of the explorer's inlined loop: docs/explorer.md, "`lifecycle-legal`: work per transition").
   */
  partsOf(i: number, touched: number): number {
    return (touched >>> this.partShift[i]) | this.partHigh[i];
  }

  /** The OR of `wordMasks` over the positions diff[0, n) (what FingerprintStepper.watch computes in its step). */
  touchedBy(diff: Int32Array, n: number): number {
    const masks = this.wordMasks;
    let touched = 0;
    if (masks !== null) for (let j = 0; j < n; j++) touched |= masks[diff[j]];
    return touched;
  }

  checkAlways(s: S): number {
    const invs = this.model.invariants;
    let mask = 0;
    for (let k = 0; k < this.always.length; k++) {
      const i = this.always[k];
      if (!(invs[i] as { holds(s: S): boolean }).holds(s)) mask |= 1 << i;
    }
    return mask;
  }

  /**
   * `checkAlways(s)` for a successor `s` of a state whose `always` mask is `parentMask` (its
   * flags; other bits are ignored), where `diff[0, n)` are all the positions at which the two
   * states' words differ. An invariant that declares what it reads (AlwaysInvariant.reads),
   * none of which changed, is a function of equal words: its verdict is the parent's. The others
   * are evaluated.
   */
  checkAlwaysAfter(s: S, parentMask: number, diff: Int32Array, n: number): number {
    return this.checkAlwaysTouched(s, parentMask, this.touchedBy(diff, n));
  }

  /** `checkAlwaysAfter` given `touchedBy(diff, n)` (the stepper's `touched`, say). */
  checkAlwaysTouched(s: S, parentMask: number, touched: number): number {
    const t = (touched | this.everyState) & this.alwaysBits;
    let mask = parentMask & this.alwaysBits & ~t;
    if (t === 0) return mask;
    const invs = this.model.invariants;
    // The invariants of t's bits, lowest first (the order of `always`): a step concerns few of
    // them (two of six on an ack), so this loop visits only those (docs/explorer.md, "The
    // model's work per transition, again").
    for (let r = t; r !== 0; r &= r - 1) {
      const i = 31 - Math.clz32(r & -r);
      if (!(invs[i] as { holds(s: S): boolean }).holds(s)) mask |= 1 << i;
    }
    return mask;
  }

  checkFinal(s: S): number {
    const invs = this.model.invariants;
    let mask = 0;
    for (let k = 0; k < this.finals.length; k++) {
      const i = this.finals[k];
      if (!(invs[i] as { holds(s: S): boolean }).holds(s)) mask |= 1 << i;
    }
    return mask;
  }

  checkTransition(before: S, e: E, after: S): number {
    const invs = this.model.invariants;
    let mask = 0;
    for (let k = 0; k < this.transitions.length; k++) {
      const i = this.transitions[k];
      if (!(invs[i] as { holds(b: S, e: E, a: S, parts: number): boolean }).holds(before, e, after, -1)) mask |= 1 << i;
    }
    return mask;
  }

  /**
   * `checkTransition(before, e, after)` where `diff[0, n)` are all the positions at which the
   * two states' words differ. A transition invariant that declares the words it watches
   * (TransitionInvariant.watches), none of which changed, holds; the others are evaluated.
   */
  checkTransitionAfter(before: S, e: E, after: S, diff: Int32Array, n: number): number {
    return this.checkTransitionTouched(before, e, after, this.touchedBy(diff, n));
  }

  /**
   * `checkTransitionAfter` given `touchedBy(diff, n)` (the stepper's `touched`, say), from which
   * each invariant evaluated also receives the bits of its parts (TransitionInvariant.parts).
   */
  checkTransitionTouched(before: S, e: E, after: S, touched: number): number {
    // A step that touched no transition invariant costs a test; one that touched only `hot`
    // (nearly every edge of ack-flush: lifecycle-legal), a compare and its call, which V8 inlines
    // here; the others go through checkTransitionBits' loop.
    const t = (touched | this.everyEdge) & this.transitionBits;
    if (t === 0) return 0;
    // Only `hot` (t is not 0, so hotBit is not 0 and `hot` is set): checkTransitionBits' answer
    // for this t, written out.
    if (t === this.hotBit) return this.hot!.holds(before, e, after, (touched >>> this.hotShift) | this.hotHigh) ? 0 : t;
    return this.checkTransitionBits(before, e, after, touched, t);
  }

  /** checkTransitionTouched's invariants, of the bits `t` (not 0). */
  private checkTransitionBits(before: S, e: E, after: S, touched: number, t: number): number {
    const invs = this.model.invariants;
    let mask = 0;
    // The invariants of t's bits, lowest first (the order of `transitions`), as checkAlwaysTouched.
    for (let r = t; r !== 0; r &= r - 1) {
      const i = 31 - Math.clz32(r & -r);
      const parts = (touched >>> this.partShift[i]) | this.partHigh[i];
      // The likeliest at a call site of its own (see `hot`).
      if (i === this.hotIndex) {
        if (!this.hot!.holds(before, e, after, parts)) mask |= 1 << i;
      } else if (!(invs[i] as TransitionHolds<S, E>).holds(before, e, after, parts)) {
        mask |= 1 << i;
      }
    }
    return mask;
  }
}
