/**
 * Issue 12, item 1, "measure both": popcheck's protocol model explored over a *packed* state.
 * The explorer stores, hashes, compares and queues a few 32-bit words; the rules still run on
 * the wide layout (model/layout.ts), which the adapter unpacks once per expanded state and packs
 * once per successor. Each wide word that varies becomes a bit field `value - min` of the bits
 * its range needs; a word that never varies is a constant of the packing. The packing and
 * unpacking are generated per packing as straight-line code (`new Function`), as a
 * per-scenario code generator would write them.
 *
 * The ranges come from an exploration of the same model (bench/packed-child.ts `ranges`): the
 * narrowest packing any declaration of widths could give, so the figure is the best case for
 * a packed state over wide rules. docs/explorer.md, "A packed state, measured", has the result.
 */
import { explore } from '../checker/explore.js';
import type { AlwaysInvariant, FinalInvariant, Invariant, Model, TransitionInvariant } from '../checker/model.js';
import { modelOf } from '../model/build.js';
import type { Event } from '../model/events.js';
import type { Layout } from '../model/layout.js';
import { type PopModel, variantOf } from '../model/popmodel.js';
import type { State } from '../model/state.js';

/** One varying wide word: where it lives in the packed state. */
export interface PackedField {
  /** The wide word's index. */
  readonly wide: number;
  /** The packed word that holds it. */
  readonly word: number;
  readonly shift: number;
  /** 1..32; 32: the word as it is, in a packed word of its own. */
  readonly bits: number;
  /** Subtracted before packing (0 with 32 bits). */
  readonly min: number;
}

export interface Packing {
  /** The wide state's words. */
  readonly wideWords: number;
  /** The packed state's words. */
  readonly words: number;
  readonly fields: readonly PackedField[];
  /** Every wide word's value where it never varies (a varying word's entry is unused). */
  readonly constants: Int32Array;
  /** The packed word of each wide word, -1 for a constant one. */
  readonly wordOf: Int32Array;
}

/** The bits `span` (max - min, 0..2^32 - 1) needs. */
function bitsFor(span: number): number {
  let bits = 0;
  while (bits < 32 && 2 ** bits <= span) bits++;
  return bits;
}

/**
 * The packing of wide states whose word i ranges over min[i]..max[i] (inclusive), first fit in
 * the order of the wide words (neighbouring fields change together, so a step changes few
 * packed words). With `region` (a number per wide word), a packed word holds fields of one
 * region only: the explorer's per-word bookkeeping (which invariants read a word, which CK
 * record `lifecycle-legal` must look at) stays as fine as the regions.
 */
export function packingOf(min: Int32Array, max: Int32Array, region?: Int32Array): Packing {
  if (min.length !== max.length || min.length === 0) throw new RangeError('packingOf: min and max must be one non-empty length');
  const fields: PackedField[] = [];
  const constants = new Int32Array(min.length);
  const wordOf = new Int32Array(min.length).fill(-1);
  let word = -1;
  let used = 32;
  let last = NaN;
  for (let i = 0; i < min.length; i++) {
    if (min[i] > max[i]) throw new RangeError(`packingOf: word ${i}: min ${min[i]} > max ${max[i]}`);
    if (min[i] === max[i]) {
      constants[i] = min[i];
      continue;
    }
    const bits = bitsFor(max[i] - min[i]);
    if (used + bits > 32 || (region !== undefined && region[i] !== last)) {
      word++;
      used = 0;
    }
    fields.push({ wide: i, word, shift: used, bits, min: bits === 32 ? 0 : min[i] });
    wordOf[i] = word;
    used += bits;
    if (region !== undefined) last = region[i];
  }
  return { wideWords: min.length, words: Math.max(1, word + 1), fields, constants, wordOf };
}

/** Each word's region of a PopModel's layout: the globals, each queue, each CK slot, each revive-topic entry, each ACK put mask. */
export function layoutRegions(L: Layout): Int32Array {
  const r = new Int32Array(L.words);
  const entriesEnd = L.log0 + (L.ackPut0 >= 0 ? L.ackPut0 - L.log0 : L.words - L.log0);
  const entrySize = L.entries > 0 ? (entriesEnd - L.log0) / L.entries : 1;
  const ckSize = (L.log0 - L.c0) / L.ckSlots;
  for (let i = 0; i < L.words; i++) {
    if (i < L.q0) r[i] = 0;
    else if (i < L.c0) r[i] = 1 + Math.floor((i - L.q0) / L.queueStride);
    else if (i < L.log0) r[i] = 100 + Math.floor((i - L.c0) / ckSize);
    else if (i < entriesEnd) r[i] = 10_000 + Math.floor((i - L.log0) / entrySize);
    else r[i] = 100_000 + i;
  }
  return r;
}

type PackFn = (wide: Int32Array, out: Int32Array) => void;

/** Straight-line code that packs a wide state into `out` (every packed word written). */
export function packerOf(p: Packing): PackFn {
  const terms: string[][] = Array.from({ length: p.words }, () => []);
  for (const f of p.fields) {
    const v = f.min === 0 ? `w[${f.wide}]` : `(w[${f.wide}] - ${f.min})`;
    terms[f.word].push(f.shift === 0 ? v : `(${v} << ${f.shift})`);
  }
  const body = terms.map((t, k) => `o[${k}] = ${t.length === 0 ? '0' : t.join(' | ')};`).join('\n');
  return new Function('w', 'o', body) as PackFn;
}

/** Straight-line code that writes a packed state's varying words into a wide state (whose constant words are already in place). */
export function unpackerOf(p: Packing): PackFn {
  const lines = p.fields.map((f) => {
    if (f.bits === 32) return `w[${f.wide}] = o[${f.word}];`;
    const mask = f.bits === 31 ? 0x7fffffff : (1 << f.bits) - 1;
    const field = f.shift === 0 ? `(o[${f.word}] & ${mask})` : `((o[${f.word}] >>> ${f.shift}) & ${mask})`;
    return `w[${f.wide}] = ${f.min === 0 ? field : `${field} + ${f.min}`};`;
  });
  return new Function('o', 'w', lines.join('\n')) as PackFn;
}

/** The packed positions of wide positions (constant words dropped, each packed word once). */
function mapPositions(p: Packing, wide: readonly number[]): number[] {
  const out = new Set<number>();
  for (const i of wide) if (p.wordOf[i] >= 0) out.add(p.wordOf[i]);
  return [...out].sort((a, b) => a - b);
}

/**
 * `inner` (a model over wide Int32Array states, e.g. a PopModel) over packed states, without
 * symmetry. The wide parent and child live in a WebAssembly memory of the adapter's own, given to
 * `inner` (Model.useMemory), so that `lifecycle-legal` reads them in its module as it does in a
 * plain run.
 */
export function packedModel<S extends Int32Array, E>(inner: Model<S, E>, p: Packing): Model<Int32Array, E> {
  if (p.wideWords !== inner.stateWords) throw new RangeError(`packedModel: the packing is for ${p.wideWords} words, the model has ${inner.stateWords}`);
  const pack = packerOf(p);
  const unpack = unpackerOf(p);
  const W = p.wideWords;
  const P = p.words;
  // Three wide buffers 64-byte aligned in one page or more: the parent, the child, and a spare.
  const stride = Math.ceil((4 * W) / 64) * 64;
  const memory = new (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } } }).WebAssembly.Memory({
    initial: Math.ceil((3 * stride) / 65536),
  });
  const wideParent = new Int32Array(memory.buffer, 0, W);
  const wideChild = new Int32Array(memory.buffer, stride, W);
  const wideSpare = new Int32Array(memory.buffer, 2 * stride, W);
  for (const w of [wideParent, wideChild, wideSpare]) w.set(p.constants);
  inner.useMemory?.(memory, []);
  // The packed words wideParent and wideChild hold.
  const parentPacked = new Int32Array(P);
  const childPacked = new Int32Array(P);
  let parentValid = false;
  let childValid = false;
  const same = (a: Int32Array, b: Int32Array): boolean => {
    for (let k = 0; k < P; k++) if (a[k] !== b[k]) return false;
    return true;
  };
  /** The wide form of packed `s`: the parent or the child when it is theirs, else unpacked into the spare. */
  const wideOf = (s: Int32Array): Int32Array => {
    if (childValid && same(s, childPacked)) return wideChild;
    if (parentValid && same(s, parentPacked)) return wideParent;
    unpack(s, wideSpare);
    return wideSpare;
  };
  const asParent = (s: Int32Array): void => {
    if (parentValid && same(s, parentPacked)) return;
    unpack(s, wideParent);
    parentPacked.set(s);
    parentValid = true;
  };
  const packInto = (wide: Int32Array, out: Int32Array): Int32Array => {
    pack(wide, out);
    return out;
  };
  const wide = (w: Int32Array): S => inner.fromWords(w);
  const mapInvariant = (inv: Invariant<S, E>): Invariant<Int32Array, E> => {
    if (inv.kind === 'always') {
      const a: AlwaysInvariant<Int32Array> = {
        name: inv.name,
        kind: 'always',
        description: inv.description,
        holds: (s) => inv.holds(wide(wideOf(s))),
        ...(inv.reads ? { reads: mapPositions(p, inv.reads) } : {}),
      };
      return a;
    }
    if (inv.kind === 'final') {
      const f: FinalInvariant<Int32Array> = { name: inv.name, kind: 'final', description: inv.description, holds: (s) => inv.holds(wide(wideOf(s))) };
      return f;
    }
    const t: TransitionInvariant<Int32Array, E> = {
      name: inv.name,
      kind: 'transition',
      description: inv.description,
      // `a` is the child just packed, `b` the parent being expanded (each found by its words).
      holds: (b, e, a, parts) => {
        const wa = wideOf(a);
        return inv.holds(wide(wideOf(b)), e, wide(wa), parts);
      },
      ...(inv.watches ? { watches: mapPositions(p, inv.watches) } : {}),
      ...(inv.parts ? { parts: inv.parts.map((part) => mapPositions(p, part)) } : {}),
    };
    return t;
  };
  return {
    name: `${inner.name} packed into ${P} words`,
    stateWords: P,
    invariants: inner.invariants.map(mapInvariant),
    initialStates: () => inner.initialStates().map((s) => packInto(inner.words(s), new Int32Array(P))),
    enabledEvents: (s) => {
      asParent(s);
      return inner.enabledEvents(wide(wideParent));
    },
    step: (s, e) => {
      const w = new Int32Array(W);
      w.set(p.constants);
      unpack(s, w);
      return packInto(inner.words(inner.step(wide(w), e)), new Int32Array(P));
    },
    stepOnto: (s, e, out) => {
      asParent(s);
      // The child starts as the parent: its varying words unpacked (measured about as dear as
      // copying every word: docs/explorer.md, "A packed state, measured").
      unpack(s, wideChild);
      const r = inner.stepOnto ? inner.stepOnto(wide(wideParent), e, wideChild) : inner.step(wide(wideParent), e);
      pack(inner.words(r), out);
      if (r === wideChild) {
        childPacked.set(out);
        childValid = true;
      } else childValid = false;
      return out;
    },
    words: (s) => s,
    fromWords: (w) => w,
  };
}

/** ack-flush at N messages (5.3.2 by default), as `check --scenario ack-flush --messages N` builds it; explore it with `symmetry: false`. */
export function ackFlushModel(n: number, release = '5.3.2'): PopModel {
  return modelOf({ scenario: 'ack-flush', messages: n, rocketmq: release as '5.3.2' });
}

/** Each word's least and greatest value over the states `model` reaches without symmetry (its successors as built). */
export function wordRanges(model: PopModel): { min: number[]; max: number[] } {
  const W = model.stateWords;
  const min = new Int32Array(W).fill(2147483647);
  const max = new Int32Array(W).fill(-2147483648);
  const see = (w: Int32Array): void => {
    for (let i = 0; i < W; i++) {
      if (w[i] < min[i]) min[i] = w[i];
      if (w[i] > max[i]) max[i] = w[i];
    }
  };
  for (const s of model.initialStates()) see(s);
  const plain = variantOf(model, { name: model.name, invariants: [], symmetric: false });
  const watching: Model<State, Event> = {
    ...plain,
    stepOnto: (s, e, out) => {
      const r = model.stepOnto(s, e, out);
      see(r);
      return r;
    },
  };
  const g = explore(watching, {});
  if (!g.complete) throw new Error('wordRanges: the exploration did not complete');
  return { min: [...min], max: [...max] };
}
