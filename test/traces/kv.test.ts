/**
 * KV (RocksDB) service traces (traces/kv.ts): a counterexample written as popcheck JSON Lines,
 * read back and replayed against the KV model of each release; divergences named by line;
 * malformed lines refused in one line (exit 2); `check --kv --trace-out`, `replay` and
 * `validate` on the CLI.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import { entryIdentity, findEntry, KV_CATALOGUE } from '../../model/catalogue.js';
import type { KvIdentity } from '../../model/kv/identity.js';
import { KV_RELEASES, KvModel } from '../../model/kv/model.js';
import { isKvTraceText, kvHeaderIdentity, readKvTrace, replayKv, writeKvTrace } from '../../traces/kv.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, FILES } from '../cli/helpers.js';

const DIR = mkdtempSync(join(tmpdir(), 'popcheck-kv-trace-'));
/** A file both the in-process CLI (FILES) and validate's first-line reader (the file system) see. */
function put(name: string, text: string): string {
  const path = join(DIR, name);
  writeFileSync(path, text);
  FILES.set(path, text);
  return path;
}

const kvId = (id: string, release?: string): KvIdentity => {
  const e = findEntry(id)!;
  return entryIdentity(e, { ...e.buggy, ...(release ? { release } : {}) }, [e.invariant]) as KvIdentity;
};

/** The shortest counterexample of a KV identity as a trace. */
function counterexampleTrace(id: KvIdentity): string {
  const m = new KvModel(id);
  const v = check(m).violations[0];
  return writeKvTrace(id, v.counterexample.initial, v.counterexample.steps);
}

function replayText(text: string, over: Partial<KvIdentity> = {}) {
  const r = readKvTrace(text);
  if (!r.ok) throw new Error(`${r.error.line}: ${r.error.message}`);
  return replayKv(new KvModel({ ...kvHeaderIdentity(r.header), ...over }), r.events, r.headerLine);
}

describe('KV traces: counterexamples round-trip', () => {
  for (const e of KV_CATALOGUE) {
    it(`${e.id}: its counterexample on every affected release replays to the same violation at the last line`, () => {
      for (const rel of e.affected) {
        const text = counterexampleTrace(kvId(e.id, rel));
        expect(isKvTraceText(text)).toBe(true);
        const lines = text.trim().split('\n');
        expect(lines).toHaveLength(e.shortest! + 1);
        expect(JSON.parse(lines[0])).toMatchObject({ popcheck: 'trace', version: 1, scenario: 'kv', rocketmq: rel });
        const r = replayText(text);
        expect(r.verdict, rel).toBe('violated');
        expect(r.violations.map((v) => [v.invariant, v.line])).toEqual([[e.invariant, lines.length]]);
      }
    });
  }

  it("kv-premature-commit: the 5.3.3 counterexample replayed on head conforms (the staged map counts in head's minimum offset)", () => {
    const text = counterexampleTrace(kvId('kv-premature-commit', '5.3.3'));
    expect(replayText(text).verdict).toBe('violated');
    const head = replayText(text, { rocketmq: 'head' });
    expect(head.verdict).toBe('conforms');
    expect(head.finalCheck).toMatchObject({ checked: true });
  });

  it('law: any walk of the KV model, written as a trace, replays without divergence, violating exactly the invariants the walk broke', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KV_RELEASES), fc.boolean(), fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), (rel, cache, picks) => {
        const id: KvIdentity = { scenario: 'kv', messages: 2, rocketmq: rel, bounds: { pops: 2, changes: 1, crashes: 1, retryFailures: 1 }, settings: { enablePopBufferMerge: cache } };
        const m = new KvModel(id);
        let s = m.initialStates()[0];
        const init = s;
        const steps: { event: ReturnType<KvModel['enabledEvents']>[number]; state: Int32Array }[] = [];
        const broken = new Set<string>();
        for (const p of picks) {
          const en = m.enabledEvents(s);
          if (en.length === 0) break;
          const e = en[p % en.length];
          const next = m.step(s, e);
          for (const inv of m.invariants) {
            if (inv.kind === 'always' && !inv.holds(next)) broken.add(inv.name);
            if (inv.kind === 'transition' && !inv.holds(s, e, next)) broken.add(inv.name);
          }
          steps.push({ event: e, state: next });
          s = next;
        }
        if (m.enabledEvents(s).length === 0) for (const inv of m.invariants) if (inv.kind === 'final' && !inv.holds(s)) broken.add(inv.name);
        const r = replayText(writeKvTrace(id, init, steps));
        expect(r.divergence).toBeNull();
        expect(r.eventsUsed).toBe(steps.length);
        expect(new Set(r.violations.map((v) => v.invariant))).toEqual(broken);
      }),
      { seed: 20_261_201, numRuns: 150 },
    );
  });
});

describe('KV traces: divergence names the line and the reason', () => {
  const base = '{"popcheck":"trace","version":1,"scenario":"kv","messages":1,"rocketmq":"head","bounds":{"pops":1}}';
  it.each([
    [['{"type":"pop","at":0}', '{"type":"ack","d":1,"at":0}'], 3, 'no delivery 1 (1 so far)'],
    [['{"type":"pop","at":0}', '{"type":"ack","d":0,"at":0}', '{"type":"ack","d":0,"at":0}'], 4, 'delivery 0 (offset 0) was already acked'],
    [['{"type":"pop","at":0}', '{"type":"pop","at":0}'], 3, 'no message left to pop at offset 1'],
    [['{"type":"pop","at":0}', '{"type":"tick","to":20000}'], 3, 'time moves to the next breakpoint t=10000, not to 20000'],
    [['{"type":"pop","at":0}', '{"type":"tick","to":10000}', '{"type":"tick","to":60000}'], 4, 'time cannot move on: a cached record is due for the cleanup at t=10000'],
    [['{"type":"pop","at":0}', '{"type":"flush","at":0}'], 3, 'no cache cleanup in progress'],
    [['{"type":"pop","at":0}', '{"type":"crash","at":0}'], 3, 'bound reached: --crashes 0'],
    [['{"type":"pop","at":5}'], 2, "at t=5, but the broker's clock is t=0"],
  ])('%j diverges at line %i', (events, line, reason) => {
    const r = replayText([base, ...events].join('\n'));
    expect(r.verdict).toBe('diverges');
    expect(r.divergence!.line).toBe(line);
    expect(r.divergence!.reason).toContain(reason);
  });

  it('a trace that stops before the end does not check the final invariants, and says why', () => {
    const r = replayText([base, '{"type":"pop","at":0}'].join('\n'));
    expect(r.verdict).toBe('conforms');
    expect(r.finalCheck).toMatchObject({ checked: false });
    expect(r.finalCheck!.reason).toContain('2 event(s) still enabled (ack, tick), so it is not at rest');
  });
});

describe('popcheck check --kv --trace-out, replay and validate', () => {
  it('writes the counterexample; replay reports the violation at its line (exit 1) on the header release and conforms with --rocketmq head when fixed there', async () => {
    const w = await cli('check', '--bug', 'kv-premature-commit', '--trace-out', 'kv-pc.jsonl');
    expect(w.code).toBe(0);
    const text = FILES.get('kv-pc.jsonl')!;
    const file = put('kv-pc.jsonl', text);
    expect(JSON.parse(text.split('\n')[0])).toEqual({
      popcheck: 'trace',
      version: 1,
      scenario: 'kv',
      messages: 2,
      rocketmq: '5.3.3',
      bounds: { pops: 2, crashes: 1 },
      invariants: ['no-loss'],
    });
    const r = await cli('replay', 'kv-pc.jsonl');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('KV service, --scenario kv --messages 2 --pops 2 --crashes 1 --invariant no-loss --rocketmq 5.3.3');
    expect(r.stdout).toContain('VIOLATED no-loss after kv-pc.jsonl:8');
    const head = await cli('replay', 'kv-pc.jsonl', '--rocketmq', 'head', '--json');
    expect(head.code).toBe(0);
    expect(JSON.parse(head.stdout)).toMatchObject({ verdict: 'conforms', identity: { rocketmq: 'head' }, header: { rocketmq: '5.3.3' } });
    const v = await cli('validate', file, '--json');
    expect(v.code).toBe(1);
    expect(JSON.parse(v.stdout).files[0]).toMatchObject({ format: 'trace', verdict: 'violated', line: 8, invariant: 'no-loss', rocketmq: '5.3.3' });
  });

  it('check --kv --trace-out writes the first counterexample; without one it says so on stderr', async () => {
    const w = await cli('check', '--kv', '--messages', '1', '--pops', '1', '--trace-out', 'kv-a.jsonl');
    expect(w.code).toBe(1);
    expect(FILES.get('kv-a.jsonl')!.trim().split('\n')).toHaveLength(8);
    const h = await cli('check', '--kv', '--messages', '1', '--pops', '1', '--set', 'kvAtomicCleanup=true', '--trace-out', 'kv-none.jsonl');
    expect(h.code).toBe(0);
    expect(h.stderr).toContain('--trace-out: no counterexample to write (verdict holds); kv-none.jsonl not written');
  });

  it('a divergence exits 1 and names file:line', async () => {
    FILES.set('kv-d.jsonl', '{"popcheck":"trace","version":1,"scenario":"kv","messages":1,"rocketmq":"5.3.2"}\n{"type":"pop","at":0}\n{"type":"change","d":0,"at":0}\n');
    const r = await cli('replay', 'kv-d.jsonl');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('DIVERGES at kv-d.jsonl:3: {"type":"change","d":0,"at":0}');
    expect(r.stdout).toContain('bound reached: --changes 0');
  });

  it.each([
    ['{"popcheck":"trace","version":1,"scenario":"kv","messages":1,"rocketmq":"head"}\n{"type":"pop"}\n{"type":"ack"', 'kv-m.jsonl:3: not JSON'],
    ['{"popcheck":"trace","version":1,"scenario":"kv","messages":1,"rocketmq":"head"}\n{"type":"ack","at":0}', 'kv-m.jsonl:2: not a KV event: d: '],
    ['{"popcheck":"trace","version":1,"scenario":"kv","messages":1,"rocketmq":"head"}\n\n{"type":"lunch"}', 'kv-m.jsonl:3: not a KV event'],
    ['{"popcheck":"trace","version":1,"scenario":"kv","messages":1,"rocketmq":"5.3.1"}', 'kv-m.jsonl:1: not a popcheck KV trace header: rocketmq: the KV POP service ships since 5.3.2'],
    ['{"popcheck":"trace","version":1,"scenario":"kv","messages":1,"rocketmq":"head","bounds":{"pops":9}}', 'kv-m.jsonl:1: not a popcheck KV trace header: bounds.pops: must be an integer from 1 to 6 (got 9)'],
  ])('malformed %j: one line naming file:line, exit 2', async (text, msg) => {
    const file = put('kv-m.jsonl', text);
    for (const cmd of ['replay', 'validate']) {
      const r = await cli(cmd, file);
      expect(r.code, cmd).toBe(2);
      expect(r.stderr.trim().split('\n'), cmd).toHaveLength(1);
      expect(r.stderr, cmd).toContain(msg);
    }
  });

  it('replay --rocketmq works for CK traces too: the 5.3.1 counterexample of #8835 violates there and conforms on 5.3.2', async () => {
    const w = await cli('check', '--bug', '8835', '--trace-out', 'ck-8835.jsonl');
    expect(w.code).toBe(0);
    expect((await cli('replay', 'ck-8835.jsonl')).code).toBe(1);
    const fixed = await cli('replay', 'ck-8835.jsonl', '--rocketmq', '5.3.2', '--json');
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ verdict: 'conforms' });
    const bad = await cli('replay', 'ck-8835.jsonl', '--rocketmq', '9.9.9');
    expect([bad.code, bad.stderr.trim().split('\n').length]).toEqual([2, 1]);
    expect(bad.stderr).toContain("--rocketmq: unknown release '9.9.9'");
  });

  it('a KV entry takes no pop.log trace format (one line, exit 2)', async () => {
    const r = await cli('check', '--bug', 'kv-premature-commit', '--trace-out', 'x.log', '--trace-format', 'poplog');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('replay --rocketmq refuses a release without the KV service, naming the flag', async () => {
    FILES.set('kv-r.jsonl', '{"popcheck":"trace","version":1,"scenario":"kv","messages":1,"rocketmq":"head"}\n');
    const r = await cli('replay', 'kv-r.jsonl', '--rocketmq', '5.3.0');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--rocketmq: the KV POP service ships since 5.3.2; 5.3.0 has none');
  });
});
