/** Each invariant is shown able to fail. */
import { describe, expect, it } from 'vitest';
import { BROKER, C, E, G, Q } from '../../model/layout.js';
import { ackKeyAgreement, ackedNeverRetried, noLoss } from '../../model/invariants.js';
import { asState, type State } from '../../model/state.js';
import { ackFlushModel, checkAckFlush } from '../fixtures/models.js';
import type { Event } from '../../model/events.js';
import type { PopModel } from '../../model/popmodel.js';

function runEvents(m: PopModel, pick: (events: readonly Event[]) => Event | undefined): State {
  let s = m.initialStates()[0];
  for (;;) {
    const e = pick(m.enabledEvents(s));
    if (!e) return s;
    s = m.step(s, e);
  }
}

describe('invariants can fail', () => {
  it('acked-never-retried and ack-key-agreement fail on 5.3.1', () => {
    const r = checkAckFlush({ release: '5.3.1', messages: 2 });
    expect(r.violations.map((v) => v.invariant)).toEqual(['acked-never-retried', 'success-never-retried', 'ack-key-agreement']);
  });

  it('no-loss fails when an offset the consumer offset passed was neither acked nor retried', () => {
    const m = ackFlushModel({ release: '5.3.2', messages: 2 });
    // Both acks merge into the buffer, the flush finds the CK done in memory: nothing is stored.
    const end = runEvents(m, (es) => es[0]);
    expect(noLoss(end, m.ctx)).toBe(true);
    // Take the final state and erase the client's ack and the retry of offset 101: lost.
    const d = end.slice();
    const c = m.ctx.L.ck(0);
    d[c + C.ACKED] &= ~2;
    d[c + C.RETRIED] &= ~2;
    expect(noLoss(asState(d), m.ctx)).toBe(false);
    // The same hole is not loss while the consumer offset has not passed the offset.
    d[m.ctx.L.q(0) + Q.CONSUMER_OFFSET] = 101;
    expect(noLoss(asState(d), m.ctx)).toBe(true);
  });

  it('acked-never-retried is false exactly when a retried offset was acked in time', () => {
    const m = ackFlushModel({ release: '5.3.2', messages: 2 });
    const end = runEvents(m, (es) => es[0]);
    expect(ackedNeverRetried(end, m.ctx)).toBe(true);
    const d = end.slice();
    d[m.ctx.L.ck(0) + C.RETRIED] |= 1;
    expect(ackedNeverRetried(asState(d), m.ctx)).toBe(false);
  });

  it('ack-key-agreement is false when an ACK in the revive queue carries another brokerName', () => {
    const m = ackFlushModel({ release: '5.3.2', messages: 2 });
    // Flush first: the CK is stored, both acks go straight to the store.
    const end = runEvents(m, (es) => es.find((e) => e.type === 'scan') ?? es[0]);
    expect(end[G.NLOG]).toBe(2);
    expect(ackKeyAgreement(end, m.ctx)).toBe(true);
    const d = end.slice();
    d[m.ctx.L.log(1) + E.BROKER] = BROKER.B;
    expect(ackKeyAgreement(asState(d), m.ctx)).toBe(false);
  });

  it('lifecycle-legal fails on a step that skips a lifecycle state', () => {
    const m = ackFlushModel({ release: '5.3.2', messages: 2 });
    const inv = m.invariants.find((i) => i.name === 'lifecycle-legal')!;
    expect(inv.kind).toBe('transition');
    const s0 = m.initialStates()[0];
    const popped = m.step(s0, m.enabledEvents(s0)[0]);
    // A "step" that marks offset 100 retried while the client has not acked it and no revive ran: legal
    // only for a revive event.
    const d = popped.slice();
    d[m.ctx.L.ck(0) + C.RETRIED] |= 1;
    const after = asState(d);
    if (inv.kind !== 'transition') throw new Error('unreachable');
    expect(inv.holds(popped, { type: 'scan' }, after)).toBe(false);
    // And a legal move: an ack merged into the buffer.
    const acked = m.step(popped, m.enabledEvents(popped)[0]);
    expect(inv.holds(popped, m.enabledEvents(popped)[0], acked)).toBe(true);
  });
});
