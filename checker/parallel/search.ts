/**
 * One parallel run: level-synchronous BFS over shared memory. Per level the threads (the
 * coordinator's own included) claim runs of frontier positions with an atomic counter and
 * expand them into the shared fingerprint table; the coordinator hands the chunk results in
 * frontier order to the explorer core (replay.ts, ../core.ts), which numbers the new states
 * exactly as with one thread and rewrites each one's provisional table entry to its final id
 * as it numbers it (so no pass over the level's states is left for its end). A level that
 * runs out of provisional room pauses: once every thread is idle the coordinator enlarges
 * the buffers and the dropped claims are claimed again.
 */
import { countsOnline, type StateGraph } from '../core.js';
import type { Model } from '../model.js';
import type { ResolvedOptions } from '../options.js';
import { Expander } from './expand.js';
import { decodeEntry, ENTRY_HEAD, LevelStore } from './level-store.js';
import { maxRecordBytes } from '../record.js';
import { WorkerPool } from './pool.js';
import {
  BYTE_BLOCK,
  CTL,
  INDEX_BATCH,
  type ChunkResult,
  type FromWorker,
  type GoMessage,
  type LevelPlan,
  type SharedBuffers,
  type SharedInt32,
  type WorkerSetup,
} from './protocol.js';
import { Replay } from './replay.js';
import { insertRoots } from './roots.js';
import { SharedTable } from './shared-table.js';
import type { ModelSpec } from './spec.js';

/**
 * A level's room for new states is guessed from the last level's ratio of new states to
 * frontier states, at most this; a level that needs more grows (see enlarge).
 */
const MAX_GUESSED_RATIO = 4;
/**
 * Worker threads start with the first level of at least this many states: a worker costs
 * a V8 isolate and a model import (a few hundred ms of CPU), which runs whose levels stay
 * smaller cannot win back.
 */
const SPAWN_FRONTIER = 1024;

export interface LevelInfo {
  /** Depth of the frontier states. */
  readonly depth: number;
  readonly frontier: number;
  /** States first reached from this frontier (up to a stop). */
  readonly newStates: number;
  readonly chunks: number;
  /** Chunk expansions done by each thread; index 0 is the calling thread. */
  readonly chunksByThread: readonly number[];
  /** Times the level ran out of room for new states and grew. */
  readonly enlargements: number;
}

export interface SearchSettings {
  readonly threads: number;
  readonly symmetry: boolean;
  readonly waitForWorkers: boolean;
  readonly onLevel: ((info: LevelInfo) => void) | null;
  /**
   * Worker threads started before the search (threads - 1 of them, built from the same spec
   * with the same symmetry option), so that they build their models while the coordinator
   * builds its own; null: the search starts them with the first level large enough to share.
   */
  readonly pool: WorkerPool | null;
}

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class ParallelSearch<S, E> {
  private readonly W: number;
  private replay!: Replay;
  private readonly ctl: SharedInt32 = new Int32Array(new SharedArrayBuffer(CTL.SIZE * 4));
  private readonly expander: Expander<S, E>;
  private readonly setup: WorkerSetup;
  /** The worker threads: given, or started with the first level large enough to share (or at once). */
  private pool: WorkerPool | null = null;
  private table!: SharedTable;
  private store!: LevelStore;
  private plan: LevelPlan | null = null;
  /** Chunk results by the frontier position they start at, until replayed. */
  private results = new Map<number, ChunkResult>();
  /** Frontier position of the next state to replay. */
  private nextReplay = 0;
  private minFailed = Infinity;
  private peakBytes = 0;
  private readonly threads: number;
  private readonly symmetry: boolean;
  private chunksByThread: number[] = [];
  private enlargements = 0;
  /** Mean bytes of a record in the last level (see ../record.ts), to size the next level's bytes. */
  private recordBytes = 0;
  /** Levels started (LevelPlan.serial). */
  private levels = 0;

  constructor(
    private readonly model: Model<S, E>,
    spec: ModelSpec,
    private readonly opt: ResolvedOptions,
    private readonly settings: SearchSettings,
  ) {
    const { threads, symmetry } = settings;
    this.threads = threads;
    this.symmetry = symmetry;
    this.W = model.stateWords;
    // The coordinator's expander: its replay writes the level's final ids (SharedTable.forLevel).
    this.expander = new Expander(model, symmetry, true);
    this.setup = { module: spec.module, args: spec.args, symmetry: opt.symmetry };
    if (settings.pool !== null) {
      if (settings.pool.size !== threads - 1) throw new RangeError(`parallel explorer: ${settings.pool.size} workers given for ${threads} threads`);
      this.bind(settings.pool);
    }
  }

  async run(): Promise<StateGraph> {
    // Count paths during the search unless edges were asked for; should the graph turn out not
    // to be layered, start again keeping edges (as the one-thread scheduler does).
    for (let online = countsOnline(this.opt); ; online = false) {
      const graph = await this.search(online);
      if (graph !== null) return graph;
    }
  }

  /** One search from the initial states; null when it was abandoned for a restart with edges. */
  private async search(online: boolean): Promise<StateGraph | null> {
    this.table = SharedTable.allocate();
    const replay = new Replay(this.opt, this.model.invariants.length, online, this.table);
    const core = replay.core;
    this.replay = replay;
    const store = new LevelStore(this.W, 1, BYTE_BLOCK);
    this.store = store;
    this.recordBytes = ENTRY_HEAD + maxRecordBytes(this.W);
    this.peakBytes = 0;
    const ctl = this.ctl;
    for (const w of [CTL.BYTES, CTL.FREE_NEXT, CTL.FREE_END]) Atomics.store(ctl, w, 0);
    const inits = this.model.initialStates();
    store.reserve(inits.length, 0);
    this.ensureTable(2 * inits.length + 64);
    store.beginLevel(ctl);
    const rootBytes = Math.ceil(insertRoots(this.model, inits, this.symmetry, replay, this.table, store) / BYTE_BLOCK) * BYTE_BLOCK;
    store.reserveBytes(rootBytes);
    Atomics.store(ctl, CTL.BYTES, rootBytes);
    this.notePeak();
    store.adopt(ctl, core.count);
    if (core.count === 0 && core.stopReason === null) throw new Error(`model ${this.model.name}: no initial state`);
    core.endRoots();
    if (this.settings.waitForWorkers) {
      this.startWorkers();
      await this.workersReady();
    }
    let first = 0;
    let ratio = MAX_GUESSED_RATIO;
    for (let depth = 0; core.head < core.count && !core.halted; depth++) {
      const size = core.count - first;
      const info = await this.level(depth, first, size, ratio);
      this.settings.onLevel?.(info);
      if (core.halted) break;
      ratio = info.newStates / size;
      this.commit();
      first += size;
    }
    if (core.notLayered) {
      // Every thread must be idle (no result of this search in flight) before the next.
      while (this.pool?.anyBusy) {
        if (this.pool.failure) throw this.pool.failure;
        await this.pool.next();
      }
      Atomics.store(this.ctl, CTL.ABORT, 0);
      return null;
    }
    return replay.graph(this.symmetry, this.peakBytes);
  }

  async close(): Promise<void> {
    Atomics.store(this.ctl, CTL.ABORT, 1);
    this.expander.release();
    await this.pool?.close();
  }

  /** Expands the frontier [first, first + size) and replays it; returns when done or stopped. */
  private async level(depth: number, first: number, size: number, ratio: number): Promise<LevelInfo> {
    if (size >= SPAWN_FRONTIER) this.startWorkers();
    // The guess, and the batches of indices the threads may leave unused (see CTL.NEWCOUNT).
    const capacity = Math.max(1024, Math.ceil(size * Math.min(ratio, MAX_GUESSED_RATIO) * 1.1) + 64) + 2 * this.threads * INDEX_BATCH;
    this.store.reserve(capacity, 0);
    // Bytes for the records: the last level's mean record size (with room to spare) per state,
    // and a block more for every thread; in free blocks, else fresh ones at the arena's end (the
    // frontier's blocks freed during the level come on top).
    const guess = Math.ceil(capacity * this.recordBytes * 1.5) + 2 * this.threads * BYTE_BLOCK;
    this.store.reserveBytes(Atomics.load(this.ctl, CTL.BYTES) + Math.max(0, guess - this.store.freeBytes(this.ctl)));
    this.baseFromFrontier(size);
    await this.ensureTableShared(capacity + this.threads);
    this.notePeak();
    Atomics.store(this.ctl, CTL.NEXT, 0);
    Atomics.store(this.ctl, CTL.NEWCOUNT, 0);
    Atomics.store(this.ctl, CTL.USED, 0);
    Atomics.store(this.ctl, CTL.STORED, 0);
    Atomics.store(this.ctl, CTL.PAUSE, 0);
    this.plan = { first, size, threads: this.threads, capacity, serial: ++this.levels };
    this.results = new Map();
    this.nextReplay = 0;
    this.minFailed = Infinity;
    this.chunksByThread = new Array<number>(this.threads).fill(0);
    this.enlargements = 0;
    this.store.beginLevel(this.ctl);
    this.replay.beginLevel(this.store, first + size);
    this.start();
    await this.work();
    this.plan = null;
    this.results = new Map();
    return {
      depth,
      frontier: size,
      newStates: this.replay.core.count - first - size,
      chunks: this.chunksByThread.reduce((a, b) => a + b, 0),
      chunksByThread: this.chunksByThread,
      enlargements: this.enlargements,
    };
  }

  private startWorkers(): void {
    if (this.pool !== null || this.threads === 1) return;
    this.bind(new WorkerPool(this.threads - 1, this.setup));
  }

  private bind(pool: WorkerPool): void {
    this.pool = pool;
    pool.bind({
      ready: (i, info) => this.onReady(i, info),
      chunk: (r, thread) => this.onChunk(r, thread),
      failed: (c) => this.onFailed(c),
    });
  }

  private async workersReady(): Promise<void> {
    const pool = this.pool;
    while (pool?.anyStarting) {
      if (pool.failure) throw pool.failure;
      await pool.next();
    }
  }

  private async work(): Promise<void> {
    const { ctl, pool, replay } = this;
    for (;;) {
      if (pool?.failure) throw pool.failure;
      this.drain();
      if (replay.core.halted) {
        Atomics.store(ctl, CTL.ABORT, 1);
        return;
      }
      const plan = this.plan!;
      if (Atomics.load(ctl, CTL.PAUSE) !== 0) {
        if (pool?.anyBusy) await pool.next();
        else this.enlarge();
        continue;
      }
      if (this.nextReplay === plan.size) {
        if (!pool?.anyBusy) return;
        await pool.next();
        continue;
      }
      const claim = this.expander.claim();
      if (claim !== null) {
        const r = this.expander.runChunk(claim);
        if (r === null) this.onFailed(claim.start);
        else this.onChunk(r, 0);
        await yieldTurn();
        continue;
      }
      if (pool === null) throw new Error('parallel explorer: a claim went missing');
      await pool.next();
    }
  }

  /** Replays the results that are next in frontier order. */
  private drain(): void {
    const plan = this.plan!;
    while (this.nextReplay < plan.size && !this.replay.core.halted) {
      const r = this.results.get(this.nextReplay);
      if (r === undefined) break;
      this.results.delete(this.nextReplay);
      this.nextReplay += r.deg.length;
      if (!this.replay.replayChunk(plan, r)) return;
    }
    // The frontier's blocks whose records are all expanded and replayed can take new records.
    this.store.release(this.ctl, this.nextReplay);
  }

  /** Gives the current level to the coordinator's expander and every idle worker. */
  private start(): void {
    const msg: GoMessage = { type: 'go', plan: this.plan!, buffers: this.buffers() };
    this.expander.attach(msg.buffers, msg.plan);
    this.pool?.goIdle(msg);
  }

  /**
   * The level ran out of provisional indices: double them and claim again from the first
   * dropped claim (every thread is idle, so no result is in flight). Claims after it that had
   * completed are expanded again; states they stored keep their provisional indices.
   */
  private enlarge(): void {
    const plan = this.plan!;
    if (this.minFailed === Infinity) throw new Error('parallel explorer: paused without a dropped claim');
    const capacity = plan.capacity * 2;
    this.enlargements++;
    this.store.reserve(capacity, plan.capacity);
    // Whichever ran out (indices or bytes), both grow. Claims that overshot the arena wrote
    // nothing (the blocks past its old end they drew are free at the level's end).
    const cursor = Atomics.load(this.ctl, CTL.BYTES);
    this.store.reserveBytes(Math.max(2 * Math.min(cursor, this.store.bytes.length), cursor + 4 * this.threads * BYTE_BLOCK));
    this.ensureTable(capacity + this.threads);
    this.notePeak();
    this.replay.setLevel(this.store);
    this.plan = { ...plan, capacity };
    // Claims restart at minFailed with new boundaries: results from the old boundaries past
    // it must go, or the replay could wait at a position no new claim starts at.
    for (const start of [...this.results.keys()]) if (start >= this.minFailed) this.results.delete(start);
    // Indices drawn past the room were dropped; a level out of bytes drew none it did not use.
    Atomics.store(this.ctl, CTL.NEWCOUNT, Math.min(Atomics.load(this.ctl, CTL.NEWCOUNT), plan.capacity));
    Atomics.store(this.ctl, CTL.NEXT, this.minFailed);
    this.minFailed = Infinity;
    Atomics.store(this.ctl, CTL.PAUSE, 0);
    this.start();
  }

  /** After a level: the states it numbered become the frontier (the replay published their final ids and positions as it numbered them). */
  private commit(): void {
    const numbered = this.replay.numbered;
    const stored = Atomics.load(this.ctl, CTL.STORED);
    if (numbered !== stored) {
      throw new Error(`parallel explorer: ${stored} states stored in a level but ${numbered} numbered`);
    }
    if (stored > 0) this.recordBytes = Math.max(1, Atomics.load(this.ctl, CTL.USED) / stored);
    this.notePeak();
    this.store.adopt(this.ctl, numbered);
  }

  /**
   * ensureTable, the segments to grow shared with the idle workers (no thread probes the
   * table between levels): growing is a serial part of a level (3–4% of the coordinator's
   * time on ack-flush N = 12), which the workers otherwise wait out.
   */
  private async ensureTableShared(room: number): Promise<void> {
    // The coordinator's slots reserved and not used (the workers gave theirs back before idle).
    this.expander.settle();
    const pool = this.pool;
    const idle = pool === null ? [] : pool.idleWorkers();
    const plan = this.table.growthFor(room);
    if (idle.length === 0 || plan.length < 8) {
      this.ensureTable(room);
      return;
    }
    // Segment j (largest first) goes to thread j mod (workers + 1); thread 0 is this one.
    const threads = idle.length + 1;
    const share = (t: number): number[] => plan.filter((_, j) => (j >> 1) % threads === t);
    const slot = this.store.slot.buffer;
    for (let t = 1; t < threads; t++) pool!.go(idle[t - 1], { type: 'grow', table: this.table.buffers, segments: share(t), slot });
    const mine = share(0);
    const moved = (value: number, to: number): void => {
      this.store.slot[-value - 2] = to;
    };
    for (let j = 0; j < mine.length; j += 2) this.table.growSegment(mine[j], mine[j + 1], moved);
    while (pool!.anyBusy) {
      if (pool!.failure) throw pool!.failure;
      await pool!.next();
    }
    if (pool!.failure) throw pool!.failure;
    this.table.refresh();
  }

  /** Room in every table segment for its share of `room` more states (no other thread uses the table). */
  private ensureTable(room: number): void {
    this.expander.settle();
    this.table.reserve(room, (value, slot) => {
      this.store.slot[-value - 2] = slot;
    });
  }

  /**
   * The state the next level's key entries (level-store.ts) are taken against: the frontier's
   * middle state (its states' siblings and cousins, close to most of the next level). Against
   * a state of the level before, a key record of `full --messages 4 --pops 4 --batch 1` takes
   * about 100 bytes, against the all-zero state 243.
   */
  private baseFromFrontier(size: number): void {
    const store = this.store;
    if (size > 0) decodeEntry(store.bytes, store.frontPos[size >> 1], store.frontBase, store.backBase, []);
    else store.backBase.set(store.frontBase);
  }

  private buffers(): SharedBuffers {
    const s = this.store;
    return {
      ctl: this.ctl.buffer,
      table: this.table.buffers,
      bytes: s.bytes.buffer,
      free: s.free.buffer,
      frontBase: s.frontBase.buffer,
      backBase: s.backBase.buffer,
      frontPos: s.frontPos.buffer,
      offset: s.offset.buffer,
      flags: s.flags.buffer,
      slot: s.slot.buffer,
    };
  }

  private notePeak(): void {
    this.peakBytes = Math.max(this.peakBytes, this.store.reservedBytes(this.ctl));
  }

  private onReady(i: number, info: Extract<FromWorker, { type: 'ready' }>): string | null {
    const m = this.model;
    const same =
      info.name === m.name &&
      info.stateWords === m.stateWords &&
      info.invariants.length === m.invariants.length &&
      info.invariants.every((n, j) => n === m.invariants[j].name);
    if (!same) return `built model '${info.name}', not '${m.name}'`;
    const plan = this.plan;
    if (plan !== null && Atomics.load(this.ctl, CTL.PAUSE) === 0 && Atomics.load(this.ctl, CTL.ABORT) === 0) {
      this.pool!.go(i, { type: 'go', plan, buffers: this.buffers() });
    }
    return null;
  }

  private onChunk(r: ChunkResult, thread: number): void {
    if (this.plan === null) return;
    this.chunksByThread[thread]++;
    if (r.start >= this.nextReplay && !this.results.has(r.start)) this.results.set(r.start, r);
  }

  private onFailed(start: number): void {
    this.minFailed = Math.min(this.minFailed, start);
  }
}
