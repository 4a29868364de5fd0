export type { Model, Invariant, AlwaysInvariant, FinalInvariant, TransitionInvariant } from './model.js';
export { validateModel } from './model.js';
export type { ExploreOptions, Progress, StopReason } from './options.js';
export { explore, startExplore, TERMINAL, type Exploration, type StateGraph, type FirstViolation } from './explore.js';
export { countPaths, type PathCounts } from './count.js';
export { pathTo, counterexample, idsTo, type Path, type Step } from './path.js';
export { check, checkGraph, type CheckResult, type Verdict, type Violation } from './check.js';
export { fingerprint64, collisionProbability } from './fingerprint.js';
export { FingerprintTable } from './fptable.js';
