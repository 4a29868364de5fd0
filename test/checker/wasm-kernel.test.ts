/**
 * The WebAssembly fingerprint kernel (checker/wasm/kernel.wat): its committed bytes are the
 * text's, and `FingerprintStepper`, with the kernel and in JavaScript, gives exactly
 * `fingerprintStep`'s fingerprints and differing positions; the explorer finds the same graph
 * without WebAssembly.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { fingerprint64, FingerprintStepper, fingerprintStep, KERNEL_AT, KERNEL_MAX_WORDS } from '../../checker/fingerprint.js';
import { encodeRecord } from '../../checker/record.js';
import { base64Bytes } from '../../checker/wasm/compile.js';
import { HAVE_KERNEL, kernelBytes } from '../../checker/wasm/kernel.js';
import { SPREAD_BASE64 } from '../../checker/wasm/spread-bytes.js';
import { createModel as createPopModel, type ModelArgs } from '../../model/factory.js';
import { plainField, SHARED_GRAPH_FIELDS } from '../fixtures/graph.js';
import { watBytes } from '../fixtures/wat.js';

describe('the WebAssembly kernel', () => {
  it('is kernel.wat compiled: kernel-bytes.ts is what checker/wasm/build-wat.mjs makes of the text now', async () => {
    const bytes = await watBytes(new URL('../../checker/wasm/kernel.wat', import.meta.url));
    expect(Buffer.from(kernelBytes()).equals(bytes)).toBe(true);
  });

  it('runs in Node (so the properties below test it)', () => {
    expect(HAVE_KERNEL).toBe(true);
  });
});

describe("the visited table's growth module", () => {
  it('is spread.wat compiled: spread-bytes.ts is what checker/wasm/build-wat.mjs makes of the text now (shared memory: the threads feature)', async () => {
    const bytes = await watBytes(new URL('../../checker/wasm/spread.wat', import.meta.url));
    expect(Buffer.from(base64Bytes(SPREAD_BASE64)).equals(bytes)).toBe(true);
  });
});

/** Words across the int32 range, the small values 0-15 the lane table holds, and zeros. */
const word = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 15 }),
  fc.integer({ min: 16, max: 17 }),
  fc.constantFrom(-1, -(2 ** 31), 2 ** 31 - 1, 2 ** 16, -16),
  fc.integer(),
);

/** A parent of 0-300 words and successors of it, each a few edits (or none, or every word). */
const family = fc.integer({ min: 0, max: 300 }).chain((w) =>
  fc.tuple(
    fc.array(word, { minLength: w, maxLength: w }),
    fc.array(
      fc.oneof(
        { weight: 5, arbitrary: fc.array(fc.tuple(fc.nat(Math.max(0, w - 1)), word), { maxLength: 12 }) },
        { weight: 1, arbitrary: fc.array(fc.tuple(fc.nat(Math.max(0, w - 1)), word), { maxLength: 2 * w }) },
      ),
      { minLength: 1, maxLength: 4 },
    ),
    fc.constantFrom('scratch', 'own', 'longer'),
  ),
);

describe('FingerprintStepper', () => {
  for (const wasm of [true, false]) {
    it(`${wasm ? 'with the kernel' : 'in JavaScript'}: the fingerprints and positions of fingerprintStep (and of fingerprint64)`, () => {
      fc.assert(
        fc.property(family, ([words, children, where]) => {
          const w = words.length;
          const parent = Int32Array.from(words);
          const pf = new Uint32Array(2);
          fingerprint64(parent, 0, w, pf);
          const stepper = new FingerprintStepper(w, wasm);
          // A mask a word (`watch`): `touched` is their OR over the differing positions.
          const masks = Int32Array.from({ length: w }, (_, i) => (i % 5 === 0 ? 0 : 1 << (i * 7) % 31) | ((i * 13) % 29 === 0 ? 1 << 31 : 0));
          if (w > 0 && words[0] % 2 === 0) stepper.watch(masks);
          const watching = w > 0 && words[0] % 2 === 0;
          // The parent from a buffer that is then overwritten: the stepper keeps its words.
          const given = parent.slice();
          stepper.setParent(given, pf);
          if (wasm) given.fill(7);
          else given.set(parent);
          const want = new Uint32Array(2);
          const jsFp = new Uint32Array(2);
          const jsDiff = new Int32Array(w);
          for (const edits of children) {
            const child = parent.slice();
            if (w > 0) for (const [i, v] of edits) child[i] = v;
            // The successor in the stepper's scratch, in an array of its own, or in a longer one.
            let src: Int32Array;
            if (where === 'scratch') {
              stepper.scratch.set(child);
              src = stepper.scratch;
            } else if (where === 'own') src = child;
            else {
              src = new Int32Array(w + 3).fill(-5);
              src.set(child);
            }
            const n = stepper.step(src);
            const jsN = fingerprintStep(parent, pf, child, w, jsFp, jsDiff);
            fingerprint64(child, 0, w, want);
            expect(n).toBe(jsN);
            expect(Array.from(stepper.diff.subarray(0, n))).toEqual(Array.from(jsDiff.subarray(0, n)));
            expect([stepper.fp[0], stepper.fp[1]]).toEqual([jsFp[0], jsFp[1]]);
            expect([stepper.fp[0], stepper.fp[1]]).toEqual([want[0], want[1]]);
            let t = 0;
            if (watching) for (let j = 0; j < jsN; j++) t |= masks[jsDiff[j]];
            expect(stepper.touched[0]).toBe(t);
          }
        }),
        { numRuns: 400 },
      );
    });
  }

  it('states of every length 0-64 differing in one word at each position, with the kernel', () => {
    for (let w = 0; w <= 64; w++) {
      const parent = new Int32Array(w);
      for (let i = 0; i < w; i++) parent[i] = (i * 7) % 19;
      const pf = new Uint32Array(2);
      fingerprint64(parent, 0, w, pf);
      const stepper = new FingerprintStepper(w, true);
      stepper.setParent(parent, pf);
      const want = new Uint32Array(2);
      for (let i = 0; i < w; i++) {
        for (const v of [parent[i] + 1, 0, 15, 16, -1, 2 ** 31 - 1]) {
          if (v === parent[i]) continue;
          stepper.scratch.set(parent);
          stepper.scratch[i] = v;
          fingerprint64(stepper.scratch, 0, w, want);
          expect(stepper.step(stepper.scratch)).toBe(1);
          expect(stepper.diff[0]).toBe(i);
          expect([stepper.fp[0], stepper.fp[1]]).toEqual([want[0], want[1]]);
        }
      }
    }
  });

  it('takes states of up to KERNEL_MAX_WORDS words, its buffers where the code reads them (KERNEL_AT); wider ones in JavaScript, to the same fingerprints', () => {
    // kernel.wat addresses these buffers by constants: the stepper's views must lie there.
    const text = readFileSync(new URL('../../checker/wasm/kernel.wat', import.meta.url), 'utf8');
    for (const at of [KERNEL_AT.parent, KERNEL_AT.child, KERNEL_AT.diff, KERNEL_AT.save, KERNEL_AT.hc, KERNEL_AT.hc + 4, KERNEL_AT.hc + 8])
      expect(text).toContain(`offset=${at} `);
    for (const w of [KERNEL_MAX_WORDS - 1, KERNEL_MAX_WORDS, KERNEL_MAX_WORDS + 1]) {
      const stepper = new FingerprintStepper(w, true);
      expect(stepper.usesKernel).toBe(w <= KERNEL_MAX_WORDS);
      if (stepper.usesKernel) {
        expect([stepper.base.byteOffset, stepper.scratch.byteOffset, stepper.diff.byteOffset, stepper.saved.byteOffset]).toEqual([
          KERNEL_AT.parent,
          KERNEL_AT.child,
          KERNEL_AT.diff,
          KERNEL_AT.save,
        ]);
      }
      const parent = Int32Array.from({ length: w }, (_, i) => (i * 7919) % 1000);
      const pf = new Uint32Array(2);
      fingerprint64(parent, 0, w, pf);
      stepper.setParent(parent, pf);
      const masks = Int32Array.from({ length: w }, (_, i) => 1 << i % 31);
      stepper.watch(masks);
      const want = new Uint32Array(2);
      // Edits at the first word, the last, and ones in between: each successor's fingerprint,
      // positions and watch masks, and the parent kept (the next successor starts from it).
      for (const edits of [[0], [w - 1], [1, w - 2, w - 1], [17, 1000, w - 17]]) {
        const child = parent.slice();
        for (const i of edits) child[i] = -1 - i;
        fingerprint64(child, 0, w, want);
        const n = stepper.step(child);
        expect(Array.from(stepper.diff.subarray(0, n))).toEqual(edits);
        expect([stepper.fp[0], stepper.fp[1]]).toEqual([want[0], want[1]]);
        expect(stepper.touched[0]).toBe(edits.reduce((t, i) => t | masks[i], 0));
      }
    }
  });
});

describe('the explorer without WebAssembly', () => {
  const ackFlush: ModelArgs = { scenario: 'ack-flush', messages: 6, rocketmq: '5.3.2', batchAck: false, settings: {}, invariants: null };
  const full: ModelArgs = { scenario: 'full', messages: 3, rocketmq: '5.3.2', batchAck: false, settings: {}, invariants: null };

  it('finds the same graph as with the kernel', async () => {
    const withKernel = await import('../../checker/index.js');
    vi.resetModules();
    vi.doMock('../../checker/wasm/kernel.js', async (original) => ({ ...(await original<object>()), HAVE_KERNEL: false }));
    try {
      const kernelModule = await import('../../checker/wasm/kernel.js');
      expect(kernelModule.HAVE_KERNEL).toBe(false);
      const withoutKernel = await import('../../checker/index.js');
      const { FingerprintStepper: JsStepper } = await import('../../checker/fingerprint.js');
      expect(new JsStepper(4).usesKernel).toBe(false);
      expect(new FingerprintStepper(4).usesKernel).toBe(true);
      expect(withoutKernel.explore).not.toBe(withKernel.explore);
      for (const [args, options] of [
        [ackFlush, { symmetry: false }],
        [ackFlush, {}],
        [full, {}],
      ] as const) {
        const a = withKernel.explore(createPopModel(args), options);
        const b = withoutKernel.explore(createPopModel(args), options);
        expect(a.states).toBeGreaterThan(50);
        for (const f of SHARED_GRAPH_FIELDS) expect(plainField(b, f), f).toEqual(plainField(a, f));
      }
    } finally {
      vi.doUnmock('../../checker/wasm/kernel.js');
      vi.resetModules();
    }
  });
});

describe('FingerprintStepper.update', () => {
  for (const wasm of [true, false]) {
    it(`${wasm ? 'with the kernel' : 'in JavaScript'}: the fingerprint of base after the changes listed, from the one before`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 300 }).chain((w) =>
            fc.tuple(fc.array(word, { minLength: w, maxLength: w }), fc.uniqueArray(fc.tuple(fc.nat(w - 1), word), { maxLength: w, selector: ([i]) => i })),
          ),
          ([words, edits]) => {
            const w = words.length;
            const stepper = new FingerprintStepper(w, wasm);
            const before = Int32Array.from(words);
            const fp = new Uint32Array(2);
            fingerprint64(before, 0, w, fp);
            stepper.base.set(before);
            // Each change listed as (position, value before), the base then holding the value after.
            edits.forEach(([i, v], j) => {
              stepper.changed[2 * j] = i;
              stepper.changed[2 * j + 1] = before[i];
              stepper.base[i] = v;
            });
            stepper.update(edits.length, fp);
            const want = new Uint32Array(2);
            fingerprint64(stepper.base, 0, w, want);
            expect(Array.from(fp)).toEqual(Array.from(want));
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});

describe("the kernel's hash cache (a value and its wordHash a position)", () => {
  it('is never wrong, only missed: step, shift and update from parents written into base from JavaScript', () => {
    // Few words, so that rounds meet the positions again with other values: each round's parent
    // is copied in by setParent (not by `shift` or `update`, which keep the cache), a successor
    // stepped, then a record of another successor applied by the kernel's `shift` and changes
    // listed to `update`, each fingerprint against fingerprint64. A cache read without its value
    // compared gives a stale hash here.
    const edits = (w: number) => fc.array(fc.tuple(fc.nat(w - 1), word), { minLength: 1, maxLength: 6 });
    const round = (w: number) => fc.tuple(edits(w), edits(w), edits(w), fc.uniqueArray(fc.tuple(fc.nat(w - 1), word), { maxLength: w, selector: ([i]) => i }));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }).chain((w) => fc.tuple(fc.array(word, { minLength: w, maxLength: w }), fc.array(round(w), { minLength: 1, maxLength: 8 }))),
        ([words, rounds]) => {
          const w = words.length;
          const stepper = new FingerprintStepper(w, true);
          const want = new Uint32Array(2);
          const fp = new Uint32Array(2);
          let parent = Int32Array.from(words);
          const edited = (s: Int32Array, e: [number, number][]) => {
            const t = s.slice();
            for (const [i, v] of e) t[i] = v;
            return t;
          };
          for (const [again, child, next, changes] of rounds) {
            // A parent that differs from the last state the kernel saw, copied in.
            parent = edited(parent, again);
            fingerprint64(parent, 0, w, fp);
            stepper.setParent(parent.slice(), fp);
            const c = edited(parent, child);
            stepper.step(c);
            fingerprint64(c, 0, w, want);
            expect(Array.from(stepper.fp)).toEqual(Array.from(want));
            // The kernel's `shift`: base holds the parent, the record takes it to `q`.
            const q = edited(parent, next);
            encodeRecord(q, parent, w, stepper.window, 0);
            stepper.shift(0, fp, false);
            fingerprint64(q, 0, w, want);
            expect(Array.from(fp)).toEqual(Array.from(want));
            expect(Array.from(stepper.base)).toEqual(Array.from(q));
            // `update`: base written here, the changes listed.
            changes.forEach(([i, v], j) => {
              stepper.changed[2 * j] = i;
              stepper.changed[2 * j + 1] = stepper.base[i];
              stepper.base[i] = v;
            });
            stepper.update(changes.length, fp);
            fingerprint64(stepper.base, 0, w, want);
            expect(Array.from(fp)).toEqual(Array.from(want));
            parent = stepper.base.slice();
          }
        },
      ),
      { numRuns: 300, seed: 12 },
    );
  });
});

describe('FingerprintStepper with the parent kept in scratch (the one-thread explorer)', () => {
  it('stepOnto, step then restoreParent, and update moving to the next parent: fingerprint64, the differing positions, the parent back in scratch, the buffers zero past the length', () => {
    // Each round: a few successors of the parent (built on scratch, odd and even numbers of
    // differing words, none), then the next parent as a list of changes (update, which the
    // child buffer follows).
    const edits = (w: number) => fc.array(fc.tuple(fc.nat(w - 1), word), { maxLength: 9 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }).chain((w) =>
          fc.tuple(
            fc.array(word, { minLength: w, maxLength: w }),
            fc.array(fc.tuple(fc.array(fc.tuple(fc.boolean(), edits(w)), { maxLength: 4 }), edits(w)), { minLength: 1, maxLength: 5 }),
          ),
        ),
        ([words, rounds]) => {
          const w = words.length;
          const stepper = new FingerprintStepper(w, true);
          stepper.keepParentInScratch();
          const parent = Int32Array.from(words);
          const fp = new Uint32Array(2);
          fingerprint64(parent, 0, w, fp);
          stepper.setParent(parent, fp);
          const want = new Uint32Array(2);
          const buf = new Int32Array(stepper.memory!.buffer);
          const pad = (view: Int32Array) => Array.from(buf.subarray(view.byteOffset / 4 + w, view.byteOffset / 4 + ((w + 15) & ~15)));
          const zeros = new Array(((w + 15) & ~15) - w).fill(0);
          for (const [children, next] of rounds) {
            for (const [onto, es] of children) {
              const child = parent.slice();
              for (const [i, v] of es) {
                child[i] = v;
                stepper.scratch[i] = v;
              }
              const positions = Array.from(child.keys()).filter((i) => child[i] !== parent[i]);
              fingerprint64(child, 0, w, want);
              const n = onto ? stepper.stepOnto(stepper.scratch) : stepper.step(stepper.scratch);
              expect(n).toBe(positions.length);
              expect(Array.from(stepper.diff.subarray(0, n))).toEqual(positions);
              expect(Array.from(stepper.fp)).toEqual(Array.from(want));
              if (onto) expect(Array.from(stepper.saved.subarray(0, n))).toEqual(positions.map((i) => child[i]));
              else {
                expect(Array.from(stepper.scratch)).toEqual(Array.from(child));
                stepper.restoreParent(n);
              }
              expect(Array.from(stepper.scratch)).toEqual(Array.from(parent));
            }
            // The next parent: its changes listed as (position, value before), base holding the value after.
            const changed = new Map<number, number>();
            for (const [i, v] of next) {
              if (!changed.has(i)) changed.set(i, parent[i]);
              parent[i] = v;
            }
            let k = 0;
            for (const [i, before] of changed) {
              stepper.changed[2 * k] = i;
              stepper.changed[2 * k + 1] = before;
              stepper.base[i] = parent[i];
              k++;
            }
            stepper.update(k, fp);
            fingerprint64(parent, 0, w, want);
            expect(Array.from(fp)).toEqual(Array.from(want));
            expect(Array.from(stepper.base)).toEqual(Array.from(parent));
            expect(Array.from(stepper.scratch)).toEqual(Array.from(parent));
            stepper.setParent(stepper.base, fp);
            expect(pad(stepper.base)).toEqual(zeros);
            expect(pad(stepper.scratch)).toEqual(zeros);
          }
        },
      ),
      { numRuns: 300, seed: 12 },
    );
  });
});
