import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, cliWith, ROOT } from './helpers.js';

/**
 * A run of about 36 s (README's benchmark), interrupted after `afterMs`: 3 s, well after Node's
 * start-up even on a loaded machine (the CLI sets its signal handlers before it loads the rest,
 * cli/main.ts; before, at 1.5 s a `--workers 2` run, with the suite's two files at once and
 * other work on two cores, was once still loading, and ended as node does on SIGINT, with no
 * report) and far enough into the run for the report to hold more than 1,000 states.
 */
const LONG = ['check', '--scenario', 'full', '--messages', '4', '--pops', '4', '--batch', '1', '--rocketmq', '5.3.2', '--json'];

async function interrupt(signal: NodeJS.Signals, extra: string[], afterMs = 3000): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const child = spawn(process.execPath, [BIN, ...LONG, ...extra], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const started = Date.now();
  const timer = setTimeout(() => child.kill(signal), afterMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr, ms: Date.now() - started };
}

describe('Ctrl-C and SIGTERM stop a run cleanly', () => {
  for (const [signal, extra] of [
    ['SIGINT', []],
    ['SIGTERM', []],
    ['SIGINT', ['--workers', '2']],
  ] as const) {
    it(`${signal} ${extra.join(' ')}: the report so far, verdict incomplete, exit 3`, async () => {
      const r = await interrupt(signal, [...extra]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(3);
      const j = JSON.parse(r.stdout);
      expect(j.verdict).toBe('incomplete');
      expect(j.complete).toBe(false);
      expect(j.stopReason).toBe('interrupted');
      expect(j.states).toBeGreaterThan(1000);
      expect(j.interleavings).toBeNull();
      expect(r.ms).toBeLessThan(15_000);
    }, 30_000);
  }

  it('in-process: an interrupted run clears the progress line and reports incomplete (interrupted)', async () => {
    const tty = { text: '' };
    let polls = 0;
    const r = await cliWith(
      { tty, msPerTick: 400, interrupted: () => ++polls > 3 },
      'check', '--scenario', 'full', '--messages', '4', '--pops', '4', '--batch', '1', '--rocketmq', '5.3.2',
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('INCOMPLETE');
    expect(r.stdout).toContain('interrupted');
    expect(tty.text).toContain('states/s');
    expect(tty.text.endsWith('\r\x1b[K')).toBe(true);
  });
});
