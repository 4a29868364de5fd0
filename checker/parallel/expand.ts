/**
 * Expanding one chunk of a level's frontier: the work every thread does, the coordinator
 * included. For each frontier state (in id order) and each enabled event (in order): step,
 * transition invariants, canonicalize, fingerprint, and look up or insert the successor in
 * the shared table. A successor first seen in this level gets the next provisional index;
 * its columns (its record's offset, always-invariant flags and table slot) are stored before
 * the index is published, so the replay, which may meet the index in any thread's chunk, can
 * rely on them; its record is written after (read only in the next level). A thread writes records
 * straight into the level's shared bytes, in blocks of BYTE_BLOCK bytes it claims one at a
 * time, each record taken against the level's base state or the state the thread wrote just
 * before into the block (level-store.ts).
 */
import { TERMINAL } from '../core.js';
import { mix, RECENT_SLOTS } from '../fptable.js';
import { Expansion } from '../expansion.js';
import type { FingerprintStepper } from '../fingerprint.js';
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

/** Bytes the parallel expander's kernel window takes from a record on when it does not hold the record (see shiftInKernel). */
const REFILL = 256;
/** The first claim of a thread, and the largest. */
const FIRST_CLAIM = 4;
const MAX_CHUNK = 256;
/**
 * The states one call of expandStates expands at most: as the one-thread loop's STATES_A_CALL
 * (../explore.ts), so that the loop is compiled on entry only, not also on the stack while a
 * long claim runs (on-stack replacement), and its parts are read into locals once a call.
 */
const STATES_A_CALL = 16;
/**
 * The codes a chunk holds before its buffer grows: a largest claim of 64 events a state. The
 * growth is a path first taken after TurboFan compiled the loop, which it then throws away.
 */
const CODES_START = MAX_CHUNK * 64;
/** The least stage (FingerprintStepper.stageBytes) the expander stages entries in (see `stage`). */
const STAGE_LEAST = 256;

export class Expander<S, E> {
  declare private readonly W: number;
  /**
   * A state's events and successors, as the one-thread explorer's (../expansion.ts): a
   * successor's fingerprint (`fp`) from `current`'s; the model builds successors in the
   * stepper's `scratch`, with Model.stepOnto (`onto`) on the parent that `scratch` holds between
   * successors (`decode` writes the words it changes in `current` there too), so the parent is
   * not copied per successor.
   */
  declare private readonly x: Expansion<S, E>;
  declare private readonly onto: boolean;
  declare private readonly scratch: Int32Array;
  declare private readonly inv: InvariantSets<S, E>;
  declare private readonly stepper: FingerprintStepper;
  declare private readonly fp: Uint32Array;
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
  declare private readonly lastW: Int32Array;
  private lastAt = -1;
  private sinceKey = 0;
  /**
   * The words where `lastW` may differ from `current` are marked (a byte a word; mark32 reads
   * four at a time), unless `allMarks`: anywhere (after a chain was decoded).
   */
  declare private readonly mark: Uint8Array;
  declare private readonly mark32: Uint32Array;
  private allMarks = true;
  /** applyRecord's `changed`: the words a link changed in `current` (position, value before). */
  declare private readonly changed: Int32Array;
  /**
   * With the WebAssembly kernel, entries are decoded and encoded there, as the one-thread queue
   * does (queue.ts): a link's record applied onto `current` (and `scratch`) with its words
   * marked (FingerprintStepper.shift), a new state's record taken against the kernel's `lastIn`
   * (`lastW` then) over the kernel's marks (`encodeChild`). The kernel reads records from its
   * window, a copy of the arena's bytes [winStart, winEnd) made in this level (a frontier
   * entry's bytes do not change while the level is expanded; see `window`).
   */
  declare private readonly inKernel: boolean;
  private winStart = 0;
  private winEnd = 0;
  /** The kernel's window as words, and the arena's: the window is refilled a word at a time (see shiftInKernel). */
  declare private readonly window32: Int32Array;
  private bytes32: SharedInt32 = new Int32Array(new SharedArrayBuffer(4));
  /** Scratch for FingerprintStepper.shift's fingerprint (not used: the entry's is stored). */
  private readonly shiftFp = new Uint32Array(2);
  declare private readonly diff: Int32Array;
  /**
   * With the kernel (and room in its memory for its stage, FingerprintStepper.stage): a new
   * state's entry (fingerprint, link, verdicts and the record the kernel writes there) is
   * written into the stage, not the arena, and the staged entries, which follow each other in
   * this thread's block, are copied into the arena at once (`flushStage`) when the stage is
   * nearly full, before the thread claims another block, and at the end of every claim (also a
   * dropped one: the states it stored are published). Nothing reads an entry before the level's
   * end (see `store`). One TypedArray.set per entry cost about 530 instructions (a builtin
   * call, a view of a power of two bytes, and a byte-wise relaxed copy into the shared arena);
   * the stage's first entry sits at the arena offset's alignment (mod 8), so that the copy
   * runs a word at a time. `stageFrom` is the arena offset of the first staged byte (-1:
   * none), `stage0` its position in the stage.
   */
  declare private readonly stage: Uint8Array;
  declare private readonly staging: boolean;
  private stageFrom = -1;
  private stage0 = 0;
  /**
   * The fingerprints this thread found or stored last in the level, with their table values,
   * direct-mapped by the low bits of their mix, as the one-thread table's cache
   * (../fptable.ts, `recent`): 3 words a slot (hi, lo, value; all zero when empty). A value read
   * from the table in this level (a state's id + 1, or a provisional index of the level, which
   * means the same state until the level ends) stays a valid answer for the rest of the
   * level; emptied when the thread attaches to a level (`attach`).
   */
  private readonly recent = new Int32Array(3 * RECENT_SLOTS);
  /** The chunk's successor codes, and its (edge, mask) pairs of violated transition invariants, so far. */
  private codeBuf: Int32Array<ArrayBuffer> = new Int32Array(CODES_START);
  private nCodes = 0;
  private badBuf: Int32Array<ArrayBuffer> = new Int32Array(64);
  private nBad = 0;
  private ctl: SharedInt32 = new Int32Array(new SharedArrayBuffer(4));
  private table: SharedTable | null = null;
  /** Both levels' records, each after its fingerprint (level-store.ts). */
  private bytes = new Uint8Array(new SharedArrayBuffer(4));
  private free: SharedInt32 = new Int32Array(new SharedArrayBuffer(4));
  private frontPos: SharedInt32 = new Int32Array(new SharedArrayBuffer(4));
  private backOffset: SharedInt32 = new Int32Array(new SharedArrayBuffer(4));
  /** The state being expanded, decoded from its record. */
  declare private readonly current: Int32Array;
  /**
   * The state the frontier's records are encoded against, and the new states' (level-store.ts):
   * this thread's copies of the level's shared bases, made when it attaches to the level (the
   * bases do not change during a level). A key entry copies a base into the kernel's memory (to
   * decode it, and to take a new key's record against it); from a SharedArrayBuffer that copy
   * is V8's byte-wise relaxed_memmove, about 1,350 instructions for `full`'s 243 words, from
   * an ordinary buffer a memcpy.
   */
  declare private readonly frontBase: Int32Array<ArrayBuffer>;
  declare private readonly backBase: Int32Array<ArrayBuffer>;
  /** This thread's block of the level's record bytes: next free byte and end (both 0: none). */
  private blockAt = 0;
  private blockEnd = 0;
  /** The largest record with its fingerprint: a block with less room left is given up. */
  declare private readonly maxRecord: number;
  /** Record bytes written, and states stored, since the last chunk's end. */
  private written = 0;
  private stored = 0;
  /** This thread's batch of provisional indices: the next one and the end (both 0: none). */
  private nextIndex = 0;
  private endIndex = 0;
  private backFlags: SharedInt32 = new Int32Array(new SharedArrayBuffer(4));
  private backSlot: SharedInt32 = new Int32Array(new SharedArrayBuffer(4));
  private plan: LevelPlan | null = null;
  /** The level's provisional indices (LevelPlan.capacity). */
  private capacity = 0;
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
  // Set by the constructor: `declare`d (docs/explorer.md, "Class fields V8 can keep untagged").
  declare private readonly model: Model<S, E>;
  declare private readonly coordinator: boolean;

  constructor(model: Model<S, E>, symmetry: boolean, coordinator = false) {
    this.model = model;
    this.coordinator = coordinator;
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
    // As the level store's bases (level-store.ts): at least one word.
    this.frontBase = new Int32Array(Math.max(1, model.stateWords));
    this.backBase = new Int32Array(Math.max(1, model.stateWords));
    this.diff = this.stepper.diff;
    this.stage = this.stepper.stage;
    this.staging = this.inKernel && this.stepper.stageBytes >= STAGE_LEAST;
    this.maxRecord = ENTRY_HEAD + maxRecordBytes(model.stateWords);
  }

  /** The search is over: the model no longer reads the kernel's memory (Model.useMemory). */
  release(): void {
    this.x.release();
  }

  /** Gives back the table slots this thread reserved and did not use (SharedTable.settle): before it goes idle. */
  settle(): void {
    this.table?.settle();
  }

  /** Works on this level and these buffers from now on. */
  attach(buffers: SharedBuffers, plan: LevelPlan): void {
    this.settle();
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
    this.frontBase.set(new Int32Array(buffers.frontBase));
    this.backBase.set(new Int32Array(buffers.backBase));
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
    // A field of its own: the coordinator's plan of an enlarged level is an object of another shape.
    this.capacity = plan.capacity;
    // The provisional values of another level mean other states.
    this.recent.fill(0);
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
      // The claim's entries into the arena (its states are published, dropped claim or not).
      this.flushStage();
      if (this.written > 0) Atomics.add(this.ctl, CTL.USED, this.written);
      if (this.stored > 0) Atomics.add(this.ctl, CTL.STORED, this.stored);
      this.written = 0;
      this.stored = 0;
    }
  }

  private expandChunk(claim: Claim): ChunkResult | null {
    this.requirePlan();
    const n = claim.length;
    const deg = new Int32Array(n);
    const fin = new Int32Array(n);
    this.nCodes = 0;
    this.nBad = 0;
    // A few states a call (see STATES_A_CALL); the abort word read before each call (an
    // Atomics.load is a builtin call): a stopped run's last claims are dropped soon enough.
    for (let j = 0; j < n; ) {
      if (Atomics.load(this.ctl, CTL.ABORT) !== 0) return null;
      const to = Math.min(n, j + STATES_A_CALL);
      const at = this.expandStates(claim.start, j, to, deg, fin);
      if (at < 0) return null;
      // A terminal state (see expandStates): its final verdicts here, then on from the next one.
      if (at < to) this.terminal(at, fin);
      j = at < to ? at + 1 : to;
    }
    return { start: claim.start, deg, fin, codes: this.codeBuf.slice(0, this.nCodes), bad: this.badBuf.slice(0, this.nBad) };
  }

  /**
   * The claim's states at positions [from, to) of the claim starting at frontier position
   * `start`: their event counts into `deg`, terminal states' final verdicts into `fin`, the
   * successors' codes into `codeBuf` and the violated transition invariants' (edge, mask) pairs
   * into `badBuf`. False when the level paused under them (a new state found no room). As the
   * one-thread loop (../explore.ts, `expandFrontier`): the parts read into locals once a call,
   * a successor's step and checks written out, a successor found in this thread's cache of
   * recent fingerprints (`recent`) answered here, the shared table probed by a call, and a new one
   * stored by a call (`store`); a few states a call, so that TurboFan compiles it on entry
   * only (no on-stack replacement) and once.
   *
   * Returns `to` when it expanded them all; the position of a terminal state, which it leaves
   * to the caller (`terminal`), when it met one first; -1 when the level paused. The ways out
   * that are first taken late in a run, a terminal state and a level out of room, do nothing
   * here but set a local and leave the loop: code that first runs after TurboFan compiled this
   * function (a field or property read, a call, an array store: anything with an inline cache
   * still empty) makes V8 throw the compiled code away and compile it again ("insufficient
   * type feedback"), once in each thread's isolate (docs/explorer.md, "Two threads' first
   * terminal state and the replay's deoptimizations").
   */
  private expandStates(start: number, from: number, to: number, deg: Int32Array, fin: Int32Array): number {
    const { model, x, inv, stepper, scratch, fp, current, currentFp, frontPos, recent } = this;
    const table = this.table!;
    const { canon, stepOnto, stepInto, withSuccessors: enabledWithSuccessors, known, touched } = x;
    const kernel = this.inKernel;
    const onto = stepOnto !== null;
    const into = stepInto !== null;
    const dry = enabledWithSuccessors !== null;
    const symmetric = canon !== null;
    let codes = this.codeBuf;
    let nCodes = this.nCodes;
    let nBad = this.nBad;
    // Where the loop stopped: `to`, a terminal state's position, or -1 (paused).
    let stop = to;
    outer: for (let j = from; j < to; j++) {
      const fpAt = frontPos[start + j];
      this.decode(fpAt);
      // Its fingerprint as stored with it, not computed again.
      const bytes = this.bytes;
      currentFp[0] = readFingerprintHalf(bytes, fpAt, 0);
      currentFp[1] = readFingerprintHalf(bytes, fpAt, 1);
      stepper.setParent(current, currentFp);
      const s = model.fromWords(current);
      const events = dry ? enabledWithSuccessors!(s, known) : model.enabledEvents(s);
      const m = events.length;
      deg[j] = m;
      // A terminal state: left to the caller (`terminal`).
      if (m === 0) {
        stop = j;
        break;
      }
      // Its always-invariant verdicts (its entry's): a successor keeps those whose words the step left as they were.
      const parentBad = readAlways(bytes, fpAt);
      if (nCodes + m > codes.length) codes = this.growCodes(nCodes, nCodes + m);
      // The successors the model built (a dry run), read only below its length, as the
      // one-thread loop does (a read past it is a map, bounds and hole check a successor).
      const builtBelow = dry ? known.length : 0;
      for (let ei = 0; ei < m; ei++) {
        const e = events[ei];
        // The successor (as the one-thread loop: ../explore.ts).
        const built = ei < builtBelow ? known[ei] : null;
        const raw =
          built != null
            ? onto
              ? model.fromWords(stepper.load(model.words(built)))
              : built
            : onto
              ? stepOnto!(s, e, scratch)
              : into
                ? stepInto!(s, e, scratch)
                : model.step(s, e);
        const next = symmetric ? canon!(raw) : raw;
        // Tested only with symmetry, as the one-thread loop: `next !== raw` of any two values costs V8 a test for NaN.
        const moved = symmetric && next !== raw;
        let tbad = moved ? inv.checkTransition(s, e, raw) : 0;
        const w = model.words(next);
        const nd = moved && onto ? stepper.stepOnto(w) : stepper.step(w);
        // With `onto` a successor stepped with `step` stays in `scratch` until the table has
        // answered: a new one is checked and encoded there (`store`), and the encoding puts the
        // parent back, as the one-thread loop's queue does; else `restoreParent` below.
        if (!moved) tbad = inv.checkTransitionTouched(s, e, kernel && w !== scratch ? model.fromWords(scratch) : next, touched[0]);
        // The table's value for the successor: from this thread's cache of the level's recent
        // fingerprints when there, else from the table (which claims a slot for a new state).
        const hi = fp[0] | 0;
        const lo = fp[1] | 0;
        const r = 3 * (mix(hi, lo) & (RECENT_SLOTS - 1));
        let v = recent[r] === hi && recent[r + 1] === lo ? recent[r + 2] : 0;
        if (v === 0) {
          v = table.findOrClaim(hi, lo);
          // A new state (0: its slot claimed), or its segment full (SEGMENT_FULL): stored as
          // provisional index k, v = -(k + 2); -1 (k = -1) when the level is out of room.
          if (v === 0 || v === SEGMENT_FULL) v = -(this.store(v, next, w, nd, parentBad, onto && !moved) + 2);
          if (v !== -1) {
            recent[r] = hi;
            recent[r + 1] = lo;
            recent[r + 2] = v;
          }
        }
        // The parent back in `scratch` for the next successor (nothing left to do after stepOnto or a new state's encoding).
        if (onto) stepper.restoreParent(nd);
        // Out of room: the claim is dropped (its codes with it), the parent back in `scratch`.
        if (v === -1) {
          stop = -1;
          break outer;
        }
        const code = v > 0 ? v - 1 : v + 1;
        if (tbad !== 0) {
          if (nBad + 2 > this.badBuf.length) this.growBad();
          this.badBuf[nBad++] = nCodes;
          this.badBuf[nBad++] = tbad;
        }
        codes[nCodes++] = code;
      }
    }
    this.nCodes = nCodes;
    this.nBad = nBad;
    return stop;
  }

  /** The terminal state at claim position `j` (expandStates stopped there; it is `current`): its final verdicts. */
  private terminal(j: number, fin: Int32Array): void {
    fin[j] = TERMINAL | this.inv.checkFinal(this.model.fromWords(this.current));
  }

  /** `codeBuf` with room for `need` codes, its first `kept` kept. */
  private growCodes(kept: number, need: number): Int32Array<ArrayBuffer> {
    const codes = new Int32Array(Math.max(need, 2 * this.codeBuf.length));
    codes.set(this.codeBuf.subarray(0, kept));
    this.codeBuf = codes;
    return codes;
  }

  private growBad(): void {
    const bad = new Int32Array(2 * this.badBuf.length);
    bad.set(this.badBuf);
    this.badBuf = bad;
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

  /**
   * A successor not in the table (`v`, findOrClaim's answer: 0, its slot claimed, or
   * SEGMENT_FULL): `next`, its words `w`, `nd` words differing from the parent (`stepper.diff`),
   * its fingerprint in `fp`, the parent's always verdicts `parentBad`; `held`: it is in
   * `scratch` (stepped with `step` after keepParentInScratch, the parent not put back yet).
   * Stores its entry and publishes its provisional index k; returns k, or -1 when the level is
   * out of room (paused; the successor then still in `scratch` if `held`).
   */
  private store(v: number, next: S, w: Int32Array, nd: number, parentBad: number, held: boolean): number {
    const table = this.table!;
    const x = this.x;
    if (v === SEGMENT_FULL) {
      Atomics.store(this.ctl, CTL.PAUSE, 1);
      return -1;
    }
    const slot = table.claimed;
    // Room for the record first, then the index: a level out of bytes pauses before an index is drawn.
    if (this.blockEnd - this.blockAt < this.maxRecord && !this.claimBlock()) {
      table.release(slot);
      Atomics.store(this.ctl, CTL.PAUSE, 1);
      return -1;
    }
    if (this.nextIndex === this.endIndex) {
      const capacity = this.capacity;
      const first = Atomics.add(this.ctl, CTL.NEWCOUNT, INDEX_BATCH);
      if (first >= capacity) {
        table.release(slot);
        Atomics.store(this.ctl, CTL.PAUSE, 1);
        return -1;
      }
      this.nextIndex = first;
      this.endIndex = Math.min(first + INDEX_BATCH, capacity);
      // Its indices are this thread's: it alone publishes them (see SharedTable.forLevel).
      markOwn(this.own, first, this.endIndex);
    }
    const k = this.nextIndex++;
    const fpAt = this.blockAt;
    // The slot is busy (another thread that probes it waits) until it is published: so only
    // what the replay may read before this thread's chunk ends, the columns (its offset, flags
    // and slot), is written first; the entry's bytes are read only in the next level, after
    // this chunk's end, and are written after the publication (below).
    let always: number;
    // A successor built in `scratch` (with `onto`) and stepped with stepOnto is put back there
    // while it is checked (and, without the kernel, encoded); one `held` there is checked there,
    // and the kernel's encoding below puts the parent back (FingerprintStepper.encodeChild).
    const redo = !held && this.childInScratch(w, nd);
    const kernel = this.inKernel;
    try {
      always = this.inv.checkAlwaysTouched(next, parentBad, x.touched[0]);
    } catch (err) {
      // An invariant threw: never leave the slot busy, other threads would wait on it.
      table.release(slot);
      // `scratch` may hold the successor: decode the next state from its key entry.
      this.currentAt = -1;
      throw err;
    }
    this.backOffset[k] = fpAt;
    this.backFlags[k] = always;
    this.backSlot[k] = slot;
    table.publish(slot, -(k + 2));
    // The kernel takes the successor from where the step kept it: at $save with the parent in
    // `scratch`, or in `scratch` (`held`), putting the parent back; without the kernel, the
    // successor stays in `scratch` until it is encoded.
    if (redo && kernel) this.parentInScratch(nd);
    // The entry: its fingerprint (in `fp`), link, record and always verdicts. A key entry
    // (against the level's base) first in a block and every KEY_EVERY entries, else a link to
    // the entry written just before (see level-store.ts). Written into the stage when staging
    // (see `stage`: the kernel writes the record there itself), else into the arena: `out` at
    // `at`, the entry's place in either.
    const { W, lastW, mark, diff } = this;
    const staging = this.staging;
    if (staging && this.stageFrom < 0) {
      this.stageFrom = fpAt;
      this.stage0 = (fpAt - this.stage.byteOffset) & 7;
    }
    const out = staging ? this.stage : this.bytes;
    const at = staging ? this.stage0 + (fpAt - this.stageFrom) : fpAt;
    const key = this.lastAt < 0 || this.sinceKey === KEY_EVERY - 1;
    writeFingerprint(out, at, this.fp[0], this.fp[1]);
    writeLink(out, at, key ? 0 : fpAt - this.lastAt);
    let len: number;
    if (kernel) {
      // The kernel's record (the same bytes as below), against the level's base for a key;
      // it leaves `lastW` equal to the successor, the marks as below and `scratch` as it was.
      if (key) lastW.set(this.backBase);
      len = this.stepper.encodeChild(nd, key || this.allMarks, staging ? at + ENTRY_HEAD : 0);
      // Not staged: one TypedArray.set (a loop of byte stores into the arena took more: docs/explorer.md).
      if (!staging) out.set(this.stepper.recordView(len), at + ENTRY_HEAD);
    } else {
      if (key || this.allMarks) {
        // A key entry, or a link whose words to compare are not known: over every word.
        len = encodeRecord(w, key ? this.backBase : lastW, W, out, at + ENTRY_HEAD);
        lastW.set(w.length === W ? w : w.subarray(0, W));
        this.mark32.fill(0);
      } else {
        // `w` differs from `lastW` only where `lastW` differs from `current` (marked) or the step changed a word.
        for (let j = 0; j < nd; j++) mark[diff[j]] = 1;
        len = encodeMarked(w, lastW, this.mark32, out, at + ENTRY_HEAD);
      }
      // `lastW` is `w` now, which differs from `current` where the step changed a word.
      for (let j = 0; j < nd; j++) mark[diff[j]] = 1;
      if (redo) this.parentInScratch(nd);
    }
    writeAlways(out, at, always);
    this.sinceKey = key ? 0 : this.sinceKey + 1;
    this.allMarks = false;
    this.lastAt = fpAt;
    this.blockAt = fpAt + ENTRY_HEAD + len;
    this.written += ENTRY_HEAD + len;
    this.stored++;
    // Room in the stage for the next entry's head and largest record (it holds stageBytes plus a largest record).
    if (staging && at + 2 * ENTRY_HEAD + len > this.stepper.stageBytes) this.flushStage();
    return k;
  }

  /**
   * Expansion.childInScratch for the successor `w` of `nd` differing words: with `onto`, a
   * successor built in `scratch` had the parent's words put back by the step; they are the
   * successor's again until `parentInScratch`. True when it did so.
   */
  private childInScratch(w: Int32Array, nd: number): boolean {
    const scratch = this.scratch;
    if (!this.onto || w !== scratch) return false;
    const { diff } = this;
    const saved = this.stepper.saved;
    for (let j = 0; j < nd; j++) scratch[diff[j]] = saved[j];
    return true;
  }

  /** After `childInScratch`: `scratch` holds the parent again. */
  private parentInScratch(nd: number): void {
    const { scratch, diff, current } = this;
    for (let j = 0; j < nd; j++) {
      const i = diff[j];
      scratch[i] = current[i];
    }
  }

  /** A new block of record bytes for this thread (see claimBlock); false when the arena has none left. */
  private claimBlock(): boolean {
    // The staged entries belong to the block given up.
    this.flushStage();
    const at = claimBlock(this.ctl, this.free, this.bytes.length);
    if (at < 0) return false;
    this.blockAt = at;
    this.blockEnd = at + BYTE_BLOCK;
    this.lastAt = -1;
    return true;
  }

  /** Copies the staged entries (see `stage`) into the arena, where they follow each other from `stageFrom` to `blockAt`. */
  private flushStage(): void {
    const from = this.stageFrom;
    if (from < 0) return;
    this.stageFrom = -1;
    const s0 = this.stage0;
    this.bytes.set(this.stage.subarray(s0, s0 + (this.blockAt - from)), from);
  }

  private requirePlan(): LevelPlan {
    if (this.plan === null) throw new Error('expander used before attach');
    return this.plan;
  }
}
