/**
 * The state graph off the page's thread: rebuilds the session's model from its spec, explores
 * every reachable state from the initial state (checker/graph.ts, as `check --graph` does) and
 * renders the DOT to SVG with Graphviz compiled to WebAssembly (@viz-js/viz).
 */
import './zod-config.js';
import { instance } from '@viz-js/viz';
import { stateGraph, toDot } from '../checker/graph.js';
import { buildPopModel } from '../model/factory.js';
import { stateLabeller } from '../model/graph-label.js';
import { eventLabel } from '../model/narrate.js';
import { SessionSpecSchema } from '../model/session.js';

/** Most states the page draws (the CLI's `--graph` limit). */
export const PAGE_GRAPH_MAX_STATES = 5_000;

export interface GraphRequest {
  readonly spec: unknown;
}

export type GraphResponse =
  | { readonly ok: true; readonly svg: string; readonly states: number; readonly edges: number }
  | { readonly ok: false; readonly error: string };

const scope = self as unknown as { onmessage: ((e: { data: GraphRequest }) => void) | null; postMessage(m: GraphResponse): void };

scope.onmessage = async (e) => {
  try {
    const spec = SessionSpecSchema.parse(e.data.spec);
    const model = buildPopModel(spec.model);
    const r = stateGraph(model, { maxStates: PAGE_GRAPH_MAX_STATES, stateLabel: stateLabeller(model), eventLabel });
    if (!r.ok) {
      scope.postMessage({ ok: false, error: `more than ${r.maxStates.toLocaleString('en')} states: too many to draw (ack-flush with at most 4 messages fits)` });
      return;
    }
    const dot = toDot(r.graph, { title: `${spec.model.scenario}, ${spec.model.messages} msgs, RocketMQ ${spec.model.rocketmq}` });
    const viz = await instance();
    scope.postMessage({ ok: true, svg: viz.renderString(dot, { format: 'svg' }), states: r.graph.nodes.length, edges: r.graph.edges.length });
  } catch (err) {
    scope.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
};
