/**
 * The vitest configuration of `npm run mutate:checker` (stryker.checker.config.json): the tests
 * of the explorer's storage (the compressed queue, the chunked and narrow columns, the
 * fingerprint table) and the explorer tests that use them.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['test/fast-check-seed.ts'],
    include: ['test/checker/storage.test.ts', 'test/checker/fingerprint.test.ts', 'test/checker/explore.test.ts', 'test/checker/count.test.ts'],
    testTimeout: 60_000,
  },
});
