/**
 * What Guichet's layers cost (issue 18, item 11): Guichet against a "layers" baseline that does
 * the same database work with none of Guichet's machinery (servers/layers-baseline.ts), on the
 * same database, on PGlite and on PostgreSQL:
 * - GET /c/villebelle/ (commune home) and GET /c/villebelle/compte (the signed-in citizen's home:
 *   where password sign-in lands): the baseline replays the SQL Guichet ran for that page
 *   (captured once through servers/query-log.mjs) and sends the HTML Guichet served, as a constant;
 * - POST /c/villebelle/contacter-la-mairie: the baseline does the submission's work by hand in one
 *   transaction (number, request row, PDF receipt, outbox rows, audit row). Every submission uses a
 *   distinct e-mail address (autocannon `[<id>]`), so the per-address receipt cap never applies.
 * Printed: Guichet ÷ baseline req/s (target ≥ 0.6) and p99 ÷ p50 of each (target < 5). Rounds are
 * interleaved: baseline, Guichet, baseline (the Guichet figure is divided by the mean of the two).
 *
 * Then the time breakdown of one submission, off the load: N sequential submissions to a Guichet
 * whose node-postgres statements are timed (query log), and in-process timings of the PDF receipt
 * and of the classifier's prediction (dist/ modules; skipped when a checkout lacks them).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerCleanup } from './lib/cleanup.js';
import { assertBuilt, guichetCommand, guichetEnv } from './lib/guichet.js';
import { expectAnswer, expectSubmission, prepareFormSubmission, waitUntilReady } from './lib/http.js';
import { type LoadResult, type LoadSettings, measureHttp, type RequestSpec } from './lib/load.js';
import { BENCH_DIR, REPO_ROOT } from './lib/paths.js';
import { freePort } from './lib/port.js';
import {
  APP_ROLE,
  createBenchDatabase,
  DEFAULT_ADMIN_URL,
  PostgresUnavailableError,
  redactUrl,
} from './lib/postgres.js';
import { type ChildHandle, startNode } from './lib/process.js';
import { formatNumber, renderTable } from './lib/table.js';
import type { BenchContext, Benchmark, BenchOutcome } from './lib/types.js';
import type { Script } from './servers/layers-baseline.js';

const CONNECTIONS = 50;
const WARMUP_SECONDS = 2;
const SLUG = 'villebelle';
const HOME = `/c/${SLUG}/`;
const ACCOUNT = `/c/${SLUG}/compte`;
const CONTACT = `/c/${SLUG}/contacter-la-mairie`;
const SIGN_IN = `/c/${SLUG}/connexion`;
/** The demo citizen (src/modules/demo/accounts.ts) and the demo password. */
const CITIZEN = { email: 'camille.martin@courriel.example', password: 'Pivoine-Tracteur-Lagune-2026' };
const ID = '[<id>]';
const CONTACT_FIELDS = {
  subject: 'Lampadaire en panne',
  message: 'Bonjour, le lampadaire devant le 12 rue des Tilleuls ne s’allume plus depuis trois jours. Merci.',
  name: 'Camille Martin',
  email: `bench-${ID}@example.org`,
};
const BREAKDOWN_SUBMISSIONS = 40;
const BIN = path.join(REPO_ROOT, 'bin', 'guichet.js');
const QUERY_LOG = path.join(BENCH_DIR, 'servers', 'query-log.mjs');

/** An urlencoded body whose `[<id>]` survives encoding (autocannon replaces it per request). */
function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString().replaceAll(encodeURIComponent(ID), ID);
}

interface Served {
  baseUrl: string;
  child: ChildHandle;
}

async function serve(name: string, args: string[], env: NodeJS.ProcessEnv, readyPath: string): Promise<Served> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = startNode(name, args, {
    cwd: REPO_ROOT,
    env: { ...env, PORT: String(port), GUICHET_PUBLIC_URL: baseUrl },
  });
  try {
    await waitUntilReady(`${baseUrl}${readyPath}`, child);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { baseUrl, child };
}

interface LoggedQuery {
  at: number;
  ms: number;
  text?: string;
  params: unknown[];
  error?: string;
}

function readLog(file: string): LoggedQuery[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as LoggedQuery);
}

/** The statements of the application (pg-boss's own polling left out), in the order they were sent. */
const appStatements = (qs: LoggedQuery[]) =>
  qs.filter((q) => !/pgboss\./.test(q.text ?? '') || /INSERT INTO pgboss\.job/.test(q.text ?? ''));

async function signIn(baseUrl: string): Promise<string> {
  const page = await fetch(`${baseUrl}${SIGN_IN}`, { signal: AbortSignal.timeout(10_000) });
  const html = await page.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('sign-in page: no _csrf field');
  const jar = page.headers.getSetCookie().map((c) => c.split(';')[0]);
  const answer = await fetch(`${baseUrl}${SIGN_IN}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.join('; ') },
    body: new URLSearchParams({ ...CITIZEN, _csrf: token }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  if (answer.status !== 303 || !answer.headers.get('location')?.endsWith('/compte'))
    throw new Error(`sign-in answered ${answer.status} → ${answer.headers.get('location')}`);
  return [...jar, ...answer.headers.getSetCookie().map((c) => c.split(';')[0])].join('; ');
}

interface Capture {
  script: Script;
  cookie: string;
  breakdown: Breakdown;
}

interface Breakdown {
  submissions: number;
  /** Client-side latency of one submission, sequential (one at a time), mean. */
  httpMs: number;
  statements: number;
  sqlMs: number;
  rateLimitUpsertMs: number;
  auditLockMs: number;
  /** From the audit lock to the end of COMMIT: the part of every submission that is serialized per commune. */
  auditLockHeldMs: number;
  classifierSqlMs: number;
  receiptCapUpsertMs: number;
  counterMs: number;
  commitMs: number;
  /** The statements that took longest, mean ms per submission (text shortened). */
  slowest: { statement: string; ms: number }[];
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

function slowestStatements(perSubmission: LoggedQuery[][]): { statement: string; ms: number }[] {
  const total = new Map<string, number>();
  for (const qs of perSubmission)
    for (const q of qs) {
      const key = (q.text ?? '').replace(/\s+/g, ' ').trim().slice(0, 70);
      total.set(key, (total.get(key) ?? 0) + q.ms);
    }
  return [...total]
    .map(([statement, ms]) => ({ statement, ms: ms / Math.max(1, perSubmission.length) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 6);
}

/**
 * Starts Guichet once with the query log, warms it, captures the SQL and HTML of the two pages,
 * then times N sequential submissions statement by statement.
 */
async function capture(engine: string, env: NodeJS.ProcessEnv, dir: string): Promise<Capture> {
  const logFile = path.join(dir, `queries-${engine}.jsonl`);
  const server = await serve(
    `guichet serve (${engine}, query log)`,
    ['--import', QUERY_LOG, BIN, 'serve'],
    { ...env, GUICHET_BENCH_QUERY_LOG: logFile },
    '/readyz',
  );
  try {
    const cookie = await signIn(server.baseUrl);
    const pages: Script['pages'] = [];
    let communeId = '';
    for (const [urlPath, headers] of [
      [HOME, {}],
      [ACCOUNT, { cookie }],
    ] as const) {
      for (let i = 0; i < 3; i++) await (await fetch(`${server.baseUrl}${urlPath}`, { headers })).text();
      const before = readLog(logFile).length;
      const answer = await fetch(`${server.baseUrl}${urlPath}`, { headers });
      const html = await answer.text();
      if (answer.status !== 200) throw new Error(`${urlPath} answered ${answer.status}`);
      const statements = appStatements(readLog(logFile).slice(before)).map((q) => ({
        text: q.text ?? '',
        params: q.params,
      }));
      const tenant = statements.find((s) => s.text.includes("set_config('app.commune_id'"));
      if (tenant) communeId = String(tenant.params[0]);
      pages.push({ path: urlPath, html, statements });
    }
    if (!communeId) throw new Error('no tenant transaction seen: cannot tell the commune id');

    // Submissions, one at a time, each to its own address.
    const prepared = await prepareFormSubmission(`${server.baseUrl}${CONTACT}`, CONTACT_FIELDS);
    const body = formBody(Object.fromEntries(new URLSearchParams(prepared.body)));
    const perSubmission: LoggedQuery[][] = [];
    const http: number[] = [];
    let serviceSlug = 'services-techniques';
    for (let i = 0; i < BREAKDOWN_SUBMISSIONS + 3; i++) {
      const before = readLog(logFile).length;
      const started = performance.now();
      const answer = await fetch(`${server.baseUrl}${CONTACT}`, {
        method: 'POST',
        redirect: 'manual',
        headers: prepared.headers,
        body: body.replaceAll(ID, `seq-${i}-${randomBytes(4).toString('hex')}`),
      });
      await answer.text();
      const ms = performance.now() - started;
      if (answer.status !== 303) throw new Error(`submission answered ${answer.status}`);
      if (i < 3) continue; // warm-up (the classifier trains on the first one)
      http.push(ms);
      const qs = appStatements(readLog(logFile).slice(before));
      perSubmission.push(qs);
      const insert = qs.find((q) => /^insert into "citizen_request"/.test(q.text ?? ''));
      const event = qs.find((q) => /^insert into "request_event"/.test(q.text ?? ''));
      const slug = /"serviceSlug":"([^"]+)"/.exec(String(event?.params[8] ?? ''))?.[1];
      if (insert && slug) serviceSlug = slug;
    }
    const sum = (qs: LoggedQuery[], match: RegExp) =>
      qs.filter((q) => match.test(q.text ?? '')).reduce((a, q) => a + q.ms, 0);
    const held = perSubmission.map((qs) => {
      const lock = qs.find((q) => /pg_advisory_xact_lock/.test(q.text ?? ''));
      const commit = qs.findLast((q) => q.text === 'COMMIT');
      return lock && commit ? commit.at + commit.ms - lock.at : 0;
    });
    const breakdown: Breakdown = {
      submissions: perSubmission.length,
      httpMs: mean(http),
      statements: mean(perSubmission.map((qs) => qs.length)),
      sqlMs: mean(perSubmission.map((qs) => qs.reduce((a, q) => a + q.ms, 0))),
      rateLimitUpsertMs: mean(perSubmission.map((qs) => sum(qs, /make_interval\(secs/))),
      auditLockMs: mean(perSubmission.map((qs) => sum(qs, /pg_advisory_xact_lock/))),
      auditLockHeldMs: mean(held),
      classifierSqlMs: mean(perSubmission.map((qs) => sum(qs, /routing_example/))),
      receiptCapUpsertMs: mean(perSubmission.map((qs) => sum(qs, /interval '1 hour'/))),
      counterMs: mean(perSubmission.map((qs) => sum(qs, /commune_counter/))),
      commitMs: mean(perSubmission.map((qs) => qs.findLast((q) => q.text === 'COMMIT')?.ms ?? 0)),
      slowest: slowestStatements(perSubmission),
    };
    return { script: { communeId, serviceSlug, pages }, cookie, breakdown };
  } finally {
    await server.child.stop();
  }
}

/** In-process timings of the PDF receipt and the classifier, from dist/ (after the renovation's layout). */
async function inProcessTimings(): Promise<{ pdfMs?: number; classifyMs?: number; note?: string }> {
  const dist = (p: string) => pathToFileURL(path.join(REPO_ROOT, 'dist', p)).href;
  const out: { pdfMs?: number; classifyMs?: number; note?: string } = {};
  const notes: string[] = [];
  try {
    const { renderReceiptPdf } = (await import(dist('modules/requests/receipt-pdf.js'))) as {
      renderReceiptPdf(input: unknown): Promise<Buffer>;
    };
    const input = {
      commune: { name: 'Villebelle', address: '1 place de la Mairie, 00000 Villebelle', email: null, phone: null },
      number: '2026-000001',
      submittedAt: new Date(),
      procedureTitle: 'Demande de contact',
      serviceName: 'Services techniques',
      requester: { name: CONTACT_FIELDS.name, email: 'camille@example.org' },
      summary: [
        { label: 'Objet', value: CONTACT_FIELDS.subject },
        { label: 'Message', value: CONTACT_FIELDS.message },
      ],
      silence: null,
      dueAt: new Date(),
    };
    for (let i = 0; i < 20; i++) await renderReceiptPdf(input);
    const n = 200;
    const t = performance.now();
    for (let i = 0; i < n; i++) await renderReceiptPdf(input);
    out.pdfMs = (performance.now() - t) / n;
  } catch (error) {
    notes.push(`PDF timing skipped: ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    const classifier = (await import(dist('platform/classifier/index.js'))) as {
      train(examples: Iterable<{ text: string; serviceSlug: string }>): unknown;
      routeRequest(model: unknown, text: string, options: { threshold: number; fallback: string }): unknown;
    };
    const data = (await import(dist('modules/demo/training-data.js'))) as Record<string, unknown>;
    const examples = Object.values(data).find(
      (v): v is { text: string; serviceSlug: string }[] =>
        Array.isArray(v) && typeof (v[0] as { text?: unknown } | undefined)?.text === 'string',
    );
    if (!examples) throw new Error('no training set in dist/modules/demo/training-data.js');
    const model = classifier.train(examples);
    const options = { threshold: 0.6, fallback: 'accueil' };
    for (let i = 0; i < 200; i++) classifier.routeRequest(model, CONTACT_FIELDS.message, options);
    const n = 5000;
    const t = performance.now();
    for (let i = 0; i < n; i++) classifier.routeRequest(model, CONTACT_FIELDS.message, options);
    out.classifyMs = (performance.now() - t) / n;
  } catch (error) {
    notes.push(`classifier timing skipped: ${(error as Error).message.split('\n')[0]}`);
  }
  if (notes.length > 0) out.note = notes.join('; ');
  return out;
}

interface Row {
  engine: string;
  target: string;
  guichet?: LoadResult;
  baselines: LoadResult[];
}

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  assertBuilt();
  const settings: LoadSettings = { connections: CONNECTIONS, seconds: ctx.seconds, warmupSeconds: WARMUP_SECONDS };
  const adminUrl = process.env.BENCH_DATABASE_URL || DEFAULT_ADMIN_URL;
  const only = (process.env.BENCH_ENGINES ?? 'pglite,postgresql').split(',');
  const rows: Row[] = [];
  const breakdowns: Record<string, Breakdown> = {};
  const notes: string[] = [];
  let ok = true;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-bench-layers-'));
  registerCleanup(`remove ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
  ctx.print(
    `autocannon: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${ctx.seconds} s per target; rounds: layers baseline, Guichet, layers baseline`,
  );

  for (const engine of ['pglite', 'postgresql'] as const) {
    if (!only.includes(engine)) continue;
    let env: NodeJS.ProcessEnv;
    let baselineEnv: Record<string, string>;
    let drop: (() => Promise<void>) | undefined;
    const dataDir = path.join(dir, `data-${engine}`);
    try {
      if (engine === 'pglite') {
        env = guichetEnv({ GUICHET_DATA_DIR: dataDir });
        baselineEnv = { LAYERS_ENGINE: 'pglite', LAYERS_PGLITE_DIR: path.join(dataDir, 'pglite') };
      } else {
        let database: Awaited<ReturnType<typeof createBenchDatabase>>;
        try {
          database = await createBenchDatabase(adminUrl);
        } catch (error) {
          if (!(error instanceof PostgresUnavailableError)) throw error;
          notes.push(`PostgreSQL part skipped: ${error.message}`);
          continue;
        }
        drop = () => database.drop();
        env = guichetEnv({
          DATABASE_URL: database.appUrl,
          GUICHET_MIGRATION_DATABASE_URL: database.ownerUrl,
          GUICHET_DB_APP_ROLE: APP_ROLE,
          GUICHET_SECRET: randomBytes(36).toString('base64url'),
          GUICHET_DATA_DIR: dataDir,
        });
        ctx.print(`postgresql: database ${database.name} on ${redactUrl(adminUrl)}: guichet migrate, guichet demo`);
        await guichetCommand(['migrate'], env);
        await guichetCommand(['demo'], env);
        baselineEnv = { LAYERS_ENGINE: 'postgres', LAYERS_DATABASE_URL: database.appUrl };
      }
      ctx.print(`${engine}: capturing the pages' SQL and HTML, timing ${BREAKDOWN_SUBMISSIONS} sequential submissions`);
      const captured = await capture(engine, env, dir);
      breakdowns[engine] = captured.breakdown;
      const scriptFile = path.join(dir, `script-${engine}.json`);
      fs.writeFileSync(scriptFile, JSON.stringify(captured.script));
      for (const p of captured.script.pages)
        ctx.print(`  ${p.path}: ${p.statements.length} statements, ${p.html.length} characters of HTML`);
      const layersEnv = {
        ...env,
        ...baselineEnv,
        LAYERS_REPO_ROOT: REPO_ROOT,
        LAYERS_APP_ROLE: engine === 'pglite' ? 'guichet_app' : APP_ROLE,
        LAYERS_SCRIPT: scriptFile,
      };
      const engineRows: Row[] = [HOME, ACCOUNT, CONTACT].map((target) => ({ engine, target, baselines: [] }));
      rows.push(...engineRows);

      const measureAll = async (baseUrl: string, kind: 'baseline' | 'guichet', cookie: string) => {
        for (const row of engineRows) {
          let spec: RequestSpec | undefined;
          let url = `${baseUrl}${row.target}`;
          if (row.target === CONTACT) {
            if (kind === 'guichet') {
              const prepared = await prepareFormSubmission(url, CONTACT_FIELDS);
              spec = {
                ...prepared,
                body: formBody(Object.fromEntries(new URLSearchParams(prepared.body))),
                uniqueIds: true,
              };
            } else {
              url = `${baseUrl}/submit`;
              spec = {
                method: 'POST',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: formBody(CONTACT_FIELDS),
                uniqueIds: true,
              };
            }
            await expectSubmission(
              url,
              { ...spec, body: spec.body?.replaceAll(ID, 'check') },
              {
                status: 303,
                location: '/demande-envoyee',
              },
            );
          } else {
            if (row.target === ACCOUNT) spec = { method: 'GET', headers: { cookie } };
            else await expectAnswer(url, { status: 200, contains: 'Villebelle' });
          }
          const result = await measureHttp(url, settings, spec);
          const expected = row.target === CONTACT ? '303' : '200';
          const unexpected = result.responses - (result.statusCodes[expected] ?? 0);
          ctx.print(
            `    ${kind} ${row.target}: ${formatNumber(result.requestsPerSec)} req/s, p50 ${result.latencyP50Ms} ms, p99 ${result.latencyP99Ms} ms${unexpected > 0 ? `, ${unexpected} not ${expected}` : ''}`,
          );
          if (unexpected > 0)
            notes.push(`${engine} ${kind} ${row.target}: ${unexpected} answers other than ${expected}`);
          if (kind === 'guichet') row.guichet = result;
          else row.baselines.push(result);
        }
      };
      const baselineRound = async () => {
        const s = await serve(
          `layers baseline (${engine})`,
          ['--import', 'tsx', path.join(BENCH_DIR, 'servers', 'layers-baseline.ts')],
          layersEnv,
          HOME,
        );
        try {
          ctx.print(`  layers baseline (${engine})`);
          await measureAll(s.baseUrl, 'baseline', captured.cookie);
        } finally {
          await s.child.stop();
        }
      };
      await baselineRound();
      const g = await serve(`guichet serve (${engine})`, [BIN, 'serve'], env, '/readyz');
      try {
        ctx.print(`  guichet (${engine})`);
        await measureAll(g.baseUrl, 'guichet', captured.cookie);
      } finally {
        await g.child.stop();
      }
      await baselineRound();
    } catch (error) {
      ok = false;
      ctx.print(`  FAILED ${engine}: ${(error as Error).stack ?? error}`);
    } finally {
      await drop?.().catch((error: unknown) => notes.push(`could not drop the database: ${(error as Error).message}`));
    }
  }

  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 ? 'n/a' : (a / b).toFixed(2);
  const table = rows.map((r) => {
    const base = mean(r.baselines.map((b) => b.requestsPerSec));
    const baseP50 = mean(r.baselines.map((b) => b.latencyP50Ms));
    const baseP99 = mean(r.baselines.map((b) => b.latencyP99Ms));
    const g = r.guichet;
    return [
      r.engine,
      r.target === CONTACT ? `POST ${r.target}` : `GET ${r.target}`,
      formatNumber(base),
      `${formatNumber(baseP50, 0)}/${formatNumber(baseP99, 0)}`,
      g ? formatNumber(g.requestsPerSec) : 'FAILED',
      g ? `${g.latencyP50Ms}/${g.latencyP99Ms}` : '',
      ratio(g?.requestsPerSec, base),
      r.baselines.map((b) => ratio(g?.requestsPerSec, b.requestsPerSec)).join('–'),
      ratio(g?.latencyP99Ms, g?.latencyP50Ms),
      ratio(baseP99, baseP50),
    ];
  });
  ctx.print();
  ctx.print(
    renderTable(
      [
        'engine',
        'target',
        'baseline req/s',
        'p50/p99 ms',
        'guichet req/s',
        'p50/p99 ms',
        'guichet ÷ baseline',
        '(each run)',
        'guichet p99÷p50',
        'baseline p99÷p50',
      ],
      table,
      ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  ctx.print('targets: guichet ÷ baseline ≥ 0.6; p99 ÷ p50 < 5.');

  const timings = await inProcessTimings();
  if (Object.keys(breakdowns).length > 0) {
    ctx.print();
    ctx.print(
      `Submission breakdown (${BREAKDOWN_SUBMISSIONS} sequential submissions each, statements timed by node-postgres in the server; ms, share of the submission's HTTP time):`,
    );
    const share = (ms: number | undefined, total: number) =>
      ms === undefined ? 'n/a' : `${ms.toFixed(2)} (${((ms / total) * 100).toFixed(1)} %)`;
    const parts: [string, (b: Breakdown) => number | undefined][] = [
      ['one submission, HTTP (client side)', (b) => b.httpMs],
      ['all SQL statements (sum)', (b) => b.sqlMs],
      ['rate-limit upsert (before the transaction)', (b) => b.rateLimitUpsertMs],
      ['per-commune audit lock: acquiring it', (b) => b.auditLockMs],
      ['per-commune audit lock: held (lock → end of COMMIT)', (b) => b.auditLockHeldMs],
      ['classifier: its SQL (routing_example stamp)', (b) => b.classifierSqlMs],
      ['classifier: prediction (in process)', () => timings.classifyMs],
      ['PDF receipt (in process, pdf-lib)', () => timings.pdfMs],
      ['request number (commune_counter upsert)', (b) => b.counterMs],
      ['receipt cap upsert (per address)', (b) => b.receiptCapUpsertMs],
      ['COMMIT of the submission', (b) => b.commitMs],
    ];
    const engines = Object.keys(breakdowns);
    ctx.print(
      renderTable(
        ['part', ...engines],
        [
          ...parts.map(([label, get]) => [
            label,
            ...engines.map((e) => share(get(breakdowns[e]!), breakdowns[e]!.httpMs)),
          ]),
          ['statements per submission', ...engines.map((e) => breakdowns[e]!.statements.toFixed(0))],
        ],
        ['left', ...engines.map(() => 'right' as const)],
      ),
    );
    for (const e of engines) {
      ctx.print(`${e}: slowest statements of a submission (mean ms per submission):`);
      for (const q of breakdowns[e]!.slowest) ctx.print(`  ${q.ms.toFixed(2).padStart(7)}  ${q.statement}`);
    }
    if (timings.note) ctx.print(timings.note);
    ctx.print('The query log adds a synchronous file write per statement: the breakdown is slower than under no log.');
  }
  for (const note of notes) ctx.print(note);
  const file = ctx.writeResults('layers', {
    benchmark: 'layers',
    machine: ctx.machine,
    settings,
    rows,
    breakdowns,
    timings,
    notes,
  });
  ctx.print(`results: ${path.relative(REPO_ROOT, file)}`);
  return { ok };
}

const benchmark: Benchmark = {
  name: 'layers',
  title: 'What the layers cost: Guichet vs bare Fastify doing the same SQL (home, citizen home, submission)',
  run,
};
export default benchmark;
