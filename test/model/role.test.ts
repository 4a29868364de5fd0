/**
 * Role changes (master -> slave -> master) do what RocketMQ's role-change path does:
 * changeSpecialServiceStatus only flips PopReviveService.shouldRunPopRevive, the buffer
 * service clears its buffer on a slave, and changeToMaster reloads nothing (the offsets are
 * the ones the slave synced). `--role-changes N` bounds the demotions; the broker group always
 * gets a master back, so no run ends with the revive stopped.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import type { Event } from '../../model/events.js';
import { C, G, GF, Q } from '../../model/layout.js';
import { noLoss } from '../../model/invariants.js';
import { PopModel } from '../../model/popmodel.js';
import { reviveStart } from '../../model/protocol/revive.js';
import { asState, type State } from '../../model/state.js';
import { walk } from '../fixtures/walk.js';
import { fullModel, runOffered } from '../fixtures/full.js';

const TO_SLAVE: Event = { type: 'roleChange', role: 'slave' };
const TO_MASTER: Event = { type: 'roleChange', role: 'master' };

/** A state whose revive offsets are: in memory 3, committed 3, persisted (as synced) 1; the broker a slave. */
function slaveWithOffsets(m: PopModel): State {
  const d = m.initialStates()[0].slice();
  d[G.REVIVE_MEM] = 3;
  d[G.REVIVE_COMMIT] = 3;
  d[G.REVIVE_PERSIST] = 1;
  d[m.ctx.L.q(0) + Q.CONSUMER_OFFSET] = 102;
  d[m.ctx.L.q(0) + Q.CONSUMER_PERSIST] = 101;
  d[G.FLAGS] |= GF.SLAVE;
  return asState(d);
}

describe('role changes', () => {
  it('--role-changes 1 on 5.3.2 holds: the run does not end with the broker a slave, the master that takes over revives', () => {
    const r = check(fullModel('5.3.2', { roleChanges: 1 }), { symmetry: false });
    expect(r.verdict).toBe('holds');
    expect(r.complete).toBe(true);
  });

  it('a slave is never a final state: the return to master is offered even when every demotion is used', () => {
    for (const release of ['5.0.0', '5.3.2', 'head']) {
      const m = fullModel(release, { roleChanges: 1, pops: 1, batch: 2 }, {}, 2);
      let slaves = 0;
      walk(m, (_b, _e, a) => {
        if ((a[G.FLAGS] & GF.SLAVE) === 0) return;
        slaves++;
        expect(a[G.USED_ROLE_CHANGES]).toBe(1);
        const events = m.enabledEvents(a);
        expect(events).toContainEqual(TO_MASTER);
        expect(events).not.toContainEqual(TO_SLAVE);
      });
      expect(slaves).toBeGreaterThan(0);
    }
  });

  it('--role-changes counts demotions only: with 1, the broker goes to slave and back once', () => {
    const m = fullModel('5.3.2', { roleChanges: 1, pops: 1, batch: 1 }, {}, 1);
    const back = runOffered(m, [TO_SLAVE, TO_MASTER]);
    expect(back[G.USED_ROLE_CHANGES]).toBe(1);
    expect(back[G.FLAGS] & GF.SLAVE).toBe(0);
    expect(m.enabledEvents(back)).not.toContainEqual(TO_SLAVE);
  });

  it('after a demotion, the CK in the revive queue is revived by the master that comes back (the no-loss counterexample of --role-changes 1)', () => {
    const m = fullModel('5.3.2', { roleChanges: 1 });
    const s = runOffered(m, [
      { type: 'pop', queueId: 0, maxNums: 2 },
      { type: 'tick', to: 9000 },
      { type: 'tick', to: 10500 },
      { type: 'scan' },
      // The consumer offset 102 reaches the copy the slave syncs.
      { type: 'persist' },
      { type: 'tick', to: 59000 },
      { type: 'timer' },
      { type: 'tick', to: 60000 },
      TO_SLAVE,
    ]);
    expect(m.enabledEvents(s)).toContainEqual(TO_MASTER);
    let t = m.step(s, TO_MASTER);
    // Time reaches the CK's due instant; the revive runs on the master again.
    for (let i = 0; i < 10 && !m.enabledEvents(t).some((e) => e.type === 'revive'); i++) {
      const tick = m.enabledEvents(t).find((e) => e.type === 'tick');
      expect(tick).toBeDefined();
      t = m.step(t, tick!);
    }
    expect(noLoss(t, m.ctx)).toBe(false);
    t = m.step(t, { type: 'revive' });
    expect(t[m.ctx.L.ck(0) + C.RETRIED]).toBe(0b11);
    expect(t[G.REVIVE_COMMIT]).toBe(0);
    expect(noLoss(t, m.ctx)).toBe(true);
  });

  it('slave -> master leaves the in-memory revive offset alone (5.1.0+; before, there is none); the offsets are the synced ones; master -> slave changes no offset', () => {
    for (const release of ['5.1.0', '5.3.2', 'head']) {
      const m = fullModel(release, { roleChanges: 1 });
      const after = m.step(slaveWithOffsets(m), TO_MASTER);
      expect(after[G.REVIVE_MEM]).toBe(3);
      expect(after[G.REVIVE_COMMIT]).toBe(1);
      expect(after[m.ctx.L.q(0) + Q.CONSUMER_OFFSET]).toBe(101);
      // consumeReviveMessage starts after max(reviveOffset, committed offset).
      expect(reviveStart(after)).toBe(3);
    }
    // 5.0.0 reads from the committed offset only: the master starts at the synced one.
    const old = fullModel('5.0.0', { roleChanges: 1 });
    expect(reviveStart(old.step(slaveWithOffsets(old), TO_MASTER))).toBe(1);
    // To slave: nothing but the buffer, the FIFOs and the role.
    const m = fullModel('5.3.2', { roleChanges: 1 });
    const master = slaveWithOffsets(m).slice();
    master[G.FLAGS] &= ~GF.SLAVE;
    const demoted = m.step(asState(master), TO_SLAVE);
    expect([demoted[G.REVIVE_MEM], demoted[G.REVIVE_COMMIT], demoted[G.REVIVE_PERSIST]]).toEqual([3, 3, 1]);
    expect(demoted[m.ctx.L.q(0) + Q.CONSUMER_OFFSET]).toBe(102);
  });

  it('a role change does not touch `serving`: an idle scan turns it back on', () => {
    const m = fullModel('5.3.2', { roleChanges: 1, slowScans: 1 });
    const d = m.initialStates()[0].slice();
    d[G.FLAGS] = (d[G.FLAGS] | GF.SLAVE) & ~GF.SERVING;
    const back = m.step(asState(d), TO_MASTER);
    expect(back[G.FLAGS] & GF.SERVING).toBe(0);
    expect(m.enabledEvents(back)).toContainEqual({ type: 'scan' });
    const scanned = m.step(back, { type: 'scan' });
    expect(scanned[G.FLAGS] & GF.SERVING).toBe(GF.SERVING);
  });
});
