/**
 * Round trips: what the model writes as a pop.log (simulate, a counterexample) is what the
 * validator reads back. A valid run of the model conforms on its own release; a 5.3.1 run
 * shows #8835 at the first retry of an acked offset and the same workload on 5.3.2 conforms;
 * catalogue counterexamples whose steps pop.log shows are reported violated at the retry.
 */
import { describe, expect, it } from 'vitest';
import { CK_CATALOGUE as CATALOGUE } from '../../model/catalogue.js';
import { reproductionIdentity } from '../../model/identity.js';
import { buildPopModel } from '../../model/factory.js';
import { parseCheckArgs } from '../../cli/args.js';
import { runBug } from '../../cli/bug-command.js';
import { runCheck } from '../../cli/check-command.js';
import type { Event } from '../../model/events.js';
import { G } from '../../model/layout.js';
import { applyNarrated } from '../../model/step.js';
import { parsePopLogLine } from '../../traces/poplog.js';
import { fullModel } from '../fixtures/full.js';
import { counterexamplePopLog } from '../../traces/counterexample-poplog.js';
import { parsePopLogJsonlLine } from '../../traces/poplog-jsonl.js';
import { PopLogAccumulator, splitLines, type PopLogEntry } from '../../traces/poplog.js';
import { SIMULATE_DEFAULTS, simulate, type SimulateOptions } from '../../traces/simulate.js';
import { toRecord } from '../../model/state.js';
import { settingInfo } from '../../model/settings.js';
import { validatePopLogLines, PopLogValidator, type ValidateSettings } from '../../traces/validate.js';
import { findCatalogueMatches } from '../../traces/catalogue-match.js';

const sim = (o: Partial<SimulateOptions>): string[] =>
  splitLines([...simulate({ ...SIMULATE_DEFAULTS, release: '5.3.2', batchAck: false, settings: {}, cks: 120, ...o } as SimulateOptions).chunks].join(''));

function validateJsonl(lines: string[], v: ValidateSettings) {
  const validator = new PopLogValidator(v);
  const acc = new PopLogAccumulator();
  const feed = (es: readonly PopLogEntry[]): void => {
    for (const e of es) if (e.kind !== 'unknown' && e.kind !== 'malformed') validator.push(e);
  };
  acc.skip(); // the header
  for (const l of lines.slice(1)) feed(acc.push(l, (i, n) => parsePopLogJsonlLine(typeof i === 'string' ? i : i.text, n)));
  feed(acc.end());
  return { ...validator.finish(), counts: validator.counts, malformed: acc.counts.malformed };
}

describe('simulate, then validate', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: a 5.3.2 run conforms, as pop.log and as JSON Lines`, () => {
      const text = sim({ seed });
      const r = validatePopLogLines(text, { release: '5.3.2' });
      expect(r.counts.cks).toBe(120);
      expect(r.counts.conforms).toBe(120);
      const j = validateJsonl(sim({ seed, format: 'jsonl' }), { release: '5.3.2' });
      expect(j.malformed).toBe(0);
      expect(j.counts).toEqual(r.counts);
    });
  }

  it('a 5.3.1 run is violated at the first retry msg of an acked offset, matching #8835; the same seed on 5.3.2 conforms', () => {
    const text = sim({ seed: 4, release: '5.3.1' });
    const r = validatePopLogLines(text, { release: '5.3.1' });
    expect(r.counts.violated).toBeGreaterThan(0);
    expect(r.counts.diverges).toBe(0);
    const headline = r.cks.filter((c) => c.verdict === 'violated' && c.invariant === 'acked-never-retried').sort((a, b) => a.line! - b.line!)[0];
    const line = text[headline.line! - 1];
    expect(line).toContain('retry msg');
    // the retried offset is one the CK's lines show acked, and its flushed AckMsg had no brokerName
    const offset = Number(/offset (\d+), reviveDelay/.exec(line)![1]);
    expect(headline.offsets).toContain(offset);
    expect(text.some((l) => l.includes('put ack to store ok') && l.includes(`ackOffset=${offset},`) && l.includes('brokerName=null}'))).toBe(true);
    expect(findCatalogueMatches('5.3.1', headline)).toContain('8835');
    expect(validatePopLogLines(sim({ seed: 4, release: '5.3.2' }), { release: '5.3.2' }).counts.violated).toBe(0);
  });
});

describe('catalogue counterexamples as pop.log, validated', () => {
  /** Entries whose violation the lines of one CK show. */
  const VISIBLE = ['8835', '8835-batch', 'I-8', 'I-9'];
  for (const id of VISIBLE) {
    it(`${id}: violated with the entry's invariant, at a retry msg, matching the entry`, async () => {
      const entry = CATALOGUE.find((e) => e.id === id)!;
      const args = parseCheckArgs(['--bug', id]);
      const report = await runBug(args, { now: () => 0, memory: () => 0 });
      const steps = report.buggy.counterexample!.steps;
      const ident = reproductionIdentity(entry, entry.buggy, [entry.invariant]);
      const model = buildPopModel(ident);
      const queueIds = toRecord(model.initialStates()[0], model.ctx.L).queues.map((q) => q.queueId);
      const text = splitLines(counterexamplePopLog(steps, entry.buggy.release as '5.3.1', queueIds, 'poplog'));
      // The broker's configuration as the entry ran it; the release's behaviours come with --rocketmq.
      const config = Object.fromEntries(Object.entries(model.ctx.s).filter(([k]) => settingInfo(k)?.kind === 'config' && k !== 'popInvisibleTime'));
      const settings = { ...config, ...(entry.buggy.overrides ?? {}) };
      const r = validatePopLogLines(text, { release: entry.buggy.release, settings, batchAck: ident.batchAck === true });
      const bad = r.cks.find((c) => c.verdict === 'violated')!;
      expect(bad.invariant).toBe(entry.invariant);
      expect(text[bad.line! - 1]).toContain('retry msg');
      expect(findCatalogueMatches(entry.buggy.release, bad)).toContain(id);
      // and the fixing release (or setting) does not produce this log; I-9 has no fix but a prompt
      // scan, and the validator lets a scan run late (a loaded broker), so its log stays violated.
      if (id === 'I-9') return;
      const fixed = validatePopLogLines(text, { release: entry.fixed.release, settings: { ...config, ...(entry.fixed.overrides ?? {}) }, batchAck: ident.batchAck === true });
      expect(fixed.counts.violated).toBe(0);
    });
  }
});

describe('a counterexample with late asynchronous put callbacks, as pop.log, validated', () => {
  // The callbacks (putComplete) print nothing of their own (the "put ... ok" lines are expected
  // at the put), so the validator must take them as silent broker steps: before it did, this
  // log (#10256 with appendCkAsync on too, found by the sweep of issue 10) diverged at its
  // "put batch ack to store ok" line: the scan that writes the BatchAckMsg waits for the CK
  // put's callback (PBMS `if (!ckStored) continue`).
  it('10256 with appendCkAsync too: violated with commit-progress, matching the entry', async () => {
    const flags = ['--scenario', 'full', '--messages', '2', '--pops', '2', '--batch', '2', '--rocketmq', '5.3.2', '--batch-ack'];
    const sets = ['appendCkAsync=true', 'appendAckAsync=true', 'putsCompleteLate=true'];
    const args = parseCheckArgs([...flags, ...sets.flatMap((x) => ['--set', x]), '--invariant', 'commit-progress']);
    const report = await runCheck(args, { now: () => 0, memory: () => 0 });
    const steps = report.counterexample!.steps;
    expect(steps.some((x) => x.event.type === 'putComplete' && (x.event as { put: string }).put === 'ck')).toBe(true);
    const text = splitLines(counterexamplePopLog(steps, '5.3.2', [0], 'poplog'));
    expect(text.some((l) => l.includes('put batch ack to store ok'))).toBe(true);
    const settings = { appendCkAsync: true, appendAckAsync: true, putsCompleteLate: true };
    const r = validatePopLogLines(text, { release: '5.3.2', settings, batchAck: true });
    expect(r.counts.diverges).toBe(0);
    const bad = r.cks.find((c) => c.verdict === 'violated')!;
    expect(bad.invariant).toBe('commit-progress');
    expect(findCatalogueMatches('5.3.2', bad)).toContain('10256');
  });
});

describe('a pop that finds only deleted messages, as pop.log', () => {
  // PBMS.addCkMock logs "[PopBuffer]add ck just offset, mocked, {wrapper}" (enablePopLog,
  // L463-465 at rocketmq-all-5.3.2): rqo Long.MAX_VALUE, a num-0 PopCheckPoint whose diff list
  // was never created (null), ckStored and justOffset; its FIFO commit logs "Commit offset".
  it('prints the mock wrapper as RocketMQ does, parses back, and validates without divergence', () => {
    const m = fullModel('5.3.2', { expire: 3, cqLag: true, pops: 2, batch: 2 });
    const pop: Event = { type: 'pop', queueId: 0, maxNums: 2 };
    const lag: Event = { type: 'expire', queueId: 0, minOffsetLags: true };
    const events: Event[] = [pop, lag, lag, lag, pop, { type: 'scan', at: 10_500 }];
    let s = m.initialStates()[0];
    const steps = events.map((event) => {
      const r = applyNarrated(s, { L: m.ctx.L, s: m.ctx.s }, event);
      s = r.state;
      return { event, time: s[G.NOW], observations: r.observations };
    });
    const text = splitLines(counterexamplePopLog(steps, '5.3.2', [0], 'poplog'));
    const mocked = text.filter((l) => l.includes('add ck just offset, mocked, '));
    expect(mocked).toHaveLength(1);
    expect(mocked[0]).toContain('rqo=9223372036854775807');
    expect(mocked[0]).toContain('startOffset=102, bitMap=0, num=0');
    expect(mocked[0]).toContain('diff=null');
    expect(mocked[0]).toContain('nbo=103, cks=true, jo=true}');
    const parsed = parsePopLogLine(mocked[0], 1);
    expect(parsed.kind).toBe('addCkMocked');
    // The mock's commit, in FIFO order after CK@100's.
    const commits = text.filter((l) => l.includes('Commit offset, '));
    expect(commits.map((l) => /startOffset=(\d+)/.exec(l)![1])).toEqual(['100', '102']);
    expect(commits[1]).toContain('nbo=103, cks=true, jo=true}');
    const r = validatePopLogLines(text, { release: '5.3.2' });
    expect(r.counts.diverges).toBe(0);
    expect(r.counts.violated).toBe(0);
  });
});
