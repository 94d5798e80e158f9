import { defineConfig } from 'vitest/config';

// High-availability test (issue 13): etcd, two Patroni nodes and HAProxy on loopback, a real
// `guichet serve` in server mode, a leader killed under writes. Needs the Debian packages
// patroni, etcd-server, haproxy and a build (`npm run test:ha` builds first).
export default defineConfig({
  test: {
    include: ['ha/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 150_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
