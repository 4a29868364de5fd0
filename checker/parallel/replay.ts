/**
 * The N-thread scheduler's half of the explorer core (../core.ts): the threads expand a
 * level's claims into codes (expand.ts), and the coordinator hands them to the core in
 * frontier order, state by state and event by event, exactly as the one-thread scheduler
 * (../explore.ts) hands it what it expands. A successor's code is its id (a state numbered
 * before this level) or its provisional index in this level; a state first seen in the level
 * is numbered when its first edge in that order is consumed: the id the sequential BFS gives
 * it.
 */
import { Core, type StateGraph } from '../core.js';
import { TableSize } from '../fptable.js';
import type { ResolvedOptions } from '../options.js';
import type { ChunkResult, LevelPlan } from './protocol.js';
import { SharedTable } from './shared-table.js';

/** This level's columns by provisional index, and the next frontier's positions (level-store.ts). */
export interface LevelColumns {
  readonly flags: Int32Array<ArrayBufferLike>;
  readonly offset: Int32Array<ArrayBufferLike>;
  readonly slot: Int32Array<ArrayBufferLike>;
  readonly nextPos: Int32Array<ArrayBufferLike>;
}

export class Replay {
  readonly core: Core;
  /** This level's new states by provisional index (level-store.ts): their always-invariant flags, and their records' offsets. */
  private provisionalFlags: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private offset: Int32Array<ArrayBufferLike> = new Int32Array(0);
  /**
   * This level: provisional index -> its slot in the shared table (whose segment is the
   * one-thread table's) until the state is numbered, then -(id + 1) (a slot number is never
   * negative; no other thread reads or writes the entry once the state is published).
   */
  private slot: Int32Array<ArrayBufferLike> = new Int32Array(0);
  /** This level: the next frontier's position (id - nextFirst) -> its record's offset. */
  private nextPos: Int32Array<ArrayBufferLike> = new Int32Array(0);
  /** The first id of the next level. */
  private nextFirst = 0;
  /**
   * The size of the one-thread scheduler's fingerprint table for the states numbered so far
   * (a function of their fingerprints): `storeBytes` reports it, so the output does not
   * depend on the thread count.
   */
  readonly tableSize = new TableSize();

  /**
   * @param table the shared table: a state's final id is published there as soon as it is
   *   numbered (see replayChunk).
   */
  constructor(
    opt: ResolvedOptions,
    invariantCount: number,
    online: boolean,
    private readonly table: SharedTable,
  ) {
    this.core = new Core(opt, invariantCount, online, () => this.tableBytes());
  }

  /**
   * Starts replaying the next level: its new states get provisional indices (with their
   * flags, records' offsets and shared-table slots in `cols`) and ids from `nextFirst`.
   */
  beginLevel(cols: LevelColumns, nextFirst: number): void {
    this.nextFirst = nextFirst;
    this.setLevel(cols);
  }

  /** The level got more provisional indices (the columns grown in place, or moved). */
  setLevel(cols: LevelColumns): void {
    this.provisionalFlags = cols.flags;
    this.offset = cols.offset;
    this.slot = cols.slot;
    this.nextPos = cols.nextPos;
  }

  /** The states numbered in this level so far. */
  get numbered(): number {
    return this.core.count - this.nextFirst;
  }

  /** Hands the expansions of one chunk to the core; false once the run has stopped. */
  replayChunk(plan: LevelPlan, r: ChunkResult): boolean {
    const core = this.core;
    const { codes, bad } = r;
    const first = plan.first + r.start;
    let e = 0;
    let b = 0;
    for (let j = 0; j < r.deg.length; j++) {
      const id = core.begin();
      if (id !== first + j) outOfOrder(id, first + j);
      const deg = r.deg[j];
      if (deg === 0) core.terminal(id, r.fin[j]);
      const d = core.depth + 1;
      for (let ei = 0; ei < deg; ei++, e++) {
        const code = codes[e];
        let tbad = 0;
        if (b < bad.length && bad[b] === e) {
          tbad = bad[b + 1];
          b += 2;
        }
        let dst = code;
        let fresh = false;
        if (code < 0) {
          const k = -code - 1;
          const slot = this.slot[k];
          if (slot < 0) {
            dst = -slot - 1;
          } else {
            if (core.full) {
              core.stopFull();
              return false;
            }
            fresh = true;
            this.tableSize.addInSegment(SharedTable.segmentOfSlot(slot));
            dst = core.newState(id, ei, this.provisionalFlags[k], d);
            this.slot[k] = -(dst + 1);
            this.nextPos[dst - this.nextFirst] = this.offset[k];
            // Its final id, at once: a thread that meets the state from now on codes it by its id,
            // which is what this replay would make of its provisional index. That thread is
            // expanding a chunk not replayed yet, whose edges all come after this one.
            this.table.publishFinal(slot, dst + 1);
          }
        }
        if (!core.edge(id, ei, dst, tbad, fresh)) return false;
      }
      if (!core.end()) return false;
    }
    return true;
  }

  /** The one-thread scheduler's table size for the same run (see tableSize). */
  tableBytes(): number {
    return this.tableSize.bytes;
  }

  /** The graph, once the run is over (`frontierPeakBytes` is the parallel stores' peak). */
  graph(symmetry: boolean, frontierPeakBytes: number): StateGraph {
    const core = this.core;
    core.finish();
    return core.graph(symmetry, core.storeBytes(this.tableBytes()), frontierPeakBytes);
  }
}

/**
 * Throws: the replay met state `got` where the core expects `id`. A function of its own: with
 * the message's template in replayChunk, TurboFan's code converted `id` to a string ahead of
 * the test, whether it failed or not (NumberToString: 53,457 calls, 24.4 M instructions, and
 * strings for the scavenger, in 200,000 states of `full` on the parallel path with one thread;
 * docs/explorer.md, "Two threads' extra work per new state").
 */
function outOfOrder(id: number, got: number): never {
  throw new Error(`replay out of order: expected state ${id}, got ${got}`);
}
