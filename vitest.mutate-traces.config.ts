/**
 * The vitest configuration of the mutation run of the pop.log mapping and the catalogue
 * match (`npm run mutate:traces`): the in-process tests of traces/ that read and write pop.log
 * lines; no global setup (they need no dist/).
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['test/fast-check-seed.ts'],
    include: ['test/traces/validate.test.ts', 'test/traces/poplog-render.test.ts', 'test/traces/poplog-expect.test.ts', 'test/traces/roundtrip.test.ts'],
    testTimeout: 120_000,
  },
});
