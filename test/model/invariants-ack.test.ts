/**
 * acked-never-retried is about one ack: accepted by T and that same ack stored
 * (C.ACK_STORED_IN_TIME), and its explanation describes that ack.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import { CK_CATALOGUE as CATALOGUE } from '../../model/catalogue.js';
import type { Event } from '../../model/events.js';
import { explain } from '../../model/explain.js';
import { ackedNeverRetried, successNeverRetried } from '../../model/invariants.js';
import { C, CF, G } from '../../model/layout.js';
import { ackInTime } from '../../model/protocol/ack.js';
import type { FullBounds } from '../../model/scenarios/full.js';
import { asState } from '../../model/state.js';
import { canonicalizeMessages } from '../../model/symmetry.js';
import { cli } from '../cli/helpers.js';
import { fullModel, runGuarded } from '../fixtures/full.js';

const handle = (offset: number) => ({ queueId: 0, startOffset: 100, popTime: 0, offset });
const ack = (offset: number, at: number, storeFails = false): Event => ({ type: 'ack', ...handle(offset), at, ...(storeFails ? { storeFails } : {}) });
const tick = (to: number): Event => ({ type: 'tick', to });

/** Pop 100..101 at 0 (T = 60 s); the CK leaves the buffer at 10.5 s, reaches the revive queue at 59 s and is revived at 64 s. */
function popThenRevive(acksBeforeScan: readonly Event[], acksAfterRevive: readonly Event[] = [], ackInTimer = false): Event[] {
  return [
    { type: 'pop', queueId: 0, maxNums: 2, at: 0 },
    ...acksBeforeScan,
    tick(10_500),
    { type: 'scan', at: 10_500 },
    tick(59_000),
    { type: 'timer', at: 59_000 },
    tick(64_000),
    // The ACK's slot (59 s, read at 60 s): the revive waits for a timer that is behind.
    ...(ackInTimer ? [{ type: 'timer', at: 64_000 } as const] : []),
    { type: 'revive', at: 64_000 },
    ...acksAfterRevive,
  ];
}

const BOUNDS: Partial<FullBounds> = { storeFailures: 1, dupAcks: 1, lateAcks: 1 };

describe('acked-never-retried: one ack, accepted by T and stored', () => {
  for (const release of ['5.3.2', 'head']) {
    it(`holds on ${release} with a store failure, a duplicate and a late ack (issue 7)`, () => {
      const only = check(fullModel(release, BOUNDS, {}, 3, ['acked-never-retried']));
      expect(only.verdict).toBe('holds');
      expect(only.complete).toBe(true);
      // What remains is I-2: the client saw SUCCESS for an ack whose put failed, and the
      // offset is retried. RocketMQ does that (handlePutMessageResult only logs).
      const all = check(fullModel(release, BOUNDS));
      expect(all.violations.map((v) => v.invariant)).toEqual(['success-never-retried']);
    });
  }

  it('an in-time ack that failed to store, then a stored late ack, then the retry: holds (at-least-once)', () => {
    const m = fullModel('5.3.2', BOUNDS);
    // At 9 s addAk refuses (stay too long): the AckMsg put fails, the client is told SUCCESS.
    const s = runGuarded(m, popThenRevive([tick(9_000), ack(100, 9_000, true)], [ack(100, 64_000)]));
    const c = m.ctx.L.ck(0);
    expect(s[c + C.RETRIED] & 1).toBe(1);
    expect(s[c + C.ACKED_IN_TIME] & 1).toBe(1); // the first ack, in time (its put failed)
    expect(s[c + C.ACK_WRITTEN] & 1).toBe(1); // the second ack, late (stored)
    expect(s[c + C.ACK_STORED_IN_TIME] & 1).toBe(0); // no single ack was both
    expect(ackedNeverRetried(s, m.ctx)).toBe(true);
    expect(successNeverRetried(s, m.ctx)).toBe(false);
  });

  it('an in-time ack that was stored, and the offset retried: violated', () => {
    const m = fullModel('5.3.2', BOUNDS);
    const s = runGuarded(m, popThenRevive([tick(9_000), ack(100, 9_000)], [], true));
    const c = m.ctx.L.ck(0);
    expect(s[c + C.ACK_STORED_IN_TIME]).toBe(1);
    // The revive matched it: only offset 101 was retried.
    expect(s[c + C.RETRIED]).toBe(2);
    expect(ackedNeverRetried(s, m.ctx)).toBe(true);
    const d = s.slice();
    d[c + C.RETRIED] |= 1;
    expect(ackedNeverRetried(asState(d), m.ctx)).toBe(false);
  });

  it('a stored late ack alone protects nothing', () => {
    const m = fullModel('5.3.2', BOUNDS);
    const s = runGuarded(m, popThenRevive([], [ack(100, 64_000)]));
    const c = m.ctx.L.ck(0);
    expect([s[c + C.RETRIED], s[c + C.ACK_WRITTEN], s[c + C.ACK_STORED_IN_TIME]]).toEqual([3, 1, 0]);
    expect(ackedNeverRetried(s, m.ctx)).toBe(true);
  });

  it('buffered acks count once the flush writes them, or once the CK finishes fully acked in memory', () => {
    const m = fullModel('5.3.2', BOUNDS);
    const c = m.ctx.L.ck(0);
    const merged = runGuarded(m, [{ type: 'pop', queueId: 0, maxNums: 2, at: 0 }, tick(1_000), ack(100, 1_000)]);
    expect(merged[c + C.BITS]).toBe(1);
    expect(merged[c + C.ACK_STORED_IN_TIME]).toBe(0); // in memory only: a crash loses it
    const flushed = m.step(m.step(merged, tick(10_500)), { type: 'scan', at: 10_500 });
    expect([flushed[c + C.ACK_WRITTEN], flushed[c + C.ACK_STORED_IN_TIME]]).toEqual([1, 1]);
    const done = m.step(m.step(m.step(merged, ack(101, 1_000)), tick(1_500)), { type: 'scan', at: 1_500 });
    expect(done[c + C.FLAGS] & CF.DONE_IN_MEMORY).toBe(CF.DONE_IN_MEMORY);
    expect([done[c + C.ACK_WRITTEN], done[c + C.ACK_STORED_IN_TIME]]).toEqual([0, 3]);
  });

  it("changeInvisibleTime's ack of the original CK counts like the client's when in time and stored", () => {
    const m = fullModel('5.3.2', { changes: 1 });
    const s = runGuarded(m, [
      { type: 'pop', queueId: 0, maxNums: 2, at: 0 },
      tick(9_000),
      { type: 'changeInvisible', ...handle(100), invisibleTime: 30_000, at: 9_000 },
    ]);
    const c = m.ctx.L.ck(0);
    expect([s[c + C.CHANGED], s[c + C.ACKED], s[c + C.ACK_WRITTEN], s[c + C.ACK_STORED_IN_TIME]]).toEqual([1, 0, 1, 1]);
  });

  it('"in time" is strictly before T, decided in one place', () => {
    expect(ackInTime(59_999, 60_000)).toBe(true);
    expect(ackInTime(60_000, 60_000)).toBe(false);
    const m = fullModel('5.3.2', BOUNDS);
    const c = m.ctx.L.ck(0);
    const before = runGuarded(m, [{ type: 'pop', queueId: 0, maxNums: 2, at: 0 }, tick(59_500), ack(100, 59_500)]);
    expect([before[c + C.ACKED_IN_TIME], before[c + C.ACK_STORED_IN_TIME], before[G.USED_LATE_ACKS]]).toEqual([1, 1, 0]);
    const atT = runGuarded(m, [{ type: 'pop', queueId: 0, maxNums: 2, at: 0 }, tick(60_000), ack(100, 60_000)]);
    expect([atT[c + C.ACKED_IN_TIME], atT[c + C.ACK_STORED_IN_TIME], atT[G.USED_LATE_ACKS]]).toEqual([0, 0, 1]);
  });

  it('symmetry permutes ACK_STORED_IN_TIME with the other masks', () => {
    const m = fullModel('5.3.2', BOUNDS);
    const s = runGuarded(m, [{ type: 'pop', queueId: 0, maxNums: 2, at: 0 }]);
    const c = m.ctx.L.ck(0);
    const d = s.slice();
    d[c + C.ACK_STORED_IN_TIME] = 2; // index 1 differs from index 0 only here
    const canon = canonicalizeMessages(asState(d), m.ctx, 0);
    expect(canon[c + C.ACK_STORED_IN_TIME]).toBe(1);
  });
});

const KEY = /TopicTest\+GID_POP\+\d+\+\d+\+\d+(?:\+[a-z-]+)?/g;

interface BugRun {
  readonly buggy: {
    readonly counterexample: { readonly steps: readonly { readonly notes: readonly { readonly text: string }[] }[] };
    readonly violations: readonly { readonly invariant: string; readonly explanation: readonly string[] }[];
  };
}

async function bugRun(id: string): Promise<BugRun> {
  const r = await cli('check', '--bug', id, '--json');
  return JSON.parse(r.stdout) as BugRun;
}

function citedOffsetsReached(j: BugRun, line: string): void {
  const narrated = j.buggy.counterexample.steps.flatMap((st) => st.notes.map((n) => n.text)).join('\n');
  for (const m of line.matchAll(/revive queue offset (\d+)/g)) expect(narrated).toContain(`revive queue offset ${m[1]}`);
}

describe('the explanation of acked-never-retried', () => {
  it('#8835: two different keys, and a revive-queue offset the counterexample reaches', async () => {
    const j = await bugRun('8835');
    const v = j.buggy.violations.find((x) => x.invariant === 'acked-never-retried')!;
    expect(v.explanation.length).toBeGreaterThan(0);
    for (const line of v.explanation) {
      const keys = [...line.matchAll(KEY)].map((m) => m[0]);
      expect(keys).toHaveLength(2);
      expect(keys[0]).not.toBe(keys[1]);
      expect(line).toMatch(/revive queue offset \d+/);
      citedOffsetsReached(j, line);
    }
  });

  const ids = CATALOGUE.filter((b) => b.invariant === 'acked-never-retried').map((b) => b.id);
  it.each(ids)('%s: keys said to differ differ, and every cited revive-queue offset is reached', async (id) => {
    const j = await bugRun(id);
    const v = j.buggy.violations.find((x) => x.invariant === 'acked-never-retried')!;
    expect(v.explanation.length).toBeGreaterThan(0);
    for (const line of v.explanation) {
      const keys = [...line.matchAll(KEY)].map((m) => m[0]);
      if (line.includes('so the revive never matched it')) expect(new Set(keys).size).toBe(2);
      if (line.includes("under the CK's own revive key")) expect(keys).toHaveLength(1);
      citedOffsetsReached(j, line);
    }
  });

  it('explains no offset whose only stored ack was late', () => {
    const m = fullModel('5.3.2', BOUNDS);
    const s = runGuarded(m, popThenRevive([tick(9_000), ack(100, 9_000, true)], [ack(100, 64_000)]));
    expect(explain('acked-never-retried', s, m.ctx)).toEqual([]);
  });
});
