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
  /** The arena's first fresh block (bytes; level-store.ts): threads claim blocks of BYTE_BLOCK bytes (Atomics.add) when the free list is empty. */
  BYTES: 4,
  /** Bytes of records written in this level (each thread adds its own after a chunk): sizes the next level's bytes. */
  USED: 5,
  /** States stored in this level (each thread adds its own after a chunk): every one must be numbered. */
  STORED: 6,
  /** The free list's next entry to claim (compareExchange; level-store.ts). */
  FREE_NEXT: 7,
  /** The free list's end: the coordinator appends the frontier's blocks as the replay passes them (Atomics.store). */
  FREE_END: 8,
  SIZE: 9,
} as const;

/**
 * Bytes of records a thread claims at once (and fills on its own); a block whose room is
 * below a record's largest size is left (at most that many bytes lost per block).
 */
export const BYTE_BLOCK = 1 << 16;

/** Provisional indices a thread draws at once (see CTL.NEWCOUNT). */
export const INDEX_BATCH = 64;

/** The shared memory a level works on (see level-store.ts). */
export interface SharedBuffers {
  readonly ctl: SharedArrayBuffer;
  readonly table: SharedTableBuffers;
  /** Both levels' records, each after its state's fingerprint, in blocks of BYTE_BLOCK bytes. */
  readonly bytes: SharedArrayBuffer;
  /** The blocks free to claim. */
  readonly free: SharedArrayBuffer;
  /** The frontier's records are encoded against frontBase, the new states' against backBase. */
  readonly frontBase: SharedArrayBuffer;
  readonly backBase: SharedArrayBuffer;
  /** Frontier position (id - first) -> byte offset of the state's fingerprint and record. */
  readonly frontPos: SharedArrayBuffer;
  /** By provisional index, for each state first seen in this level: the byte offset of its fingerprint and record, its always-invariant flags and its table slot. */
  readonly offset: SharedArrayBuffer;
  readonly flags: SharedArrayBuffer;
  readonly slot: SharedArrayBuffer;
}

/** One level of the breadth-first search: frontier ids [first, first + size). */
export interface LevelPlan {
  readonly first: number;
  readonly size: number;
  /** Threads that may expand this level (claims shrink towards its end, see Expander.claim). */
  readonly threads: number;
  /** Provisional indices available to this level; reaching it pauses the level. */
  readonly capacity: number;
  /**
   * The level's number among the levels the coordinator started (across restarts of the
   * search); an enlarged level keeps it. A thread's batches of provisional indices are its
   * own for the level (SharedTable.forLevel).
   */
  readonly serial: number;
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

/**
 * The data of a worker started before its run (prestart.ts): it imports the model module at
 * once and waits for a SetupMessage with the rest of its WorkerSetup.
 */
export interface WorkerPrestart {
  readonly prestart: true;
  readonly module: string;
}

/** To a prestarted worker: build the model of its module from these arguments. */
export interface SetupMessage {
  readonly type: 'setup';
  readonly args: unknown;
  readonly symmetry: boolean;
}

export function isWorkerPrestart(d: unknown): d is WorkerPrestart {
  if (typeof d !== 'object' || d === null) return false;
  const o = d as { prestart?: unknown; module?: unknown };
  return o.prestart === true && typeof o.module === 'string';
}

export function isSetupMessage(m: unknown): m is SetupMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'setup' && typeof (m as { symmetry?: unknown }).symmetry === 'boolean';
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
