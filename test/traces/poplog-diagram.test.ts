/**
 * A pop.log CK as a Mermaid sequence diagram (traces/poplog-diagram.ts): every CK line kind has
 * an entry in CK_LINE_DIAGRAM and draws what it says; the #8835 fixture's diagram names the
 * flushed AckMsg with brokerName=null and the retried acked offset, at their line numbers, in
 * the Mermaid subset GitHub renders.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CK_LINE_DIAGRAM, ckLineRecords, drawLine, popLogDiagram, wallClock } from '../../traces/poplog-diagram.js';
import { CK_LINE_KINDS, type LineExpect, type LogAck, type LogCk } from '../../traces/poplog-expect.js';
import { renderLine } from '../../traces/poplog-render.js';
import { parsePopLogLine, type PopLogRecord } from '../../traces/poplog.js';
import { validatePopLogLines, type CkResult } from '../../traces/validate.js';
import { mermaidProblems } from '../fixtures/mermaid-grammar.js';

const lines = (name: string): string[] => readFileSync(new URL(`../fixtures/poplog/${name}`, import.meta.url), 'utf8').split('\n');

const CK: LogCk = { topic: 'TopicA', cid: 'GroupA', queueId: 1, startOffset: 100, num: 3, popTime: 1726107303012, invisibleTime: 60000, reviveTime: 1726107363012, brokerName: 'broker-a' };
const ACK: LogAck = { type: 'ack', offsets: [101], startOffset: 100, topic: 'TopicA', consumerGroup: 'GroupA', queueId: 1, popTime: CK.popTime, brokerName: null };
const BATCH: LogAck = { ...ACK, type: 'batchAck', offsets: [100, 102] };

/** One line of every CK kind, as a 5.3.1 broker prints it. */
const SAMPLES: readonly LineExpect[] = [
  { kind: 'addCk', ck: CK },
  { kind: 'addCkJustOffset', ck: CK },
  { kind: 'addCkTimeout', ck: CK },
  { kind: 'mergeKeyConflict', ck: CK },
  { kind: 'addAck', ck: CK, ack: ACK },
  { kind: 'addAckFail', reason: 'almostTimeout', ack: ACK },
  { kind: 'putCkToStoreOk', ck: CK },
  { kind: 'putAckToStoreOk', ck: CK, ack: ACK },
  { kind: 'putBatchAckToStoreOk', ck: CK, ack: BATCH },
  { kind: 'ckDone', ck: CK },
  { kind: 'ckFinish', ck: CK },
  { kind: 'commitOffset', ck: CK, nextBeginOffset: 103 },
  { kind: 'findCk', ck: CK },
  { kind: 'findAck', ack: ACK },
  { kind: 'findBatchAck', ack: BATCH },
  { kind: 'retryMsg', ck: CK, offset: 101 },
  { kind: 'reviveBizMsgMissing', ck: CK, offset: 102 },
  { kind: 'changeInvisibleCk', ck: CK },
];

const RESULT: CkResult = {
  verdict: 'conforms',
  ck: { topic: 'TopicA', group: 'GroupA', queueId: 1, startOffset: 100, num: 3, popTime: CK.popTime, reviveTime: CK.reviveTime, brokerName: 'broker-a' },
  lines: [],
  line: null,
  invariant: null,
  offsets: [],
  reason: null,
  explanation: [],
  candidatesBefore: 0,
  atRest: true,
  evidence: [],
  violations: [],
  stoppedAt: null,
};

const ARROW = /^\s*[A-Za-z0-9]+-{1,2}>>[A-Za-z0-9]+: /;
const NOTE = /^\s*Note over /;

describe('CK_LINE_DIAGRAM', () => {
  it('has an entry for every line kind the validator routes to a CK, and no other', () => {
    expect(Object.keys(CK_LINE_DIAGRAM).sort()).toEqual([...CK_LINE_KINDS].sort());
    expect(SAMPLES.map((s) => s.kind).sort()).toEqual([...CK_LINE_KINDS].sort());
  });

  it('every kind draws what the table says, labelled with its line number, in the Mermaid subset', () => {
    for (const [i, e] of SAMPLES.entries()) {
      const text = renderLine(e, CK.popTime + 2000 + i, { release: '5.3.1', reviveQueueId: 2 });
      const r = parsePopLogLine(text, 40 + i);
      expect(r.kind, text).toBe(e.kind);
      const drawn = drawLine(RESULT, r as Parameters<typeof drawLine>[1]);
      const shape = CK_LINE_DIAGRAM[e.kind as keyof typeof CK_LINE_DIAGRAM];
      expect(drawn.length, e.kind).toBeGreaterThan(0);
      if (shape === 'arrow') expect(drawn.some((l) => ARROW.test(l)), e.kind).toBe(true);
      if (shape === 'note') expect(drawn.every((l) => NOTE.test(l)), e.kind).toBe(true);
      expect(drawn[0], e.kind).toContain(`L${40 + i} `);
      const head = ['sequenceDiagram', '  participant C as Consumer', '  participant POP as PopMessageProcessor', '  participant ACK as AckMessageProcessor', '  participant BUF as B', '  participant TIMER as T', '  participant RQ as Q', '  participant REV as R', '  participant RT as RT'];
      expect(mermaidProblems([...head, ...drawn].join('\n')), e.kind).toEqual([]);
    }
  });
});

describe('wallClock', () => {
  it('GMT+8, to the second unless the line gives milliseconds', () => {
    expect(wallClock(1726107303000)).toBe('10:15:03');
    expect(wallClock(1726107303012)).toBe('10:15:03.012');
  });
});

function diagramOf(name: string, release: string): { d: string; ck: CkResult; records: PopLogRecord[] } {
  const text = lines(name);
  const ck = validatePopLogLines(text, { release }).cks[0];
  const records = ckLineRecords(ck, (n) => text[n - 1], 'poplog');
  return { d: popLogDiagram(ck, records, release), ck, records };
}

describe('popLogDiagram', () => {
  it('#8835 on 5.3.1: the AckMsg flushed with brokerName=null (line 4), the unmatched ACK, the acked offset retried (line 10)', () => {
    const { d, ck, records } = diagramOf('8835-5.3.1.log', '5.3.1');
    expect(records.map((r) => r.line)).toEqual(ck.lines);
    expect(mermaidProblems(d)).toEqual([]);
    expect(d).toMatch(/^ {2}title pop\.log CK TopicA@GroupA@1 startOffset 100 on RocketMQ 5\.3\.1: violated acked-never-retried at line 10$/m);
    // The log's own retry topic (%RETRY%{group}_{topic}), not the model's names.
    expect(d).toMatch(/^ {2}participant RT as retry topic \(%RETRY%GroupA_TopicA\)$/m);
    expect(d).not.toMatch(/GID_POP|TopicTest/);
    expect(d).toMatch(/^ {4}BUF->>TIMER: L4 10:15:13 put ack to store ok: AckMsg ao=100 brokerName=null, logicsOffset 58$/m);
    expect(d).toMatch(/^ {4}Note over BUF,TIMER: L4: AckMsg ao=100 written without brokerName \(brokerName=null\), the CK says broker-a: the pattern of #35;8835$/m);
    expect(d).toMatch(/^ {4}Note over REV: L9: ACK not matched: its revive key ends \+null, the CK's \+broker-a, and offset 100 is retried at L10$/m);
    expect(d).toMatch(/^ {4}REV->>RT: L10 10:16:06 retry msg: offset 100 /m);
    expect(d).toMatch(/^ {4}Note over RT: L10: VIOLATED acked-never-retried, success-never-retried broken, certain from this line, offsets 100$/m);
    expect(d).toMatch(/^ {4}Note over BUF: L6: ack-key-agreement broken/m);
    // Offsets 101 and 102 were never acked: retried without a note.
    expect(d).toMatch(/^ {2}REV->>RT: L11 10:16:06 retry msg: offset 101 /m);
    expect(d).not.toMatch(/L11: /);
    // The lines not about this CK (revive start and finish) are not drawn.
    expect(d).not.toMatch(/\bL7\b|\bL13\b/);
  });

  it('the 5.3.1 log read as 5.3.2: the divergence at line 4 with the validator\'s reason', () => {
    const { d, ck } = diagramOf('8835-5.3.1.log', '5.3.2');
    expect(ck.verdict).toBe('diverges');
    expect(mermaidProblems(d)).toEqual([]);
    expect(d).toMatch(/Note over C,RT: L4: DIVERGES: no model step explains this line \(1 candidate state\(s\) before it\): .*brokerName null, the model's ack has broker-a/);
  });

  it('a finding at a line that is not among the records (the file changed) is still said', () => {
    const { ck, records } = diagramOf('8835-5.3.1.log', '5.3.1');
    const d = popLogDiagram(ck, records.filter((r) => r.line !== 10), '5.3.1');
    expect(mermaidProblems(d)).toEqual([]);
    expect(d).toMatch(/Note over C: L10: VIOLATED acked-never-retried/);
  });
});
