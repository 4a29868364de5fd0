import { describe, expect, it } from 'vitest';
import { readTrace } from '../../traces/index.js';
import { cli, FILES } from '../cli/helpers.js';

const HEADER = '{"popcheck":"trace","version":1,"scenario":"ack-flush","messages":2,"rocketmq":"5.3.2"}';

describe('reading traces', () => {
  it('uses every event line, and counts blank and comment lines', async () => {
    const r = readTrace(`${HEADER}\n\n# pop first\n{"type":"pop","queueId":0,"maxNums":2,"at":0}\n{"type":"scan","at":10500}\n`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.events.map((e) => e.line)).toEqual([4, 5]);
    expect(r.skipped).toEqual([2, 3]);
  });

  it('names the line of the first malformed input', async () => {
    const cases: [string, number, RegExp][] = [
      [`${HEADER}\n{"type":"pop"`, 2, /not JSON/],
      [`${HEADER}\n{"type":"pop","queueId":0,"maxNums":99}`, 2, /maxNums/],
      [`${HEADER}\n{"type":"nap"}`, 2, /not an event/],
      ['{"popcheck":"trace","version":2}', 1, /header/],
      ['', 1, /no header/],
    ];
    for (const [text, line, msg] of cases) {
      const r = readTrace(text);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error.line).toBe(line);
      expect(r.error.message).toMatch(msg);
    }
  });
});

describe('popcheck replay', () => {
  it('replays the counterexample it wrote, with the same violation (round trip)', async () => {
    const chk = await cli('check', '--rocketmq', '5.3.1', '--trace-out', 'ce.jsonl', '--json');
    expect(chk.code).toBe(1);
    const r = await cli('replay', 'ce.jsonl', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.verdict).toBe('violated');
    expect(j.violations.map((v: { invariant: string }) => v.invariant)).toContain('acked-never-retried');
    const at = j.violations.find((v: { invariant: string }) => v.invariant === 'acked-never-retried').line;
    expect(at).toBe(9);
    expect(j.finalState.cks[0].retried).toEqual([100, 101]);
  });

  it('a trace the protocol allows conforms (exit 0)', async () => {
    FILES.set(
      'ok.jsonl',
      [
        HEADER,
        '{"type":"pop","queueId":0,"maxNums":2,"at":0}',
        '{"type":"ack","queueId":0,"startOffset":100,"popTime":0,"offset":100,"at":1000}',
        '{"type":"scan","at":10500}',
        '{"type":"ack","queueId":0,"startOffset":100,"popTime":0,"offset":101}',
        '{"type":"timer","at":59000}',
        '{"type":"timer","at":60000}',
        '{"type":"revive","at":63500}',
      ].join('\n'),
    );
    const r = await cli('replay', 'ok.jsonl');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('CONFORMS');
    expect(r.stdout).toContain('7 event line(s), 7 replayed');
  });

  it('names the first line the protocol does not allow, and why', async () => {
    FILES.set('bad.jsonl', `${HEADER}\n# comment\n{"type":"pop","queueId":0,"maxNums":2,"at":5000}\n{"type":"timer","at":1000}\n{"type":"scan"}\n`);
    const r = await cli('replay', 'bad.jsonl', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.verdict).toBe('diverges');
    expect(j.divergence.line).toBe(4);
    expect(j.divergence.reason).toMatch(/time cannot go back/);
    expect(j.lines).toEqual({ events: 3, used: 1, skipped: [2] });
  });

  it('input errors exit 2 with file:line', async () => {
    FILES.set('broken.jsonl', `${HEADER}\n{"type":"pop","queueId":0}\n`);
    const r = await cli('replay', 'broken.jsonl');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^popcheck: broken\.jsonl:2: not an event: maxNums/);
    expect((await cli('replay', 'missing.jsonl')).stderr).toMatch(/missing\.jsonl: cannot read: ENOENT/);
    expect((await cli('replay')).code).toBe(2);
    FILES.set('badhdr.jsonl', '{"popcheck":"trace","version":1,"scenario":"ack-flush","messages":99,"rocketmq":"5.3.2"}\n');
    expect((await cli('replay', 'badhdr.jsonl')).stderr).toMatch(/badhdr\.jsonl:1: /);
  });

  it('--trace-out without a counterexample is a usage error', async () => {
    const r = await cli('check', '--rocketmq', '5.3.2', '--trace-out', 'x.jsonl');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no counterexample/);
  });
});
