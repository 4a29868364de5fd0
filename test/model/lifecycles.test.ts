import { describe, expect, it } from 'vitest';
import { explore } from '../../checker/index.js';
import {
  CK_TRANSITIONS,
  MESSAGE_TRANSITIONS,
  ckMachine,
  illegalMoves,
  messageMachine,
} from '../../model/lifecycles.js';
import { recordMoves } from '../fixtures/moves.js';
import { walk } from '../fixtures/walk.js';
import { ackFlushModel, type AckFlushCase } from '../fixtures/models.js';
import { fullModel } from '../fixtures/full.js';

/** Every lifecycle move made by any step of the scenario, as "from>to". */
function observedMoves(c: AckFlushCase): { msg: Set<string>; ck: Set<string> } {
  const m = ackFlushModel(c);
  const msg = new Set<string>();
  const ck = new Set<string>();
  walk(m, (s, e, n) => {
    expect(illegalMoves(s, n, m.ctx.L, e.type)).toEqual([]);
    recordMoves(s, n, m.ctx.L, { msg, ck });
  });
  return { msg, ck };
}

describe('lifecycle tables', () => {
  it('are typescript-fsm tables with Mermaid diagrams', () => {
    const mm = messageMachine().toMermaid('message');
    expect(mm).toContain('stateDiagram-v2');
    expect(mm).toContain('inFlight --> ackBuffered: ackMerged');
    expect(mm).toContain('ackStored --> retried: revivedAckMissed');
    const cm = ckMachine().toMermaid('CK');
    expect(cm).toContain('buffered --> doneInMemory: ckDoneInMemory');
    expect(cm).toContain('delivered --> revived: revive');
  });

  it('start where a pop starts and allow only table moves', () => {
    const m = messageMachine();
    expect(m.getState()).toBe('available');
    expect(m.can('pop')).toBe(true);
    expect(m.can('ackMatched')).toBe(false);
    expect(ckMachine().can('addCk')).toBe(true);
  });

  it('every move of every step in ack-flush is in the tables, and the tables are exercised', () => {
    const msg = new Set<string>();
    const ck = new Set<string>();
    const cases: AckFlushCase[] = [
      { release: '5.3.1', messages: 3 },
      { release: '5.3.2', messages: 3 },
      { release: '5.3.1', messages: 3, batchAck: true },
      { release: '5.3.1', messages: 2, overrides: { enablePopBufferMerge: false } },
    ];
    for (const c of cases) {
      const o = observedMoves(c);
      o.msg.forEach((x) => msg.add(x));
      o.ck.forEach((x) => ck.add(x));
    }
    const msgTable = new Set(MESSAGE_TRANSITIONS.map((t) => `${t.fromState}>${t.toState}`));
    const ckTable = new Set(CK_TRANSITIONS.map((t) => `${t.fromState}>${t.toState}`));
    for (const x of msg) expect(msgTable.has(x), x).toBe(true);
    for (const x of ck) expect(ckTable.has(x), x).toBe(true);
    // ack-flush exercises the core of both tables (the full scenario and the catalogue exercise the rest).
    for (const x of ['available>inFlight', 'inFlight>ackBuffered', 'inFlight>ackStored', 'ackBuffered>ackStored', 'ackBuffered>done', 'ackStored>done', 'ackStored>retried']) {
      expect(msg.has(x), x).toBe(true);
    }
    for (const x of ['none>buffered', 'none>stored', 'buffered>stored', 'buffered>doneInMemory', 'stored>delivered', 'delivered>revived']) {
      expect(ck.has(x), x).toBe(true);
    }
  });

  it('the lifecycle-legal invariant holds over the whole state space of both releases', () => {
    for (const release of ['5.3.1', '5.3.2']) {
      const m = ackFlushModel({ release, messages: 4 });
      const g = explore(m, { symmetry: false });
      const idx = m.invariants.findIndex((i) => i.name === 'lifecycle-legal');
      expect(g.firstViolations.filter((v) => v.invariant === idx)).toEqual([]);
    }
  });
});

describe('#7724 moves an acked, matched offset to retried (done -> retried)', () => {
  // The shortest runs the sweep of issue 10 found (docs/research/issue-10-java.md §8): the
  // revive's read of a gone offset returns the next, acked one and retries it, in reviveComplete
  // (asynchronous reads, after the dispatching pass matched its ack) or in a revive step.
  const bounds = { pops: 2, batch: 2, expire: 1, cqLag: true, readFailures: 1 } as const;
  const violated = (settings: Record<string, boolean>): string[] => {
    const m = fullModel('head', bounds, settings, 2, ['lifecycle-legal', 'acked-never-retried']);
    const g = explore(m, { symmetry: false });
    return [...new Set(g.firstViolations.map((v) => m.invariants[v.invariant].name))].sort();
  };
  it('is legal with asynchronous reads; acked-never-retried still reports the harm', () => {
    expect(violated({ asyncBizRead: true })).toEqual(['acked-never-retried']);
  });
  it('does not happen once the revive checks the offset it read (PR #7739)', () => {
    expect(violated({ asyncBizRead: true, reviveReadsNextLiveMessage: false })).toEqual([]);
  });
});
