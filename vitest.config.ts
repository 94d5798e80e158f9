import { defineConfig } from 'vitest/config';

// Unit and integration tests, next to the code. Each test file opens its own databases
// (PGlite in memory, plus a fresh PostgreSQL database when TEST_DATABASE_URL is set).
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
