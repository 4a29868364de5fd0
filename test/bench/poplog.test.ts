/** Part c's plumbing, untimed: the child's figures are read, the rows' verdicts are the releases', the temp files go. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { POPLOG_RELEASES } from '../../bench/cases.js';
import { parseTimeV, rssMethod, runNodeChild, type RssMethod } from '../../bench/child-measure.js';
import { poplogTable } from '../../bench/poplog-table.js';

const TIME_V = `\tCommand being timed: "node dist/cli/main.js validate x.log"
\tUser time (seconds): 12.50
\tSystem time (seconds): 0.75
\tMaximum resident set size (kbytes): 333524
`;

const work = mkdtempSync(join(tmpdir(), 'popcheck-bench-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('bench part c', () => {
  it('reads GNU time -v', () => {
    expect(parseTimeV(TIME_V)).toEqual({ peakRssKb: 333524, cpuMs: 13250 });
    expect(parseTimeV('')).toEqual({ peakRssKb: null, cpuMs: null });
  });

  const methods: RssMethod[] = [{ kind: 'preload' }];
  const found = rssMethod(work);
  if (found.kind === 'time') methods.push(found);
  for (const m of methods) {
    it(`measures a child's peak RSS and exit code (${m.kind})`, () => {
      // Holds about 64 MB, then exits 3.
      const script = join(work, 'child.mjs');
      writeFileSync(script, 'const b = Buffer.alloc(64 * 2 ** 20, 1);\nprocess.exitCode = b[0] + 2;\n');
      const r = runNodeChild(m, work, script, []);
      expect(r.status).toBe(3);
      expect(r.peakRssKb).toBeGreaterThan(64 * 1024);
      expect(r.cpuMs).not.toBeNull();
      expect(readdirSync(work).filter((f) => f.startsWith('usage.'))).toEqual([]);
    });
  }

  it('simulates and validates every release and format, with the expected verdicts, and removes its files', () => {
    const before = new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('popcheck-bench-') && !f.startsWith('popcheck-bench-test-')));
    const c = poplogTable({ releases: POPLOG_RELEASES, cks: 20, progress: () => {} });
    expect(c.unexpected).toBe(false);
    const rows = c.text.split('\n').filter((l) => /^(poplog|jsonl)[a-z +]*\s{2,}5\.3\./.test(l));
    expect(rows.map((l) => l.split(/\s{2,}/).slice(0, 3).join('|'))).toEqual(['poplog|5.3.2|1', 'jsonl|5.3.2|1', 'poplog + jsonl|5.3.2|2', 'poplog|5.3.1|1', 'jsonl|5.3.1|1']);
    expect(rows.filter((l) => l.includes('conforms'))).toHaveLength(3);
    expect(rows.filter((l) => l.includes('violated'))).toHaveLength(2);
    expect(c.text).toMatch(/^Goal >= 200,000 lines\/s on one core: /m);
    const after = readdirSync(tmpdir()).filter((f) => f.startsWith('popcheck-bench-') && !f.startsWith('popcheck-bench-test-') && !before.has(f));
    expect(after).toEqual([]);
  });
});
