import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bugSession } from '../../model/session.js';
import { loadFile } from '../../web/files.js';
import { cli, FILES, ROOT } from '../cli/helpers.js';

const header = JSON.stringify({ popcheck: 'trace', version: 1, scenario: 'ack-flush', messages: 2, rocketmq: '5.3.1' });

describe('a file dropped on the page (web/files.ts)', () => {
  it('opens a popcheck trace as a session of its header model', () => {
    const bug = bugSession('8835').session;
    const r = loadFile('cx.jsonl', [header, '# a comment', ...bug.events.map((e) => JSON.stringify(e))].join('\n'));
    expect(r.kind).toBe('trace');
    if (r.kind !== 'trace') return;
    expect(r.refused).toBeNull();
    expect(r.session.events).toEqual(bug.events);
    expect(r.session.panels()).toEqual(bug.panels());
  });

  it('names the line of a refused step and keeps the steps before it', () => {
    const ack = { type: 'ack', queueId: 0, startOffset: 100, popTime: 0, offset: 100 };
    const r = loadFile('t.jsonl', `${header}\n\n${JSON.stringify(ack)}\n`);
    expect(r.kind === 'trace' && r.refused).toEqual({ line: 3, why: expect.stringMatching(/^no receipt handle for offset 100/) });
  });

  it.each([
    ['', 'e.jsonl:1: the file is empty'],
    [`${header}\n{"type":"pop"}`, /^e\.jsonl:2: not an event: /],
    [`${header}\n{oops`, /^e\.jsonl:2: not JSON/],
    ['{"popcheck":"trace","version":1,"scenario":"nope","messages":2,"rocketmq":"5.3.1"}', /^e\.jsonl:1: not a popcheck trace header: scenario/],
    ['{"popcheck":"poplog","version":1,"rocketmq":"4.9"}', /^e\.jsonl:1: not a pop\.log JSONL header/],
    ['\u0000\u0001binary\nmore', /^e\.jsonl:1: not a pop\.log/],
  ])('refuses %j in one line naming file:line', (text, message) => {
    const r = loadFile('e.jsonl', text);
    expect(r.kind).toBe('error');
    expect(r.error).toMatch(message);
    expect(r.error?.split('\n')).toHaveLength(1);
  });

  it('validates a pop.log: #8835 on 5.3.1 is violated and matched, 5.3.2 conforms', () => {
    const bad = loadFile('a.log', readFileSync(`${ROOT}test/fixtures/poplog/8835-5.3.1.log`, 'utf8'));
    expect(bad.kind === 'poplog' && bad.report.verdict).toBe('violated');
    if (bad.kind !== 'poplog') return;
    expect(bad.report.findings[0].invariant).toBe('acked-never-retried');
    expect(bad.report.findings[0].catalogue).toContain('8835');
    const good = loadFile('b.log', readFileSync(`${ROOT}test/fixtures/poplog/8835-5.3.2.log`, 'utf8'), '5.3.2');
    expect(good.kind === 'poplog' && good.report.verdict).toBe('conforms');
    expect(good.kind === 'poplog' && good.report.diagram).toBeNull();
  });

  it('a violated pop.log carries the headline CK\'s diagram, the one validate --mermaid writes', async () => {
    const path = `${ROOT}test/fixtures/poplog/8835-5.3.1.log`;
    const bad = loadFile('a.log', readFileSync(path, 'utf8'));
    if (bad.kind !== 'poplog') throw new Error(bad.kind);
    expect(bad.report.diagram).toMatch(/Note over BUF,TIMER: L4: AckMsg ao=100 written without brokerName/);
    await cli('validate', path, '--mermaid', 'page.mmd');
    expect(bad.report.diagram).toBe(FILES.get('page.mmd'));
  });
});
