/**
 * The compiled (integer) lifecycle-legal check against the reference it replaced
 * (test/fixtures/lifecycle-reference.ts): the same answer and the same illegal moves on every
 * transition of explored state graphs, on transitions made illegal by hand, and on random
 * edits of real transitions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventType } from '../../model/events.js';
import { C, CF, G, type Layout } from '../../model/layout.js';
import {
  CK_EVENT_SOURCES,
  CK_STATES,
  CK_TRANSITIONS,
  EVENT_BIT,
  MESSAGE_EVENT_SOURCES,
  MESSAGE_STATES,
  MESSAGE_TRANSITIONS,
  ckMoveLegal,
  ckState,
  eventBit,
  illegalMoves,
  lifecycleLegal,
  messageMoveLegal,
  messageState,
} from '../../model/lifecycles.js';
import { ackFlushModel } from '../fixtures/models.js';
import { ckStateReference, illegalMovesReference, lifecycleLegalReference, messageStateReference } from '../fixtures/lifecycle-reference.js';
import { applyLifecycleEdits, lifecycleEdit, lifecycleModels } from '../fixtures/lifecycle-edits.js';
import { walk } from '../fixtures/walk.js';

const EVENT_TYPES: readonly EventType[] = [
  'pop', 'ack', 'ackMark', 'changeInvisible', 'produce', 'expire', 'scan', 'gc',
  'timer', 'revive', 'reviveComplete', 'persist', 'crash', 'roleChange', 'tick',
];

interface Step {
  readonly before: Int32Array;
  readonly event: EventType;
  readonly after: Int32Array;
}

function agree(s: Step, L: Layout): void {
  const ref = illegalMovesReference(s.before, s.after, L, s.event);
  expect(illegalMoves(s.before, s.after, L, s.event)).toEqual(ref);
  expect(lifecycleLegal(s.before, s.after, L, s.event)).toBe(lifecycleLegalReference(s.before, s.after, L, s.event));
  expect(lifecycleLegal(s.before, s.after, L, s.event)).toBe(ref.length === 0);
}

describe('the compiled lifecycle tables', () => {
  it('allow exactly the moves of the typescript-fsm tables, for exactly their source events', () => {
    const cases = [
      [MESSAGE_STATES, MESSAGE_TRANSITIONS, MESSAGE_EVENT_SOURCES, messageMoveLegal],
      [CK_STATES, CK_TRANSITIONS, CK_EVENT_SOURCES, ckMoveLegal],
    ] as const;
    for (const [states, transitions, sources, legal] of cases) {
      const names = [...states, 'unexpected'];
      for (const from of names) {
        for (const to of names) {
          for (const ev of EVENT_TYPES) {
            const expected = (transitions as readonly { fromState: string; event: string; toState: string }[]).some(
              (t) => t.fromState === from && t.toState === to && (sources as Record<string, readonly EventType[]>)[t.event].includes(ev),
            );
            expect(legal(from, to, ev), `${from}>${to} by ${ev}`).toBe(expected);
          }
          expect(legal(from, to, 'nonsense' as EventType)).toBe(false);
        }
      }
    }
  });
});

describe('lifecycleLegal and illegalMoves agree with the reference implementation', () => {
  const all = lifecycleModels();
  const samples: { L: Layout; steps: Step[] }[] = [];

  it('give each model event type its own bit, and eventBit (a switch) returns exactly that bit', () => {
    const types = Object.keys(EVENT_BIT) as EventType[];
    expect(new Set(types.map((t) => EVENT_BIT[t])).size).toBe(types.length);
    for (const t of types) {
      expect(EVENT_BIT[t] > 0 && (EVENT_BIT[t] & (EVENT_BIT[t] - 1)) === 0, t).toBe(true);
      expect(eventBit(t), t).toBe(EVENT_BIT[t]);
    }
    for (const other of ['toString', 'constructor', '', 'Ack', 'tick ']) expect(eventBit(other as EventType), other).toBe(0);
  });

  it('on every transition of the explored graphs (ack-flush N<=4 and small full scenarios on 5.0.0, 5.3.1, 5.3.2, head)', () => {
    let transitions = 0;
    for (const m of all) {
      const L = m.ctx.L;
      const steps: Step[] = [];
      walk(m, (before, e, after) => {
        transitions++;
        const s = { before, event: e.type, after };
        agree(s, L);
        expect(lifecycleLegal(before, after, L, e.type), `${m.name} ${JSON.stringify(e)}`).toBe(true);
        for (let k = 0; k < L.ckSlots; k++) {
          expect(ckState(after, L, k)).toBe(ckStateReference(after, L, k));
          for (let i = 0; i < after[L.ck(k) + C.NUM]; i++) expect(messageState(after, L, k, i)).toBe(messageStateReference(after, L, k, i));
        }
        if (steps.length < 400 || transitions % 7 === 0) steps.push(s);
      });
      samples.push({ L, steps: steps.slice(0, 2000) });
    }
    expect(transitions).toBeGreaterThan(20000);
  });

  it('on real transitions edited by hand into illegal ones, and the check fails on them', () => {
    const m = ackFlushModel({ release: '5.3.2', messages: 2 });
    const L = m.ctx.L;
    const s0 = m.initialStates()[0];
    const popped = m.step(s0, m.enabledEvents(s0)[0]);
    const c = L.ck(0);
    const edit = (d: Int32Array, f: (x: Int32Array) => void): Int32Array => {
      const x = d.slice();
      f(x);
      return x;
    };
    // available -> retried by a pop; a message retried by a scan; a CK revived by a timer; an ack merged by a crash.
    const cases: Step[] = [
      { before: s0, event: 'pop', after: edit(popped, (x) => (x[c + C.RETRIED] |= 1)) },
      { before: popped, event: 'scan', after: edit(popped, (x) => (x[c + C.RETRIED] |= 1)) },
      { before: popped, event: 'timer', after: edit(popped, (x) => (x[c + C.FLAGS] |= CF.REVIVED)) },
      { before: popped, event: 'crash', after: edit(popped, (x) => (x[c + C.ACKED] |= 2)) },
      { before: popped, event: 'ack', after: edit(popped, (x) => (x[c + C.FLAGS] |= CF.DONE_IN_MEMORY)) },
      { before: popped, event: 'pop', after: edit(popped, (x) => (x[G.NCK] = 2)) },
    ];
    for (const s of cases) {
      agree(s, L);
      expect(lifecycleLegal(s.before, s.after, L, s.event), JSON.stringify(illegalMovesReference(s.before, s.after, L, s.event))).toBe(false);
      expect(illegalMoves(s.before, s.after, L, s.event).length).toBeGreaterThan(0);
    }
    expect(illegalMoves(popped, cases[1].after, L, 'scan')).toEqual([{ what: 'message', ck: 0, index: 0, from: 'inFlight', to: 'retried', event: 'scan' }]);
    // The same edit is legal for the event that may make it.
    expect(lifecycleLegal(popped, cases[1].after, L, 'revive')).toBe(true);
  });

  it('on random edits of explored transitions (CK records, flags, queue entries and lengths, event types)', () => {
    expect(samples.length).toBe(all.length);
    let illegal = 0;
    let unexpected = 0;
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.array(lifecycleEdit, { minLength: 1, maxLength: 4 }), fc.option(fc.constantFrom(...EVENT_TYPES), { nil: undefined }), (mi, si, edits, ev) => {
        const { L, steps } = samples[mi % samples.length];
        const s = steps[si % steps.length];
        const { before, after } = applyLifecycleEdits(s.before, s.after, edits, L, { num: [0, 32], beyond: 1 });
        agree({ before, event: ev ?? s.event, after }, L);
        // The projections by name, also for slots not in use and for states that fit no lifecycle state.
        for (const d of [before, after]) {
          for (let k = 0; k < L.ckSlots; k++) {
            expect(ckState(d, L, k)).toBe(ckStateReference(d, L, k));
            for (let i = 0; i < 4; i++) expect(messageState(d, L, k, i)).toBe(messageStateReference(d, L, k, i));
            if (ckState(d, L, k) === 'unexpected' || messageState(d, L, k, 0) === 'unexpected') unexpected++;
          }
        }
        if (!lifecycleLegal(before, after, L, ev ?? s.event)) illegal++;
      }),
      { numRuns: 20000 },
    );
    // The edits make plenty of illegal moves, not only legal ones.
    expect(illegal).toBeGreaterThan(5000);
    expect(unexpected).toBeGreaterThan(100);
  });
});
