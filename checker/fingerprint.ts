/**
 * 64-bit fingerprints of int32 words, incremental (Zobrist-style): the fingerprint of
 * words[0, len) is a constant of the length XOR, over every non-zero word, a 64-bit hash of
 * (position, value) (`wordHash`). It is a pure function of the words, whichever path built
 * them, and a state that differs from a known one in k words gets its fingerprint in O(k)
 * hashes from the known one's (`fingerprintStep`, `fingerprintWord`), without hashing the other
 * words.
 *
 * The hash of (position i, value v) is a 64-bit bijection (David Stafford's "Mix13", the
 * finaliser of SplitMix64) of the 64-bit key (i << 32 | v as uint32) XOR KEY: no two
 * (position, value) pairs share a hash. A zero word contributes nothing. The WebAssembly kernel
 * computes it in i64 arithmetic; here it is computed in 32-bit halves, to the same bits.
 * docs/explorer.md ("Fingerprints") argues the collision quality.
 */

import type { WasmMemory } from './model.js';
import { maxRecordBytes } from './record.js';
import { HAVE_KERNEL, kernelInstance, type KernelExports } from './wasm/kernel.js';

/** The largest size of the kernel's window on the queue's records (FingerprintStepper.window), unless two records need more. */
const WINDOW_BYTES = 1 << 16;
/** The largest size of the queue's stage in the kernel's memory (FingerprintStepper.stageBytes). */
const STAGE_BYTES = 1 << 13;
/**
 * The widest state the kernel takes (FingerprintStepper runs fingerprintStep in JavaScript on
 * wider ones): its code addresses the parent and child buffers, the differing positions, the
 * saved words and the hash cache at fixed addresses (KERNEL_AT, kernel.wat's constants), each
 * buffer with room for this many words. An address in the code is folded into the load or
 * store, where one held in a variable takes a register and, in `step`'s loop, its spills.
 */
export const KERNEL_MAX_WORDS = 2048;
/** Where the kernel's fixed buffers lie in its memory (bytes): the same numbers as kernel.wat's. */
export const KERNEL_AT = {
  parent: 32,
  child: 32 + 4 * KERNEL_MAX_WORDS,
  diff: 32 + 8 * KERNEL_MAX_WORDS,
  save: 32 + 12 * KERNEL_MAX_WORDS,
  hc: 32 + 16 * KERNEL_MAX_WORDS,
} as const;

/** KEY = 0x9e3779b97f4a7c15 (XOR-ed into every key), and Mix13's two multipliers, as halves. */
const KEY_HI = 0x9e3779b9 | 0;
const KEY_LO = 0x7f4a7c15;
const M1_HI = 0xbf58476d | 0;
const M1_LO = 0x1ce4e5b9;
const M2_HI = 0x94d049bb | 0;
const M2_LO = 0x133111eb;

/**
 * The two halves of the hashes of the values 0 to 15 at each position, precomputed (a fallback
 * without the kernel: small words are common): SMALL[32 i + 2 v] (high) and SMALL[32 i + 2 v +
 * 1] (low); zero for v = 0.
 */
let SMALL = new Int32Array(0);
/** The positions SMALL covers. */
let smallWords = 0;

/** The high 32 bits of the product of two uint32s a and b (exact: 16-bit limbs, every partial product below 2^32). */
function mulHigh(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
}

/** `wordHash`'s high half (its result is the low half). */
let hashHigh = 0;

/**
 * The 64-bit hash of the value v (non-zero) at position i: returns its low half and leaves its
 * high half in `hashHigh`. With z = (i << 32 | v as uint32) XOR KEY: z ^= z >>> 30; z *= M1;
 * z ^= z >>> 27; z *= M2; z ^= z >>> 31 (mod 2^64), as kernel.wat's `step` does in i64.
 */
export function wordHash(i: number, v: number): number {
  let hi = i ^ KEY_HI;
  let lo = v ^ KEY_LO;
  // Each xor-shift: the low half takes the high half's bits shifted in (from the old high half).
  lo ^= (lo >>> 30) | (hi << 2);
  hi ^= hi >>> 30;
  let h = (mulHigh(lo, M1_LO) + Math.imul(hi, M1_LO) + Math.imul(lo, M1_HI)) | 0;
  lo = Math.imul(lo, M1_LO);
  hi = h;
  lo ^= (lo >>> 27) | (hi << 5);
  hi ^= hi >>> 27;
  h = (mulHigh(lo, M2_LO) + Math.imul(hi, M2_LO) + Math.imul(lo, M2_HI)) | 0;
  lo = Math.imul(lo, M2_LO);
  hi = h;
  lo ^= (lo >>> 31) | (hi << 1);
  hi ^= hi >>> 31;
  hashHigh = hi;
  return lo;
}

/** Makes fingerprintWord ready for positions below len (fingerprint64 and fingerprintStep do it themselves). */
export function fingerprintSeeds(len: number): void {
  if (len <= smallWords) return;
  const n = Math.max(len, 256, smallWords * 2);
  const small = new Int32Array(32 * n);
  for (let i = 0; i < n; i++) {
    for (let v = 1; v < 16; v++) {
      small[32 * i + 2 * v + 1] = wordHash(i, v);
      small[32 * i + 2 * v] = hashHigh;
    }
  }
  SMALL = small;
  smallWords = n;
}
fingerprintSeeds(256);

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Chris Wellons' "lowbias32" finaliser (a different bijection from fmix32). */
function lowbias32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h;
}

/** Writes the fingerprint of words[start, start+len) into out[0] (high) and out[1] (low). */
export function fingerprint64(words: Int32Array, start: number, len: number, out: Uint32Array): void {
  fingerprintSeeds(len);
  let hi = fmix32(len ^ 0x2545f491);
  let lo = lowbias32(Math.imul(len, 0x27d4eb2f) ^ 0x68e31da4);
  for (let i = 0; i < len; i++) {
    const v = words[start + i];
    if (v === 0) continue;
    lo ^= wordHash(i, v);
    hi ^= hashHigh;
  }
  out[0] = hi;
  out[1] = lo;
}

/**
 * The fingerprint of `child[0, len)` from that of `parent[0, len)` (`parentFp`), which it
 * differs from in a few words: writes it into out[0] (high) and out[1] (low), the positions
 * where the two differ, in increasing order, into `diff`, and returns how many there are.
 * `out` may be `parentFp`.
 */
export function fingerprintStep(
  parent: Int32Array,
  parentFp: Uint32Array,
  child: Int32Array,
  len: number,
  out: Uint32Array,
  diff: Int32Array,
): number {
  if (len > smallWords) fingerprintSeeds(len);
  // First the comparison alone (a tight loop), then the hashes of the few words it found.
  const n = compare(parent, child, len, diff);
  let hi = parentFp[0] | 0;
  let lo = parentFp[1] | 0;
  const small = SMALL;
  for (let j = 0; j < n; j++) {
    const i = diff[j];
    const a = parent[i];
    const b = child[i];
    if (a >>> 4 === 0) {
      const t = (i << 5) | (a << 1);
      hi ^= small[t];
      lo ^= small[t + 1];
    } else {
      lo ^= wordHash(i, a);
      hi ^= hashHigh;
    }
    if (b >>> 4 === 0) {
      const t = (i << 5) | (b << 1);
      hi ^= small[t];
      lo ^= small[t + 1];
    } else {
      lo ^= wordHash(i, b);
      hi ^= hashHigh;
    }
  }
  out[0] = hi;
  out[1] = lo;
  return n;
}

/**
 * Writes the positions where a[0, len) and b[0, len) differ into diff, in increasing order;
 * returns how many. Compares 64 bits at a time (BigInt64Array views, four to a test) where
 * both arrays are 8-byte aligned: about three times faster than word by word.
 */
function compare(a: Int32Array, b: Int32Array, len: number, diff: Int32Array): number {
  const va = view64(a);
  const vb = view64(b);
  let n = 0;
  let i = 0;
  if (va !== null && vb !== null) {
    const q = len >> 1;
    if (va.length >= q && vb.length >= q) {
      let j = 0;
      for (; j + 4 <= q; j += 4) {
        if (va[j] !== vb[j] || va[j + 1] !== vb[j + 1] || va[j + 2] !== vb[j + 2] || va[j + 3] !== vb[j + 3]) {
          for (let r = j; r < j + 4; r++) {
            if (va[r] === vb[r]) continue;
            const m = 2 * r;
            if (a[m] !== b[m]) diff[n++] = m;
            if (a[m + 1] !== b[m + 1]) diff[n++] = m + 1;
          }
        }
      }
      i = 2 * j;
    }
  }
  for (; i < len; i++) if (a[i] !== b[i]) diff[n++] = i;
  return n;
}

/** A few arrays' 64-bit views, by identity (the explorer compares the same few buffers over and over). */
const VIEW_KEYS: (Int32Array | null)[] = [null, null, null, null, null, null, null, null];
const VIEWS: (BigInt64Array | null)[] = [null, null, null, null, null, null, null, null];
let nextView = 0;

function view64(a: Int32Array): BigInt64Array | null {
  for (let k = 0; k < 8; k++) if (VIEW_KEYS[k] === a) return VIEWS[k];
  const v = (a.byteOffset & 7) === 0 ? new BigInt64Array(a.buffer, a.byteOffset, a.length >> 1) : null;
  VIEW_KEYS[nextView] = a;
  VIEWS[nextView] = v;
  nextView = (nextView + 1) & 7;
  return v;
}

/**
 * `fingerprintStep` for the successors of one state after another, as the explorers use it:
 * `setParent(words, fp)` once per state expanded, then `step(child)` per successor, which
 * writes the successor's fingerprint into `fp` (high, low) and the positions where it differs
 * from the parent into `diff`, and returns how many. The same fingerprints and positions as
 * `fingerprintStep`. Also `fingerprintWord` for several words at once (`update`), for the
 * queue that decodes the states to expand into `base`.
 *
 * Where the runtime has WebAssembly (Node, browsers) the work is done by the kernel
 * (checker/wasm/kernel.wat, one instance with its own memory per stepper). `base` is the
 * kernel's parent buffer, `scratch` its child buffer, `fp`, `diff` and `changed` views on its
 * memory too: a parent decoded into `base` and a successor built in `scratch` (Model.stepInto)
 * are not copied at all; others are copied in (native copies). Without WebAssembly (or with
 * `wasm` false) it runs `fingerprintStep` and `fingerprintWord`.
 */
export class FingerprintStepper {
  // The fields the constructor sets are `declare`d: as ES2022 class fields they would start as
  // `undefined`, and V8 would then keep a number written later as a tagged value, checked and
  // untagged at every read (docs/explorer.md, "Class fields V8 can keep untagged").
  /** Words a state. */
  declare readonly words: number;
  /** A buffer of `words` words to build a successor in (never the parent's). */
  declare readonly scratch: Int32Array;
  /** A buffer of `words` words to keep the parent in: `setParent(base, fp)` copies nothing. */
  declare readonly base: Int32Array;
  /** The positions where the last successor stepped differs from the parent. */
  declare readonly diff: Int32Array;
  /**
   * After `stepOnto`: the successor's words at those positions (`saved[j]` is its word
   * `diff[j]`), which `scratch` no longer holds. With the kernel only (a view on its memory).
   */
  declare readonly saved: Int32Array;
  /** The last successor's fingerprint: fp[0] high, fp[1] low. */
  declare readonly fp: Uint32Array;
  /**
   * touched[0]: the OR, over the positions where the last successor stepped differs from the
   * parent, of the masks given to `watch` (0 until then): which invariants the step may concern.
   */
  declare readonly touched: Int32Array;
  /** Without the kernel: the masks given to `watch` (null: none). */
  private watching: Int32Array | null = null;
  /** With the kernel: its copy of the masks given to `watch` (the mask of position i at [4 i + 1], beside the hash cache's value and hash). */
  private readonly watchMasks: Int32Array | null = null;
  /** `update`'s input: pairs (position, value before), 2 × words int32. */
  declare readonly changed: Int32Array;
  /**
   * For the search queue (queue.ts) that encodes successors with `encodeChild`: the state it
   * queued last (`words` words), a mark byte per word (a multiple of 16 bytes), and where
   * `encodeChild` writes a record (`maxRecordBytes(words)` bytes), as views `record[b]` of
   * 16 × 2^b bytes, the last one of exactly maxRecordBytes(words) bytes (`recordView`).
   */
  declare readonly lastIn: Int32Array;
  declare readonly mark: Uint8Array;
  declare private readonly records: Uint8Array[];
  /**
   * With the kernel: where `encodeChild(n, full, at)` writes records for the search queue, one
   * after another from `at` 0 up to `stageBytes` (then a last record of up to
   * maxRecordBytes(words) bytes), so that the queue copies many into its chunk at once: `stage`
   * views them all. `stageBytes` is 8 KiB, or less when the kernel's memory has no room for it
   * (0: a record at a time). Empty and 0 without the kernel.
   */
  declare readonly stage: Uint8Array;
  declare readonly stageBytes: number;
  /**
   * With the kernel: where the queue copies the records it reads (`shift`), a window of what
   * room the kernel's memory has left up to 64 KiB, and at least twice maxRecordBytes(words);
   * empty without.
   */
  declare readonly window: Uint8Array;
  /** With the kernel: `shift`'s second result (`update`'s), at byte 16 of its memory. */
  declare private readonly shifted: Int32Array;
  /** The parent's fingerprint. */
  private hi = 0;
  private lo = 0;
  declare private readonly kernel: KernelExports | null;
  /** Without the kernel: the parent given to setParent, and its fingerprint. */
  declare private parent: Int32Array;
  private readonly parentFp = new Uint32Array(2);
  /** With the kernel: `update`'s result. */
  declare private readonly updated: Uint32Array;
  /**
   * 1 when `scratch` holds the parent between successors (`keepParentInScratch`), else 0. Numbers,
   * not booleans: `step` copies this one into `childInScratch` per successor, and a store of a
   * value V8 does not know to be a small integer comes with a write barrier's test.
   */
  private restoring = 0;
  /** 1 after `keepParentInScratch` when `scratch` holds the successor `step` stepped last, not the parent (see `restoreParent`); else 0. */
  private childInScratch = 0;

  /** With the kernel: `spareBuffers` buffers of `words` words in its memory for the model (Model.memoryBuffers); else none. */
  declare readonly spare: readonly Int32Array[];

  constructor(words: number, wasm = HAVE_KERNEL, spareBuffers = 0) {
    this.words = words;
    fingerprintSeeds(words);
    if (!wasm || words > KERNEL_MAX_WORDS) {
      this.kernel = null;
      this.scratch = new Int32Array(words);
      this.base = new Int32Array(words);
      this.diff = new Int32Array(words);
      this.saved = new Int32Array(words);
      this.fp = new Uint32Array(2);
      this.touched = new Int32Array(1);
      this.changed = new Int32Array(2 * words);
      this.parent = this.base;
      this.updated = this.fp;
      this.lastIn = new Int32Array(words);
      this.mark = new Uint8Array((words + 15) & ~15);
      this.records = [];
      this.stage = new Uint8Array(0);
      this.stageBytes = 0;
      this.window = new Uint8Array(0);
      this.shifted = new Int32Array(1);
      this.spare = [];
      return;
    }
    // The kernel's memory (kernel.wat): the results; at fixed addresses (KERNEL_AT, the
    // constants in the kernel's code) the parent and child buffers (`step` compares their words
    // sixteen at a time, past the length too up to a multiple of 16, where both stay zero),
    // the differing positions, `step`'s saved words, and per position a value, a `watch` mask
    // and the value's hash (16 bytes: the kernel's cache of word hashes, and the masks); then
    // `update`'s pairs.
    const k = kernelInstance();
    const cap = (words + 15) & ~15;
    const { parent, child, diff, save, hc } = KERNEL_AT;
    const changed = hc + 16 * cap;
    // The queue's: the state queued last, the marks, its stage of records.
    const lastIn = changed + 8 * cap;
    const markBytes = (words + 15) & ~15;
    const mark = lastIn + 4 * cap;
    const rec = mark + markBytes;
    const recBytes = maxRecordBytes(words);
    const have = k.memory.buffer.byteLength;
    // The stage, if the memory has room for it beside the model's buffers and the window's least.
    const room = have - (rec + recBytes + 16 + spareBuffers * 4 * cap + 2 * recBytes);
    const stageBytes = Math.max(0, Math.min(STAGE_BYTES, room & ~15));
    // The model's buffers (Model.memoryBuffers), 16-byte aligned.
    const spare = (rec + recBytes + stageBytes + 15) & ~15;
    // The window takes what room the memory has left, up to WINDOW_BYTES, and at least two
    // records: the memory grows only for wide states. (Growing a WebAssembly memory detaches its
    // ArrayBuffer, and the first detached buffer makes V8 check every typed array access in
    // optimized code for detachment from then on: measured as 4% more instructions on
    // ack-flush, the model's functions alike; docs/explorer.md, "Counting instructions".)
    const window = spare + spareBuffers * 4 * cap;
    const windowBytes = Math.max(2 * recBytes, Math.min(WINDOW_BYTES, have - window));
    const bytes = window + windowBytes;
    if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
    k.init(changed);
    k.initQueue(lastIn, mark, markBytes, rec, window);
    const buf = k.memory.buffer;
    this.kernel = k;
    this.fp = new Uint32Array(buf, 0, 2);
    this.touched = new Int32Array(buf, 20, 1);
    this.watchMasks = new Int32Array(buf, hc, 4 * words);
    this.updated = new Uint32Array(buf, 8, 2);
    this.base = new Int32Array(buf, parent, words);
    this.parent = this.base;
    this.scratch = new Int32Array(buf, child, words);
    this.diff = new Int32Array(buf, diff, words);
    this.saved = new Int32Array(buf, save, words);
    this.changed = new Int32Array(buf, changed, 2 * words);
    this.lastIn = new Int32Array(buf, lastIn, words);
    this.mark = new Uint8Array(buf, mark, markBytes);
    this.records = [];
    for (let b = 16; b < recBytes; b *= 2) this.records.push(new Uint8Array(buf, rec, b));
    this.records.push(new Uint8Array(buf, rec, recBytes));
    this.stage = new Uint8Array(buf, rec, stageBytes + recBytes);
    this.stageBytes = stageBytes;
    this.window = new Uint8Array(buf, window, windowBytes);
    this.shifted = new Int32Array(buf, 16, 1);
    this.spare = Array.from({ length: spareBuffers }, (_, b) => new Int32Array(buf, spare + b * 4 * cap, words));
  }

  /** Whether the WebAssembly kernel does the work. */
  get usesKernel(): boolean {
    return this.kernel !== null;
  }

  /**
   * The kernel's memory, which holds `base` and `scratch` (null without the kernel): for
   * Model.useMemory. The stepper grows it only in its constructor.
   */
  get memory(): WasmMemory | null {
    return this.kernel === null ? null : this.kernel.memory;
  }

  /**
   * From now on `scratch` holds the parent's words between successors, so that a model can
   * build a successor on it without copying the parent first (Model.stepOnto): `stepOnto`
   * fingerprints a successor and puts the parent back, `update` (the queue decoding the next
   * parent into `base`) writes `scratch` too, and `encodeChild` takes the successor's words
   * from where `stepOnto` kept them. Only with the kernel, on a new stepper (`base` and
   * `scratch` both still zero), whose parents all come from a queue decoding into `base`, or
   * whose scheduler writes each parent's words into `scratch` itself (the parallel expander).
   */
  keepParentInScratch(): void {
    if (this.kernel === null) throw new Error('FingerprintStepper: keepParentInScratch needs the kernel');
    this.restoring = 1;
  }

  /**
   * The state whose successors `step` fingerprints next (its words[0, words)), and its
   * fingerprint. The words must not change until the last of its successors is stepped.
   */
  setParent(words: Int32Array, fp: Uint32Array): void {
    this.hi = fp[0] | 0;
    this.lo = fp[1] | 0;
    if (this.kernel === null) {
      this.parent = words;
      this.parentFp[0] = this.hi;
      this.parentFp[1] = this.lo;
    } else if (words !== this.base) {
      this.base.set(words.length === this.words ? words : words.subarray(0, this.words));
      if (this.restoring === 1) this.scratch.set(this.base);
    }
  }

  /**
   * Copies a successor's words[0, words) into `scratch` and returns `scratch` (with the kernel:
   * in its memory, where `step` and `stepOnto` then copy nothing). After `keepParentInScratch`
   * the successor loaded must be stepped with `stepOnto`, which puts the parent back, or with
   * `step` followed by `restoreParent`.
   */
  load(child: Int32Array): Int32Array {
    if (child !== this.scratch) this.scratch.set(child.length === this.words ? child : child.subarray(0, this.words));
    return this.scratch;
  }

  /**
   * A successor's words[0, words): its fingerprint into `fp`, the positions where it differs
   * into `diff` (returns how many), and the OR of the `watch` masks at those positions into
   * `touched`. With the kernel the successor is then in `scratch` (copied there if built
   * elsewhere); after `keepParentInScratch`, `restoreParent` must follow before the next
   * successor is built.
   */
  step(child: Int32Array): number {
    // Small enough for TurboFan to inline into the explorer's loop (its cumulative budget is
    // 920 bytes of bytecode a function): the path without the kernel is a method of its own.
    const k = this.kernel;
    if (k === null) return this.stepWithoutKernel(child);
    if (child !== this.scratch) this.load(child);
    this.childInScratch = this.restoring;
    return k.step(this.words, this.hi, this.lo, 0);
  }

  /** `step` without the kernel. */
  private stepWithoutKernel(child: Int32Array): number {
    const diff = this.diff;
    const n = fingerprintStep(this.parent, this.parentFp, child, this.words, this.fp, diff);
    const w = this.watching;
    let t = 0;
    if (w !== null) for (let j = 0; j < n; j++) t |= w[diff[j]];
    this.touched[0] = t;
    return n;
  }

  /**
   * After `keepParentInScratch` and a `step` (its `n` differing words): the successor stays in
   * `scratch` (to be read there, its invariants checked) until this puts the parent's words
   * back, keeping the successor's aside for `encodeChild` as `stepOnto` does; an `encodeChild`
   * before it puts them back itself, and then this does nothing. Must come before the next
   * successor is built on `scratch`. Without a `step` since the last `restoreParent`,
   * `stepOnto` or `encodeChild`, it does nothing.
   */
  restoreParent(n: number): void {
    if (this.childInScratch !== 1) return;
    this.childInScratch = 0;
    this.kernel!.restore(n);
  }

  /**
   * Per position of the state, a bit mask (e.g. the invariants that read the word): from now on
   * `step` and `stepOnto` put the OR of the masks of the positions that differ into `touched`.
   */
  watch(masks: Int32Array): void {
    if (masks.length !== this.words) throw new RangeError(`FingerprintStepper.watch: ${masks.length} masks for ${this.words} words`);
    if (this.watchMasks === null) this.watching = masks.slice();
    else for (let i = 0; i < masks.length; i++) this.watchMasks[4 * i + 1] = masks[i];
  }

  /**
   * `step` after `keepParentInScratch`: the successor is `child` (`scratch`, built on the
   * parent it held, or any other array); afterwards `scratch` holds the parent again and the
   * successor's differing words are kept in the kernel for `encodeChild`.
   */
  stepOnto(child: Int32Array): number {
    const k = this.kernel!;
    if (child !== this.scratch) this.scratch.set(child.length === this.words ? child : child.subarray(0, this.words));
    this.childInScratch = 0;
    return k.step(this.words, this.hi, this.lo, 1);
  }

  /**
   * The queue's record of the last successor stepped (`scratch`, its differing words `diff[0,
   * n)`) against `lastIn`, over every word (`full`) or over the words marked in `mark` and the
   * step's (see kernel.wat, `pushChild`), updating `lastIn` and the marks as
   * PackedQueue.pushChild does: returns its length in bytes; `recordView(length)` holds it, or
   * with `at` (at most `stageBytes`), `stage` from `at` on. Only with the kernel (`usesKernel`).
   */
  encodeChild(n: number, full: boolean, at = 0): number {
    // The successor in `scratch` (`step` after keepParentInScratch: redo 2), or at $save (`stepOnto`: redo 1).
    const redo = this.childInScratch === 1 ? 2 : this.restoring === 1 ? 1 : 0;
    this.childInScratch = 0;
    return this.kernel!.pushChild(this.words, n, full ? 1 : 0, redo, at);
  }

  /** A view of at least `length` (at most maxRecordBytes(words)) bytes, from the start of the record `encodeChild` wrote. */
  recordView(length: number): Uint8Array {
    const b = length <= 16 ? 0 : 28 - Math.clz32(length - 1);
    const r = this.records;
    return r[b < r.length ? b : r.length - 1];
  }

  /**
   * The queue's decoding in the kernel (only with it, `usesKernel`): applies the record at
   * `window[off]` onto `base` (which holds the state it was encoded against) and updates `fp`
   * as `update` does at the words it changed (with `marking`, marking them); returns the
   * record's length in bytes. `shiftedFresh` is then what `update` returns.
   */
  shift(off: number, fp: Uint32Array, marking: boolean): number {
    const len = this.kernel!.shift(off, fp[0], fp[1], (marking ? 1 : 0) | (this.restoring === 1 ? 2 : 0));
    fp[0] = this.updated[0];
    fp[1] = this.updated[1];
    return len;
  }

  /** `update`'s result in the last `shift`. */
  get shiftedFresh(): number {
    return this.shifted[0];
  }

  /**
   * `fingerprintWord` for each of the k pairs (position i, value before) in `changed`, the
   * value after being base[i]: updates `fp` (high, low) from the words before to base's.
   * With `marking`, also sets `mark[i]` for each position i and returns how many were not set
   * before (else 0).
   */
  update(k: number, fp: Uint32Array, marking = false): number {
    const kernel = this.kernel;
    if (kernel === null) {
      const { changed, base, mark } = this;
      let fresh = 0;
      for (let j = 0; j < 2 * k; j += 2) {
        const i = changed[j];
        fingerprintWord(fp, i, changed[j + 1], base[i]);
        if (marking && mark[i] === 0) {
          mark[i] = 1;
          fresh++;
        }
      }
      return fresh;
    }
    const fresh = kernel.update(k, fp[0], fp[1], (marking ? 1 : 0) | (this.restoring === 1 ? 2 : 0));
    fp[0] = this.updated[0];
    fp[1] = this.updated[1];
    return fresh;
  }
}

/** Updates fp for word i changing from a to b (i below a length given to fingerprintSeeds or fingerprint64). */
export function fingerprintWord(fp: Uint32Array, i: number, a: number, b: number): void {
  let hi: number;
  let lo: number;
  if (a >>> 4 === 0) {
    const t = (i << 5) | (a << 1);
    hi = SMALL[t];
    lo = SMALL[t + 1];
  } else {
    lo = wordHash(i, a);
    hi = hashHigh;
  }
  if (b >>> 4 === 0) {
    const t = (i << 5) | (b << 1);
    hi ^= SMALL[t];
    lo ^= SMALL[t + 1];
  } else {
    lo ^= wordHash(i, b);
    hi ^= hashHigh;
  }
  fp[0] ^= hi;
  fp[1] ^= lo;
}

/**
 * The probability that two distinct states shared a fingerprint during a run, computed
 * as TLC does ("optimistic"): distinct * (generated - distinct) / 2^64.
 */
export function collisionProbability(distinct: number, generated: number): number {
  const others = Math.max(0, generated - distinct);
  return (distinct * others) / 2 ** 64;
}
