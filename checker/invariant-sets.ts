/** A model's invariants split by kind, evaluated to bit masks (bit i: invariant i fails). */
import type { Model } from './model.js';

export class InvariantSets<S, E> {
  private readonly always: number[] = [];
  private readonly finals: number[] = [];
  private readonly transitions: number[] = [];
  /** Bits of the `always` invariants. */
  private readonly alwaysBits: number = 0;
  /**
   * Per word of the state: the `always` invariants (bits) that declare they read it
   * (AlwaysInvariant.reads); null when none declares what it reads.
   */
  private readonly readers: Int32Array | null = null;
  /** The `always` invariants that declare nothing: evaluated on every state. */
  private readonly everyState: number = 0;

  constructor(private readonly model: Model<S, E>) {
    model.invariants.forEach((inv, i) =>
      (inv.kind === 'always' ? this.always : inv.kind === 'final' ? this.finals : this.transitions).push(i),
    );
    let readers: Int32Array | null = null;
    for (const i of this.always) {
      const inv = model.invariants[i];
      this.alwaysBits |= 1 << i;
      const reads = inv.kind === 'always' ? inv.reads : undefined;
      if (reads === undefined) {
        this.everyState |= 1 << i;
        continue;
      }
      readers ??= new Int32Array(model.stateWords);
      for (const w of reads) {
        if (!Number.isInteger(w) || w < 0 || w >= model.stateWords) {
          throw new RangeError(`model ${model.name}: invariant '${inv.name}' reads word ${w}, outside the state's ${model.stateWords} words`);
        }
        readers[w] |= 1 << i;
      }
    }
    this.readers = readers;
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
    const readers = this.readers;
    if (readers === null) return this.checkAlways(s);
    let touched = this.everyState;
    for (let j = 0; j < n; j++) touched |= readers[diff[j]];
    let mask = parentMask & this.alwaysBits & ~touched;
    if (touched === 0) return mask;
    const invs = this.model.invariants;
    for (let k = 0; k < this.always.length; k++) {
      const i = this.always[k];
      if ((touched & (1 << i)) !== 0 && !(invs[i] as { holds(s: S): boolean }).holds(s)) mask |= 1 << i;
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
      if (!(invs[i] as { holds(b: S, e: E, a: S): boolean }).holds(before, e, after)) mask |= 1 << i;
    }
    return mask;
  }
}
