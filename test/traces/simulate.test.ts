/**
 * `simulate`: deterministic, every line a parseable record of a kind the model prints, in
 * time order; the JSONL form says the same; the stamper reads every observation that prints.
 */
import { describe, expect, it } from 'vitest';
import type { Event } from '../../model/events.js';
import type { Observation } from '../../model/observations.js';
import { apply } from '../../model/step.js';
import { parsePopLogLine, type PopLogRecord } from '../../traces/poplog.js';
import { CK_LINE_KINDS, expectLines, type CkWorld } from '../../traces/poplog-expect.js';
import { parsePopLogJsonlHeader, parsePopLogJsonlLine } from '../../traces/poplog-jsonl.js';
import { STAMPED_KINDS } from '../../traces/poplog-stamp.js';
import { ckSeed, letters, Rng, simulate, SIMULATE_DEFAULTS, type SimulateOptions } from '../../traces/simulate.js';
import { fullModel } from '../fixtures/full.js';

const OPTS: SimulateOptions = { ...SIMULATE_DEFAULTS, seed: 7, cks: 300, release: '5.3.1', batchAck: false, settings: {} };

function text(o: Partial<SimulateOptions> = {}): { out: string; stats: ReturnType<typeof simulate>['stats'] } {
  const { chunks, stats } = simulate({ ...OPTS, ...o });
  let out = '';
  for (const c of chunks) out += c;
  return { out, stats };
}

const lines = (s: string): string[] => s.split('\n').slice(0, -1);

describe('simulate', () => {
  it('the same seed and options give the same bytes; another seed another log', () => {
    const a = text();
    expect(text().out).toBe(a.out);
    expect(text({ seed: 8 }).out).not.toBe(a.out);
    expect(a.out.endsWith('\n')).toBe(true);
    expect(a.stats.lines).toBe(lines(a.out).length);
    expect(a.stats.cks).toBe(300);
    expect(a.stats.capped).toBe(0);
  });

  it('every line is a record of a kind the model prints, times never go back, and every CK pops once and commits once', () => {
    for (const o of [{}, { release: '5.3.2' as const, batchAck: true }, { release: '5.3.0' as const, settings: { enablePopBufferMerge: false } }]) {
      const { out } = text(o);
      let prev = -Infinity;
      const byKind = new Map<string, number>();
      const pops = new Set<string>();
      for (const [i, l] of lines(out).entries()) {
        const r = parsePopLogLine(l, i + 1);
        expect(CK_LINE_KINDS.has(r.kind as PopLogRecord['kind']) || r.kind === 'putAckMsgError', `${JSON.stringify(o)} line ${i + 1}: ${l}`).toBe(true);
        const rec = r as PopLogRecord;
        expect(rec.time.from).toBeGreaterThanOrEqual(prev);
        prev = rec.time.from;
        byKind.set(rec.kind, (byKind.get(rec.kind) ?? 0) + 1);
        if (rec.kind === 'addCk' || rec.kind === 'addCkJustOffset') {
          const ck = rec.ckWrap.ck;
          const key = `${ck.topic}/${ck.cid}/${ck.queueId}/${ck.startOffset}`;
          expect(pops.has(key), key).toBe(false);
          pops.add(key);
        }
      }
      expect(pops.size).toBe(300);
      expect(byKind.get('commitOffset')).toBe(300);
      if (o.batchAck) expect(byKind.get('putBatchAckToStoreOk')).toBeGreaterThan(0);
      if ('settings' in o) expect(byKind.get('addCkJustOffset')).toBe(300);
      else expect(byKind.get('addCk')).toBe(300);
      expect(byKind.get('retryMsg')).toBeGreaterThan(0);
      expect(byKind.get('findAck')).toBeGreaterThan(0);
    }
  });

  it('offsets: each (topic, group, queue) hands out consecutive offsets from 1000; the revive finds a CK in the revive queue its wrapper names', () => {
    const { out } = text();
    const next = new Map<string, number>();
    const stored = new Map<string, number>();
    let found = 0;
    for (const l of lines(out)) {
      const r = parsePopLogLine(l, 1) as PopLogRecord;
      if (r.kind === 'addCk') {
        const ck = r.ckWrap.ck;
        const k = `${ck.topic}/${ck.cid}/${ck.queueId}`;
        expect(ck.startOffset).toBe(next.get(k) ?? 1000);
        next.set(k, ck.startOffset + ck.num);
        expect(r.ckWrap.nbo).toBe(ck.startOffset + ck.num);
      }
      if (r.kind === 'putCkToStoreOk') {
        stored.set(`${r.ckWrap.ck.topic}/${r.ckWrap.ck.cid}/${r.ckWrap.ck.queueId}/${r.ckWrap.ck.startOffset}`, r.ckWrap.rq);
        expect(r.ckWrap.rqo).toBe(r.result.appendMessageResult?.logicsOffset);
        expect(r.ckWrap.cks).toBe(true);
      }
      if (r.kind === 'findCk') {
        expect(stored.get(`${r.ck.topic}/${r.ck.cid}/${r.ck.queueId}/${r.ck.startOffset}`)).toBe(r.rq);
        found++;
      }
    }
    expect(found).toBeGreaterThan(0);
  });

  it('the JSONL form holds the same lines with exact times', () => {
    const t = lines(text().out);
    const j = lines(text({ format: 'jsonl' }).out);
    expect(parsePopLogJsonlHeader(j[0])).toEqual({ ok: true, header: { popcheck: 'poplog', version: 1, rocketmq: '5.3.1' } });
    expect(j.length).toBe(t.length + 1);
    for (let i = 0; i < t.length; i++) {
      const a = parsePopLogLine(t[i], i + 1) as PopLogRecord;
      const b = parsePopLogJsonlLine(j[i + 1], i + 1) as PopLogRecord;
      expect(b.kind).toBe(a.kind);
      expect(a.time.from <= b.time.from && b.time.to <= a.time.to).toBe(true);
      expect({ ...b, time: 0 }).toEqual({ ...a, time: 0 });
    }
  });

  it('5.3.1 logs the #8835 signature (buffered acks stored with brokerName=null); 5.3.2 does not', () => {
    const nullAcks = (release: '5.3.1' | '5.3.2'): number =>
      lines(text({ release }).out).filter((l) => l.includes('put ack to store ok') && l.includes('brokerName=null}')).length;
    expect(nullAcks('5.3.1')).toBeGreaterThan(0);
    expect(nullAcks('5.3.2')).toBe(0);
  });

  it('enablePopLog=false writes exactly the ungated lines of the same run', () => {
    const on = lines(text({ cks: 1500 }).out);
    const off = lines(text({ cks: 1500, enablePopLog: false }).out);
    const ungated = on.filter((l) => !(parsePopLogLine(l, 1) as PopLogRecord).gated);
    expect(ungated.length).toBeGreaterThan(0);
    expect(off).toEqual(ungated);
  });

  it('the PRNG and names', () => {
    const r = new Rng(1);
    const xs = Array.from({ length: 5 }, () => r.next());
    expect(new Rng(1).next()).toBe(xs[0]);
    expect(new Set(xs).size).toBe(5);
    expect(ckSeed(1, 0)).not.toBe(ckSeed(1, 1));
    expect([0, 1, 25, 26, 27, 701].map(letters)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'ZZ']);
  });
});

describe('the stamper', () => {
  it('reads every observation that prints a line (walks of a full model with changes, failures and crashes)', () => {
    const m = fullModel('5.3.1', { pops: 2, batch: 2, changes: 1, storeFailures: 1, retryFailures: 1, lateAcks: 1, dupAcks: 1, crashes: 1 }, {}, 2);
    const w: CkWorld = { topic: 'T', group: 'G', queueId: 0, brokerName: 'a', otherBroker: 'b', origin: 0, offsetShift: 0 };
    const kinds = new Set<string>();
    const rng = new Rng(3);
    for (let walk = 0; walk < 60; walk++) {
      let s = m.initialStates()[0];
      for (let i = 0; i < 60; i++) {
        const es = m.enabledEvents(s);
        if (es.length === 0) break;
        const e: Event = es[rng.int(0, es.length - 1)];
        const observations: Observation[] = [];
        s = apply(s, { L: m.ctx.L, s: m.ctx.s, notes: null, observations }, e);
        for (const o of observations) {
          kinds.add(o.kind);
          if (!STAMPED_KINDS.has(o.kind)) expect(expectLines(o, w), o.kind).toEqual([]);
        }
      }
    }
    // The walks saw printing and non-printing kinds alike.
    for (const k of ['addCk', 'addAk', 'putCkToStore', 'timerDeliver', 'findCk', 'retryMsg', 'changeInvisible', 'reviveStart', 'crash']) expect(kinds.has(k), k).toBe(true);
  });
});
