import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitLines } from '../../traces/poplog.js';
import { validatePopLogLines } from '../../traces/validate.js';
import { findCatalogueMatches } from '../../traces/catalogue-match.js';

const fixture = (name: string): string[] => splitLines(readFileSync(new URL(`../fixtures/poplog/${name}`, import.meta.url), 'utf8'));
const bug531 = fixture('8835-5.3.1.log');
const fixed532 = fixture('8835-5.3.2.log');

describe('validate: #8835 in a pop.log', () => {
  it('5.3.1: a partially acked CK flushed without brokerName is violated at the retry of the acked offset', () => {
    const r = validatePopLogLines(bug531, { release: '5.3.1' });
    expect(r.counts).toMatchObject({ cks: 1, violated: 1 });
    const ck = r.cks[0];
    expect(ck.verdict).toBe('violated');
    expect(ck.invariant).toBe('acked-never-retried');
    expect(ck.line).toBe(10);
    expect(bug531[9]).toContain('retry msg');
    expect(bug531[9]).toContain('offset 100,');
    expect(ck.offsets).toEqual([100]);
    // The first sign: the flushed AckMsg keyed without brokerName (ack-key-agreement), at the scan's last line.
    expect(ck.violations.map((v) => [v.invariant, v.line])).toContainEqual(['ack-key-agreement', 6]);
    expect(ck.evidence).toEqual([{ line: 4, what: 'bufferAckWithoutBrokerName' }]);
    expect(findCatalogueMatches('5.3.1', ck)).toEqual(['8835']);
    expect(ck.explanation.join(' ')).toContain('TopicA+GroupA+1+100+1726107303012+null');
  });

  it('5.3.2: the same workload, its flushed AckMsg carrying brokerName, conforms', () => {
    const r = validatePopLogLines(fixed532, { release: '5.3.2' });
    expect(r.counts).toMatchObject({ cks: 1, conforms: 1, violated: 0, diverges: 0 });
    expect(r.cks[0].atRest).toBe(true);
  });

  it('the 5.3.1 log on 5.3.2 diverges where 5.3.2 could not have written it (an AckMsg without brokerName)', () => {
    const r = validatePopLogLines(bug531, { release: '5.3.2' });
    expect(r.cks[0].verdict).toBe('diverges');
    expect(r.cks[0].line).toBe(4);
    expect(r.cks[0].reason).toContain('brokerName null');
  });

  it('the 5.3.2 log on 5.3.1 diverges at the flushed ack: 5.3.1 writes it without brokerName', () => {
    const r = validatePopLogLines(fixed532, { release: '5.3.1' });
    expect(r.cks[0].verdict).toBe('diverges');
    expect(r.cks[0].line).toBe(4);
  });
});

describe('validate: a log with a step removed diverges at the right line', () => {
  const perCk = fixed532.map((l, i) => ({ l, i })).filter(({ l }) => !/revive topic|revive finish/.test(l));
  for (const { i } of perCk.slice(1)) {
    it(`without line ${i + 1}: ${fixed532[i].slice(20, 90)}...`, () => {
      const cut = fixed532.filter((_, j) => j !== i);
      const r = validatePopLogLines(cut, { release: '5.3.2' });
      expect(r.cks[0].verdict).toBe('diverges');
      // The divergence is at the line that took the removed one's place, or at the end when it was the last of its step.
      expect(r.cks[0].line).toBeGreaterThanOrEqual(Math.min(i + 1, cut.length - 1));
      expect(r.cks[0].reason).toMatch(/no step of the model prints|never came/);
    });
  }

  it('without the pop line the CK is not checkable (popped before the log starts), never a divergence', () => {
    const r = validatePopLogLines(fixed532.slice(1), { release: '5.3.2' });
    expect(r.counts.cks).toBe(0);
    expect(r.unused.ckBeforeLog).toBeGreaterThan(0);
  });

  it('names the guard or the missing line of the closest candidate', () => {
    const r = validatePopLogLines(fixed532.filter((_, j) => j !== 2), { release: '5.3.2' });
    expect(r.cks[0].reason).toContain("also prints 'putCkToStoreOk'");
    expect(r.cks[0].candidatesBefore).toBeGreaterThan(0);
  });
});

describe('validate: one-second stamps', () => {
  const at = (lines: string[], i: number, stamp: string): string[] => lines.map((l, j) => (j === i ? stamp + l.slice(19) : l));
  it('a flush stamped before stay-too-long could hold diverges', () => {
    // popTime 10:15:03.012: the flush (popCkStayBufferTime 10 s) cannot be logged before 10:15:13;
    // the model's clock resolves 500 ms (it flushes at +10.5 s), so :12 is within its resolution and :11 is not.
    const early = [2, 3, 4, 5].reduce((ls, i) => at(ls, i, '2024-09-12 10:15:11'), fixed532);
    const r = validatePopLogLines(early, { release: '5.3.2' });
    expect(r.cks[0].verdict).toBe('diverges');
    expect(r.cks[0].line).toBe(3);
    const edge = [2, 3, 4, 5].reduce((ls, i) => at(ls, i, '2024-09-12 10:15:12'), fixed532);
    expect(validatePopLogLines(edge, { release: '5.3.2' }).cks[0].verdict).toBe('conforms');
  });
  it('a broker may log the flush late (a loaded scan): not a divergence', () => {
    const late = [2, 3, 4, 5].reduce((ls, i) => at(ls, i, '2024-09-12 10:15:15'), fixed532);
    expect(validatePopLogLines(late, { release: '5.3.2' }).cks[0].verdict).toBe('conforms');
  });
  it('a retry before the revive could see the CK due diverges', () => {
    const early = [7, 8, 9, 10].reduce((ls, i) => at(ls, i, '2024-09-12 10:16:03'), fixed532);
    const r = validatePopLogLines(early, { release: '5.3.2' });
    expect(r.cks[0].verdict).toBe('diverges');
  });
});
