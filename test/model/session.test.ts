/**
 * model/session.ts: a walk by hand. play refuses exactly what the model's guard and bounds
 * refuse; undo and redo are inverse; a spec survives its URL encoding; the release switch on
 * #8835's counterexample parts at the flush; check-from-here from the initial state is the
 * model's check; the panels show the state record. Property tests are seeded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import type { Event } from '../../model/events.js';
import type { ModelIdentity } from '../../model/identity.js';
import { bugSession, checkFromHere, decodeSpec, encodeSpec, Session } from '../../model/session.js';
import { toRecord } from '../../model/state.js';

const SEED = 20_261_201;
const params = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true });

const IDENTITIES: readonly ModelIdentity[] = [
  { scenario: 'ack-flush', messages: 1, rocketmq: '5.3.1' },
  { scenario: 'ack-flush', messages: 2, rocketmq: '5.3.2' },
  { scenario: 'ack-flush', messages: 3, rocketmq: '5.3.1' },
  { scenario: 'ack-flush', messages: 3, rocketmq: '5.3.1', batchAck: true },
  { scenario: 'full', messages: 2, rocketmq: '5.3.1', bounds: { pops: 2, batch: 2 } },
];

/** A session after taking, at each step, the enabled offer picked by `picks[i]` (modulo the count); stops where nothing is enabled. */
function walkOffers(identity: ModelIdentity, picks: readonly number[]): Session {
  const s = Session.start(identity);
  for (const p of picks) {
    const enabled = s.offers().filter((o) => o.enabled);
    if (enabled.length === 0) break;
    expect(s.play(enabled[p % enabled.length].event)).toBeNull();
  }
  return s;
}

const words = (s: Session): number[] => [...s.model.words(s.state)];
const arbWalk = fc.record({ id: fc.constantFrom(...IDENTITIES), picks: fc.array(fc.nat(), { maxLength: 14 }) });

describe('Session.play and offers', () => {
  it('an enabled offer is taken; a disabled one is refused by play with the offer\'s why (the guard, or the bound), leaving the state as it was', () => {
    let refusals = 0;
    fc.assert(
      fc.property(arbWalk, ({ id, picks }) => {
        const s = walkOffers(id, picks);
        const offers = s.offers();
        for (const o of offers) {
          const guard = s.model.why(s.state, o.event) ?? s.model.exceeds(s.state, o.event);
          if (o.enabled) {
            expect(o.why).toBeNull();
            expect(guard).toBeNull();
            continue;
          }
          expect(o.why).not.toBeNull();
          if (guard === null) continue; // offered as not scheduled by the scenario now
          expect(o.why).toBe(guard);
          const before = words(s);
          const steps = s.steps.length;
          expect(s.play(o.event)).toBe(guard);
          refusals++;
          expect(words(s)).toEqual(before);
          expect(s.steps.length).toBe(steps);
        }
        // Every enabled event the model offers is a button.
        expect(offers.filter((o) => o.enabled).map((o) => o.event)).toEqual(s.model.enabledEvents(s.state));
      }),
      params(60),
    );
    expect(refusals).toBeGreaterThan(100);
  });

  it('a refused event (not an event at all) leaves the session unchanged', () => {
    const s = walkOffers(IDENTITIES[2], [0, 0]);
    const before = words(s);
    expect(s.play({ type: 'ack', queueId: 0 } as unknown as Event)).toMatch(/^not an event/);
    expect(words(s)).toEqual(before);
  });
});

describe('undo and redo', () => {
  it('k undos then k redos give back the same spec and state words', () => {
    fc.assert(
      fc.property(arbWalk, fc.nat(), ({ id, picks }, kRaw) => {
        const s = walkOffers(id, picks);
        const spec = s.spec();
        const w = words(s);
        const k = kRaw % (s.steps.length + 1);
        for (let i = 0; i < k; i++) expect(s.undo()).toBe(true);
        expect(s.steps.length).toBe(spec.steps.length - k);
        for (let i = 0; i < k; i++) expect(s.redo()).toBe(true);
        expect(s.redo()).toBe(false);
        expect(s.spec()).toEqual(spec);
        expect(words(s)).toEqual(w);
      }),
      params(60),
    );
  });

  it('rewind(n) is undo to step n; undo at the start does nothing', () => {
    const s = walkOffers(IDENTITIES[2], [0, 1, 0, 2, 0]);
    const n = s.steps.length;
    const spec = s.spec();
    s.rewind(2);
    expect(s.steps.length).toBe(2);
    expect(s.events).toEqual(spec.steps.slice(0, 2));
    s.rewind(0);
    expect(s.undo()).toBe(false);
    while (s.redo());
    expect(s.steps.length).toBe(n);
    expect(s.spec()).toEqual(spec);
  });

  it('a different play clears redo; playing what redo would take keeps the rest', () => {
    const s = Session.start(IDENTITIES[2]);
    for (let i = 0; i < 3; i++) s.play(s.offers().find((o) => o.enabled)!.event);
    const spec = s.spec();
    s.undo();
    s.undo();
    const enabled = s.offers().filter((o) => o.enabled);
    const same = spec.steps[1];
    const other = enabled.find((o) => JSON.stringify(o.event) !== JSON.stringify(same));
    expect(other).toBeDefined();
    // the same event as the undone one: the redo of step 3 survives
    expect(s.play(same)).toBeNull();
    expect(s.canRedo).toBe(true);
    expect(s.redo()).toBe(true);
    expect(s.spec()).toEqual(spec);
    // a different event: redo is gone
    s.undo();
    s.undo();
    expect(s.play(other!.event)).toBeNull();
    expect(s.canRedo).toBe(false);
    expect(s.redo()).toBe(false);
  });
});

describe('encodeSpec / decodeSpec', () => {
  it('round-trips every walked spec, and the decoded spec opens to the same state', () => {
    fc.assert(
      fc.property(arbWalk, ({ id, picks }) => {
        const s = walkOffers(id, picks);
        const text = encodeSpec(s.spec());
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        const back = decodeSpec(text);
        expect(back).toEqual(s.spec());
        const { session, refused } = Session.open(back);
        expect(refused).toBeNull();
        expect(words(session)).toEqual(words(s));
      }),
      params(60),
    );
  });

  it('refuses garbage with a RangeError', () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const bad of [
      '!!!not base64',
      Buffer.from('not json').toString('base64url'),
      b64({}),
      b64({ model: { scenario: 'ack-flush', messages: 3, rocketmq: '5.3.1' }, steps: [{ type: 'nope' }] }),
      b64({ model: { scenario: 'ack-flush', messages: 99, rocketmq: '5.3.1' }, steps: [] }),
      b64({ model: { scenario: 'ack-flush', messages: 3, rocketmq: '9.9.9' }, steps: [] }),
      b64({ model: { scenario: 'ack-flush', messages: 3, rocketmq: '5.3.1' }, steps: [], extra: 1 }),
    ]) {
      expect(() => decodeSpec(bad), bad).toThrow(RangeError);
    }
  });
});

describe('the release switch on #8835', () => {
  it('5.3.2 parts from 5.3.1 at the flush, where only the AckMsg brokerName differs; its retry topic is empty, 5.3.1 retries exactly the offsets acked-never-retried names', () => {
    const { session, verdict } = bugSession('8835');
    expect(verdict).toBe('violated');
    const { session: fixed, divergence } = session.withRelease('5.3.2');
    expect(divergence).not.toBeNull();
    const d = divergence!;
    expect(d.refused).toBeNull();
    // the diverging step is the buffer scan that flushes the CK
    expect(session.steps[d.step - 1].event.type).toBe('scan');
    expect(d.before.map((o) => o.kind)).toContain('scanFlush');
    const acksOf = (obs: typeof d.before) => obs.flatMap((o) => (o.kind === 'putAckToStore' ? o.acks : []));
    const [a, b] = [acksOf(d.before), acksOf(d.after)];
    expect(a.length).toBeGreaterThan(0);
    expect(a.map((x) => ({ ...x, brokerName: 'same' }))).toEqual(b.map((x) => ({ ...x, brokerName: 'same' })));
    expect(a.every((x) => x.brokerName === null)).toBe(true);
    expect(b.every((x) => x.brokerName === d.before.find((o) => o.kind === 'putAckToStore')!.ck.brokerName)).toBe(true);
    // every step before the divergence did the same
    for (let i = 0; i < d.step - 1; i++) expect(fixed.steps[i].observations).toEqual(session.steps[i].observations);

    expect(fixed.panels().retryTopic.messages).toEqual([]);
    expect(fixed.broken()).toEqual([]);
    const broke = session.broken().find((x) => x.invariant === 'acked-never-retried');
    expect(broke).toBeDefined();
    const named = broke!.why.map((w) => Number(/^offset (\d+):/.exec(w)![1]));
    expect(session.panels().retryTopic.messages.map((m) => m.offset).sort()).toEqual(named.sort());
  });

  it('the fixed session of #8835 has no steps and its check holds', () => {
    const { session, verdict } = bugSession('8835', 'fixed');
    expect(verdict).toBe('holds');
    expect(session.steps).toHaveLength(0);
  });
});

describe('checkFromHere', () => {
  for (const id of IDENTITIES) {
    it(`from the initial state is the model's check (${id.scenario} N=${id.messages} ${id.rocketmq}${id.batchAck ? ' batch' : ''})`, () => {
      const s = Session.start(id);
      const here = checkFromHere(s);
      const r = check(s.model, { symmetry: false });
      expect(here.verdict).toBe(r.verdict);
      expect(here.states).toBe(r.states);
      expect(here.transitions).toBe(r.transitions);
      expect(here.violations.map((v) => v.invariant)).toEqual(r.violations.map((v) => v.invariant));
      expect(here.violations.map((v) => v.steps.length)).toEqual(r.violations.map((v) => v.length));
    });
  }

  it('following its counterexample from a mid-walk state breaks the invariant it names', () => {
    const s = walkOffers(IDENTITIES[2], [0, 0]);
    const here = checkFromHere(s);
    expect(here.verdict).toBe('violated');
    const v = here.violations[0];
    for (const e of v.steps) expect(s.play(e)).toBeNull();
    expect(s.broken().map((b) => b.invariant)).toContain(v.invariant);
  });
});

describe('panels', () => {
  it('agree with the state record', () => {
    fc.assert(
      fc.property(arbWalk, ({ id, picks }) => {
        const s = walkOffers(id, picks);
        const p = s.panels();
        const rec = toRecord(s.state, s.model.ctx.L);
        expect(p.time).toBe(rec.now);
        expect(p.buffer).toHaveLength(rec.cks.length);
        rec.cks.forEach((ck, k) => {
          const w = p.buffer[k];
          expect(w.startOffset).toBe(ck.startOffset);
          expect(w.bits.flatMap((b, i) => (b ? [i] : []))).toEqual([...ck.wrapper.bits].sort((x, y) => x - y));
          expect(w.toStoreBits.flatMap((b, i) => (b ? [i] : []))).toEqual([...ck.wrapper.toStoreBits].sort((x, y) => x - y));
          expect(w.inBuffer).toBe(ck.wrapper.inBuffer);
        });
        expect(p.queues.map((q) => q.consumerOffset)).toEqual(rec.queues.map((q) => q.consumerOffset));
        expect(p.reviveQueue.entries).toHaveLength(rec.reviveQueue.length);
        expect(p.timer).toHaveLength(rec.timer.length);
        expect(p.retryTopic.messages.map((m) => m.offset).sort()).toEqual(rec.cks.flatMap((c) => c.retried).sort());
        expect(p.messages).toHaveLength(rec.cks.reduce((n, c) => n + c.num, 0));
        expect(p.messages.every((m) => m.state !== 'unexpected')).toBe(true);
      }),
      params(60),
    );
  });
});
