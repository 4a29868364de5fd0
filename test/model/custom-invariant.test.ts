import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import { withInvariants, type RecordInvariant } from '../../model/custom-invariant.js';
import { buildPopModel } from '../../model/factory.js';

const model = () => buildPopModel({ scenario: 'ack-flush', messages: 3, rocketmq: '5.3.2' });
const never: RecordInvariant = { name: 'never', description: 'always false', holds: () => false };
const always: RecordInvariant = { name: 'always', description: 'always true', holds: () => true };

describe('withInvariants', () => {
  it('reports an always-false invariant violated at depth 0 (the initial state)', () => {
    const r = check(withInvariants(model(), [never]));
    expect(r.verdict).toBe('violated');
    expect(r.violations.map((v) => [v.invariant, v.length])).toEqual([['never', 0]]);
  });

  it('an always-true invariant holds with the same state count as the model without it', () => {
    const base = check(model(), { symmetry: false });
    const r = check(withInvariants(model(), [always]), { symmetry: false });
    expect(r.verdict).toBe('holds');
    expect([r.states, r.transitions, r.interleavings]).toEqual([base.states, base.transitions, base.interleavings]);
    const sym = check(withInvariants(model(), [always], { symmetric: true }));
    expect(sym.states).toBe(check(model()).states);
  });

  it('checks the built-in invariants first unless told not to, and a final invariant only at rest', () => {
    const m = withInvariants(model(), [always]);
    expect(m.invariants.map((i) => i.name)).toEqual([...model().invariants.map((i) => i.name), 'always']);
    expect(withInvariants(model(), [always], { builtIns: false }).invariants.map((i) => i.name)).toEqual(['always']);
    // At rest every offset is acked or retried; before that the retry topic may be empty.
    const settled: RecordInvariant = { name: 'settled', kind: 'final', description: 'at rest every offset is acked or retried', holds: (r) => r.cks.every((c) => c.num === c.client.acked.length + c.retried.filter((o) => !c.client.acked.includes(o)).length) };
    expect(check(withInvariants(model(), [settled], { builtIns: false })).verdict).toBe('holds');
    expect(check(withInvariants(model(), [{ ...settled, kind: 'always' }], { builtIns: false })).verdict).toBe('violated');
  });

  it('sees the record: a brokerName-less AckMsg on 5.3.1 and not on 5.3.2', () => {
    const inv: RecordInvariant = { name: 'acks-carry-broker-name', description: 'acks carry a brokerName', holds: (r) => r.timer.every((e) => e.tag === 'ck' || e.brokerName !== null) };
    const r531 = check(withInvariants(buildPopModel({ scenario: 'ack-flush', messages: 2, rocketmq: '5.3.1' }), [inv], { builtIns: false }));
    expect([r531.verdict, r531.violations[0]?.length]).toEqual(['violated', 3]);
    expect(check(withInvariants(buildPopModel({ scenario: 'ack-flush', messages: 2, rocketmq: '5.3.2' }), [inv], { builtIns: false })).verdict).toBe('holds');
  });

  it('refuses a built-in, repeated, malformed or missing name', () => {
    expect(() => withInvariants(model(), [{ ...always, name: 'no-loss' }])).toThrow(/built-in/);
    expect(() => withInvariants(model(), [always, always])).toThrow(/twice/);
    expect(() => withInvariants(model(), [{ ...always, name: 'Not A Name' }])).toThrow(/dashes/);
    expect(() => withInvariants(model(), [{ ...always, description: ' ' }])).toThrow(/description/);
    expect(() => withInvariants(model(), [])).toThrow(/no invariant/);
  });
});
