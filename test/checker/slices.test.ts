/** The explorer run in slices (how the CLI stays responsive to a signal) builds the very same graph. */
import { describe, expect, it } from 'vitest';
import { explore, startExplore } from '../../checker/index.js';
import { createModel } from '../fixtures/toy-factory.js';

describe('startExplore: exploration in slices', () => {
  const model = () => createModel({ kind: 'bits', n: 8, invariants: ['lt3', 'order', 'never-done'] });

  it('advance(n) repeatedly gives the graph explore gives', () => {
    const whole = explore(model());
    for (const slice of [1, 7, 100]) {
      const run = startExplore(model());
      let slices = 1;
      while (!run.advance(slice)) slices++;
      expect(slices).toBeGreaterThan(whole.expanded / slice - 1);
      expect(run.advance(slice)).toBe(true);
      expect(run.graph()).toEqual(whole);
    }
  });

  it('a stop asked between slices ends the run incomplete, with the reason given', () => {
    let stop = false;
    const run = startExplore(model(), { pollEvery: 1, shouldStop: () => (stop ? 'interrupted' : null) });
    expect(() => run.graph()).toThrow(/before advance/);
    expect(run.advance(5)).toBe(false);
    stop = true;
    while (!run.advance(5));
    const g = run.graph();
    expect(g.complete).toBe(false);
    expect(g.stopReason).toBe('interrupted');
    expect(g.expanded).toBeLessThan(explore(model()).expanded);
  });
});
