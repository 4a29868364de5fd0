import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lifecycleDoc } from '../../model/lifecycle-docs.js';
import { catalogueDoc, versionsDoc } from '../../model/reference-docs.js';

describe('generated docs', () => {
  it('docs/lifecycles.md shows the current tables (run `npm run docs` after changing them)', () => {
    const onDisk = readFileSync(new URL('../../docs/lifecycles.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(lifecycleDoc());
  });

  it('docs/catalogue.md and docs/versions.md show the current data', () => {
    expect(readFileSync(new URL('../../docs/catalogue.md', import.meta.url), 'utf8')).toBe(catalogueDoc());
    expect(readFileSync(new URL('../../docs/versions.md', import.meta.url), 'utf8')).toBe(versionsDoc());
  });
});
