/** The parallel explorer (Node only: worker_threads and SharedArrayBuffer). */
export { exploreParallel, type ParallelExploreOptions } from './explore-parallel.js';
export { MAX_WORKERS } from './limits.js';
export type { LevelInfo } from './search.js';
export { checkParallel } from './check-parallel.js';
export { loadModel, type ModelSpec } from './spec.js';
