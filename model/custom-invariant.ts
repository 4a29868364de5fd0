/**
 * Invariants written over the state record (model/state.ts's StateRecord: CKs, wrappers,
 * the timer, the revive queue, the retry topic, in RocketMQ's words) instead of the state's
 * words, checked by the same explorer. This is how a workshop participant, or anyone trying
 * out a property, adds one without touching model/invariants.ts:
 *
 *   const m = withInvariants(buildPopModel({ scenario: 'ack-flush', messages: 3, rocketmq: '5.3.1' }), [
 *     { name: 'no-double-retry', description: 'no offset is written to the retry topic twice', holds: (r) => r.cks.every((c) => c.retriedAgain.length === 0) },
 *   ]);
 *   check(m).verdict
 *
 * Pure: no IO. A record is built for each state checked (toRecord), so these invariants are
 * slower than the built-in ones; fine for the workshop's state spaces.
 */
import type { Invariant, Model } from '../checker/model.js';
import type { Event } from './events.js';
import { INVARIANT_NAMES } from './invariants.js';
import { variantOf, type PopModel } from './popmodel.js';
import { toRecord, type State, type StateRecord } from './state.js';

/** A named predicate over the state record. */
export interface RecordInvariant {
  /** Unique; not one of the built-in names (model/invariants.ts). Lower-case words with dashes. */
  readonly name: string;
  readonly description: string;
  /**
   * `always` (the default): must hold in every reachable state. `final`: must hold in every
   * state where nothing is left to happen (the scenario is at rest), like no-loss.
   */
  readonly kind?: 'always' | 'final';
  holds(record: StateRecord): boolean;
}

export interface WithInvariantsOptions {
  /** Keep the model's built-in invariants (checked first, in their priority order). Default: true. */
  readonly builtIns?: boolean;
  /**
   * Keep the model's symmetry reduction. Sound only when every predicate treats the offsets of
   * a CK alike (it never singles out "offset 101"); the reduction merges states that differ
   * only by which offset is which. Default: false (the full, unreduced state space).
   */
  readonly symmetric?: boolean;
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Why `invariants` cannot be added to a model with `builtIns`, or null. */
export function invariantsProblem(invariants: readonly RecordInvariant[], builtIns: readonly string[]): string | null {
  const seen = new Set<string>(builtIns);
  if (invariants.length === 0) return 'no invariant given';
  for (const inv of invariants) {
    if (!NAME.test(inv.name)) return `invariant name '${inv.name}' must be lower-case words joined by dashes`;
    if ((INVARIANT_NAMES as readonly string[]).includes(inv.name)) return `invariant name '${inv.name}' is a built-in invariant's`;
    if (seen.has(inv.name)) return `invariant name '${inv.name}' is given twice`;
    if (inv.description.trim() === '') return `invariant '${inv.name}' has no description`;
    if (inv.kind !== undefined && inv.kind !== 'always' && inv.kind !== 'final') return `invariant '${inv.name}': kind must be 'always' or 'final'`;
    seen.add(inv.name);
  }
  return null;
}

/**
 * `model` with `invariants` added after its own (or instead of them, with `builtIns: false`):
 * a checker Model over the same states and steps. Throws a RangeError naming the problem when
 * a name is missing, repeated or a built-in one.
 */
export function withInvariants(model: PopModel, invariants: readonly RecordInvariant[], options: WithInvariantsOptions = {}): Model<State, Event> {
  const builtIns = options.builtIns ?? true;
  const base = builtIns ? model.invariants : [];
  const problem = invariantsProblem(
    invariants,
    base.map((i) => i.name),
  );
  if (problem !== null) throw new RangeError(problem);
  const L = model.ctx.L;
  const added: Invariant<State, Event>[] = invariants.map((inv) => ({
    name: inv.name,
    kind: inv.kind ?? 'always',
    description: inv.description,
    holds: (s: State) => inv.holds(toRecord(s, L)),
  }));
  return variantOf(model, {
    name: `${model.name} with ${invariants.map((i) => i.name).join(', ')}`,
    invariants: [...base, ...added],
    symmetric: options.symmetric === true,
  });
}
