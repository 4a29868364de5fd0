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
    expect(r.stdout).toContain('Final invariants (no-loss, commit-progress) checked: the trace ends at rest.');
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

  it('--trace-out without a counterexample prints the report, notes it on stderr and exits as the verdict says', async () => {
    FILES.delete('x.jsonl');
    const r = await cli('check', '--rocketmq', '5.3.2', '--trace-out', 'x.jsonl');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('holds');
    expect(r.stderr).toMatch(/^popcheck: note: --trace-out: no counterexample to write \(verdict holds\); x\.jsonl not written\n$/);
    expect(FILES.has('x.jsonl')).toBe(false);
    const inc = await cli('check', '--rocketmq', '5.3.2', '--max-states', '5', '--trace-out', 'x.jsonl', '--json');
    expect(inc.code).toBe(3);
    expect(JSON.parse(inc.stdout).verdict).toBe('incomplete');
    expect(inc.stderr).toMatch(/no counterexample to write \(verdict incomplete\)/);
    expect(FILES.has('x.jsonl')).toBe(false);
  });

  it('--bug ID --trace-out writes the buggy release\'s counterexample, which replays to the same violation', async () => {
    const r = await cli('check', '--bug', '8835', '--trace-out', 'bug.jsonl');
    expect(r.code).toBe(0);
    const header = JSON.parse(FILES.get('bug.jsonl')!.split('\n')[0]);
    expect(header).toMatchObject({ scenario: 'ack-flush', messages: 2, rocketmq: '5.3.1', invariants: ['acked-never-retried'] });
    const rep = await cli('replay', 'bug.jsonl', '--json');
    expect(rep.code).toBe(1);
    expect(JSON.parse(rep.stdout).violations[0].invariant).toBe('acked-never-retried');
  });
});

const FULL = '{"popcheck":"trace","version":1,"scenario":"full","messages":3,"rocketmq":"5.3.2"}';

describe('replay: numbers and bounds the model cannot take', () => {
  it('an event time the Int32 state cannot hold is an input error naming file:line, not a wrapped time', async () => {
    FILES.set('far.jsonl', `${HEADER}\n{"type":"pop","queueId":0,"maxNums":2,"at":3000000000}\n`);
    const r = await cli('replay', 'far.jsonl');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('popcheck: far.jsonl:2: not an event: at: must be an integer from 0 to 1000000000 (got 3000000000)');
    FILES.set('far2.jsonl', `${HEADER}\n{"type":"ack","queueId":0,"startOffset":100,"popTime":3000000000,"offset":100}\n`);
    expect((await cli('replay', 'far2.jsonl')).stderr).toMatch(/far2\.jsonl:2: not an event: popTime: must be an integer/);
    FILES.set('far3.jsonl', `${HEADER}\n{"type":"ack","queueId":0,"startOffset":100,"popTime":0,"offset":99999999999}\n`);
    expect((await cli('replay', 'far3.jsonl')).stderr).toMatch(/far3\.jsonl:2: not an event: offset: must be an integer from 0 to 1073741824/);
  });

  it('a header\'s bounds are checked like the CLI flags: range, sign, unknown names', async () => {
    const cases: [string, RegExp][] = [
      ['{"retryFailures":10000000}', /bounds\.retryFailures: must be an integer from 0 to 4 \(got 10000000\)/],
      ['{"crashes":-1}', /bounds\.crashes: must be an integer from 0 to 4/],
      ['{"crashs":1}', /bounds: Unrecognized key: "crashs"/],
      ['{"firstOffsets":[2147483646]}', /bounds\.firstOffsets\.0: must be an integer from 0 to 1073741823/],
    ];
    for (const [bounds, msg] of cases) {
      FILES.set('hdr.jsonl', `${FULL.slice(0, -1)},"bounds":${bounds}}\n{"type":"scan"}\n`);
      const started = Date.now();
      const r = await cli('replay', 'hdr.jsonl');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^popcheck: hdr\.jsonl:1: not a popcheck trace header: /);
      expect(r.stderr).toMatch(msg);
      expect(Date.now() - started).toBeLessThan(2000);
    }
    FILES.set('hdr2.jsonl', '{"popcheck":"trace","version":1,"scenario":"ack-flush","messages":3,"rocketmq":"5.3.2","bounds":{"pops":2}}\n');
    expect((await cli('replay', 'hdr2.jsonl')).stderr).toMatch(/hdr2\.jsonl:1: .*bounds\.pops: applies to the full scenario/);
  });

  it('an event beyond the header\'s bounds diverges naming the bound (no internal error)', async () => {
    FILES.set('rf.jsonl', `${FULL}\n{"type":"revive","retryFails":true}\n`);
    const r = await cli('replay', 'rf.jsonl', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.verdict).toBe('diverges');
    expect(j.divergence.line).toBe(2);
    expect(j.divergence.reason).toMatch(/exceeds the bounds: .*bounds\.retryFailures is 0/);
    FILES.set('pops.jsonl', `${FULL.slice(0, -1)},"bounds":{"pops":1}}\n{"type":"pop","queueId":0,"maxNums":1}\n{"type":"pop","queueId":0,"maxNums":1}\n`);
    const p = JSON.parse((await cli('replay', 'pops.jsonl', '--json')).stdout);
    expect(p.divergence).toMatchObject({ line: 3 });
    expect(p.divergence.reason).toMatch(/pop number 2, and bounds\.pops is 1/);
    FILES.set('af.jsonl', `${HEADER}\n{"type":"revive","retryFails":true}\n`);
    expect(JSON.parse((await cli('replay', 'af.jsonl', '--json')).stdout).divergence.reason).toMatch(/ack-flush has no failing retry writes/);
  });
});

describe('replay: final invariants at the end of the trace', () => {
  it('a trace that ends at rest has its final invariants checked; a loss is reported on the last line', async () => {
    const chk = await cli('check', '--bug', '7914', '--trace-out', 'loss.jsonl');
    expect(chk.code).toBe(0);
    const lines = FILES.get('loss.jsonl')!.trim().split('\n').length;
    const r = await cli('replay', 'loss.jsonl', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.verdict).toBe('violated');
    expect(j.violations).toEqual([expect.objectContaining({ invariant: 'no-loss', line: lines })]);
    expect(j.finalInvariants).toMatchObject({ checked: true, invariants: ['no-loss'], pending: [] });
    expect((await cli('replay', 'loss.jsonl')).stdout).toContain(`VIOLATED no-loss after loss.jsonl:${lines}`);
  });

  it('a trace that stops with events pending says the final invariants were not checked, and why', async () => {
    FILES.set('early.jsonl', `${HEADER}\n{"type":"pop","queueId":0,"maxNums":2,"at":0}\n`);
    const r = await cli('replay', 'early.jsonl', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.finalInvariants.checked).toBe(false);
    expect(j.finalInvariants.reason).toMatch(/still enabled/);
    expect(j.finalInvariants.pendingCount).toBeGreaterThan(0);
    expect(j.finalInvariants.pending.length).toBeGreaterThan(0);
    expect((await cli('replay', 'early.jsonl')).stdout).toMatch(/Final invariants \(no-loss, commit-progress\) NOT checked: .*still enabled.*pending: \{"type":"ack"/);
  });
});
