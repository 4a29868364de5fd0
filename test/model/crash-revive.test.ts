/**
 * A crash while a CK's asynchronous retries are in flight. The retries die with the process and
 * the revive offset goes back to the persisted one. If that is before the CK, the restarted
 * broker reads the CK again and retries its offsets: nothing was skipped yet, and
 * `revive-retries-exactly-unacked` must hold in between. If the persisted offset had passed
 * the CK, the retries are gone for good (hazard I-7): both that invariant and `no-loss` break.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import type { Event } from '../../model/events.js';
import { reviveRetriesExactlyUnacked } from '../../model/invariants.js';
import { C, G } from '../../model/layout.js';
import { fullModel } from '../fixtures/full.js';

const ONLY = ['revive-retries-exactly-unacked'];
const settings = { asyncBizRead: true };

describe('revive-retries-exactly-unacked across a crash', () => {
  it('its shortest counterexample persists the revive offset past the CK before the crash (I-7), and no-loss breaks on the same interleavings', () => {
    const m = fullModel('5.3.2', { pops: 1, crashes: 1 }, settings, 2, ONLY);
    const res = check(m, { countPaths: true });
    expect(res.violations).toHaveLength(1);
    const types = res.violations[0].counterexample.steps.map((s) => (s.event as Event).type);
    expect(types.indexOf('persist')).toBeGreaterThan(types.indexOf('revive'));
    expect(types.indexOf('crash')).toBeGreaterThan(types.indexOf('persist'));
    expect(types.at(-1)).toBe('crash');
    const loss = check(fullModel('5.3.2', { pops: 1, crashes: 1 }, settings, 2, ['no-loss']), { countPaths: true });
    expect(loss.violations).toHaveLength(1);
    // Exactly the interleavings that lose the messages: no-loss and this invariant now tell one story.
    expect(res.violations[0].violatingInterleavings).not.toBeNull();
    expect(loss.violations[0].violatingInterleavings).toBe(res.violations[0].violatingInterleavings);
  });

  it('right after a crash that sent the revive offset back before the CK, the CK is read again and nothing counts as skipped', () => {
    const m = fullModel('5.3.2', { pops: 1, crashes: 1 }, settings, 2, ONLY);
    const res = check(m, { countPaths: false });
    const path = res.violations[0].counterexample;
    // The same path without the persist: the crash finds the persisted revive offset before the CK.
    let s = path.initial;
    for (const step of path.steps) {
      const e = step.event as Event;
      if (e.type === 'persist') continue;
      expect(m.why(s, e), JSON.stringify(e)).toBeNull();
      const next = m.step(s, e);
      if (e.type === 'crash') {
        const c = m.ctx.L.ck(0);
        expect(s[c + C.RETRY_PENDING]).not.toBe(0);
        expect(next[c + C.RETRY_PENDING]).toBe(0);
        expect(next[c + C.REVIVE_UNACKED]).not.toBe(0);
        expect(next[G.REVIVE_COMMIT]).toBeLessThan(0);
        expect(reviveRetriesExactlyUnacked(next, m.ctx)).toBe(true);
        // Had the revive offset passed the CK, the same state breaks it.
        const passed = next.slice();
        passed[G.REVIVE_COMMIT] = 0;
        passed[G.REVIVE_MEM] = 0;
        expect(reviveRetriesExactlyUnacked(passed, m.ctx)).toBe(false);
      }
      s = next;
    }
    expect(s[G.USED_CRASHES]).toBe(1);
  });
});
