/**
 * The Promela model of ack-flush (bench/ack-flush.pml) agrees with popcheck for N=3. Runs
 * SPIN when it is on PATH; otherwise the bench's installer must say why it is unavailable.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RELEASES } from '../../bench/cases.js';
import { OUT_DIR } from '../../bench/paths.js';
import { runPopcheck } from '../../bench/popcheck-case.js';
import { ensureSpin } from '../../bench/spin-install.js';
import { runSpin } from '../../bench/spin-run.js';

const spin = ensureSpin({ install: false });

describe('bench/ack-flush.pml', () => {
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
  } else {
    it('the installer says in one line why SPIN is unavailable', () => {
      expect(spin.reason).toMatch(/spin|gcc|apt-get/);
      expect(spin.reason).not.toContain('\n');
    });
  }
});
