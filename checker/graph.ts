/**
 * The whole reachable state graph of a small model, with labelled states and edges, the
 * states and edges that break an invariant, and the checker's shortest counterexample marked;
 * and its rendering as Graphviz DOT. Generic: the model side supplies the labels.
 *
 * The graph is the explorer's own (no symmetry reduction, so every state is a node): states
 * are rebuilt by replaying each state's parent edge, which BFS numbering makes a single pass.
 */
import { explore, TERMINAL, type StateGraph } from './explore.js';
import type { Model } from './model.js';
import type { IntColumn } from './grow.js';
import { idsTo } from './path.js';

export interface GraphNode {
  readonly id: number;
  readonly label: string;
  readonly initial: boolean;
  readonly terminal: boolean;
  /** Names of the invariants the state breaks (`always`, and `final` on a terminal state). */
  readonly violated: readonly string[];
  readonly onPath: boolean;
}

export interface GraphEdge {
  readonly from: number;
  readonly to: number;
  readonly label: string;
  /** Names of the transition invariants the step breaks. */
  readonly violated: readonly string[];
  readonly onPath: boolean;
}

export interface LabelledGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** The invariant whose shortest counterexample is marked (the first violated in the model's priority order), or null. */
  readonly counterexampleOf: string | null;
}

export interface GraphOptions<S, E> {
  /** Most states the graph may have. */
  readonly maxStates: number;
  readonly stateLabel: (state: S) => string;
  readonly eventLabel: (event: E) => string;
}

export type GraphResult = { readonly ok: true; readonly graph: LabelledGraph } | { readonly ok: false; readonly reason: 'too-large'; readonly maxStates: number };

function namesOf(mask: number, names: readonly string[]): string[] {
  return names.filter((_, i) => (mask & (1 << i)) !== 0);
}

/** States of the explored graph, rebuilt from the roots by each state's parent edge. */
function rebuild<S, E>(model: Model<S, E>, g: StateGraph): S[] {
  const inits = model.initialStates();
  const states: S[] = new Array<S>(g.states);
  for (let v = 0; v < g.states; v++) {
    const root = g.roots.get(v);
    if (root !== undefined) states[v] = inits[root];
    else {
      const p = states[g.parent.get(v)];
      states[v] = model.step(p, model.enabledEvents(p)[g.via.get(v)]);
    }
  }
  return states;
}

/** Edge indices of the shortest counterexample of the first violated invariant. */
function counterexampleEdges(g: StateGraph, edgeStart: IntColumn): { invariant: number; edges: Set<number>; nodes: Set<number> } | null {
  if (g.firstViolations.length === 0) return null;
  const first = [...g.firstViolations].sort((a, b) => a.invariant - b.invariant)[0];
  const ids = idsTo(g, first.fromId >= 0 ? first.fromId : first.stateId);
  const edges = new Set<number>();
  for (let k = 1; k < ids.length; k++) edges.add(edgeStart.get(ids[k - 1]) + g.via.get(ids[k]));
  if (first.fromId >= 0) {
    edges.add(edgeStart.get(first.fromId) + first.eventIndex);
    ids.push(first.stateId);
  }
  return { invariant: first.invariant, edges, nodes: new Set(ids) };
}

export function stateGraph<S, E>(model: Model<S, E>, opts: GraphOptions<S, E>): GraphResult {
  const g = explore(model, { symmetry: false, countPaths: true, keepEdges: true, maxStates: opts.maxStates });
  if (!g.complete) return { ok: false, reason: 'too-large', maxStates: opts.maxStates };
  const edgeStart = g.edgeStart!;
  const edgeDst = g.edgeDst!;
  const names = model.invariants.map((i) => i.name);
  const states = rebuild(model, g);
  const cx = counterexampleEdges(g, edgeStart);
  const nodes: GraphNode[] = states.map((s, v) => ({
    id: v,
    label: opts.stateLabel(s),
    initial: g.roots.has(v),
    terminal: (g.flags.get(v) & TERMINAL) !== 0,
    violated: namesOf(g.flags.get(v) & ~TERMINAL, names),
    onPath: cx?.nodes.has(v) ?? false,
  }));
  const edges: GraphEdge[] = [];
  for (let v = 0; v < g.states; v++) {
    const events = model.enabledEvents(states[v]);
    for (let k = edgeStart.get(v); k < edgeStart.get(v + 1); k++) {
      edges.push({
        from: v,
        to: edgeDst.get(k),
        label: opts.eventLabel(events[k - edgeStart.get(v)]),
        violated: namesOf(g.edgeBad.get(k) ?? 0, names),
        onPath: cx?.edges.has(k) ?? false,
      });
    }
  }
  return { ok: true, graph: { nodes, edges, counterexampleOf: cx === null ? null : names[cx.invariant] } };
}

/** A DOT string literal. */
function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

const RED = '#c62828';

/** The graph in Graphviz DOT: violating states filled red, the counterexample's states and edges bold. */
export function toDot(g: LabelledGraph, opts: { title?: string } = {}): string {
  const out = ['digraph states {', '  rankdir=TB;', '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=9];'];
  const legend = g.counterexampleOf === null ? 'no invariant violated' : `red: breaks an invariant; bold: the shortest counterexample (${g.counterexampleOf})`;
  out.push(`  label=${q(`${opts.title ? `${opts.title}\n` : ''}${g.nodes.length} states, ${g.edges.length} transitions; ${legend}`)};`, '  labelloc=t;');
  for (const n of g.nodes) {
    const attrs = [`label=${q(n.violated.length > 0 ? `${n.label}\n✗ ${n.violated.join(', ')}` : n.label)}`];
    if (n.violated.length > 0) attrs.push(`fillcolor="#ffcdd2"`, `color=${q(RED)}`);
    if (n.initial) attrs.push('peripheries=2');
    if (n.onPath) attrs.push('penwidth=3');
    out.push(`  s${n.id} [${attrs.join(', ')}];`);
  }
  for (const e of g.edges) {
    const attrs = [`label=${q(e.violated.length > 0 ? `${e.label} ✗ ${e.violated.join(', ')}` : e.label)}`];
    if (e.onPath) attrs.push('style=bold', 'penwidth=3', `color=${q(RED)}`, `fontcolor=${q(RED)}`);
    else if (e.violated.length > 0) attrs.push(`color=${q(RED)}`);
    out.push(`  s${e.from} -> s${e.to} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
