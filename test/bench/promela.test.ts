/**
 * The Promela model of ack-flush (bench/ack-flush.pml) agrees with popcheck: the same verdicts
 * for N=3 on both releases with and without batch ack, and on 5.3.2 (no violation, so both
 * search everything) the same state space for N=4..6: pan stores exactly the states popcheck's
 * `check --no-symmetry` counts, and its transitions ("stored + matched") are popcheck's + 1, the
 * initial state. Runs SPIN when it is on PATH; otherwise the bench's installer must say why it
 * is unavailable.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RELEASES } from '../../bench/cases.js';
import { OUT_DIR } from '../../bench/paths.js';
import { runPopcheck } from '../../bench/popcheck-case.js';
import { ensureSpin } from '../../bench/spin-install.js';
import { ackFlushStates, runSpin } from '../../bench/spin-run.js';

const spin = ensureSpin({ install: false });

describe('bench/ack-flush.pml', () => {
  it("ackFlushStates is popcheck's ack-flush --no-symmetry state count", async () => {
    for (let n = 1; n <= 6; n++) {
      const p = await runPopcheck({ scenario: 'ack-flush', bound: `N=${n}`, release: '5.3.2', flags: ['--messages', String(n), '--no-symmetry'] });
      expect(p.kind === 'ran' && p.report.states).toBe(ackFlushStates(n));
    }
  });

  if (spin.available) {
    for (const release of RELEASES) {
      for (const batchAck of [false, true]) {
        const label = `${release}${batchAck ? ' batch ack' : ''}`;
        it(`N=3 ${label}: SPIN's verdict is popcheck's`, async () => {
          const workDir = join(OUT_DIR, 'test', `N3-${release}${batchAck ? '-batch' : ''}`);
          const s = await runSpin({ n: 3, release, batchAck, timeoutSec: 60, memLimMb: 1024, workDir });
          const p = await runPopcheck({ scenario: 'ack-flush', bound: 'N=3', release, flags: ['--messages', '3', ...(batchAck ? ['--batch-ack'] : [])] });
          if (p.kind !== 'ran') throw new Error(`popcheck did not run: ${p.reason}`);
          expect(s.verdict).toBe(release === '5.3.1' ? 'violated' : 'holds');
          expect(s.verdict).toBe(p.report.verdict);
        }, 120_000);
      }
    }
    it("N=4..6 5.3.2: SPIN explores popcheck's --no-symmetry state space", async () => {
      const ns = [4, 5, 6];
      // The three pan builds run side by side (gcc dominates their time).
      const spins = await Promise.all(ns.map((n) => runSpin({ n, release: '5.3.2', batchAck: false, timeoutSec: 60, memLimMb: 1024, workDir: join(OUT_DIR, 'test', `N${n}-5.3.2`) })));
      for (const [i, n] of ns.entries()) {
        const s = spins[i];
        const p = await runPopcheck({ scenario: 'ack-flush', bound: `N=${n}`, release: '5.3.2', flags: ['--messages', String(n), '--no-symmetry'] });
        if (p.kind !== 'ran') throw new Error(`popcheck did not run: ${p.reason}`);
        expect([n, s.verdict, p.report.verdict]).toEqual([n, 'holds', 'holds']);
        expect([n, s.states]).toEqual([n, p.report.states]);
        expect([n, s.transitions]).toEqual([n, p.report.transitions + 1]);
      }
    }, 120_000);
  } else {
    it('the installer says in one line why SPIN is unavailable', () => {
      expect(spin.reason).toMatch(/spin|gcc|apt-get/);
      expect(spin.reason).not.toContain('\n');
    });
  }
});
