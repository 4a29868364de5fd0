/**
 * bench/floor-model.ts, the ack-flush abstraction packed into three words, explores the same
 * space as popcheck's protocol model: for N = 1..6 on 5.3.2 its graph has exactly the states and
 * transitions `check --scenario ack-flush --no-symmetry` reports, at any padded width, and the
 * formula bench/spin-run.ts uses for pan.
 */
import { describe, expect, it } from 'vitest';
import { explore } from '../../checker/explore.js';
import { floorModel } from '../../bench/floor-model.js';
import { runPopcheck } from '../../bench/popcheck-case.js';
import { ackFlushStates } from '../../bench/spin-run.js';

describe('bench/floor-model.ts', () => {
  it("has popcheck's ack-flush --no-symmetry states and transitions", async () => {
    for (let n = 1; n <= 6; n++) {
      const p = await runPopcheck({ scenario: 'ack-flush', bound: `N=${n}`, release: '5.3.2', flags: ['--messages', String(n), '--no-symmetry'] });
      if (p.kind !== 'ran') throw new Error(`popcheck did not run: ${p.reason}`);
      for (const width of [3, 151]) {
        const g = explore(floorModel(n, width));
        expect([n, width, g.states, g.transitions, g.complete]).toEqual([n, width, p.report.states, p.report.transitions, true]);
      }
      expect(ackFlushStates(n)).toBe(p.report.states);
    }
  }, 120_000);

  it('rejects a width under three words', () => {
    expect(() => floorModel(3, 2)).toThrow(/width/);
  });
});
