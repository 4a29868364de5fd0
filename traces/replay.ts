/**
 * Validating a trace against the protocol: fold the model's own guard and step over the
 * events from the initial state, checking every invariant on the way. The verdict names the
 * first line the protocol does not allow (and why), or the first line after which an
 * invariant fails. The scenario only supplies the bounds and settings: any event the
 * protocol allows may appear, in any order.
 */
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
}

export function replay(model: PopModel, events: readonly TraceLine[]): ReplayResult {
  let s = model.initialStates()[0];
  const steps: ReplayStep[] = [];
  const violations: { invariant: string; line: number; explanation: string[] }[] = [];
  const seen = new Set<string>();
  for (const { line, event } of events) {
    const why = model.why(s, event);
    if (why !== null) {
      return { verdict: 'diverges', eventsUsed: steps.length, divergence: { line, event, reason: why }, violations, steps, final: s };
    }
    const before = s;
    const { state, notes } = applyNarrated(s, { L: model.ctx.L, s: model.ctx.s }, event);
    s = state;
    steps.push({ line, event, notes });
    for (const inv of model.invariants) {
      if (seen.has(inv.name)) continue;
      const ok = inv.kind === 'always' ? inv.holds(s) : inv.kind === 'transition' ? inv.holds(before, event, s) : true;
      if (!ok) {
        seen.add(inv.name);
        violations.push({ invariant: inv.name, line, explanation: explain(inv.name, s, model.ctx, before, event) });
      }
    }
  }
  return { verdict: violations.length > 0 ? 'violated' : 'conforms', eventsUsed: steps.length, divergence: null, violations, steps, final: s };
}
