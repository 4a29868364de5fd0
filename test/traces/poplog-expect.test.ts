/**
 * lineMismatch is strict: a parsed line that differs from the expected one in any field the
 * validator compares (a CK's key, num, reviveTime, brokerName; an ack's offsets, popTime,
 * brokerName; a commit's nextBeginOffset; a retry's offset; an addAk refusal's reason) is not
 * that line. (The render test shows the other half: the line as rendered always matches.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ctxArb, expectArb, timeArb } from '../fixtures/poplog-arbs.js';
import { parsePopLogLine, type PopLogRecord } from '../../traces/poplog.js';
import { lineMismatch } from '../../traces/poplog-expect.js';
import { renderLine } from '../../traces/poplog-render.js';

type Obj = Record<string, unknown>;

/** Every path (through ckWrap, ck and ack) to a field lineMismatch compares for this kind. */
function comparedPaths(r: PopLogRecord): string[][] {
  const ck = (via: string[]): string[][] => ['topic', 'cid', 'queueId', 'startOffset', 'num', 'reviveTime', 'brokerName'].map((f) => [...via, f]);
  const ack = (r2: Obj): string[][] => [
    ...['topic', 'consumerGroup', 'queueId', 'startOffset', 'popTime', 'brokerName'].map((f) => ['ack', f]),
    (r2.ack as Obj).ackOffsetList ? ['ack', 'ackOffsetList'] : ['ack', 'ackOffset'],
  ];
  const x = r as unknown as Obj;
  switch (r.kind) {
    case 'addCk':
    case 'addCkJustOffset':
    case 'putCkToStoreOk':
    case 'ckDone':
    case 'ckFinish':
    case 'mergeKeyConflict':
      return ck(['ckWrap', 'ck']);
    case 'addCkTimeout':
      return ck(['ck']);
    case 'addAck':
    case 'putAckToStoreOk':
    case 'putBatchAckToStoreOk':
      return [...ck(['ckWrap', 'ck']), ...ack(x)];
    case 'addAckFail':
      return [['reason'], ...ack(x)];
    case 'commitOffset':
      return [...ck(['ckWrap', 'ck']), ['ckWrap', 'nbo']];
    case 'findCk':
      return [...ck(['ck']), ['ck', 'popTime']];
    case 'findAck':
    case 'findBatchAck':
      return ack(x);
    case 'retryMsg':
      return [...ck(['ck']), ['offset']];
    case 'reviveBizMsgMissing':
      return [['offset'], ['topic'], ['queueId']];
    case 'changeInvisibleCk':
      return [['topic'], ['group'], ['queueId'], ['startOffset'], ['reviveTime']];
    default:
      return []; // put ack msg error: no field to compare
  }
}

function changed(v: unknown, field: string): unknown {
  if (field === 'reason') return v === 'noCk' ? 'stayTooLong' : 'noCk';
  if (Array.isArray(v)) return [...v, 999_999];
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'string') return `${v}x`;
  return v === null ? 'broker-z' : null;
}

function withChange(r: PopLogRecord, path: string[]): PopLogRecord {
  const copy = structuredClone(r) as unknown as Obj;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Obj;
  const last = path[path.length - 1];
  o[last] = changed(o[last], last);
  return copy as unknown as PopLogRecord;
}

describe('lineMismatch', () => {
  it('refuses a line that differs from the expected one in any compared field', () => {
    fc.assert(
      fc.property(expectArb, timeArb, ctxArb, (e, t, ctx) => {
        const rec = parsePopLogLine(renderLine(e, t, ctx), 1) as PopLogRecord;
        expect(lineMismatch(e, rec)).toBeNull();
        const paths = comparedPaths(rec);
        if (e.kind !== 'putAckMsgError') expect(paths.length).toBeGreaterThan(0);
        for (const p of paths) expect(lineMismatch(e, withChange(rec, p)), `${e.kind}: ${p.join('.')}`).not.toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a line of another kind', () => {
    fc.assert(
      fc.property(expectArb, expectArb, timeArb, ctxArb, (e, other, t, ctx) => {
        fc.pre(e.kind !== other.kind);
        const rec = parsePopLogLine(renderLine(other, t, ctx), 1) as PopLogRecord;
        expect(lineMismatch(e, rec)).toMatch(/was expected/);
      }),
      { numRuns: 200 },
    );
  });
});

import { expectLines, type CkWorld } from '../../traces/poplog-expect.js';
import type { CkRef, Observation } from '../../model/observations.js';
import { findCatalogueMatches } from '../../traces/catalogue-match.js';
import type { CkResult } from '../../traces/validate.js';

describe('expectLines: what each observation prints, in the log\'s names', () => {
  const w: CkWorld = { topic: 'T1', group: 'G1', queueId: 7, brokerName: 'bk-1', otherBroker: 'bk-2', origin: 1_000_000, offsetShift: 900 };
  const ck: CkRef = { queueId: 0, startOffset: 100, num: 2, popTime: 500, invisibleTime: 60_000, reviveTime: 60_500, brokerName: 'broker-a' };
  const logCk = { topic: 'T1', cid: 'G1', queueId: 7, startOffset: 1000, num: 2, popTime: 1_000_500, invisibleTime: 60_000, reviveTime: 1_060_500, brokerName: 'bk-1' };
  const ack = { ackOffset: 101, startOffset: 100, queueId: 0, popTime: 500, brokerName: null };
  const logAck = { type: 'ack', offsets: [1001], startOffset: 1000, topic: 'T1', consumerGroup: 'G1', queueId: 7, popTime: 1_000_500, brokerName: null };
  const write = { deliverTimeMs: 0, direct: true, queueOffset: 0 };
  const cases: [Observation, unknown[]][] = [
    [{ kind: 'addCk', ck }, [{ kind: 'addCk', ck: logCk }]],
    [{ kind: 'addCkJustOffset', ck, why: 'notServing', deliverTimeMs: 0 }, [{ kind: 'addCkJustOffset', ck: logCk }, { kind: 'putCkToStoreOk', ck: logCk }]],
    [{ kind: 'addCkJustOffset', ck, why: 'almostTimeout', deliverTimeMs: 0 }, [{ kind: 'addCkTimeout', ck: logCk }, { kind: 'addCkJustOffset', ck: logCk }, { kind: 'putCkToStoreOk', ck: logCk }]],
    [{ kind: 'mergeKeyConflict', ck, conflictsWith: ck }, [{ kind: 'mergeKeyConflict', ck: logCk }]],
    [{ kind: 'addAk', via: 'ack', ack, ck, at: 0, bits: [1] }, [{ kind: 'addAck', ck: logCk, ack: logAck }]],
    [{ kind: 'ackToStore', via: 'ack', at: 0, refusal: 'noCk', ack, ok: true, ...write }, [{ kind: 'addAckFail', reason: 'noCk', ack: logAck }]],
    [{ kind: 'ackToStore', via: 'ack', at: 0, refusal: 'stayTooLong', ack, ok: false, ...write }, [{ kind: 'addAckFail', reason: 'stayTooLong', ack: logAck }, { kind: 'putAckMsgError' }]],
    [{ kind: 'ackToStore', via: 'ack', at: 0, refusal: 'almostTimeout', ack, ok: true, ...write }, [{ kind: 'addAckFail', reason: 'almostTimeout', ack: logAck }]],
    [{ kind: 'ackToStore', via: 'ack', at: 0, refusal: 'justOffset', ack, ok: true, ...write }, []],
    [{ kind: 'ackToStore', via: 'ack', at: 0, refusal: 'notServing', ack, ok: true, ...write }, []],
    [{ kind: 'changeInvisible', offset: 101, at: 0, ck, deliverTimeMs: 0 }, [{ kind: 'changeInvisibleCk', ck: logCk }]],
    [{ kind: 'putCkToStore', ck, ...write }, [{ kind: 'putCkToStoreOk', ck: logCk }]],
    [{ kind: 'putAckToStore', ck, acks: [ack], brokerNameOmitted: true, ...write }, [{ kind: 'putAckToStoreOk', ck: logCk, ack: logAck }]],
    [{ kind: 'putBatchAckToStore', ck, ack: { ackOffsetList: [100, 101], startOffset: 100, queueId: 0, popTime: 500, brokerName: 'broker-b' }, brokerNameOmitted: false, ...write },
      [{ kind: 'putBatchAckToStoreOk', ck: logCk, ack: { ...logAck, type: 'batchAck', offsets: [1000, 1001], brokerName: 'bk-2' } }]],
    [{ kind: 'ckDone', ck, stored: true, bits: [] }, [{ kind: 'ckDone', ck: logCk }]],
    [{ kind: 'ckFinish', ck }, [{ kind: 'ckFinish', ck: logCk }]],
    [{ kind: 'commitOffset', queueId: 0, from: 100, to: 102, ck, ckStored: true }, [{ kind: 'commitOffset', ck: logCk, nextBeginOffset: 1002 }]],
    [{ kind: 'findCk', offset: 0, ck, brokerName: 'broker-a' }, [{ kind: 'findCk', ck: logCk }]],
    [{ kind: 'findAck', offset: 1, entry: { type: 'ack', acks: [ack, { ...ack, ackOffset: 100 }] }, ck, bitMap: [] },
      [{ kind: 'findAck', ack: logAck }, { kind: 'findAck', ack: { ...logAck, offsets: [1000] } }]],
    [{ kind: 'ackDropped', offset: 1, entry: { type: 'ack', acks: [ack] } }, [{ kind: 'findAck', ack: logAck }]],
    [{ kind: 'mockCkForAck', offset: 1, entry: { type: 'ack', acks: [ack] }, waitMs: 0 }, [{ kind: 'findAck', ack: logAck }]],
    [{ kind: 'retryMsg', ck, offset: 101, readOffset: 101, topic: 'x' }, [{ kind: 'retryMsg', ck: logCk, offset: 1001 }]],
    [{ kind: 'bizMsgNotFound', ck, offset: 101, why: 'deleted' }, [{ kind: 'reviveBizMsgMissing', ck: logCk, offset: 1001 }]],
    [{ kind: 'reviveFinish', oldOffset: 0, newOffset: 1 }, []],
  ];
  for (const [o, lines] of cases) {
    it(`${o.kind}${'why' in o ? ` (${o.why})` : ''}${'refusal' in o ? ` (${o.refusal}${o.ok ? '' : ', put fails'})` : ''}`, () => {
      expect(expectLines(o, w)).toEqual(lines);
    });
  }
});

describe('catalogue matches of a violated CK', () => {
  const ck = (invariants: string[], evidence: string[]): CkResult =>
    ({ violations: invariants.map((invariant) => ({ invariant, line: 9, offsets: [], explanation: [] })), evidence: evidence.map((what) => ({ line: 4, what })) }) as unknown as CkResult;
  it('a flushed AckMsg without brokerName names #8835 on 5.3.1 only', () => {
    expect(findCatalogueMatches('5.3.1', ck(['acked-never-retried'], ['bufferAckWithoutBrokerName']))).toEqual(['8835']);
    expect(findCatalogueMatches('5.3.1', ck(['ack-key-agreement'], ['bufferAckWithoutBrokerName']))).toEqual(['8835']);
    expect(findCatalogueMatches('5.3.2', ck(['acked-never-retried'], ['bufferAckWithoutBrokerName']))).not.toContain('8835');
  });
  it('without a pattern: the entries of the violated invariants that affect the release, none with a pattern of its own', () => {
    const m = findCatalogueMatches('head', ck(['acked-never-retried'], []));
    expect(m).toContain('I-9');
    expect(m).not.toContain('8835');
    expect(m).not.toContain('I-4'); // offsets-monotonic, no pattern: another invariant
    expect(m).not.toContain('3787'); // acked-never-retried on 5.0.0-alpha: another release
    expect(m).toEqual(expect.arrayContaining(['7724', 'I-9']));
    expect(findCatalogueMatches('5.3.1', ck([], ['bufferAckWithoutBrokerName']))).toEqual([]);
  });
  it('a failed ACK put nearby names I-2 alone', () => {
    expect(findCatalogueMatches('5.3.2', ck(['success-never-retried'], ['ackPutFailedNear']))).toEqual(['I-2']);
  });
});
