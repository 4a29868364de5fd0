import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lifecycleDoc } from '../../model/lifecycle-docs.js';
import { catalogueDoc, versionsDoc } from '../../model/reference-docs.js';
import { guaranteeCell, guaranteeRuns, guaranteesDoc, guaranteesReadmeSection, spliceReadme } from '../../cli/guarantees-doc.js';

describe('generated docs', () => {
  it('docs/lifecycles.md shows the current tables (run `npm run docs` after changing them)', () => {
    const onDisk = readFileSync(new URL('../../docs/lifecycles.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(lifecycleDoc());
  });

  it('docs/catalogue.md and docs/versions.md show the current data', () => {
    expect(readFileSync(new URL('../../docs/catalogue.md', import.meta.url), 'utf8')).toBe(catalogueDoc());
    expect(readFileSync(new URL('../../docs/versions.md', import.meta.url), 'utf8')).toBe(versionsDoc());
  });

  it('docs/guarantees.md and the guarantees table in README.md show the runs of the checker (run `npm run docs`)', () => {
    const runs = guaranteeRuns();
    expect(readFileSync(new URL('../../docs/guarantees.md', import.meta.url), 'utf8')).toBe(guaranteesDoc(runs));
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(spliceReadme(readme, guaranteesReadmeSection(runs))).toBe(readme);
    expect(readme).toContain(guaranteesReadmeSection(runs));
  }, 120_000);

  it('the guarantees table says what the runs and the catalogue say', () => {
    const runs = guaranteeRuns();
    // The KV service: the cache cleanup's race breaks acked-never-retried on every release (#10736); #9626 only before head.
    expect(guaranteeCell(runs, 'kv', '5.3.2', 'acked-never-retried')).toMatch(/^\*\*violated\*\*: kv-ack-during-cleanup, kv-crash-offset-key, `no faults` \(7\)/);
    expect(guaranteeCell(runs, 'kv', '5.3.3', 'no-loss')).toContain('kv-premature-commit');
    expect(guaranteeCell(runs, 'kv', 'head', 'no-loss')).not.toContain('kv-premature-commit');
    expect(guaranteeCell(runs, 'kv', 'head', 'offsets-monotonic')).toBe('holds');
    expect(guaranteeCell(runs, 'kv', 'head', 'ck-before-acks')).toBe('—');
    // The CK path: ck-before-acks holds on these releases; #7724 breaks acked-never-retried everywhere.
    expect(guaranteeCell(runs, 'ck', 'head', 'ck-before-acks')).toBe('holds');
    expect(guaranteeCell(runs, 'ck', '5.3.2', 'acked-never-retried')).toContain('#7724');
    expect(runs.filter((r) => r.impl === 'ck' && r.faults === 'no faults').map((r) => [r.release, r.verdict])).toEqual([
      ['5.3.2', 'violated'],
      ['5.3.3', 'violated'],
      ['head', 'violated'],
    ]);
  }, 120_000);
});
