import { describe, expect, it } from 'vitest';
import { check, explore } from '../../checker/index.js';
import { CK_CATALOGUE as CATALOGUE } from '../../model/catalogue.js';
import { C, G } from '../../model/layout.js';
import { CK_TRANSITIONS, MESSAGE_TRANSITIONS } from '../../model/lifecycles.js';
import * as symmetryModule from '../../model/symmetry.js';
import { PopModel } from '../../model/popmodel.js';
import type { FullBounds } from '../../model/scenarios/full.js';
import type { SettingName, SettingValue } from '../../model/settings.js';
import { entryModel } from '../fixtures/catalogue.js';
import { moveRecorder } from '../fixtures/moves.js';
import { walk } from '../fixtures/walk.js';
import { fullModel } from '../fixtures/full.js';

describe('the full scenario', () => {
  it('with its defaults finds #8835 on 5.3.1 and holds on 5.3.2 and head (counts pinned)', () => {
    const bad = check(fullModel('5.3.1'));
    expect(bad.verdict).toBe('violated');
    expect(bad.violations[0].invariant).toBe('acked-never-retried');
    expect(bad.violations[0].length).toBe(13);
    for (const release of ['5.3.2', 'head']) {
      const r = check(fullModel(release), { symmetry: false });
      expect(r.verdict).toBe('holds');
      expect([r.states, r.transitions, r.interleavings]).toEqual([3947, 6118, 75183n]);
      const reduced = check(fullModel(release));
      expect([reduced.verdict, reduced.states, reduced.interleavings]).toEqual(['holds', 2470, 75183n]);
    }
  });

  it('symmetry reduction per CK agrees with the unreduced run on verdicts, counts and counterexample lengths', () => {
    const cases: [string, Partial<FullBounds>, Partial<Record<SettingName, SettingValue>>, number][] = [
      ['5.3.1', { queues: 2 }, {}, 2],
      ['5.3.1', { dupAcks: 1, storeFailures: 1 }, {}, 3],
      ['5.3.2', { lateAcks: 1, slowScans: 1 }, {}, 3],
      ['head', { pops: 1, batch: 3 }, { splitAddAk: true }, 3],
      ['5.3.1', { pops: 2, batch: 2 }, { enablePopBufferMerge: false }, 4],
    ];
    for (const [release, bounds, settings, messages] of cases) {
      const m = fullModel(release, bounds, settings, messages);
      expect(m.canonicalize, m.name).toBeDefined();
      const on = check(m);
      const off = check(m, { symmetry: false });
      expect(on.states).toBeLessThan(off.states);
      expect([on.verdict, on.interleavings, on.violations.map((v) => [v.invariant, v.length, v.violatingInterleavings])]).toEqual([
        off.verdict,
        off.interleavings,
        off.violations.map((v) => [v.invariant, v.length, v.violatingInterleavings]),
      ]);
    }
    // Features that tie a message to its offset or let two CKs share one turn symmetry off.
    for (const bounds of [{ expire: 1 }, { crashes: 1 }, { changes: 1 }, { gc: 1 }] as Partial<FullBounds>[]) {
      expect(fullModel('head', bounds).canonicalize).toBeUndefined();
    }
  });

  it('with batch 1 every CK holds at most one message, so the canonical state is the state itself (not computed)', () => {
    const { canonicalizeAllCks } = symmetryModule;
    for (const [release, bounds, messages] of [
      ['5.3.2', { pops: 2, batch: 1 }, 3],
      ['5.3.1', { pops: 2, batch: 1, dupAcks: 1, storeFailures: 1, lateAcks: 1 }, 2],
      ['head', { pops: 2, batch: 1, queues: 2, slowScans: 1 }, 2],
    ] as [string, Partial<FullBounds>, number][]) {
      const m = fullModel(release, bounds, {}, messages);
      expect(m.canonicalize, m.name).toBeDefined();
      let states = 0;
      // Each expect only on a state that fails it (an expect per state was a fifth of this file's time).
      walk(m, (_b, _e, after) => {
        states++;
        for (let k = 0; k < after[G.NCK]; k++) if (!(after[m.ctx.L.ck(k) + C.NUM] <= 1)) expect(after[m.ctx.L.ck(k) + C.NUM]).toBeLessThanOrEqual(1);
        const all = canonicalizeAllCks(after, m.ctx);
        if (all !== after) expect(all).toBe(after);
        const one = m.canonicalize!(after);
        if (one !== after) expect(one).toBe(after);
      });
      expect(states).toBeGreaterThan(100);
    }
    // With batch 2 the canonicalization does move states.
    const two = fullModel('5.3.2', { pops: 1, batch: 2 }, {}, 2);
    let moved = 0;
    walk(two, (_b, _e, after) => {
      if (two.canonicalize!(after) !== after) moved++;
    });
    expect(moved).toBeGreaterThan(0);
  });

  it('--horizon stops the client, not the broker', () => {
    const m = fullModel('5.3.2', { horizon: 0 });
    const r = check(m);
    expect(r.verdict).toBe('holds');
    // Only what the client does at time 0 happens; the broker still flushes, delivers and revives.
    const longer = check(fullModel('5.3.2', {}));
    expect(r.states).toBeLessThan(longer.states);
    expect(r.depth).toBeGreaterThan(8);
  });

  const holdsOn532: [string, Partial<FullBounds>][] = [
    ['a crash', { crashes: 1 }],
    ['a master/slave round trip', { roleChanges: 1 }],
    ['a change of invisible time', { changes: 1 }],
    ['a duplicate ack', { dupAcks: 1 }],
    ['a late ack', { lateAcks: 1 }],
    ['a slow scan', { slowScans: 1 }],
    ['two queues', { queues: 2, pops: 2 }],
  ];
  for (const [what, bounds] of holdsOn532) {
    it(`holds on 5.3.2 with ${what}`, () => {
      const r = check(fullModel('5.3.2', bounds, {}, bounds.queues ? 2 : 3));
      expect(r.verdict).toBe('holds');
      expect(r.complete).toBe(true);
      expect(r.interleavings).not.toBeNull();
    });
  }

  it('crashes with asynchronous reads lose retries (I-7); store failures break only the client-side invariant (I-2)', () => {
    const lost = check(fullModel('head', { crashes: 1, messages: 1, pops: 1, batch: 1 }, { enablePopBufferMerge: false, asyncBizRead: true }, 1));
    expect(lost.violations.map((v) => v.invariant)).toContain('no-loss');
    const failed = check(fullModel('head', { storeFailures: 1, pops: 1, batch: 1 }, { enablePopBufferMerge: false }, 1));
    expect(failed.violations.map((v) => v.invariant)).toEqual(['success-never-retried']);
  });

  it('time jumps only to breakpoints: every tick lands where some guard can change', () => {
    const m = fullModel('5.3.2', { pops: 1, batch: 1 }, {}, 1);
    const g = explore(m);
    expect(g.complete).toBe(true);
    // Pop at 0 (popTime 0, T = 60 s): addAk refuses after 8.5 s (9.0 s), the scan flushes after 10 s
    // (10.5 s), the CK's slot (58 s) read at 59 s and the ACK's (59 s) at 60 s, T itself and just
    // after it, the CK due (T + 2.5 s), and 3 s after the last deliverTimeMs read (63.5 s).
    const times = new Set<number>();
    walk(m, (_s, e) => {
      if (e.type === 'tick') times.add(e.to);
    });
    expect([...times].sort((a, b) => a - b)).toEqual([9000, 10500, 59000, 60000, 60500, 62500, 63500]);
  });
});

describe('lifecycle tables', () => {
  it('every move in every catalogue run and full feature run is in the tables, and every table edge is exercised', () => {
    const msg = new Set<string>();
    const ck = new Set<string>();
    const recorder = (m: PopModel) => moveRecorder(m.ctx.L, { msg, ck });
    const models: PopModel[] = [];
    for (const e of CATALOGUE) {
      models.push(entryModel(e, e.buggy, {}, ['lifecycle-legal']), entryModel(e, e.fixed, {}, ['lifecycle-legal']));
    }
    models.push(fullModel('head', { crashes: 1, pops: 1, batch: 2 }, {}, 2));
    models.push(fullModel('head', { changes: 1, pops: 1, batch: 1 }, { enablePopBufferMerge: false }, 1));
    models.push(fullModel('head', { dupAcks: 1, storeFailures: 1, pops: 1, batch: 1 }, {}, 1));
    models.push(fullModel('head', { retryFailures: 1, pops: 1, batch: 1 }, { enablePopBufferMerge: false, asyncBizRead: true }, 1));
    models.push(fullModel('head', { expire: 1, pops: 1, batch: 1 }, { enablePopBufferMerge: false, asyncBizRead: true }, 1));
    models.push(fullModel('head', { pops: 1, batch: 1, scanStalls: true }, { enablePopBufferMerge: true, popInvisibleTime: 5000 }, 1));
    // Acks dropped or lost, then revived asynchronously, re-put, or found gone.
    models.push(fullModel('5.3.1', { pops: 1, batch: 2 }, { asyncBizRead: true }, 2));
    models.push(fullModel('5.3.1', { pops: 1, batch: 2, expire: 2 }, {}, 2));
    models.push(fullModel('5.3.1', { pops: 1, batch: 2, retryFailures: 1 }, {}, 2));
    models.push(fullModel('head', { pops: 1, batch: 1, storeFailures: 1 }, { enablePopBufferMerge: false, asyncBizRead: true }, 1));
    models.push(fullModel('head', { pops: 1, batch: 1, storeFailures: 1, expire: 1 }, { enablePopBufferMerge: false }, 1));
    models.push(fullModel('head', { pops: 1, batch: 1, storeFailures: 1, retryFailures: 1 }, { enablePopBufferMerge: false }, 1));
    // #7724 retries the next stored message, one of the CK's already matched done: when an
    // asynchronous read completes after the pass, or when a crash makes a pass read the CK again.
    models.push(fullModel('5.3.2', { pops: 1, batch: 2, expire: 1 }, { asyncBizRead: true }, 2));
    models.push(fullModel('5.3.2', { pops: 1, batch: 2, expire: 1, crashes: 1 }, {}, 2));
    // A message handed to a re-put CK is revived again from its original CK after a crash.
    models.push(fullModel('5.3.2', { retryFailures: 1, crashes: 1 }, {}, 1));
    models.push(fullModel('5.3.2', { retryFailures: 1, crashes: 1, pops: 1, batch: 1 }, { asyncBizRead: true }, 1));
    // A CK flushed already due (stalled scan) with a late asynchronous put is revived before its
    // buffered acks, which wait for the put's callback, are written.
    const lateCk = { popInvisibleTime: 5000, appendCkAsync: true, putsCompleteLate: true } as const;
    models.push(fullModel('head', { pops: 1, batch: 2, scanStalls: true }, lateCk, 2));
    models.push(fullModel('head', { pops: 1, batch: 2, scanStalls: true }, { ...lateCk, asyncBizRead: true }, 2));
    models.push(fullModel('head', { pops: 1, batch: 2, scanStalls: true, expire: 2 }, lateCk, 2));
    // #7724 with asynchronous reads: the read of a gone offset returns the next one, whose ack the
    // dispatching pass already matched, and the completion retries it (done -> retried).
    models.push(fullModel('head', { pops: 2, batch: 2, expire: 1, cqLag: true }, { asyncBizRead: true }, 2));
    for (const m of models) {
      const withRecorder = Object.assign(Object.create(Object.getPrototypeOf(m)), m, { invariants: [...m.invariants, recorder(m)] }) as PopModel;
      const g = explore(withRecorder, { countPaths: false });
      expect(g.firstViolations.filter((v) => withRecorder.invariants[v.invariant].name === 'lifecycle-legal'), m.name).toEqual([]);
    }
    const msgTable = new Set(MESSAGE_TRANSITIONS.map((t) => `${t.fromState}>${t.toState}`));
    const ckTable = new Set(CK_TRANSITIONS.map((t) => `${t.fromState}>${t.toState}`));
    for (const x of msg) expect(msgTable.has(x), x).toBe(true);
    for (const x of ck) expect(ckTable.has(x), x).toBe(true);
    expect([...msgTable].filter((x) => !msg.has(x))).toEqual([]);
    expect([...ckTable].filter((x) => !ck.has(x))).toEqual([]);
  });
});
