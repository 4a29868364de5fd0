/**
 * `popcheck explain`: the walkthrough of #8835 names what happens (the flush, brokerName=null,
 * the dropped ACK, the retried offsets the model computes) and its 5.3.2 coda; a check that
 * holds walks nothing; usage errors are one line; a trace written by check --trace-out walks
 * the same steps; --json follows its schema; text fits 100 columns, plain unless a terminal.
 */
import { describe, expect, it } from 'vitest';
import { run } from '../../cli/run.js';
import { ExplainReportSchema } from '../../cli/report-schema.js';
import { sequenceDiagram } from '../../model/sequence-diagram.js';
import { bugSession } from '../../model/session.js';
import { bin, cli, FILES } from './helpers.js';

const widest = (text: string): number => Math.max(...text.split('\n').map((l) => l.length));

describe('popcheck explain --bug 8835', () => {
  it('exits 1 and tells the flush, the null brokerName, the dropped ACK, the retried offsets and the 5.3.2 coda', async () => {
    const r = bin('explain', '--bug', '8835');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const { session } = bugSession('8835');
    const flush = session.steps.find((s) => s.observations.some((o) => o.kind === 'scanFlush'))!;
    const so = flush.observations.find((o) => o.kind === 'scanFlush')!.ck.startOffset;
    expect(r.stdout).toMatch(new RegExp(`Step ${flush.index} — [0-9.]+ s — the buffer scan flushes CK@${so}`));
    expect(r.stdout).toContain('bn=null');
    expect(r.stdout).toContain('brokerName not set');
    expect(r.stdout).toContain('ACK dropped');
    const retried = session.panels().retryTopic.messages.map((m) => m.offset);
    expect(retried.length).toBeGreaterThan(0);
    for (const o of retried) {
      expect(r.stdout).toContain(`offset ${o} not acked -> written to %RETRY%`);
      expect(r.stdout).toContain(`${o} (DUPLICATE: acked)`);
    }
    expect(r.stdout).toMatch(/acked-never-retried broke at step \d+/);
    expect(r.stdout).toContain(`The same ${session.steps.length} steps on 5.3.2`);
    expect(r.stdout).toContain(`The runs part at step ${flush.index}`);
    expect(r.stdout).toContain('Nothing breaks on 5.3.2.');
    expect(r.stdout).toContain(`The retry of ${retried.join(', ')} is gone.`);
    expect(r.stdout).toContain('https://github.com/apache/rocketmq/issues/8835');
    expect(widest(r.stdout)).toBeLessThanOrEqual(100);
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('--fixed walks the same steps on 5.3.2 and exits 0', async () => {
    const r = await cli('explain', '--bug', '8835', '--fixed');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Nothing broke');
    expect(r.stdout).toContain('The same 7 steps on 5.3.1 (the buggy release)');
    expect(r.stdout).toContain('retry     %RETRY%GID_POP_TopicTest: nothing');
  });

  it('--json follows its schema, with the panels after every step', async () => {
    const r = await cli('explain', '--bug', '8835', '--json');
    expect(r.code).toBe(1);
    const j = ExplainReportSchema.parse(JSON.parse(r.stdout));
    const { session } = bugSession('8835');
    expect(j.steps.map((s) => s.event)).toEqual(session.events);
    expect(j.steps.at(-1)!.panels).toEqual(session.panels());
    expect(j.broken[0].invariant).toBe('acked-never-retried');
    expect(j.coda?.retriedThere).toEqual([]);
    expect(j.steps.every((s) => s.changed.length > 0)).toBe(true);
  });
});

describe('popcheck explain with scenario flags', () => {
  it('--rocketmq 5.3.2 (ack-flush) holds: says so, walks nothing, exits 0', async () => {
    const r = await cli('explain', '--rocketmq', '5.3.2');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('every invariant holds');
    expect(r.stdout).not.toContain('Step 1');
  });

  it('the default walks check\'s shortest counterexample and exits 1', async () => {
    const c = JSON.parse((await cli('check', '--json')).stdout);
    const r = await cli('explain', '--json');
    expect(r.code).toBe(1);
    const j = ExplainReportSchema.parse(JSON.parse(r.stdout));
    expect(j.steps.map((s) => s.event)).toEqual(c.counterexample.steps.map((s: { event: unknown }) => s.event));
    expect(j.check?.states).toBe(c.states);
    expect(j.broken[0].invariant).toBe(c.invariant);
    // The known bug check names (#8835 on 5.3.1), in the summary and in the intro.
    expect(j.check?.knownBugs).toEqual([{ id: '8835', kind: 'bug', title: c.violations[0].knownBugs[0].title, fixedIn: '5.3.2' }]);
    expect(j.intro.join(' ')).toContain('It is a known bug: #8835,');
    expect(j.intro.join(' ')).toContain('`popcheck explain --bug 8835`');
    const good = ExplainReportSchema.parse(JSON.parse((await cli('explain', '--rocketmq', '5.3.2', '--json')).stdout));
    expect(good.check?.knownBugs).toEqual([]);
    expect(good.intro.join(' ')).not.toContain('known bug');
    const t = await cli('explain', '--scenario', 'full');
    expect(t.code).toBe(1);
    expect(widest(t.stdout)).toBeLessThanOrEqual(100);
  });

  it('--max-states that stops the check early: exit 3', async () => {
    const r = await cli('explain', '--scenario', 'full', '--rocketmq', '5.3.2', '--max-states', '5');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('stopped early');
  });
});

describe('popcheck explain --trace', () => {
  it('walks the same steps as the counterexample check --trace-out wrote', async () => {
    const c = await cli('check', '--messages', '2', '--trace-out', 'explain-t.jsonl', '--json');
    expect(c.code).toBe(1);
    const events = JSON.parse(c.stdout).counterexample.steps.map((s: { event: unknown }) => s.event);
    const r = await cli('explain', '--trace', 'explain-t.jsonl', '--json');
    expect(r.code).toBe(1);
    const j = ExplainReportSchema.parse(JSON.parse(r.stdout));
    expect(j.source).toEqual({ kind: 'trace', file: 'explain-t.jsonl' });
    expect(j.steps.map((s) => s.event)).toEqual(events);
    const text = await cli('explain', '--trace', 'explain-t.jsonl');
    expect(text.stdout).toContain(`Step ${events.length} —`);
  });

  it('a trace the protocol refuses: walked up to the refusal, named by file:line, exit 1', async () => {
    FILES.set('explain-d.jsonl', [
      '{"popcheck":"trace","version":1,"scenario":"ack-flush","messages":2,"rocketmq":"5.3.2"}',
      '{"type":"pop","queueId":0,"maxNums":2,"at":0}',
      '{"type":"ack","queueId":0,"startOffset":100,"popTime":0,"offset":107,"at":1000}',
    ].join('\n'));
    const r = await cli('explain', '--trace', 'explain-d.jsonl');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('explain-d.jsonl:3: step 2 is refused by the model: no receipt handle for offset 107');
    expect(r.stdout).toContain('Step 1 —');
    expect(r.stdout).not.toContain('Step 2 —');
  });

  it('a malformed trace line or a missing file: exit 2, one line naming it', async () => {
    FILES.set('explain-bad.jsonl', ['{"popcheck":"trace","version":1,"scenario":"ack-flush","messages":2,"rocketmq":"5.3.2"}', '{"type":"nope"}'].join('\n'));
    const bad = await cli('explain', '--trace', 'explain-bad.jsonl');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^popcheck: explain-bad\.jsonl:2: not an event/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const missing = await cli('explain', '--trace', 'no-such.jsonl');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--trace no-such.jsonl: cannot read: ENOENT');
  });
});

describe('popcheck explain usage', () => {
  for (const [argv, flag] of [
    [['--bogus'], '--bogus'],
    [['--fixed'], '--fixed'],
    [['--bug', 'nope'], '--bug'],
    [['--bug', '8835', '--messages', '3'], '--messages'],
    [['--bug', '8835', '--trace', 'x'], '--trace'],
    [['--trace', 'x', '--rocketmq', '5.3.2'], '--rocketmq'],
    [['--messages', '99'], '--messages'],
    [['--rocketmq', '9.9'], '--rocketmq'],
    [['--bug', '8835', '--bug', '8835'], '--bug'],
  ] as const) {
    it(`${argv.join(' ')}: exit 2, one line naming ${flag}`, async () => {
      const r = await cli('explain', ...argv);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(flag);
    });
  }

  it('--help and help explain print the usage', async () => {
    for (const argv of [['explain', '--help'], ['help', 'explain']]) {
      const r = await cli(...argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: popcheck explain');
    }
  });
});

describe('popcheck explain output', () => {
  it('bold and colour only on a terminal', async () => {
    let out = '';
    const code = await run(['explain', '--bug', '8835'], {
      out: (s) => (out += s),
      err: () => {},
      tty: null,
      color: true,
      now: () => 0,
      memory: () => 0,
      debug: false,
      readFile: () => '',
      writeFile: () => {},
    });
    expect(code).toBe(1);
    expect(out).toContain('\x1b[1m');
    const plain = (await cli('explain', '--bug', '8835')).stdout;
    expect(plain).not.toContain('\x1b');
    // the same text once the styling is taken out
    expect(out.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('--mermaid FILE writes the sequence diagram of the walked steps', async () => {
    const r = await cli('explain', '--bug', '8835', '--mermaid', 'explain.mmd');
    expect(r.code).toBe(1);
    const w = JSON.parse((await cli('explain', '--bug', '8835', '--json')).stdout);
    expect(FILES.get('explain.mmd')).toBe(sequenceDiagram(bugSession('8835').session.steps, { title: w.title }));
    expect(FILES.get('explain.mmd')).toMatch(/^sequenceDiagram/m);
  });
});
