import { defineConfig } from 'vitest/config';

// End-to-end tests: a real `guichet serve` (started once by e2e/global-setup.ts on a free port,
// with an empty temporary data directory, so PGlite starts fresh and the demo communes are
// created) driven by the system Chromium through playwright-core, with axe-core.
// Run with `npm run test:e2e` (which builds first: the global setup builds nothing).
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    // What a page or a queued job does in the server (an ANTS declaration, a mail) takes longer on a
    // loaded machine than expect.poll's default second: wait as long as waitForMail (e2e/support.ts).
    expect: { poll: { timeout: 20_000, interval: 100 } },
    reporters: ['default'],
  },
});
