/**
 * Checks participant-written invariants (model/custom-invariant.ts) on the model that
 * `popcheck check`'s flags describe, and renders the outcome. Used by the runner
 * (`npm run workshop:invariant -- FILE [check flags]`) and by exercise 4's solution check.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { check } from '../checker/check.js';
import { parseCheckArgs } from '../cli/args.js';
import { buildModel } from '../cli/check-command.js';
import { withInvariants, type RecordInvariant } from '../model/custom-invariant.js';
import type { ModelIdentity } from '../model/identity.js';
import { narrate, type NarratedStep } from '../model/narrate.js';
import { offerLabel } from '../model/session.js';
import { fmtTime } from '../model/format.js';

export interface InvariantOutcome {
  readonly name: string;
  readonly description: string;
  readonly verdict: 'holds' | 'violated' | 'incomplete';
  /** Steps of the shortest counterexample; null unless violated. */
  readonly length: number | null;
  readonly steps: readonly NarratedStep[];
}

export interface InvariantRun {
  readonly identity: ModelIdentity;
  readonly states: number;
  readonly complete: boolean;
  readonly outcomes: readonly InvariantOutcome[];
}

/** Default bound on stored states (the workshop's configurations need well under 100,000). */
const MAX_STATES = 2_000_000;

/** Checks `invariants` alone (the built-in ones left out) on the model of `argv` (popcheck check's flags), without symmetry reduction. */
export function runInvariants(invariants: readonly RecordInvariant[], argv: readonly string[]): InvariantRun {
  const args = parseCheckArgs(argv);
  const pop = buildModel(args.model);
  const model = withInvariants(pop, invariants, { builtIns: false });
  const r = check(model, { symmetry: false, maxStates: args.maxStates ?? MAX_STATES });
  const outcomes = invariants.map((inv): InvariantOutcome => {
    const v = r.violations.find((x) => x.invariant === inv.name);
    if (v) return { name: inv.name, description: inv.description, verdict: 'violated', length: v.length, steps: narrate(pop, v.counterexample) };
    return { name: inv.name, description: inv.description, verdict: r.complete ? 'holds' : 'incomplete', length: null, steps: [] };
  });
  return { identity: args.model, states: r.states, complete: r.complete, outcomes };
}

/** The run as text: one verdict per invariant, each counterexample step by step in RocketMQ's words. */
export function renderInvariantRun(run: InvariantRun): string {
  const id = run.identity;
  const lines = [`${id.scenario} scenario, ${id.messages} message(s), RocketMQ ${id.rocketmq}: ${run.states} states${run.complete ? '' : ' (incomplete)'}`];
  for (const o of run.outcomes) {
    lines.push('', `${o.verdict.toUpperCase()} ${o.name}: ${o.description}`);
    if (o.verdict !== 'violated') continue;
    lines.push(`Shortest counterexample (${o.length} steps):`);
    for (const s of o.steps) {
      lines.push(`  ${String(s.index).padStart(2)}. ${fmtTime(s.time).padStart(6)}  ${offerLabel(s.event)}`);
      for (const n of s.notes) lines.push(`             ${n.actor}: ${n.text}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The invariants a TypeScript module exports: `export default [...]` or `export const invariants = [...]`. */
export async function loadInvariants(file: string): Promise<RecordInvariant[]> {
  const mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown; invariants?: unknown };
  const list = mod.invariants ?? mod.default;
  if (!Array.isArray(list)) throw new TypeError(`${file}: export an array of invariants as \`invariants\` or as the default export`);
  return list as RecordInvariant[];
}
