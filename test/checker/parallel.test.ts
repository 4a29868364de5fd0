/**
 * The parallel explorer must return the sequential explorer's graph, field by field. Its
 * workers load JavaScript, so it is imported from dist/ (built by the global setup), and
 * the models come from worker-loadable factories: dist/model/factory.js for ack-flush and
 * the compiled toy fixtures in dist-test/.
 */
import { describe, expect, it, vi } from 'vitest';
import { check, explore, type ExploreOptions, type Progress, type StateGraph } from '../../checker/index.js';
import type * as Parallel from '../../checker/parallel/index.js';
import type { LevelInfo } from '../../checker/parallel/index.js';
import type * as EarlyModule from '../../checker/parallel/explore-parallel.js';
import { createModel as createPopModel, type ModelArgs } from '../../model/factory.js';
import { CK_CATALOGUE, entryIdentity } from '../../model/catalogue.js';
import { DEFAULT_INVARIANTS, TRANSITION_WATCHES } from '../../model/invariants.js';
import { expectRegisterVerdicts, plainField, SHARED_GRAPH_FIELDS, STOP_CASES } from '../fixtures/graph.js';
import { createModel as createToyModel, type ToyArgs } from '../fixtures/toy-factory.js';

const ROOT = new URL('../../', import.meta.url);
const { exploreParallel, checkParallel } = (await import(new URL('dist/checker/parallel/index.js', ROOT).href)) as typeof Parallel;
const POP_MODULE = new URL('dist/model/factory.js', ROOT).href;
const TOY_MODULE = new URL('dist-test/test/fixtures/toy-factory.js', ROOT).href;

const FIELDS = [...SHARED_GRAPH_FIELDS, 'edgeStart', 'edgeDst', 'storeBytes'] as const satisfies readonly (keyof StateGraph)[];

function expectSameGraph(parallel: StateGraph, sequential: StateGraph): void {
  for (const f of FIELDS) expect(plainField(parallel, f), f).toEqual(plainField(sequential, f));
}

/** How a parallel run shared its work, summed over the levels. */
interface Sharing {
  readonly workerChunks: number;
  readonly enlargements: number;
}

async function runParallel(module: string, args: unknown, options: ExploreOptions, workers: number): Promise<[StateGraph, Sharing]> {
  let workerChunks = 0;
  let enlargements = 0;
  const graph = await exploreParallel(
    { module, args },
    {
      ...options,
      workers,
      // Threads take part from the first level, even in runs shorter than their start-up.
      waitForWorkers: true,
      onLevel: (info: LevelInfo) => {
        workerChunks += info.chunksByThread.slice(1).reduce((a, b) => a + b, 0);
        enlargements += info.enlargements;
      },
    },
  );
  return [graph, { workerChunks, enlargements }];
}

async function compareToy(args: ToyArgs, options: ExploreOptions, workers: number): Promise<Sharing> {
  const [graph, sharing] = await runParallel(TOY_MODULE, args, options, workers);
  expectSameGraph(graph, explore(createToyModel(args), options));
  return sharing;
}

async function comparePop(args: ModelArgs, options: ExploreOptions, workers: number): Promise<StateGraph> {
  const sequential = explore(createPopModel(args), options);
  const [graph] = await runParallel(POP_MODULE, args, options, workers);
  expectSameGraph(graph, sequential);
  return sequential;
}

const popArgs = (rocketmq: string, messages: number): ModelArgs => ({
  scenario: 'ack-flush',
  messages,
  rocketmq,
  batchAck: false,
  settings: {},
  invariants: null,
});

/** Name, model, options, and optionally what the case is meant to exercise. */
const TOYS: readonly (readonly [string, ToyArgs, ExploreOptions, ((g: StateGraph) => void)?])[] = [
  ['bits(12): many threads reach the same states', { kind: 'bits', n: 12 }, {}],
  ['bits(10) under symmetry', { kind: 'bits', n: 10, symmetric: true }, {}],
  ['bits(10) with symmetry turned off', { kind: 'bits', n: 10, symmetric: true }, { symmetry: false }],
  ['bits(6) with always, transition and final invariants', { kind: 'bits', n: 6, invariants: ['lt3', 'order', 'never-done'] }, {}],
  ['the same, stopping at the first violation', { kind: 'bits', n: 6, invariants: ['lt3', 'order', 'never-done'] }, { stopAtFirstViolation: true }],
  ['a cyclic graph', { kind: 'ring' }, {}],
  ['counter with bad values', { kind: 'counter', max: 300, bad: [7, 13, 250] }, {}],
  ['counter, stopping at the first violation', { kind: 'counter', max: 300, bad: [7, 13, 250] }, { stopAtFirstViolation: true }],
  ['several initial states, some equal', { kind: 'multi-root', starts: [5, 2, 5, 0, 2], max: 40 }, {}],
  // The first violation is a step (13 -> 14) to a state already known; the sequential
  // explorer then goes on with the state's next events and stops at the next new state
  // (16: state 1 is not counted as expanded) ...
  [
    'first violation on an edge to a known state',
    { kind: 'multi-root', starts: [14, 13], max: 30 },
    { stopAtFirstViolation: true },
    (g) => expect([g.firstViolations[0].fromId, g.firstViolations[0].stateId, g.expanded]).toEqual([1, 0, 1]),
  ],
  // ... or, when none follows (16 is known too), after the state (expanded: 0, 1 and 2).
  [
    'the same, with no new state after it',
    { kind: 'multi-root', starts: [14, 16, 13], max: 30 },
    { stopAtFirstViolation: true },
    (g) => expect([g.firstViolations[0].fromId, g.firstViolations[0].stateId, g.expanded]).toEqual([2, 0, 3]),
  ],
  [
    'a violation among the initial states',
    { kind: 'multi-root', starts: [14, 19, 13, 19], max: 20 },
    { stopAtFirstViolation: true },
    (g) => expect([g.firstViolations[0].stateId, g.expanded, g.states, [...g.roots.values()]]).toEqual([1, 0, 3, [0, 1, 2]]),
  ],
  ['without path counting', { kind: 'bits', n: 9 }, { countPaths: false }],
  // The fast paths of the one-thread explorer (stepOnto, useMemory, verdicts inherited from the
  // parent through AlwaysInvariant.reads) in every thread: the same flags, and the transition
  // invariant 'in-memory' (a probe: the states expanded and built in the kernel's memory) holds.
  ['registers: stepOnto, useMemory, inherited always verdicts', { kind: 'registers', n: 6, cap: 3 }, {}, expectRegisterVerdicts],
  ['registers under symmetry', { kind: 'registers', n: 7, cap: 2, symmetric: true }, {}, expectRegisterVerdicts],
  ['registers, stopping at the first violation', { kind: 'registers', n: 6, cap: 3 }, { stopAtFirstViolation: true }],
];


describe('exploreParallel on the toy models', () => {
  for (const [name, args, options, exercises] of TOYS) {
    it(name, async () => {
      exercises?.(explore(createToyModel(args), options));
      for (const workers of [1, 2, 3]) await compareToy(args, options, workers);
    });
  }

  it('grows a level that outgrows its first guess while threads insert', async () => {
    // 10 states with 600 successors each: far more than the level's first room (1024), so
    // the level pauses, possibly several times, while other threads are inside chunks.
    const args: ToyArgs = { kind: 'fan', first: 10, second: 600, depth: 5, bad: [4321] };
    for (const workers of [1, 2, 3]) {
      const sharing = await compareToy(args, {}, workers);
      expect(sharing.enlargements).toBeGreaterThan(0);
      if (workers > 1) expect(sharing.workerChunks).toBeGreaterThan(0);
    }
    await compareToy(args, { maxStates: 3000 }, 3);
    // 40 x 300: the level grows four times, while up to three threads hold claims.
    for (const workers of [2, 3]) {
      const sharing = await compareToy({ kind: 'fan', first: 40, second: 300, depth: 2, bad: [] }, {}, workers);
      expect(sharing.enlargements).toBeGreaterThanOrEqual(4);
    }
  });

  it('grows a level whose records outgrow the bytes guessed from the last level', async () => {
    // Records about double in size at every level and levels grow eightfold (8^4 = 4,096
    // states at depth 4, 32,768 at depth 5): the guess from the last level's mean (for at most
    // four times the states) falls short even with the frontier's blocks taken again as the
    // level goes, so the level pauses for bytes (before or with indices) and starts again
    // with more of both.
    for (const workers of [1, 2, 3]) {
      const sharing = await compareToy({ kind: 'filling', branch: 8, depth: 5 }, {}, workers);
      expect(sharing.enlargements).toBeGreaterThan(0);
    }
  });

  it('keeps the codes of a claim whose buffer grows between two of its calls', async () => {
    // 64 states of 1,000 events each in the second level, leading to 7 states (so the level
    // has room enough and no claim is dropped). One thread claims 8, 16, then 20 of them: the
    // third claim's first call (16 states) fills 16,000 of the buffer's 16,384 codes, and its
    // second call grows the buffer, keeping them. Two threads: claims of other sizes.
    for (const workers of [1, 2]) await compareToy({ kind: 'fan', first: 64, second: 1000, depth: 3, bad: [5], targets: 7 }, {}, workers);
  });

  it('stops at every --max-states bound exactly where explore stops', async () => {
    for (const args of STOP_CASES) {
      const all = explore(createToyModel(args)).states;
      for (let maxStates = 1; maxStates <= all + 1; maxStates++) {
        // One thread runs the replay that decides where to stop at every bound; every
        // eighth bound is also run with two and three threads.
        const threads = maxStates % 8 === 0 ? [1, 2, 3] : [1];
        for (const workers of threads) {
          await compareToy(args, { maxStates }, workers);
          await compareToy(args, { maxStates, stopAtFirstViolation: true }, workers);
        }
      }
    }
  });

  it('polls shouldStop and reports progress at the same expansions', async () => {
    const args: ToyArgs = { kind: 'bits', n: 10 };
    const run = async (workers: number | null) => {
      let polls = 0;
      const progress: Progress[] = [];
      const options: ExploreOptions = {
        pollEvery: 7,
        shouldStop: () => (++polls >= 40 ? 'timeout' : null),
        onProgress: (p) => progress.push(p),
      };
      const graph = workers === null ? explore(createToyModel(args), options) : (await runParallel(TOY_MODULE, args, options, workers))[0];
      return { graph, progress, polls };
    };
    const sequential = await run(null);
    expect(sequential.graph.stopReason).toBe('timeout');
    for (const workers of [1, 2, 3]) {
      const parallel = await run(workers);
      expectSameGraph(parallel.graph, sequential.graph);
      expect(parallel.progress).toEqual(sequential.progress);
      expect(parallel.polls).toBe(sequential.polls);
    }
  });

  it('starts again keeping edges when the layering breaks late, as explore does', async () => {
    // Layered through six levels of up to 3,000 states (threads take part), then every state of
    // the last level steps back to level 1: path counting during the search must give up there.
    const args: ToyArgs = { kind: 'fan', first: 10, second: 300, depth: 4, bad: [], back: true };
    const sequential = explore(createToyModel(args));
    expect(sequential.edgeStart).not.toBeNull();
    expect(sequential.pathCounts).toBeNull();
    for (const workers of [1, 2, 3]) {
      const depths: number[] = [];
      let workerChunks = 0;
      const graph = await exploreParallel(
        { module: TOY_MODULE, args },
        {
          workers,
          waitForWorkers: true,
          onLevel: (info: LevelInfo) => {
            depths.push(info.depth);
            workerChunks += info.chunksByThread.slice(1).reduce((a, b) => a + b, 0);
          },
        },
      );
      expectSameGraph(graph, sequential);
      // Two searches: the first abandoned at the last level, the second to the end.
      expect(depths.filter((d) => d === 0)).toHaveLength(2);
      expect(depths.indexOf(0, 1)).toBeGreaterThanOrEqual(5);
      if (workers > 1) expect(workerChunks).toBeGreaterThan(0);
    }
  });

  it('is the same from run to run', async () => {
    const args: ToyArgs = { kind: 'fan', first: 6, second: 500, depth: 4, bad: [] };
    const [a] = await runParallel(TOY_MODULE, args, {}, 3);
    const [b] = await runParallel(TOY_MODULE, args, {}, 3);
    expectSameGraph(a, b);
  });
});

describe('exploreParallel on ack-flush', () => {
  for (const rocketmq of ['5.3.1', '5.3.2']) {
    for (const messages of [5, 6]) {
      for (const symmetry of [false, true]) {
        it(`${rocketmq}, N=${messages}, symmetry ${symmetry ? 'on' : 'off'}`, async () => {
          const args = popArgs(rocketmq, messages);
          const full = await comparePop(args, { symmetry }, 2);
          await comparePop(args, { symmetry }, 3);
          await comparePop(args, { symmetry, maxStates: Math.ceil(full.states / 3) }, 2);
          await comparePop(args, { symmetry, maxStates: Math.ceil((2 * full.states) / 3) }, 3);
        });
      }
    }
  }

  it('5.3.1 stopping at the first violation', async () => {
    for (const workers of [2, 3]) await comparePop(popArgs('5.3.1', 6), { symmetry: false, stopAtFirstViolation: true }, workers);
  });
});

// Without the WebAssembly kernel (a runtime without WebAssembly or SIMD), the expander decodes
// and encodes entries in JavaScript (expand.ts, `inKernel` false). Here only the coordinator's
// thread goes without it (the module mocked in this thread; the workers load dist/ as it is): its
// records must be the same bytes as the kernel's, which the workers then decode, and the reverse.
describe('exploreParallel with the coordinator in JavaScript and the workers in the kernel', () => {
  it('gives explore()’s graph on toys and ack-flush', async () => {
    const kernelUrl = new URL('dist/checker/wasm/kernel.js', ROOT).href;
    vi.resetModules();
    vi.doMock(kernelUrl, async (original) => ({ ...(await original<object>()), HAVE_KERNEL: false }));
    try {
      const mocked = (await import(kernelUrl)) as { HAVE_KERNEL: boolean };
      expect(mocked.HAVE_KERNEL).toBe(false);
      const fpModule = (await import(new URL('dist/checker/fingerprint.js', ROOT).href)) as typeof import('../../checker/fingerprint.js');
      expect(new fpModule.FingerprintStepper(4).usesKernel).toBe(false);
      const js = (await import(new URL('dist/checker/parallel/index.js', ROOT).href)) as typeof Parallel;
      expect(js.exploreParallel).not.toBe(exploreParallel);
      const cases: readonly (readonly [string, unknown, ExploreOptions, () => StateGraph])[] = [
        ['bits(10)', { kind: 'bits', n: 10 }, {}, () => explore(createToyModel({ kind: 'bits', n: 10 }), {})],
        // (Not the registers toy: its probe invariant 'in-memory' fails by design without the kernel.)
        ['bits(10) with invariants', { kind: 'bits', n: 10, invariants: ['lt3', 'order', 'never-done'] }, {}, () => explore(createToyModel({ kind: 'bits', n: 10, invariants: ['lt3', 'order', 'never-done'] }), {})],
        ['ack-flush 5.3.2 N=6', popArgs('5.3.2', 6), { symmetry: false }, () => explore(createPopModel(popArgs('5.3.2', 6)), { symmetry: false })],
      ];
      for (const [name, args, options, sequential] of cases) {
        let workerChunks = 0;
        const module = name.startsWith('ack-flush') ? POP_MODULE : TOY_MODULE;
        const graph = await js.exploreParallel(
          { module, args },
          { ...options, workers: 2, waitForWorkers: true, onLevel: (info: LevelInfo) => (workerChunks += info.chunksByThread.slice(1).reduce((a, b) => a + b, 0)) },
        );
        // Both threads expanded states: each decoded entries the other encoded.
        expect(workerChunks, name).toBeGreaterThan(0);
        expectSameGraph(graph, sequential());
      }
    } finally {
      vi.doUnmock(kernelUrl);
      vi.resetModules();
    }
  });
});

// Every thread evaluates a transition invariant only when the step changed a word it watches
// (parallel/expand.ts, expandStates; TRANSITION_WATCHES): the catalogue's runs that violate
// one give explore()'s graph, flags and first violations included, with the violated
// invariant among them.
describe('exploreParallel on the catalogue runs that violate a transition invariant', () => {
  const entries = CK_CATALOGUE.filter((e) => e.expectBuggy === 'violated' && TRANSITION_WATCHES[e.invariant as keyof typeof TRANSITION_WATCHES] !== undefined);
  it('are several', () => expect(entries.length).toBeGreaterThanOrEqual(4));
  for (const e of entries) {
    it(`${e.id} (${e.invariant})`, async () => {
      const args = entryIdentity(e, e.buggy, [...new Set([...DEFAULT_INVARIANTS, e.invariant])]) as ModelArgs;
      const names = createPopModel(args).invariants.map((i) => i.name);
      for (const symmetry of [false, true]) {
        const g = await comparePop(args, { symmetry }, 2);
        expect(g.firstViolations.map((v) => names[v.invariant])).toContain(e.invariant);
      }
    });
  }
});

describe('checkParallel', () => {
  it('gives check()’s verdict, counts and counterexamples', async () => {
    const args = popArgs('5.3.1', 5);
    const sequential = check(createPopModel(args), { symmetry: false });
    const parallel = await checkParallel({ module: POP_MODULE, args }, { symmetry: false, workers: 2 });
    const { graph: g1, ...r1 } = sequential;
    const { graph: g2, ...r2 } = parallel;
    expect(r2).toEqual({ ...r1, frontierPeakBytes: r2.frontierPeakBytes });
    expectSameGraph(g2, g1);
    expect(r2.violations.length).toBeGreaterThan(0);
  });

  it('uses the workers it started before building its model (they join from the first level)', async () => {
    const args: ToyArgs = { kind: 'bits', n: 11, invariants: ['lt3', 'order', 'never-done'] };
    let workerChunks = 0;
    const parallel = await checkParallel(
      { module: TOY_MODULE, args },
      {
        workers: 3,
        waitForWorkers: true,
        onLevel: (info: LevelInfo) => {
          workerChunks += info.chunksByThread.slice(1).reduce((a, b) => a + b, 0);
        },
      },
    );
    expect(workerChunks).toBeGreaterThan(0);
    expectSameGraph(parallel.graph, explore(createToyModel(args), {}));
  });

  it('stops the workers it started when the coordinator cannot build its model', async () => {
    const { exploreParallelEarly } = (await import(new URL('dist/checker/parallel/explore-parallel.js', ROOT).href)) as typeof EarlyModule;
    const run = exploreParallelEarly({ module: TOY_MODULE, args: { kind: 'ring' } }, { workers: 2 }, () => Promise.reject(new Error('no model here')));
    await expect(run).rejects.toThrow(/^no model here$/);
  });
});

describe('exploreParallel errors', () => {
  it('rejects a bad worker count', async () => {
    for (const workers of [0, 65, 1.5]) {
      await expect(exploreParallel({ module: TOY_MODULE, args: { kind: 'ring' } }, { workers })).rejects.toThrow(
        /workers must be an integer from 1 to 64/,
      );
    }
  });

  it('rejects a module it cannot load, or one without createModel', async () => {
    await expect(exploreParallel({ module: new URL('dist/nope.js', ROOT).href, args: null }, { workers: 2 })).rejects.toThrow(
      /cannot load model module/,
    );
    await expect(exploreParallel({ module: new URL('dist/checker/fingerprint.js', ROOT).href, args: null }, { workers: 2 })).rejects.toThrow(
      /does not export createModel/,
    );
  });

  it('refuses model arguments that cannot be sent to a thread', async () => {
    const args = { kind: 'ring', hook: () => 0 };
    await expect(exploreParallel({ module: TOY_MODULE, args }, { workers: 2, waitForWorkers: true })).rejects.toThrow(
      /^cannot start a worker thread: .*could not be cloned/,
    );
  });

  it('passes on a model error thrown in any thread, in one line', async () => {
    for (const where of ['step', 'invariant'] as const) {
      for (const workers of [1, 2, 3]) {
        const run = exploreParallel({ module: TOY_MODULE, args: { kind: 'explodes', at: 300, in: where } }, { workers, waitForWorkers: true });
        await expect(run).rejects.toThrow(/^(worker \d+ failed: )?boom at 300$/);
      }
    }
  });
});
