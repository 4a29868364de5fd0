/** `checkParallel`: `check` with the parallel explorer; the same result for the same model. */
import { checkGraph, type CheckResult } from '../check.js';
import { exploreParallelEarly, type ParallelExploreOptions } from './explore-parallel.js';
import { loadModel, type ModelSpec } from './spec.js';

export async function checkParallel<S, E>(spec: ModelSpec, options: ParallelExploreOptions): Promise<CheckResult<S, E>> {
  // The workers start first and build their models while this thread builds its own.
  const { model, graph } = await exploreParallelEarly(spec, options, () => loadModel<S, E>(spec));
  return checkGraph(model, graph);
}
