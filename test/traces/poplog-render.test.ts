/**
 * The renderer against the parser: every LineExpect kind, printed, parses back as the line
 * it expects (kind, time, lineMismatch); and printed values are byte-for-byte RocketMQ's
 * (the fixture's lines).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { CK_KINDS, ctxArb, expectArb, timeArb } from '../fixtures/poplog-arbs.js';
import { describe, expect, it } from 'vitest';
import { parsePopLogLine, type PopLogRecord } from '../../traces/poplog.js';
import { lineMismatch, type LogAck, type LogCk } from '../../traces/poplog-expect.js';
import { formatPopLogTime, levelOf, popLogRefusal, printedIn, renderLine, renderMessage } from '../../traces/poplog-render.js';

const FIXTURE = readFileSync(new URL('../fixtures/poplog/pop-5.3.1-gated.log', import.meta.url), 'utf8').split('\n');

describe('renderLine', () => {
  it('prints every kind so that the parser reads it back as the expected line (kind, time, lineMismatch null)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(expectArb, timeArb, ctxArb, (e, t, ctx) => {
        seen.add(e.kind);
        const text = renderLine(e, t, ctx);
        const r = parsePopLogLine(text, 1);
        expect(r.kind, `${text}\n${JSON.stringify(r)}`).toBe(e.kind);
        const rec = r as PopLogRecord;
        expect(rec.time.from <= t && t <= rec.time.to, text).toBe(true);
        expect(rec.level).toBe(levelOf(e.kind));
        if (ctx.thread !== undefined) expect(rec.thread).toBe(ctx.thread);
        expect(lineMismatch(e, rec), text).toBeNull();
        // The line is one line.
        expect(text.includes('\n')).toBe(false);
      }),
      { numRuns: 3000 },
    );
    expect([...seen].sort()).toEqual(
      [...CK_KINDS, 'addAck', 'addAckFail', 'putAckToStoreOk', 'putBatchAckToStoreOk', 'putAckMsgError', 'commitOffset', 'findAck', 'findBatchAck', 'retryMsg', 'reviveBizMsgMissing'].sort(),
    );
  });

  it('a mismatched field is noticed: the property test can fail', () => {
    const ck: LogCk = { topic: 'TopicA', cid: 'GroupA', queueId: 1, startOffset: 100, num: 3, popTime: 1726107303012, invisibleTime: 60000, reviveTime: 1726107363012, brokerName: 'broker-a' };
    const r = parsePopLogLine(renderLine({ kind: 'addCk', ck }, 1726107303012, { release: '5.3.1', reviveQueueId: 2 }), 1) as PopLogRecord;
    expect(lineMismatch({ kind: 'addCk', ck: { ...ck, brokerName: null } }, r)).toMatch(/brokerName/);
    expect(lineMismatch({ kind: 'addCk', ck: { ...ck, num: 2 } }, r)).toMatch(/num/);
  });
});

describe('printed values are RocketMQ 5.3.1 byte for byte', () => {
  const ck: LogCk = { topic: 'TopicA', cid: 'GroupA', queueId: 1, startOffset: 100, num: 3, popTime: 1726107303012, invisibleTime: 60000, reviveTime: 1726107363012, brokerName: 'broker-a' };
  const ack = (bn: string | null): LogAck => ({ type: 'ack', offsets: [100], startOffset: 100, topic: 'TopicA', consumerGroup: 'GroupA', queueId: 1, popTime: 1726107303012, brokerName: bn });
  const at = (hms: string): number => Date.parse(`2024-09-12T${hms}+08:00`);
  const base = { release: '5.3.1' as const, reviveQueueId: 2 };

  it('add ck, put ck to store ok, add ack, put ack to store ok (brokerName=null), commit offset, find ck, find ack', () => {
    expect(renderLine({ kind: 'addCk', ck }, at('10:15:03'), { ...base, thread: 'PullMessageThread_3' })).toBe(FIXTURE[0]);
    const stored = { rqo: 57, cks: true };
    expect(
      renderLine({ kind: 'putCkToStoreOk', ck }, at('10:15:03'), {
        ...base,
        wrapper: stored,
        put: { wroteOffset: 123456, wroteBytes: 312, storeTimestamp: 1726107303101, logicsOffset: 57 },
      }),
    ).toBe(FIXTURE[1]);
    expect(renderLine({ kind: 'addAck', ck, ack: ack('broker-a') }, at('10:15:04'), { ...base, thread: 'AckMessageThread_1', wrapper: { ...stored, bits: 1 } })).toBe(FIXTURE[2]);
    expect(
      renderLine({ kind: 'putAckToStoreOk', ck, ack: ack(null) }, at('10:15:05'), {
        ...base,
        wrapper: { ...stored, bits: 1, sBits: 1 },
        put: { wroteOffset: 123768, wroteBytes: 298, storeTimestamp: 1726107305002, logicsOffset: 58 },
      }),
    ).toBe(FIXTURE[3]);
    expect(renderLine({ kind: 'commitOffset', ck, nextBeginOffset: 103 }, at('10:15:05'), { ...base, wrapper: { ...stored, bits: 1, sBits: 1 }, previousOffset: 100 })).toBe(FIXTURE[4]);
    expect(renderLine({ kind: 'ckFinish', ck }, at('10:15:14'), { ...base, wrapper: { ...stored, bits: 1, sBits: 1 } })).toBe(FIXTURE[5]);
    expect(renderLine({ kind: 'findCk', ck }, at('10:16:04'), { ...base, reviveOffset: 57 })).toBe(FIXTURE[8]);
    expect(renderLine({ kind: 'findAck', ack: ack(null) }, at('10:16:04'), { ...base, reviveOffset: 58 })).toBe(FIXTURE[9]);
  });

  it('retry msg ends with a space; 5.3.0 has no rePutTimes; 5.3.1 writes "change Invisible ," and 5.3.2 "change Invisible,"', () => {
    const retry = renderMessage({ kind: 'retryMsg', ck, offset: 101 }, 1726107365500, { ...base, reviveCk: { bitMap: 0, reviveOffset: 57 }, put: { wroteOffset: 124502, logicsOffset: 1, storeTimestamp: 1726107365004 } });
    expect(retry.endsWith('remotePut=false] ')).toBe(true);
    expect(retry).toContain('reviveOffset=57, diff=[0, 1, 2], brokerName=broker-a, rePutTimes=null], msg queueId 1, offset 101, reviveDelay=2, result is');
    expect(renderMessage({ kind: 'addCk', ck }, 0, { ...base, release: '5.3.0' })).not.toContain('rePutTimes');
    expect(renderMessage({ kind: 'changeInvisibleCk', ck }, 0, base)).toMatch(/^change Invisible , appendCheckPoint, topic TopicA, queueId 1,reviveId 2, cid GroupA, startOffset 100, rt 1726107363012, result PutMessageResult \[/);
    expect(renderMessage({ kind: 'changeInvisibleCk', ck }, 0, { ...base, release: '5.3.2' })).toMatch(/^change Invisible, appendCheckPoint/);
    expect(printedIn('reviveBizMsgMissing', '5.3.0')).toBe(false);
    expect(printedIn('reviveBizMsgMissing', '5.3.1')).toBe(true);
  });

  it('revive bodies: fastjson keys sorted, a null brokerName left out, a batch ack with aol', () => {
    expect(renderMessage({ kind: 'findBatchAck', ack: { ...ack(null), type: 'batchAck', offsets: [100, 102] } }, 0, { ...base, reviveOffset: 9 })).toBe(
      'reviveQueueId=2, find batch ack, offset:9, raw : {"ao":0,"aol":[100,102],"c":"GroupA","pt":1726107303012,"q":1,"so":100,"t":"TopicA"}',
    );
    expect(renderMessage({ kind: 'findAck', ack: ack('broker-a') }, 0, base)).toContain('{"ao":100,"bn":"broker-a","c":"GroupA",');
  });

  it('formats times in GMT+8 to the second', () => {
    expect(formatPopLogTime(Date.parse('2024-09-12T10:15:03.999+08:00'))).toBe('2024-09-12 10:15:03');
    expect(formatPopLogTime(Date.parse('2024-12-31T16:00:00.000Z'))).toBe('2025-01-01 00:00:00');
  });

  it('refuses releases without the 5.3.x formats', () => {
    expect(popLogRefusal('5.3.1')).toBeNull();
    expect(popLogRefusal('head')).toBeNull();
    expect(popLogRefusal('5.1.0')).toMatch(/5\.3\.x pop\.log formats/);
  });
});
