import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckReportSchema } from '../../cli/report-schema.js';
import { bin, cli, cliWith, MEMORY } from './helpers.js';

const factorial = (n: number): bigint => (n <= 1 ? 1n : BigInt(n) * factorial(n - 1));

describe('popcheck check (binary)', () => {
  it('defaults to ack-flush, N=3, 5.3.1 and reports the violation with exit 1', async () => {
    const r = bin('check');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('popcheck ack-flush: N=3, RocketMQ 5.3.1');
    expect(r.stdout).toContain('VIOLATED acked-never-retried');
    expect(r.stdout).toContain('bn=null');
    expect(r.stdout).toContain('%RETRY%GID_POP_TopicTest');
    expect(r.stdout).toMatch(/violated: 24 states, 30 transitions, depth 8; 24 interleavings covered, 12 violating/);
    expect(r.stdout).toMatch(/states\/s/);
  });

  it('--json on 5.3.1 and 5.3.2', async () => {
    const bad = bin('check', '--messages', '3', '--rocketmq', '5.3.1', '--json');
    expect(bad.code).toBe(1);
    const j = JSON.parse(bad.stdout);
    expect(j.verdict).toBe('violated');
    expect(j.invariant).toBe('acked-never-retried');
    expect(j.rocketmq).toBe('5.3.1');
    expect(j.scenario).toBe('ack-flush');
    expect(j.messages).toBe(3);
    expect(j.interleavings).toBe('24');
    expect(j.violatingInterleavings).toBe('12');
    expect(typeof j.states).toBe('number');
    expect(typeof j.transitions).toBe('number');
    expect(j.depth).toBe(8);
    expect(typeof j.elapsedMs).toBe('number');
    expect(j.counterexample.steps).toHaveLength(8);
    expect(j.counterexample.steps[0].event).toEqual({ type: 'pop', queueId: 0, maxNums: 3, at: 0 });
    const good = bin('check', '--messages', '3', '--rocketmq', '5.3.2', '--json');
    expect(good.code).toBe(0);
    const g = JSON.parse(good.stdout);
    expect(g.verdict).toBe('holds');
    expect(g.invariant).toBeNull();
    expect(g.counterexample).toBeNull();
    expect(g.violatingInterleavings).toBe('0');
  });
});

describe('popcheck check (in-process)', () => {
  it('interleavings equal (N+1)! for every N tried', async () => {
    for (const n of [1, 2, 5, 9, 16, 32]) {
      const j = JSON.parse((await cli('check', '--messages', String(n), '--json')).stdout);
      expect(j.interleavings).toBe(factorial(n + 1).toString());
    }
  });

  it('--batch-ack on 5.3.1 violates, on 5.3.2 holds', async () => {
    expect((await cli('check', '--batch-ack')).code).toBe(1);
    expect((await cli('check', '--batch-ack', '--rocketmq', '5.3.2')).code).toBe(0);
    const j = JSON.parse((await cli('check', '--batch-ack', '--json')).stdout);
    expect(j.batchAck).toBe(true);
    expect(j.settings.enablePopBatchAck).toBe(true);
  });

  it('--set changes one switch', async () => {
    const r = await cli('check', '--rocketmq', '5.3.2', '--batch-ack', '--set', 'reviveBlankBrokerNameFallback=false', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).settings.reviveBlankBrokerNameFallback).toBe(false);
  });

  it('bounds: --max-states ends incomplete (exit 3) and never says holds', async () => {
    const r = await cli('check', '--rocketmq', '5.3.2', '--messages', '6', '--max-states', '5', '--json');
    expect(r.code).toBe(3);
    const j = JSON.parse(r.stdout);
    expect(j.verdict).toBe('incomplete');
    expect(j.stopReason).toBe('max-states');
    expect(j.interleavings).toBeNull();
    expect((await cli('check', '--rocketmq', '5.3.2', '--max-states', '5')).stdout).toContain('INCOMPLETE');
  });

  it('--timeout ends incomplete when the clock runs out', async () => {
    // The in-process clock advances 1 ms per reading, so a 0.001 s timeout trips at the first poll.
    const r = await cli('check', '--rocketmq', '5.3.2', '--messages', '7', '--no-symmetry', '--timeout', '0.001', '--json');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).stopReason).toBe('timeout');
  });

  it('--max-memory ends incomplete when the process grows past it', async () => {
    MEMORY.bytes = 600 * 1024 * 1024;
    try {
      const r = await cli('check', '--scenario', 'full', '--rocketmq', '5.3.2', '--max-memory', '500', '--json');
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stdout).stopReason).toBe('max-memory');
    } finally {
      MEMORY.bytes = 100 * 1024 * 1024;
    }
    expect((await cli('check', '--scenario', 'full', '--rocketmq', '5.3.2', '--max-memory', '500')).code).toBe(0);
  });

  it('draws a progress line on a terminal about once a second, and nothing with --json', async () => {
    const tty = { text: '' };
    // --timer-lag: a run of about 4,000 states, enough polls for the clock to pass a second.
    const r = await cliWith({ tty, msPerTick: 250 }, 'check', '--scenario', 'full', '--rocketmq', '5.3.2', '--timer-lag');
    expect(r.code).toBe(0);
    expect(tty.text).toMatch(/\r[\d,]+ states, [\d,]+ states\/s, queue [\d,]+, depth \d+, \d+ MiB/);
    expect(tty.text.endsWith('\r\x1b[K')).toBe(true);
    expect(r.stdout).not.toContain('states/s, queue');
    const quiet = { text: '' };
    await cliWith({ tty: quiet, msPerTick: 250 }, 'check', '--scenario', 'full', '--rocketmq', '5.3.2', '--timer-lag', '--json');
    expect(quiet.text).toBe('');
  });

  it('--invariant restricts what is checked', async () => {
    const r = await cli('check', '--invariant', 'no-loss', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).invariants).toEqual(['no-loss']);
    const k = JSON.parse((await cli('check', '--invariant', 'ack-key-agreement', '--json')).stdout);
    expect(k.invariant).toBe('ack-key-agreement');
    expect(k.counterexample.steps).toHaveLength(3);
  });

  it('--no-symmetry gives the same verdict and counts', async () => {
    const a = JSON.parse((await cli('check', '--messages', '5', '--json')).stdout);
    const b = JSON.parse((await cli('check', '--messages', '5', '--no-symmetry', '--json')).stdout);
    expect([b.verdict, b.interleavings, b.violatingInterleavings]).toEqual([a.verdict, a.interleavings, a.violatingInterleavings]);
    expect(b.symmetry).toBe(false);
    expect(b.states).toBeGreaterThan(a.states);
  });

  it('is deterministic apart from timing figures', async () => {
    const strip = (s: string) => {
      const j = JSON.parse(s);
      delete j.elapsedMs;
      delete j.statesPerSecond;
      return j;
    };
    expect(strip((await cli('check', '--json')).stdout)).toEqual(strip((await cli('check', '--json')).stdout));
  });

  it('--with-states adds the state after each step', async () => {
    const j = JSON.parse((await cli('check', '--json', '--with-states')).stdout);
    const last = j.counterexample.steps.at(-1).state;
    expect(last.cks[0].retried).toEqual([100, 101]);
    expect(last.reviveQueue[1].brokerName).toBeNull();
  });
});

describe('usage errors exit 2 with one line naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [['check', '--messages', '0'], /--messages must be an integer from 1 to 32/],
    [['check', '--messages', '33'], /--messages/],
    [['check', '--messages', 'three'], /--messages/],
    [['check', '--rocketmq', '4.9'], /--rocketmq: unknown release '4.9'/],
    [['check', '--scenario', 'nope'], /--scenario: unknown scenario 'nope'/],
    [['check', '--set', 'nope=1'], /--set: unknown setting 'nope'/],
    [['check', '--set', 'enablePopBatchAck=yes'], /--set: setting 'enablePopBatchAck' takes true or false/],
    [['check', '--set', 'popInvisibleTime=1234'], /--set: .*multiple of 500 ms/],
    [['check', '--set', 'novalue'], /--set expects name=value/],
    [['check', '--max-states', '-1'], /--max-states/],
    [['check', '--timeout', 'soon'], /--timeout/],
    [['check', '--invariant', 'x'], /--invariant: unknown invariant 'x'/],
    [['check', '--frobnicate'], /unknown option '--frobnicate'/],
    [['check', '--workers', '0'], /--workers must be an integer from 1 to 64 \(got '0'\)/],
    [['check', '--workers', '65'], /--workers must be an integer from 1 to 64/],
    [['check', '--workers', 'two'], /--workers must be an integer from 1 to 64/],
    [['check', 'extra'], /positional/i],
    [['launch'], /unknown command 'launch'/],
    [['check', '--messages', '-3'], /^popcheck: --messages must be an integer from 1 to 32 \(got '-3'\)$/m],
    [['check', '--scenario', 'full', '--crashes', '-1'], /^popcheck: --crashes must be an integer from 0 to 4 \(got '-1'\)$/m],
    [['check', '--scenario', 'full', '--first-offsets', '2147483646'], /--first-offsets \(value 1\) must be an integer from 0 to 1073741823 \(got '2147483646'\)/],
    [['check', '--scenario', 'full', '--first-offsets', '99999999999'], /--first-offsets \(value 1\) must be an integer from 0 to 1073741823/],
    [['check', '--scenario', 'full', '--first-offsets', '1073741822'], /--first-offsets: first offset 1073741822 \+ 3 messages \+ 0 produced must be at most 1073741824/],
    [['check', '--scenario', 'full', '--queue-ids', '4294967296'], /--queue-ids \(value 1\) must be an integer/],
    [['check', '--set', 'reviveAckWaitMs=3000000000'], /--set: setting 'reviveAckWaitMs' must be between 1 and 86400000 ms/],
    [['check', '--pops', '2'], /--pops applies to the full scenario, not ack-flush/],
    [['check', '--messages', '3', '--messages', '4'], /--messages is given more than once/],
    [['check', '--json', '--json'], /--json is given more than once/],
    [['check', '--bug', '8835', '--bug', '3787'], /--bug is given more than once/],
    [['replay', 'a', '--json', '--json'], /--json is given more than once/],
    [['help', 'nope'], /help: unknown command 'nope'/],
  ];
  for (const [argv, msg] of cases) {
    it(argv.join(' '), async () => {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
    });
  }

  it('the binary prints no stack trace either', async () => {
    const r = bin('check', '--messages', '0');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("popcheck: --messages must be an integer from 1 to 32 (got '0')");
  });

  it('--set and --invariant stay repeatable', async () => {
    const r = await cli('check', '--rocketmq', '5.3.2', '--invariant', 'no-loss', '--invariant', 'acked-never-retried', '--set', 'splitAddAk=false', '--set', 'lmqGroup=false', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).invariants).toEqual(['acked-never-retried', 'no-loss']);
  });

  it('help exits 0; no command exits 2', async () => {
    expect((await cli('--help')).code).toBe(0);
    expect((await cli('check', '--help')).stdout).toContain('--max-states');
    expect((await cli()).code).toBe(2);
  });
});

describe('popcheck check reports memory (binary)', () => {
  it('gives peak RSS and bytes per state next to the store figure, in text and --json', () => {
    const j = JSON.parse(bin('check', '--messages', '4', '--no-symmetry', '--json').stdout);
    expect(j.peakRssBytes).toBeGreaterThan(1 << 20);
    expect(j.rssBytesPerState).toBeCloseTo(j.peakRssBytes / j.states, 0);
    expect(j.bytesPerState).toBeCloseTo(j.storeBytes / j.states, 0);
    const text = bin('check', '--messages', '4', '--no-symmetry').stdout;
    expect(text).toMatch(/store [\d.]+ [KMG]?i?B \([\d.]+ B\/state\); peak RSS [\d.]+ [KMG]iB \([\d.]+ B\/state\);/);
  });
});

describe('popcheck check --workers (binary)', () => {
  /** The output without the timing and peak-memory figures, which are all that may differ. */
  const untimed = (stdout: string, json: boolean): unknown => {
    if (!json) return stdout.replace(/; \d+ ms \(\d+ states\/s\);/, '; (timing);').replace(/; peak RSS [^;]*;/, '; (peak RSS);');
    const j = JSON.parse(stdout);
    delete j.elapsedMs;
    delete j.statesPerSecond;
    delete j.peakRssBytes;
    delete j.rssBytesPerState;
    return j;
  };
  const runs: string[][] = [
    [],
    ['--messages', '6', '--rocketmq', '5.3.2', '--no-symmetry'],
    ['--messages', '5', '--rocketmq', '5.3.1', '--no-symmetry', '--json', '--with-states'],
    ['--messages', '6', '--rocketmq', '5.3.1', '--batch-ack', '--stop-at-first'],
    ['--messages', '6', '--rocketmq', '5.3.2', '--no-symmetry', '--max-states', '400', '--json'],
    // Levels of more than 1024 states: worker threads are started.
    ['--messages', '8', '--rocketmq', '5.3.1', '--no-symmetry', '--json'],
    ['--scenario', 'full', '--rocketmq', '5.3.1', '--json'],
    ['--scenario', 'full', '--rocketmq', '5.3.2', '--crashes', '1'],
  ];
  for (const argv of runs) {
    it(`prints the same as --workers 1: ${argv.join(' ') || '(defaults)'}`, () => {
      const one = bin('check', ...argv, '--workers', '1');
      const json = argv.includes('--json');
      for (const workers of ['2', '3']) {
        const many = bin('check', ...argv, '--workers', workers);
        expect(many.stderr).toBe('');
        expect(many.code).toBe(one.code);
        expect(untimed(many.stdout, json)).toEqual(untimed(one.stdout, json));
      }
    });
  }
});

describe('popcheck check --spill-dir', () => {
  /** What may differ between a run in memory and a spilled one: timing and memory figures, and the spill field. */
  const TIMING = ['elapsedMs', 'statesPerSecond', 'storeBytes', 'bytesPerState', 'peakRssBytes', 'rssBytesPerState', 'spill'];
  const strip = (r: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(r).filter(([k]) => !TIMING.includes(k)));
  const dir = (): string => mkdtempSync(join(tmpdir(), 'popcheck-spill-test-'));

  it('gives the --json report of the run in memory, field for field, and leaves nothing on disk', async () => {
    const d = dir();
    try {
      for (const flags of [
        ['--messages', '7', '--no-symmetry', '--rocketmq', '5.3.1'],
        ['--messages', '8', '--rocketmq', '5.3.2'],
        ['--messages', '7', '--rocketmq', '5.3.2', '--max-states', '500', '--no-symmetry'],
      ]) {
        const memory = await cli('check', ...flags, '--json');
        const spilled = await cli('check', ...flags, '--json', '--spill-dir', d, '--spill-buffer', '300');
        expect(spilled.code).toBe(memory.code);
        const a = JSON.parse(memory.stdout);
        const b = CheckReportSchema.parse(JSON.parse(spilled.stdout));
        expect(strip(b)).toEqual(strip(a));
        expect(a.spill).toBeNull();
        expect(b.spill!.merges).toBeGreaterThan(5);
        expect(b.spill!.pathsNotCounted).toBeNull();
      }
      const bugMemory = JSON.parse((await cli('check', '--bug', '8835', '--json')).stdout);
      const bugSpilled = JSON.parse((await cli('check', '--bug', '8835', '--json', '--spill-dir', d, '--spill-buffer', '50')).stdout);
      expect(strip(bugSpilled.buggy)).toEqual(strip(bugMemory.buggy));
      expect(strip(bugSpilled.fixed)).toEqual(strip(bugMemory.fixed));
      expect(bugSpilled.buggy.counterexample.steps.length).toBe(7);
      expect(readdirSync(d)).toEqual([]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('on a graph that is not layered: the same states and counterexample, interleavings not counted, and says why', async () => {
    const d = dir();
    try {
      const flags = ['--scenario', 'full', '--rocketmq', '5.3.1'];
      const memory = JSON.parse((await cli('check', ...flags, '--json')).stdout);
      const spilledRun = await cli('check', ...flags, '--json', '--spill-dir', d, '--spill-buffer', '500');
      const spilled = JSON.parse(spilledRun.stdout);
      expect(memory.interleavings).not.toBeNull();
      expect([spilled.interleavings, spilled.violatingInterleavings, spilled.spill.pathsNotCounted]).toEqual([null, null, 'not-layered']);
      const uncounted = (r: Record<string, unknown>) => ({ ...strip(r), interleavings: null, violatingInterleavings: null, violations: (r.violations as Record<string, unknown>[]).map((v) => ({ ...v, violatingInterleavings: null })) });
      expect(strip(spilled)).toEqual(uncounted(memory));
      const text = await cli('check', ...flags, '--spill-dir', d);
      expect(text.stdout).toContain('interleavings not counted (spilled to disk, and the state graph is not layered)');
      expect(text.stdout).toMatch(/spilled to disk: \d+ merges of a buffer of 1000000 successors/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('--max-memory does not stop a spilled run: passing it merges the buffer at once', async () => {
    const d = dir();
    MEMORY.bytes = 600 * 1024 * 1024;
    try {
      const flags = ['check', '--scenario', 'full', '--rocketmq', '5.3.2', '--json', '--spill-dir', d];
      const relaxed = JSON.parse((await cli(...flags)).stdout);
      const pressed = await cli(...flags, '--max-memory', '500');
      expect(pressed.code).toBe(0);
      const p = JSON.parse(pressed.stdout);
      expect([p.verdict, p.complete, p.stopReason, p.states]).toEqual(['holds', true, null, relaxed.states]);
      expect(p.spill.merges).toBeGreaterThan(relaxed.spill.merges);
    } finally {
      MEMORY.bytes = 100 * 1024 * 1024;
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('bad values: one line naming the flag, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--spill-buffer', '10'], /^popcheck: --spill-buffer sizes the buffer of --spill-dir/],
      [['--spill-dir', '/nonexistent/popcheck'], /^popcheck: --spill-dir \/nonexistent\/popcheck: ENOENT/],
      [['--spill-dir', tmpdir(), '--spill-buffer', '0'], /^popcheck: --spill-buffer must be an integer from 1/],
      [['--spill-dir', tmpdir(), '--workers', '2'], /^popcheck: --spill-dir explores with one thread/],
      [['--spill-dir', ''], /^popcheck: --spill-dir needs a directory/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli('check', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
