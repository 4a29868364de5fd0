/**
 * Validating a trace against the protocol: fold the model's own guard and step over the
 * events from the initial state, checking every invariant on the way. The verdict names the
 * first line the protocol does not allow (and why), or the first line after which an
 * invariant fails. The scenario only supplies the bounds and settings: any event the
 * protocol allows may appear, in any order, as long as it stays within the bounds the
 * header declares (the state is laid out for them); an event beyond them diverges, naming
 * the bound.
 *
 * At the end, as the checker does on a terminal state: when nothing is left enabled, the
 * `final` invariants (no-loss, ...) are checked on the last state, and a violation is
 * reported on the last line; otherwise the result says they were not checked and which
 * events were still pending.
 */
import type { Observation } from '../model/observations.js';
import type { Event } from '../model/events.js';
import { explain } from '../model/explain.js';
import type { PopModel } from '../model/popmodel.js';
import { applyNarrated } from '../model/step.js';
import type { State } from '../model/state.js';
import type { Note } from '../model/protocol/context.js';
import type { TraceLine } from './read.js';

export interface ReplayStep {
  readonly line: number;
  readonly event: Event;
  readonly notes: readonly Note[];
  /** What the step did, typed (model/observations.ts); `notes` are their rendering. */
  readonly observations: readonly Observation[];
}

/** Whether the final invariants were checked at the end of the trace. */
export interface FinalCheck {
  /** True when the trace ended in a quiescent state (no event enabled) and the final invariants were checked. */
  readonly checked: boolean;
  /** The final invariants of the model (checked or not). */
  readonly invariants: readonly string[];
  /** Why they were not checked (null when they were). */
  readonly reason: string | null;
  /** Events still enabled at the end (at most 5 shown), when not quiescent. */
  readonly pending: readonly Event[];
  readonly pendingCount: number;
}

export interface ReplayResult {
  readonly verdict: 'conforms' | 'diverges' | 'violated';
  readonly eventsUsed: number;
  /** The line the protocol does not allow, and the guard that refused it. */
  readonly divergence: { readonly line: number; readonly event: Event; readonly reason: string } | null;
  /** Invariants violated, each at the first line after which it failed. */
  readonly violations: readonly { readonly invariant: string; readonly line: number; readonly explanation: readonly string[] }[];
  readonly steps: readonly ReplayStep[];
  readonly final: State;
  /** The final invariants at the end of the trace (null when the trace diverged). */
  readonly finalCheck: FinalCheck | null;
}

const SHOW_PENDING = 5;

export function replay(model: PopModel, events: readonly TraceLine[], headerLine = 1): ReplayResult {
  let s = model.initialStates()[0];
  const steps: ReplayStep[] = [];
  const violations: { invariant: string; line: number; explanation: string[] }[] = [];
  const seen = new Set<string>();
  let prev: State | undefined;
  const diverge = (line: number, event: Event, reason: string): ReplayResult => ({
    verdict: 'diverges',
    eventsUsed: steps.length,
    divergence: { line, event, reason },
    violations,
    steps,
    final: s,
    finalCheck: null,
  });
  for (const { line, event } of events) {
    const why = model.why(s, event);
    if (why !== null) return diverge(line, event, why.startsWith('bound reached') ? (boundNamed(model, s, event) ?? why) : why);
    const over = model.exceeds(s, event);
    if (over !== null) return diverge(line, event, over);
    const before = s;
    let applied;
    try {
      applied = applyNarrated(s, { L: model.ctx.L, s: model.ctx.s }, event);
    } catch (err) {
      const msg = (err as Error).message;
      if (!msg.startsWith('model bound exceeded')) throw err;
      return diverge(line, event, `exceeds the bounds: ${msg.replace(/^model bound exceeded: /, '')} (raise the bounds)`);
    }
    prev = before;
    s = applied.state;
    steps.push({ line, event, notes: applied.notes, observations: applied.observations });
    for (const inv of model.invariants) {
      if (seen.has(inv.name)) continue;
      const ok = inv.kind === 'always' ? inv.holds(s) : inv.kind === 'transition' ? inv.holds(before, event, s) : true;
      if (!ok) {
        seen.add(inv.name);
        violations.push({ invariant: inv.name, line, explanation: explain(inv.name, s, model.ctx, before, event) });
      }
    }
  }
  const finals = model.invariants.filter((i) => i.kind === 'final');
  const pending = model.enabledEvents(s);
  let finalCheck: FinalCheck;
  if (pending.length === 0) {
    const lastLine = events.length > 0 ? events[events.length - 1].line : headerLine;
    for (const inv of finals) {
      if (seen.has(inv.name) || inv.kind !== 'final' || inv.holds(s)) continue;
      seen.add(inv.name);
      violations.push({ invariant: inv.name, line: lastLine, explanation: explain(inv.name, s, model.ctx, prev, steps.at(-1)?.event) });
    }
    finalCheck = { checked: true, invariants: finals.map((i) => i.name), reason: null, pending: [], pendingCount: 0 };
  } else {
    finalCheck = {
      checked: false,
      invariants: finals.map((i) => i.name),
      reason: `the trace ended with ${pending.length} event(s) still enabled, so it is not at rest`,
      pending: pending.slice(0, SHOW_PENDING),
      pendingCount: pending.length,
    };
  }
  return { verdict: violations.length > 0 ? 'violated' : 'conforms', eventsUsed: steps.length, divergence: null, violations, steps, final: s, finalCheck };
}

/** For an event the layout has no room for: the bound the trace exceeds, when the scenario can name it. */
function boundNamed(model: PopModel, s: State, event: Event): string | null {
  try {
    return model.exceeds(s, event);
  } catch {
    return null; // the scenario's dry run of a refused event: keep the guard's reason
  }
}
