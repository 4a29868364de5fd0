/**
 * The timer wheel (TimerMessageStore) and the revive-time boundary T: a timer message is
 * never delivered before its deliverTimeMs, an ack at T is late, and timerPrecisionMs takes
 * only the values RocketMQ keeps. See docs/model.md, "The timer wheel".
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import { resolveSettings } from '../../model/config.js';
import type { Event } from '../../model/events.js';
import { C, E, G } from '../../model/layout.js';
import { PopModel } from '../../model/popmodel.js';
import type { FullBounds } from '../../model/scenarios/full.js';
import type { State } from '../../model/state.js';
import { walk } from '../fixtures/walk.js';
import { fullModel } from '../fixtures/full.js';

/** The deliverTimeMs of the entries the next timer step moves (those of the first slot). */
function firstSlotDeliveries(m: PopModel, s: State): number[] {
  const L = m.ctx.L;
  const out: number[] = [];
  const first = s[L.timer(s, 0) + E.SLOT];
  for (let i = 0; i < s[G.NTIMER] && s[L.timer(s, i) + E.SLOT] === first; i++) out.push(s[L.timer(s, i) + E.DELIVER]);
  return out;
}

const ceilTo = (t: number, p: number): number => Math.ceil(t / p) * p;

describe('timer delivery (TimerMessageStore.dequeue reads a slot once the write time has passed it)', () => {
  // T = 60 s (a multiple of both precisions) and T = 5.5 s (CK at 4.5 s and ACK at 5.5 s fall
  // inside a 1 s slot: they arrive 0.5 s after their deliverTimeMs).
  const cases: [number, number][] = [
    [1000, 60_000],
    [500, 60_000],
    [1000, 5_500],
    [500, 5_500],
  ];
  for (const [precision, invisible] of cases) {
    it(`precision ${precision} ms, invisibleTime ${invisible} ms: never early; a prompt timer delivers at the first multiple of the precision at or after deliverTimeMs`, () => {
      const settings = { timerPrecisionMs: precision, popInvisibleTime: invisible };
      let deliveries = 0;
      for (const [bounds, prompt] of [
        [{ pops: 1, batch: 2 }, true],
        [{ pops: 1, batch: 2, timerLag: true }, false],
      ] as [Partial<FullBounds>, boolean][]) {
        const m = fullModel('5.3.2', bounds, settings, 2);
        walk(m, (s, e, n) => {
          if (e.type !== 'timer') return;
          for (const deliverMs of firstSlotDeliveries(m, s)) {
            deliveries++;
            expect(n[G.NOW]).toBeGreaterThanOrEqual(deliverMs);
            if (prompt) expect(n[G.NOW]).toBe(ceilTo(deliverMs, precision));
            else expect(n[G.NOW]).toBeGreaterThanOrEqual(ceilTo(deliverMs, precision));
          }
        });
      }
      expect(deliveries).toBeGreaterThan(0);
    });
  }

  it('the step guard refuses a slot before it is read, and says when it will be', () => {
    const m = fullModel('5.3.2', { pops: 1, batch: 1 }, { enablePopBufferMerge: false }, 1);
    let s = m.initialStates()[0];
    s = m.step(s, { type: 'pop', queueId: 0, maxNums: 1, at: 0 });
    // The CK (deliverTimeMs 59 s) waits in slot 58 s, which the wheel reads from 59 s on.
    expect(m.why(s, { type: 'timer', at: 58_500 })).toMatch(/slot is 58\.0s, read from 59\.0s on/);
    expect(m.why(s, { type: 'timer', at: 59_000 })).toBeNull();
  });
});

describe('an ack at T is late (acked-never-retried on 5.3.2 with --timer-lag)', () => {
  // The old false alarm: the ack at exactly T = 60 s is written straight to the revive queue
  // (deliverMs > now fails), overtakes the CK still held by a lagging timer, and is dropped.
  const falseAlarm: Event[] = [
    { type: 'pop', queueId: 0, maxNums: 2, at: 0 },
    { type: 'scan', at: 10_500 },
    { type: 'ack', queueId: 0, startOffset: 100, popTime: 0, offset: 100, at: 60_000 },
    { type: 'timer', at: 60_000 },
    { type: 'revive', at: 63_500 },
  ];

  it('the replay of the old counterexample still retries offset 100, but its ack was not in time', () => {
    const m = fullModel('5.3.2', { timerLag: true, scanStalls: true });
    let s = m.initialStates()[0];
    for (const e of falseAlarm) {
      expect(m.why(s, e), JSON.stringify(e)).toBeNull();
      s = m.step(s, e);
    }
    const c = m.ctx.L.ck(0);
    expect(s[c + C.RETRIED] & 1).toBe(1);
    expect(s[c + C.ACKED] & 1).toBe(1);
    expect(s[c + C.ACKED_IN_TIME] & 1).toBe(0);
    const inv = m.invariants.find((i) => i.name === 'acked-never-retried')!;
    expect(inv.kind === 'always' && inv.holds(s)).toBe(true);
  });

  it('the client does not ack at T unless a late ack is allowed', () => {
    const m = fullModel('5.3.2', { pops: 1, batch: 1, timerLag: true }, {}, 1);
    const T = 60_000;
    let acksAtT = 0;
    walk(m, (s, e) => {
      if (e.type === 'ack' && s[G.NOW] >= T) acksAtT++;
    });
    expect(acksAtT).toBe(0);
  });

  for (const release of ['5.3.2', 'head']) {
    it(`--timer-lag holds on ${release}`, () => {
      const r = check(fullModel(release, { timerLag: true }));
      expect(r.verdict).toBe('holds');
      expect(r.complete).toBe(true);
    });
  }

  it('--timer-lag --scan-stalls is left with the scan-stall residual only: the CK stored after its in-time ACK was delivered', () => {
    const r = check(fullModel('5.3.2', { timerLag: true, scanStalls: true }));
    const v = r.violations.find((x) => x.invariant === 'acked-never-retried')!;
    expect(v.length).toBe(14);
    const steps = v.counterexample.steps.map((x) => x.event);
    const ackAt = v.counterexample.steps.filter((x) => x.event.type === 'ack').map((x) => x.state[G.NOW]);
    expect(ackAt).toEqual([9_000]);
    // The timer delivers the ACK at T = 60 s; only then does the stalled scan write the CK.
    const timer = steps.findIndex((x) => x.type === 'timer');
    const scan = steps.findIndex((x, i) => x.type === 'scan' && i > timer);
    expect(timer).toBeGreaterThan(0);
    expect(scan).toBeGreaterThan(timer);
  });
});

describe('timerPrecisionMs takes the values MessageStoreConfig.setTimerPrecisionMs keeps', () => {
  const resolve = (v: number) => resolveSettings({ release: '5.3.2', overrides: { timerPrecisionMs: v } });

  it('accepts 500 and 1000', () => {
    expect(resolve(500).timerPrecisionMs).toBe(500);
    expect(resolve(1000).timerPrecisionMs).toBe(1000);
  });

  it('refuses others in one line naming the setting and what RocketMQ would use', () => {
    expect(() => resolve(2000)).toThrow(/^setting timerPrecisionMs=2000 .*makes it 1000\)/);
    expect(() => resolve(1500)).toThrow(/timerPrecisionMs=1500 .*makes it 1000/);
    expect(() => resolve(700)).toThrow(/timerPrecisionMs=700 .*makes it 500/);
    expect(() => resolve(200)).toThrow(/timerPrecisionMs=200 .*makes it 200, finer than the model's 500 ms clock/);
    expect(() => resolve(100)).toThrow(/timerPrecisionMs=100 .*makes it 100/);
    for (const v of [2000, 700, 100]) {
      try {
        resolve(v);
      } catch (err) {
        expect((err as Error).message).not.toContain('\n');
      }
    }
  });
});
