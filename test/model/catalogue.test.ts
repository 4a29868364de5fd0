import { describe, expect, it } from 'vitest';
import { CATALOGUE, CK_CATALOGUE, entryIdentity, findCkEntry, findEntry, isKv, KV_CATALOGUE, type KvBugEntry } from '../../model/catalogue.js';
import { check } from '../../checker/index.js';
import { identityFlags } from '../../model/identity.js';
import { KV_INVARIANT_NAMES } from '../../model/kv/invariants.js';
import { KV_RELEASES, KvModel, type KvIdentity } from '../../model/kv/model.js';
import { resolveSettings } from '../../model/config.js';
import { INVARIANT_NAMES } from '../../model/invariants.js';
import { SETTING_INFO } from '../../model/settings.js';
import { RELEASES } from '../../model/versions.js';
import { checkEntry, entryModel } from '../fixtures/catalogue.js';
import { walk } from '../fixtures/walk.js';
import { C, G, TIMESTAMP_OFFSET } from '../../model/layout.js';

describe('the catalogue', () => {
  it('lists the bugs the issue names and the hypotheses I-1..I-9', () => {
    const ids = CATALOGUE.map((e) => e.id);
    for (const id of ['8835', '8835-batch', '3787', '4153', '5408', '7724', '9105', '7914', '10985', '8479', 'I-1', 'I-2', 'I-3', 'I-4', 'I-5', 'I-6', 'I-7', 'I-8', 'I-9']) {
      expect(ids).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('names only known switches, invariants and releases', () => {
    const settings = new Set(SETTING_INFO.map((s) => s.name as string));
    const releases = new Set<string>(RELEASES.map((r) => r.name));
    for (const e of CATALOGUE) {
      for (const s of e.switches) expect(settings.has(s), `${e.id}: ${s}`).toBe(true);
      expect(INVARIANT_NAMES).toContain(e.invariant);
      if (isKv(e)) {
        // A KV entry: a KV invariant, KV releases only (the service ships since 5.3.2).
        expect(KV_INVARIANT_NAMES).toContain(e.invariant);
        for (const r of e.affected) expect(KV_RELEASES, `${e.id}: ${r}`).toContain(r);
      }
      for (const r of e.affected) expect(releases.has(r), `${e.id}: ${r}`).toBe(true);
      expect(releases.has(e.buggy.release)).toBe(true);
      expect(e.fixed === null || releases.has(e.fixed.release)).toBe(true);
    }
  });

  it('is one list of both implementations: ids unique across them, each entry tagged with its implementation', () => {
    expect(CATALOGUE.map((e) => e.implementation)).toEqual([...CK_CATALOGUE.map(() => 'ck'), ...KV_CATALOGUE.map(() => 'kv')]);
    expect(KV_CATALOGUE.map((e) => e.id)).toEqual(['kv-ack-during-cleanup', 'kv-premature-commit', 'kv-cache-revive-failure', 'kv-change-same-key', 'kv-crash-offset-key']);
    for (const e of KV_CATALOGUE) expect(e.scenario).toBe('kv');
    expect(findEntry('KV-PREMATURE-COMMIT')?.implementation).toBe('kv');
    expect(findCkEntry('kv-premature-commit')).toBeUndefined();
  });

  it("an entry's run is one model identity, printed as the flags `popcheck check` takes", () => {
    const kv = findEntry('kv-cache-revive-failure')!;
    expect(entryIdentity(kv, kv.buggy, [kv.invariant])).toEqual({
      scenario: 'kv',
      messages: 1,
      rocketmq: 'head',
      settings: { popInvisibleTime: 5000 },
      bounds: { pops: 1, retryFailures: 1 },
      invariants: ['no-loss'],
    });
    expect(identityFlags(entryIdentity(kv, kv.buggy, [kv.invariant]))).toBe(
      '--scenario kv --messages 1 --pops 1 --retry-failures 1 --set popInvisibleTime=5000 --invariant no-loss --rocketmq head',
    );
    const ck = findEntry('7724')!;
    expect(identityFlags(entryIdentity(ck, ck.fixed!, [ck.invariant]))).toBe(
      '--scenario full --messages 2 --pops 1 --batch 2 --expire 1 --set enablePopBufferMerge=false --set reviveReadsNextLiveMessage=false --invariant acked-never-retried --rocketmq head',
    );
  });

  for (const e of CK_CATALOGUE) {
    it(`${e.id}: ${e.buggy.label} ${e.expectBuggy}, ${e.fixed.label} holds, shortest counterexample ${e.shortest}`, () => {
      const buggy = checkEntry(e, e.buggy);
      expect(buggy.verdict).toBe(e.expectBuggy);
      if (e.expectBuggy === 'violated') {
        expect(buggy.violations[0].invariant).toBe(e.invariant);
        expect(buggy.violations[0].length).toBe(e.shortest);
      }
      const fixed = checkEntry(e, e.fixed);
      expect(fixed.verdict).toBe('holds');
      expect(fixed.complete).toBe(true);
    });
  }

  it('says which entries head still has, consistently with their affected releases and fix', () => {
    const releases = new Set(RELEASES.map((r) => r.name));
    for (const e of CATALOGUE) {
      // An entry fixed in a release does not affect head; one open at head does (its buggy run is
      // head or an earlier release whose code head keeps: then head is listed as affected).
      if (e.atHead === 'fixed') expect(e.affected, e.id).not.toContain('head');
      if (e.atHead === 'open') {
        expect(e.affected, e.id).toContain('head');
        expect(releases.has(e.fixedIn), `${e.id}: fixedIn names a release but atHead is open`).toBe(false);
      }
      if (releases.has(e.fixedIn)) expect(e.atHead, e.id).toBe('fixed');
      if (e.atHead === 'refuted') expect(e.expectBuggy === 'holds' || e.affected.length === 0, e.id).toBe(true);
      expect(e.upstream.length, e.id).toBeGreaterThan(0);
    }
    // The bugs whose fixes are open pull requests are listed as open.
    for (const id of ['10256', '10985', '7724']) expect(findEntry(id)?.atHead).toBe('open');
  });

  it('finds entries by id, with or without #', () => {
    expect(findEntry('#8835')?.id).toBe('8835');
    expect(findEntry('i-3')?.id).toBe('I-3');
    expect(findEntry('nope')).toBeUndefined();
  });
});

/** A KV entry's run, checked (only its invariant). */
const kvRun = (e: KvBugEntry, release: string) => check(new KvModel({ ...(entryIdentity(e, { ...e.buggy, release }, [e.invariant]) as KvIdentity) }));

describe('the KV entries', () => {
  for (const e of KV_CATALOGUE) {
    it(`${e.id}: ${e.invariant} violated in ${e.shortest} steps on exactly ${e.affected.join(', ')}; ${e.fixed === null ? 'open at head' : `${e.fixed.label} holds`}`, () => {
      for (const rel of KV_RELEASES) {
        const r = kvRun(e, rel);
        if (e.affected.includes(rel)) {
          expect(r.verdict, rel).toBe(e.expectBuggy);
          expect(r.violations.map((v) => [v.invariant, v.length]), rel).toEqual([[e.invariant, e.shortest]]);
        } else expect(r.verdict, rel).toBe('holds');
      }
      expect(e.affected).toContain(e.buggy.release);
      if (e.fixed === null) {
        expect(e.affected).toContain('head');
        expect(e.fixedIn).toMatch(/^open at head/);
      } else {
        const r = check(new KvModel(entryIdentity(e, e.fixed, [e.invariant]) as KvIdentity));
        expect([r.verdict, r.complete]).toEqual(['holds', true]);
      }
    });
  }
});

describe('a refuted hypothesis was really exercised', () => {
  it('I-6: some reachable state holds a CK re-put with a timestamp as its startOffset', () => {
    const e = findCkEntry('I-6')!;
    const m = entryModel(e, e.buggy);
    let reput = 0;
    walk(m, (_s, _e, n) => {
      for (let k = 0; k < n[G.NCK]; k++) if (n[m.ctx.L.ck(k) + C.START] === TIMESTAMP_OFFSET) reput++;
    });
    expect(reput).toBeGreaterThan(0);
  });
});

describe('the affected releases are exactly those where the reproduction violates', () => {
  for (const e of CK_CATALOGUE.filter((x) => x.buggy.overrides === undefined)) {
    it(e.id, () => {
      for (const r of RELEASES) {
        const run = { ...e.buggy, release: r.name };
        let runnable = true;
        try {
          resolveSettings({ release: r.name, batchAck: e.batchAck, overrides: { ...(e.settings ?? {}) } });
        } catch {
          runnable = false;
        }
        if (!runnable) {
          expect(e.affected, `${e.id} cannot run on ${r.name}`).not.toContain(r.name);
          continue;
        }
        // 5.0.0-alpha's revive has no idle rule: give it the other traffic that makes CKs due.
        const busy = r.name === '5.0.0-alpha' ? { reviveQueueBusy: true } : {};
        const verdict = checkEntry(e, run, busy, [e.invariant], { stopAtFirstViolation: true }).verdict;
        expect(verdict, `${e.id} on ${r.name}`).toBe(e.affected.includes(r.name) ? 'violated' : 'holds');
      }
    });
  }
});

describe('every invariant can fail', () => {
  it('each invariant but lifecycle-legal is the broken invariant of some catalogue reproduction, or violated by one', () => {
    const violated = new Set<string>();
    for (const e of CK_CATALOGUE.filter((x) => x.expectBuggy === 'violated')) {
      const invariants = [...INVARIANT_NAMES].filter((n) => n !== 'lifecycle-legal');
      for (const v of checkEntry(e, e.buggy, {}, invariants, { countPaths: false }).violations) violated.add(v.invariant);
    }
    // lifecycle-legal is shown able to fail in test/model/invariants.test.ts.
    expect([...INVARIANT_NAMES].filter((n) => n !== 'lifecycle-legal' && !violated.has(n))).toEqual([]);
  });
});
