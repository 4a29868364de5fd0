/**
 * Exact path counting over a complete state graph. A complete interleaving is a path
 * from an initial state to a state where nothing is enabled. With symmetry reduction
 * each stored state stands for its orbit and each stored edge for one event, so summing
 * over edges counts the concrete interleavings exactly (orbit-weighted counting).
 */
import { TERMINAL, type StateGraph } from './explore.js';

export type PathCounts =
  | {
      readonly acyclic: true;
      /** Number of complete interleavings. */
      readonly interleavings: bigint;
      /** Per requested invariant index: complete interleavings that violate it somewhere. */
      readonly violating: ReadonlyMap<number, bigint>;
    }
  | { readonly acyclic: false; readonly interleavings?: never; readonly violating?: never };

export function countPaths(graph: StateGraph, invariants: readonly number[]): PathCounts {
  if (!graph.complete || !graph.edgeStart || !graph.edgeDst) {
    throw new Error('path counting needs a complete graph with edges');
  }
  const n = graph.states;
  const start = graph.edgeStart;
  const dst = graph.edgeDst;
  const flags = graph.flags;
  const indeg = new Int32Array(n);
  for (let e = 0; e < dst.length; e++) indeg[dst[e]]++;

  const all: bigint[] = new Array<bigint>(n).fill(0n);
  const good: bigint[][] = invariants.map(() => new Array<bigint>(n).fill(0n));
  const bits = invariants.map((i) => 1 << i);
  const order = new Int32Array(n);
  let tail = 0;
  for (let v = 0; v < n; v++) {
    if (graph.parent[v] === -1) {
      all[v] = 1n;
      for (let j = 0; j < bits.length; j++) good[j][v] = flags[v] & bits[j] ? 0n : 1n;
    }
    if (indeg[v] === 0) order[tail++] = v;
  }
  let head = 0;
  while (head < tail) {
    const u = order[head++];
    const cu = all[u];
    for (let e = start[u]; e < start[u + 1]; e++) {
      const v = dst[e];
      all[v] += cu;
      const eb = graph.edgeBad.get(e) ?? 0;
      for (let j = 0; j < bits.length; j++) {
        if ((eb & bits[j]) === 0 && (flags[v] & bits[j]) === 0) good[j][v] += good[j][u];
      }
      if (--indeg[v] === 0) order[tail++] = v;
    }
  }
  if (tail < n) return { acyclic: false };

  let total = 0n;
  const violating = new Map<number, bigint>();
  const viol = bits.map(() => 0n);
  for (let v = 0; v < n; v++) {
    if ((flags[v] & TERMINAL) === 0) continue;
    total += all[v];
    for (let j = 0; j < bits.length; j++) viol[j] += all[v] - good[j][v];
  }
  invariants.forEach((inv, j) => violating.set(inv, viol[j]));
  return { acyclic: true, interleavings: total, violating };
}
