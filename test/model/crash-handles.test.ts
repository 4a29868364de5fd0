/**
 * Changes of invisible time around a crash or a role change.
 *
 * - A change after the restart extends a delivery popped before it. The restart sent the pop
 *   offset back to the persisted consumer offset (the buffer's offset FIFO is gone), and the
 *   pop reads from there whatever handles are out (PopMessageProcessor.getPopOffset): the
 *   re-pop is the crash's redelivery, not a concurrent one, although the change's CK was
 *   written in the new epoch. `no-concurrent-redelivery` goes by the epoch of the delivery's
 *   pop (used to be: of the CK, which flagged it in 4 steps on every release).
 * - A change writes a CK (startOffset = the offset, popTime = now) whose receipt handle is the
 *   one a pop from that offset at that popTime hands out. RocketMQ's two requests have two
 *   millisecond popTimes; at the model's 500 ms resolution a pop and a change in one instant
 *   would share the handle (and the merge and revive keys), so neither is taken in the
 *   instant of the other (used to be: a change right after the re-pop, or a re-pop right
 *   after the change, and the ack of the shared handle went to one CK in the client's books
 *   and to the other in the broker: lifecycle-legal, success-never-retried). Likewise a pop
 *   that reads after a restart samples its popTime in the restarted broker: with `--pop-lag`
 *   it used to take the instant of the crash and the handle of the CK popped then.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import type { Event } from '../../model/events.js';
import { DEFAULT_INVARIANTS, deliveryRoot, noConcurrentRedelivery } from '../../model/invariants.js';
import { C, G, ORIGIN } from '../../model/layout.js';
import { RELEASES } from '../../model/versions.js';
import { fullModel, runGuarded } from '../fixtures/full.js';

const pop = (at: number): Event => ({ type: 'pop', queueId: 0, maxNums: 2, at });
const change = (pt: number, offset: number, at: number): Event => ({ type: 'changeInvisible', queueId: 0, startOffset: 100, popTime: pt, offset, invisibleTime: 60_000, at });
const crash: Event = { type: 'crash' };

describe('a change after a restart does not make the re-pop concurrent', () => {
  it('pop, crash, change of the old handle, re-pop: the change CK is of the new epoch, its delivery of the old one, and the invariant holds', () => {
    const m = fullModel('5.3.2', { changes: 1, crashes: 1 }, {}, 2);
    // The crash takes 0.5 s: the change at 1 s, the re-pop at 1.5 s.
    const before = runGuarded(m, [pop(0), crash, change(0, 100, 1000)]);
    const e = pop(1500);
    expect(m.why(before, e)).toBeNull();
    const after = m.step(before, e);
    const L = m.ctx.L;
    // The re-pop reads 100..101 again: the consumer offset went back to 100.
    expect([after[L.ck(2) + C.ORIGIN], after[L.ck(2) + C.START], after[L.ck(2) + C.NUM]]).toEqual([ORIGIN.POP, 100, 2]);
    // The client still holds the change's handle for 100, written in the current epoch (what the old check read) ...
    expect([after[L.ck(1) + C.ORIGIN], after[L.ck(1) + C.HELD], after[L.ck(1) + C.EPOCH], after[G.EPOCH]]).toEqual([ORIGIN.CHANGE, 1, 1, 1]);
    // ... of a delivery popped before the crash.
    expect(deliveryRoot(after, m.ctx, 1)).toBe(0);
    expect(after[L.ck(0) + C.EPOCH]).toBe(0);
    expect(noConcurrentRedelivery(before, e, after, m.ctx)).toBe(true);
  });

  it('a re-pop of an offset whose changed delivery was popped in the same epoch still breaks it (#9105: scanGarbage, no restart)', () => {
    const m = fullModel('5.3.1', { changes: 1, gc: 1 }, { lmqGroup: true }, 2);
    const before = runGuarded(m, [pop(0), change(0, 100, 500), { type: 'gc', queueId: 0, at: 500 }]);
    const e = pop(1000);
    const after = m.step(before, e);
    expect(after[m.ctx.L.ck(2) + C.START]).toBe(100);
    expect(after[G.EPOCH]).toBe(0);
    expect(noConcurrentRedelivery(before, e, after, m.ctx)).toBe(false);
  });
});

describe('a change and a pop never share a receipt handle', () => {
  it('no re-pop from an offset in the instant a change wrote a CK for it; one tick later it is taken', () => {
    const m = fullModel('5.3.2', { changes: 1, crashes: 1 }, {}, 2);
    const s = runGuarded(m, [pop(0), crash, change(0, 100, 500)]);
    expect(s[G.NOW]).toBe(500);
    expect(m.why(s, pop(500))).toMatch(/^a pop of queue 0 from offset 100 with popTime 0\.5s would reuse the receipt handle of the change of invisible time made in that instant$/);
    expect(m.enabledEvents(s).some((x) => x.type === 'pop')).toBe(false);
    expect(m.why(s, pop(1000))).toBeNull();
  });

  it('no change of an offset in the instant a re-pop from it took the handle the change would write', () => {
    const m = fullModel('5.3.2', { changes: 1, crashes: 1 }, {}, 2);
    const s = runGuarded(m, [pop(0), crash, pop(500)]);
    expect(m.why(s, change(0, 100, 500))).toMatch(/would write a CK with the receipt handle of the pop made in the same instant$/);
    // Offered now: the old handle of 101 only (its CK, CK@101 at 0.5 s, takes no handle); the
    // re-pop's handles are in their pop's own instant.
    const offered = m.enabledEvents(s).filter((x) => x.type === 'changeInvisible');
    expect(offered).toEqual([{ type: 'changeInvisible', queueId: 0, startOffset: 100, popTime: 0, offset: 101, invisibleTime: 60_000 }]);
    expect(m.why(s, change(0, 100, 1000))).toBeNull();
  });

  it('a change with the old handle and one with the re-pop\'s handle of the same offset are not taken in one instant', () => {
    const m = fullModel('5.3.2', { changes: 2, crashes: 1 }, {}, 2);
    const s = runGuarded(m, [pop(0), crash, pop(500), change(0, 100, 1000)]);
    expect(m.why(s, { type: 'changeInvisible', queueId: 0, startOffset: 100, popTime: 500, offset: 100, invisibleTime: 60_000, at: 1000 })).toMatch(
      /receipt handle of the change made in the same instant$/,
    );
  });

  it('a pop after a restart never has a popTime from before it (--pop-lag), so it never shares a pre-crash CK\'s handle', () => {
    const m = fullModel('5.3.2', { crashes: 1, popLag: true }, {}, 2);
    const s = runGuarded(m, [pop(500), crash]);
    expect(s[G.NOW]).toBe(1000);
    const lagged: Event = { type: 'pop', queueId: 0, maxNums: 2, popTime: 500, at: 1000 };
    expect(m.why(s, lagged)).toMatch(/^popTime 0\.5s is before the restart: .* CK@100 popped before it$/);
    expect(m.enabledEvents(s).filter((x) => x.type === 'pop')).toEqual([{ type: 'pop', queueId: 0, maxNums: 2 }]);
    // It used to be offered, and the acks of the shared handle went to the old CK in the client's books (lifecycle-legal, 6 steps).
    const res = check(fullModel('5.3.2', { crashes: 1, popLag: true }, {}, 2, DEFAULT_INVARIANTS), { countPaths: false });
    expect([res.verdict, res.states]).toEqual(['holds', 71_808]);
  });

  it('with one change and one crash or role change, every default invariant holds on every release from 5.0.0 (4-7 steps before)', () => {
    // 5.0.0-alpha's delay levels break ck-before-acks without any of this (#3787, #4153).
    const got: string[] = [];
    for (const r of RELEASES.filter((x) => x.name !== '5.0.0-alpha')) {
      for (const fault of [{ crashes: 1 }, { roleChanges: 1 }]) {
        const res = check(fullModel(r.name, { batch: 1, changes: 1, ...fault }, {}, 1, DEFAULT_INVARIANTS), { countPaths: false });
        if (res.violations.length > 0) got.push(`${r.name} ${Object.keys(fault)[0]}: ${res.violations.map((v) => `${v.invariant}:${v.counterexample.steps.length}`).join(',')}`);
      }
    }
    expect(got).toEqual([]);
  });

  it('pins the state counts of --messages 1 --batch 1 --changes 1 with --crashes 1 and --role-changes 1 on 5.3.2', () => {
    const crashes = check(fullModel('5.3.2', { batch: 1, changes: 1, crashes: 1 }, {}, 1, DEFAULT_INVARIANTS));
    expect([crashes.verdict, crashes.states, crashes.transitions]).toEqual(['holds', 37_666, 65_254]);
    const roles = check(fullModel('5.3.2', { batch: 1, changes: 1, roleChanges: 1 }, {}, 1, DEFAULT_INVARIANTS));
    expect([roles.verdict, roles.states, roles.transitions]).toEqual(['holds', 45_317, 77_580]);
  });
});
