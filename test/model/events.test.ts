import { describe, expect, expectTypeOf, it } from 'vitest';
import { EventSchema, type AckEvent, type Event } from '../../model/events.js';
import { ackFlushModel } from '../fixtures/models.js';

describe('event schema', () => {
  it('parses every event type', () => {
    const ok: unknown[] = [
      { type: 'pop', queueId: 0, maxNums: 32 },
      { type: 'ack', queueId: 0, startOffset: 100, popTime: 0, offset: 101, at: 1000 },
      { type: 'ack', queueId: 0, startOffset: 100, popTime: 0, offset: 101, brokerName: null },
      { type: 'scan', at: 10500 },
      { type: 'timer' },
      { type: 'revive', at: 70000 },
      { type: 'tick', to: 500 },
    ];
    for (const e of ok) expect(EventSchema.safeParse(e).success, JSON.stringify(e)).toBe(true);
  });

  it('rejects malformed events with a path to the problem', () => {
    const bad: [unknown, string][] = [
      [{ type: 'pop', queueId: 0, maxNums: 33 }, 'maxNums'],
      [{ type: 'pop', queueId: -1, maxNums: 1 }, 'queueId'],
      [{ type: 'ack', queueId: 0, startOffset: 100, popTime: 0 }, 'offset'],
      [{ type: 'ack', queueId: 0, startOffset: 100, popTime: 0, offset: 1, brokerName: 'x' }, 'brokerName'],
      [{ type: 'scan', at: 1.5 }, 'at'],
      [{ type: 'scan', extra: 1 }, ''],
      [{ type: 'flush' }, 'type'],
    ];
    for (const [e, path] of bad) {
      const r = EventSchema.safeParse(e);
      expect(r.success, JSON.stringify(e)).toBe(false);
      if (!r.success && path) expect(r.error.issues.map((i) => i.path.join('.')).join(' ')).toContain(path);
    }
  });

  it('infers the TypeScript event types from the schema', () => {
    expectTypeOf<AckEvent['offset']>().toEqualTypeOf<number>();
    expectTypeOf<Event['type']>().toEqualTypeOf<
      | 'pop'
      | 'ack'
      | 'ackMark'
      | 'changeInvisible'
      | 'produce'
      | 'expire'
      | 'scan'
      | 'gc'
      | 'timer'
      | 'revive'
      | 'reviveComplete'
      | 'putComplete'
      | 'persist'
      | 'crash'
      | 'roleChange'
      | 'storeReadable'
      | 'correctMinOffset'
      | 'tick'
    >();
  });

  it('the model explains why an event is not enabled', () => {
    const m = ackFlushModel({ release: '5.3.1', messages: 2 });
    const s0 = m.initialStates()[0];
    expect(m.why(s0, { type: 'ack', queueId: 0, startOffset: 100, popTime: 0, offset: 100 })).toMatch(/no receipt handle/);
    expect(m.why(s0, { type: 'timer' })).toMatch(/timer holds no CK/);
    expect(m.why(s0, { type: 'pop', queueId: 3, maxNums: 1 })).toMatch(/does not exist/);
    const s1 = m.step(s0, { type: 'pop', queueId: 0, maxNums: 2, at: 5000 });
    expect(m.why(s1, { type: 'scan', at: 1000 })).toMatch(/time cannot go back/);
    const s2 = m.step(s1, { type: 'ack', queueId: 0, startOffset: 100, popTime: 5000, offset: 101 });
    // A client may send the same ack again (a duplicate), but not change the invisible time of an acked offset.
    expect(m.why(s2, { type: 'ack', queueId: 0, startOffset: 100, popTime: 5000, offset: 101 })).toBeNull();
    expect(m.why(s2, { type: 'changeInvisible', queueId: 0, startOffset: 100, popTime: 5000, offset: 101, invisibleTime: 5000 })).toMatch(
      /no longer holds/,
    );
    expect(m.why(s2, { type: 'pop', queueId: 0, maxNums: 1 })).toMatch(/no message in queue 0/);
  });
});
