/**
 * The `--json` outputs against their published schemas: real reports parse with the strict
 * zod schemas (a field added without its schema fails), and docs/schemas/ is current.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { BugReportSchema, CheckReportSchema, jsonSchemaText, PUBLISHED_SCHEMAS, ReplayReportSchema, ValidateReportSchema } from '../../cli/report-schema.js';
import { fileURLToPath } from 'node:url';
import { cli, FILES } from './helpers.js';

async function json(...argv: string[]): Promise<unknown> {
  const r = await cli(...argv);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

describe('the --json reports follow their schemas', () => {
  it('check: holds, violated with states, incomplete, full scenario', async () => {
    for (const argv of [
      ['check', '--json', '--rocketmq', '5.3.2'],
      ['check', '--json', '--with-states'],
      ['check', '--json', '--scenario', 'full', '--rocketmq', '5.3.1', '--with-states'],
      ['check', '--json', '--scenario', 'full', '--max-states', '10'],
    ]) {
      const parsed = CheckReportSchema.safeParse(await json(...argv));
      expect(parsed.success, `${argv.join(' ')}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it('check --bug', async () => {
    const parsed = BugReportSchema.safeParse(await json('check', '--bug', '8835', '--json'));
    expect(parsed.success, parsed.error?.message).toBe(true);
  });

  it('replay: violated and diverging traces', async () => {
    FILES.set('t.jsonl', [
      '{"popcheck":"trace","version":1,"scenario":"ack-flush","messages":2,"rocketmq":"5.3.1"}',
      '{"type":"pop","queueId":0,"maxNums":2,"at":0}',
      '{"type":"ack","queueId":0,"startOffset":100,"popTime":0,"offset":100,"at":1000}',
      '{"type":"scan","at":10500}',
    ].join('\n'));
    FILES.set('d.jsonl', ['{"popcheck":"trace","version":1,"scenario":"ack-flush","messages":2,"rocketmq":"5.3.1"}', '{"type":"revive","at":0}', '{"type":"ack","queueId":0,"startOffset":100,"popTime":0,"offset":100,"at":1000}'].join('\n'));
    for (const f of ['t.jsonl', 'd.jsonl']) {
      const parsed = ReplayReportSchema.safeParse(await json('replay', f, '--json'));
      expect(parsed.success, `${f}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it('validate: violated, conforming, diverging and several files', async () => {
    const fx = (n: string): string => fileURLToPath(new URL(`../fixtures/poplog/${n}`, import.meta.url));
    const runs: [string[], string][] = [
      [[fx('8835-5.3.1.log'), '--rocketmq', '5.3.1'], 'violated'],
      [[fx('8835-5.3.2.log'), '--rocketmq', '5.3.2'], 'conforms'],
      [[fx('8835-5.3.1.log'), '--rocketmq', '5.3.2'], 'diverges'],
      [[fx('8835-5.3.2.log'), fx('8835-5.3.1.log'), fx('pop-default.log'), '--rocketmq', '5.3.1'], 'violated'],
    ];
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const published = ajv.compile(JSON.parse(readFileSync(new URL('../../docs/schemas/validate-report.schema.json', import.meta.url), 'utf8')));
    for (const [argv, verdict] of runs) {
      const report = (await json('validate', ...argv, '--json')) as Record<string, unknown>;
      const parsed = ValidateReportSchema.safeParse(report);
      expect(parsed.success, `${argv.join(' ')}: ${parsed.error?.message}`).toBe(true);
      expect(report.verdict).toBe(verdict);
      expect(published(report), JSON.stringify(published.errors)).toBe(true);
    }
  });

  it('a report with a field its schema does not have is refused (the schemas are strict)', async () => {
    const report = (await json('check', '--json', '--rocketmq', '5.3.2')) as Record<string, unknown>;
    expect(CheckReportSchema.safeParse({ ...report, extra: 1 }).success).toBe(false);
    const { verdict: _v, ...noVerdict } = report;
    expect(CheckReportSchema.safeParse(noVerdict).success).toBe(false);
  });
});

describe('docs/schemas', () => {
  it('the published JSON Schemas accept real reports and refuse a broken one (checked with Ajv, not zod)', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const load = (name: string) => ajv.compile(JSON.parse(readFileSync(new URL(`../../docs/schemas/${name}`, import.meta.url), 'utf8')));
    const checkReport = load('check-report.schema.json');
    const report = (await json('check', '--json', '--with-states')) as Record<string, unknown>;
    expect(checkReport(report), JSON.stringify(checkReport.errors)).toBe(true);
    expect(checkReport({ ...report, verdict: 'maybe' })).toBe(false);
    const bug = load('bug-report.schema.json');
    expect(bug(await json('check', '--bug', 'I-9', '--json')), JSON.stringify(bug.errors)).toBe(true);
    const explain = load('explain-report.schema.json');
    for (const argv of [['--bug', '8835'], ['--bug', '8835-batch', '--fixed'], ['--scenario', 'full'], ['--rocketmq', '5.3.2']]) {
      const r = await cli('explain', ...argv, '--json');
      const j = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(explain(j), `${argv.join(' ')}: ${JSON.stringify(explain.errors)}`).toBe(true);
      expect(explain({ ...j, verdict: 'maybe' })).toBe(false);
    }
    const event = load('trace-event.schema.json');
    expect(event({ type: 'ack', queueId: 0, startOffset: 100, popTime: 0, offset: 100, at: 1000 })).toBe(true);
    expect(event({ type: 'ack', queueId: 0 })).toBe(false);
  });

  it('holds the JSON Schemas generated from the zod schemas (run `npm run docs` after changing them)', () => {
    for (const [name, schema] of PUBLISHED_SCHEMAS) {
      expect(readFileSync(new URL(`../../docs/schemas/${name}`, import.meta.url), 'utf8'), name).toBe(jsonSchemaText(name, schema));
    }
  });
});
