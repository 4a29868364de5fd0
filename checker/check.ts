/**
 * `check` = explore + count + rebuild counterexamples, returned as data. Nothing here
 * prints, reads a clock or exits; the shell turns the result into text, JSON and an exit code.
 */
import { countPaths } from './count.js';
import { explore, TERMINAL, type StateGraph } from './explore.js';
import { collisionProbability } from './fingerprint.js';
import { FlagColumn, type IntColumn } from './grow.js';
import type { Invariant, Model } from './model.js';
import type { ExploreOptions, StopReason } from './options.js';
import { counterexample, type Path } from './path.js';

export type Verdict = 'holds' | 'violated' | 'incomplete';

export interface Violation<S, E> {
  readonly invariant: string;
  readonly kind: Invariant<S, E>['kind'];
  readonly description: string;
  /** Steps in the shortest counterexample. */
  readonly length: number;
  readonly counterexample: Path<S, E>;
  /** Complete interleavings that violate this invariant (null when not counted). */
  readonly violatingInterleavings: bigint | null;
}

export interface CheckResult<S, E> {
  readonly verdict: Verdict;
  readonly complete: boolean;
  readonly stopReason: StopReason | null;
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly terminalStates: number;
  readonly symmetry: boolean;
  /** Complete interleavings covered; null when the run was incomplete, not counted, or cyclic. */
  readonly interleavings: bigint | null;
  readonly cyclic: boolean;
  /** Violated invariants in the model's declaration order (its priority order). */
  readonly violations: readonly Violation<S, E>[];
  readonly storeBytes: number;
  readonly frontierPeakBytes: number;
  readonly collisionProbability: number;
  readonly graph: StateGraph;
}

export function check<S, E>(model: Model<S, E>, options: ExploreOptions = {}): CheckResult<S, E> {
  return checkGraph(model, explore(model, options));
}

/**
 * Turns an explored state graph into a check result: interleaving counts and the shortest
 * counterexample of every violated invariant. Shared by `check` and the parallel checker.
 */
export function checkGraph<S, E>(model: Model<S, E>, graph: StateGraph): CheckResult<S, E> {
  const violatedIdx = [...new Set(graph.firstViolations.map((v) => v.invariant))].sort((a, b) => a - b);
  const counts = !graph.complete ? null : graph.edgeStart !== null ? countPaths(graph, violatedIdx) : graph.pathCounts;
  const acyclic = counts !== null && counts.acyclic;
  const violations: Violation<S, E>[] = violatedIdx.map((i) => {
    const first = graph.firstViolations.find((v) => v.invariant === i)!;
    const inv = model.invariants[i];
    const path = counterexample(model, graph, first);
    return {
      invariant: inv.name,
      kind: inv.kind,
      description: inv.description,
      length: path.steps.length,
      counterexample: path,
      violatingInterleavings: acyclic ? counts.violating.get(i)! : null,
    };
  });
  const terminal = countFlagged(graph.flags, graph.states, TERMINAL);
  const verdict: Verdict = violations.length > 0 ? 'violated' : graph.complete ? 'holds' : 'incomplete';
  return {
    verdict,
    complete: graph.complete,
    stopReason: graph.stopReason,
    states: graph.states,
    transitions: graph.transitions,
    depth: graph.depth,
    terminalStates: terminal,
    symmetry: graph.symmetry,
    interleavings: acyclic ? counts.interleavings : null,
    cyclic: counts !== null && !counts.acyclic,
    violations,
    storeBytes: graph.storeBytes,
    frontierPeakBytes: graph.frontierPeakBytes,
    collisionProbability: collisionProbability(graph.states, graph.transitions + graph.roots.size),
    graph,
  };
}

/** How many of the first `n` states have some bit of `bits` in their flags (FlagColumn.countAny when the column is one). */
function countFlagged(flags: IntColumn<Uint32Array>, n: number, bits: number): number {
  if (flags instanceof FlagColumn && flags.length === n) return flags.countAny(bits);
  let k = 0;
  for (let v = 0; v < n; v++) if (flags.get(v) & bits) k++;
  return k;
}
