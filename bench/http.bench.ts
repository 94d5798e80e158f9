/**
 * HTTP throughput and latency under load of Guichet against a bare Fastify server measured in the
 * same run, on PGlite (embedded) and on PostgreSQL (server mode):
 * - GET /healthz (no database) and a commune home page (/c/villebelle/: commune lookup,
 *   rate-limit upsert, server-side rendering), against the baseline's GET / ("hello world");
 * - the submission path: POST /c/villebelle/contacter-la-mairie (CSRF check, validation, the
 *   classifier choosing the service, the per-commune request number, the PDF receipt, the audit
 *   entry, the receipt mail and webhook jobs, all in one transaction, then the 303), against the
 *   baseline's POST /submit (an urlencoded form parsed and answered with a 303). Every request
 *   creates a real request in the database.
 *
 * The machine may be shared, so the baselines are measured before the first Guichet server and
 * again after each one; each Guichet figure is divided by the mean of the baseline runs (of the
 * same kind, GET or POST) just before and after it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerCleanup } from './lib/cleanup.js';
import {
  assertBuilt,
  BENCH_RATE_LIMIT_PER_MINUTE,
  type GuichetServer,
  guichetCommand,
  guichetEnv,
  startGuichet,
} from './lib/guichet.js';
import { expectAnswer, expectSubmission, prepareFormSubmission, waitUntilReady } from './lib/http.js';
import { type LoadResult, type LoadSettings, measureHttp, type RequestSpec } from './lib/load.js';
import { BENCH_DIR, REPO_ROOT } from './lib/paths.js';
import { freePort } from './lib/port.js';
import {
  APP_ROLE,
  type BenchDatabase,
  createBenchDatabase,
  DEFAULT_ADMIN_URL,
  PostgresUnavailableError,
  redactUrl,
} from './lib/postgres.js';
import { type ChildHandle, isolatedEnv, startNode } from './lib/process.js';
import { formatNumber, formatRange, formatRatio, ratioTo, renderTable } from './lib/table.js';
import type { BenchContext, Benchmark, BenchOutcome } from './lib/types.js';

const CONNECTIONS = 50;
const WARMUP_SECONDS = 2;
const HOME_PATH = '/c/villebelle/';
const CONTACT_PATH = '/c/villebelle/contacter-la-mairie';
/** What each benchmarked submission says: a request the classifier sends to the technical services. */
const CONTACT_FIELDS = {
  subject: 'Lampadaire en panne',
  message: 'Bonjour, le lampadaire devant le 12 rue des Tilleuls ne s’allume plus depuis trois jours. Merci.',
  name: 'Camille Martin',
  email: 'camille.martin@example.org',
};
const BASELINE_POST_FIELDS = { message: CONTACT_FIELDS.message };

interface Target {
  id: string;
  label: string;
  kind: 'baseline' | 'guichet';
  /** GET targets are compared with the baseline's GET, submissions with its POST. */
  method: 'GET' | 'POST';
  engine: 'pglite' | 'postgresql' | null;
  path: string;
  /** Whether the app's rate limiter counts these requests (one database upsert each). */
  countedByRateLimit: boolean | null;
  status: 'pending' | 'ok' | 'skipped' | 'failed';
  reason?: string;
  result?: LoadResult;
  /** Guichet targets: mean req/s of the baseline runs just before and after. */
  baselineRequestsPerSec?: number;
  ratioToBaseline?: number;
  /** The ratio to the baseline run before and to the one after (how much the machine drifted). */
  ratioRange?: [number, number];
}

/** A Guichet server to start, then measure on /healthz and the home page. */
/** Responses whose status is not the one expected (200 for pages, 303 for submissions). */
function unexpected(r: LoadResult, expectedStatus: number): number {
  return r.responses - (r.statusCodes[String(expectedStatus)] ?? 0);
}

/** The baseline runs of one round. */
type Baselines = Record<Target['method'], Target>;

interface Group {
  engine: 'pglite' | 'postgresql';
  /** Starts the server (returns undefined to skip the group); `stop` cleans everything up. */
  start(): Promise<{ server: GuichetServer; stop: () => Promise<void> } | undefined>;
}

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  assertBuilt();
  const settings: LoadSettings = { connections: CONNECTIONS, seconds: ctx.seconds, warmupSeconds: WARMUP_SECONDS };
  const adminUrl = process.env.BENCH_DATABASE_URL || DEFAULT_ADMIN_URL;
  const startedAt = new Date();
  const targets: Target[] = [];
  const notes: string[] = [];
  const add = (
    id: string,
    label: string,
    kind: Target['kind'],
    engine: Target['engine'],
    urlPath: string,
    method: Target['method'] = 'GET',
  ) => {
    const t: Target = { id, label, kind, method, engine, path: urlPath, countedByRateLimit: null, status: 'pending' };
    targets.push(t);
    return t;
  };
  const fail = (t: Target, error: unknown) => {
    if (t.status !== 'pending') return;
    t.status = 'failed';
    t.reason = (error as Error).message;
    ctx.print(`  FAILED ${t.label}: ${t.reason}`);
  };
  /** GET: `expected` is checked once before the load; POST: one submission must redirect there. */
  const measure = async (
    t: Target,
    url: string,
    expected: { status: number; contains: string },
    prepare?: () => Promise<RequestSpec>,
  ) => {
    try {
      let spec: RequestSpec | undefined;
      if (prepare) {
        spec = await prepare();
        const answer = await expectSubmission(url, spec, { status: 303, location: expected.contains });
        t.countedByRateLimit = answer.headers.has('x-ratelimit-limit');
      } else {
        const answer = await expectAnswer(url, expected);
        t.countedByRateLimit = answer.headers.has('x-ratelimit-limit');
      }
      ctx.print(`  measuring ${t.label} …`);
      t.result = await measureHttp(url, settings, spec);
      t.status = 'ok';
      const r = t.result;
      ctx.print(
        `    ${formatNumber(r.requestsPerSec)} req/s, p50 ${r.latencyP50Ms} ms, p99 ${r.latencyP99Ms} ms, other than ${expected.status}: ${unexpected(r, expected.status)}`,
      );
    } catch (error) {
      fail(t, error);
    }
  };

  ctx.print(
    `autocannon: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${ctx.seconds} s per target (BENCH_SECONDS), all on 127.0.0.1`,
  );

  // The baseline server: bare Fastify in a child process (like Guichet), idle between its runs.
  let baselineChild: ChildHandle | undefined;
  let baselineUrl: string | undefined;
  let baselineError: unknown;
  try {
    const port = await freePort();
    baselineUrl = `http://127.0.0.1:${port}/`;
    baselineChild = startNode('baseline hello-fastify', [path.join(BENCH_DIR, 'servers', 'hello-fastify.mjs')], {
      cwd: REPO_ROOT,
      env: isolatedEnv({ PORT: String(port) }),
    });
    await waitUntilReady(baselineUrl, baselineChild);
  } catch (error) {
    baselineError = error;
  }
  let baselineRuns = 0;
  /** One run of each baseline: GET / then POST /submit. */
  const measureBaseline = async (): Promise<Baselines> => {
    baselineRuns += 1;
    const get = add(
      `baseline-get-${baselineRuns}`,
      `baseline: bare Fastify GET / (run ${baselineRuns})`,
      'baseline',
      null,
      '/',
    );
    const post = add(
      `baseline-post-${baselineRuns}`,
      `baseline: bare Fastify POST /submit (run ${baselineRuns})`,
      'baseline',
      null,
      '/submit',
      'POST',
    );
    if (baselineError || !baselineUrl) {
      for (const t of [get, post]) fail(t, baselineError ?? new Error('baseline server not started'));
      return { GET: get, POST: post };
    }
    await measure(get, baselineUrl, { status: 200, contains: '"hello":"world"' });
    await measure(post, new URL('/submit', baselineUrl).href, { status: 303, contains: '/' }, async () => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(BASELINE_POST_FIELDS).toString(),
    }));
    return { GET: get, POST: post };
  };

  const groups: Group[] = [
    {
      engine: 'pglite',
      async start() {
        ctx.print('guichet pglite: starting (embedded database, demo communes created on first start)');
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-bench-pglite-'));
        const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
        const unregister = registerCleanup(`remove ${dataDir}`, removeDir);
        const cleanup = () => {
          removeDir();
          unregister();
        };
        try {
          const server = await startGuichet('guichet serve (pglite)', guichetEnv({ GUICHET_DATA_DIR: dataDir }));
          return { server, stop: async () => cleanup() };
        } catch (error) {
          cleanup();
          throw error;
        }
      },
    },
    {
      engine: 'postgresql',
      async start() {
        ctx.print(`guichet postgresql: creating a database on ${redactUrl(adminUrl)}`);
        let database: BenchDatabase;
        try {
          database = await createBenchDatabase(adminUrl);
        } catch (error) {
          if (!(error instanceof PostgresUnavailableError)) throw error;
          ctx.print(`  PostgreSQL unavailable (${error.message}): the PostgreSQL part is SKIPPED.`);
          notes.push(`PostgreSQL part skipped: ${error.message}`);
          return undefined;
        }
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-bench-pg-'));
        const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
        const unregister = registerCleanup(`remove ${dataDir}`, removeDir);
        const cleanup = async () => {
          try {
            await database.drop();
            ctx.print(`  database ${database.name} dropped`);
          } catch (error) {
            notes.push(`could not drop database ${database.name}: ${(error as Error).message}`);
          }
          removeDir();
          unregister();
        };
        try {
          const env = guichetEnv({
            DATABASE_URL: database.appUrl,
            GUICHET_MIGRATION_DATABASE_URL: database.ownerUrl,
            GUICHET_DB_APP_ROLE: APP_ROLE,
            GUICHET_SECRET: randomBytes(36).toString('base64url'), // 48 characters
            GUICHET_DATA_DIR: dataDir,
          });
          ctx.print(`  database ${database.name}: guichet migrate, guichet demo`);
          await guichetCommand(['migrate'], env);
          await guichetCommand(['demo'], env);
          const server = await startGuichet('guichet serve (postgresql)', env);
          return { server, stop: cleanup };
        } catch (error) {
          await cleanup();
          throw error;
        }
      },
    },
  ];

  let before = await measureBaseline();
  for (const group of groups) {
    const health = add(
      `${group.engine}-healthz`,
      `guichet ${group.engine} GET /healthz`,
      'guichet',
      group.engine,
      '/healthz',
    );
    const home = add(
      `${group.engine}-home`,
      `guichet ${group.engine} GET ${HOME_PATH}`,
      'guichet',
      group.engine,
      HOME_PATH,
    );
    const submit = add(
      `${group.engine}-submit`,
      `guichet ${group.engine} POST ${CONTACT_PATH}`,
      'guichet',
      group.engine,
      CONTACT_PATH,
      'POST',
    );
    const measured = [health, home, submit];
    let started: Awaited<ReturnType<Group['start']>>;
    try {
      started = await group.start();
    } catch (error) {
      for (const t of measured) fail(t, error);
      continue;
    }
    if (!started) {
      for (const t of measured) {
        t.status = 'skipped';
        t.reason = `${group.engine} unavailable`;
      }
      continue;
    }
    const { server } = started;
    try {
      ctx.print(`  ready in ${(server.startupMs / 1000).toFixed(1)} s`);
      await measure(health, `${server.baseUrl}/healthz`, { status: 200, contains: '"status":"ok"' });
      await measure(home, `${server.baseUrl}${HOME_PATH}`, { status: 200, contains: 'Villebelle' });
      await measure(submit, `${server.baseUrl}${CONTACT_PATH}`, { status: 303, contains: '/demande-envoyee' }, () =>
        prepareFormSubmission(`${server.baseUrl}${CONTACT_PATH}`, CONTACT_FIELDS),
      );
    } finally {
      const exit = await server.stop();
      if (exit.code !== 0)
        notes.push(`guichet serve (${group.engine}) exited with ${exit.signal ?? `code ${exit.code}`}`);
      await started.stop();
    }
    const after = await measureBaseline();
    for (const t of measured) {
      const around = [before[t.method], after[t.method]].flatMap((b) => (b.result ? [b.result.requestsPerSec] : []));
      const baseline = around.length > 0 ? around.reduce((a, b) => a + b, 0) / around.length : undefined;
      t.baselineRequestsPerSec = baseline;
      t.ratioToBaseline = ratioTo(t.result?.requestsPerSec, baseline);
      const each = around.flatMap((b) => {
        const ratio = ratioTo(t.result?.requestsPerSec, b);
        return ratio === undefined ? [] : [ratio];
      });
      if (each.length === 2) t.ratioRange = [Math.min(...each), Math.max(...each)];
    }
    before = after;
  }
  await baselineChild?.stop();

  // Report.
  const rows = targets.map((t) => {
    const label = t.countedByRateLimit ? `${t.label} *` : t.label;
    if (!t.result) return [label, t.status === 'skipped' ? 'skipped' : 'FAILED', '', '', '', '', ''];
    const r = t.result;
    return [
      label,
      formatNumber(r.requestsPerSec),
      String(r.latencyP50Ms),
      String(r.latencyP99Ms),
      String(unexpected(r, t.method === 'POST' ? 303 : 200)),
      String(r.errors),
      t.kind === 'baseline'
        ? '(baseline)'
        : `${formatRatio(r.requestsPerSec, t.baselineRequestsPerSec)}${t.ratioRange ? ` (${formatRange(t.ratioRange)})` : ''}`,
    ];
  });
  ctx.print();
  ctx.print(
    renderTable(['target', 'req/s (mean)', 'p50 ms', 'p99 ms', 'unexpected', 'errors', 'vs baseline'], rows, [
      'left',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
    ]),
  );
  ctx.print();
  if (targets.some((t) => t.countedByRateLimit)) {
    notes.unshift(
      `* counted by the app's rate limiter: each request still does one upsert into the rate_limit table ` +
        `(GUICHET_RATE_LIMIT_PER_MINUTE=${BENCH_RATE_LIMIT_PER_MINUTE}, so no 429); /healthz is allow-listed (no database access).`,
    );
  }
  notes.push(
    'vs baseline = Guichet req/s ÷ mean of the baseline runs (GET or POST, like the target) just before and after it (in brackets: ÷ each of them).',
  );
  for (const method of ['GET', 'POST'] as const) {
    const values = targets.flatMap((t) =>
      t.kind === 'baseline' && t.method === method && t.result ? [t.result.requestsPerSec] : [],
    );
    if (values.length === 0) continue;
    const min = Math.min(...values);
    const max = Math.max(...values);
    notes.push(
      `the ${method} baseline ranged ${formatNumber(min)}–${formatNumber(max)} req/s over the run (${(((max - min) / min) * 100).toFixed(0)}% spread).`,
    );
  }
  const submissions = targets.filter((t) => t.kind === 'guichet' && t.method === 'POST' && t.result);
  if (submissions.length > 0)
    notes.push(
      `submissions: each POST created a real request (${submissions.map((t) => `${t.engine} ${formatNumber(t.result?.responses ?? 0)}`).join(', ')} in the measured runs, warm-up not counted); p50/p99 are the latency of one submission under ${CONNECTIONS} concurrent connections.`,
    );
  notes.push(
    `autocannon runs in the bench process: load generator, servers and database share the ${ctx.machine.cores} cores with anything else running — compare ratios, not absolute numbers.`,
  );
  const rateLimited = targets.reduce((n, t) => n + (t.result?.statusCodes['429'] ?? 0), 0);
  if (rateLimited > 0)
    notes.push(`WARNING: ${rateLimited} responses were 429 (rate limited): those figures are wrong.`);
  for (const note of notes) ctx.print(note);
  for (const t of targets) if (t.status === 'failed') ctx.print(`FAILED ${t.label}: ${t.reason}`);

  const file = ctx.writeResults('http', {
    benchmark: 'http',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: ctx.machine,
    settings: {
      ...settings,
      tool: 'autocannon',
      baseline:
        'bare Fastify (no plugins, no logger) in a child process: GET / answers { hello: "world" }, POST /submit parses an urlencoded form and answers 303',
      ratio: 'Guichet req/s divided by the mean req/s of the baseline runs just before and after it',
      guichetRateLimitPerMinute: BENCH_RATE_LIMIT_PER_MINUTE,
      postgresql: redactUrl(adminUrl),
    },
    targets,
    notes,
  });
  ctx.print(`results: ${path.relative(REPO_ROOT, file)}`);
  return { ok: targets.every((t) => t.status === 'ok' || t.status === 'skipped') };
}

const benchmark: Benchmark = {
  name: 'http',
  title: 'HTTP: bare Fastify vs Guichet /healthz, commune home page and request submission, on PGlite and PostgreSQL',
  run,
};
export default benchmark;
