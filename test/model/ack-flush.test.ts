import { describe, expect, it } from 'vitest';
import { checkAckFlush, factorial } from '../fixtures/models.js';

describe('ack-flush on 5.3.1 (#8835)', () => {
  it('pins the shortest counterexample for N=3', () => {
    const r = checkAckFlush({ release: '5.3.1', messages: 3 });
    expect(r.verdict).toBe('violated');
    const v = r.violations[0];
    expect(v.invariant).toBe('acked-never-retried');
    expect(v.length).toBe(8);
    expect(v.counterexample.steps.map((s) => s.event)).toEqual([
      { type: 'pop', queueId: 0, maxNums: 3, at: 0 },
      { type: 'ack', queueId: 0, startOffset: 100, popTime: 0, offset: 100, at: 1000 },
      { type: 'ack', queueId: 0, startOffset: 100, popTime: 0, offset: 101, at: 1000 },
      { type: 'scan', at: 10500 },
      { type: 'ack', queueId: 0, startOffset: 100, popTime: 0, offset: 102, at: 10500 },
      // The CK (deliver 59 s, slot 58 s) is read at 59 s, the ACK (60 s, slot 59 s) at 60 s.
      { type: 'timer', at: 59000 },
      { type: 'timer', at: 60000 },
      { type: 'revive', at: 63500 },
    ]);
    // ack-key-agreement already fails right after the flush writes the AckMsg without brokerName.
    const key = r.violations.find((x) => x.invariant === 'ack-key-agreement')!;
    expect(key.counterexample.steps.map((s) => s.event.type)).toEqual(['pop', 'ack', 'scan']);
  });

  it('violates exactly when the flush leaves the CK partially acked: (N-1)*N! of (N+1)! orders', () => {
    for (let n = 1; n <= 8; n++) {
      const r = checkAckFlush({ release: '5.3.1', messages: n });
      expect(r.interleavings).toBe(factorial(n + 1));
      const expected = BigInt(n - 1) * factorial(n);
      if (n === 1) expect(r.verdict).toBe('holds');
      else expect(r.violations[0].violatingInterleavings).toBe(expected);
    }
  });

  it('violates with --batch-ack too (the BatchAckMsg has no brokerName and 5.3.1 has no fallback)', () => {
    const r = checkAckFlush({ release: '5.3.1', messages: 3, batchAck: true });
    expect(r.verdict).toBe('violated');
    expect(r.violations[0].invariant).toBe('acked-never-retried');
    expect(r.violations[0].violatingInterleavings).toBe(12n);
  });
});

describe('ack-flush on 5.3.2 (fixed by #8836 and #8981)', () => {
  for (const batchAck of [false, true]) {
    it(`holds for N=1..8${batchAck ? ' with --batch-ack' : ''}, covering (N+1)! orders`, () => {
      for (let n = 1; n <= 8; n++) {
        const r = checkAckFlush({ release: '5.3.2', messages: n, batchAck });
        expect(r.verdict).toBe('holds');
        expect(r.complete).toBe(true);
        expect(r.interleavings).toBe(factorial(n + 1));
      }
    });
  }
});

describe('ack-flush on 5.3.0 (revive key without brokerName)', () => {
  it('holds: the missing brokerName is harmless while the revive key ignores it', () => {
    expect(checkAckFlush({ release: '5.3.0', messages: 4 }).verdict).toBe('holds');
  });
});

describe('symmetry reduction', () => {
  it('agrees with the unreduced run on verdict and counts for N <= 7', () => {
    for (const release of ['5.3.1', '5.3.2']) {
      for (let n = 1; n <= 7; n++) {
        const on = checkAckFlush({ release, messages: n }, true);
        const off = checkAckFlush({ release, messages: n }, false);
        expect(on.verdict).toBe(off.verdict);
        expect(on.interleavings).toBe(off.interleavings);
        expect(on.violations.map((v) => [v.invariant, v.length, v.violatingInterleavings])).toEqual(
          off.violations.map((v) => [v.invariant, v.length, v.violatingInterleavings]),
        );
        if (n >= 3) expect(on.states).toBeLessThan(off.states);
      }
    }
  });

  it('covers all 33! orders of N=32 with exact counts', () => {
    const r = checkAckFlush({ release: '5.3.1', messages: 32 });
    expect(r.interleavings).toBe(factorial(33));
    expect(r.violations[0].violatingInterleavings).toBe(31n * factorial(32));
    expect(checkAckFlush({ release: '5.3.2', messages: 32 }).verdict).toBe('holds');
  });
});
