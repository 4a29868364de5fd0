/** `checkParallel`: `check` with the parallel explorer; the same result for the same model. */
import { checkGraph, type CheckResult } from '../check.js';
import { exploreModelParallel, type ParallelExploreOptions } from './explore-parallel.js';
import { loadModel, type ModelSpec } from './spec.js';

export async function checkParallel<S, E>(spec: ModelSpec, options: ParallelExploreOptions): Promise<CheckResult<S, E>> {
  const model = await loadModel<S, E>(spec);
  return checkGraph(model, await exploreModelParallel(model, spec, options));
}
