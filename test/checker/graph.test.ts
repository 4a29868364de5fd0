/**
 * checker/graph.ts: the whole state graph of a small model, with its violating states and the
 * checker's shortest counterexample marked, as DOT.
 */
import { describe, expect, it } from 'vitest';
import { check, stateGraph, toDot, TERMINAL } from '../../checker/index.js';
import { buildPopModel } from '../../model/factory.js';
import { stateLabeller } from '../../model/graph-label.js';
import { eventLabel } from '../../model/narrate.js';

const model = (messages: number, rocketmq = '5.3.1') => buildPopModel({ scenario: 'ack-flush', messages, rocketmq });

describe('stateGraph and toDot', () => {
  it('ack-flush N=2 on 5.3.1: one node per state of the unreduced check, violating states red, the counterexample bold', () => {
    const m = model(2);
    const r = check(m, { symmetry: false });
    const g = stateGraph(m, { maxStates: 5000, stateLabel: stateLabeller(m), eventLabel });
    if (!g.ok) throw new Error('too large');
    const dot = toDot(g.graph);
    const nodes = dot.match(/^ {2}s\d+ \[/gm) ?? [];
    const edges = dot.match(/^ {2}s\d+ -> s\d+ \[/gm) ?? [];
    expect(nodes.length).toBe(r.states);
    expect(edges.length).toBe(r.transitions);
    // Red nodes: exactly the states the explorer flagged with a broken invariant.
    let flagged = 0;
    for (let v = 0; v < r.graph.states; v++) if ((r.graph.flags.get(v) & ~TERMINAL) !== 0) flagged++;
    expect(flagged).toBeGreaterThan(0);
    expect(dot.match(/fillcolor="#ffcdd2"/g)?.length).toBe(flagged);
    // Bold edges: the checker's own shortest counterexample, in order from the initial state.
    const cx = r.violations[0].counterexample.steps.map((s) => eventLabel(s.event));
    const bold = dot.split('\n').filter((l) => / -> .*style=bold/.test(l));
    expect(bold.map((l) => l.match(/label="([^"]*)"/)![1].split(' ✗')[0])).toEqual(cx);
    let at = 's0';
    for (const l of bold) {
      const [, from, to] = l.match(/^ {2}(s\d+) -> (s\d+)/)!;
      expect(from).toBe(at);
      at = to;
    }
    expect(dot).toMatch(new RegExp(`^ {2}${at} \\[label="[^"]*✗ [^"]*acked-never-retried`, 'm'));
    expect(g.graph.counterexampleOf).toBe('acked-never-retried');
  });

  it('5.3.2: nothing red, nothing bold', () => {
    const m = model(2, '5.3.2');
    const g = stateGraph(m, { maxStates: 5000, stateLabel: stateLabeller(m), eventLabel });
    if (!g.ok) throw new Error('too large');
    const dot = toDot(g.graph);
    expect(dot).not.toMatch(/ffcdd2|style=bold|✗/);
    expect(g.graph.counterexampleOf).toBeNull();
  });

  it('more states than the limit: refused, not drawn', () => {
    const m = model(3);
    expect(stateGraph(m, { maxStates: 10, stateLabel: () => '', eventLabel })).toEqual({ ok: false, reason: 'too-large', maxStates: 10 });
  });
});
