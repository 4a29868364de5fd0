/**
 * The workshop's solutions check out (the same checks as `npm run workshop:check`), and each
 * check fails on a wrong solution.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCheckAnswer, checkExplainAnswer, checkFlipAnswer, checkInvariantAnswer, checkLogAnswer, checkSession, EXERCISES, ROOT } from '../../workshop/checks.js';
import type { RecordInvariant } from '../../model/custom-invariant.js';
import { invariants } from '../../workshop/exercises/04-write-an-invariant/solution/invariants.js';

const json = (rel: string): Record<string, unknown> => JSON.parse(readFileSync(`${ROOT}workshop/exercises/${rel}`, 'utf8'));

describe('workshop solutions', () => {
  for (const ex of EXERCISES) {
    if (ex.check === null) continue;
    it(`${ex.id} ${ex.title}`, async () => {
      const o = await ex.check!();
      expect(o.problems).toEqual([]);
      expect(o.ok).toBe(true);
    });
  }
});

describe('workshop checks fail on wrong solutions', () => {
  const session = json('01-click-the-duplicate/solution/session.json') as { model: Record<string, unknown>; steps: Record<string, unknown>[] };

  it('01: a session without the revive, on 5.3.2, or with a refused step', () => {
    expect(checkSession({ ...session, steps: session.steps.slice(0, -1) }).problems.join('\n')).toMatch(/acked-never-retried is not broken/);
    expect(checkSession({ ...session, model: { ...session.model, rocketmq: '5.3.2' } }).ok).toBe(false);
    const refused = checkSession({ ...session, steps: [session.steps[1], ...session.steps] });
    expect(refused.problems.join('\n')).toMatch(/step 1 is refused/);
    expect(checkSession({ model: session.model }).problems.join('\n')).toMatch(/not in the expected form/);
  });

  it('02: a wrong length or a wrong invariant', async () => {
    const a = json('02-find-it-with-check/solution/answer.json');
    expect((await checkCheckAnswer({ ...a, length: 8 })).problems.join('\n')).toMatch(/counterexample length: popcheck says 7, the solution says 8/);
    expect((await checkCheckAnswer({ ...a, invariant: 'no-loss' })).ok).toBe(false);
    expect((await checkCheckAnswer({ ...a, command: 'npx popcheck check --messages 3' })).ok).toBe(false);
  });

  it('03: a switch that does not fix #8835, a wrong count, a converse that needs both switches', async () => {
    const a = json('03-flip-the-fix/solution/answer.json') as { proof: { messages: number; interleavings: string }[]; converse: { sets: string[] } };
    expect((await checkFlipAnswer({ ...a, fixes: ['bufferBatchAckOmitsBrokerName=false'] })).ok).toBe(false);
    expect((await checkFlipAnswer({ ...a, proof: [{ messages: 3, interleavings: '6' }] })).problems.join('\n')).toMatch(/interleavings: popcheck says "24"/);
    expect((await checkFlipAnswer({ ...a, converse: { ...a.converse, sets: ['bufferAckOmitsBrokerName=true'] } })).problems.join('\n')).toMatch(/converse: verdict: popcheck says "holds"/);
  });

  it('04: an invariant that never breaks, or a wrong verdict', () => {
    const a = json('04-write-an-invariant/solution/answer.json') as { runs: { invariant: string; verdict: string }[] };
    const trivial: RecordInvariant[] = invariants.map((i) => ({ ...i, holds: () => true }));
    const o = checkInvariantAnswer(trivial, a);
    expect(o.ok).toBe(false);
    expect(o.problems.join('\n')).toMatch(/no invariant is broken in any run/);
    expect(checkInvariantAnswer(invariants, { ...a, runs: a.runs.map((r) => ({ ...r, verdict: 'holds', length: undefined })) }).ok).toBe(false);
  });

  it('05: a wrong line, a wrong catalogue entry, the wrong AckMsg line', async () => {
    const a = json('05-validate-a-broker-log/solution/answer.json');
    expect((await checkLogAnswer({ ...a, line: 250 })).problems.join('\n')).toMatch(/line: popcheck says 251/);
    expect((await checkLogAnswer({ ...a, catalogue: ['9105'] })).ok).toBe(false);
    expect((await checkLogAnswer({ ...a, ackWithoutBrokerNameLine: 184 })).problems.join('\n')).toMatch(/line 184 is not the buffer writing/);
    expect((await checkLogAnswer({ ...a, ackWithoutBrokerNameLine: 177 })).ok).toBe(false); // another CK's AckMsg without brokerName
  });

  it('06: the wrong step, brokerName or retried offsets, or another command', async () => {
    const a = json('06-explain-it/solution/answer.json') as Record<string, unknown>;
    expect((await checkExplainAnswer({ ...a, partsAtStep: 4 })).problems.join('\n')).toMatch(/step where the runs part: popcheck says 3/);
    expect((await checkExplainAnswer({ ...a, flushedAckBrokerName: { buggy: 'broker-a', fixed: 'broker-a' } })).ok).toBe(false);
    expect((await checkExplainAnswer({ ...a, retried: { buggy: [100, 101], fixed: [] } })).ok).toBe(false);
    expect((await checkExplainAnswer({ ...a, command: 'explain --bug 8835-batch' })).ok).toBe(false);
  });
});
