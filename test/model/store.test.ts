import { describe, expect, it } from 'vitest';
import { timerSlot } from '../../model/protocol/store.js';

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
