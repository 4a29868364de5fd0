/**
 * Expanding one chunk of a level's frontier: the work every thread does, the coordinator
 * included. For each frontier state (in id order) and each enabled event (in order): step,
 * transition invariants, canonicalize, fingerprint, and look up or insert the successor in
 * the shared table. A successor first seen in this level gets the next provisional index;
 * its record, always-invariant flags and table slot are stored before the index is
 * published, so any thread that reads the index can rely on them. A thread writes records
 * straight into the level's shared bytes, in blocks of BYTE_BLOCK bytes it claims one at a
 * time, each record taken against the level's base state or the state the thread wrote just
 * before into the block (level-store.ts).
 */
import { TERMINAL } from '../core.js';
import { Expansion } from '../expansion.js';
import type { FingerprintStepper } from '../fingerprint.js';
import { GrowInt32 } from '../grow.js';
import type { Model } from '../model.js';
import type { InvariantSets } from '../invariant-sets.js';
import {
  claimBlock,
  decodeEntry,
  entryChain,
  ENTRY_HEAD,
  int32View,
  KEY_EVERY,
  readAlways,
  readFingerprintHalf,
  readLink,
  uint8View,
  writeAlways,
  writeFingerprint,
  writeLink,
} from './level-store.js';
import { applyRecord, encodeMarked, encodeRecord, maxRecordBytes, recordWords } from '../record.js';
import { BYTE_BLOCK, CTL, INDEX_BATCH, type ChunkResult, type Claim, type LevelPlan, type SharedBuffers, type SharedInt32 } from './protocol.js';
import { markOwn, OWN_SHIFT, SEGMENT_FULL, SharedTable } from './shared-table.js';

/** lookup() result when the level ran out of provisional indices or of bytes for records. */
const FULL = 0x80000000;
/** Bytes the parallel expander's kernel window takes from a record on when it does not hold the record (see shiftInKernel). */
const REFILL = 256;
/** The first claim of a thread, and the largest. */
const FIRST_CLAIM = 4;
const MAX_CHUNK = 256;

export class Expander<S, E> {
  private readonly W: number;
  /**
   * A state's events and successors, as the one-thread explorer's (../expansion.ts): a
   * successor's fingerprint (`fp`) from `current`'s; the model builds successors in the
   * stepper's `scratch`, with Model.stepOnto (`onto`) on the parent that `scratch` holds between
   * successors (`decode` writes the words it changes in `current` there too), so the parent is
   * not copied per successor.
   */
  private readonly x: Expansion<S, E>;
  private readonly onto: boolean;
  private readonly scratch: Int32Array;
  private readonly inv: InvariantSets<S, E>;
  private readonly stepper: FingerprintStepper;
  private readonly fp: Uint32Array;
  /** The fingerprint of `current`. */
  private readonly currentFp = new Uint32Array(2);
  /** The frontier entry whose state `current` holds (-1: none; see decode). */
  private currentAt = -1;
  /** Scratch for decodeEntry. */
  private readonly chain: number[] = [];
  /**
   * The state of the last entry this thread wrote into its block (`lastAt`, -1 when the block
   * has none yet), which the next is taken against, and the entries since the last key entry.
   */
  private readonly lastW: Int32Array;
  private lastAt = -1;
  private sinceKey = 0;
  /**
   * The words where `lastW` may differ from `current` are marked (a byte a word; mark32 reads
   * four at a time), unless `allMarks`: anywhere (after a chain was decoded).
   */
  private readonly mark: Uint8Array;
  private readonly mark32: Uint32Array;
  private allMarks = true;
  /** applyRecord's `changed`: the words a link changed in `current` (position, value before). */
  private readonly changed: Int32Array;
  /**
   * With the WebAssembly kernel, entries are decoded and encoded there, as the one-thread queue
   * does (queue.ts): a link's record applied onto `current` (and `scratch`) with its words
   * marked (FingerprintStepper.shift), a new state's record taken against the kernel's `lastIn`
   * (`lastW` then) over the kernel's marks (`encodeChild`). The kernel reads records from its
   * window, a copy of the arena's bytes [winStart, winEnd) made in this level (a frontier
   * entry's bytes do not change while the level is expanded; see `window`).
   */
  private readonly inKernel: boolean;
  private winStart = 0;
  private winEnd = 0;
  /** The kernel's window as words, and the arena's: the window is refilled a word at a time (see shiftInKernel). */
  private readonly window32: Int32Array;
  private bytes32: SharedInt32 = new Int32Array(new SharedArrayBuffer(4));
  /** Scratch for FingerprintStepper.shift's fingerprint (not used: the entry's is stored). */
  private readonly shiftFp = new Uint32Array(2);
  private readonly diff: Int32Array;
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

  /**
   * The batches of provisional indices this thread drew in the level (a byte a batch; see
   * SharedTable.forLevel), and the level they belong to (LevelPlan.serial; kept when the
   * level is enlarged).
   */
  private own = new Uint8Array(1);
  private ownLevel = -1;

  /**
   * @param coordinator whether this is the coordinator's expander, whose thread replays the
   *   level and so writes its states' final ids into the table itself.
   */
  constructor(
    private readonly model: Model<S, E>,
    symmetry: boolean,
    private readonly coordinator = false,
  ) {
    this.W = model.stateWords;
    this.x = new Expansion(model, symmetry);
    this.onto = this.x.onto;
    this.stepper = this.x.stepper;
    this.inv = this.x.inv;
    this.scratch = this.stepper.scratch;
    this.fp = this.stepper.fp;
    // The stepper's parent buffer: setParent then copies nothing.
    this.current = this.stepper.base;
    this.inKernel = this.stepper.usesKernel;
    // With the kernel, its state queued last and its marks (see inKernel).
    this.lastW = this.inKernel ? this.stepper.lastIn : new Int32Array(model.stateWords);
    this.mark = this.inKernel ? this.stepper.mark : new Uint8Array(((model.stateWords + 3) >> 2) << 2);
    this.mark32 = new Uint32Array(this.mark.buffer, this.mark.byteOffset, (model.stateWords + 3) >> 2);
    const win = this.stepper.window;
    this.window32 = new Int32Array(win.buffer, win.byteOffset, win.length >> 2);
    this.changed = new Int32Array(2 * model.stateWords);
    this.diff = this.stepper.diff;
    this.maxRecord = ENTRY_HEAD + maxRecordBytes(model.stateWords);
  }

  /** The search is over: the model no longer reads the kernel's memory (Model.useMemory). */
  release(): void {
    this.x.release();
  }

  /** Works on this level and these buffers from now on. */
  attach(buffers: SharedBuffers, plan: LevelPlan): void {
    this.ctl = new Int32Array(buffers.ctl);
    this.table = new SharedTable(buffers.table);
    // A byte for each batch of the level's indices (one more: an index at the room's end is
    // not drawn, but a batch may start below it); the batches drawn before an enlargement stay.
    const batches = (plan.capacity >>> OWN_SHIFT) + 2;
    if (plan.serial !== this.ownLevel || this.own.length < batches) {
      const own = new Uint8Array(Math.max(batches, plan.serial === this.ownLevel ? 2 * this.own.length : 0));
      if (plan.serial === this.ownLevel) own.set(this.own);
      this.own = own;
      this.ownLevel = plan.serial;
    }
    // Slots of states numbered before this level, and of those this thread published (or, the
    // coordinator, numbered), are read without Atomics (see findOrClaim).
    this.table.forLevel(plan.first + plan.size, this.own, this.coordinator);
    this.frontBase = new Int32Array(buffers.frontBase);
    this.backBase = new Int32Array(buffers.backBase);
    // A new level, or the same level enlarged: claim a new block.
    this.blockAt = 0;
    this.blockEnd = 0;
    this.nextIndex = 0;
    this.endIndex = 0;
    // Fixed-length views: the level's buffers may be growable (see level-store.ts).
    this.bytes = uint8View(buffers.bytes);
    // The arena is a whole number of blocks: a whole number of words.
    this.bytes32 = int32View(buffers.bytes);
    this.free = new Int32Array(buffers.free);
    this.frontPos = int32View(buffers.frontPos);
    this.backOffset = int32View(buffers.offset);
    this.backFlags = int32View(buffers.flags);
    this.backSlot = int32View(buffers.slot);
    this.plan = plan;
    this.currentAt = -1;
    this.lastAt = -1;
    this.allMarks = true;
    // The window's bytes may be another level's.
    this.winStart = 0;
    this.winEnd = 0;
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
    const { model, x, inv, codes, bad, ctl } = this;
    const n = claim.length;
    const deg = new Int32Array(n);
    const fin = new Int32Array(n);
    codes.length = 0;
    bad.length = 0;
    for (let j = 0; j < n; j++) {
      // Every 16th state (an Atomics.load is a builtin call): a stopped run's last claims are dropped soon enough.
      if ((j & 15) === 0 && Atomics.load(ctl, CTL.ABORT) !== 0) return null;
      const fpAt = this.frontPos[claim.start + j];
      this.decode(fpAt);
      // Its fingerprint as stored with it, not computed again.
      this.currentFp[0] = readFingerprintHalf(this.bytes, fpAt, 0);
      this.currentFp[1] = readFingerprintHalf(this.bytes, fpAt, 1);
      this.stepper.setParent(this.current, this.currentFp);
      const s = model.fromWords(this.current);
      const events = x.events(s);
      deg[j] = events.length;
      // Its always-invariant verdicts (its entry's): a successor keeps those whose words the step left as they were.
      x.parentAlways = events.length > 0 ? readAlways(this.bytes, fpAt) : 0;
      if (events.length === 0) fin[j] = TERMINAL | inv.checkFinal(s);
      for (let ei = 0; ei < events.length; ei++) {
        const tbad = x.step(s, events[ei], ei);
        const code = this.lookup();
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

  /**
   * Makes `current` the state of the frontier entry at `at`: by its one record when it links to
   * the entry decoded last (the frontier's order mostly follows a block's), else through its
   * chain from the key entry; with the kernel, there (see `inKernel`).
   */
  private decode(at: number): void {
    const { bytes, mark, changed } = this;
    const back = readLink(bytes, at);
    if (back !== 0 && at - back === this.currentAt && this.inKernel) {
      this.shiftInKernel(at + ENTRY_HEAD);
    } else if (back !== 0 && at - back === this.currentAt) {
      applyRecord(bytes, at + ENTRY_HEAD, this.current, changed);
      // `lastW` may now differ from `current` at these words too (and with `stepOnto`,
      // `scratch` takes them, holding `current` again).
      const k = recordWords(bytes, at + ENTRY_HEAD);
      for (let j = 0; j < k; j++) mark[changed[2 * j]] = 1;
      if (this.onto) {
        const { scratch, current } = this;
        for (let j = 0; j < k; j++) {
          const i = changed[2 * j];
          scratch[i] = current[i];
        }
      }
    } else {
      // `allMarks` first: the kernel marks nothing as it applies the chain.
      this.allMarks = true;
      if (this.inKernel) this.chainInKernel(at);
      else decodeEntry(bytes, at, this.frontBase, this.current, this.chain);
      if (this.onto) this.scratch.set(this.current);
    }
    this.currentAt = at;
  }

  /**
   * The link record at bytes[ro] applied onto `current` by the kernel (as `decode`'s JavaScript
   * does: `scratch` follows with `onto`, the words are marked unless `allMarks`), from its
   * window, refilled from `ro` when it does not hold the record (at most 2 + 8 k bytes for k
   * words) and REFILL bytes on, the words that hold them copied in a loop (a TypedArray.set
   * of 4 KiB from the arena, a growable SharedArrayBuffer, took more: docs/explorer.md, "Entries
   * decoded and encoded in the kernel"). The window's bytes were copied during this level: those of frontier entries are
   * the arena's (written in the level before, and no block holding an entry not expanded yet
   * is reused: level-store.ts, `release`).
   */
  private shiftInKernel(ro: number): void {
    const bytes = this.bytes;
    const end = ro + 2 + 8 * (bytes[ro] | (bytes[ro + 1] << 8));
    if (ro < this.winStart || end > this.winEnd) {
      const from = ro >> 2;
      const to = Math.min(this.bytes32.length, (Math.max(end, ro + REFILL) + 3) >> 2, from + this.window32.length);
      const { window32, bytes32 } = this;
      for (let j = from; j < to; j++) window32[j - from] = bytes32[j];
      this.winStart = from << 2;
      this.winEnd = to << 2;
    }
    this.stepper.shift(ro - this.winStart, this.shiftFp, !this.allMarks);
  }

  /** decodeEntry by the kernel: the level's base, then the records of the chain to `at` from its key entry on. */
  private chainInKernel(at: number): void {
    const chain = this.chain;
    entryChain(this.bytes, at, chain);
    this.current.set(this.frontBase);
    for (let j = chain.length - 1; j >= 0; j--) this.shiftInKernel(chain[j] + ENTRY_HEAD);
  }

  /** The code of the successor `x.step` made: its id, -(k + 1) for provisional index k, or FULL. */
  private lookup(): number {
    const table = this.table!;
    const x = this.x;
    const w = x.words;
    const nd = x.changed;
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
      // Its indices are this thread's: it alone publishes them (see SharedTable.forLevel).
      markOwn(this.own, first, this.endIndex);
    }
    const k = this.nextIndex++;
    let redo = false;
    try {
      const fpAt = this.blockAt;
      writeFingerprint(this.bytes, fpAt, this.fp[0], this.fp[1]);
      // A key entry (against the level's base) first in a block and every KEY_EVERY entries,
      // else a link to the entry written just before (see level-store.ts).
      const { W, lastW, mark, diff } = this;
      let len: number;
      const key = this.lastAt < 0 || this.sinceKey === KEY_EVERY - 1;
      // A successor built in `scratch` (with `onto`) is put back there while it is encoded in
      // JavaScript and checked (the kernel takes it from where the step kept it).
      if (!this.inKernel) redo = x.childInScratch();
      if (this.inKernel) {
        // The kernel's record (the same bytes as below), against the level's base for a key;
        // it leaves `lastW` equal to the successor, the marks as below and `scratch` as it was.
        if (key) lastW.set(this.backBase);
        writeLink(this.bytes, fpAt, key ? 0 : fpAt - this.lastAt);
        len = this.stepper.encodeChild(nd, key || this.allMarks);
        // One TypedArray.set (a loop of byte stores into the arena took more: docs/explorer.md).
        this.bytes.set(this.stepper.recordView(len), fpAt + ENTRY_HEAD);
        this.sinceKey = key ? 0 : this.sinceKey + 1;
        this.allMarks = false;
      } else if (key || this.allMarks) {
        // A key entry, or a link whose words to compare are not known: over every word.
        writeLink(this.bytes, fpAt, key ? 0 : fpAt - this.lastAt);
        len = encodeRecord(w, key ? this.backBase : lastW, W, this.bytes, fpAt + ENTRY_HEAD);
        this.sinceKey = key ? 0 : this.sinceKey + 1;
        lastW.set(w.length === W ? w : w.subarray(0, W));
        this.mark32.fill(0);
        this.allMarks = false;
      } else {
        // `w` differs from `lastW` only where `lastW` differs from `current` (marked) or the step changed a word.
        for (let j = 0; j < nd; j++) mark[diff[j]] = 1;
        writeLink(this.bytes, fpAt, fpAt - this.lastAt);
        len = encodeMarked(w, lastW, this.mark32, this.bytes, fpAt + ENTRY_HEAD);
        this.sinceKey++;
      }
      // `lastW` is `w` now, which differs from `current` where the step changed a word.
      if (!this.inKernel) for (let j = 0; j < nd; j++) mark[diff[j]] = 1;
      if (this.inKernel) redo = x.childInScratch();
      this.lastAt = fpAt;
      this.blockAt = fpAt + ENTRY_HEAD + len;
      this.written += ENTRY_HEAD + len;
      this.backOffset[k] = fpAt;
      const always = x.always(x.next!);
      writeAlways(this.bytes, fpAt, always);
      this.backFlags[k] = always;
      this.backSlot[k] = slot;
    } catch (err) {
      // An invariant threw: never leave the slot busy, other threads would wait on it.
      table.release(slot);
      // `scratch` may hold the successor: decode the next state from its key entry.
      this.currentAt = -1;
      throw err;
    }
    if (redo) x.parentInScratch();
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
    this.lastAt = -1;
    return true;
  }

  private requirePlan(): LevelPlan {
    if (this.plan === null) throw new Error('expander used before attach');
    return this.plan;
  }
}
