/** Explorer options, resolved in one place into a fully qualified configuration. */
import type { SpillOptions } from './spill.js';

/** Why a run stopped early. `interrupted`: the shell asked it to (a signal, say). */
export type StopReason = 'max-states' | 'timeout' | 'max-memory' | 'first-violation' | 'interrupted';

export interface ExploreOptions {
  /** Stop (verdict `incomplete`) once this many distinct states are stored. Default: unbounded. */
  readonly maxStates?: number;
  /** Use the model's symmetry reduction when it has one. Default: true. */
  readonly symmetry?: boolean;
  /** Count complete interleavings (exactly). Default: true. */
  readonly countPaths?: boolean;
  /**
   * Keep the state graph's edges (for drawing it, say). Without them, interleavings are
   * counted during the search, or, on a graph that is not layered, from edges kept by a
   * second run. Default: false.
   */
  readonly keepEdges?: boolean;
  /** Stop as soon as any invariant is violated (counts are then not available). Default: false. */
  readonly stopAtFirstViolation?: boolean;
  /**
   * Polled every `pollEvery` expansions; returning a reason stops the run. This is how the
   * shell adds a clock or a memory limit without the explorer reading either.
   */
  readonly shouldStop?: () => StopReason | null;
  /** Called every `pollEvery` expansions with the running figures. */
  readonly onProgress?: (p: Progress) => void;
  /** Expansions between two polls. Default 4096. */
  readonly pollEvery?: number;
  /**
   * Keep the visited set and the queue on a store (disk, in the CLI) instead of in memory,
   * with delayed duplicate detection by sort-merge (spill.ts). Same ids, graph, verdicts and
   * counterexamples; interleavings are counted on layered graphs only. One thread only.
   */
  readonly spill?: SpillOptions;
}

export interface Progress {
  readonly states: number;
  readonly transitions: number;
  readonly queue: number;
  readonly depth: number;
  readonly storeBytes: number;
}

export interface ResolvedOptions {
  readonly maxStates: number;
  readonly symmetry: boolean;
  readonly countPaths: boolean;
  readonly keepEdges: boolean;
  readonly stopAtFirstViolation: boolean;
  readonly shouldStop: (() => StopReason | null) | null;
  readonly onProgress: ((p: Progress) => void) | null;
  readonly pollEvery: number;
}

export function resolveOptions(o: ExploreOptions = {}): ResolvedOptions {
  const maxStates = o.maxStates ?? Number.MAX_SAFE_INTEGER;
  if (!(maxStates >= 1)) throw new RangeError('maxStates must be at least 1');
  const pollEvery = o.pollEvery ?? 4096;
  if (!(pollEvery >= 1)) throw new RangeError('pollEvery must be at least 1');
  return {
    maxStates,
    symmetry: o.symmetry ?? true,
    countPaths: o.countPaths ?? true,
    keepEdges: o.keepEdges ?? false,
    stopAtFirstViolation: o.stopAtFirstViolation ?? false,
    shouldStop: o.shouldStop ?? null,
    onProgress: o.onProgress ?? null,
    pollEvery,
  };
}
