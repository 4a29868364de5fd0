import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TERMINAL } from '../../checker/explore.js';
import { capacityFor, FingerprintTable, grown, home, mix, mustGrow, RECENT_SLOTS, SEGMENTS, segmentOf, TableSize } from '../../checker/fptable.js';
import { ByteChunks, EdgeDstColumn, EdgeStartColumn, EdgeTree, FlagColumn, Float64Chunks, GrowInt32, GrowUint32, ParentColumn, spare, ViaColumn } from '../../checker/grow.js';
import { fingerprint64, FingerprintStepper, fingerprintStep } from '../../checker/fingerprint.js';
import { PackedQueue } from '../../checker/queue.js';
import { expectFifo } from '../fixtures/fifo.js';
import { expectSameNumbers, expectSameRows } from '../fixtures/same-numbers.js';
import { applyRecord, encodeRecord, maxRecordBytes } from '../../checker/record.js';
import { xorshift } from '../xorshift.js';

/** A word: mostly small or equal to the one before (as states are), sometimes any int32. */
const word = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, -1) },
  { weight: 2, arbitrary: fc.integer({ min: -200, max: 70_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(-(2 ** 31), 2 ** 31 - 1, 2 ** 30, 0x7f, 0x80, 0x3fff, 0x4000) },
  { weight: 1, arbitrary: fc.integer() },
);

describe('PackedQueue', () => {
  it('gives back every state pushed, in order, under any interleaving of pushes and shifts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }).chain((w) =>
          fc.tuple(
            fc.constant(w),
            fc.array(fc.oneof(fc.array(word, { minLength: w, maxLength: w }), fc.constant('shift' as const)), { maxLength: 80 }),
          ),
        ),
        ([w, ops]) => {
          const q = new PackedQueue(w);
          expectFifo(q, ops);
          // Without fingerprints (the spilling explorer's candidates): the same states, and `fp` stays the zero state's.
          const bare = new PackedQueue(w, null, false);
          expectFifo(bare, ops);
          const zero = new Uint32Array(2);
          fingerprint64(new Int32Array(w), 0, w, zero);
          expect(Array.from(bare.fp)).toEqual(Array.from(zero));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('with the kernel, successors staged in its memory read back in order across the stage and 1 MiB chunks, shifts in between', () => {
    // The kernel writes successors' records on a stage in its memory, copied into the queue's
    // chunk when more than stageBytes wait, before a chunk is begun and before its window is
    // filled from the chunk being written: here records of up to 100 changed words of 300 fill
    // the stage many times and run past the first chunk, and shifts read records still staged.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 15, max: 40 }), (seed, shiftPercent) => {
        const rand = xorshift(seed);
        const w = 300;
        const stepper = new FingerprintStepper(w, true);
        expect(stepper.stageBytes).toBeGreaterThan(0);
        const q = new PackedQueue(w, stepper);
        const fifo: Int32Array[] = [];
        const want = new Uint32Array(2);
        const root = new Int32Array(w).map(() => rand(7));
        q.push(root);
        fifo.push(root);
        let parent: Int32Array | null = null;
        const expectNext = (): void => {
          parent = q.shift();
          const expected = fifo.shift()!;
          expectSameNumbers(Array.from(parent), Array.from(expected));
          fingerprint64(expected, 0, w, want);
          expectSameNumbers(Array.from(q.fp), Array.from(want));
          stepper.setParent(parent, q.fp);
        };
        for (let op = 0; op < 7000; op++) {
          if (parent === null || (fifo.length > 0 && rand(100) < shiftPercent)) {
            if (fifo.length > 0) expectNext();
            continue;
          }
          const child: Int32Array = (parent as Int32Array).slice();
          const edits = 1 + rand(100);
          for (let e = 0; e < edits; e++) child[rand(w)] = rand(3) === 0 ? rand(2 ** 31) : rand(200);
          stepper.scratch.set(child);
          const n = stepper.step(stepper.scratch);
          q.pushChild(stepper.scratch, stepper.diff, n);
          fifo.push(child);
        }
        while (fifo.length > 0) expectNext();
        // Past the first chunk.
        expect((q as unknown as { chunks: unknown[] }).chunks.length).toBeGreaterThan(1);
      }),
      { numRuns: 4 },
    );
  });

  it('without fingerprints, refuses a stepper and pushChild', () => {
    expect(() => new PackedQueue(4, new FingerprintStepper(4), false)).toThrow(/stepper/);
    const q = new PackedQueue(4, null, false);
    expect(() => q.pushChild(new Int32Array(4), new Int32Array(4), 0)).toThrow(/fingerprints/);
  });

  for (const stepping of [
    'fingerprintStep',
    'a FingerprintStepper with the kernel',
    'a FingerprintStepper in JavaScript',
    'a FingerprintStepper with the kernel, the parent kept in its scratch',
  ] as const) {
    it(`pushChild writes the bytes push writes, and shift keeps the fingerprint of the state read (${stepping})`, () => {
      // A BFS-like flow: shifts, then successors of the state shifted (a few words changed, or
      // many), mixed with plain pushes (roots, or a scheduler that does not know the parent).
      // Some states are wide (gaps of two-byte varints; the kernel's blocks of 8 and 16 words).
      fc.assert(
        fc.property(
          fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: 120, max: 300 }) }).chain((w) =>
            fc.tuple(
              fc.constant(w),
              fc.array(fc.array(word, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 4 }),
              fc.array(
                fc.oneof(
                  fc.constant('shift' as const),
                  fc.record({
                    full: fc.boolean(),
                    edits: fc.array(fc.tuple(fc.nat(w - 1), word), { maxLength: Math.min(w, 40) }),
                    // With the parent kept in scratch: a successor built elsewhere (copied in), or one stepped and not queued (known already).
                    elsewhere: fc.boolean(),
                    known: fc.boolean(),
                    // With the parent kept in scratch: `step`, the successor read in scratch, then `restoreParent` (as stepOnto).
                    split: fc.boolean(),
                  }),
                ),
                { maxLength: 120 },
              ),
            ),
          ),
          ([w, roots, ops]) => {
            // With a stepper, the queue decodes into the stepper's parent buffer and updates its fingerprint with it.
            const stepper = stepping === 'fingerprintStep' ? null : new FingerprintStepper(w, stepping.includes('kernel'));
            const onto = stepping.includes('scratch');
            if (onto) stepper!.keepParentInScratch();
            const q = new PackedQueue(w, stepper);
            const ref = new PackedQueue(w);
            const fifo: Int32Array[] = [];
            const diff = new Int32Array(w);
            const fp = new Uint32Array(2);
            const want = new Uint32Array(2);
            for (const r of roots) {
              q.push(Int32Array.from(r));
              ref.push(Int32Array.from(r));
              fifo.push(Int32Array.from(r));
            }
            let parent: Int32Array | null = null;
            for (const op of ops) {
              if (op === 'shift') {
                if (fifo.length === 0) continue;
                parent = q.shift();
                if (stepper !== null) {
                  expect(parent).toBe(stepper.base);
                  stepper.setParent(parent, q.fp);
                  // The queue's decoding wrote the parent into scratch too.
                  if (onto) expectSameNumbers(Array.from(stepper.scratch), Array.from(parent));
                }
                const expected = fifo.shift()!;
                expectSameNumbers(Array.from(parent), Array.from(expected));
                expectSameNumbers(Array.from(ref.shift()), Array.from(expected));
                fingerprint64(expected, 0, w, want);
                expectSameNumbers(Array.from(q.fp), Array.from(want));
                continue;
              }
              const child = parent ? parent.slice() : new Int32Array(w);
              for (const [i, v] of op.edits) child[i] = v;
              if (parent && !op.full) {
                let n: number;
                if (stepper === null) n = fingerprintStep(parent, q.fp, child, w, fp, diff);
                else if (onto) {
                  // The successor built on the parent in scratch (Model.stepOnto), or elsewhere.
                  const src = op.elsewhere ? child : stepper.scratch;
                  if (!op.elsewhere) for (const [i, v] of op.edits) stepper.scratch[i] = v;
                  if (op.split) {
                    n = stepper.step(src);
                    expectSameNumbers(Array.from(stepper.scratch), Array.from(child));
                    // The parent's words back now (then the record from the words kept aside), or by
                    // the record's encoding below (as the explorer does for a new state).
                    if (op.elsewhere || op.known) {
                      stepper.restoreParent(n);
                      expectSameNumbers(Array.from(stepper.scratch), Array.from(parent));
                    }
                  } else {
                    n = stepper.stepOnto(src);
                    expectSameNumbers(Array.from(stepper.scratch), Array.from(parent));
                  }
                  fp.set(stepper.fp);
                  diff.set(stepper.diff);
                } else {
                  stepper.scratch.set(child);
                  n = stepper.step(stepper.scratch);
                  fp.set(stepper.fp);
                  diff.set(stepper.diff);
                }
                fingerprint64(child, 0, w, want);
                expectSameNumbers(Array.from(fp), Array.from(want));
                const expectDiff = [...child.keys()].filter((i) => child[i] !== parent![i]);
                expectSameNumbers(Array.from(diff.subarray(0, n)), expectDiff);
                // With the kernel, the successor in its buffers: the kernel encodes the record.
                if (onto && op.known) continue;
                q.pushChild(stepper === null ? child : stepper.scratch, stepper === null ? diff : stepper.diff, n);
                if (onto) {
                  // The successor is the state queued last; scratch holds the parent again
                  // (a `restoreParent` after the encoding does nothing).
                  expectSameNumbers(Array.from(stepper!.lastIn), Array.from(child));
                  expectSameNumbers(Array.from(stepper!.scratch), Array.from(parent));
                  stepper!.restoreParent(n);
                  expectSameNumbers(Array.from(stepper!.scratch), Array.from(parent));
                }
              } else q.push(child);
              ref.push(child);
              fifo.push(child);
            }
            // The same records, byte for byte (both queues made the same moves, so the same chunks),
            // up to where each chunk's records end (the kernel's records are copied out with
            // whatever follows them in its buffer, which the next record overwrites), once the
            // records still on the kernel's stage are in the chunk.
            type Inner = { chunks: (Uint8Array | null)[]; endOf(c: number): number; flush(): void };
            const inner = q as unknown as Inner;
            inner.flush();
            const refInner = ref as unknown as Inner;
            const mine = inner.chunks;
            const theirs = refInner.chunks;
            expect(mine.length).toBe(theirs.length);
            for (let c = 0; c < mine.length; c++) {
              const a = mine[c];
              const b = theirs[c];
              expect(a === null).toBe(b === null);
              if (a && b) {
                const end = inner.endOf(c);
                expect(end).toBe(refInner.endOf(c));
                expect(Buffer.compare(a.subarray(0, end), b.subarray(0, end))).toBe(0);
              }
            }
            while (fifo.length > 0) {
              const expected = Array.from(fifo.shift()!);
              expectSameNumbers(Array.from(q.shift()), expected);
              expectSameNumbers(Array.from(ref.shift()), expected);
            }
            expect(q.peakBytes).toBe(ref.peakBytes);
          },
        ),
        { numRuns: 300 },
      );
    });
  }

  // With the kernel, the queue decodes in it, from a window of 64 KiB (two records of 3,000 random
  // words) copied from the chunk being read: refilled as records are read, across chunks, and
  // while the chunk being read is being written.
  for (const decoding of ['in JavaScript', 'in the kernel'] as const) {
  const queue = (w: number): PackedQueue => (decoding === 'in JavaScript' ? new PackedQueue(w) : new PackedQueue(w, new FingerprintStepper(w)));
  it(`crosses chunks, releases what was read, and holds a few bytes for similar states (decoding ${decoding})`, () => {
    // Wide random states fill a 1 MiB chunk in a few dozen records.
    const W = 3000;
    const q = queue(W);
    let seed = 7;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);
    const made: Int32Array[] = [];
    for (let n = 0; n < 200; n++) {
      const s = new Int32Array(W);
      for (let i = 0; i < W; i++) s[i] = rnd();
      made.push(s);
      q.push(s);
      if (n % 3 === 2) expectSameNumbers(q.shift(), made[(n / 3) | 0]);
    }
    // Read back the rest in order.
    const rest: Int32Array[] = [];
    while (q.length > 0) rest.push(q.shift().slice());
    expectSameRows(rest, made.slice(200 - rest.length));
    expect(rest.length).toBe(200 - 66);
    // 200 records of at most 30,002 bytes: at most 6 chunks were ever alive at once.
    expect(q.peakBytes).toBeLessThanOrEqual(7 * 2 ** 20);

    // A queue that stays short holds a chunk or two however much passes through it: 1,000
    // random states (about 17 MB encoded) with at most 20 waiting.
    const flow = queue(W);
    const waiting: Int32Array[] = [];
    for (let n = 0; n < 1000; n++) {
      const s = new Int32Array(W);
      for (let i = 0; i < W; i++) s[i] = rnd();
      flow.push(s);
      waiting.push(s);
      if (waiting.length > 20) expectSameNumbers(flow.shift(), waiting.shift()!);
    }
    expect(flow.peakBytes).toBeLessThanOrEqual(2 * 2 ** 20);

    // 100,000 states differing from the one before in one small word take one chunk.
    const small = queue(200);
    const s = new Int32Array(200);
    for (let n = 0; n < 100_000; n++) {
      s[n % 200] = n & 63;
      small.push(s);
    }
    expect(small.peakBytes).toBe(2 ** 20);
    const t = new Int32Array(200);
    for (let n = 0; n < 100_000; n++) {
      t[n % 200] = n & 63;
      const got = small.shift();
      if (n % 997 === 0 || n === 99_999) expectSameNumbers(Array.from(got), Array.from(t));
    }
  });
  }

  it('refuses states wider than a record can say', () => {
    expect(() => new PackedQueue(0x10000)).toThrow(RangeError);
    expect(() => new PackedQueue(0xffff)).not.toThrow();
  });

  for (const decoding of ['in JavaScript', 'in the kernel'] as const) {
  it(`decodes gaps and words of every varint length (decoding ${decoding})`, () => {
    // Differing words far apart (gaps of 1 to 4 varint bytes would need 2^21 words; 2 and 3
    // bytes are reached here) and words of 1 to 5 bytes.
    const W = 20_000;
    const q = decoding === 'in JavaScript' ? new PackedQueue(W) : new PackedQueue(W, new FingerprintStepper(W));
    const states: Int32Array[] = [];
    const values = [1, 0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000, 0x0fffffff, 0x10000000, -1, -(2 ** 31), 2 ** 31 - 1];
    for (let n = 0; n < values.length; n++) {
      const s = new Int32Array(W);
      s[0] = n;
      s[129 + n] = values[n];
      s[17_000 - n] = values[values.length - 1 - n];
      states.push(s);
      q.push(s);
    }
    for (const s of states) expectSameNumbers(q.shift(), s);
  });
  }
});

describe('level-store records (parallel explorer)', () => {
  it('applied to their base give the words encoded, wherever they sit, within maxRecordBytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(word, { minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 8 }),
        fc.array(word, { maxLength: 300 }),
        (states, baseWords) => {
          const W = Math.max(...states.map((s) => s.length));
          const base = new Int32Array(W);
          base.set(baseWords.slice(0, W));
          const buf = new Uint8Array(states.length * maxRecordBytes(W) + 3);
          const at: number[] = [];
          let o = 3;
          for (const s of states) {
            const w = new Int32Array(W);
            w.set(s);
            at.push(o);
            const len = encodeRecord(w, base, W, buf, o);
            expect(len).toBeLessThanOrEqual(maxRecordBytes(W));
            o += len;
          }
          // Applied in reverse order, each to a fresh copy of the base: each record stands alone,
          // and ends where the next one starts.
          for (let i = states.length - 1; i >= 0; i--) {
            const out = base.slice();
            expect(applyRecord(buf, at[i], out)).toBe(i + 1 < at.length ? at[i + 1] : o);
            const want = new Int32Array(W);
            want.set(states[i]);
            expect(out).toEqual(want);
          }
        },
      ),
      { numRuns: 200 },
    );
    // Gaps of three varint bytes: words far apart in a wide state.
    const W = 40_000;
    const w = new Int32Array(W);
    w[3] = 5;
    w[39_999] = -1;
    const buf = new Uint8Array(32);
    expect(encodeRecord(w, new Int32Array(W), W, buf, 0)).toBe(2 + 2 + 3 + 5);
    const out = new Int32Array(W);
    expect(applyRecord(buf, 0, out)).toBe(12);
    expect([out[3], out[39_999], out[4]]).toEqual([5, -1, 0]);
  });
});

describe('chunked columns', () => {
  it('behave as arrays across chunk boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('push', 'set', 'or', 'pop'), fc.integer(), fc.nat()), { maxLength: 60 }),
        fc.integer({ min: 0, max: 20_000 }),
        (ops, prefill) => {
          const a = new GrowInt32();
          const u = new GrowUint32();
          const ref: number[] = [];
          const uref: number[] = [];
          for (let i = 0; i < prefill; i++) {
            a.push(i * 7 - 3);
            u.push(i);
            ref.push(i * 7 - 3);
            uref.push(i);
          }
          for (const [op, v, at] of ops) {
            const i = ref.length === 0 ? 0 : at % ref.length;
            if (op === 'push') {
              a.push(v);
              u.push(v >>> 0);
              ref.push(v);
              uref.push(v >>> 0);
            } else if (ref.length === 0) {
              continue;
            } else if (op === 'set') {
              a.set(i, v);
              ref[i] = v;
            } else if (op === 'or') {
              u.or(i, v);
              uref[i] = (uref[i] | v) >>> 0;
            } else {
              a.pop();
              u.pop();
              ref.pop();
              uref.pop();
            }
          }
          expect(a.length).toBe(ref.length);
          expectSameNumbers(Array.from(a.toArray()), ref);
          expectSameNumbers(Array.from(u.toArray()), uref);
          if (ref.length > 0) expect(a.get(ref.length - 1)).toBe(ref[ref.length - 1]);
          // Exactly the chunks the entries need (8,192 entries of 4 bytes each).
          expect(a.bytes).toBeGreaterThanOrEqual(ref.length * 4);
          expect(a.bytes - ref.length * 4).toBeLessThan(8192 * 4 * 2);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('column edge cases', () => {
  it('toArray after pops back across a chunk boundary', () => {
    const a = new GrowInt32();
    for (let i = 0; i < 8193; i++) a.push(i);
    a.pop();
    a.pop();
    expect(a.length).toBe(8191);
    const out = a.toArray();
    expect(out.length).toBe(8191);
    expect(out[8190]).toBe(8190);
  });

  it('event indices below -1 or from 255 on widen the column; flag words with bits 15-30 widen theirs, by push or by or', () => {
    const via = new ViaColumn();
    via.push(3);
    via.push(-2);
    expect([via.get(0), via.get(1)]).toEqual([3, -2]);
    expect(via.bytes).toBe(8192 * 4);

    const narrow = new FlagColumn();
    for (let i = 0; i < 8193; i++) narrow.push(i % 3 === 0 ? TERMINAL : 1 << (i % 15));
    expect(narrow.bytes).toBe(2 * 8192 * 2);
    narrow.or(5, 1 << 3);
    expect(narrow.get(5)).toBe(((1 << 5) | (1 << 3)) >>> 0);
    expect(narrow.bytes).toBe(2 * 8192 * 2);
    narrow.or(7, 1 << 20);
    expect(narrow.get(7)).toBe(((1 << 7) | (1 << 20)) >>> 0);
    expect(narrow.get(6)).toBe(TERMINAL >>> 0);
    expect(narrow.bytes).toBe(2 * 8192 * 4);
    expect(narrow.toArray()[7]).toBe(((1 << 7) | (1 << 20)) >>> 0);

    const pushed = new FlagColumn();
    pushed.push(1);
    pushed.push(1 << 15);
    expect([pushed.get(0), pushed.get(1)]).toEqual([1, 1 << 15]);
    expect(pushed.bytes).toBe(8192 * 4);

    // One byte a state while only bits 0-6 and the terminal bit are used; 2 from bit 7 on.
    const small = new FlagColumn();
    for (let i = 0; i < 8193; i++) small.push(i % 3 === 0 ? TERMINAL : 1 << (i % 7));
    expect(small.bytes).toBe(2 * 8192);
    small.or(4, (1 << 6) | TERMINAL);
    expect(small.get(4)).toBe(((1 << 4) | (1 << 6) | TERMINAL) >>> 0);
    expect(small.bytes).toBe(2 * 8192);
    small.or(8, 1 << 9);
    expect([small.get(8), small.get(9), small.get(8192)]).toEqual([(1 << 1) | (1 << 9), TERMINAL >>> 0, 1 << (8192 % 7)]);
    expect(small.bytes).toBe(2 * 8192 * 2);
    small.push(1 << 12);
    expect(small.get(8193)).toBe(1 << 12);
    expect(small.bytes).toBe(2 * 8192 * 2);
    const jump = new FlagColumn();
    jump.push(TERMINAL | 3);
    jump.or(0, 1 << 30);
    expect(jump.get(0)).toBe((TERMINAL | 3 | (1 << 30)) >>> 0);
    expect(jump.bytes).toBe(8192 * 4);
  });
});

describe('narrow columns', () => {
  it('keep event indices and flag words exactly, widening at the first value that does not fit', () => {
    const flagWord = fc.oneof(
      fc.integer({ min: 0, max: 0x7f }).map((v) => v >>> 0),
      fc.integer({ min: 0, max: 0x7f }).map((v) => (v | TERMINAL) >>> 0),
      fc.integer({ min: 0, max: 0x7fff }).map((v) => v >>> 0),
      fc.integer({ min: 0, max: 0x7fff }).map((v) => (v | TERMINAL) >>> 0),
      fc.integer({ min: 0, max: 30 }).map((b) => (1 << b) >>> 0),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -1, max: 300 }), flagWord, flagWord, fc.nat()), { minLength: 1, maxLength: 40 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 9000 })),
        fc.integer(),
        (ops, prefill, countMask) => {
          const via = new ViaColumn();
          const flags = new FlagColumn();
          const vr: number[] = [];
          const fr: number[] = [];
          for (let i = 0; i < prefill; i++) {
            via.push((i % 256) - 1);
            flags.push(i % 2 ? TERMINAL : i & 0x7fff);
            vr.push((i % 256) - 1);
            fr.push((i % 2 ? TERMINAL : i & 0x7fff) >>> 0);
          }
          const narrowBytes = via.bytes;
          for (const [v, f, orBits, at] of ops) {
            via.push(v);
            flags.push(f);
            vr.push(v);
            fr.push(f >>> 0);
            const i = at % fr.length;
            flags.or(i, orBits);
            fr[i] = (fr[i] | orBits) >>> 0;
          }
          expect(via.length).toBe(vr.length);
          expectSameNumbers(Array.from(via.toArray()), vr);
          expectSameNumbers(Array.from(flags.toArray()), fr);
          // countAny: entries with some bit of a mask, as the stored form (1, 2 or 4 bytes) allows.
          for (const mask of [TERMINAL, 1, 1 << 6, 1 << 7, 1 << 14, 1 << 20, 0x7f, 0x7fff, -1, countMask]) {
            expect(flags.countAny(mask), `mask ${mask}`).toBe(fr.filter((w) => (w & mask) !== 0).length);
          }
          for (let i = 0; i < vr.length; i += 97) {
            expect(via.get(i)).toBe(vr[i]);
            expect(flags.get(i)).toBe(fr[i]);
          }
          // One byte a state until an index of 255 or more.
          if (vr.every((v) => v < 255)) expect(via.bytes).toBe(Math.ceil(vr.length / 8192) * 8192);
          else expect(via.bytes).toBeGreaterThanOrEqual(4 * vr.length);
          expect(narrowBytes).toBeLessThanOrEqual(Math.ceil(prefill / 8192) * 8192);
          // Flags: 1, 2 or 4 bytes a state, as the widest word stored so far needs.
          const chunks = Math.ceil(fr.length / 8192);
          if (fr.every((f) => (f & ~0x8000007f) === 0)) expect(flags.bytes).toBe(chunks * 8192);
          else if (fr.every((f) => (f & ~0x80007fff) === 0)) expect(flags.bytes).toBe(chunks * 8192 * 2);
          else expect(flags.bytes).toBeGreaterThanOrEqual(4 * fr.length);
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe('fingerprint table', () => {
  it('matches on both halves of a fingerprint, and grows a segment past 80% load by a quarter', () => {
    const t = new FingerprintTable(4);
    expect(t.capacity).toBe(4 * SEGMENTS);
    expect(t.bytes).toBe(4 * SEGMENTS * 12);
    expect(t.getOrInsert(1, 2, 0)).toBe(-1);
    expect(t.get(1, 3)).toBe(-1);
    expect(t.get(5, 2)).toBe(-1);
    expect(t.getOrInsert(1, 3, 1)).toBe(-1);
    expect(t.getOrInsert(5, 2, 2)).toBe(-1);
    expect([t.get(1, 2), t.get(1, 3), t.get(5, 2)]).toEqual([0, 1, 2]);
    // Many fingerprints sharing one half, so that probes pass over each other.
    const shared = new FingerprintTable(8);
    for (let i = 0; i < 300; i++) {
      expect(shared.getOrInsert(i, 7, 2 * i)).toBe(-1);
      expect(shared.getOrInsert(9, 100 + i, 2 * i + 1)).toBe(-1);
    }
    for (let i = 0; i < 300; i++) expect([shared.get(i, 7), shared.get(9, 100 + i)]).toEqual([2 * i, 2 * i + 1]);
    expect([shared.get(300, 7), shared.get(9, 400)]).toEqual([-1, -1]);
    expect(mustGrow(12, 16)).toBe(false);
    expect(mustGrow(13, 16)).toBe(true);
    expect(mustGrow(1024, 1280)).toBe(false);
    expect(mustGrow(1025, 1280)).toBe(true);
    expect(grown(1280)).toBe(1600);
    expect(grown(1025)).toBe(1282);
    expect([capacityFor(0), capacityFor(12), capacityFor(13), capacityFor(16), capacityFor(17)]).toEqual([16, 16, 20, 20, 25]);
  });

  it('grows one segment at a time, at the insert that takes it past 80%, keeping every key', () => {
    // Keys of segment 0 only: the 13th grows it from 16 to 20 slots, the 17th to 25; the others stay.
    const keys: [number, number][] = [];
    for (let k = 0; keys.length < 40; k++) {
      const hi = Math.imul(k, 0x2545f491) >>> 0;
      if (segmentOf(mix(hi, k)) === 0) keys.push([hi, k]);
    }
    const t = new FingerprintTable();
    const caps: number[] = [];
    keys.forEach(([hi, lo], id) => {
      expect(t.getOrInsert(hi, lo, id)).toBe(-1);
      caps.push(t.segmentCapacityOf(0));
      expect(t.capacity).toBe(16 * (SEGMENTS - 1) + t.segmentCapacityOf(0));
      for (let j = 0; j <= id; j++) expect(t.get(keys[j][0], keys[j][1])).toBe(j);
    });
    expect(caps.slice(0, 16)).toEqual([...Array<number>(12).fill(16), 20, 20, 20, 20]);
    expect(caps[16]).toBe(25);
    caps.forEach((c, i) => expect(c).toBe(capacityFor(i + 1)));
    for (let s = 1; s < SEGMENTS; s++) expect(t.segmentCapacityOf(s)).toBe(16);
  });

  it('is a map from fingerprints to ids: same answers as a Map under any interleaving of lookups and inserts', () => {
    const half = fc.oneof(fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff }));
    const op = fc.record({ insert: fc.boolean(), key: fc.nat({ max: 2000 }) });
    // Segments growable from the start (in place from 0 slots): with a reserve of 1 slot they
    // outgrow their buffers' address space and move (every 1.25^6 growths), with the default
    // reserve they grow in place. Reserve 0: plain buffers, replaced at each growth (a runtime
    // without growable SharedArrayBuffers); the default table: plain while small.
    const kinds = [
      () => new FingerprintTable(2, 1, 0),
      () => new FingerprintTable(2, undefined, 0),
      () => new FingerprintTable(2, 0),
      () => new FingerprintTable(2),
    ];
    fc.assert(
      fc.property(fc.array(fc.tuple(half, half), { minLength: 1, maxLength: 400 }), fc.array(op, { maxLength: 6000 }), fc.nat(3), (pool, ops, kind) => {
        const t = kinds[kind]();
        const m = new Map<string, number>();
        const size = new TableSize();
        const perSegment = new Array<number>(SEGMENTS).fill(0);
        for (const { insert, key } of ops) {
          const [hi, lo] = pool[key % pool.length];
          const k = `${hi}:${lo}`;
          const known = m.get(k) ?? -1;
          if (!insert) {
            expect(t.get(hi, lo)).toBe(known);
            continue;
          }
          const id = m.size;
          expect(t.getOrInsert(hi, lo, id)).toBe(known);
          if (known < 0) {
            m.set(k, id);
            perSegment[segmentOf(mix(hi, lo))]++;
          }
          expect(t.size).toBe(m.size);
        }
        for (const [k, id] of m) {
          const [hi, lo] = k.split(':').map(Number);
          expect(t.get(hi, lo)).toBe(id);
        }
        for (let s = 0; s < SEGMENTS; s++) {
          expect(t.segmentCapacityOf(s)).toBe(capacityFor(perSegment[s], 2));
          expect(perSegment[s] * 5).toBeLessThanOrEqual(t.segmentCapacityOf(s) * 4);
        }
        // TableSize follows a default table (16 slots a segment to start with) from the fingerprints alone.
        for (const k of m.keys()) {
          const [hi, lo] = k.split(':').map(Number);
          size.add(hi, lo);
        }
        expect(size.capacity).toBe(perSegment.reduce((sum, n) => sum + capacityFor(n), 0));
      }),
      { numRuns: 100 },
    );
  });
});

describe('fingerprint table: growth', () => {
  it('finds every fingerprint with its id after its segment grew many times, homes clustered and wrapping round the end', () => {
    // Fingerprints of one to three segments, their homes (the mix's low 26 bits) drawn from a
    // few narrow bands, one of them at the very end of the range: long runs of occupied slots,
    // some wrapping round to the start of the segment, through dozens of growths (2 slots to
    // thousands, past the size from which segments grow in place), on every kind of segment.
    const kinds = [
      () => new FingerprintTable(2, 1, 0),
      () => new FingerprintTable(2, undefined, 0),
      () => new FingerprintTable(2, 0),
      () => new FingerprintTable(2),
    ];
    const band = fc.record({ at: fc.oneof(fc.constant(2 ** 26 - 64), fc.nat(2 ** 26 - 1)), width: fc.constantFrom(1, 64, 4096, 2 ** 26) });
    fc.assert(
      fc.property(
        fc.array(fc.nat(SEGMENTS - 1), { minLength: 1, maxLength: 3 }),
        fc.array(band, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 6000 }),
        fc.nat(3),
        fc.integer(),
        (segs, bands, n, kind, seed) => {
          let x = seed | 0;
          const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) | 0) >>> 0;
          const t = kinds[kind]();
          const keys: [number, number][] = [];
          const seen = new Set<string>();
          while (keys.length < n) {
            const s = segs[next() % segs.length];
            const b = bands[next() % bands.length];
            const low = (b.at + (next() % b.width)) % 2 ** 26;
            const hi = next();
            const h = ((s * 2 ** 26) + low) >>> 0;
            const lo = (h ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
            if (seen.has(`${hi}:${lo}`)) continue;
            seen.add(`${hi}:${lo}`);
            if (mix(hi, lo) !== h) expect(mix(hi, lo)).toBe(h);
            keys.push([hi, lo]);
          }
          const caps = segs.map((s) => t.segmentCapacityOf(s));
          // Wrong answers are collected and compared once at the end (an expect per lookup would
          // cost most of this test's time).
          const wrong: string[] = [];
          const check = (got: number, want: number, what: string): void => {
            if (got !== want && wrong.length < 10) wrong.push(`${what}: ${got}, not ${want}`);
          };
          keys.forEach(([hi, lo], id) => {
            check(t.getOrInsert(hi, lo, id), -1, `insert #${id}`);
            // After each growth, every fingerprint so far (with a 1-in-8 sample once segments are large).
            const grew = segs.some((s, j) => t.segmentCapacityOf(s) !== caps[j]);
            if (!grew) return;
            segs.forEach((s, j) => (caps[j] = t.segmentCapacityOf(s)));
            for (let j = 0; j <= id; j += id > 2000 ? 8 : 1) check(t.get(keys[j][0], keys[j][1]), j, `get #${j} after insert #${id}`);
          });
          keys.forEach(([hi, lo], id) => check(t.get(hi, lo), id, `get #${id}`));
          keys.forEach(([hi, lo], id) => check(t.getOrInsert(hi, lo, -7), id, `getOrInsert #${id}`));
          // Absent fingerprints of the same segments and bands: not found.
          for (let k = 0; k < 200; k++) {
            const [hi, lo] = keys[k % keys.length];
            if (!seen.has(`${hi ^ 1}:${lo}`)) check(t.get(hi ^ 1, lo), -1, `absent ${hi ^ 1}:${lo}`);
          }
          expect(wrong).toEqual([]);
          expect(t.size).toBe(n);
          const per = new Map<number, number>();
          for (const [hi, lo] of keys) per.set(segmentOf(mix(hi, lo)), (per.get(segmentOf(mix(hi, lo))) ?? 0) + 1);
          for (const [s, c] of per) expect(t.segmentCapacityOf(s)).toBe(capacityFor(c, 2));
        },
      ),
      { numRuns: 60, seed: 12 },
    );
  });
});

describe('fingerprint table: growth in place', () => {
  it('moves every fingerprint, those whose new home is below their old slot or whose run wraps round the end included', () => {
    // A growth in place moves the old slots from the last to the first within the grown segment
    // (fptable.ts, spreadInPlace) and leaves aside those it cannot place there: a home far below
    // the old slot (every home 0: all but one of a growth), a run that would wrap round the new
    // end (every home the last), and both mixed with spread homes. On a segment that grows in
    // place all along (in the table's WebAssembly memory, spread by its module: the default
    // reserve), on one that grows there up to 64 slots and then moves out to buffers of its own,
    // on one that outgrows its reserve at every few growths (a new buffer, read where it stands;
    // a reserve of 1 slot has no room in the memory) and on plain buffers.
    const kinds = [
      () => new FingerprintTable(2, undefined, 0),
      () => new FingerprintTable(2, 64, 0),
      () => new FingerprintTable(2, 1, 0),
      () => new FingerprintTable(2, 0),
    ];
    const inMemoryAtEnd = [true, false, false, false];
    const inMemorySome = [true, true, false, false];
    const lows: ((k: number, r: number) => number)[] = [
      () => 0,
      () => 2 ** 26 - 1,
      (k) => (k % 2 === 0 ? 0 : 2 ** 26 - 1),
      (k, r) => (k % 3 === 0 ? 2 ** 26 - 1 - (r % 8) : r % 2 ** 26),
      (_k, r) => r % 2 ** 26,
    ];
    const rnd = xorshift(99);
    for (const [kind, make] of kinds.entries()) {
      for (const low of lows) {
        const t = make();
        const s = 17;
        const keys: [number, number][] = [];
        let cap = t.segmentCapacityOf(s);
        let growths = 0;
        let wasInMemory = false;
        for (let k = 0; k < 2000; k++) {
          const hi = rnd(2 ** 32);
          const h = (s * 2 ** 26 + low(k, rnd(2 ** 32))) >>> 0;
          const lo = (h ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
          expect(mix(hi, lo)).toBe(h);
          expect(t.getOrInsert(hi, lo, k)).toBe(-1);
          keys.push([hi, lo]);
          if (t.segmentCapacityOf(s) === cap) continue;
          cap = t.segmentCapacityOf(s);
          growths++;
          expect(cap).toBe(capacityFor(keys.length, 2));
          // Every fingerprint so far, counted (an expect a key made the test several times slower).
          let lost = 0;
          keys.forEach(([a, b], id) => (lost += t.get(a, b) === id ? 0 : 1));
          expect(lost).toBe(0);
          expect(t.get(hi ^ 1, lo)).toBe(-1);
          wasInMemory ||= t.segmentInMemory(s);
        }
        expect(growths).toBeGreaterThan(20);
        expect([t.segmentInMemory(s), wasInMemory]).toEqual([inMemoryAtEnd[kind], inMemorySome[kind]]);
        keys.forEach(([a, b], id) => expect(t.getOrInsert(a, b, -7)).toBe(id));
        expect(t.size).toBe(keys.length);
      }
    }
  });
});

describe('fingerprint table: the cache of recent fingerprints', () => {
  it('answers as the segments do when fingerprints share its slots (evicting one another), and for the zero fingerprint', () => {
    // Fingerprints whose mixes agree in their low 12 bits (one slot of the cache of 4096), or in
    // their low bits alone (a few slots): the cache keeps only the last of each slot, and every
    // other lookup must fall through to the segments.
    const slotBits = fc.constantFrom(0, 7, RECENT_SLOTS - 1);
    // Few high halves: fingerprints that share one and a slot differ in their low half alone.
    const hiHalf = fc.oneof(fc.constantFrom(0, 5, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff }));
    const key = fc.tuple(hiHalf, fc.integer({ min: 0, max: 2 ** 20 - 1 }), fc.nat(3));
    const op = fc.record({ insert: fc.boolean(), key: fc.nat({ max: 500 }) });
    fc.assert(
      fc.property(slotBits, fc.array(key, { minLength: 1, maxLength: 60 }), fc.array(op, { maxLength: 3000 }), (bits, keys, ops) => {
        // lo chosen so that mix(hi, lo) = (high << 12 | bits + spread) >>> 0
        const pool = keys.map(([hi, high, spread]) => {
          const h = ((high << 12) | ((bits + spread) & (RECENT_SLOTS - 1))) >>> 0;
          return [hi, (h ^ Math.imul(hi, 0x9e3779b1)) >>> 0] as const;
        });
        pool.push([0, 0]);
        for (const [hi, lo] of pool.slice(0, -1)) expect((mix(hi, lo) & (RECENT_SLOTS - 1)) - bits).toBeLessThan(4);
        const t = new FingerprintTable(2);
        const m = new Map<string, number>();
        for (const { insert, key: k } of ops) {
          const [hi, lo] = pool[k % pool.length];
          const known = m.get(`${hi}:${lo}`) ?? -1;
          if (!insert) {
            expect(t.get(hi, lo)).toBe(known);
            continue;
          }
          expect(t.getOrInsert(hi, lo, m.size)).toBe(known);
          if (known < 0) m.set(`${hi}:${lo}`, m.size);
        }
        for (const [k, id] of m) {
          const [hi, lo] = k.split(':').map(Number);
          expect(t.getOrInsert(hi, lo, -5)).toBe(id);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('fingerprint table home slot', () => {
  it('is floor(l * capacity / 2^26) for the low 26 bits l of the mix, inside the segment; the segment is the top 6 bits', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), fc.integer({ min: 1, max: 2 ** 27 }), (hi, lo, cap) => {
        const h = mix(hi, lo);
        expect(h).toBe((lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0);
        const i = home(h, cap);
        expect(i).toBe(Number((BigInt(h & (2 ** 26 - 1)) * BigInt(cap)) >> 26n));
        expect(i).toBeGreaterThanOrEqual(0);
        expect(i).toBeLessThan(cap);
        expect(segmentOf(h)).toBe(Math.floor(h / 2 ** 26));
      }),
      { numRuns: 2000 },
    );
    expect(home(2 ** 26 - 1, 2 ** 27)).toBe(2 ** 27 - 2);
    expect(segmentOf(0xffffffff)).toBe(SEGMENTS - 1);
  });
});

describe('ParentColumn', () => {
  it('gives every state the parent it was pushed with, for any roots and children counts (widening past 254), also when read mid-expansion', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.oneof(fc.nat(4), fc.nat(70), fc.integer({ min: 250, max: 600 })), { maxLength: 300 }),
        (roots, kids) => {
          const col = new ParentColumn();
          const want: number[] = [];
          for (let r = 0; r < roots; r++) {
            col.push(-1);
            want.push(-1);
          }
          // Expand states in id order while there are states to expand.
          for (let u = 0; u < kids.length && u < want.length; u++) {
            col.expand(u);
            for (let c = 0; c < kids[u]; c++) {
              col.push(u);
              want.push(u);
              // A read in the middle of an expansion (a progress report's bytes, a path), more children after it.
              if (c % 97 === 3) expect(col.get(want.length - 1)).toBe(u);
              if (c % 89 === 5) expect(col.bytes).toBeGreaterThan(0);
            }
          }
          expect(col.length).toBe(want.length);
          expectSameNumbers(Array.from(col.toArray()), want);
          for (let v = 0; v < want.length; v++) if (col.get(v) !== want[v]) expect([v, col.get(v)]).toEqual([v, want[v]]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('holds about a byte a state (a count per expanded state and a checkpoint every 64)', () => {
    const col = new ParentColumn();
    col.push(-1);
    for (let u = 0; col.length < 100_000; u++) {
      col.expand(u);
      for (let c = 0; c < 2; c++) col.push(u);
    }
    expect(col.bytes).toBeLessThan(1.1 * 100_000);
    expect(col.get(99_999)).toBe(Math.floor((99_999 - 1) / 2));
  });

  it('refuses expansions out of order, a parent that is not the state in expansion, and late initial states', () => {
    const col = new ParentColumn();
    col.push(-1);
    expect(() => col.expand(1)).toThrow(/out of order/);
    col.expand(0);
    expect(() => col.push(3)).toThrow(/not the state in expansion/);
    expect(() => col.push(-1)).toThrow(/initial state after/);
  });
});

describe('Float64Chunks and ByteChunks', () => {
  const kinds = [
    { name: 'Float64Chunks', make: (n: number) => new Float64Chunks(n), value: fc.double({ noNaN: true }), bytes: 8 },
    { name: 'ByteChunks', make: (n: number) => new ByteChunks(n), value: fc.integer({ min: 0, max: 255 }), bytes: 1 },
  ];
  for (const { name, make, value, bytes } of kinds) {
    it(`${name} reads and writes like a typed array, all 0 to start with, also when cut from spare memory`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 40_000 }),
          fc.array(fc.integer({ min: 0, max: 200_000 }), { maxLength: 5 }),
          fc.array(fc.tuple(fc.nat(), value), { maxLength: 300 }),
          (n, spareBytes, writes) => {
            // Spare buffers full of garbage (what a let-go table leaves), some too small for a chunk.
            spare(spareBytes.map((b) => new Uint8Array(b).fill(0xab).buffer));
            const col = make(n);
            const want = new Map<number, number>();
            expect(col.length).toBe(n);
            for (let i = 0; i < n; i += 97) expect(col.get(i)).toBe(0);
            if (n === 0) return;
            for (const [i, v] of writes) {
              col.set(i % n, v);
              want.set(i % n, v);
            }
            for (let i = 0; i < n; i++) if (col.get(i) !== (want.get(i) ?? 0)) expect([i, col.get(i)]).toEqual([i, want.get(i) ?? 0]);
          },
        ),
        { numRuns: 40 },
      );
    });

    it(`${name} takes its chunks from the part of a buffer a spare view covers, and nothing outside it`, () => {
      // A segment in the fingerprint table's WebAssembly memory is handed over as a view of its
      // region (fptable.ts, release): the memory's other bytes are other segments' (or pages never
      // touched), not to be cut.
      const chunk = 8192 * bytes;
      const buffer = new SharedArrayBuffer(5 * chunk);
      new Uint8Array(buffer).fill(0xff);
      spare([new Uint8Array(buffer, chunk, 2 * chunk + 7)]);
      const a = make(3 * 8192); // two chunks from the view, the third allocated
      for (let i = 0; i < 3 * 8192; i++) a.set(i, 1);
      const all = new Uint8Array(buffer);
      const changed = (from: number, to: number): number => all.subarray(from, to).filter((b) => b !== 0xff).length;
      expect([changed(0, chunk), changed(3 * chunk, 5 * chunk)]).toEqual([0, 0]);
      const inView = bytes === 8 ? new Float64Array(buffer, chunk, 2 * 8192) : new Uint8Array(buffer, chunk, 2 * 8192);
      expect(inView.every((v) => v === 1)).toBe(true);
    });

    it(`${name} takes its chunks from the spare buffers, each chunk once`, () => {
      const chunk = 8192 * bytes;
      const big = new SharedArrayBuffer(3 * chunk + 100);
      new Uint8Array(big).fill(0xff);
      spare([new ArrayBuffer(chunk - 1), big]);
      const a = make(20_000); // three chunks of 8,192: all of `big`'s
      const b = make(20_000); // none left: allocated
      for (let i = 0; i < 20_000; i++) {
        expect([a.get(i), b.get(i)]).toEqual([0, 0]);
        a.set(i, (i % 200) + 1);
      }
      const inBig = bytes === 8 ? new Float64Array(big, 0, 3 * 8192) : new Uint8Array(big, 0, 3 * 8192);
      expect([inBig[0], inBig[19_999]]).toEqual([1, (19_999 % 200) + 1]);
      for (let i = 0; i < 20_000; i++) expect(b.get(i)).toBe(0);
    });
  }
});

describe('edge columns', () => {
  it('EdgeDstColumn gives back every target, fresh ones computed from their rank', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.array(fc.tuple(fc.boolean(), fc.nat(1 << 30)), { maxLength: 400 }), (roots, edges) => {
        const col = new EdgeDstColumn();
        const want: number[] = [];
        let next = roots;
        for (const [isFresh, other] of edges) {
          const dst = isFresh ? next++ : other;
          col.push(dst, isFresh);
          want.push(dst);
        }
        expect(col.length).toBe(want.length);
        expectSameNumbers(Array.from(col.toArray()), want);
      }),
      { numRuns: 200 },
    );
    const col = new EdgeDstColumn();
    col.push(5, true);
    expect(() => col.push(7, true)).toThrow(/expected 6/);
  });

  it('EdgeDstColumn.targets decodes any range of edges as get does edge by edge', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat(1 << 30)), { minLength: 1, maxLength: 300 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 20 }),
        (edges, ranges) => {
          const col = new EdgeDstColumn();
          let next = 3;
          for (const [isFresh, other] of edges) col.push(isFresh ? next++ : other, isFresh);
          const out = new Int32Array(edges.length);
          for (const [a, b] of ranges) {
            const from = a % (edges.length + 1);
            const to = from + (b % (edges.length - from + 1));
            out.fill(-1);
            col.targets(from, to, out);
            for (let e = from; e < to; e++) expect(out[e - from]).toBe(col.get(e));
            for (let j = to - from; j < out.length; j++) expect(out[j]).toBe(-1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('EdgeDstColumn keeps targets of three bytes, and of four in the chunks that need them', () => {
    // Over several chunks of 8,192 kept targets: some chunks with ids of 2^24 and more, some without.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(40_000), fc.oneof(fc.nat(255), fc.nat((1 << 24) - 1), fc.integer({ min: 1 << 24, max: 2 ** 31 - 1 }))), { maxLength: 6 }),
        (writes) => {
          const col = new EdgeDstColumn();
          const want = Array.from({ length: 40_001 }, (_, e) => (e * 2654435761) % (1 << 24));
          for (const [e, v] of writes) want[e] = v;
          for (const v of want) col.push(v, false);
          expectSameNumbers(Array.from(col.toArray()), want);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('EdgeDstColumn holds under two bytes an edge when half the edges are fresh', () => {
    const col = new EdgeDstColumn();
    for (let e = 0; e < 1_000_000; e++) col.push(e % 2 === 0 ? 1 + e / 2 : 77, e % 2 === 0);
    // 3 bytes a target kept, 1/4 of a byte for the bits and counts, and the last chunks' slack.
    expect(col.bytes).toBeLessThan(1.8 * 1_000_000);
    expect(col.get(999_998)).toBe(500_000);
    expect(col.get(999_999)).toBe(77);
  });

  it('EdgeTree gives the parents and event indices the ParentColumn and ViaColumn give, also when the run stops mid-expansion', () => {
    // A BFS as the explorer core records it: roots, then per expanded state its edges in event
    // order, a fresh one numbering the next state; optionally stopped inside an expansion.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.array(fc.oneof(fc.constant(-1), fc.nat(1000)), { maxLength: 6 }), { maxLength: 300 }),
        fc.boolean(),
        (roots, expansions, stop) => {
          const start = new EdgeStartColumn();
          const dst = new EdgeDstColumn();
          const tree = new EdgeTree(start, dst);
          const parent = new ParentColumn();
          const via = new ViaColumn();
          let count = 0;
          for (let r = 0; r < roots; r++) {
            tree.push(true);
            parent.push(-1);
            via.push(-1);
            count++;
          }
          let head = 0;
          for (const [x, events] of expansions.entries()) {
            if (head === count) break;
            const stopHere = stop && x === expansions.length - 1;
            start.push(dst.length);
            parent.expand(head);
            const first = dst.length;
            for (const [ei, e] of events.entries()) {
              if (e === -1) {
                tree.push(false);
                parent.push(head);
                via.push(ei);
                dst.push(count++, true);
              } else dst.push(e % count, false);
            }
            if (stopHere) {
              start.pop();
              tree.stoppedIn(head, first);
            }
            head++;
          }
          start.push(dst.length);
          expectSameNumbers(Array.from(tree.parent.toArray()), Array.from(parent.toArray()));
          expectSameNumbers(Array.from(tree.via.toArray()), Array.from(via.toArray()));
          expect(tree.parent.length).toBe(count);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('EdgeStartColumn keeps non-decreasing offsets, across pops and past a difference of 256 (widened)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat(9), fc.nat(9), fc.integer({ min: 250, max: 260 }), fc.integer({ min: 1000, max: 70_000 }), fc.constant(-1)), { maxLength: 500 }), (steps) => {
        const col = new EdgeStartColumn();
        const want: number[] = [];
        let at = 0;
        for (const d of steps) {
          if (d === -1) {
            if (want.length > 0) {
              col.pop();
              want.pop();
            }
            continue;
          }
          at = Math.max(at, want.at(-1) ?? 0) + d;
          col.push(at);
          want.push(at);
        }
        expect(col.length).toBe(want.length);
        expectSameNumbers(Array.from(col.toArray()), want);
      }),
      { numRuns: 200 },
    );
    const col = new EdgeStartColumn();
    for (let i = 0; i < 1_000_000; i++) col.push(3 * i);
    // A byte an entry and a checkpoint (four bytes) every 16, and the last chunks' slack.
    expect(col.bytes).toBeLessThan(1.3 * 1_000_000);
    expect([col.get(0), col.get(15), col.get(16), col.get(999_999)]).toEqual([0, 45, 48, 2_999_997]);
  });
});
