/**
 * `exploreParallel(spec, options)`: the state graph of `explore(createModel(args), options)`,
 * identical field by field, computed by `workers` threads (the calling thread is one).
 */
import type { StateGraph } from '../explore.js';
import type { Model } from '../model.js';
import { resolveOptions, type ExploreOptions } from '../options.js';
import { MAX_WORKERS } from './limits.js';
import { ParallelSearch, type LevelInfo } from './search.js';
import { loadModel, type ModelSpec } from './spec.js';

export interface ParallelExploreOptions extends ExploreOptions {
  /** Threads that expand states, the calling thread included (1..64). */
  readonly workers: number;
  /**
   * Wait until every worker thread has built its model before the first level. Default
   * false: the calling thread starts alone and the workers join as they become ready.
   */
  readonly waitForWorkers?: boolean;
  /** Called after each level with how the work was shared (diagnostics only). */
  readonly onLevel?: (info: LevelInfo) => void;
}

export async function exploreParallel(spec: ModelSpec, options: ParallelExploreOptions): Promise<StateGraph> {
  return exploreModelParallel(await loadModel<unknown, unknown>(spec), spec, options);
}

/** As exploreParallel, with the coordinator's model already built from `spec`. */
export async function exploreModelParallel<S, E>(model: Model<S, E>, spec: ModelSpec, options: ParallelExploreOptions): Promise<StateGraph> {
  const workers = options.workers;
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    throw new RangeError(`workers must be an integer from 1 to ${MAX_WORKERS}`);
  }
  const opt = resolveOptions(options);
  const search = new ParallelSearch(model, spec, opt, {
    threads: workers,
    symmetry: opt.symmetry && model.canonicalize !== undefined,
    waitForWorkers: options.waitForWorkers ?? false,
    onLevel: options.onLevel ?? null,
  });
  try {
    return await search.run();
  } finally {
    await search.close();
  }
}
