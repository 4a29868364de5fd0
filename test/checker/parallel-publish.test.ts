/**
 * When a thread of the parallel explorer publishes a new state's provisional index in the shared
 * table (parallel/expand.ts, `store`), the slot has been busy since its claim, and any other
 * thread that probes it waits. What the replay may read as soon as the index is published (the
 * level's columns: the record's offset, the always verdicts, the table slot) must be written
 * before; the entry's bytes (fingerprint, link, record, verdicts), read only in the next level,
 * are written after, to keep that window short, and are in the arena by the end of the claim
 * (with the kernel, the expander stages a claim's entries and copies them into the arena at
 * once: a claim that ends without copying them fails). Checked in the coordinator's thread (one
 * thread, in this process) at every publication and at the end of every claim, and the graph
 * is explore()'s.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { explore, type StateGraph } from '../../checker/index.js';
import type * as Parallel from '../../checker/parallel/index.js';
import type * as ExpandModule from '../../checker/parallel/expand.js';
import type * as StoreModule from '../../checker/parallel/level-store.js';
import type * as TableModule from '../../checker/parallel/shared-table.js';
import { createModel as createPopModel, type ModelArgs } from '../../model/factory.js';
import { plainField, SHARED_GRAPH_FIELDS } from '../fixtures/graph.js';
import { createModel as createToyModel, type ToyArgs } from '../fixtures/toy-factory.js';

const ROOT = new URL('../../', import.meta.url);
const dist = async <T>(path: string): Promise<T> => (await import(new URL(`dist/${path}`, ROOT).href)) as T;
const { exploreParallel } = await dist<typeof Parallel>('checker/parallel/index.js');
const { Expander } = await dist<typeof ExpandModule>('checker/parallel/expand.js');
const { SharedTable } = await dist<typeof TableModule>('checker/parallel/shared-table.js');
const { readAlways, readFingerprintHalf } = await dist<typeof StoreModule>('checker/parallel/level-store.js');
const POP_MODULE = new URL('dist/model/factory.js', ROOT).href;
const TOY_MODULE = new URL('dist-test/test/fixtures/toy-factory.js', ROOT).href;

/** The expander's private parts this test reads. */
interface ExpanderParts {
  readonly bytes: Uint8Array;
  readonly blockAt: number;
  readonly fp: Uint32Array;
  readonly backOffset: Int32Array;
  readonly backFlags: Int32Array;
  readonly backSlot: Int32Array;
  readonly plan: { readonly serial: number } | null;
}

/** A publication seen: the entry it announced, checked at the end of its claim. */
interface Seen {
  readonly level: number;
  readonly offset: number;
  readonly flags: number;
  readonly hi: number;
  readonly lo: number;
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs the parallel path with one thread, checking every publication; returns the graph and how many were checked. */
async function runChecked(module: string, args: unknown, symmetry: boolean): Promise<[StateGraph, number]> {
  let expander: ExpanderParts | null = null;
  const attach = Expander.prototype.attach;
  vi.spyOn(Expander.prototype, 'attach').mockImplementation(function (this: ExpandModule.Expander<unknown, unknown>, ...a) {
    expander = this as unknown as ExpanderParts;
    attach.apply(this, a);
  });
  // The publications of the claim being expanded.
  let pending: Seen[] = [];
  let checked = 0;
  const runChunk = Expander.prototype.runChunk;
  vi.spyOn(Expander.prototype, 'runChunk').mockImplementation(function (this: ExpandModule.Expander<unknown, unknown>, ...a) {
    pending = [];
    const r = runChunk.apply(this, a);
    // Every entry the claim published is complete in the arena: its fingerprint and verdicts
    // are those its publication announced.
    const x = this as unknown as ExpanderParts;
    for (const e of pending) {
      expect([readFingerprintHalf(x.bytes, e.offset, 0), readFingerprintHalf(x.bytes, e.offset, 1)]).toEqual([e.hi, e.lo]);
      expect(readAlways(x.bytes, e.offset)).toBe(e.flags);
      checked++;
    }
    pending = [];
    return r;
  });
  const publish = SharedTable.prototype.publish;
  vi.spyOn(SharedTable.prototype, 'publish').mockImplementation(function (this: TableModule.SharedTable, slot: number, value: number) {
    // The initial states' final ids (roots.ts), published before any level.
    if (value > 0) {
      publish.call(this, slot, value);
      return;
    }
    const x = expander!;
    const k = -value - 2;
    const level = x.plan!.serial;
    // The columns are written: the slot published, and the offset of the entry this thread writes next.
    expect(x.backSlot[k]).toBe(slot);
    // Not yet the entry: the thread's block has not moved past it.
    expect(x.backOffset[k]).toBe(x.blockAt);
    pending.push({ level, offset: x.backOffset[k], flags: x.backFlags[k], hi: x.fp[0], lo: x.fp[1] });
    publish.call(this, slot, value);
  });
  const graph = await exploreParallel({ module, args }, { symmetry, workers: 1 });
  return [graph, checked];
}

function expectSameGraph(parallel: StateGraph, sequential: StateGraph): void {
  for (const f of [...SHARED_GRAPH_FIELDS, 'edgeStart', 'edgeDst', 'storeBytes'] as const) expect(plainField(parallel, f), f).toEqual(plainField(sequential, f));
}

describe('the parallel expander publishes a new state', () => {
  it('once its columns are written, and writes its entry after', async () => {
    const toys: readonly ToyArgs[] = [
      { kind: 'registers', n: 6, cap: 3 },
      { kind: 'bits', n: 9, invariants: ['lt3', 'order', 'never-done'] },
    ];
    for (const args of toys) {
      const [graph, checked] = await runChecked(TOY_MODULE, args, true);
      expectSameGraph(graph, explore(createToyModel(args), {}));
      expect(checked).toBe(graph.states - graph.roots.size);
      vi.restoreAllMocks();
    }
    const pop: ModelArgs = { scenario: 'ack-flush', messages: 5, rocketmq: '5.3.2', batchAck: false, settings: {}, invariants: null };
    const [graph, checked] = await runChecked(POP_MODULE, pop, false);
    expectSameGraph(graph, explore(createPopModel(pop), { symmetry: false }));
    expect(checked).toBe(graph.states - graph.roots.size);
  });
});
