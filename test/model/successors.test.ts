/**
 * The full scenario hands the explorer the successors its dry runs built (a revive, a revive
 * with failing retry writes) instead of letting it apply those events again
 * (Model.enabledWithSuccessors). Property tests over random walks: the enabled list is the
 * one the plain computation gives and the one the rule "a service is offered only when it
 * would change the state" gives (enabledReference below, the decision as it was written
 * before successors were kept: a dry run of every revive, no reviveOutlook), and
 * every successor handed over equals `apply(s, e)`. reviveOutlook is checked on its own in every
 * reachable state of small configurations (its "idle" and its "changes" against the pass),
 * and so is scanChanges, the exact predicate that replaced the scan's dry run. Then whole
 * explorations with and without the fast path: the same graph, state by state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FingerprintStepper } from '../../checker/fingerprint.js';
import { explore, type Model } from '../../checker/index.js';
import type { Event } from '../../model/events.js';
import { C, CF, G, GF } from '../../model/layout.js';
import type { PopModel } from '../../model/popmodel.js';
import { scanChanges } from '../../model/protocol/buffer.js';
import { REVIVE_CHANGES, REVIVE_IDLE, REVIVE_UNSURE, reviveBlocked, reviveOutlook, reviveStart, reviveSurelyIdle } from '../../model/protocol/revive.js';
import type { FullBounds } from '../../model/scenarios/full.js';
import type { SettingName, SettingValue } from '../../model/settings.js';
import { asState, type State, toRecord } from '../../model/state.js';
import { apply, applyNarrated } from '../../model/step.js';
import { fullModel, runOffered } from '../fixtures/full.js';
import { play, rulesModel } from '../fixtures/rules.js';

const SEED = 20_261_130;

interface Config {
  readonly release: string;
  readonly bounds: Partial<FullBounds>;
  readonly settings: Partial<Record<SettingName, SettingValue>>;
  readonly messages: number;
}

const CONFIGS: readonly Config[] = [
  { release: '5.3.1', bounds: { pops: 3, batch: 2, retryFailures: 1, crashes: 1 }, settings: {}, messages: 3 },
  { release: '5.3.2', bounds: { pops: 3, batch: 1, retryFailures: 2, slowScans: 1, storeFailures: 1 }, settings: {}, messages: 3 },
  { release: '5.3.2', bounds: { pops: 2, batch: 2, dupAcks: 1, lateAcks: 1, changes: 1, roleChanges: 1 }, settings: { enablePopBatchAck: true }, messages: 2 },
  { release: '5.0.0', bounds: { pops: 3, batch: 2, retryFailures: 1, crashes: 1 }, settings: { reviveQueueBusy: true }, messages: 3 },
  { release: '5.3.1', bounds: { pops: 2, batch: 2, retryFailures: 1, gc: 1, scanStalls: true, timerLag: true }, settings: { asyncBizRead: true }, messages: 2 },
  { release: 'head', bounds: { queues: 2, pops: 3, batch: 2, retryFailures: 1, produce: 1, expire: 1 }, settings: { enablePopBufferMerge: false }, messages: 2 },
];

/** Mock CKs for orphan ACKs that are old after 1 s, CKs due 2 s after their pop, a lagging timer: an ACK can be read before a due CK and stop the pass (reviveOutlook's unsure). */
const MOCK_FIRST: Config = {
  release: '5.3.2',
  bounds: { pops: 2, batch: 2, dupAcks: 1, lateAcks: 1, crashes: 1, timerLag: true },
  settings: { enableSkipLongAwaitingAck: true, reviveAckWaitMs: 1000, popInvisibleTime: 2000, enablePopBufferMerge: false },
  messages: 2,
};

const SCAN: Event = { type: 'scan' };
const REVIVE: Event = { type: 'revive' };
const tickTo = (to: number): Event => ({ type: 'tick', to });
const REVIVE_FAILING: Event = { type: 'revive', retryFails: true };
const key = (e: Event): string => JSON.stringify(e);
const isDryRun = (e: Event): boolean => (e.type === 'scan' && e.slow !== true) || e.type === 'revive';
/** Only a revive comes with a successor (a dry run: when reviveOutlook cannot tell, or a failing pass is to be compared). */
const mayBeBuilt = (e: Event): boolean => e.type === 'revive';
const same = (a: Int32Array, b: Int32Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** A reachable state where some dry run is offered (the first in BFS order). */
function runToRevive(m: PopModel): State {
  for (const s of firstStates(m, 20_000)) {
    const after: (State | null)[] = [];
    m.enabledWithSuccessors(s, after);
    if (after.some((b) => b !== null && b !== undefined)) return s;
  }
  throw new Error(`${m.name}: no dry run in the first 20,000 states`);
}

/** The model's first `max` reachable states (no symmetry), in BFS id order, rebuilt by replaying each state's step from its parent. */
function firstStates(m: PopModel, max = 15_000): State[] {
  const g = explore(m, { symmetry: false, countPaths: false, maxStates: max });
  const all: State[] = [m.initialStates()[0]];
  for (let id = 1; id < g.states; id++) {
    const parent = all[g.parent.get(id)];
    all.push(m.step(parent, m.enabledEvents(parent)[g.via.get(id)]));
  }
  return all;
}

/**
 * The enabled list with the scan and the revives decided as before successors were kept:
 * each dry-run separately on a fresh copy (`apply`), offered when it changes the state (the
 * failing revive: when it differs from the plain one beyond its budget counter), in the
 * order the scenario lists broker services (timer, scan, slow scan, revive, failing revive).
 */
function enabledReference(m: PopModel, s: State, retryFailures: number): Event[] {
  const rest = m.enabledEvents(s).filter((e) => !isDryRun(e));
  const services: Event[] = [];
  const slave = (s[G.FLAGS] & GF.SLAVE) !== 0;
  let busy = false;
  for (let k = 0; k < s[G.NCK]; k++) if ((s[m.ctx.L.ck(k) + C.FLAGS] & (CF.IN_BUFFER | CF.IN_OFFSET_QUEUE)) !== 0) busy = true;
  if (!slave && (busy || (s[G.FLAGS] & GF.SERVING) === 0) && !same(s, apply(s, m.ctx, SCAN))) services.push(SCAN);
  const hasWork = s[G.NLOG] - 1 > reviveStart(s) || s[G.REVIVE_MEM] < s[G.REVIVE_COMMIT];
  if (reviveBlocked(s) === null && hasWork) {
    const after = apply(s, m.ctx, REVIVE);
    if (!same(s, after)) services.push(REVIVE);
    if (s[G.USED_RETRY_FAILURES] < retryFailures) {
      const afterFail = Int32Array.from(apply(s, m.ctx, REVIVE_FAILING));
      afterFail[G.USED_RETRY_FAILURES]--;
      if (!same(after, afterFail)) services.push(REVIVE_FAILING);
    }
  }
  // Broker services come first: the timer, the scan, the slow scan, the revives.
  const timer = rest.filter((e) => e.type === 'timer');
  const slowScan = rest.filter((e) => e.type === 'scan');
  const others = rest.filter((e) => e.type !== 'timer' && e.type !== 'scan');
  const scan = services.filter((e) => e.type === 'scan');
  const revives = services.filter((e) => e.type === 'revive');
  const out = [...timer, ...scan, ...slowScan, ...revives, ...others];
  return out;
}

/** Checks the fast path in `s`: same list as the plain computation and the reference; successors equal apply. */
function checkState(fast: PopModel, plain: PopModel, s: State, retryFailures: number, seen: Map<string, number>): Event[] {
  const after: (State | null)[] = [];
  const events = fast.enabledWithSuccessors(s, after);
  expect(events.map(key)).toEqual(plain.enabledEvents(s).map(key));
  expect(events.map(key)).toEqual(enabledReference(plain, s, retryFailures).map(key));
  expect(after.length).toBeLessThanOrEqual(events.length);
  for (let i = 0; i < events.length; i++) {
    const built = after[i] ?? null;
    // Only a revive may come with its successor (never the scan, whose successor the explorer builds).
    if (built !== null) expect(mayBeBuilt(events[i]), key(events[i])).toBe(true);
    if (built !== null) {
      expect(Array.from(built)).toEqual(Array.from(apply(s, plain.ctx, events[i])));
      seen.set(key(events[i]), (seen.get(key(events[i])) ?? 0) + 1);
    }
  }
  return [...events];
}

describe('successors built by the enabled-event computation', () => {
  for (const cfg of CONFIGS) {
    const name = `${cfg.release} ${JSON.stringify(cfg.bounds)} ${JSON.stringify(cfg.settings)}`;
    it(`equal apply(s, e), and the enabled list is the reference one, on random walks: ${name}`, () => {
      const fast = fullModel(cfg.release, cfg.bounds, cfg.settings, cfg.messages);
      const plain = fullModel(cfg.release, cfg.bounds, cfg.settings, cfg.messages);
      const retryFailures = cfg.bounds.retryFailures ?? 0;
      const seen = new Map<string, number>();
      fc.assert(
        fc.property(fc.array(fc.nat(), { minLength: 20, maxLength: 60 }), (choices) => {
          let s = fast.initialStates()[0];
          for (const c of choices) {
            const events = checkState(fast, plain, s, retryFailures, seen);
            if (events.length === 0) return;
            // One step in three lets time pass when it can, so that walks reach due CKs and revives.
            const tick = events.findIndex((x) => x.type === 'tick');
            const e = c % 3 === 0 && tick >= 0 ? events[tick] : events[(c >> 2) % events.length];
            s = plain.step(s, e);
          }
          checkState(fast, plain, s, retryFailures, seen);
        }),
        { seed: SEED, numRuns: 60 },
      );
      // The walks did meet the events the fast path is about: with failing passes to compare, both revives are dry-run.
      if (retryFailures > 0) expect([...seen.keys()].sort()).toEqual([REVIVE, REVIVE_FAILING].map(key).sort());
      else for (const k of seen.keys()) expect(k).toBe(key(REVIVE));
    });
  }

  it("built in the buffers the explorer gives in its kernel memory (Model.memoryBuffers), they are the same: events, successors, and the revive's comparisons in WebAssembly", () => {
    // Configurations with failing retry writes: their revives are dry-run (to compare the failing pass with).
    for (const cfg of CONFIGS.filter((c) => (c.bounds.retryFailures ?? 0) > 0).slice(0, 3)) {
      const fast = fullModel(cfg.release, cfg.bounds, cfg.settings, cfg.messages);
      const plain = fullModel(cfg.release, cfg.bounds, cfg.settings, cfg.messages);
      expect(fast.memoryBuffers).toBe(2);
      const stepper = new FingerprintStepper(fast.stateWords, true, fast.memoryBuffers);
      expect(stepper.spare.length).toBe(2);
      fast.useMemory(stepper.memory, stepper.spare);
      const memory = stepper.memory!.buffer;
      const retryFailures = cfg.bounds.retryFailures ?? 0;
      let built = 0;
      fc.assert(
        fc.property(fc.array(fc.nat(), { minLength: 20, maxLength: 60 }), (choices) => {
          let s = fast.initialStates()[0];
          for (const c of choices) {
            // The parent in the memory too, as the explorer holds it (its parent buffer).
            stepper.base.set(s);
            const after: (State | null)[] = [];
            const events = fast.enabledWithSuccessors(fast.fromWords(stepper.base), after);
            expect(events.map(key)).toEqual(enabledReference(plain, s, retryFailures).map(key));
            for (let i = 0; i < events.length; i++) {
              const b = after[i] ?? null;
              if (b === null) continue;
              built++;
              expect(b.buffer).toBe(memory);
              expect(Array.from(b)).toEqual(Array.from(apply(s, plain.ctx, events[i])));
            }
            if (events.length === 0) return;
            const tick = events.findIndex((x) => x.type === 'tick');
            const e = c % 3 === 0 && tick >= 0 ? events[tick] : events[(c >> 2) % events.length];
            s = plain.step(s, e);
          }
        }),
        { seed: SEED, numRuns: 40 },
      );
      expect(built, fast.name).toBeGreaterThan(50);
      // Taken back: its own buffers again.
      fast.useMemory(null, []);
      const s = runToRevive(plain);
      const after: (State | null)[] = [];
      fast.enabledWithSuccessors(s, after);
      expect(after.some((b) => b !== null && b !== undefined)).toBe(true);
      for (const b of after) if (b) expect(b.buffer).not.toBe(memory);
    }
  });

  it('a revive pass that reviveSurelyIdle calls idle changes nothing, in the first 15,000 reachable states of small configurations', () => {
    const cases: Config[] = [
      { release: '5.3.1', bounds: { pops: 2, batch: 2, retryFailures: 1, crashes: 1 }, settings: {}, messages: 2 },
      { release: '5.0.0', bounds: { pops: 2, batch: 1, retryFailures: 1, storeFailures: 1 }, settings: { reviveQueueBusy: true }, messages: 2 },
      { release: '5.3.2', bounds: { pops: 2, batch: 2, dupAcks: 1, lateAcks: 1, roleChanges: 1 }, settings: { enableSkipLongAwaitingAck: true, enablePopBatchAck: true }, messages: 2 },
      { release: '5.3.1', bounds: { pops: 2, batch: 1, retryFailures: 1, changes: 1 }, settings: { asyncBizRead: true, enableSkipLongAwaitingAck: true }, messages: 2 },
    ];
    for (const cfg of cases) {
      const m = fullModel(cfg.release, cfg.bounds, cfg.settings, cfg.messages);
      let idle = 0;
      let states = 0;
      // The first 15,000 states in BFS order (the whole space for the smaller cases).
      const all = firstStates(m);
      for (const before of all) {
        states++;
        if (!reviveSurelyIdle(before, m.ctx)) continue;
        idle++;
        expect(same(apply(before, m.ctx, REVIVE), before)).toBe(true);
        const failing = Int32Array.from(apply(before, m.ctx, REVIVE_FAILING));
        failing[G.USED_RETRY_FAILURES]--;
        expect(same(failing, before)).toBe(true);
      }
      expect(states, m.name).toBeGreaterThan(500);
      expect(idle, m.name).toBeGreaterThan(0);
    }
  });

  it('a revive pass that reviveOutlook says changes the state does, in the first 15,000 reachable states of small configurations', () => {
    // Repeated CK keys (re-puts of a failed retry write keep the popTime and the offset), mock CKs
    // for orphan ACKs, asynchronous retries with back-pressure, a busy revive queue, crashes and
    // role changes. (No reachable state has the in-memory offset behind the committed one: the
    // edges test below builds one by hand.)
    const cases: Config[] = [
      { release: '5.3.1', bounds: { pops: 2, batch: 2, retryFailures: 1, crashes: 1 }, settings: {}, messages: 2 },
      { release: '5.0.0', bounds: { pops: 2, batch: 1, retryFailures: 2, storeFailures: 1 }, settings: { reviveQueueBusy: true }, messages: 2 },
      { release: '5.3.2', bounds: { pops: 2, batch: 2, dupAcks: 1, lateAcks: 1, roleChanges: 1 }, settings: { enableSkipLongAwaitingAck: true, enablePopBatchAck: true }, messages: 2 },
      { release: '5.3.1', bounds: { pops: 2, batch: 1, retryFailures: 1, changes: 1 }, settings: { asyncBizRead: true, enableSkipLongAwaitingAck: true }, messages: 2 },
      { release: '5.3.2', bounds: { pops: 3, batch: 1, retryFailures: 1, lateAcks: 1 }, settings: { enableSkipLongAwaitingAck: true }, messages: 3 },
      { release: '5.3.2', bounds: { pops: 3, batch: 1 }, settings: {}, messages: 3 },
    ];
    const count = { changes: 0, unsure: 0 };
    for (const cfg of cases) {
      const m = fullModel(cfg.release, cfg.bounds, cfg.settings, cfg.messages);
      let changes = 0;
      for (const before of firstStates(m)) {
        const hasWork = before[G.NLOG] - 1 > reviveStart(before) || before[G.REVIVE_MEM] < before[G.REVIVE_COMMIT];
        if (!hasWork || reviveBlocked(before) !== null) continue;
        const outlook = reviveOutlook(before, m.ctx);
        expect(outlook === REVIVE_IDLE, m.name).toBe(reviveSurelyIdle(before, m.ctx));
        if (outlook === REVIVE_UNSURE) count.unsure++;
        if (outlook !== REVIVE_CHANGES) continue;
        changes++;
        expect(same(apply(before, m.ctx, REVIVE), before), m.name).toBe(false);
      }
      // (With asynchronous retries only a pass behind the committed offset is sure to change the state.)
      if (cfg.settings.asyncBizRead !== true) expect(changes, m.name).toBeGreaterThan(10);
      count.changes += changes;
    }
    expect(count.changes).toBeGreaterThan(1000);
    expect(count.unsure).toBeGreaterThan(0);
  });

  it('reviveOutlook is unsure, not sure of a change, where a mock point may come first or back-pressure may hold the first CK: there the pass changes nothing', () => {
    const kinds = (m: PopModel, s: State, e: Event): string[] => applyNarrated(s, m.ctx, e).observations.map((o) => o.kind);
    // (1) An ACK read before the first CK point. Reachable with popInvisibleTime 2 s, reviveAckWaitMs
    // 1 s and the timer lagging: the first pop's CK (T = 2 s) waits in the timer; after a crash the
    // re-pop at 2.5 s is acked at its T = 4.5 s, straight to the queue, and the timer then delivers the
    // first CK behind that ACK. At 6 s the pass's endTime is 4.5 s (the idle rule waits 3 s): the CK is
    // due (4.5 - 2 > 2 s), but the orphan ACK, 1.5 s old, makes a mock point first in queue order, due
    // at its popTime 2.5 s: not yet, and it stops the pass.
    const mock = fullModel(MOCK_FIRST.release, MOCK_FIRST.bounds, MOCK_FIRST.settings, MOCK_FIRST.messages);
    const pop: Event = { type: 'pop', queueId: 0, maxNums: 2 };
    const s = runOffered(mock, [pop, SCAN, tickTo(1000), tickTo(2000), { type: 'crash' }, pop, SCAN, tickTo(4000), tickTo(4500), { type: 'ack', queueId: 0, startOffset: 100, popTime: 2500, offset: 100 }, { type: 'timer' }, tickTo(5000), tickTo(6000)]);
    const queue = toRecord(s, mock.ctx.L).reviveQueue.map((e) => [e.tag, e.popTime, e.deliverTimeMs]);
    expect([s[G.NOW], s[G.REVIVE_COMMIT], s[G.REVIVE_MEM], queue]).toEqual([6000, -1, -1, [['ack', 2500, 4500], ['ck', 0, 1000]]]);
    expect(s[mock.ctx.L.ck(0) + C.POP_TIME] + s[mock.ctx.L.ck(0) + C.INVISIBLE]).toBe(2000);
    expect(kinds(mock, s, REVIVE)).toEqual(['reviveStart', 'mockCkForAck', 'findCk', 'ckNotDue', 'reviveFinish']);
    expect(same(apply(s, mock.ctx, REVIVE), s)).toBe(true);
    expect(reviveOutlook(s, mock.ctx)).toBe(REVIVE_UNSURE);
    // (2) Asynchronous retries: four CKs in flight, the first dispatched 0.5 s ago, hold the fifth, due.
    const async = rulesModel({ enablePopBufferMerge: false, asyncBizRead: true, reviveQueueBusy: true }, { pops: 5, batch: 1 }, 'head', 5);
    const five = [0, 1, 2, 3, 4].map((): Event => ({ type: 'pop', queueId: 0, maxNums: 1, at: 0 }));
    const t = play(async, [...five, { type: 'timer', at: 59_000 }, { type: 'revive', at: 62_500 }, { type: 'tick', to: 63_000 }]);
    expect([t[G.REVIVE_COMMIT], t[G.REVIVE_MEM], t[G.NLOG]]).toEqual([3, 3, 5]);
    expect(kinds(async, t, REVIVE)).toEqual(['reviveStart', 'findCk', 'backPressure', 'reviveFinish']);
    expect(same(apply(t, async.ctx, REVIVE), t)).toBe(true);
    expect(reviveOutlook(t, async.ctx)).toBe(REVIVE_UNSURE);

    // The same over reachable states: (1) in the first 25,000 of MOCK_FIRST's BFS (the state above is
    // number 22,834), (2) along random walks that pop five times before the first revive is due. `held`
    // counts states like the two above: unsure, a pass that reads a CK and makes a mock point (meets
    // back-pressure), and changes nothing. Without either guard of reviveOutlook's "changes" (no ACK
    // read before the first CK when mocks are on; synchronous retries) both parts fail.
    const count = { changes: 0, held: 0 };
    const check = (m: PopModel, st: State, stop: string): void => {
      const hasWork = st[G.NLOG] - 1 > reviveStart(st) || st[G.REVIVE_MEM] < st[G.REVIVE_COMMIT];
      if (!hasWork || reviveBlocked(st) !== null) return;
      const outlook = reviveOutlook(st, m.ctx);
      if (outlook === REVIVE_CHANGES) {
        count.changes++;
        expect(same(apply(st, m.ctx, REVIVE), st), m.name).toBe(false);
      } else if (outlook === REVIVE_IDLE) {
        expect(same(apply(st, m.ctx, REVIVE), st), m.name).toBe(true);
      } else {
        const run = applyNarrated(st, m.ctx, REVIVE);
        if (same(run.state, st) && run.observations.some((o) => o.kind === 'findCk') && run.observations.some((o) => o.kind === stop)) count.held++;
      }
    };
    for (const st of firstStates(mock, 25_000)) check(mock, st, 'mockCkForAck');
    expect(count.changes).toBeGreaterThan(500);
    expect(count.held).toBeGreaterThan(10);
    const walks = fullModel('head', { pops: 5, batch: 1 }, { enablePopBufferMerge: false, asyncBizRead: true, reviveQueueBusy: true }, 5);
    count.held = 0;
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 60, maxLength: 60 }), (choices) => {
        let st = walks.initialStates()[0];
        for (const c of choices) {
          check(walks, st, 'backPressure');
          const events = walks.enabledEvents(st);
          if (events.length === 0) return;
          // Mostly a pop while one is left.
          const p = events.findIndex((e) => e.type === 'pop');
          st = walks.step(st, p >= 0 && c % 4 !== 0 ? events[p] : events[c % events.length]);
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
    expect(count.held).toBeGreaterThan(10);
  });

  it('reviveOutlook is sure of a change where neither guard applies: an ACK before the first CK with mock CKs off, an ACK after it with them on', () => {
    const ack = (offset: number, at: number): Event => ({ type: 'ack', queueId: 0, startOffset: 100, popTime: 0, offset, at });
    const pop: Event = { type: 'pop', queueId: 0, maxNums: 3, at: 0 };
    const timer = (at: number): Event => ({ type: 'timer', at });
    // An ack at T goes straight to the queue, ahead of its CK; at 63.5 s the CK (T = 60 s) is due. With
    // enableSkipLongAwaitingAck off (reviveMocksOrphanAck alone makes no mock) the ACK is only dropped.
    const off = rulesModel({ enablePopBufferMerge: false });
    const s = play(off, [pop, ack(100, 60_000), timer(60_000), { type: 'tick', to: 63_500 }]);
    expect(toRecord(s, off.ctx.L).reviveQueue.map((e) => e.tag)).toEqual(['ack', 'ck']);
    expect([off.ctx.s.reviveMocksOrphanAck, off.ctx.s.enableSkipLongAwaitingAck]).toEqual([true, false]);
    expect(reviveOutlook(s, off.ctx)).toBe(REVIVE_CHANGES);
    expect(same(apply(s, off.ctx, REVIVE), s)).toBe(false);
    // Mock CKs on, the ACK read after the CK (its own: no mock).
    const on = rulesModel({ enablePopBufferMerge: false, enableSkipLongAwaitingAck: true, reviveAckWaitMs: 1000 });
    const t = play(on, [pop, ack(101, 1000), timer(59_000), timer(60_000), { type: 'tick', to: 63_500 }]);
    expect(toRecord(t, on.ctx.L).reviveQueue.map((e) => e.tag)).toEqual(['ck', 'ack']);
    expect(reviveOutlook(t, on.ctx)).toBe(REVIVE_CHANGES);
    expect(same(apply(t, on.ctx, REVIVE), t)).toBe(false);
  });

  it("reviveOutlook's edges: an orphan ACK keeps it from idle only when it would make a mock CK, a CK exactly 2 s past T is not due, an in-memory offset behind the committed one is a change", () => {
    // The CK (T = 60 s) is revived at 63.5 s; its ACK of 101, read after it, is an orphan for the next
    // pass, which reads it at 64 s (deliverTimeMs 60 s) and changes nothing.
    const events: Event[] = [
      { type: 'pop', queueId: 0, maxNums: 3, at: 0 },
      { type: 'ack', queueId: 0, startOffset: 100, popTime: 0, offset: 101, at: 1000 },
      { type: 'timer', at: 59_000 },
      { type: 'timer', at: 60_000 },
    ];
    const idle = (m: PopModel, st: State): void => {
      expect(reviveOutlook(st, m.ctx), m.name).toBe(REVIVE_IDLE);
      expect(same(apply(st, m.ctx, REVIVE), st), m.name).toBe(true);
    };
    const orphan = (overrides: Parameters<typeof rulesModel>[0]): { m: PopModel; s: State } => {
      const m = rulesModel({ enablePopBufferMerge: false, ...overrides });
      const s = play(m, [...events, { type: 'revive', at: 63_500 }, { type: 'tick', to: 64_000 }]);
      expect([s[G.REVIVE_COMMIT], s[G.REVIVE_MEM], toRecord(s, m.ctx.L).reviveQueue.map((e) => e.tag)]).toEqual([0, 0, ['ck', 'ack']]);
      return { m, s };
    };
    // Mock CKs off: the ACK, 4 s old, is only dropped, whatever reviveAckWaitMs says.
    const off = orphan({ reviveAckWaitMs: 1000 });
    idle(off.m, off.s);
    // Mock CKs on: exactly reviveAckWaitMs old is not old enough ("> reviveAckWaitMs").
    const on = orphan({ enableSkipLongAwaitingAck: true, reviveAckWaitMs: 4000 });
    idle(on.m, on.s);
    // Older than that it makes a mock CK, due at its CK's popTime, and the pass commits it.
    const mock = orphan({ enableSkipLongAwaitingAck: true, reviveAckWaitMs: 3500 });
    expect(reviveOutlook(mock.s, mock.m.ctx)).toBe(REVIVE_UNSURE);
    expect(apply(mock.s, mock.m.ctx, REVIVE)[G.REVIVE_COMMIT]).toBe(1);
    // A busy revive queue: endTime is now, 62 s; the CK is 2 s past T, not more: not due.
    const busy = rulesModel({ enablePopBufferMerge: false, reviveQueueBusy: true });
    idle(busy, play(busy, [...events, { type: 'tick', to: 62_000 }]));
    // (Hand-built: no reachable state has it today, as every write of the committed offset is of the
    // in-memory one or of one at most it.) The pass writes the in-memory offset even with nothing due.
    const behind = asState(off.s.slice());
    behind[G.REVIVE_MEM] = -1;
    expect(reviveOutlook(behind, off.m.ctx)).toBe(REVIVE_CHANGES);
    expect(Array.from(apply(behind, off.m.ctx, REVIVE))).toEqual(Array.from(off.s));
  });

  it("reviveOutlook reads an orphan ACK's mock point as due at its CK's popTime: 2 s before the pass's end it is not due, and the outlook is idle", () => {
    // MOCK_FIRST after a crash: the pop at 0.5 s (T = 2.5 s) is acked at T, straight to the revive
    // queue, while its CK still waits in the lagging timer. At 4 s the ACK, 1.5 s old, is an orphan
    // older than reviveAckWaitMs: its mock CK is due at the popTime, 0.5 s, and the pass's endTime is
    // the ACK's deliverTimeMs, 2.5 s: exactly 2 s, not more, so not due. The pass changes nothing.
    const mock = fullModel(MOCK_FIRST.release, MOCK_FIRST.bounds, MOCK_FIRST.settings, MOCK_FIRST.messages);
    const s = runOffered(mock, [
      { type: 'crash' },
      { type: 'pop', queueId: 0, maxNums: 2 },
      SCAN,
      tickTo(2000),
      tickTo(2500),
      { type: 'ack', queueId: 0, startOffset: 100, popTime: 500, offset: 100 },
      tickTo(3000),
      tickTo(4000),
    ]);
    const queue = toRecord(s, mock.ctx.L).reviveQueue.map((e) => [e.tag, e.popTime, e.deliverTimeMs]);
    expect([s[G.NOW], s[G.REVIVE_COMMIT], s[G.REVIVE_MEM], queue]).toEqual([4000, -1, -1, [['ack', 500, 2500]]]);
    expect(reviveOutlook(s, mock.ctx)).toBe(REVIVE_IDLE);
    expect(same(apply(s, mock.ctx, REVIVE), s)).toBe(true);
    expect(applyNarrated(s, mock.ctx, REVIVE).observations.map((o) => o.kind)).toEqual(['reviveStart', 'mockCkForAck', 'ckNotDue', 'reviveFinish']);
  });

  it("reviveSurelyIdle computes the pass's endTime as the pass does: with default settings it calls idle every pass that changes nothing", () => {
    // With endTime bounded by max(now, deliveries) instead, a CK whose revive time is past but
    // within reviveDueMargin of its last delivery was dry-run for nothing (about one revive dry
    // run in six on full --messages 4 --pops 4 --batch 1).
    for (const cfg of [
      { release: '5.3.2', bounds: { pops: 3, batch: 1 }, messages: 3 },
      { release: '5.3.1', bounds: { pops: 2, batch: 2 }, messages: 2 },
    ]) {
      const m = fullModel(cfg.release, cfg.bounds, {}, cfg.messages);
      let idle = 0;
      let missed = 0;
      for (const before of firstStates(m)) {
        const hasWork = before[G.NLOG] - 1 > reviveStart(before) || before[G.REVIVE_MEM] < before[G.REVIVE_COMMIT];
        if (!hasWork || reviveBlocked(before) !== null) continue;
        if (!same(apply(before, m.ctx, REVIVE), before)) continue;
        idle++;
        if (!reviveSurelyIdle(before, m.ctx)) missed++;
      }
      expect(idle, m.name).toBeGreaterThan(20);
      expect(missed, m.name).toBe(0);
    }
  });

  it('scanChanges says exactly whether a scan changes the state, in the first 15,000 reachable states of small configurations', () => {
    const cases: Config[] = [
      { release: '5.3.1', bounds: { pops: 2, batch: 2, retryFailures: 1, crashes: 1 }, settings: {}, messages: 2 },
      { release: '5.3.2', bounds: { pops: 3, batch: 1, slowScans: 1, scanStalls: true, storeFailures: 1 }, settings: { bufferCommitMovesBack: false }, messages: 3 },
      { release: '5.3.2', bounds: { pops: 2, batch: 2, dupAcks: 1, lateAcks: 1, roleChanges: 1, changes: 1 }, settings: { enablePopBatchAck: true }, messages: 2 },
      { release: 'head', bounds: { pops: 2, batch: 2, slowScans: 1, crashes: 1 }, settings: { asyncPutOptions: true, appendCkAsync: true, appendAckAsync: true, putsCompleteLate: true }, messages: 2 },
      { release: 'head', bounds: { pops: 3, batch: 2, slowScans: 1, gc: 1 }, settings: { asyncPutOptions: true, appendAckAsync: true, putsCompleteLate: true, enablePopBatchAck: true }, messages: 3 },
      { release: '5.0.0', bounds: { pops: 2, batch: 2, timerLag: true, scanStalls: true, expire: 1, produce: 1 }, settings: {}, messages: 2 },
      // Retention before a pop: addCkMock's offset-only wrapper, in the offset FIFO only (at its head in 274 of these states).
      { release: '5.3.2', bounds: { pops: 2, batch: 2, expire: 3, cqLag: true }, settings: {}, messages: 3 },
    ];
    for (const cfg of cases) {
      const m = fullModel(cfg.release, cfg.bounds, cfg.settings, cfg.messages);
      const all = firstStates(m);
      let changes = 0;
      let idle = 0;
      for (const before of all) {
        const changed = !same(apply(before, m.ctx, SCAN), before);
        expect(scanChanges(before, m.ctx), m.name).toBe(changed);
        if (changed) changes++;
        else idle++;
      }
      expect(all.length, m.name).toBeGreaterThan(500);
      expect(changes, m.name).toBeGreaterThan(0);
      expect(idle, m.name).toBeGreaterThan(0);
    }
  });

  it('the explorer with and without them builds the same graph, state by state', () => {
    for (const cfg of CONFIGS.slice(0, 4)) {
      const m = fullModel(cfg.release, { ...cfg.bounds, pops: 2 }, cfg.settings, 2);
      const plain: Model<State, Event> = {
        name: m.name,
        stateWords: m.stateWords,
        invariants: m.invariants,
        initialStates: () => m.initialStates(),
        enabledEvents: (s) => m.enabledEvents(s),
        step: (s, e) => m.step(s, e),
        stepInto: (s, e, out) => m.stepInto(s, e, out),
        words: (s) => m.words(s),
        fromWords: (w) => m.fromWords(w),
      };
      const a = explore(m, { symmetry: false, maxStates: 20_000, keepEdges: true });
      const b = explore(plain, { symmetry: false, maxStates: 20_000, keepEdges: true });
      expect(a.states).toBeGreaterThan(100);
      expect([a.states, a.transitions, a.depth, a.complete, a.firstViolations]).toEqual([b.states, b.transitions, b.depth, b.complete, b.firstViolations]);
      expect(same(a.parent.toArray(), b.parent.toArray()) && same(a.via.toArray(), b.via.toArray()) && same(a.edgeDst!.toArray(), b.edgeDst!.toArray())).toBe(true);
      expect(Array.from(a.flags.toArray())).toEqual(Array.from(b.flags.toArray()));
    }
  });
});
