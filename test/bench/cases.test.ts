/** The benchmark's plumbing, untimed: unknown cases print n/a, pan's output is read right. */
import { describe, expect, it } from 'vitest';
import { BenchUsageError, parseBenchArgs } from '../../bench/args.js';
import { parsePan } from '../../bench/pan-output.js';
import { runPopcheck } from '../../bench/popcheck-case.js';

const STATS = `State-vector 140 byte, depth reached 43, errors: 0
       33 states, stored
      120 transitions (= stored+matched)
  129.010	total actual memory usage
`;

describe('bench', () => {
  it('a case the CLI does not know is n/a, not a crash', async () => {
    const o = await runPopcheck({ scenario: 'no-such-scenario', bound: 'x', release: '5.3.1', flags: [] });
    expect(o.kind).toBe('n/a');
    if (o.kind === 'n/a') expect(o.reason).toContain('no-such-scenario');
  });

  it('a known case runs', async () => {
    const o = await runPopcheck({ scenario: 'ack-flush', bound: 'N=3', release: '5.3.2', flags: ['--messages', '3'] });
    expect(o.kind === 'ran' && o.report.verdict).toBe('holds');
  });

  it('reads pan verdicts and figures', () => {
    expect(parsePan(STATS, false)).toEqual({ verdict: 'holds', states: 33, transitions: 120, memoryMb: 129.01 });
    expect(parsePan(`pan:1: assertion violated ((retried&acked)==0) (at depth 43)\n${STATS.replace('errors: 0', 'errors: 1')}`, false).verdict).toBe('violated');
    expect(parsePan(`Interrupted\nWarning: Search not completed\n${STATS}`, true).verdict).toBe('timeout');
    expect(parsePan('pan: reached -DMEMLIM bound\nWarning: Search not completed\n', false).verdict).toBe('out of memory');
    expect(parsePan('', true)).toEqual({ verdict: 'timeout', states: null, transitions: null, memoryMb: null });
  });
});

describe('bench flags', () => {
  it('--only-spin runs part b alone and excludes --only-validate', () => {
    expect(parseBenchArgs(['--only-spin', '--quick'], 1024)).toMatchObject({ onlySpin: true, quick: true, onlyValidate: false });
    expect(() => parseBenchArgs(['--only-spin', '--only-validate'], 1024)).toThrow(BenchUsageError);
  });
});
