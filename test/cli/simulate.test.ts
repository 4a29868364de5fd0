/** `popcheck simulate`: the command, its output file, its summary and its usage errors. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, cli, FILES } from './helpers.js';

describe('popcheck simulate', () => {
  it('writes the log, prints a one-line summary on stderr, and nothing on stdout', async () => {
    const r = await cli('simulate', '--seed', '3', '--cks', '50', '--out', 'sim.log');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^popcheck: simulate: 50 CKs, \d+ model steps, (\d+) pop\.log lines \(rocketmq 5\.3\.1, seed 3\) written to sim\.log\n$/);
    const log = FILES.get('sim.log')!;
    expect(log.split('\n').length - 1).toBe(Number(/ (\d+) pop\.log lines/.exec(r.stderr)![1]));
    expect(log).toMatch(/^2024-09-12 10:00:00 INFO PullMessageThread_\d+ - \[PopBuffer\]add ck, CkWrap\{/);
    expect((await cli('simulate', '--cks', '50', '--out', 'sim2.log', '--seed', '3')).code).toBe(0);
    expect(FILES.get('sim2.log')).toBe(log);
  });

  it('the JSONL form, to standard output with --out -', async () => {
    const r = await cli('simulate', '--cks', '5', '--out', '-', '--format', 'jsonl', '--rocketmq', '5.3.2', '--batch-ack', '--set', 'popInvisibleTime=45000');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('{"popcheck":"poplog","version":1,"rocketmq":"5.3.2"}');
    const first = JSON.parse(lines[1]) as { kind: string; time: number; message: string };
    expect(first).toMatchObject({ kind: 'addCk', level: 'INFO' });
    // The pop is the line's time; its CK is invisible for the --set time.
    expect(first.message).toContain(`reviveTime=${first.time + 45000},`);
    expect(r.stderr).toMatch(/JSONL lines .* written to standard output/);
  });

  it('--no-pop-log writes only lines RocketMQ logs without enablePopLog', async () => {
    const r = await cli('simulate', '--cks', '2000', '--out', 'quiet.log', '--no-pop-log');
    expect(r.code).toBe(0);
    const log = FILES.get('quiet.log')!;
    expect(log).not.toMatch(/add ck|add ack,|Commit offset|find ck|retry msg/);
    expect(log).toMatch(/ERROR AckMessageThread_\d+ - put ack msg error:/);
  });

  it('the binary streams a file to disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'popcheck-sim-'));
    const r = bin('simulate', '--cks', '200', '--seed', '9', '--out', join(dir, 'a.log'));
    expect(r.code, r.stderr).toBe(0);
    const r2 = bin('simulate', '--cks', '200', '--seed', '9', '--out', join(dir, 'b.log'));
    expect(r2.code).toBe(0);
    expect(readFileSync(join(dir, 'a.log'), 'utf8')).toBe(readFileSync(join(dir, 'b.log'), 'utf8'));
    const bad = bin('simulate', '--cks', '2', '--out', join(dir, 'no', 'such', 'dir', 'x.log'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^popcheck: --out .*x\.log: cannot write: ENOENT\n$/);
  });

  it('usage errors are one line naming the flag, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--out', 'x'], /needs --cks N/],
      [['--cks', '3'], /needs --out FILE/],
      [['--cks', '0', '--out', 'x'], /^--cks must be an integer from 1 to 10000000 \(got '0'\)$/],
      [['--cks', '3', '--out', 'x', '--seed', '-1'], /^--seed must be an integer from 0 to 4294967295/],
      [['--cks', '3', '--out', 'x', '--batch', '17'], /^--batch must be an integer from 1 to 16/],
      [['--cks', '3', '--out', 'x', '--queues', 'many'], /^--queues must be/],
      [['--cks', '3', '--out', 'x', '--format', 'xml'], /^--format must be poplog or jsonl/],
      [['--cks', '3', '--out', 'x', '--rocketmq', '5.1.0'], /^--rocketmq 5\.1\.0: pop\.log output needs a release with the 5\.3\.x pop\.log formats/],
      [['--cks', '3', '--out', 'x', '--rocketmq', '9.9.9'], /^--rocketmq 9\.9\.9: /],
      [['--cks', '3', '--out', 'x', '--set', 'nope=1'], /^--set: unknown setting 'nope'/],
      [['--cks', '3', '--out', 'x', '--set', 'popInvisibleTime=1234'], /^--set: /],
      [['--cks', '3', '--out', 'x', '--cks', '4'], /^--cks is given more than once/],
      [['--cks', '3', '--out', 'x', '--bogus'], /^unknown option '--bogus'/],
    ];
    for (const [argv, re] of cases) {
      const r = await cli('simulate', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      const line = r.stderr.replace(/^popcheck: /, '');
      expect(line.trimEnd().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(line.trimEnd(), argv.join(' ')).toMatch(re);
    }
  });

  it('--help, and help simulate', async () => {
    const r = await cli('simulate', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: popcheck simulate --cks N --out FILE/);
    expect((await cli('help', 'simulate')).stdout).toBe(r.stdout);
    expect((await cli('help')).stdout).toMatch(/popcheck simulate --cks N --out FILE/);
  });
});
