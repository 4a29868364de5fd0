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
