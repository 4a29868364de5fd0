/**
 * Expanding one chunk of a level's frontier: the work every thread does, the coordinator
 * included. For each frontier state (in id order) and each enabled event (in order): step,
 * transition invariants, canonicalize, fingerprint, and look up or insert the successor in
 * the shared table. A successor first seen in this level gets the next provisional index;
 * its record, always-invariant flags and table slot are stored before the index is
 * published, so any thread that reads the index can rely on them. A thread writes records
 * straight into the level's shared bytes, in blocks of BYTE_BLOCK bytes it claims one at a
 * time, each record encoded against the level's base state (level-store.ts).
 */
import { TERMINAL } from '../core.js';
import { FingerprintStepper } from '../fingerprint.js';
import { GrowInt32 } from '../grow.js';
import type { Model } from '../model.js';
import { InvariantSets } from '../invariant-sets.js';
import { claimBlock, FP_BYTES, int32View, readFingerprintHalf, uint8View, writeFingerprint } from './level-store.js';
import { applyRecord, maxRecordBytes, recordWords } from '../record.js';
import { differingPositions, encodeAt, unionPositions } from './step-record.js';
import { BYTE_BLOCK, CTL, INDEX_BATCH, type ChunkResult, type Claim, type LevelPlan, type SharedBuffers, type SharedInt32 } from './protocol.js';
import { SEGMENT_FULL, SharedTable } from './shared-table.js';

/** lookup() result when the level ran out of provisional indices or of bytes for records. */
const FULL = 0x80000000;
/** The first claim of a thread, and the largest. */
const FIRST_CLAIM = 4;
const MAX_CHUNK = 256;

export class Expander<S, E> {
  private readonly W: number;
  private readonly canon: ((s: S) => S) | null;
  private readonly stepInto: ((s: S, e: E, out: Int32Array) => S) | null;
  private readonly scratch: Int32Array;
  /** Successors the model built while computing the enabled events (see Model.enabledWithSuccessors). */
  private readonly known: (S | null)[] = [];
  private readonly inv: InvariantSets<S, E>;
  /**
   * A successor's fingerprint from `current`'s (`fp`) and the words where the two differ
   * (`diff`); the model builds successors in its `scratch` (fingerprint.ts).
   */
  private readonly stepper: FingerprintStepper;
  private readonly fp: Uint32Array;
  private readonly diff: Int32Array;
  /** The fingerprint of `current`. */
  private readonly currentFp = new Uint32Array(2);
  /** The words where `current` differs from the frontier's base (applyRecord's `changed`: position, value before), and how many. */
  private readonly changed: Int32Array;
  private changedN = 0;
  /** The positions where the new level's base differs from the frontier's (set with each level; often none). */
  private readonly levelPos: Int32Array;
  private levelN = 0;
  /**
   * With levelN > 0: the union of those and the positions `current`'s record changes, once a
   * successor of it needed it (`unionN` >= 0; -1: not yet).
   */
  private readonly union: Int32Array;
  private unionN = -1;
  private readonly codes = new GrowInt32();
  private readonly bad = new GrowInt32();
  private ctl: SharedInt32 = new Int32Array(new SharedArrayBuffer(4));
  private table: SharedTable | null = null;
  /** Both levels' records, each after its fingerprint (level-store.ts). */
  private bytes = new Uint8Array(new SharedArrayBuffer(4));
  private free: SharedInt32 = new Int32Array(new SharedArrayBuffer(4));
  private frontPos: SharedInt32 = new Int32Array(new SharedArrayBuffer(4));
  private backOffset: SharedInt32 = new Int32Array(new SharedArrayBuffer(4));
  /** The state being expanded, decoded from its record. */
  private readonly current: Int32Array;
  /** The state the frontier's records are encoded against, and the new states' (level-store.ts). */
  private frontBase: SharedInt32 = new Int32Array(new SharedArrayBuffer(4));
  private backBase: SharedInt32 = new Int32Array(new SharedArrayBuffer(4));
  /** This thread's block of the level's record bytes: next free byte and end (both 0: none). */
  private blockAt = 0;
  private blockEnd = 0;
  /** The largest record with its fingerprint: a block with less room left is given up. */
  private readonly maxRecord: number;
  /** Record bytes written, and states stored, since the last chunk's end. */
  private written = 0;
  private stored = 0;
  /** This thread's batch of provisional indices: the next one and the end (both 0: none). */
  private nextIndex = 0;
  private endIndex = 0;
  private backFlags: SharedInt32 = new Int32Array(new SharedArrayBuffer(4));
  private backSlot: SharedInt32 = new Int32Array(new SharedArrayBuffer(4));
  private plan: LevelPlan | null = null;
  /** This thread's claim size before the level's end shrinks it. */
  private ramp = FIRST_CLAIM;

  constructor(
    private readonly model: Model<S, E>,
    symmetry: boolean,
  ) {
    this.W = model.stateWords;
    this.canon = symmetry && model.canonicalize ? model.canonicalize.bind(model) : null;
    this.stepInto = model.stepInto ? model.stepInto.bind(model) : null;
    this.stepper = new FingerprintStepper(model.stateWords);
    this.scratch = this.stepper.scratch;
    this.fp = this.stepper.fp;
    this.diff = this.stepper.diff;
    // The stepper's parent buffer: setParent then copies nothing.
    this.current = this.stepper.base;
    this.changed = new Int32Array(2 * model.stateWords);
    this.levelPos = new Int32Array(model.stateWords);
    this.union = new Int32Array(model.stateWords);
    this.maxRecord = FP_BYTES + maxRecordBytes(model.stateWords);
    this.inv = new InvariantSets(model);
  }

  /** Works on this level and these buffers from now on. */
  attach(buffers: SharedBuffers, plan: LevelPlan): void {
    this.ctl = new Int32Array(buffers.ctl);
    this.table = new SharedTable(buffers.table);
    this.frontBase = new Int32Array(buffers.frontBase);
    this.backBase = new Int32Array(buffers.backBase);
    // A new level, or the same level enlarged: claim a new block.
    this.blockAt = 0;
    this.blockEnd = 0;
    this.nextIndex = 0;
    this.endIndex = 0;
    // Fixed-length views: the level's buffers may be growable (see level-store.ts).
    this.bytes = uint8View(buffers.bytes);
    this.free = new Int32Array(buffers.free);
    this.frontPos = int32View(buffers.frontPos);
    this.backOffset = int32View(buffers.offset);
    this.backFlags = int32View(buffers.flags);
    this.backSlot = int32View(buffers.slot);
    this.plan = plan;
    this.levelN = differingPositions(this.backBase, this.frontBase, this.W, this.levelPos);
    this.current.set(this.frontBase);
    this.changedN = 0;
  }

  /**
   * Claims the next frontier positions; null when none is left, the level paused or the run
   * stopped. Claims shrink towards the end of the level (guided self-scheduling: a share of
   * what is left), so threads finish a level together, and a thread's first claims are small
   * (it may still be compiling the model) and double up to MAX_CHUNK.
   */
  claim(): Claim | null {
    const plan = this.requirePlan();
    const ctl = this.ctl;
    if (Atomics.load(ctl, CTL.PAUSE) !== 0 || Atomics.load(ctl, CTL.ABORT) !== 0) return null;
    const left = plan.size - Atomics.load(ctl, CTL.NEXT);
    if (left <= 0) return null;
    const length = Math.max(1, Math.min(this.ramp, Math.ceil(left / (2 * plan.threads))));
    const start = Atomics.add(ctl, CTL.NEXT, length);
    if (start >= plan.size) return null;
    this.ramp = Math.min(this.ramp * 2, MAX_CHUNK);
    return { start, length: Math.min(length, plan.size - start) };
  }

  /** Expands the claimed positions; null when the level paused under them or the run stopped. */
  runChunk(claim: Claim): ChunkResult | null {
    try {
      return this.expandChunk(claim);
    } finally {
      if (this.written > 0) Atomics.add(this.ctl, CTL.USED, this.written);
      if (this.stored > 0) Atomics.add(this.ctl, CTL.STORED, this.stored);
      this.written = 0;
      this.stored = 0;
    }
  }

  private expandChunk(claim: Claim): ChunkResult | null {
    this.requirePlan();
    const { model, canon, inv, codes, bad, ctl } = this;
    const n = claim.length;
    const deg = new Int32Array(n);
    const fin = new Int32Array(n);
    codes.length = 0;
    bad.length = 0;
    for (let j = 0; j < n; j++) {
      if (Atomics.load(ctl, CTL.ABORT) !== 0) return null;
      const fpAt = this.frontPos[claim.start + j];
      // `current` holds the frontier's base but where the last state's record changed it: undo that, then apply this one.
      this.restoreBase();
      const at = fpAt + FP_BYTES;
      this.changedN = recordWords(this.bytes, at);
      applyRecord(this.bytes, at, this.current, this.changed);
      this.unionN = -1;
      // Its fingerprint as stored with it, not computed again.
      this.currentFp[0] = readFingerprintHalf(this.bytes, fpAt, 0);
      this.currentFp[1] = readFingerprintHalf(this.bytes, fpAt, 1);
      this.stepper.setParent(this.current, this.currentFp);
      const s = model.fromWords(this.current);
      const events = model.enabledWithSuccessors ? model.enabledWithSuccessors(s, this.known) : model.enabledEvents(s);
      deg[j] = events.length;
      if (events.length === 0) fin[j] = TERMINAL | inv.checkFinal(s);
      for (let ei = 0; ei < events.length; ei++) {
        const e = events[ei];
        const raw = this.known[ei] ?? (this.stepInto ? this.stepInto(s, e, this.scratch) : model.step(s, e));
        const tbad = inv.checkTransition(s, e, raw);
        const code = this.lookup(canon ? canon(raw) : raw);
        if (code === FULL) return null;
        if (tbad !== 0) {
          bad.push(codes.length);
          bad.push(tbad);
        }
        codes.push(code);
      }
    }
    return { start: claim.start, deg, fin, codes: codes.toArray(), bad: bad.toArray() };
  }

  /** Makes `current` the frontier's base again (it is that base but at the words the last record changed). */
  private restoreBase(): void {
    const { changed, current } = this;
    for (let j = 0; j < this.changedN; j++) current[changed[2 * j]] = changed[2 * j + 1];
    this.changedN = 0;
  }

  /** The successor's code: its id, -(k + 1) for provisional index k, or FULL. */
  private lookup(next: S): number {
    const table = this.table!;
    const w = this.model.words(next);
    const nd = this.stepper.step(w);
    const v = table.findOrClaim(this.fp[0], this.fp[1]);
    if (v === SEGMENT_FULL) {
      Atomics.store(this.ctl, CTL.PAUSE, 1);
      return FULL;
    }
    if (v > 0) return v - 1;
    if (v < 0) return v + 1;
    const slot = table.claimed;
    // Room for the record first, then the index: a level out of bytes pauses before an index is drawn.
    if (this.blockEnd - this.blockAt < this.maxRecord && !this.claimBlock()) {
      table.release(slot);
      Atomics.store(this.ctl, CTL.PAUSE, 1);
      return FULL;
    }
    if (this.nextIndex === this.endIndex) {
      const capacity = this.requirePlan().capacity;
      const first = Atomics.add(this.ctl, CTL.NEWCOUNT, INDEX_BATCH);
      if (first >= capacity) {
        table.release(slot);
        Atomics.store(this.ctl, CTL.PAUSE, 1);
        return FULL;
      }
      this.nextIndex = first;
      this.endIndex = Math.min(first + INDEX_BATCH, capacity);
    }
    const k = this.nextIndex++;
    try {
      const fpAt = this.blockAt;
      writeFingerprint(this.bytes, fpAt, this.fp[0], this.fp[1]);
      const at = fpAt + FP_BYTES;
      // The successor differs from the new base only where `current`'s record, the level's
      // change of base or the step changed a word (see step-record.ts).
      let len: number;
      if (this.levelN === 0) {
        len = encodeAt(this.changed, 2, this.changedN, this.diff, nd, w, this.backBase, this.bytes, at);
      } else {
        if (this.unionN < 0) this.unionN = unionPositions(this.changed, 2, this.changedN, this.levelPos, this.levelN, this.union);
        len = encodeAt(this.union, 1, this.unionN, this.diff, nd, w, this.backBase, this.bytes, at);
      }
      this.blockAt = at + len;
      this.written += FP_BYTES + len;
      this.backOffset[k] = fpAt;
      this.backFlags[k] = this.inv.checkAlways(next);
      this.backSlot[k] = slot;
    } catch (err) {
      // An invariant threw: never leave the slot busy, other threads would wait on it.
      table.release(slot);
      throw err;
    }
    table.publish(slot, -(k + 2));
    this.stored++;
    return -(k + 1);
  }

  /** A new block of record bytes for this thread (see claimBlock); false when the arena has none left. */
  private claimBlock(): boolean {
    const at = claimBlock(this.ctl, this.free, this.bytes.length);
    if (at < 0) return false;
    this.blockAt = at;
    this.blockEnd = at + BYTE_BLOCK;
    return true;
  }

  private requirePlan(): LevelPlan {
    if (this.plan === null) throw new Error('expander used before attach');
    return this.plan;
  }
}
