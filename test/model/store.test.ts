import { describe, expect, it } from 'vitest';
import { BROKER, E, G, KIND, type Layout } from '../../model/layout.js';
import { ARRIVED, deliverSlot, timerSlot, writeRevive } from '../../model/protocol/store.js';
import { fullModel } from '../fixtures/full.js';

describe('timer slots (HookUtils.transformTimerMessage)', () => {
  it('rounds down to the precision, and an exact multiple goes one slot back', () => {
    expect(timerSlot(59_000, 1000)).toBe(58_000);
    expect(timerSlot(59_500, 1000)).toBe(59_000);
    expect(timerSlot(60_001, 1000)).toBe(60_000);
    expect(timerSlot(1_500, 500)).toBe(1_000);
  });

  it('keeps a CK (T - 1 s) in an earlier slot than its ACKs (T) whatever T is', () => {
    for (let T = 5_000; T < 9_000; T += 250) expect(timerSlot(T - 1000, 1000)).toBeLessThan(timerSlot(T, 1000));
  });
});

describe('the revive topic region (writeRevive and deliverSlot move records)', () => {
  /** The entries at positions [from, to) as [kind, ck, broker, mask, deliverMs, slot]. */
  const records = (d: Int32Array, L: Layout, from: number, to: number): number[][] => {
    const out: number[][] = [];
    for (let p = from; p < to; p++) {
      const e = L.log(p);
      out.push([d[e + E.KIND], d[e + E.CK], d[e + E.BROKER], d[e + E.MASK], d[e + E.DELIVER], d[e + E.SLOT]]);
    }
    return out;
  };

  it('a write to the revive queue moves every timer record up; a delivery that joins an ACK run moves the rest down and clears the last', () => {
    const m = fullModel('5.3.2', { pops: 3 });
    const { L } = m.ctx;
    const d = m.initialStates()[0].slice();
    d[G.NOW] = 0;
    // Three timer records, written latest slot first: each write goes before the ones already there.
    writeRevive(d, m.ctx, KIND.ACK, 1, BROKER.A, 1, 12_000);
    writeRevive(d, m.ctx, KIND.CK, 2, BROKER.A, 0, 9_000);
    writeRevive(d, m.ctx, KIND.ACK, 0, BROKER.A, 1, 5_000);
    expect([d[G.NLOG], d[G.NTIMER]]).toEqual([0, 3]);
    expect(records(d, L, 0, 3)).toEqual([
      [KIND.ACK, 0, BROKER.A, 1, 5_000, 4_000],
      [KIND.CK, 2, BROKER.A, 0, 9_000, 8_000],
      [KIND.ACK, 1, BROKER.A, 1, 12_000, 11_000],
    ]);
    // An ACK of CK 0 for the same deliverTimeMs, written once it is past: straight to the revive
    // queue, before the three timer records (each moves one place up).
    d[G.NOW] = 6_000;
    writeRevive(d, m.ctx, KIND.ACK, 0, BROKER.A, 2, 5_000);
    expect([d[G.NLOG], d[G.NTIMER]]).toEqual([1, 3]);
    expect(records(d, L, 0, 4)).toEqual([
      [KIND.ACK, 0, BROKER.A, 2, 5_000, ARRIVED.DIRECT],
      [KIND.ACK, 0, BROKER.A, 1, 5_000, 4_000],
      [KIND.CK, 2, BROKER.A, 0, 9_000, 8_000],
      [KIND.ACK, 1, BROKER.A, 1, 12_000, 11_000],
    ]);
    // The timer delivers slot 4 s: its ACK joins the run at the queue's tail, the two timer records
    // after it move one place down, and the record they leave is cleared.
    expect(deliverSlot(d, m.ctx)).toBe(1);
    expect([d[G.NLOG], d[G.NTIMER]]).toEqual([1, 2]);
    expect(records(d, L, 0, 4)).toEqual([
      [KIND.ACK, 0, BROKER.A, 3, 5_000, ARRIVED.DIRECT],
      [KIND.CK, 2, BROKER.A, 0, 9_000, 8_000],
      [KIND.ACK, 1, BROKER.A, 1, 12_000, 11_000],
      [0, 0, 0, 0, 0, 0],
    ]);
    // Nothing outside the records used was written.
    for (let w = L.log(4); w < L.words; w++) if (d[w] !== 0) expect([w, d[w]]).toEqual([w, 0]);
  });
});
