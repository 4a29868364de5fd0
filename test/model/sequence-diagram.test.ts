/**
 * The Mermaid sequence diagram of a run (model/sequence-diagram.ts): every observation kind
 * is drawn as its table says, every line is in the Mermaid subset GitHub renders, and the
 * #8835 counterexample shows the brokerName=null AckMsg, the dropped ACK and the retries.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import type { Event } from '../../model/events.js';
import { buildPopModel } from '../../model/factory.js';
import { narrate, type NarratedStep } from '../../model/narrate.js';
import { OBSERVATION_KINDS } from '../../model/observation-schema.js';
import { drawObservation, mermaidText, OBSERVATION_DIAGRAM, PARTICIPANTS, sequenceDiagram } from '../../model/sequence-diagram.js';
import type { State } from '../../model/state.js';
import { mermaidProblems } from '../fixtures/mermaid-grammar.js';
import { observationSamples } from '../fixtures/observation-samples.js';

const HEAD = ['sequenceDiagram', ...PARTICIPANTS.map(([id, label]) => `  participant ${id} as ${mermaidText(label)}`)];
const ARROW = /^\s*[A-Za-z0-9]+-{1,2}>>[A-Za-z0-9]+: /;

function counterexample(rocketmq: string, messages = 3): NarratedStep[] {
  const model = buildPopModel({ scenario: 'ack-flush', messages, rocketmq });
  const r = check(model);
  expect(r.violations.length).toBeGreaterThan(0);
  return narrate(model, r.violations[0].counterexample);
}

/** `steps`' events replayed on another release. */
function replayOn(rocketmq: string, events: readonly Event[]): NarratedStep[] {
  const model = buildPopModel({ scenario: 'ack-flush', messages: 3, rocketmq });
  const initial = model.initialStates()[0];
  const steps: { event: Event; state: State }[] = [];
  let s = initial;
  for (const e of events) {
    expect(model.why(s, e), JSON.stringify(e)).toBeNull();
    s = model.step(s, e);
    steps.push({ event: e, state: s });
  }
  return narrate(model, { initial, steps });
}

describe('sequenceDiagram', () => {
  it('the table names every observation kind, and nothing else', () => {
    expect(Object.keys(OBSERVATION_DIAGRAM).sort()).toEqual([...OBSERVATION_KINDS].sort());
  });

  it('every kind draws what its table says: an arrow, a note only, or nothing; every line in the subset', () => {
    const samples = observationSamples();
    expect(new Set(samples.map((o) => o.kind))).toEqual(new Set(OBSERVATION_KINDS));
    for (const o of samples) {
      const lines = drawObservation(o);
      const want = OBSERVATION_DIAGRAM[o.kind];
      expect(lines.length > 0, o.kind).toBe(want !== 'none');
      expect(lines.some((l) => ARROW.test(l)), o.kind).toBe(want === 'arrow');
      expect(mermaidProblems([...HEAD, ...lines].join('\n')), o.kind).toEqual([]);
    }
  });

  it('text that Mermaid would parse as syntax becomes entity codes', () => {
    expect(mermaidText('a; b #1 {x} <y>')).toBe('a#59; b #35;1 #123;x#125; #lt;y#gt;');
    expect(mermaidProblems('sequenceDiagram\n  participant A as a\n  Note over A: x; y')).toHaveLength(1);
    expect(mermaidProblems('sequenceDiagram\n  participant A as a\n  A->>B: x')).toHaveLength(1);
    expect(mermaidProblems('sequenceDiagram\n  participant A as a\n  rect rgb(1, 2, 3)')).toEqual(['unbalanced rect/end']);
  });

  it('#8835 on 5.3.1: the AckMsg without brokerName, the dropped ACK, offsets 100 and 101 retried as duplicates', () => {
    const steps = counterexample('5.3.1');
    const d = sequenceDiagram(steps, { title: '#8835 on 5.3.1' });
    expect(mermaidProblems(d)).toEqual([]);
    expect(d).toMatch(/^sequenceDiagram\n {2}title #35;8835 on 5\.3\.1\n/);
    expect(d).toMatch(/Note over BUF,TIMER: AckMsg ao=100,101 written without brokerName \(brokerName=null\), the CK says broker-a/);
    expect(d).toMatch(/BUF->>TIMER: CK@100 brokerName=broker-a bitMap=0, deliver 59\.0s/);
    expect(d).toMatch(/Note over BUF: CK@100 leaves the buffer \(in the buffer over 10s\), bits \[0,1\]/);
    expect(d).toMatch(/RQ-->>REV: offset 1: AckMsg ao=100,101 brokerName=null\n\s*Note over REV: ACK dropped: no CK under its key \(brokerName part null\)/);
    expect(d).toMatch(/Note over BUF: consumer offset of queue 0 committed 100 to 103/);
    for (const o of [100, 101]) {
      expect(d).toContain(`REV->>RT: offset ${o}\n`);
      expect(d).toMatch(new RegExp(`Note over RT: offset ${o} retried: a duplicate of an acked message \\(acked at 1\\.0s\\)`));
    }
    expect(d).not.toContain('REV->>RT: offset 102');
    // Every step has its header note; the steps with a decisive moment are highlighted.
    expect(d.match(/Note over C,RT: \d+\. /g)).toHaveLength(steps.length);
    expect(d.match(/rect rgb/g)?.length).toBe(2);
  });

  it('#8835 on 5.3.2: the same events write the AckMsg with brokerName, the revive matches it, nothing is retried', () => {
    const steps = replayOn('5.3.2', counterexample('5.3.1').map((s) => s.event));
    const d = sequenceDiagram(steps);
    expect(mermaidProblems(d)).toEqual([]);
    expect(d).toContain('BUF->>TIMER: AckMsg ao=100,101 brokerName=broker-a');
    expect(d).not.toMatch(/->>RT|retried|brokerName=null|ACK dropped/);
    expect(d).toMatch(/Note over REV: CK@100 due: every offset acked/);
  });
});
