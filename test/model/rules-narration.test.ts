/**
 * The narration of each step: its tags name the pop.log line (or the model's step) that
 * RocketMQ would log, so the explanation of a counterexample says what the broker did.
 */
import { describe, expect, it } from 'vitest';
import { applyNarrated } from '../../model/step.js';
import { narrate } from '../fixtures/narrate-run.js';
import { ack, play, pop, revive, rulesModel, scan, timer } from '../fixtures/rules.js';

const change = (offset: number, at: number) => ({ type: 'changeInvisible' as const, queueId: 0, startOffset: 100, popTime: 0, offset, invisibleTime: 30_000, at });
const mark = (offset: number, at: number) => ({ type: 'ackMark' as const, queueId: 0, startOffset: 100, popTime: 0, offset, at });

describe('narration', () => {
  it('buffer: addCk, addAk, the flush, the commit, the timer and the revive', () => {
    const m = rulesModel();
    const r = narrate(m, [pop(0), ack(100, 1000), ack(101, 9000), ack(101, 9000), scan(10_500), timer(59_000), timer(60_000), revive(63_000), revive(63_500)]);
    expect(r.tags).toEqual([
      ['pop', '[PopBuffer]add ck'],
      ['[PopBuffer]add ack'],
      ['ack to store'],
      ['ack to store'],
      ['scan flush', '[PopBuffer]put ck to store ok', '[PopBuffer]put ack to store ok', '[PopBuffer]ck finish', 'Commit offset'],
      ['timer deliver'],
      ['timer deliver', 'timer deliver'],
      ['old offset', 'find ck', 'find ack', 'find ack', 'ck not due', 'revive finish'],
      ['old offset', 'find ck', 'find ack', 'find ack', 'retry msg', 'revive finish'],
    ]);
    const texts = r.notes.flat().map((n) => n.text);
    for (const t of [
      'ack offset 100 at 1.0s: addAk merges it into the buffered CK, bits={0}',
      'ack offset 101 at 9.0s: addAk refuses (stay too long)',
      'deliver 60.0s (brokerName broker-a from the receipt handle)',
      'putAckToStore x1',
      '(now - popTime > 10s)',
      'deliver 59.0s',
      'consumer offset 100 -> 103',
      '(endTime 60.0s - T 60.0s <= 2s)',
      'offset 102 not acked',
      'new offset is 0 (committed)',
      'revive pass at 63.0s: old offset is -1, reading revive queue 0..2',
      'offset 0: find ck CK@100 (bn=broker-a)',
      'offset 1: AckMsg{ao=101, so=100, q=0, pt=0.0s, bn=broker-a} matches CK@100, bitMap={1}',
      'revive finish, old offset is -1, new offset is -1',
    ]) {
      expect(texts.some((x) => x.includes(t)), t).toBe(true);
    }
  });

  it('split addAk, slow scan, serving again, produce, persist, crash and role changes', () => {
    const m = rulesModel({ enablePopBatchAck: true, splitAddAk: true }, { crashes: 1, roleChanges: 2, pops: 3, produce: 1 }, 'head', 4);
    const r = narrate(m, [
      pop(0, 2),
      ack(100, 500),
      mark(100, 500),
      ack(101, 500),
      scan(500, true),
      mark(101, 500),
      scan(1000),
      scan(1000),
      { type: 'produce', queueId: 0, at: 1000 },
      { type: 'persist', at: 1000 },
      { type: 'crash', at: 1000 },
      { type: 'roleChange', role: 'slave', at: 1500 },
      { type: 'roleChange', role: 'master', at: 2500 },
    ]);
    expect(r.tags).toEqual([
      ['pop', '[PopBuffer]add ck'],
      ['addAk checked'],
      ['[PopBuffer]add ack'],
      ['addAk checked'],
      ['[PopBuffer]scan stop, because eclipse too long'],
      ['[PopBuffer]add ack'],
      ['[PopBuffer]ck done', 'Commit offset', 'serving'],
      [],
      ['produce'],
      ['persist offsets'],
      ['broker restart'],
      ['Broker is SLAVE, clear all data'],
      ['role change to master'],
    ]);
  });

  it('a pop says what it read, when popTime was sampled, and why its CK was written at once', () => {
    const text = (m: ReturnType<typeof rulesModel>, events: Parameters<typeof narrate>[1], from?: Parameters<typeof narrate>[2]) =>
      narrate(m, events, from).notes.flat().map((n) => n.text);
    const m = rulesModel({}, { pops: 2 });
    expect(text(m, [pop(0, 2)])[0]).toMatch(/^pop 2 msg\(s\) from queue 0, offsets 100..101, popTime=0.0s: CK\{/);
    expect(text(m, [{ type: 'pop', queueId: 0, maxNums: 1, popTime: 0, at: 500 }])[0]).toContain('popTime=0.0s (sampled before the read at 0.5s)');
    expect(text(rulesModel({ enablePopBufferMerge: false }), [pop(0)])[1]).toBe(
      'addCkJustOffset (enablePopBufferMerge=false): CK written to the revive topic (deliver 59.0s), wrapper kept for the offset commit',
    );
    expect(text(rulesModel({ popInvisibleTime: 4000 }), [pop(0)])[1]).toMatch(/^addCkJustOffset \(T too close\)/);
    const slow = narrate(m, [scan(0, true)]).state;
    expect(text(m, [pop(0)], slow)[1]).toMatch(/^addCkJustOffset \(buffer not serving\)/);
  });

  it('a flush of buffered acks as one BatchAckMsg; a markBitCAS on a removed wrapper', () => {
    const m = rulesModel({ enablePopBatchAck: true });
    expect(narrate(m, [pop(0), ack(100, 1000), scan(10_500)]).tags[2]).toContain('[PopBuffer]put batch ack to store ok');
    const s = rulesModel({ splitAddAk: true });
    const r = narrate(s, [pop(0), ack(100, 8500), scan(10_500), mark(100, 10_500)]);
    expect(r.notes[1].map((n) => n.text)).toEqual(["ack offset 100 at 8.5s: addAk's checks pass; the bit is not marked yet"]);
    expect(r.notes[3].map((n) => n.text)).toEqual(['markBitCAS for offset 100 on a wrapper the scan already removed: the bit is lost, yet the client gets SUCCESS']);
    const alive = narrate(s, [pop(0), ack(101, 1000), mark(101, 1000)]);
    expect(alive.notes[2].map((n) => n.text)).toEqual(['markBitCAS for offset 101: bits={1}; the client gets SUCCESS']);
    const noName = rulesModel({ enablePopBufferMerge: false });
    const t = narrate(noName, [pop(0), ack(102, 500, 100, 0, { brokerName: null })]).notes[1][0].text;
    expect(t).toMatch(/^ack offset 102 at 0.5s: addAk refuses \(enablePopBufferMerge=false\); AckMsg\{ao=102, .*bn=null\} written to the revive topic, deliver 60.0s$/);
  });

  it('asynchronous revive: dispatch, back-pressure, the 30 s re-put, completion', () => {
    const m = rulesModel({ enablePopBufferMerge: false, asyncBizRead: true, reviveQueueBusy: true }, { pops: 5, batch: 1 }, 'head', 5);
    const r = narrate(m, [pop(0, 1), pop(0, 1), pop(0, 1), pop(0, 1), pop(0, 1), timer(59_000), revive(62_500), revive(93_000), { type: 'reviveComplete', queueId: 0, startOffset: 100, popTime: 0, at: 93_000 }]);
    expect(r.tags.slice(5)).toEqual([
      ['timer deliver', 'timer deliver', 'timer deliver', 'timer deliver', 'timer deliver'],
      ['old offset', 'find ck', 'find ck', 'find ck', 'find ck', 'find ck', 'revive dispatch', 'revive dispatch', 'revive dispatch', 'revive dispatch', 'inflight back-pressure', 'revive finish'],
      ['old offset', 'find ck', 'rePut CK', 'stay too long, remove from reviveRequestMap', 'revive dispatch', 'revive finish'],
      ['retry msg'],
    ]);
    const texts = r.notes.flat().map((n) => n.text);
    expect(texts).toContain('CK@100 due: retries of offsets 100 dispatched (asynchronous)');
    expect(texts.some((t) => t.startsWith('CK@100 stayed over 30 s in inflightReviveRequestMap: rePutCK writes'))).toBe(true);
    expect(texts.some((t) => t.startsWith('the entry of CK@100 is removed from the map'))).toBe(true);
    const all = rulesModel({ enablePopBufferMerge: false, asyncBizRead: true });
    const n = narrate(all, [pop(0), ack(100, 500), ack(101, 500), ack(102, 500), timer(59_000), timer(60_000), revive(63_500)]);
    expect(n.notes[6].map((x) => x.text)).toContain('CK@100 due: retries of offsets (none) dispatched (asynchronous)');
    const two = narrate(all, [pop(0), ack(101, 500), timer(59_000), timer(60_000), revive(63_500)]);
    expect(two.notes[4].map((x) => x.text)).toContain('CK@100 due: retries of offsets 100,102 dispatched (asynchronous)');
  });

  it('a dropped ACK names its key brokerName, with the blank fallback spelled out', () => {
    const m = rulesModel({ enablePopBufferMerge: false });
    const r = narrate(m, [pop(0), ack(100, 60_000, 100, 0, { brokerName: null }), ack(101, 60_000, 100, 0, { brokerName: 'broker-b' }), revive(63_500)]);
    const dropped = r.notes[3].filter((x) => x.tag === 'ack dropped').map((x) => x.text);
    expect(dropped.length).toBe(2);
    expect(dropped[0]).toContain("(brokerName part: null -> broker-a (the reviving broker's own name)); ACK dropped");
    expect(dropped[1]).toContain('(brokerName part: broker-b); ACK dropped');
  });

  it('mock CKs, changes of invisible time, the pre-5.1.0 abort, scanGarbage and retention', () => {
    const b = rulesModel({ enablePopBufferMerge: false, enableSkipLongAwaitingAck: true, reviveAckWaitMs: 1000 });
    expect(narrate(b, [pop(0), ack(100, 60_000), timer(60_000), revive(63_500)]).tags[3]).toEqual([
      'old offset',
      'ack wait for cannot find ck',
      'find ck',
      'mock overwrites ck',
      'mock ck',
      'revive finish',
    ]);
    const c = rulesModel({}, { changes: 2 });
    expect(narrate(c, [pop(0), change(101, 1000), change(102, 9000)]).tags.slice(1)).toEqual([
      ['change Invisible, appendCheckPoint', '[PopBuffer]add ack'],
      ['change Invisible, appendCheckPoint', 'ack to store'],
    ]);
    const d = rulesModel({ enablePopBufferMerge: false }, {}, '5.0.0');
    expect(narrate(d, [pop(0), timer(59_000), revive(63_500, true)]).tags[2]).toEqual(['old offset', 'find ck', 'revive error']);
    const e = rulesModel({ enablePopBufferMerge: false, lmqGroup: true }, { gc: 1, expire: 1 }, '5.1.0');
    expect(narrate(e, [pop(0, 1), { type: 'gc', queueId: 0, at: 500 }, { type: 'expire', queueId: 0, at: 500 }]).tags.slice(1)).toEqual([
      ['[PopBuffer]remove not exit sub'],
      ['expire'],
    ]);
    const f = rulesModel({ enablePopBufferMerge: false, reviveReadsNextLiveMessage: false }, { expire: 1 });
    const g = narrate(f, [pop(0), ack(101, 500), ack(102, 500), { type: 'expire', queueId: 0, at: 500 }, timer(59_000), timer(60_000), revive(63_500)]);
    expect(g.tags[6]).toEqual(['old offset', 'find ck', 'find ack', 'can not get biz msg', 'revive finish']);
    const h = rulesModel({ enablePopBufferMerge: false });
    expect(narrate(h, [pop(0), ack(100, 500), ack(101, 500), ack(102, 500), timer(59_000), timer(60_000), revive(63_500)]).tags[6]).toEqual([
      'old offset',
      'find ck',
      'find ack',
      'ck revived',
      'revive finish',
    ]);
  });
});

describe('narration of acks', () => {
  const text = (m: ReturnType<typeof rulesModel>, events: Parameters<typeof narrate>[1]) => narrate(m, events).notes.map((n) => n.map((x) => x.text));

  it('names the acked offset, not the CK start', () => {
    const t = text(rulesModel(), [pop(0), ack(101, 1000)]);
    expect(t[1]).toEqual(['ack offset 101 at 1.0s: addAk merges it into the buffered CK, bits={1}']);
    const split = text(rulesModel({ splitAddAk: true }), [pop(0), ack(102, 1000)]);
    expect(split[1]).toEqual(["ack offset 102 at 1.0s: addAk's checks pass; the bit is not marked yet"]);
  });

  it('an ACK written at T (not in the future) says it went straight to the revive queue; one before T or with delay levels does not', () => {
    const m = rulesModel({ enablePopBufferMerge: false });
    const t = text(m, [pop(0), ack(100, 59_500), ack(101, 60_000)]);
    expect(t[1][0]).toMatch(/deliver 60.0s \(brokerName broker-a from the receipt handle\)$/);
    expect(t[2][0]).toMatch(/deliver 60.0s \(brokerName broker-a from the receipt handle\); not in the future: straight to revive queue offset 0$/);
    // A failed put at T writes nothing anywhere.
    const failed = applyNarrated(play(m, [pop(0)]), m.ctx, ack(100, 60_000, 100, 0, { storeFails: true })).observations;
    expect(failed).toMatchObject([{ kind: 'ackToStore', ok: false, direct: false, queueOffset: null }]);
    // Delay levels (5.0.0-alpha) have no such shortcut: the ACK waits for its level.
    const alpha = rulesModel({ enablePopBufferMerge: false }, {}, '5.0.0-alpha');
    expect(text(alpha, [pop(0), ack(100, 60_000)])[1][0]).not.toContain('straight to');
  });

  it('an ack of an offset retention deleted: NO_MESSAGE ("offset is illegal")', () => {
    const m = rulesModel({ enablePopBufferMerge: false }, { expire: 1 });
    const r = narrate(m, [pop(0), { type: 'expire', queueId: 0, at: 500 }, ack(100, 1000)]);
    expect(r.tags[2]).toEqual(['offset is illegal']);
    expect(r.notes[2][0].text).toBe(
      'ack offset 100 at 1.0s: offset 100 is below the min offset 101 of queue 0 (deleted by retention): NO_MESSAGE, nothing written; the client drops the handle',
    );
    // The CK's second message (index 1): the offset narrated is the CK's start plus the index.
    const m2 = rulesModel({ enablePopBufferMerge: false }, { expire: 2 });
    const r2 = narrate(m2, [pop(0), { type: 'expire', queueId: 0, at: 500 }, { type: 'expire', queueId: 0, at: 600 }, ack(101, 1000)]);
    expect(r2.notes[3][0].text).toBe(
      'ack offset 101 at 1.0s: offset 101 is below the min offset 102 of queue 0 (deleted by retention): NO_MESSAGE, nothing written; the client drops the handle',
    );
  });
});
