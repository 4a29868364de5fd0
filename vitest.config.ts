import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['test/fast-check-seed.ts'],
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // vitest runs availableParallelism() - 1 files at once by default: ONE on CI's 2 cores, which
    // then sits half idle (a test waiting on the CLI's child process or on chromium leaves the
    // other core to it). Two files at once there; n - 1 on larger machines, as vitest would.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
