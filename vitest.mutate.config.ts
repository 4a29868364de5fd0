/**
 * The vitest configuration of the mutation run (`npm run mutate`, stryker.config.json):
 * only the fast model tests, and no global setup (they need no dist/). Left out: the CLI and
 * trace tests (they spawn the built binary), the checker tests (toy models, the parallel
 * explorer's workers), the benches, test/model/full.test.ts (12 s of exhaustive runs of the
 * full scenario, run by `npm test`), the soundness sweep and the fast-check laws
 * (test/model/soundness.test.ts, 19 s of exhaustive runs of every fault alone and in pairs;
 * test/model/laws.test.ts, 3.5 s of random walks: with per-test coverage they cover every
 * line, so each mutant would pay for them; `npm test` runs them), and the docs and
 * portability tests (they read source files, which Stryker instruments).
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['test/fast-check-seed.ts'],
    include: ['test/model/*.test.ts'],
    exclude: [
      'test/model/full.test.ts',
      'test/model/soundness.test.ts',
      'test/model/laws.test.ts',
      'test/model/docs.test.ts',
      'test/model/portable.test.ts',
    ],
    testTimeout: 60_000,
  },
});
