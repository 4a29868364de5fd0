/**
 * The KV (RocksDB) POP service model (model/kv/): its rules against what the Java does,
 * pinned state counts on every release that ships it, the KV findings' smallest
 * counterexamples, and laws over random walks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import { CK_CATALOGUE, entryIdentity, findEntry } from '../../model/catalogue.js';
import { D, DF, KG, LOC, MF, R, SCAN_START } from '../../model/kv/layout.js';
import { KV_RELEASES, KvModel, kvIdentityError, nextBreakpoint, type KvIdentity } from '../../model/kv/model.js';
import { applyAck, applyChange, applyCrash, applyFlush, applyScan, applyStage, cacheMinOffset, normalize, pullStart, scanDue, type KvEvent } from '../../model/kv/rules.js';
import { cli } from '../cli/helpers.js';

const model = (id: Partial<KvIdentity> = {}): KvModel => new KvModel({ scenario: 'kv', messages: 2, rocketmq: 'head', ...id });

/** The state after these events, each required to be enabled. */
function walk(m: KvModel, events: readonly KvEvent[]): Int32Array {
  let s = m.initialStates()[0];
  for (const e of events) {
    const en = m.enabledEvents(s);
    expect(en, `${JSON.stringify(e)} enabled`).toContainEqual(e);
    s = m.step(s, e);
  }
  return s;
}

function records(m: KvModel, s: Int32Array): { off: number; loc: number; vis: number; att: number }[] {
  const L = m.ctx.L;
  return Array.from({ length: s[KG.NREC] }, (_, r) => {
    const b = L.rec(r);
    return { off: s[L.del(s[b + R.DEL]) + D.OFF], loc: s[b + R.LOC], vis: s[b + R.POP_TIME] + s[b + R.INV], att: s[b + R.ATTEMPTS] };
  });
}

describe('kv rules (PopConsumerService, PopConsumerCache, PopConsumerRocksdbStore)', () => {
  it('a pop commits its start when the cache holds nothing of the queue, moves the pull offset on, and writes its records to the cache', () => {
    const m = model({ messages: 3, bounds: { pops: 2, batch: 2 } });
    const s = walk(m, [{ type: 'pop' }]);
    expect([s[KG.COMMIT], s[KG.PULL]]).toEqual([0, 2]);
    expect(records(m, s)).toEqual([
      { off: 0, loc: LOC.CACHE, vis: 60_000, att: 0 },
      { off: 1, loc: LOC.CACHE, vis: 60_000, att: 0 },
    ]);
  });

  it("a second pop commits the cache's minimum offset (computed before its own records are written)", () => {
    const m = model({ messages: 3, bounds: { pops: 2, batch: 1 } });
    const s = walk(m, [{ type: 'pop' }, { type: 'pop' }]);
    expect([s[KG.COMMIT], s[KG.PULL]]).toEqual([0, 2]);
    const t = walk(m, [{ type: 'pop' }, { type: 'ack', d: 0 }, { type: 'pop' }]);
    expect([t[KG.COMMIT], t[KG.PULL]]).toEqual([1, 2]);
  });

  it('without the cache (enablePopBufferMerge off) records go straight to RocksDB and the pop commits its start', () => {
    const m = model({ messages: 2, bounds: { pops: 2 }, settings: { enablePopBufferMerge: false } });
    const s = walk(m, [{ type: 'pop' }, { type: 'pop' }]);
    expect(s[KG.COMMIT]).toBe(1);
    expect(records(m, s).map((r) => r.loc)).toEqual([LOC.DB, LOC.DB]);
    expect(m.enabledEvents(s).some((e) => e.type === 'stage')).toBe(false);
  });

  it('the cache deletes by offset alone: an ack with another handle of the same offset removes the cached record', () => {
    const m = model({ messages: 1, bounds: { pops: 1 } });
    const s = walk(m, [{ type: 'pop' }]);
    const c = m.ctx;
    s[c.L.del(0) + D.POP_TIME] = 12_345; // a handle that names another record of offset 0
    applyAck(s, c, 0);
    normalize(s, c);
    expect(s[KG.NREC]).toBe(0);
  });

  it('in RocksDB an ack deletes only the record of its full key (visibility timeout + offset)', () => {
    const m = model({ messages: 1, bounds: { pops: 1 }, settings: { enablePopBufferMerge: false } });
    const c = m.ctx;
    const s = walk(m, [{ type: 'pop' }]);
    const other = new Int32Array(s);
    other[c.L.del(0) + D.INV] = 30_000;
    applyAck(other, c, 0);
    normalize(other, c);
    expect(other[KG.NREC]).toBe(1);
    applyAck(s, c, 0);
    normalize(s, c);
    expect(s[KG.NREC]).toBe(0);
    expect(s[c.L.msg(0)] & MF.ACKED).toBe(MF.ACKED);
    expect(s[c.L.del(0) + D.FLAGS]).toBe(DF.ACKED | DF.ACKED_IN_TIME);
  });

  it('a change writes the new record to RocksDB and deletes the old; with equal deadlines the delete removes the new one (#10276)', () => {
    const m = model({ messages: 1, bounds: { pops: 1, changes: 1 } });
    const c = m.ctx;
    const s = walk(m, [{ type: 'pop' }, { type: 'tick', to: 10_000 }]);
    applyChange(s, c, 0);
    normalize(s, c);
    expect(records(m, s)).toEqual([{ off: 0, loc: LOC.DB, vis: 70_000, att: 0 }]);
    expect(s[c.L.del(0) + D.POP_TIME]).toBe(10_000);
    const k = model({ messages: 1, bounds: { pops: 1, changes: 1 }, settings: { enablePopBufferMerge: false } });
    const t = walk(k, [{ type: 'pop' }, { type: 'change', d: 0 }]);
    expect(t[KG.NREC]).toBe(0);
  });

  it('the cleanup takes due records out (expired ones to the revive, others staged), then writes them to RocksDB and commits the minimum offset', () => {
    const m = model({ messages: 2, bounds: { pops: 2 } });
    const c = m.ctx;
    const s = walk(m, [{ type: 'pop' }, { type: 'tick', to: 10_000 }, { type: 'pop' }]);
    expect(s[KG.COMMIT]).toBe(0);
    expect(m.enabledEvents(s).map((e) => e.type)).toContain('stage');
    expect(m.enabledEvents(s).some((e) => e.type === 'tick')).toBe(false);
    applyStage(s, c);
    normalize(s, c);
    expect(records(m, s).map((r) => [r.off, r.loc])).toEqual([
      [1, LOC.CACHE],
      [0, LOC.STAGED],
    ]);
    applyFlush(s, c);
    normalize(s, c);
    expect(records(m, s).map((r) => [r.off, r.loc])).toEqual([
      [1, LOC.CACHE],
      [0, LOC.DB],
    ]);
    expect(s[KG.COMMIT]).toBe(1);
    const e = model({ messages: 1, bounds: { pops: 1 }, settings: { popInvisibleTime: 5_000 } });
    const t = walk(e, [{ type: 'pop' }, { type: 'tick', to: 5_000 }, { type: 'stage' }]);
    expect(records(e, t).map((r) => r.loc)).toEqual([LOC.CACHE_REVIVE]);
    expect(e.enabledEvents(t)).toEqual([{ type: 'cacheRevive', d: 0, fails: false }]); // the flush waits for the revive
  });

  it.each([
    ['5.3.2', 1],
    ['5.3.3', 1],
    ['head', 0],
  ] as const)('a pop between the cleanup halves on %s commits %i (kvStagedMinOffset, #9626)', (rel, commit) => {
    const m = model({ rocketmq: rel, messages: 2, bounds: { pops: 2 } });
    const s = walk(m, [{ type: 'pop' }, { type: 'tick', to: 10_000 }, { type: 'stage' }, { type: 'pop' }]);
    expect(s[KG.COMMIT]).toBe(commit);
    expect(cacheMinOffset(s, m.ctx)).toBe(rel === 'head' ? 0 : 1);
  });

  it('the scanner reads [currentTime - 3 s, now - 50 ms), retries, and a failed write is rewritten with back-off until the attempts run out', () => {
    const m = model({ messages: 1, bounds: { pops: 1, retryFailures: 1 }, settings: { enablePopBufferMerge: false } });
    const c = m.ctx;
    const s = walk(m, [{ type: 'pop' }]);
    expect(nextBreakpoint(s, c)).toBe(60_000); // the client's deadline
    s[KG.NOW] = 60_050;
    expect(scanDue(s, c)).toEqual([]);
    s[KG.NOW] = 60_051;
    expect(scanDue(s, c)).toEqual([0]);
    const ok = new Int32Array(s);
    applyScan(ok, c, false);
    normalize(ok, c);
    expect([ok[KG.NREC], ok[c.L.msg(0)], ok[KG.SCAN]]).toEqual([0, MF.RETRIED, 60_000]);
    applyScan(s, c, true);
    normalize(s, c);
    expect(records(m, s)).toEqual([{ off: 0, loc: LOC.DB, vis: 60_051 + 60_000 + 10_000, att: 1 }]);
    expect(s[c.L.msg(0)]).toBe(0);
    const none = model({ messages: 1, bounds: { pops: 1, retryFailures: 1 }, settings: { enablePopBufferMerge: false, popReviveMaxAttemptTimes: 0 } });
    const t = walk(none, [{ type: 'pop' }]);
    t[KG.NOW] = 60_051;
    applyScan(t, none.ctx, true);
    normalize(t, none.ctx);
    expect(t[KG.NREC]).toBe(0);
  });

  it('a record below the scanner position minus 3 s is not read', () => {
    const m = model({ messages: 1, bounds: { pops: 1 }, settings: { enablePopBufferMerge: false } });
    const s = walk(m, [{ type: 'pop' }]);
    s[KG.NOW] = 100_000;
    s[KG.SCAN] = 63_001;
    expect(scanDue(s, m.ctx)).toEqual([]);
    s[KG.SCAN] = 63_000;
    expect(scanDue(s, m.ctx)).toEqual([0]);
  });

  it('a crash loses the cache, the staged set and the pull offset; RocksDB and the committed offset stay; the scanner starts over', () => {
    const m = model({ messages: 2, bounds: { pops: 2, crashes: 1 } });
    const c = m.ctx;
    const s = walk(m, [{ type: 'pop' }, { type: 'tick', to: 10_000 }, { type: 'stage' }, { type: 'flush' }, { type: 'pop' }]);
    expect(records(m, s).map((r) => r.loc)).toEqual([LOC.CACHE, LOC.DB]);
    s[KG.SCAN] = 5;
    applyCrash(s, c);
    normalize(s, c);
    expect(records(m, s).map((r) => r.off)).toEqual([0]);
    expect([s[KG.PULL], s[KG.COMMIT], s[KG.SCAN], s[KG.EPOCH], pullStart(s)]).toEqual([-1, 1, SCAN_START, 1, 1]);
  });

  it('refuses releases without the service and bounds out of range, naming the flag', () => {
    const id = { scenario: 'kv', messages: 1 } as const;
    expect(kvIdentityError({ ...id, rocketmq: '5.3.1' })).toMatch(/^--rocketmq: the KV POP service ships since 5\.3\.2/);
    expect(kvIdentityError({ ...id, rocketmq: 'head', bounds: { pops: 0 } })).toBe('--pops: must be an integer from 1 to 6 (got 0)');
    expect(kvIdentityError({ ...id, rocketmq: 'head', messages: 7 })).toBe('--messages: must be an integer from 1 to 6 (got 7)');
    expect(kvIdentityError({ ...id, rocketmq: 'head', settings: { popReviveMaxAttemptTimes: 17 } })).toMatch(/^--set popReviveMaxAttemptTimes: must be an integer from 0 to 16/);
    expect(kvIdentityError({ ...id, rocketmq: 'head', settings: { bogus: 1 } })).toMatch(/^--set: /);
    expect(kvIdentityError({ ...id, rocketmq: 'head' })).toBeNull();
    expect(() => new KvModel({ ...id, rocketmq: '5.3.0' })).toThrow(RangeError);
  });
});

describe('kv exploration (pinned figures)', () => {
  it.each([
    ['5.3.2', 'violated', 329, 548],
    ['5.3.3', 'violated', 329, 548],
    ['head', 'violated', 303, 477],
  ] as const)('default bounds on %s: %s, %i states, %i transitions', (rel, verdict, states, transitions) => {
    const r = check(model({ rocketmq: rel }));
    expect([r.verdict, r.states, r.transitions]).toEqual([verdict, states, transitions]);
    expect(r.violations.map((v) => [v.invariant, v.length])).toEqual([['acked-never-retried', 7]]);
  });

  it('with the cleanup as one step and no faults, every invariant holds on every release', () => {
    for (const rel of KV_RELEASES) {
      const r = check(model({ rocketmq: rel, messages: 2, bounds: { pops: 2, batch: 2, changes: 1 }, settings: { kvAtomicCleanup: true } }));
      expect(r.verdict, rel).toBe('holds');
    }
  });

  it('without the cache every invariant holds when no change lands on its own deadline (no changes)', () => {
    for (const rel of KV_RELEASES) {
      const r = check(model({ rocketmq: rel, messages: 2, bounds: { pops: 2, crashes: 1, retryFailures: 1 }, settings: { enablePopBufferMerge: false } }));
      expect(r.verdict, rel).toBe('holds');
    }
  });
});

describe('kv switch kvStagedMinOffset', () => {
  it('flipping only the switch turns kv-premature-commit on and off', () => {
    const f = findEntry('kv-premature-commit')!;
    const run = (rel: string, v: boolean) => check(new KvModel({ ...(entryIdentity(f, { release: rel, label: rel }, [f.invariant]) as KvIdentity), settings: { kvStagedMinOffset: v } })).verdict;
    expect([run('head', true), run('head', false), run('5.3.2', true), run('5.3.2', false)]).toEqual(['holds', 'violated', 'holds', 'violated']);
  });
});

describe('kv laws', () => {
  const arbId = fc.record({
    scenario: fc.constant('kv' as const),
    rocketmq: fc.constantFrom(...KV_RELEASES),
    messages: fc.integer({ min: 1, max: 3 }),
    bounds: fc.record({
      pops: fc.integer({ min: 1, max: 3 }),
      batch: fc.integer({ min: 1, max: 2 }),
      changes: fc.integer({ min: 0, max: 2 }),
      crashes: fc.integer({ min: 0, max: 1 }),
      retryFailures: fc.integer({ min: 0, max: 2 }),
    }),
    settings: fc.record({ enablePopBufferMerge: fc.boolean(), popInvisibleTime: fc.constantFrom(5_000, 10_000, 60_000) }),
  });

  it('along any walk: the step is pure, the committed offset never passes the pull start, normalized states are fixed points, time never goes back', () => {
    fc.assert(
      fc.property(arbId, fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), (id, picks) => {
        const m = new KvModel(id);
        let s = m.initialStates()[0];
        for (const p of picks) {
          const en = m.enabledEvents(s);
          if (en.length === 0) break;
          const before = new Int32Array(s);
          const next = m.step(s, en[p % en.length]);
          expect(s).toEqual(before);
          expect(next[KG.COMMIT]).toBeLessThanOrEqual(pullStart(next));
          expect(next[KG.NOW]).toBeGreaterThanOrEqual(s[KG.NOW]);
          const again = new Int32Array(next);
          normalize(again, m.ctx);
          expect(again).toEqual(next);
          s = next;
        }
      }),
      { seed: 20_251_201, numRuns: 200 },
    );
  });
});

describe('popcheck check --kv', () => {
  it('explores the KV model and exits 1 on a violation', async () => {
    const r = await cli('check', '--kv', '--rocketmq', '5.3.2', '--messages', '1', '--pops', '1');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^kv\(N=1 pops=1 batch=1 changes=0 crashes=0 retryFailures=0, rocketmq 5\.3\.2\): violated \(25 states/);
    expect(r.stdout).toContain('violated: acked-never-retried (7 steps)');
  });

  it('--scenario kv and --invariant select the model and the checks', async () => {
    const r = await cli('check', '--scenario', 'kv', '--rocketmq', 'head', '--crashes', '1', '--invariant', 'no-loss', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'holds', invariants: ['no-loss'] });
  });

  it('--bug runs a KV catalogue entry on every release it affects and on its fix; with or without --kv', async () => {
    for (const args of [['--kv', '--bug', 'kv-premature-commit'], ['--bug', 'kv-premature-commit']]) {
      const r = await cli('check', ...args);
      expect(r.code).toBe(0);
      expect(r.stdout.match(/: (violated|holds) /g)).toEqual([': violated ', ': violated ', ': holds ']);
      expect(r.stdout).toContain('[head] expected holds; popcheck check --scenario kv --messages 2 --pops 2 --crashes 1 --invariant no-loss --rocketmq head');
      expect(r.stdout).toContain('as expected');
    }
  });

  it('popcheck bugs lists the KV entries with their implementation, and bugs --json gives each run as check flags', async () => {
    const t = await cli('bugs');
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('kv-premature-commit  KV: a pop during the cache cleanup commits the consumer offset');
    expect(t.stdout).toContain('    implementation: KV (RocksDB) service');
    expect(t.stdout).toContain('    implementation: CK path');
    const j = JSON.parse((await cli('bugs', '--json')).stdout);
    const kv = j.find((e: { id: string }) => e.id === 'kv-change-same-key');
    expect(kv).toMatchObject({
      implementation: 'kv',
      affected: ['5.3.2', '5.3.3', 'head'],
      shortestCounterexample: 4,
      reproduction: { scenario: 'kv', fixed: null, buggyFlags: '--scenario kv --messages 1 --pops 1 --changes 1 --set enablePopBufferMerge=false --invariant no-loss --rocketmq head', fixedFlags: null },
    });
    expect(kv.invariantMeaning).toMatch(/^when nothing is left to happen, every offset below the committed consumer offset/);
    expect(j.filter((e: { implementation: string }) => e.implementation === 'ck')).toHaveLength(CK_CATALOGUE.length);
  });

  it.each([
    [['explain', '--bug', 'kv-premature-commit'], 'explain does not cover yet'],
    [['diagram', 'sequence', '--bug', 'kv-premature-commit'], 'diagram sequence does not cover yet'],
  ])('%j: a CK-only tool refuses a KV entry in one line, exit 2', async (args, msg) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(msg);
    expect(r.stderr).toContain('run popcheck check --bug kv-premature-commit');
  });

  it('--bug of an entry open at head says so, and --json carries the runs', async () => {
    const r = await cli('check', '--bug', 'kv-change-same-key', '--json');
    expect(r.code).toBe(0);
    const b = JSON.parse(r.stdout);
    expect(b).toMatchObject({ id: 'kv-change-same-key', openAtHead: true, outcome: 'as-expected' });
    expect(b.runs.map((x: { report: { rocketmq: string; verdict: string; violations: { length: number }[] } }) => [x.report.rocketmq, x.report.verdict, x.report.violations[0].length])).toEqual([
      ['5.3.2', 'violated', 4],
      ['5.3.3', 'violated', 4],
      ['head', 'violated', 4],
    ]);
    const t = await cli('check', '--bug', 'kv-change-same-key');
    expect(t.stdout).toContain('open at head: no release fixes it');
  });

  it('--compare-implementations runs the CK path and the KV service with the same bounds and shows where they differ', async () => {
    const r = await cli('check', '--compare-implementations', '--rocketmq', 'head', '--crashes', '1', '--json');
    expect(r.code).toBe(1);
    const c = JSON.parse(r.stdout);
    expect(c.ck).toMatchObject({ verdict: 'holds', states: 15787 });
    expect(c.kv).toMatchObject({ verdict: 'violated', states: 1312 });
    expect(c.rows.filter((x: { ck: string; kv: string }) => x.ck !== x.kv).map((x: { invariant: string }) => x.invariant)).toEqual(['acked-never-retried']);
    const same = await cli('check', '--compare-implementations', '--rocketmq', '5.3.2', '--set', 'enablePopBufferMerge=false');
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('the guarantees agree at these bounds');
  });

  it.each([
    [['--compare-implementations', '--invariant', 'no-loss'], '--compare-implementations: compares the shared invariants; drop --invariant'],
    [['--pops', '9'], '--pops: must be an integer from 1 to 6 (got 9)'],
    [['--batch', 'x'], "--batch: must be an integer from 1 to 4 (got 'x')"],
    [['--rocketmq', '5.3.1'], '--rocketmq: the KV POP service ships since 5.3.2; 5.3.1 has none (use 5.3.2, 5.3.3, head)'],
    [['--set', 'foo=1'], "--set: unknown KV setting 'foo'"],
    [['--invariant', 'ck-before-acks'], "--invariant: unknown KV invariant 'ck-before-acks'"],
    [['--bug', 'nope'], "--bug: unknown KV catalogue entry 'nope'"],
    [['--bug', '8835'], "--bug: unknown KV catalogue entry '8835'"],
    [['--bug', 'kv-premature-commit', '--pops', '1'], "--bug runs the catalogue entry's own configuration; drop --pops"],
  ])('bad flags %j: one line naming the flag, exit 2', async (args, msg) => {
    const r = await cli('check', '--kv', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(msg);
  });
});
