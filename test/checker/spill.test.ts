/**
 * The spilling scheduler (checker/spill.ts) must return the in-memory explorer's graph, field
 * by field (ids, parents, event indices, flags, violations, counts, stopping points), with a
 * buffer small enough that it merges with the visited run many times; where the graph is not
 * layered it must refuse to count interleavings rather than give a number.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, checkGraph, explore, MemorySpillStore, type ExploreOptions, type Model, type Progress, type StateGraph } from '../../checker/index.js';
import { createModel as createPopModel, type ModelArgs } from '../../model/factory.js';
import { CK_CATALOGUE, entryIdentity, findCkEntry } from '../../model/catalogue.js';
import { DEFAULT_INVARIANTS, TRANSITION_WATCHES } from '../../model/invariants.js';
import { reproductionIdentity } from '../../model/identity.js';
import { DiskUse, RUN_ENTRY_BYTES, RunReader, RunWriter, SpillQueue } from '../../checker/spill-store.js';
import { expectRegisterVerdicts, plainField, SHARED_GRAPH_FIELDS, STOP_CASES } from '../fixtures/graph.js';
import { createModel as createToyModel, type ToyArgs } from '../fixtures/toy-factory.js';

const FIELDS = [...SHARED_GRAPH_FIELDS, 'pathCounts'] as const satisfies readonly (keyof StateGraph)[];

interface Spilled {
  readonly memory: StateGraph;
  readonly spilled: StateGraph;
  readonly store: MemorySpillStore;
}

/**
 * Explores `model` in memory and spilled (buffer of `bufferStates`, 64-byte queue chunks), and
 * checks that the graphs agree: on a layered graph in every field, path counts included; on
 * one that is not, in every field but the edges and the counts, which the spilled run refuses.
 */
function compare<S, E>(model: () => Model<S, E>, options: ExploreOptions, bufferStates: number): Spilled {
  const memory = explore(model(), options);
  const store = new MemorySpillStore();
  const spilled = explore(model(), { ...options, spill: { store, bufferStates, chunkBytes: 64 } });
  const info = spilled.spill!;
  expect(info.bufferStates).toBe(bufferStates);
  const refused = info.pathsNotCounted !== null;
  // The in-memory run keeps edges exactly when the graph is not layered (and it counts).
  expect(refused).toBe(memory.edgeStart !== null);
  for (const f of FIELDS) {
    // Edge-indexed, so only where edges are kept.
    if ((f === 'pathCounts' || f === 'edgeBad') && refused) continue;
    expect(plainField(spilled, f), f).toEqual(plainField(memory, f));
  }
  if (refused) expect(spilled.pathCounts).toBeNull();
  expect(spilled.edgeStart).toBeNull();
  // Nothing is left on the store once the graph is taken.
  expect(store.open).toBe(0);
  return { memory, spilled, store };
}

/** The check results agree too: verdict, counts (where the spilled run counts) and counterexamples. */
function compareChecks<S, E>(model: () => Model<S, E>, { memory, spilled }: Spilled): void {
  const a = checkGraph(model(), memory);
  const b = checkGraph(model(), spilled);
  expect(b.verdict).toBe(a.verdict);
  expect(b.states).toBe(a.states);
  expect(b.terminalStates).toBe(a.terminalStates);
  expect(b.violations.map((v) => [v.invariant, v.length, v.counterexample])).toEqual(a.violations.map((v) => [v.invariant, v.length, v.counterexample]));
  if (spilled.spill!.pathsNotCounted === null) {
    expect(b.interleavings).toBe(a.interleavings);
    expect(b.violations.map((v) => v.violatingInterleavings)).toEqual(a.violations.map((v) => v.violatingInterleavings));
  } else {
    expect(b.interleavings).toBeNull();
    expect(b.violations.every((v) => v.violatingInterleavings === null)).toBe(true);
  }
}

const TOYS: readonly (readonly [string, ToyArgs, ExploreOptions])[] = [
  ['bits(9)', { kind: 'bits', n: 9 }, {}],
  ['bits(10) under symmetry', { kind: 'bits', n: 10, symmetric: true }, {}],
  ['bits(8) with always, transition and final invariants', { kind: 'bits', n: 8, invariants: ['lt3', 'order', 'never-done'] }, {}],
  ['the same, stopping at the first violation', { kind: 'bits', n: 8, invariants: ['lt3', 'order', 'never-done'] }, { stopAtFirstViolation: true }],
  ['a cyclic graph', { kind: 'ring' }, {}],
  ['counter (not layered: steps of 1 and 2)', { kind: 'counter', max: 300, bad: [7, 13, 250] }, {}],
  ['counter, stopping at the first violation', { kind: 'counter', max: 300, bad: [7, 13, 250] }, { stopAtFirstViolation: true }],
  ['several initial states, some equal', { kind: 'multi-root', starts: [5, 2, 5, 0, 2], max: 40 }, {}],
  ['first violation on an edge to a known state', { kind: 'multi-root', starts: [14, 13], max: 30 }, { stopAtFirstViolation: true }],
  ['a violation among the initial states', { kind: 'multi-root', starts: [14, 19, 13, 19], max: 20 }, { stopAtFirstViolation: true }],
  ['a wide level of merging successors', { kind: 'fan', first: 10, second: 60, depth: 6, bad: [321] }, {}],
  ['layered until its last level', { kind: 'fan', first: 6, second: 20, depth: 4, bad: [], back: true }, {}],
  ['states that fill up', { kind: 'filling', branch: 3, depth: 6 }, {}],
  ['without path counting', { kind: 'bits', n: 9 }, { countPaths: false }],
  // The fast paths of the in-memory schedulers (expansion.ts: stepOnto on the kernel's child
  // buffer, useMemory, a successor built while computing the events, `always` verdicts inherited
  // from the parent through AlwaysInvariant.reads): the same flags, and the transition
  // invariant 'in-memory' (a probe: the states expanded and built in the kernel's memory) holds.
  ['registers: stepOnto, useMemory, inherited always verdicts', { kind: 'registers', n: 5, cap: 3 }, {}],
  ['registers under symmetry', { kind: 'registers', n: 6, cap: 2, symmetric: true }, {}],
  ['registers, stopping at the first violation', { kind: 'registers', n: 5, cap: 3 }, { stopAtFirstViolation: true }],
];


/**
 * `model` with each invariant's `holds` counting its calls (calls[i] for invariant i), and each
 * of the model's ways to build a successor counting its own (steps).
 */
function counting<E>(model: Model<Int32Array, E>): { model: Model<Int32Array, E>; calls: number[]; steps: Record<string, number> } {
  const calls = model.invariants.map(() => 0);
  const steps: Record<string, number> = { step: 0, stepInto: 0, stepOnto: 0 };
  const invariants = model.invariants.map((inv, i) => {
    const holds = inv.holds as (...a: unknown[]) => boolean;
    return { ...inv, holds: (...a: unknown[]) => (calls[i]++, holds(...a)) } as typeof inv;
  });
  const wrap = <F extends (...a: never[]) => unknown>(name: string, f: F | undefined): F | undefined =>
    f === undefined ? undefined : (((...a: Parameters<F>) => (steps[name]++, f(...a))) as F);
  return {
    model: { ...model, invariants, step: wrap('step', model.step)!, stepInto: wrap('stepInto', model.stepInto), stepOnto: wrap('stepOnto', model.stepOnto) },
    calls,
    steps,
  };
}

describe('the spilling explorer on the toy models', () => {
  for (const [name, args, options] of TOYS) {
    it(name, () => {
      for (const buffer of [1, 2, 7, 100, 1 << 20]) {
        const r = compare(() => createToyModel(args), options, buffer);
        compareChecks(() => createToyModel(args), r);
      }
    });
  }

  it('registers: both `always` invariants fail, most verdicts inherited from the parent, as in memory', () => {
    for (const args of [{ kind: 'registers', n: 6, cap: 3 }, { kind: 'registers', n: 7, cap: 2, symmetric: true }] as const) {
      for (const buffer of [60, 1 << 20]) expectRegisterVerdicts(compare(() => createToyModel(args), {}, buffer).spilled);
    }
  });

  // The same work per transition as the in-memory explorer: each invariant evaluated as often
  // (the `always` ones only where the step changed a word they read, the transition ones where
  // it changed a word they watch or where they watch nothing), successors built by stepOnto.
  it('evaluates each invariant as often as explore, and builds successors with stepOnto', () => {
    for (const [args, options] of [
      [{ kind: 'registers', n: 6, cap: 3 }, {}],
      [{ kind: 'registers', n: 7, cap: 2, symmetric: true }, {}],
      [{ kind: 'registers', n: 7, cap: 2, symmetric: true }, { symmetry: false }],
      [{ kind: 'bits', n: 8, invariants: ['lt3', 'order', 'never-done'] }, {}],
    ] as const) {
      for (const buffer of [50, 1 << 20]) {
        const memory = counting(createToyModel(args) as Model<Int32Array, unknown>);
        const spilled = counting(createToyModel(args) as Model<Int32Array, unknown>);
        const g = explore(memory.model, options);
        const h = explore(spilled.model, { ...options, spill: { store: new MemorySpillStore(), bufferStates: buffer } });
        for (const f of FIELDS) expect(plainField(h, f), f).toEqual(plainField(g, f));
        expect(spilled.calls, JSON.stringify(args)).toEqual(memory.calls);
        expect(spilled.steps, JSON.stringify(args)).toEqual(memory.steps);
      }
    }
    // On the registers model the `always` invariants ran on fewer states than there are (verdicts inherited).
    const r = counting(createToyModel({ kind: 'registers', n: 6, cap: 3 }) as Model<Int32Array, unknown>);
    const g = explore(r.model, { spill: { store: new MemorySpillStore(), bufferStates: 50 } });
    expect(r.calls[0]).toBeLessThan(g.states / 2);
    expect(r.calls[1]).toBeLessThan(g.states / 2);
    expect(r.steps.stepOnto).toBeGreaterThan(g.transitions / 2);
    expect(r.steps.stepInto).toBe(0);
  });

  it('merges many times with a small buffer, and once with a large one', () => {
    const { spilled, store } = compare(() => createToyModel({ kind: 'bits', n: 10 }), {}, 16);
    // 1024 states, 5120 transitions: a merge every 16 candidates or so (or at a level's end).
    expect(spilled.spill!.merges).toBeGreaterThan(250);
    expect(spilled.spill!.diskPeakBytes).toBeGreaterThanOrEqual(1024 * 12);
    expect(store.created).toBeGreaterThan(spilled.spill!.merges);
    const big = compare(() => createToyModel({ kind: 'bits', n: 10 }), {}, 1 << 20);
    // A level's successors are numbered once the whole level is expanded into the buffer: a
    // merge a level, the eleventh of terminal states included.
    expect(big.spilled.spill!.merges).toBe(11);
  });

  it('says the interleavings were not counted where the graph is not layered', () => {
    const { spilled } = compare(() => createToyModel({ kind: 'counter', max: 30, bad: [] }), {}, 4);
    expect(spilled.spill!.pathsNotCounted).toBe('not-layered');
    const r = check(createToyModel({ kind: 'counter', max: 30, bad: [] }), { spill: { store: new MemorySpillStore(), bufferStates: 4 } });
    expect([r.verdict, r.interleavings, r.cyclic]).toEqual(['holds', null, false]);
    expect(check(createToyModel({ kind: 'counter', max: 30, bad: [] })).interleavings).toBe(1346269n);
  });

  it('stops at every --max-states bound exactly where explore stops', () => {
    for (const args of STOP_CASES) {
      const all = explore(createToyModel(args)).states;
      for (let maxStates = 1; maxStates <= all + 1; maxStates++) {
        for (const buffer of [1, 5, 64]) {
          compare(() => createToyModel(args), { maxStates }, buffer);
          compare(() => createToyModel(args), { maxStates, stopAtFirstViolation: true }, buffer);
        }
      }
    }
  });

  it('polls shouldStop and reports progress at the same expansions', () => {
    const run = (spill: boolean) => {
      let polls = 0;
      const progress: Progress[] = [];
      const options: ExploreOptions = {
        pollEvery: 7,
        shouldStop: () => (++polls >= 40 ? 'timeout' : null),
        onProgress: (p) => progress.push(p),
        ...(spill ? { spill: { store: new MemorySpillStore(), bufferStates: 5 } } : {}),
      };
      const graph = explore(createToyModel({ kind: 'bits', n: 10 }), options);
      return { graph, progress: progress.map(({ storeBytes: _, ...rest }) => rest), polls };
    };
    const memory = run(false);
    const spilled = run(true);
    expect(memory.graph.stopReason).toBe('timeout');
    expect(spilled.polls).toBe(memory.polls);
    expect(spilled.progress).toEqual(memory.progress);
    for (const f of FIELDS) expect(plainField(spilled.graph, f), f).toEqual(plainField(memory.graph, f));
  });

  it('merges early when the shell reports pressure, with the same graph', () => {
    let calls = 0;
    const model = () => createToyModel({ kind: 'fan', first: 10, second: 60, depth: 6, bad: [321] });
    const store = new MemorySpillStore();
    const pressed = explore(model(), { pollEvery: 3, spill: { store, bufferStates: 1 << 20, pressure: () => ++calls % 2 === 0 } });
    const memory = explore(model());
    for (const f of FIELDS) expect(plainField(pressed, f), f).toEqual(plainField(memory, f));
    expect(calls).toBeGreaterThan(10);
    // Far more merges than levels (8): the pressure merged the buffer half-full.
    expect(pressed.spill!.merges).toBeGreaterThan(calls / 4);
  });

  it('refuses edges and a buffer that is not a positive integer', () => {
    const m = createToyModel({ kind: 'bits', n: 3 });
    expect(() => explore(m, { keepEdges: true, spill: { store: new MemorySpillStore(), bufferStates: 4 } })).toThrow(/keeps no edges/);
    expect(() => explore(m, { spill: { store: new MemorySpillStore(), bufferStates: 0 } })).toThrow(/bufferStates/);
  });
});

/**
 * A random generic model: `n` nodes, each with a list of successor nodes (repeats allowed), a
 * set of bad nodes (always), of bad edges (transition) and of nodes that must not end (final);
 * a state is the node and a tag word. Layered or not, cyclic or not, as it comes.
 */
interface RandomGraph {
  readonly roots: readonly number[];
  readonly succ: readonly (readonly number[])[];
  readonly bad: readonly boolean[];
  readonly badEdge: number;
  readonly badEnd: number;
}

function randomModel(g: RandomGraph): Model<Int32Array, number> {
  const n = g.succ.length;
  return {
    name: 'random',
    stateWords: 2,
    initialStates: () => g.roots.map((r) => Int32Array.of(r % n, (r * 7) % 3)),
    enabledEvents: (s) => g.succ[s[0]].map((_, i) => i),
    step: (s, i) => {
      const t = g.succ[s[0]][i];
      return Int32Array.of(t, (t * 7) % 3);
    },
    words: (s) => s,
    fromWords: (w) => w,
    invariants: [
      { name: 'not-bad', kind: 'always', description: 'x', holds: (s) => !g.bad[s[0]] },
      { name: 'edge', kind: 'transition', description: 'x', holds: (b, _e, a) => (b[0] + a[0]) % 11 !== g.badEdge },
      { name: 'end', kind: 'final', description: 'x', holds: (s) => s[0] % 5 !== g.badEnd },
    ],
  };
}

/** A graph of `n` nodes; `forward` keeps edges going to higher nodes only (acyclic, often not layered). */
const graphArb = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.record({
    roots: fc.array(fc.nat({ max: n - 1 }), { minLength: 1, maxLength: 3 }),
    succ: fc.array(fc.array(fc.nat({ max: n - 1 }), { maxLength: 4 }), { minLength: n, maxLength: n }),
    bad: fc.array(fc.boolean(), { minLength: n, maxLength: n }).map((b) => b.map((x, i) => x && i % 4 === 0)),
    badEdge: fc.nat({ max: 12 }),
    badEnd: fc.nat({ max: 6 }),
  }),
);

/** The same shape, layered: node i's successors are nodes of the next layer (i // k + 1). */
const layeredArb = fc.record({ k: fc.integer({ min: 1, max: 5 }), layers: fc.integer({ min: 1, max: 7 }) }).chain(({ k, layers }) => {
  const n = k * layers;
  return fc.record({
    roots: fc.array(fc.nat({ max: k - 1 }), { minLength: 1, maxLength: 3 }),
    succ: fc.tuple(...Array.from({ length: n }, (_, i) => {
      const layer = Math.floor(i / k);
      return layer + 1 >= layers ? fc.constant([] as number[]) : fc.array(fc.nat({ max: k - 1 }).map((j) => (layer + 1) * k + j), { maxLength: 4 });
    })),
    bad: fc.array(fc.boolean(), { minLength: n, maxLength: n }).map((b) => b.map((x, i) => x && i % 3 === 1)),
    badEdge: fc.nat({ max: 12 }),
    badEnd: fc.nat({ max: 6 }),
  });
});

describe('the spilling explorer agrees with memory (property)', () => {
  const options = fc.record({
    buffer: fc.integer({ min: 1, max: 40 }),
    maxStates: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
    stopAtFirstViolation: fc.boolean(),
  });

  it('on random graphs', () => {
    fc.assert(
      fc.property(graphArb, options, (g, o) => {
        const r = compare(() => randomModel(g), { maxStates: o.maxStates, stopAtFirstViolation: o.stopAtFirstViolation }, o.buffer);
        compareChecks(() => randomModel(g), r);
      }),
      { numRuns: 300 },
    );
  });

  it('on random layered graphs, counts included', () => {
    fc.assert(
      fc.property(layeredArb, options, (g, o) => {
        const r = compare(() => randomModel(g), { maxStates: o.maxStates, stopAtFirstViolation: o.stopAtFirstViolation }, o.buffer);
        expect(r.spilled.spill!.pathsNotCounted).toBeNull();
        compareChecks(() => randomModel(g), r);
      }),
      { numRuns: 300 },
    );
  });
});

const ackFlush = (messages: number, rocketmq = '5.3.2'): ModelArgs => ({ scenario: 'ack-flush', messages, rocketmq, batchAck: false, settings: {}, invariants: null });

describe('the spilling explorer on the PopModel', () => {
  for (const messages of [6, 7, 8]) {
    for (const symmetry of [true, false]) {
      it(`ack-flush --messages ${messages}${symmetry ? '' : ' --no-symmetry'}`, () => {
        const r = compare(() => createPopModel(ackFlush(messages)), { symmetry }, 500);
        expect(r.spilled.spill!.merges).toBeGreaterThan(r.spilled.transitions / 600);
        expect(r.spilled.spill!.pathsNotCounted).toBeNull();
        compareChecks(() => createPopModel(ackFlush(messages)), r);
      });
    }
  }

  it('the full scenario with its defaults (not layered: states and verdicts, no count)', () => {
    const args: ModelArgs = { scenario: 'full', messages: 3, rocketmq: '5.3.2', batchAck: false, settings: {}, invariants: null };
    const r = compare(() => createPopModel(args), {}, 1000);
    expect(r.spilled.spill!.pathsNotCounted).toBe('not-layered');
    compareChecks(() => createPopModel(args), r);
  });

  for (const id of ['8835', '3787']) {
    it(`catalogue entry ${id} on its buggy release: the same shortest counterexample`, () => {
      const e = findCkEntry(id)!;
      const args = reproductionIdentity(e, e.buggy, [e.invariant]);
      const r = compare(() => createPopModel(args), {}, 300);
      const checked = checkGraph(createPopModel(args), r.spilled);
      expect(checked.verdict).toBe('violated');
      expect(checked.violations[0].length).toBe(e.shortest);
      expect(r.spilled.spill!.merges).toBeGreaterThan(5);
      compareChecks(() => createPopModel(args), r);
    });
  }

  // A transition invariant is evaluated only where the step changed a word it watches
  // (TRANSITION_WATCHES, as in memory): the catalogue's runs that violate one give explore()'s
  // graph, flags and first violations included, with the violated invariant among them.
  const watched = CK_CATALOGUE.filter((e) => e.expectBuggy === 'violated' && TRANSITION_WATCHES[e.invariant as keyof typeof TRANSITION_WATCHES] !== undefined);
  it('catalogue runs that violate a transition invariant: several', () => expect(watched.length).toBeGreaterThanOrEqual(4));
  for (const e of watched) {
    it(`catalogue entry ${e.id} (${e.invariant}) on its buggy release: explore's graph`, () => {
      const args = entryIdentity(e, e.buggy, [...new Set([...DEFAULT_INVARIANTS, e.invariant])]) as ModelArgs;
      const names = createPopModel(args).invariants.map((i) => i.name);
      for (const symmetry of [false, true]) {
        const r = compare(() => createPopModel(args), { symmetry }, 500);
        expect(r.spilled.firstViolations.map((v) => names[v.invariant])).toContain(e.invariant);
      }
    });
  }

  it('ack-flush with --max-states and with --stop-at-first', () => {
    for (const maxStates of [1, 77, 1000, 2500]) compare(() => createPopModel(ackFlush(7)), { maxStates, symmetry: false }, 200);
    compareChecks(() => createPopModel(ackFlush(7, '5.0.0')), compare(() => createPopModel(ackFlush(7, '5.0.0')), { stopAtFirstViolation: true }, 200));
  });
});

describe('SpillQueue and the visited run on a store', () => {
  const word = fc.oneof(fc.constantFrom(0, 1, -1, -(2 ** 31), 2 ** 31 - 1), fc.integer());

  it('gives back every state pushed and its fingerprint, in order, under any interleaving of pushes and shifts, and leaves no file', () => {
    const u32 = fc.oneof(fc.constantFrom(0, 1, 0x80, 0xff, 0x100, 0x7fffffff, 0x80000000, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff }));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((w) =>
          fc.tuple(
            fc.constant(w),
            fc.integer({ min: 1, max: 200 }),
            fc.array(fc.oneof(fc.tuple(fc.array(word, { minLength: w, maxLength: w }), u32, u32), fc.constant('shift' as const)), { maxLength: 120 }),
          ),
        ),
        ([w, chunkBytes, ops]) => {
          const store = new MemorySpillStore();
          const disk = new DiskUse();
          const q = new SpillQueue(w, store, disk, chunkBytes);
          const fifo: [number[], number, number][] = [];
          const take = (): void => {
            const [words, hi, lo] = fifo.shift()!;
            const got = Array.from(q.shift());
            expect([got, q.fp[0], q.fp[1]]).toEqual([words, hi, lo]);
          };
          for (const op of ops) {
            if (op === 'shift') {
              if (fifo.length > 0) take();
            } else {
              q.push(Int32Array.from(op[0]), op[1], op[2]);
              fifo.push(op);
            }
            expect(q.length).toBe(fifo.length);
          }
          while (fifo.length > 0) take();
          expect(() => q.shift()).toThrow(/empty/);
          // Every file was read back and removed; the bytes counted on disk went back to 0.
          expect([store.open, disk.now]).toEqual([0, 0]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a run written in blocks reads back entry by entry, across blocks', () => {
    const store = new MemorySpillStore();
    const disk = new DiskUse();
    const writer = new RunWriter(store, disk);
    const n = 20_000;
    for (let i = 0; i < n; i++) writer.add(i >>> 3, (i * 2654435761) >>> 0, i - 5);
    const size = writer.finish();
    expect(size).toBe(n * RUN_ENTRY_BYTES);
    expect(disk.now).toBe(size);
    const reader = new RunReader(store, writer.file, size);
    for (let i = 0; i < n; i++) {
      expect(reader.done).toBe(false);
      if (reader.hi !== i >>> 3 || reader.lo !== (i * 2654435761) >>> 0 || reader.id !== i - 5) throw new Error(`entry ${i}`);
      reader.next();
    }
    expect(reader.done).toBe(true);
  });
});
