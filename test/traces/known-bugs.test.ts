/**
 * `check` names the catalogue bugs a counterexample is (traces/catalogue-match.ts's knownBugsOf):
 * an entry of the violated invariant, affecting the release, whose conditions the run meets and
 * whose fix alone lets the same steps replay without the violation.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import { CK_CATALOGUE, findCkEntry, type BugEntry } from '../../model/catalogue.js';
import { buildPopModel } from '../../model/factory.js';
import { reproductionIdentity, type ModelIdentity } from '../../model/identity.js';
import { conditionsOf, fixOf, knownBugsOf, replayViolates } from '../../traces/catalogue-match.js';
import { CheckReportSchema } from '../../cli/report-schema.js';
import { cli } from '../cli/helpers.js';

/** The ids knownBugsOf names for the first violation of `invariant` on the model of `id`. */
function namedFor(id: ModelIdentity, invariant: string): string[] | null {
  const model = buildPopModel(id);
  const v = check(model).violations.find((x) => x.invariant === invariant);
  if (v === undefined) return null;
  return knownBugsOf(id, model, invariant, v.counterexample.steps.map((s) => s.event), buildPopModel).map((k) => k.id);
}

const eligible = CK_CATALOGUE.filter((e) => e.kind !== 'hazard' && e.expectBuggy === 'violated' && e.switches.length > 0);
/**
 * Hypotheses whose "fix" turns off the feature their reproduction turns on (I-3: splitAddAk,
 * I-4: asyncBizRead): with it off their counterexample's feature step is refused, which would
 * name them for any counterexample using the feature, so a refusal names nothing for them.
 */
const FEATURE_OFF = new Set(['I-3', 'I-4']);

describe('knownBugsOf', () => {
  it('has entries to name: bugs and confirmed hypotheses with switches', () => {
    expect(eligible.length).toBeGreaterThanOrEqual(10);
  });

  for (const e of eligible) {
    it(`${e.id}: its own reproduction's counterexample is named ${e.id}`, () => {
      const id = reproductionIdentity(e, e.buggy, [e.invariant]);
      const named = namedFor(id, e.invariant);
      expect(named).not.toBeNull();
      if (FEATURE_OFF.has(e.id)) expect(named).not.toContain(e.id);
      else expect(named).toContain(e.id);
    });
  }

  // The conditions (the entry's `conditions`, else the yes/no settings of its reproduction) are
  // what the bug needs; the other yes/no settings only make the reproduction small.
  const flipped = (e: BugEntry, name: string, value: boolean): ModelIdentity => {
    const id = reproductionIdentity(e, e.buggy, [e.invariant]);
    return { ...id, settings: { ...(id.settings ?? {}), [name]: value } as ModelIdentity['settings'] };
  };
  for (const e of eligible) {
    const conditions = conditionsOf(e);
    for (const [name, value] of Object.entries(conditions)) {
      it(`${e.id}: needs ${name}=${value}: with ${name}=${!value} its reproduction does not violate, or is not named ${e.id}`, () => {
        const named = namedFor(flipped(e, name, !value), e.invariant);
        if (named !== null) expect(named).not.toContain(e.id);
      });
    }
    const sizing = Object.entries(e.settings ?? {}).filter(([name, value]) => typeof value === 'boolean' && !(name in conditions));
    for (const [name, value] of sizing) {
      it(`${e.id}: ${name}=${value} only makes the reproduction small: with ${name}=${!value} it still violates and is named ${e.id}`, () => {
        expect(namedFor(flipped(e, name, !value as boolean), e.invariant)).toContain(e.id);
      });
    }
  }

  it('the buffer off only makes these reproductions small: with it on they violate and are named (their bugs are the revive\'s or the read\'s)', () => {
    const sizing = ['5408', '7724', '7914', '7412', '10985', '8479', 'I-5', 'I-7'];
    for (const id of sizing) {
      const e = findCkEntry(id)!;
      expect(e.settings?.enablePopBufferMerge).toBe(false);
      expect(namedFor(flipped(e, 'enablePopBufferMerge', true), e.invariant)).toContain(id);
    }
  });

  it("#4153 and #3787 are told apart by the buffer: #4153's reproduction with the buffer on is #3787's case, and #3787's with it off holds", () => {
    const e4153 = findCkEntry('4153')!;
    expect(namedFor(flipped(e4153, 'enablePopBufferMerge', true), e4153.invariant)).toEqual(['3787']);
    const e3787 = findCkEntry('3787')!;
    expect(namedFor(flipped(e3787, 'enablePopBufferMerge', false), e3787.invariant)).toBeNull();
  });

  it("5.3.1, ack-flush N=3: #8835 alone; with batch acks (one BatchAckMsg) 8835-batch alone: #8835's own fix (PR #8836) puts brokerName on the AckMsg only", () => {
    expect(namedFor({ scenario: 'ack-flush', messages: 3, rocketmq: '5.3.1' }, 'acked-never-retried')).toEqual(['8835']);
    expect(namedFor({ scenario: 'ack-flush', messages: 3, rocketmq: '5.3.1', batchAck: true }, 'acked-never-retried')).toEqual(['8835-batch']);
    // 5.3.2 as a whole (PR #8836 and #8981's revive fallback) would remove the BatchAckMsg's case too.
    expect(fixOf(findCkEntry('8835')!)).toEqual({ bufferAckOmitsBrokerName: false });
  });

  for (const e of eligible.filter((x) => x.fix !== undefined)) {
    it(`${e.id}: its own fix, set alone on the buggy run, makes the reproduction hold; the fix is a part of what its fixed release changed`, () => {
      const id = reproductionIdentity(e, e.buggy, [e.invariant]);
      const r = check(buildPopModel({ ...id, settings: { ...(id.settings ?? {}), ...e.fix } as ModelIdentity['settings'] }));
      expect(r.complete).toBe(true);
      expect(r.violations).toEqual([]);
      const fixed = reproductionIdentity(e, e.fixed, [e.invariant]);
      const release = buildPopModel(fixed).ctx.s as unknown as Record<string, unknown>;
      for (const [name, value] of Object.entries(e.fix!)) expect(release[name]).toBe(value);
    });
  }

  it('names nothing for a hazard (a misuse, not a bug) or a release the bug does not affect', () => {
    const hazard = findCkEntry('stale-handle')!;
    expect(namedFor(reproductionIdentity(hazard, hazard.buggy, [hazard.invariant]), hazard.invariant)).toEqual([]);
    // 5.3.1's fix turned off by hand on 5.3.2: the same counterexample, but 5.3.2 is not an affected release.
    const put = { bufferAckOmitsBrokerName: true, reviveKeyHasBrokerName: true, reviveBlankBrokerNameFallback: false } as const;
    expect(namedFor({ scenario: 'ack-flush', messages: 3, rocketmq: '5.3.2', settings: put }, 'acked-never-retried')).toEqual([]);
  });

  it('names nothing when the fix does not remove the counterexample (the run already has the fix)', () => {
    const e = findCkEntry('8835')!;
    const model = buildPopModel({ scenario: 'ack-flush', messages: 3, rocketmq: '5.3.1' });
    const v = check(model).violations[0];
    const events = v.counterexample.steps.map((s) => s.event);
    // A "fixed" model that still violates: the fix's switches set back to 5.3.1's values.
    const stillBroken = (id: ModelIdentity) => buildPopModel({ ...id, settings: { ...(id.settings ?? {}), ...{ bufferAckOmitsBrokerName: true, reviveBlankBrokerNameFallback: false } } });
    expect(knownBugsOf({ scenario: 'ack-flush', messages: 3, rocketmq: '5.3.1' }, model, e.invariant, events, stillBroken)).toEqual([]);
    // And steps that do not violate the invariant on the run's own model (here one with 5.3.2's settings), nor lead to it, name nothing.
    const own = buildPopModel({ scenario: 'ack-flush', messages: 3, rocketmq: '5.3.1', settings: { bufferAckOmitsBrokerName: false, reviveBlankBrokerNameFallback: true } });
    expect(knownBugsOf({ scenario: 'ack-flush', messages: 3, rocketmq: '5.3.1' }, own, e.invariant, events, buildPopModel)).toEqual([]);
  });

  it('a fix that refuses a step the violation needs names the step and the guard (#7031: the key guard leaves no handle for the second ack)', () => {
    const e = findCkEntry('7031')!;
    const id = reproductionIdentity(e, e.buggy, [e.invariant]);
    const model = buildPopModel(id);
    const v = check(model).violations[0];
    const [k] = knownBugsOf(id, model, e.invariant, v.counterexample.steps.map((s) => s.event), buildPopModel);
    expect(k.id).toBe('7031');
    expect(k.fix).toEqual({ bufferMergeKeyGuard: true });
    expect(k.refused).not.toBeNull();
    expect(k.refused!.step).toBeGreaterThanOrEqual(1);
    expect(k.refused!.step).toBeLessThanOrEqual(v.length);
    expect(k.refused!.reason).toContain('no receipt handle');
  });

  it("a fix that only turns off a feature names nothing by refusing its steps (#10985's counterexample is not I-7's crash, though I-7's asyncBizRead=false refuses its read)", () => {
    const e = findCkEntry('10985')!;
    const id = reproductionIdentity(e, e.buggy, [e.invariant]);
    expect(namedFor(id, e.invariant)).toEqual(['10985']);
  });

  it('a replay that stops short of the violation, not at rest, still violates: the search goes on from its last state', () => {
    const model = buildPopModel({ scenario: 'ack-flush', messages: 3, rocketmq: '5.3.1' });
    const events = check(model).violations[0].counterexample.steps.map((s) => s.event);
    expect(replayViolates(model, events, 'acked-never-retried')).toBe(true);
    // Without the revive (the last step) the replay holds so far, and the revive is still to come.
    expect(replayViolates(model, events.slice(0, -1), 'acked-never-retried')).toBe(true);
    // On 5.3.2 neither the steps nor any run on from them violate it.
    const fixed = buildPopModel({ scenario: 'ack-flush', messages: 3, rocketmq: '5.3.2' });
    expect(replayViolates(fixed, events, 'acked-never-retried')).toBe(false);
    expect(replayViolates(fixed, events.slice(0, -1), 'acked-never-retried')).toBe(false);
  });

  it('with every invariant checked: the search on from a replay is not stopped by another invariant (#8479 also breaks offsets-monotonic)', () => {
    const e = findCkEntry('8479')!;
    expect(namedFor(reproductionIdentity(e, e.buggy, null), e.invariant)).toContain('8479');
  });

  it('a fix that is not a release reads as what the catalogue says (#7724: not fixed)', async () => {
    const r = await cli('check', '--rocketmq', '5.0.0-alpha', '--scenario', 'full', '--messages', '2', '--pops', '2', '--batch', '2', '--set', 'enablePopBufferMerge=false', '--expire', '1', '--invariant', 'acked-never-retried');
    expect(r.stdout).toContain('#7724: The revive retries the next message when the unacked one is gone (not fixed (PR #7739');
    expect(r.stdout).not.toContain('fixed in not fixed');
    // Not #4153: on 5.0.0-alpha the timer wheel without the idle rule it shipped with would leave the
    // CK never due, which removes any counterexample; with it, the same steps still violate.
    expect(r.stdout).toContain('Known bug:\n  #7724');
    expect(r.stdout).not.toContain('#4153');
  });

  it('check prints and reports it (--json, per the schema)', async () => {
    const text = await cli('check', '--rocketmq', '5.3.1');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('Known bug:\n  #8835: Buffered acks written without brokerName are not matched by the revive (fixed in 5.3.2; https://github.com/apache/rocketmq/issues/8835)');
    expect(text.stdout).toContain('with its fix alone (bufferAckOmitsBrokerName=false), the same 8 steps do not violate acked-never-retried');
    const json = await cli('check', '--rocketmq', '5.3.1', '--json');
    const r = CheckReportSchema.parse(JSON.parse(json.stdout));
    expect(r.violations[0].knownBugs.map((k) => [k.id, k.fixedIn])).toEqual([['8835', '5.3.2']]);
    // PR #8836's one line: the buffered AckMsg gets brokerName (5.3.2's revive fallback is #8981's).
    expect(r.violations[0].knownBugs[0].fix).toEqual({ bufferAckOmitsBrokerName: false });
    expect(r.violations[0].knownBugs[0].refused).toBeNull();
    const good = CheckReportSchema.parse(JSON.parse((await cli('check', '--rocketmq', '5.3.2', '--json')).stdout));
    expect(good.violations).toEqual([]);
  });
});
