/**
 * Asynchronous CK and ACK puts of PopBufferMergeService (appendCkAsync / appendAckAsync,
 * 5.3.2+) on a store that completes puts late (putsCompleteLate): the put's callback is a
 * later putComplete step. Catalogue entry 10256 pins the smallest counterexample of the
 * batch-ack callback reading the scan's cleared list; this file checks the mechanism step by
 * step, the settings' guards, that nothing changes without the late store, and a law: with
 * every callback marking its own indices (AckMsg puts, or PR #10257's copy of the list) the
 * late puts break no invariant the synchronous puts keep.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import { resolveSettings } from '../../model/config.js';
import type { Event } from '../../model/events.js';
import { C, CF, G } from '../../model/layout.js';
import { PopModel } from '../../model/popmodel.js';
import type { FullBounds } from '../../model/scenarios/full.js';
import { findScenario } from '../../model/scenarios/index.js';
import type { SettingName, SettingValue } from '../../model/settings.js';
import type { State } from '../../model/state.js';

type Overrides = Partial<Record<SettingName, SettingValue>>;

function fullModel(release: string, messages: number, bounds: Partial<FullBounds>, overrides: Overrides, batchAck = false): PopModel {
  const def = findScenario('full')!;
  const settings = resolveSettings({ release, scenarioConfig: def.config, batchAck, overrides });
  return new PopModel(def.build({ messages, release, settings, bounds }));
}

const LATE_ACK: Overrides = { appendAckAsync: true, putsCompleteLate: true };
const LATE_CK: Overrides = { appendCkAsync: true, putsCompleteLate: true };

/** Applies events in order, each of which must be allowed. */
function run(m: PopModel, events: readonly Event[]): State {
  let s = m.initialStates()[0];
  for (const e of events) {
    expect(m.why(s, e), JSON.stringify(e)).toBeNull();
    s = m.step(s, e);
  }
  return s;
}

const key = { queueId: 0, startOffset: 100, popTime: 0 } as const;
/** One pop of 2, one ack, the flush at 10.5 s (stay too long). */
const FLUSH: readonly Event[] = [
  { type: 'pop', queueId: 0, maxNums: 2 },
  { type: 'ack', ...key, offset: 100 },
  { type: 'scan', at: 10_500 },
];

describe('the settings', () => {
  it('appendCkAsync and appendAckAsync are refused before 5.3.2 and accepted from it', () => {
    for (const name of ['appendCkAsync', 'appendAckAsync'] as const) {
      expect(() => resolveSettings({ release: '5.3.1', overrides: { [name]: true } })).toThrow(/does not exist in RocketMQ 5.3.1 \(it came in 5.3.2\)/);
      for (const r of ['5.3.2', '5.3.3', 'head']) expect(resolveSettings({ release: r, overrides: { [name]: true } })[name]).toBe(true);
    }
  });

  it('ack-flush refuses late asynchronous puts (it schedules no callbacks)', () => {
    const def = findScenario('ack-flush')!;
    const settings = resolveSettings({ release: 'head', scenarioConfig: def.config, overrides: LATE_ACK });
    expect(() => def.build({ messages: 2, release: 'head', settings, bounds: {} })).toThrow(/use --scenario full/);
  });

  it('without putsCompleteLate the options change nothing: same state width and the same state space', () => {
    const bounds = { pops: 2, batch: 2 };
    for (const batchAck of [false, true]) {
      const sync = fullModel('head', 2, bounds, {}, batchAck);
      const opts = fullModel('head', 2, bounds, { appendCkAsync: true, appendAckAsync: true }, batchAck);
      expect(opts.stateWords).toBe(sync.stateWords);
      const a = check(sync);
      const b = check(opts);
      expect([b.verdict, b.states, b.transitions]).toEqual([a.verdict, a.states, a.transitions]);
    }
  });

  it('the per-CK ACK put masks are laid out only for late ACK puts', () => {
    const sync = fullModel('head', 2, { pops: 1, batch: 2 }, {});
    expect(fullModel('head', 2, { pops: 1, batch: 2 }, LATE_CK).stateWords).toBe(sync.stateWords);
    expect(fullModel('head', 2, { pops: 1, batch: 2 }, LATE_ACK).stateWords).toBe(sync.stateWords + sync.ctx.L.ckSlots);
  });
});

describe('the batch ack callback (#10256)', () => {
  const model = (fix: boolean): PopModel => fullModel('5.3.2', 2, { pops: 1, batch: 2 }, { ...LATE_ACK, batchAckCallbackCopiesList: fix }, true);

  it('reads the cleared shared list: no toStoreBits, the wrapper stays and blocks the offset', () => {
    const m = model(false);
    const c = m.ctx.L.ck(0);
    const flushed = run(m, FLUSH);
    expect(flushed[c + C.FLAGS] & CF.ACK_PUT_PENDING).not.toBe(0);
    expect(flushed[c + C.ACK_WRITTEN]).toBe(1);
    // Time stands still until the callback has run.
    expect(m.enabledEvents(flushed).some((e) => e.type === 'tick')).toBe(false);
    expect(m.enabledEvents(flushed)).toContainEqual({ type: 'putComplete', put: 'ack', ...key });
    const after = m.step(flushed, { type: 'putComplete', put: 'ack', ...key });
    expect(after[c + C.TO_STORE]).toBe(0);
    expect(after[c + C.FLAGS] & (CF.IN_BUFFER | CF.IN_OFFSET_QUEUE)).toBe(CF.IN_BUFFER | CF.IN_OFFSET_QUEUE);
    // No further scan changes anything: the BatchAckMsg is not written again, the offset stays.
    expect(m.enabledEvents(after).some((e) => e.type === 'scan')).toBe(false);
    expect(after[m.ctx.L.q(0)]).toBe(100);
    expect(m.why(after, { type: 'putComplete', put: 'ack', ...key })).toMatch(/awaits its callback/);
  });

  it('with PR #10257 (a copy of the list) the callback marks the index and the next scan finishes the wrapper', () => {
    const m = model(true);
    const c = m.ctx.L.ck(0);
    const after = run(m, [...FLUSH, { type: 'putComplete', put: 'ack', ...key }]);
    expect(after[c + C.TO_STORE]).toBe(1);
    const scanned = m.step(after, { type: 'scan' });
    expect(scanned[c + C.FLAGS] & (CF.IN_BUFFER | CF.IN_OFFSET_QUEUE)).toBe(0);
    expect(scanned[m.ctx.L.q(0)]).toBe(102);
  });

  it('an AckMsg callback marks its own index (no shared state)', () => {
    const m = fullModel('head', 2, { pops: 1, batch: 2 }, LATE_ACK);
    const c = m.ctx.L.ck(0);
    const after = run(m, [...FLUSH, { type: 'putComplete', put: 'ack', ...key }]);
    expect(after[c + C.TO_STORE]).toBe(1);
    expect(m.step(after, { type: 'scan' })[m.ctx.L.q(0)]).toBe(102);
  });
});

describe('the CK put callback (appendCkAsync)', () => {
  it('addCkJustOffset: the CK is written at once, ckStored and the offset commit wait for the callback', () => {
    const m = fullModel('head', 2, { pops: 1, batch: 2 }, { ...LATE_CK, enablePopBufferMerge: false });
    const c = m.ctx.L.ck(0);
    const popped = run(m, [{ type: 'pop', queueId: 0, maxNums: 2 }]);
    expect(popped[c + C.FLAGS] & (CF.CK_PUT_PENDING | CF.CK_STORED)).toBe(CF.CK_PUT_PENDING);
    expect(popped[G.NTIMER]).toBe(1);
    // A scan before the callback neither puts the CK again nor commits.
    const scanned = m.step(popped, { type: 'scan' });
    expect(scanned[G.NTIMER]).toBe(1);
    expect(scanned[m.ctx.L.q(0)]).toBe(100);
    const done = m.step(popped, { type: 'putComplete', put: 'ck', ...key });
    expect(done[c + C.FLAGS] & (CF.CK_PUT_PENDING | CF.CK_STORED)).toBe(CF.CK_STORED);
    expect(m.step(done, { type: 'scan' })[m.ctx.L.q(0)]).toBe(102);
  });

  it('a flushed wrapper writes its buffered acks only after the CK put completed', () => {
    const m = fullModel('head', 2, { pops: 1, batch: 2 }, LATE_CK);
    const c = m.ctx.L.ck(0);
    const flushed = run(m, FLUSH);
    expect(flushed[c + C.FLAGS] & CF.CK_PUT_PENDING).not.toBe(0);
    expect(flushed[c + C.ACK_WRITTEN]).toBe(0);
    const acks = m.step(m.step(flushed, { type: 'putComplete', put: 'ck', ...key }), { type: 'scan' });
    expect(acks[c + C.ACK_WRITTEN]).toBe(1);
    expect(acks[m.ctx.L.q(0)]).toBe(102);
  });

  it('a crash with the CK put pending does not lose the CK (it was written)', () => {
    const m = fullModel('head', 1, { pops: 1, batch: 1, crashes: 1 }, { ...LATE_CK, enablePopBufferMerge: false });
    const c = m.ctx.L.ck(0);
    const s = run(m, [{ type: 'pop', queueId: 0, maxNums: 1 }, { type: 'crash' }]);
    expect(s[c + C.FLAGS] & (CF.LOST | CF.CK_PUT_PENDING)).toBe(0);
    expect(m.enabledEvents(s).some((e) => e.type === 'putComplete')).toBe(false);
  });
});

describe('law: late puts whose callbacks mark their own indices keep every invariant the synchronous puts keep', () => {
  it('holds for random small bounds, buffer on or off, AckMsg or BatchAckMsg with the copied list', () => {
    const faults: (keyof FullBounds)[] = ['crashes', 'roleChanges', 'slowScans', 'storeFailures', 'dupAcks', 'lateAcks', 'changes'];
    fc.assert(
      fc.property(
        fc.record({
          messages: fc.integer({ min: 1, max: 2 }),
          pops: fc.integer({ min: 1, max: 2 }),
          batch: fc.integer({ min: 1, max: 2 }),
          fault: fc.constantFrom(null, ...faults),
          merge: fc.boolean(),
          batchAck: fc.boolean(),
          ck: fc.boolean(),
        }),
        ({ messages, pops, batch, fault, merge, batchAck, ck }) => {
          const bounds: Partial<FullBounds> = { pops, batch, ...(fault ? { [fault]: 1 } : {}) };
          const base: Overrides = { enablePopBufferMerge: merge };
          const late: Overrides = { ...base, ...LATE_ACK, ...(ck ? { appendCkAsync: true } : {}), batchAckCallbackCopiesList: true };
          const sync = check(fullModel('head', messages, bounds, base, batchAck), { stopAtFirstViolation: true });
          const asyncRun = check(fullModel('head', messages, bounds, late, batchAck), { stopAtFirstViolation: true });
          if (sync.verdict === 'holds') expect(asyncRun.verdict).toBe('holds');
        },
      ),
      { numRuns: 25, seed: 10256 },
    );
  }, 240_000);
});
