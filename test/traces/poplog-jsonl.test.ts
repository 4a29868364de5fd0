/** The JSON Lines form of pop.log: round trip with the renderer, and what makes a line malformed. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ctxArb, expectArb, timeArb } from '../fixtures/poplog-arbs.js';
import { parsePopLogLine, type PopLogRecord } from '../../traces/poplog.js';
import { lineMismatch } from '../../traces/poplog-expect.js';
import {
  parsePopLogJsonlHeader,
  parsePopLogJsonlLine,
  PopLogJsonlLineSchema,
  popLogJsonlHeader,
  renderJsonlLine,
} from '../../traces/poplog-jsonl.js';
import { renderLine, renderMessage } from '../../traces/poplog-render.js';

describe('pop.log JSON Lines', () => {
  it('a rendered line reads back as the expected record, with the exact time, and says what the text line says', () => {
    fc.assert(
      fc.property(expectArb, timeArb, ctxArb, (e, t, ctx) => {
        const line = renderJsonlLine(e, t, ctx);
        const obj = PopLogJsonlLineSchema.parse(JSON.parse(line));
        expect(obj.message).toBe(renderMessage(e, t, ctx));
        const r = parsePopLogJsonlLine(line, 7);
        expect(r.kind, line).toBe(e.kind);
        const rec = r as PopLogRecord;
        expect(rec.time).toEqual({ from: t, to: t });
        expect(rec.line).toBe(7);
        expect(lineMismatch(e, rec)).toBeNull();
        // The same fields as the pop.log text line, but for the time.
        const text = parsePopLogLine(renderLine(e, t, ctx), 7) as PopLogRecord;
        expect({ ...rec, time: null }).toEqual({ ...text, time: null });
      }),
      { numRuns: 1500 },
    );
  });

  it('the header', () => {
    expect(popLogJsonlHeader('5.3.1')).toBe('{"popcheck":"poplog","version":1,"rocketmq":"5.3.1"}');
    expect(parsePopLogJsonlHeader(popLogJsonlHeader('head'))).toEqual({ ok: true, header: { popcheck: 'poplog', version: 1, rocketmq: 'head' } });
    expect(parsePopLogJsonlHeader('{"popcheck":"poplog","version":1,"rocketmq":"5.1.0"}')).toMatchObject({ ok: false, reason: expect.stringMatching(/rocketmq/) });
    expect(parsePopLogJsonlHeader('{"popcheck":"trace","version":1}')).toMatchObject({ ok: false });
    expect(parsePopLogJsonlHeader('nope')).toEqual({ ok: false, reason: 'the header is not valid JSON' });
  });

  it('malformed lines: not JSON, a field missing or extra, a kind that disagrees with the message, a bad message', () => {
    const ok = { time: 1726107303012, level: 'INFO', thread: 'PopBufferMergeService', kind: 'reviveRest', message: 'reviveQueueId=2, has no new msg, take a rest 1' };
    const read = (o: unknown): ReturnType<typeof parsePopLogJsonlLine> => parsePopLogJsonlLine(typeof o === 'string' ? o : JSON.stringify(o), 3);
    expect(read(ok)).toMatchObject({ kind: 'reviveRest', rq: 2, slow: 1, time: { from: 1726107303012, to: 1726107303012 } });
    expect(read('{"time":')).toEqual({ kind: 'malformed', line: 3, reason: 'not valid JSON' });
    expect(read({ ...ok, time: undefined })).toMatchObject({ kind: 'malformed', reason: expect.stringMatching(/^time: /) });
    expect(read({ ...ok, extra: 1 })).toMatchObject({ kind: 'malformed' });
    expect(read({ ...ok, thread: 'two words' })).toMatchObject({ kind: 'malformed', reason: expect.stringMatching(/^thread: /) });
    expect(read({ ...ok, kind: 'ckDone' })).toMatchObject({ kind: 'malformed', reason: "kind 'ckDone', but the message is a 'reviveRest' line" });
    expect(read({ ...ok, kind: 'nonsense' })).toMatchObject({ kind: 'malformed', reason: expect.stringMatching(/^kind: /) });
    expect(read({ ...ok, message: 'hello' })).toMatchObject({ kind: 'malformed', reason: "kind 'reviveRest', but the message is of no known format" });
    expect(read({ ...ok, kind: 'unknown', message: 'hello' })).toMatchObject({ kind: 'unknown', message: 'hello' });
    expect(read({ ...ok, message: 'reviveQueueId=x, has no new msg, take a rest 1' })).toMatchObject({ kind: 'malformed', claimed: 'reviveRest' });
    expect(read({ ...ok, kind: 'ckDone', message: 'reviveQueueId=x, has no new msg, take a rest 1' })).toMatchObject({
      kind: 'malformed',
      reason: expect.stringMatching(/^kind 'ckDone', but the message is a malformed 'reviveRest' line: /),
    });
    expect(read('   ')).toEqual({ kind: 'blank', line: 3 });
  });
});
