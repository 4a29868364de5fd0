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
import { GrowInt32 } from '../grow.js';
import type { ResolvedOptions } from '../options.js';
import type { ChunkResult, LevelPlan } from './protocol.js';
import { SharedTable } from './shared-table.js';

export class Replay {
  readonly core: Core;
  /** This level: provisional index -> id (-1: not numbered yet). */
  private assigned: Int32Array = new Int32Array(0);
  /** This level: the provisional index of each state numbered, in id order. */
  readonly order = new GrowInt32();
  private provisionalFlags: Int32Array<ArrayBufferLike> = new Int32Array(0);
  /** This level: provisional index -> its slot in the shared table (whose segment is the one-thread table's). */
  private slot: Int32Array<ArrayBufferLike> = new Int32Array(0);
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
   * Starts replaying the next level: its new states get provisional indices below `capacity`,
   * with their flags and shared-table slots in `provisionalFlags` and `slot`.
   */
  beginLevel(
    capacity: number,
    provisionalFlags: Int32Array<ArrayBufferLike>,
    slot: Int32Array<ArrayBufferLike>,
  ): void {
    this.assigned = new Int32Array(capacity).fill(-1);
    this.order.length = 0;
    this.setLevel(provisionalFlags, slot);
  }

  /** The level got more provisional indices (flags and slots moved to bigger buffers, the table maybe rehashed). */
  growLevel(
    capacity: number,
    provisionalFlags: Int32Array<ArrayBufferLike>,
    slot: Int32Array<ArrayBufferLike>,
  ): void {
    const next = new Int32Array(capacity).fill(-1);
    next.set(this.assigned);
    this.assigned = next;
    this.setLevel(provisionalFlags, slot);
  }

  private setLevel(provisionalFlags: Int32Array<ArrayBufferLike>, slot: Int32Array<ArrayBufferLike>): void {
    this.provisionalFlags = provisionalFlags;
    this.slot = slot;
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
      if (id !== first + j) throw new Error(`replay out of order: expected state ${id}, got ${first + j}`);
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
          dst = this.assigned[k];
          if (dst < 0) {
            if (core.full) {
              core.stopFull();
              return false;
            }
            fresh = true;
            this.tableSize.addInSegment(SharedTable.segmentOfSlot(this.slot[k]));
            dst = core.newState(id, ei, this.provisionalFlags[k], d);
            this.assigned[k] = dst;
            // Its final id, at once: a thread that meets the state from now on codes it by its id,
            // which is what this replay would make of its provisional index. That thread is
            // expanding a chunk not replayed yet, whose edges all come after this one.
            this.table.publishFinal(this.slot[k], dst + 1);
            this.order.push(k);
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
