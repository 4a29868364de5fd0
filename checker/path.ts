/**
 * Counterexample reconstruction. The explorer stores, per state, its parent and the
 * index of the event that reached it, both relative to canonical states. The path is
 * first replayed over canonical states to recover each state's fingerprint, then
 * replayed from the concrete initial state, choosing at each step the first enabled
 * event whose canonical successor has the next fingerprint. Without symmetry the two
 * replays pick the same events.
 */
import { fingerprint64 } from './fingerprint.js';
import type { FirstViolation, StateGraph } from './explore.js';
import type { Model } from './model.js';

export interface Step<S, E> {
  readonly event: E;
  readonly state: S;
}

export interface Path<S, E> {
  readonly initial: S;
  readonly steps: readonly Step<S, E>[];
}

/** The ids on the path from an initial state to `id`, inclusive. */
export function idsTo(graph: StateGraph, id: number): number[] {
  const ids: number[] = [];
  for (let v = id; v !== -1; v = graph.parent.get(v)) ids.push(v);
  return ids.reverse();
}

/**
 * The path to state `id`; with `lastEventIndex` >= 0, one more step is appended: the
 * event at that index of the last state's (canonical) enabled list.
 */
export function pathTo<S, E>(model: Model<S, E>, graph: StateGraph, id: number, lastEventIndex = -1): Path<S, E> {
  const ids = idsTo(graph, id);
  const canon = graph.symmetry && model.canonicalize ? model.canonicalize.bind(model) : (s: S) => s;
  const scratch = new Uint32Array(2);
  const key = (s: S): string => {
    fingerprint64(model.words(canon(s)), 0, model.stateWords, scratch);
    return `${scratch[0]}:${scratch[1]}`;
  };
  const rootIndex = graph.roots.get(ids[0]);
  if (rootIndex === undefined) throw new Error(`state ${ids[0]} is not an initial state`);
  const initial = model.initialStates()[rootIndex];

  // Canonical replay by stored event indices: the fingerprint of every state on the path.
  const keys: string[] = [];
  let cur = canon(initial);
  for (let k = 1; k < ids.length; k++) {
    cur = canon(model.step(cur, model.enabledEvents(cur)[graph.via.get(ids[k])]));
    keys.push(key(cur));
  }
  if (lastEventIndex >= 0) keys.push(key(model.step(cur, model.enabledEvents(cur)[lastEventIndex])));

  // Concrete replay.
  const steps: Step<S, E>[] = [];
  let concrete = initial;
  for (let k = 0; k < keys.length; k++) {
    let chosen: Step<S, E> | null = null;
    for (const e of model.enabledEvents(concrete)) {
      const next = model.step(concrete, e);
      if (key(next) === keys[k]) {
        chosen = { event: e, state: next };
        break;
      }
    }
    if (chosen === null) throw new Error(`counterexample replay diverged at step ${k + 1}`);
    steps.push(chosen);
    concrete = chosen.state;
  }
  return { initial, steps };
}

export function counterexample<S, E>(model: Model<S, E>, graph: StateGraph, v: FirstViolation): Path<S, E> {
  if (v.fromId >= 0) return pathTo(model, graph, v.fromId, v.eventIndex);
  return pathTo(model, graph, v.stateId);
}
