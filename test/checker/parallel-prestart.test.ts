/**
 * Worker threads started before their run (checker/parallel/prestart.ts, cli/prestart.ts):
 * a run takes the prestarted workers of its model module and gives the sequential graph;
 * prestarted workers it cannot use are stopped and others started; a model module that fails
 * to load in a prestarted worker fails the run with the usual message; workers nobody takes
 * do not keep the process alive. Imported from dist/ (the workers load JavaScript), one
 * module instance with the explorer, so that the run sees the prestarted workers.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { explore, type StateGraph } from '../../checker/index.js';
import type * as Parallel from '../../checker/parallel/index.js';
import type * as Prestart from '../../checker/parallel/prestart.js';
import type * as EarlyModule from '../../checker/parallel/explore-parallel.js';
import type { LevelInfo } from '../../checker/parallel/index.js';
import { workersFlag } from '../../cli/prestart.js';
import { plainField, SHARED_GRAPH_FIELDS } from '../fixtures/graph.js';
import { createModel as createToyModel, type ToyArgs } from '../fixtures/toy-factory.js';

const ROOT = new URL('../../', import.meta.url);
const PRESTART_URL = new URL('dist/checker/parallel/prestart.js', ROOT).href;
const { exploreParallel } = (await import(new URL('dist/checker/parallel/index.js', ROOT).href)) as typeof Parallel;
const { prestartWorkers, takePrestarted } = (await import(PRESTART_URL)) as typeof Prestart;
const { exploreParallelEarly } = (await import(new URL('dist/checker/parallel/explore-parallel.js', ROOT).href)) as typeof EarlyModule;
const TOY_MODULE = new URL('dist-test/test/fixtures/toy-factory.js', ROOT).href;
const POP_MODULE = new URL('dist/model/factory.js', ROOT).href;

const FIELDS = [...SHARED_GRAPH_FIELDS, 'edgeStart', 'edgeDst', 'storeBytes'] as const satisfies readonly (keyof StateGraph)[];

async function run(args: ToyArgs, workers: number, module = TOY_MODULE): Promise<{ graph: StateGraph; workerChunks: number }> {
  let workerChunks = 0;
  const graph = await exploreParallel(
    { module, args },
    {
      workers,
      waitForWorkers: true,
      onLevel: (info: LevelInfo) => {
        workerChunks += info.chunksByThread.slice(1).reduce((a, b) => a + b, 0);
      },
    },
  );
  return { graph, workerChunks };
}

describe('prestarted workers', () => {
  const args: ToyArgs = { kind: 'bits', n: 11, invariants: ['lt3', 'order', 'never-done'] };

  it('are taken by the next run of their model module, which gives the sequential graph', async () => {
    prestartWorkers(2, TOY_MODULE);
    const { graph, workerChunks } = await run(args, 3);
    // Taken: none is left for another run.
    expect(takePrestarted(2, TOY_MODULE)).toBeNull();
    expect(workerChunks).toBeGreaterThan(0);
    const sequential = explore(createToyModel(args), {});
    for (const f of FIELDS) expect(plainField(graph, f), f).toEqual(plainField(sequential, f));
  });

  it('of another module or count are stopped, and the run starts its own', async () => {
    for (const [count, module] of [
      [1, POP_MODULE],
      [2, TOY_MODULE],
    ] as const) {
      prestartWorkers(count, module);
      const { graph, workerChunks } = await run(args, 2);
      expect(takePrestarted(count, module)).toBeNull();
      expect(workerChunks).toBeGreaterThan(0);
      const sequential = explore(createToyModel(args), {});
      expect([graph.states, graph.transitions]).toEqual([sequential.states, sequential.transitions]);
      expect(graph.states).toBeGreaterThan(1000);
    }
  });

  it('that cannot load their model module fail the run with the usual message', async () => {
    const nope = new URL('dist/nope.js', ROOT).href;
    prestartWorkers(1, nope);
    // The coordinator's own model is built (a toy's): only the worker fails to load its module.
    const build = (): Promise<ReturnType<typeof createToyModel>> => Promise.resolve(createToyModel(args));
    await expect(exploreParallelEarly({ module: nope, args: null }, { workers: 2, waitForWorkers: true }, build)).rejects.toThrow(
      /^worker 1 failed: cannot load model module/,
    );
    expect(takePrestarted(1, nope)).toBeNull();
  });

  it('refuse model arguments that cannot be sent to a thread as other workers do', async () => {
    prestartWorkers(1, TOY_MODULE);
    const bad = { kind: 'ring', hook: () => 0 };
    await expect(exploreParallel({ module: TOY_MODULE, args: bad }, { workers: 2, waitForWorkers: true })).rejects.toThrow(
      /^cannot start a worker thread: .*could not be cloned/,
    );
    expect(takePrestarted(1, TOY_MODULE)).toBeNull();
  });

  it('do not keep the process alive when no run takes them', () => {
    const script = `const m = await import(${JSON.stringify(PRESTART_URL)}); m.prestartWorkers(2, ${JSON.stringify(TOY_MODULE)}); console.log('started');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('started\n');
  });
});

describe('check --workers 2 from the command line', () => {
  it('runs with the Node flags of the CLI’s shebang, which workers inherit', () => {
    const main = new URL('dist/cli/main.js', ROOT);
    const shebang = readFileSync(main, 'utf8').split('\n')[0];
    const flags = shebang.replace(/^#!\/usr\/bin\/env -S node/, '').trim().split(/\s+/).filter((f) => f.length > 0);
    expect(flags).toContain('--max-semi-space-size=2');
    const r = spawnSync(process.execPath, [...flags, fileURLToPath(main), 'check', '--messages', '4', '--rocketmq', '5.3.2', '--workers', '2', '--json'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).verdict).toBe('holds');
  });
});

describe('workersFlag (the CLI’s quick look at --workers)', () => {
  it('reads --workers N and --workers=N, the last one, up to --', () => {
    expect(workersFlag(['--scenario', 'full', '--workers', '2'])).toBe(2);
    expect(workersFlag(['--workers=3', '--json'])).toBe(3);
    expect(workersFlag(['--workers', '2', '--workers', '4'])).toBe(4);
    expect(workersFlag(['--', '--workers', '2'])).toBeNull();
    expect(workersFlag(['--scenario', 'full'])).toBeNull();
  });

  it('leaves anything but a plain integer to the parser', () => {
    for (const v of ['two', '-2', '1.5', '', '2x']) expect(workersFlag(['--workers', v])).toBeNull();
    expect(workersFlag(['--workers'])).toBeNull();
  });
});
