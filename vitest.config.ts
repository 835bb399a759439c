import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Database and browser tests start real servers; give them room on a 2-core CI machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One PostgreSQL server for the whole run; every file creates its own databases on it.
    globalSetup: ['test/support/global-setup.ts'],
    // Property tests: a fixed seed under CI, a fresh one locally (see the file).
    setupFiles: ['test/support/fast-check-seed.ts'],
  },
});
