/**
 * Diagrams from the CLI: check --mermaid and --graph, validate --mermaid, popcheck diagram.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mermaidProblems } from '../fixtures/mermaid-grammar.js';
import { cli, FILES, ROOT } from './helpers.js';
import { parsePopLogLine, splitLines } from '../../traces/poplog.js';

describe('check --mermaid', () => {
  it('writes the counterexample as a sequence diagram', async () => {
    FILES.delete('cx.mmd');
    const r = await cli('check', '--mermaid', 'cx.mmd');
    expect(r.code).toBe(1);
    const d = FILES.get('cx.mmd')!;
    expect(mermaidProblems(d)).toEqual([]);
    expect(d).toMatch(/title popcheck ack-flush on RocketMQ 5\.3\.1: acked-never-retried violated/);
    expect(d).toContain('written without brokerName (brokerName=null)');
    expect(d).toContain('ACK dropped');
    expect(d).toMatch(/Note over RT: offset 100 retried: a duplicate of an acked message/);
  });

  it('no counterexample: a note on stderr, no file, the verdict exit code', async () => {
    FILES.delete('none.mmd');
    const r = await cli('check', '--rocketmq', '5.3.2', '--mermaid', 'none.mmd');
    expect(r.code).toBe(0);
    expect(FILES.has('none.mmd')).toBe(false);
    expect(r.stderr).toBe('popcheck: note: --mermaid: no counterexample to write (verdict holds); none.mmd not written\n');
  });

  it('with --bug: the buggy run', async () => {
    const r = await cli('check', '--bug', '8835', '--mermaid', 'bug.mmd');
    expect(r.code).toBe(0);
    expect(FILES.get('bug.mmd')).toContain('brokerName=null');
  });
});

describe('check --graph', () => {
  it('FILE.dot: the DOT graph, one node per state of the unreduced check', async () => {
    const r = await cli('check', '--messages', '2', '--graph', 'g.dot', '--no-symmetry', '--json');
    expect(r.code).toBe(1);
    const states = (JSON.parse(r.stdout) as { states: number }).states;
    const dot = FILES.get('g.dot')!;
    expect(dot).toMatch(/^digraph states \{/);
    expect(dot.match(/^ {2}s\d+ \[/gm)).toHaveLength(states);
    expect(dot).toMatch(/style=bold/);
  });

  it('FILE.svg: rendered by Graphviz (wasm)', async () => {
    const r = await cli('check', '--messages', '2', '--graph', 'g.svg');
    expect(r.code).toBe(1);
    const svg = FILES.get('g.svg')!;
    expect(svg).toMatch(/^(<\?xml|<svg)/);
    expect(svg).toContain('<svg');
    expect(svg).toContain('shortest counterexample');
    expect(svg).toMatch(/stroke-width="3"/);
  });

  it('usage errors: too many states, another extension (one line, exit 2, nothing printed)', async () => {
    for (const [argv, re] of [
      [['--messages', '8', '--graph', 'big.dot'], /^popcheck: --graph: the state space has more than 5000 states .*--messages 4 or fewer\n$/],
      [['--graph', 'g.png'], /^popcheck: --graph writes FILE\.svg or FILE\.dot \(got 'g\.png'\)\n$/],
    ] as const) {
      const r = await cli('check', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stdout).toBe('');
    }
    expect(FILES.has('big.dot')).toBe(false);
  });
});

describe('popcheck diagram', () => {
  it('lifecycle: Markdown with the two Mermaid state diagrams, to stdout or --out', async () => {
    const r = await cli('diagram', 'lifecycle');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/```mermaid\n(---\ntitle: [^\n]+\n---\n)?stateDiagram-v2\n/g)).toHaveLength(2);
    await cli('diagram', 'lifecycle', '--out', 'life.md');
    expect(FILES.get('life.md')).toBe(r.stdout);
  });

  it('sequence --bug 8835: the buggy counterexample; --fixed: its events on 5.3.2, no retry', async () => {
    const buggy = await cli('diagram', 'sequence', '--bug', '8835');
    expect(buggy.code).toBe(0);
    expect(mermaidProblems(buggy.stdout)).toEqual([]);
    expect(buggy.stdout).toMatch(/REV->>RT: offset 100/);
    const fixed = await cli('diagram', 'sequence', '--bug', '8835', '--fixed');
    expect(fixed.code).toBe(0);
    expect(mermaidProblems(fixed.stdout)).toEqual([]);
    expect(fixed.stdout).toMatch(/title #35;8835: the 5\.3\.1 counterexample's events on RocketMQ 5\.3\.2/);
    expect(fixed.stdout).not.toMatch(/->>RT/);
  });

  it('usage errors name the problem', async () => {
    for (const [argv, re] of [
      [[], /diagram takes lifecycle or sequence \(got nothing\)/],
      [['flow'], /diagram takes lifecycle or sequence \(got 'flow'\)/],
      [['sequence'], /diagram sequence needs --bug ID/],
      [['sequence', '--bug', 'nope'], /--bug: unknown catalogue entry 'nope'/],
      [['lifecycle', '--fixed'], /--fixed applies to diagram sequence only/],
    ] as const) {
      const r = await cli('diagram', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(re);
    }
    expect((await cli('help', 'diagram')).stdout).toMatch(/^Usage: popcheck diagram lifecycle/);
  });
});

describe('validate --mermaid', () => {
  const dir = mkdtempSync(join(tmpdir(), 'popcheck-diagrams-'));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    FILES.set(path, text);
    return path;
  };

  it('a violating model trace: its replayed steps', async () => {
    await cli('check', '--trace-out', 'cx.jsonl');
    const path = file('cx.jsonl', FILES.get('cx.jsonl')!);
    const r = await cli('validate', path, '--mermaid', 'v.mmd');
    expect(r.code).toBe(1);
    const d = FILES.get('v.mmd')!;
    expect(mermaidProblems(d)).toEqual([]);
    expect(d).toMatch(/title popcheck validate .*cx\.jsonl \(RocketMQ 5\.3\.1\): violated [a-z-]+ at line \d+/);
    expect(d).toContain('ACK dropped');
  });

  it('a conforming trace: a note, no file', async () => {
    const path = file('ok.jsonl', '{"popcheck":"trace","version":1,"scenario":"ack-flush","messages":1,"rocketmq":"5.3.2"}\n{"type":"pop","queueId":0,"maxNums":1,"at":0}\n');
    FILES.delete('ok.mmd');
    const r = await cli('validate', path, '--mermaid', 'ok.mmd');
    expect(r.stderr).toMatch(/^popcheck: note: --mermaid: no model steps to draw \(verdict conforms\); ok\.mmd not written\n$/);
    expect(FILES.has('ok.mmd')).toBe(false);
  });

  const FIXTURE = `${ROOT}test/fixtures/poplog/8835-5.3.1.log`;

  it('a violating pop.log: the headline CK\'s lines as the broker wrote them, with line numbers and the findings', async () => {
    FILES.delete('log.mmd');
    const r = await cli('validate', FIXTURE, '--mermaid', 'log.mmd');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const d = FILES.get('log.mmd')!;
    expect(mermaidProblems(d)).toEqual([]);
    expect(d).toMatch(/title pop\.log CK TopicA@GroupA@1 startOffset 100 on RocketMQ 5\.3\.1: violated acked-never-retried at line 10/);
    expect(d).toMatch(/BUF->>TIMER: L4 10:15:13 put ack to store ok: AckMsg ao=100 brokerName=null/);
    expect(d).toMatch(/Note over BUF,TIMER: L4: AckMsg ao=100 written without brokerName \(brokerName=null\)/);
    expect(d).toMatch(/REV->>RT: L10 10:16:06 retry msg: offset 100 /);
    expect(d).toMatch(/Note over RT: L10: VIOLATED acked-never-retried.* offsets 100/);
  });

  it('a conforming pop.log: a note, no file, exit 0', async () => {
    FILES.delete('ok-log.mmd');
    const r = await cli('validate', `${ROOT}test/fixtures/poplog/8835-5.3.2.log`, '--rocketmq', '5.3.2', '--mermaid', 'ok-log.mmd');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('popcheck: note: --mermaid: no violated or diverging CK to draw (verdict conforms); ok-log.mmd not written\n');
    expect(FILES.has('ok-log.mmd')).toBe(false);
  });

  it('the JSON Lines form of the log: the same diagram (its line numbers one later, for the header)', async () => {
    const text = splitLines(readFileSync(FIXTURE, 'utf8'));
    const body = text.filter((l) => l !== '').map((l, i) => {
      const r = parsePopLogLine(l, i + 1);
      if (r.kind === 'malformed' || r.kind === 'blank' || r.kind === 'continuation') throw new Error(`fixture line ${i + 1}: ${r.kind}`);
      return JSON.stringify({ time: r.time.from, level: r.level, thread: r.thread, kind: r.kind, message: l.slice(l.indexOf(' - ') + 3) });
    });
    const path = file('8835-5.3.1.jsonl', ['{"popcheck":"poplog","version":1,"rocketmq":"5.3.1"}', ...body, ''].join('\n'));
    await cli('validate', FIXTURE, '--mermaid', 'text.mmd');
    const r = await cli('validate', path, '--mermaid', 'jsonl.mmd');
    expect(r.code).toBe(1);
    const shifted = FILES.get('text.mmd')!.replace(/\bL(\d+)\b/g, (_, n: string) => `L${Number(n) + 1}`).replace(/at line (\d+)/, (_, n: string) => `at line ${Number(n) + 1}`);
    expect(FILES.get('jsonl.mmd')).toBe(shifted);
  });

  it('a diverging pop.log (the 5.3.1 log read as 5.3.2): the diverging line with the reason', async () => {
    const r = await cli('validate', FIXTURE, '--rocketmq', '5.3.2', '--mermaid', 'div.mmd');
    expect(r.code).toBe(1);
    const d = FILES.get('div.mmd')!;
    expect(mermaidProblems(d)).toEqual([]);
    expect(d).toMatch(/Note over C,RT: L4: DIVERGES: no model step explains this line/);
  });
});
