/**
 * What the coordinator and the workers share: the control words, the shared buffers of a
 * level, the plan of a level, and the messages exchanged.
 */
import type { SharedTableBuffers } from './shared-table.js';

/** An Int32Array over shared memory. */
export type SharedInt32 = Int32Array<SharedArrayBuffer>;

/** Indices into the control word array (an Int32Array over a SharedArrayBuffer). */
export const CTL = {
  /** Position in the frontier of the next state to claim (Atomics.add). */
  NEXT: 0,
  /**
   * Start of the next batch of INDEX_BATCH provisional indices for states first seen in this
   * level (Atomics.add): a thread draws a batch and numbers its new states from it, so that
   * the two threads' columns (offset, flags, slot, fingerprint by index) do not share cache
   * lines; the rest of a thread's batch at the level's end is left unused.
   */
  NEWCOUNT: 1,
  /** Set when a provisional index or a record's bytes passed the level's room: stop claiming chunks. */
  PAUSE: 2,
  /** Set when the run stopped: drop the current chunk and stop. */
  ABORT: 3,
  /** Next free byte of the back store's records: threads claim blocks of BYTE_BLOCK bytes (Atomics.add). */
  BYTES: 4,
  /** Bytes of records written in this level (each thread adds its own after a chunk): sizes the next level's bytes. */
  USED: 5,
  /** States stored in this level (each thread adds its own after a chunk): every one must be numbered. */
  STORED: 6,
  SIZE: 7,
} as const;

/**
 * Bytes of records a thread claims at once (and fills on its own); a block whose room is
 * below a record's largest size is left (at most that many bytes lost per block).
 */
export const BYTE_BLOCK = 1 << 16;

/** Provisional indices a thread draws at once (see CTL.NEWCOUNT). */
export const INDEX_BATCH = 64;

/** The shared memory a level works on. */
export interface SharedBuffers {
  readonly ctl: SharedArrayBuffer;
  readonly table: SharedTableBuffers;
  /** The frontier's states as records (../record.ts) against frontBase, by provisional index through frontOffset. */
  readonly frontBase: SharedArrayBuffer;
  readonly frontBytes: SharedArrayBuffer;
  readonly frontOffset: SharedArrayBuffer;
  /** The frontier's fingerprints (two words a state, by provisional index). */
  readonly frontFp: SharedArrayBuffer;
  /** Frontier position (id - first) -> provisional index in the front store. */
  readonly frontPerm: SharedArrayBuffer;
  /** Records against backBase (with their byte offsets), always-invariant flags, table slot and fingerprint of each state first seen in this level. */
  readonly backBase: SharedArrayBuffer;
  readonly backBytes: SharedArrayBuffer;
  readonly backOffset: SharedArrayBuffer;
  readonly backFlags: SharedArrayBuffer;
  readonly backSlot: SharedArrayBuffer;
  readonly backFp: SharedArrayBuffer;
}

/** One level of the breadth-first search: frontier ids [first, first + size). */
export interface LevelPlan {
  readonly first: number;
  readonly size: number;
  /** Threads that may expand this level (claims shrink towards its end, see Expander.claim). */
  readonly threads: number;
  /** Provisional indices available to this level; reaching it pauses the level. */
  readonly capacity: number;
}

/** A run of frontier positions [start, start + length) claimed by one thread. */
export interface Claim {
  readonly start: number;
  readonly length: number;
}

/**
 * The expansion of one claimed chunk (frontier positions from `start`), per state in id
 * order: its number of enabled events (`deg`), for a state with none its final mask
 * (TERMINAL and violated final invariants), and per event the successor's code: a state id
 * (known before this level) or -(k + 1) for the provisional index k of a state first seen in
 * this level. `bad` lists pairs (edge index within the chunk, mask of violated transition
 * invariants).
 */
export interface ChunkResult {
  readonly start: number;
  readonly deg: Int32Array<ArrayBuffer>;
  readonly fin: Int32Array<ArrayBuffer>;
  readonly codes: Int32Array<ArrayBuffer>;
  readonly bad: Int32Array<ArrayBuffer>;
}

export interface WorkerSetup {
  readonly module: string;
  readonly args: unknown;
  /** The run's symmetry option (a worker reduces by symmetry when it is set and its model can canonicalize). */
  readonly symmetry: boolean;
}

export interface GoMessage {
  readonly type: 'go';
  readonly plan: LevelPlan;
  readonly buffers: SharedBuffers;
}

/**
 * Before a level, while no thread probes the table: grow these table segments (pairs of
 * segment and capacity, see SharedTable.growthFor), telling `slot` (by provisional index) where
 * a provisional entry moved; then report `idle`.
 */
export interface GrowMessage {
  readonly type: 'grow';
  readonly table: SharedTableBuffers;
  readonly segments: readonly number[];
  readonly slot: SharedArrayBuffer;
}

export function isGrowMessage(m: unknown): m is GrowMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'grow';
}

export type FromWorker =
  | { readonly type: 'ready'; readonly name: string; readonly stateWords: number; readonly invariants: readonly string[] }
  | { readonly type: 'chunk'; readonly result: ChunkResult }
  | { readonly type: 'failed'; readonly start: number }
  | { readonly type: 'idle' }
  | { readonly type: 'error'; readonly message: string };

const FROM_WORKER_TYPES: ReadonlySet<string> = new Set(['ready', 'chunk', 'failed', 'idle', 'error']);

export function isFromWorker(m: unknown): m is FromWorker {
  return typeof m === 'object' && m !== null && FROM_WORKER_TYPES.has(String((m as { type?: unknown }).type));
}

export function isWorkerSetup(d: unknown): d is WorkerSetup {
  if (typeof d !== 'object' || d === null) return false;
  const o = d as { module?: unknown; symmetry?: unknown };
  return typeof o.module === 'string' && typeof o.symmetry === 'boolean' && 'args' in o;
}

export function isGoMessage(m: unknown): m is GoMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'go';
}

/** The first line of an error's message. */
export function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0];
}
