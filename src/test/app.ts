/** Builds a Guichet runtime and Fastify app on a test database, for integration tests. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Config, loadConfig } from '../config/config.js';
import type { Engine } from '../platform/db/client.js';
import { buildApp } from '../platform/http/app.js';
import type { JobDefinition, QueueRole } from '../platform/jobs/queue.js';
import { MODULES } from '../registry.js';
import { createLogger, createRuntime, type Runtime } from '../runtime.js';
import { createTestDatabase, TEST_APP_ROLE, type TestDatabase } from './databases.js';

export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  testDb: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

/** The runtime behind each test app (the sign-in helper reads the demo key's last used step). */
export const RUNTIMES = new WeakMap<FastifyInstance, Runtime>();

const TEST_SIGNATURE_MASTER_KEY = randomBytes(32).toString('base64');

export function testConfig(env: Record<string, string> = {}): Config {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-test-'));
  return loadConfig({
    GUICHET_DATA_DIR: dataDir,
    GUICHET_LOG_LEVEL: 'silent',
    GUICHET_SECRET: 'secret-de-test-secret-de-test-secret-de-test',
    GUICHET_DB_APP_ROLE: TEST_APP_ROLE,
    GUICHET_DEMO: 'true',
    // A key of the test run for sealing signers' private keys (the parapheur).
    GUICHET_SIGNATURE_MASTER_KEY: TEST_SIGNATURE_MASTER_KEY,
    ...env,
  });
}

export async function createTestApp(
  engine: Engine,
  options: { env?: Record<string, string>; queueRole?: QueueRole; extraJobs?: JobDefinition[] } = {},
): Promise<TestApp> {
  const config = testConfig(options.env);
  const testDb = await createTestDatabase(engine);
  const runtimeConfig: Config =
    engine === 'postgres' ? { ...config, databaseMode: 'server', databaseUrl: testDb.appUrl } : config;
  const runtime = await createRuntime(
    runtimeConfig,
    testDb.database,
    createLogger(runtimeConfig),
    options.queueRole ?? 'producer',
    options.extraJobs,
  );
  const app = await buildApp(runtime, MODULES);
  await app.ready();
  RUNTIMES.set(app, runtime);
  return {
    app,
    runtime,
    testDb,
    config: runtimeConfig,
    async close() {
      await app.close();
      await runtime.queue.stop();
      runtime.mailTransport.close();
      await testDb.drop();
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
