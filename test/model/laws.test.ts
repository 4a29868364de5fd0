/**
 * Laws of the model and the checker, as property tests over random small configurations
 * (every release, both scenarios, random bounds and settings within the CLI's limits) and
 * random walks through them. Seeded: a failure prints its seed and shrunk counterexample and
 * reproduces with the same seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import { parseCheckArgs } from '../../cli/args.js';
import { runCheck } from '../../cli/check-command.js';
import { runReplay } from '../../cli/replay-command.js';
import type { Event } from '../../model/events.js';
import { buildPopModel, type ModelArgs } from '../../model/factory.js';
import { G } from '../../model/layout.js';
import type { PopModel } from '../../model/popmodel.js';
import type { FullBounds } from '../../model/scenarios/full.js';
import type { SettingName, SettingValue } from '../../model/settings.js';
import { toRecord, type State } from '../../model/state.js';
import { guard } from '../../model/step.js';
import { findRelease, RELEASES } from '../../model/versions.js';
import type { TraceHeader } from '../../traces/format.js';
import { readTrace, replay, writeTrace } from '../../traces/index.js';
import { flagOf } from '../fixtures/sweep.js';

const SEED = 20_250_919;
const params = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true });

type Overrides = Partial<Record<SettingName, SettingValue>>;

interface Case {
  readonly scenario: 'ack-flush' | 'full';
  readonly messages: number;
  readonly rocketmq: string;
  readonly batchAck: boolean;
  readonly overrides: Overrides;
  readonly bounds: Partial<FullBounds>;
}

const modelArgs = ({ overrides, ...c }: Case): ModelArgs => ({
  ...c,
  settings: overrides as ModelArgs['settings'],
  invariants: null,
  ...(Object.keys(c.bounds).length > 0 ? { bounds: c.bounds } : {}),
});
const buildCase = (c: Case): PopModel => buildPopModel(modelArgs(c));

/** Release-dependent settings, valid by construction (batch ack from 5.3.0 here, the mock CK from 5.1.0). */
const releaseAndSettings = fc
  .record({
    rocketmq: fc.constantFrom(...RELEASES.map((r) => r.name)),
    merge: fc.boolean(),
    batchAck: fc.boolean(),
    asyncBizRead: fc.boolean(),
    splitAddAk: fc.boolean(),
    skipLongAwaitingAck: fc.boolean(),
  })
  .map((r) => {
    const b = findRelease(r.rocketmq)!.behaviours;
    const overrides: Overrides = {};
    if (!r.merge) overrides.enablePopBufferMerge = false;
    if (r.asyncBizRead) overrides.asyncBizRead = true;
    if (r.splitAddAk) overrides.splitAddAk = true;
    if (r.skipLongAwaitingAck && b.reviveMocksOrphanAck) overrides.enableSkipLongAwaitingAck = true;
    return { rocketmq: r.rocketmq, batchAck: r.batchAck && b.batchAckSupported, overrides };
  });

const ackFlushCase: fc.Arbitrary<Case> = fc
  .record({ messages: fc.integer({ min: 1, max: 4 }), rs: releaseAndSettings })
  .map(({ messages, rs }) => ({ scenario: 'ack-flush', messages, ...rs, overrides: { ...rs.overrides, enablePopBufferMerge: true }, bounds: {} }));

interface Limits {
  readonly messages: number;
  readonly queues: number;
  readonly pops: number;
  readonly faults: number;
}
const WALK_LIMITS: Limits = { messages: 3, queues: 2, pops: 3, faults: 3 };

/** Small full-scenario bounds: sizes up to `lim`, up to `lim.faults` of `faults` turned on (1 or true). */
const fullBounds = (faults: readonly (keyof FullBounds)[], lim: Limits): fc.Arbitrary<{ messages: number; bounds: Partial<FullBounds> }> =>
  fc
    .record({
      messages: fc.integer({ min: 1, max: lim.messages }),
      queues: fc.integer({ min: 1, max: lim.queues }),
      pops: fc.integer({ min: 1, max: lim.pops }),
      batch: fc.integer({ min: 1, max: 3 }),
      on: fc.subarray([...faults], { maxLength: lim.faults }),
    })
    .map(({ messages, queues, pops, batch, on }) => {
      const bounds: Record<string, number | boolean> = { queues, pops, batch };
      for (const k of on) bounds[k] = k === 'popLag' || k === 'timerLag' || k === 'scanStalls' ? true : 1;
      return { messages, bounds: bounds as Partial<FullBounds> };
    });

const ALL_FAULTS: (keyof FullBounds)[] = [
  'lateAcks',
  'dupAcks',
  'changes',
  'storeFailures',
  'retryFailures',
  'slowScans',
  'crashes',
  'roleChanges',
  'produce',
  'expire',
  'gc',
  'popLag',
  'timerLag',
  'scanStalls',
];

const fullCase = (faults: readonly (keyof FullBounds)[], lim: Limits = WALK_LIMITS): fc.Arbitrary<Case> =>
  fc.record({ mb: fullBounds(faults, lim), rs: releaseAndSettings }).map(({ mb, rs }) => ({ scenario: 'full', messages: mb.messages, ...rs, bounds: mb.bounds }));

const anyCase: fc.Arbitrary<Case> = fc.oneof(ackFlushCase, fullCase(ALL_FAULTS), fullCase(ALL_FAULTS));

/** Choices of a random walk: at each step, the enabled event at index choice mod count. */
const walkChoices = fc.array(fc.nat({ max: 1 << 16 }), { minLength: 1, maxLength: 120, size: 'max' });

interface Walk {
  readonly events: Event[];
  readonly states: State[];
}

/** Follows `choices` from the first initial state until they run out or nothing is enabled; `visit` sees every state's enabled events. */
function randomWalk(model: PopModel, choices: readonly number[], visit?: (s: State, enabled: readonly Event[]) => void): Walk {
  let s = model.initialStates()[0];
  const events: Event[] = [];
  const states: State[] = [s];
  for (const c of choices) {
    const enabled = model.enabledEvents(s);
    visit?.(s, enabled);
    if (enabled.length === 0) break;
    const e = enabled[c % enabled.length];
    s = model.step(s, e);
    events.push(e);
    states.push(s);
  }
  return { events, states };
}

describe('law (a): every event the model offers passes the guard', () => {
  it('over random walks through random configurations', () => {
    let offered = 0;
    fc.assert(
      fc.property(anyCase, walkChoices, (c, choices) => {
        const model = buildCase(c);
        const refused: string[] = [];
        randomWalk(model, choices, (s, enabled) => {
          for (const e of enabled) {
            offered++;
            const why = guard(s, model.ctx, e);
            if (why !== null) refused.push(`${JSON.stringify(e)} at ${s[G.NOW]}: ${why}`);
          }
        });
        expect(refused, model.name).toEqual([]);
      }),
      params(300),
    );
    // The walks are not trivial: thousands of offered events were checked.
    expect(offered).toBeGreaterThan(5000);
  });
});

describe('law (b): a random walk written as a trace replays, conforms and ends in the same state', () => {
  it('over random walks through random configurations', () => {
    let steps = 0;
    fc.assert(
      fc.property(anyCase, walkChoices, (c, choices) => {
        const model = buildCase(c);
        const walk = randomWalk(model, choices);
        steps += walk.events.length;
        // The header `--trace-out` writes (cli/run.ts).
        const header: TraceHeader = {
          popcheck: 'trace',
          version: 1,
          scenario: c.scenario,
          messages: c.messages,
          rocketmq: c.rocketmq,
          ...(c.batchAck ? { batchAck: true } : {}),
          ...(Object.keys(c.bounds).length > 0 ? { bounds: c.bounds as TraceHeader['bounds'] } : {}),
          ...(Object.keys(c.overrides).length > 0 ? { settings: c.overrides as TraceHeader['settings'] } : {}),
        };
        const text = writeTrace(header, walk.events);
        const read = readTrace(text);
        expect(read.ok, read.error?.message).toBe(true);
        if (!read.ok) return;
        expect(read.events.map((l) => l.event)).toEqual(walk.events);

        // Invariants along the walk: the first step (trace line) after which each fails.
        const failedAt = new Map<string, number>();
        for (let i = 0; i < walk.events.length; i++) {
          for (const inv of model.invariants) {
            if (failedAt.has(inv.name)) continue;
            const ok =
              inv.kind === 'always' ? inv.holds(walk.states[i + 1]) : inv.kind === 'transition' ? inv.holds(walk.states[i], walk.events[i], walk.states[i + 1]) : true;
            if (!ok) failedAt.set(inv.name, i + 2);
          }
        }

        // A walk that ends with nothing left to happen also answers for the final invariants, on its last line.
        const last = walk.states.at(-1)!;
        if (model.enabledEvents(last).length === 0) {
          for (const inv of model.invariants) {
            if (inv.kind === 'final' && !failedAt.has(inv.name) && !inv.holds(last)) failedAt.set(inv.name, walk.events.length + 1);
          }
        }

        // The trace library on a model built from the header...
        const replayModel = buildPopModel({ ...modelArgs(c), bounds: read.header.bounds as Partial<FullBounds> | undefined });
        const r = replay(replayModel, read.events);
        expect(r.divergence).toBeNull();
        expect(r.eventsUsed).toBe(walk.events.length);
        expect(r.verdict).toBe(failedAt.size > 0 ? 'violated' : 'conforms');
        expect(r.violations.map((v) => [v.invariant, v.line])).toEqual([...failedAt.entries()]);
        expect(Array.from(r.final)).toEqual(Array.from(walk.states.at(-1)!));

        // ...and `popcheck replay FILE` itself, which builds its model from the header.
        const report = runReplay({ file: 'walk.jsonl', invariants: null }, () => text);
        expect(report.verdict).toBe(r.verdict);
        expect(report.lines.used).toBe(walk.events.length);
        expect(report.finalState).toEqual(toRecord(walk.states.at(-1)!, model.ctx.L));
      }),
      params(200),
    );
    expect(steps).toBeGreaterThan(2000);
  });
});

/** The figures symmetry reduction must not change. */
function outcome(model: PopModel, symmetry: boolean) {
  const r = check(model, { symmetry, maxStates: 400_000 });
  expect(r.complete, `${model.name}: incomplete`).toBe(true);
  return {
    verdict: r.verdict,
    interleavings: r.interleavings,
    violations: r.violations.map((v) => ({ invariant: v.invariant, length: v.length, violating: v.violatingInterleavings })),
  };
}

describe('law (c): symmetry-reduced and unreduced runs agree', () => {
  // The faults that keep the full scenario symmetric (the others turn its reduction off).
  const symmetricFaults: (keyof FullBounds)[] = ['lateAcks', 'dupAcks', 'storeFailures', 'slowScans', 'timerLag', 'scanStalls'];
  const smallFull = fc
    .record({
      rs: releaseAndSettings,
      messages: fc.integer({ min: 1, max: 3 }),
      pops: fc.integer({ min: 1, max: 2 }),
      batch: fc.integer({ min: 1, max: 3 }),
      on: fc.subarray(symmetricFaults, { maxLength: 1 }),
    })
    .map(({ rs, messages, pops, batch, on }): Case => {
      const bounds: Record<string, number | boolean> = { pops, batch };
      for (const k of on) bounds[k] = k === 'timerLag' || k === 'scanStalls' ? true : 1;
      // asyncBizRead turns the reduction off too: leave it out, so every case compares something.
      const { asyncBizRead: _ignored, ...overrides } = rs.overrides;
      void _ignored;
      return { scenario: 'full', messages, ...rs, overrides, bounds: bounds as Partial<FullBounds> };
    });

  it('on ack-flush', () => {
    fc.assert(
      fc.property(ackFlushCase, (c) => {
        const model = buildCase(c);
        expect(model.canonicalize).toBeDefined();
        expect(outcome(model, true)).toEqual(outcome(model, false));
      }),
      params(40),
    );
  });

  it('on full', () => {
    fc.assert(
      fc.property(smallFull, (c) => {
        const model = buildCase(c);
        expect(model.canonicalize, model.name).toBeDefined();
        expect(outcome(model, true)).toEqual(outcome(model, false));
      }),
      params(25),
    );
  });
});

describe('law (d): the same check twice gives the same report', () => {
  const argv = fc.oneof(
    fc.record({ c: ackFlushCase, sym: fc.boolean(), stop: fc.boolean() }),
    fc.record({ c: fullCase(ALL_FAULTS, { messages: 2, queues: 1, pops: 2, faults: 1 }), sym: fc.boolean(), stop: fc.boolean() }),
  ).map(({ c, sym, stop }) => {
    const a = ['--scenario', c.scenario, '--messages', String(c.messages), '--rocketmq', c.rocketmq, '--max-states', '100000'];
    if (c.batchAck) a.push('--batch-ack');
    for (const [k, v] of Object.entries(c.overrides)) a.push('--set', `${k}=${String(v)}`);
    for (const [k, v] of Object.entries(c.bounds)) a.push(...(v === true ? [flagOf(k)] : [flagOf(k), String(v)]));
    if (!sym) a.push('--no-symmetry');
    if (stop) a.push('--stop-at-first');
    return a;
  });

  it('with every flag combination of random small checks (all but elapsedMs and statesPerSecond)', async () => {
    let clock = 0;
    const io = { now: () => (clock += 7), memory: () => 0 };
    await fc.assert(
      fc.asyncProperty(argv, async (a) => {
        const strip = ({ elapsedMs: _e, statesPerSecond: _s, ...rest }: Awaited<ReturnType<typeof runCheck>>) => rest;
        const first = strip(await runCheck(parseCheckArgs(a), io));
        const second = strip(await runCheck(parseCheckArgs(a), io));
        expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      }),
      params(20),
    );
  }, 120_000);
});
