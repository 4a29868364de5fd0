/** The suite's properties run from a fixed seed (test/fast-check-seed.ts, a setup file of vitest's config). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('fast-check seed', () => {
  it('every property without its own seed starts from the same one', () => {
    const seed = fc.readConfigureGlobal().seed;
    expect(typeof seed).toBe('number');
    if (process.env.FC_SEED !== undefined) expect(seed).toBe(Number(process.env.FC_SEED));
    // Two runs of one property draw the same values.
    const draw = () => {
      const seen: number[] = [];
      fc.assert(
        fc.property(fc.integer(), (n) => void seen.push(n)),
        { numRuns: 20 },
      );
      return seen;
    };
    expect(draw()).toEqual(draw());
  });
});
