/** A model's invariants split by kind, evaluated to bit masks (bit i: invariant i fails). */
import type { Model } from './model.js';

export class InvariantSets<S, E> {
  private readonly always: number[] = [];
  private readonly finals: number[] = [];
  private readonly transitions: number[] = [];

  constructor(private readonly model: Model<S, E>) {
    model.invariants.forEach((inv, i) =>
      (inv.kind === 'always' ? this.always : inv.kind === 'final' ? this.finals : this.transitions).push(i),
    );
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
