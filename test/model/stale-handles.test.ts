/**
 * Stale receipt handles (--stale-handles): acks and changes of invisible time sent with a
 * handle that a changeInvisibleTime already replaced. RocketMQ keeps no record of the current
 * handle (AckMessageProcessor / ChangeInvisibleTimeProcessor check only the offset range and act
 * on the CK the handle names), so the broker answers SUCCESS and the CK of the change stays
 * unacked. What that breaks is acked-delivery-never-retried (on request); the handle-level
 * invariants hold.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import { findCkEntry as findEntry } from '../../model/catalogue.js';
import type { Event } from '../../model/events.js';
import { ackedDeliveryNeverRetried, ackedNeverRetried, DEFAULT_INVARIANTS, INVARIANT_NAMES, successNeverRetried } from '../../model/invariants.js';
import { C, E, G, KIND } from '../../model/layout.js';
import { supersededBy } from '../../model/protocol/ack.js';
import type { FullBounds } from '../../model/scenarios/full.js';
import { applyNarrated } from '../../model/step.js';
import type { State } from '../../model/state.js';
import { RELEASES } from '../../model/versions.js';
import { fullModel, runGuarded } from '../fixtures/full.js';
import type { PopModel } from '../../model/popmodel.js';

const OFF = { enablePopBufferMerge: false } as const;
const pop: Event = { type: 'pop', queueId: 0, maxNums: 1, at: 0 };
/** The handle of the CK popped at `pt` (startOffset = offset = 100: every CK here holds offset 100). */
const h = (pt: number) => ({ queueId: 0, startOffset: 100, popTime: pt, offset: 100 });
const ack = (pt: number, at: number): Event => ({ type: 'ack', ...h(pt), at });
const change = (pt: number, at: number): Event => ({ type: 'changeInvisible', ...h(pt), invisibleTime: 60_000, at });

function model(bounds: Partial<FullBounds>, release = 'head', invariants?: readonly string[]): PopModel {
  return fullModel(release, { pops: 1, batch: 1, changes: 2, staleHandles: 2, horizon: 30_000, ...bounds }, OFF, 1, invariants);
}

/**
 * Runs the broker to rest after the client's events (the client stops at the horizon): each
 * step takes the first service offered, else the tick. Returns the steps after which
 * acked-delivery-never-retried broke, with the state at the end.
 */
const SERVICES = new Set(['scan', 'timer', 'revive', 'reviveComplete']);

function drain(m: PopModel, s: State): { broke: string[]; end: State; handleLevelHeld: boolean } {
  const broke: string[] = [];
  let handleLevelHeld = true;
  for (let n = 0; n < 200; n++) {
    // The client does nothing more: only the broker's services and time.
    const evs = m.enabledEvents(s).filter((x) => SERVICES.has(x.type) || x.type === 'tick');
    if (evs.length === 0) return { broke, end: s, handleLevelHeld };
    const e = evs.find((x) => x.type !== 'tick') ?? evs[0];
    const next = m.step(s, e);
    if (!ackedDeliveryNeverRetried(s, e, next, m.ctx)) broke.push(`${e.type}@${next[G.NOW]}`);
    handleLevelHeld &&= ackedNeverRetried(next, m.ctx) && successNeverRetried(next, m.ctx);
    s = next;
  }
  throw new Error('no rest in 200 steps');
}

describe('what the broker answers and writes for a superseded handle', () => {
  it('an ack with the pre-change handle acks the CK it names, answers SUCCESS, and leaves the change\'s CK unacked', () => {
    const m = model({});
    const s = runGuarded(m, [pop, change(0, 10_000)]);
    const L = m.ctx.L;
    expect(supersededBy(s, m.ctx, 0, 0)).toBe(1);
    expect(supersededBy(s, m.ctx, 1, 0)).toBe(-1); // the change's handle is the client's
    const { state: a, observations } = applyNarrated(s, m.ctx, ack(0, 20_000));
    expect(observations.map((o) => o.kind)).toEqual(['supersededHandle', 'ackToStore']);
    const o = observations[0];
    expect(o.kind === 'supersededHandle' && [o.request, o.handle.popTime, o.newest.popTime]).toEqual(['ack', 0, 10_000]);
    const w = observations[1];
    // The AckMsg names the old CK (popTime 0) and is delivered at its T (60 s), not the new CK's.
    expect(w.kind === 'ackToStore' && [w.ack.popTime, w.deliverTimeMs, w.ok]).toEqual([0, 60_000, true]);
    expect([a[L.ck(0) + C.ACKED], a[L.ck(0) + C.ACKED_IN_TIME], a[L.ck(1) + C.ACKED], a[L.ck(1) + C.HELD]]).toEqual([1, 1, 0, 1]);
    expect([a[G.USED_STALE_HANDLES], a[G.USED_DUP_ACKS]]).toEqual([1, 0]);
    // Every ACK entry names CK 0; none names the change's CK.
    const acks: number[] = [];
    for (let p = 0; p < a[G.NLOG] + a[G.NTIMER]; p++) if (a[L.log(p) + E.KIND] === KIND.ACK) acks.push(a[L.log(p) + E.CK]);
    expect(acks).toEqual([0, 0]);
    // A repeat of that ack is a duplicate, not another stale use.
    const again = m.step(a, ack(0, 21_000));
    expect([again[G.USED_STALE_HANDLES], again[G.USED_DUP_ACKS]]).toEqual([1, 1]);
  });

  it('a change with the pre-change handle writes another CK and acks the old one again; the client then holds both new handles', () => {
    const m = model({});
    const s = runGuarded(m, [pop, change(0, 10_000)]);
    const { state: c, observations } = applyNarrated(s, m.ctx, change(0, 20_000));
    expect(observations.map((o) => o.kind)).toEqual(['supersededHandle', 'changeInvisible', 'ackToStore']);
    const L = m.ctx.L;
    expect(c[G.NCK]).toBe(3);
    expect([c[L.ck(2) + C.PARENT], c[L.ck(2) + C.POP_TIME], c[L.ck(1) + C.HELD], c[L.ck(2) + C.HELD]]).toEqual([0, 20_000, 1, 1]);
    expect([c[G.USED_STALE_HANDLES], c[G.USED_CHANGES]]).toEqual([1, 2]);
    // The newest CK of the delivery is now the second change's.
    expect(supersededBy(c, m.ctx, 0, 0)).toBe(2);
  });

  it('the guard: a superseded handle may ack (also again) but not change after it acked; a retention-deleted offset gets nothing', () => {
    const m = model({ expire: 1 });
    const s = runGuarded(m, [pop, change(0, 10_000)]);
    expect(m.why(s, ack(0, 20_000))).toBeNull();
    expect(m.why(s, change(0, 20_000))).toBeNull();
    const acked = m.step(s, ack(0, 20_000));
    expect(m.why(acked, change(0, 21_000))).toMatch(/no longer holds a handle/);
    // Not in the instant of the change it follows: at 500 ms resolution the new CK's handle would
    // be the earlier change's (RocketMQ's millisecond popTimes differ).
    expect(m.why(s, change(0, 10_000))).toMatch(/same instant/);
    expect(m.enabledEvents(s).some((e) => e.type === 'changeInvisible' && e.popTime === 0)).toBe(false);
    const gone = m.step(s, { type: 'expire', queueId: 0, at: 15_000 });
    expect(m.why(gone, ack(0, 20_000))).toMatch(/NO_MESSAGE/);
  });

  it('the bound: without --stale-handles no superseded handle is offered, and a replayed one exceeds the bounds', () => {
    const m = model({ staleHandles: 0 });
    const s = runGuarded(m, [pop, change(0, 10_000)]);
    const offered = m.enabledEvents(s).filter((e) => (e.type === 'ack' || e.type === 'changeInvisible') && e.popTime === 0);
    expect(offered).toEqual([]);
    expect(m.exceeds(s, ack(0, 10_000))).toMatch(/staleHandles is 0/);
    const with1 = model({ staleHandles: 1 });
    const t = runGuarded(with1, [pop, change(0, 10_000), { type: 'tick', to: 11_000 }]);
    const stale = with1.enabledEvents(t).filter((e) => (e.type === 'ack' || e.type === 'changeInvisible') && e.popTime === 0);
    expect(stale.map((e) => e.type).sort()).toEqual(['ack', 'changeInvisible']);
  });
});

describe('what a superseded handle breaks (acked-delivery-never-retried) and what it does not', () => {
  it('H4.1: ack with h1 after h1 -> h2; the CK of h2 retries the message at its T', () => {
    const m = model({});
    const r = drain(m, runGuarded(m, [pop, change(0, 10_000), ack(0, 20_000)]));
    expect(r.broke).toEqual(['revive@72500']);
    expect(r.handleLevelHeld).toBe(true);
    expect(r.end[m.ctx.L.ck(1) + C.RETRIED]).toBe(1);
  });

  it('H4.2: h1 -> h2, then a change with h1 -> h3, then an ack of the newest handle h3: the CK of h2 still retries', () => {
    const m = model({});
    const r = drain(m, runGuarded(m, [pop, change(0, 10_000), change(0, 20_000), ack(20_000, 25_000)]));
    expect(r.broke).toEqual(['revive@72500']);
    expect(r.handleLevelHeld).toBe(true);
    const L = m.ctx.L;
    expect([r.end[L.ck(1) + C.RETRIED], r.end[L.ck(2) + C.RETRIED]]).toEqual([1, 0]);
  });

  it('#4938 shape: h1 -> h2, ack h2, then a change with h1 (a renew racing with the ack): the new CK retries the acked message', () => {
    const m = model({});
    const r = drain(m, runGuarded(m, [pop, change(0, 10_000), ack(10_000, 15_000), change(0, 20_000)]));
    expect(r.broke).toEqual(['revive@82500']);
    expect(r.handleLevelHeld).toBe(true);
  });

  it('the correct use holds: h1 -> h2 -> h3 with the current handle each time, then ack h3', () => {
    const m = model({ staleHandles: 0 });
    const r = drain(m, runGuarded(m, [pop, change(0, 10_000), change(10_000, 20_000), ack(20_000, 25_000)]));
    expect(r.broke).toEqual([]);
    expect(r.handleLevelHeld).toBe(true);
  });

  it('acked-delivery-never-retried is checked only on request', () => {
    expect(INVARIANT_NAMES).toContain('acked-delivery-never-retried');
    expect(DEFAULT_INVARIANTS).not.toContain('acked-delivery-never-retried');
  });

  it('stale handles break no default invariant with one or two changes (1 message; 5.3.1 fails only for #8835)', () => {
    for (const r of RELEASES.map((x) => x.name).filter((n) => n !== '5.0.0-alpha' && n !== '5.3.1')) {
      for (const changes of [1, 2]) {
        const m = fullModel(r, { pops: 1, batch: 1, changes, staleHandles: 2 }, {}, 1, DEFAULT_INVARIANTS);
        const res = check(m, { countPaths: false });
        expect(res.verdict, `${r} changes=${changes}`).toBe('holds');
      }
    }
  }, 120_000);

  it('the catalogue entry: a hazard on every release, the correct use holds', () => {
    const e = findEntry('stale-handle')!;
    expect([e.kind, e.invariant, e.switches.length]).toEqual(['hazard', 'acked-delivery-never-retried', 0]);
    expect(e.affected).toEqual(RELEASES.map((r) => r.name));
  });
});
