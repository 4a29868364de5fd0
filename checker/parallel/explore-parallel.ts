/**
 * `exploreParallel(spec, options)`: the state graph of `explore(createModel(args), options)`,
 * identical field by field, computed by `workers` threads (the calling thread is one).
 */
import type { StateGraph } from '../explore.js';
import type { Model } from '../model.js';
import { resolveOptions, type ExploreOptions } from '../options.js';
import { MAX_WORKERS } from './limits.js';
import { WorkerPool } from './pool.js';
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
  return exploreWith(model, spec, options, null);
}

/**
 * As exploreParallel, but the worker threads start at once, before the coordinator builds its
 * own model (`build`, which must build the model of `spec`): a worker takes about half a
 * second to import and build the model, which the coordinator would otherwise spend alone.
 */
export async function exploreParallelEarly<S, E>(
  spec: ModelSpec,
  options: ParallelExploreOptions,
  build: () => Promise<Model<S, E>>,
): Promise<{ model: Model<S, E>; graph: StateGraph }> {
  checkWorkers(options.workers);
  const pool = options.workers > 1 ? new WorkerPool(options.workers - 1, { module: spec.module, args: spec.args, symmetry: resolveOptions(options).symmetry }) : null;
  let model: Model<S, E>;
  try {
    model = await build();
  } catch (err) {
    await pool?.close();
    throw err;
  }
  return { model, graph: await exploreWith(model, spec, options, pool) };
}

function checkWorkers(workers: number): void {
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    throw new RangeError(`workers must be an integer from 1 to ${MAX_WORKERS}`);
  }
}

async function exploreWith<S, E>(model: Model<S, E>, spec: ModelSpec, options: ParallelExploreOptions, pool: WorkerPool | null): Promise<StateGraph> {
  let search: ParallelSearch<S, E>;
  try {
    checkWorkers(options.workers);
    const opt = resolveOptions(options);
    search = new ParallelSearch(model, spec, opt, {
      threads: options.workers,
      symmetry: opt.symmetry && model.canonicalize !== undefined,
      waitForWorkers: options.waitForWorkers ?? false,
      onLevel: options.onLevel ?? null,
      pool,
    });
  } catch (err) {
    await pool?.close();
    throw err;
  }
  try {
    return await search.run();
  } finally {
    await search.close();
  }
}
