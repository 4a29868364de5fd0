/**
 * `check --trace-out FILE --trace-format poplog|jsonl` and `check --itf FILE`: the
 * counterexample as the pop.log its broker would write, and as an ITF trace.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { NarratedStep } from '../../model/narrate.js';
import { COUNTEREXAMPLE_ORIGIN, modelQueueOf } from '../../traces/counterexample-poplog.js';
import { ItfTraceSchema, ITF_VARS } from '../../traces/itf.js';
import { parsePopLogLine, type PopLogRecord } from '../../traces/poplog.js';
import { expectLines, lineMismatch, type CkWorld, type LineExpect } from '../../traces/poplog-expect.js';
import { parsePopLogJsonlHeader, parsePopLogJsonlLine } from '../../traces/poplog-jsonl.js';
import { cli, FILES } from './helpers.js';

async function counterexample(...argv: string[]): Promise<readonly NarratedStep[]> {
  const r = await cli('check', '--json', ...argv);
  const report = JSON.parse(r.stdout) as { counterexample: { steps: NarratedStep[] } | null; buggy?: { counterexample: { steps: NarratedStep[] } } };
  return (report.buggy?.counterexample ?? report.counterexample)!.steps;
}

/** The lines the counterexample's observations print, in order (model queue q is RocketMQ queueId queueIds[q]). */
function expected(steps: readonly NarratedStep[], queueIds: readonly number[] = [0, 1, 2, 3]): { e: LineExpect; at: number }[] {
  const out: { e: LineExpect; at: number }[] = [];
  for (const s of steps) {
    for (const o of s.observations) {
      const w: CkWorld = { topic: 'TopicA', group: 'GroupA', queueId: queueIds[modelQueueOf(o) ?? 0], brokerName: 'broker-a', otherBroker: 'broker-b', origin: COUNTEREXAMPLE_ORIGIN, offsetShift: 0 };
      for (const e of expectLines(o, w)) out.push({ e, at: COUNTEREXAMPLE_ORIGIN + s.time });
    }
  }
  return out;
}

const lines = (s: string): string[] => s.split('\n').slice(0, -1);

describe('check --trace-out --trace-format', () => {
  it('poplog: one line per expected line of the counterexample, in order, each the line lineMismatch expects', async () => {
    for (const argv of [[], ['--batch-ack'], ['--scenario', 'full', '--rocketmq', '5.3.1', '--queues', '2', '--queue-ids', '3,5']]) {
      const r = await cli('check', '--trace-out', 'cx.log', '--trace-format', 'poplog', ...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      const log = lines(FILES.get('cx.log')!);
      const want = expected(await counterexample(...argv), argv.includes('--queue-ids') ? [3, 5] : undefined);
      expect(log.length).toBe(want.length);
      expect(log.length).toBeGreaterThan(5);
      log.forEach((l, i) => {
        const rec = parsePopLogLine(l, i + 1) as PopLogRecord;
        expect(lineMismatch(want[i].e, rec), l).toBeNull();
        expect(rec.time.from <= want[i].at && want[i].at <= rec.time.to).toBe(true);
      });
      if (argv.includes('--queue-ids')) expect(log.some((l) => /queueId=[35],/.test(l))).toBe(true);
    }
  });

  it('jsonl: the header, then the same lines with exact times', async () => {
    const r = await cli('check', '--rocketmq', '5.3.1', '--trace-out', 'cx.jsonl', '--trace-format', 'jsonl');
    expect(r.code).toBe(1);
    const [head, ...rest] = lines(FILES.get('cx.jsonl')!);
    expect(parsePopLogJsonlHeader(head)).toEqual({ ok: true, header: { popcheck: 'poplog', version: 1, rocketmq: '5.3.1' } });
    const want = expected(await counterexample());
    expect(rest.length).toBe(want.length);
    rest.forEach((l, i) => {
      const rec = parsePopLogJsonlLine(l, i + 2) as PopLogRecord;
      expect(lineMismatch(want[i].e, rec), l).toBeNull();
      expect(rec.time).toEqual({ from: want[i].at, to: want[i].at });
    });
  });

  it('--bug writes the buggy run; the default format is still the replayable trace', async () => {
    const r = await cli('check', '--bug', '8835', '--trace-out', 'bug.log', '--trace-format', 'poplog');
    expect(r.code).toBe(0);
    const want = expected(await counterexample('--bug', '8835'));
    expect(lines(FILES.get('bug.log')!).length).toBe(want.length);
    expect(FILES.get('bug.log')).toMatch(/put ack to store ok: .*brokerName=null\}, PutMessageResult/);
    await cli('check', '--trace-out', 't.jsonl');
    expect(JSON.parse(lines(FILES.get('t.jsonl')!)[0])).toMatchObject({ popcheck: 'trace', version: 1 });
  });

  it('usage errors: a release without the 5.3.x formats, a bad format, --trace-format alone', async () => {
    const cases: [string[], RegExp][] = [
      [['--rocketmq', '5.1.0', '--trace-out', 'x', '--trace-format', 'poplog'], /^--trace-format poplog: pop\.log output needs a release with the 5\.3\.x pop\.log formats/],
      [['--rocketmq', '5.0.0', '--trace-out', 'x', '--trace-format', 'jsonl'], /^--trace-format jsonl: /],
      [['--trace-out', 'x', '--trace-format', 'xml'], /^--trace-format must be one of trace, poplog, jsonl \(got 'xml'\)$/],
      [['--trace-format', 'poplog'], /^--trace-format says what --trace-out writes/],
    ];
    for (const [argv, re] of cases) {
      const r = await cli('check', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr.replace(/^popcheck: /, '').trimEnd()).toMatch(re);
    }
    // The trace format itself works on every release.
    expect((await cli('check', '--rocketmq', '5.1.0', '--trace-out', 'old.jsonl')).code).not.toBe(2);
  });
});

describe('check --itf', () => {
  it('writes an ITF trace: the initial state and one per step, the action taken, integers as #bigint', async () => {
    for (const argv of [[], ['--scenario', 'full', '--rocketmq', '5.3.1']]) {
      const r = await cli('check', '--itf', 'cx.itf.json', ...argv);
      expect(r.code).toBe(1);
      const raw = JSON.parse(FILES.get('cx.itf.json')!) as unknown;
      const parsed = ItfTraceSchema.safeParse(raw);
      expect(parsed.success, parsed.error?.message).toBe(true);
      const itf = parsed.data!;
      const steps = await counterexample(...argv);
      expect(itf.states).toHaveLength(steps.length + 1);
      expect(itf.vars).toEqual([...ITF_VARS]);
      expect(itf['#meta']).toMatchObject({ format: 'ITF', source: 'popcheck', invariant: 'acked-never-retried' });
      itf.states.forEach((s, i) => {
        expect(s['#meta']).toEqual({ index: i });
        expect(s.action).toMatchObject({ tag: i === 0 ? 'init' : steps[i - 1].event.type });
        if (i > 0) expect(s.now).toEqual({ '#bigint': String(steps[i - 1].time) });
      });
      // A CK's brokerName is an Option; offset sets are sets.
      const last = itf.states.at(-1)! as Record<string, unknown>;
      const ck = (last.cks as Record<string, unknown>[])[0];
      expect(ck.brokerName).toEqual({ tag: 'Some', value: 'broker-a' });
      expect(ck.retried).toHaveProperty('#set');
    }
  });

  it('the schema refuses a state without a variable, a bad #bigint, a record field starting with #', () => {
    const ok = { vars: ['x'], states: [{ '#meta': { index: 0 }, x: { '#bigint': '1' } }] };
    expect(ItfTraceSchema.safeParse(ok).success).toBe(true);
    expect(ItfTraceSchema.safeParse({ ...ok, states: [{ y: true }] }).success).toBe(false);
    expect(ItfTraceSchema.safeParse({ ...ok, states: [{ x: { '#bigint': '1.5' } }] }).success).toBe(false);
    expect(ItfTraceSchema.safeParse({ ...ok, states: [{ x: { '#weird': 1 } }] }).success).toBe(false);
    expect(ItfTraceSchema.safeParse({ ...ok, extra: 1 }).success).toBe(false);
  });

  it('no counterexample: a note on stderr, no file; --itf with --bug writes the buggy run', async () => {
    FILES.delete('none.itf.json');
    const r = await cli('check', '--rocketmq', '5.3.2', '--itf', 'none.itf.json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('popcheck: note: --itf: no counterexample to write (verdict holds); none.itf.json not written\n');
    expect(FILES.has('none.itf.json')).toBe(false);
    expect((await cli('check', '--bug', '8835', '--itf', 'bug.itf.json')).code).toBe(0);
    expect(ItfTraceSchema.safeParse(JSON.parse(FILES.get('bug.itf.json')!)).success).toBe(true);
  });

  it('the published JSON Schema (checked with Ajv) accepts the ITF file and the pop.log JSONL lines', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const load = (name: string) => ajv.compile(JSON.parse(readFileSync(new URL(`../../docs/schemas/${name}`, import.meta.url), 'utf8')));
    await cli('check', '--itf', 'a.itf.json', '--trace-out', 'a.jsonl', '--trace-format', 'jsonl');
    const itf = load('itf-trace.schema.json');
    expect(itf(JSON.parse(FILES.get('a.itf.json')!)), JSON.stringify(itf.errors)).toBe(true);
    expect(itf({ vars: [], states: [{ x: { '#bigint': 'x' } }] })).toBe(false);
    const [head, ...rest] = lines(FILES.get('a.jsonl')!);
    expect(load('poplog-jsonl-header.schema.json')(JSON.parse(head))).toBe(true);
    const line = load('poplog-jsonl-line.schema.json');
    for (const l of rest) expect(line(JSON.parse(l)), JSON.stringify(line.errors)).toBe(true);
    expect(line({ time: 1, level: 'INFO', thread: 't', kind: 'nope', message: '' })).toBe(false);
  });
});
