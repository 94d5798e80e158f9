/**
 * Mail throughput: how fast Guichet drains its outbox (outbox row + pg-boss job + SMTP send +
 * "sent" record + audit entry, exactly as in production) into a local SMTP sink, against raw
 * nodemailer sending the same message to the same sink (a pooled transport, all messages
 * handed over at once: the ceiling of SMTP on this machine). And the time a password-reset mail
 * queued right after a burst of receipts waits before the sink has it.
 *
 * Runs in this process (Guichet's runtime as a worker, on PGlite in memory, then on a throw-away
 * PostgreSQL database when one is reachable). The sink counts messages without parsing them.
 * Bounded: a Guichet drain stops after BENCH_SECONDS × 6 (at least 30 s); what is still queued
 * then is reported, with the time the rest would take at the measured rate.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/config/config.js';
import { createCommune } from '../src/modules/communes/service.js';
import { IDENTITY_MAILS } from '../src/modules/identity/mail-templates.js';
import { REQUEST_MAILS } from '../src/modules/requests/mail-templates.js';
import { assumeAppRole, type Database, openPglite, openPostgres } from '../src/platform/db/client.js';
import { migrate } from '../src/platform/db/migrate.js';
import { withTenant } from '../src/platform/db/tenant.js';
import { queueMail } from '../src/platform/mail/outbox.js';
import { renderMail } from '../src/platform/mail/templates.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { registerCleanup } from './lib/cleanup.js';
import {
  APP_ROLE,
  type BenchDatabase,
  createBenchDatabase,
  DEFAULT_ADMIN_URL,
  PostgresUnavailableError,
} from './lib/postgres.js';
import { formatNumber, formatRatio, renderTable } from './lib/table.js';
import type { BenchContext, Benchmark, BenchOutcome } from './lib/types.js';

const BURST = 1_000;
const BASELINE_MAILS = 1_000;
const BASELINE_CONNECTIONS = 5;
const RESET_TO = 'reinitialisation@bench.example';
const COMMUNE = 'Benchville';
const FROM = 'guichet@bench.example';

const receiptVariables = (n: number) => ({
  communeName: COMMUNE,
  text: {
    subject: `Demande n° 2026-${String(n).padStart(5, '0')} bien reçue – ${COMMUNE}`,
    paragraphs: [
      'Bonjour,',
      `La mairie de ${COMMUNE} a bien reçu votre demande « Signaler un problème sur la voie publique » le 1 décembre 2026 à 20:00. Son numéro est le 2026-${String(n).padStart(5, '0')} : rappelez-le dans vos échanges avec la mairie.`,
    ],
  },
});

/** A local SMTP server that accepts everything and notes when each recipient's message arrived. */
async function startSink() {
  let count = 0;
  const arrivals = new Map<string, number>();
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        count += 1;
        const now = performance.now();
        for (const rcpt of session.envelope.rcptTo) arrivals.set(rcpt.address, now);
        for (const wake of waiters.splice(0)) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    get count() {
      return count;
    },
    arrivals,
    /** Resolves when `done()` holds or at `deadline` (performance.now() milliseconds). */
    async until(done: () => boolean, deadline: number): Promise<boolean> {
      while (!done()) {
        const left = deadline - performance.now();
        if (left <= 0) return false;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 250));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
type Sink = Awaited<ReturnType<typeof startSink>>;

/** Raw nodemailer: the same rendered receipt, BASELINE_MAILS times, through a pooled transport. */
async function rawNodemailer(sink: Sink): Promise<number> {
  const transporter = nodemailer.createTransport({
    url: sink.url,
    pool: true,
    maxConnections: BASELINE_CONNECTIONS,
  } as SMTPPool.Options);
  try {
    const rendered = renderMail(REQUEST_MAILS.requestReceipt, receiptVariables(1));
    const started = performance.now();
    await Promise.all(
      Array.from({ length: BASELINE_MAILS }, (_, i) =>
        transporter.sendMail({
          from: FROM,
          to: `brut-${i}@bench.example`,
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          messageId: `<brut-${i}@bench.example>`,
        }),
      ),
    );
    return BASELINE_MAILS / ((performance.now() - started) / 1000);
  } finally {
    transporter.close();
  }
}

interface DrainResult {
  engine: string;
  drained: number;
  seconds: number;
  mailsPerSecond: number;
  allDelivered: boolean;
  resetWaitSeconds: number | null;
  /** When the reset had not arrived at the bound: how long it had waited by then. */
  resetWaitedAtBound: number;
  /** Receipts still ahead of nothing: what was left when the drain stopped at its bound. */
  leftAtBound: number;
}

async function guichetDrain(
  engine: 'pglite' | 'postgresql',
  sink: Sink,
  database: Database,
  env: Record<string, string>,
  boundSeconds: number,
): Promise<DrainResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-bench-mail-'));
  const config = loadConfig({
    GUICHET_DATA_DIR: dataDir,
    GUICHET_LOG_LEVEL: 'silent',
    GUICHET_SECRET: 'secret-de-banc-d-essai-secret-de-banc-d-essai',
    GUICHET_DB_APP_ROLE: APP_ROLE,
    GUICHET_DEMO: 'false',
    GUICHET_MAIL_FROM: FROM,
    SMTP_URL: sink.url,
    ...env,
  });
  let runtime: Runtime | undefined;
  const stop = async () => {
    const r = runtime;
    runtime = undefined;
    if (r) await r.close().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const unregister = registerCleanup(`stop the ${engine} mail runtime`, stop);
  try {
    runtime = await createRuntime(config, database, pino({ level: 'silent' }), 'worker');
    const commune = await createCommune(
      database,
      { slug: 'benchville', name: COMMUNE, email: 'mairie@benchville.example' },
      { type: 'system' },
    );
    const queue = runtime.queue;
    const before = sink.count;
    const started = performance.now();
    // The burst: receipts to distinct addresses, committed 100 per transaction (as a busy
    // afternoon of submissions would, only faster), then one reset mail.
    for (let first = 0; first < BURST; first += 100) {
      await withTenant(database, commune.id, async (tx) => {
        for (let i = first; i < Math.min(BURST, first + 100); i++) {
          await queueMail(tx, queue, {
            to: `usager-${i}@bench.example`,
            template: REQUEST_MAILS.requestReceipt,
            variables: receiptVariables(i),
          });
        }
      });
    }
    await withTenant(database, commune.id, (tx) =>
      queueMail(tx, queue, {
        to: RESET_TO,
        template: IDENTITY_MAILS.passwordReset,
        variables: { communeName: COMMUNE, link: 'https://bench.example/reinitialiser/abc', validMinutes: 30 },
      }),
    );
    const resetQueuedAt = performance.now();
    const deadline = started + boundSeconds * 1000;
    const allDelivered = await sink.until(() => sink.count - before >= BURST + 1, deadline);
    const ended = performance.now();
    const drained = sink.count - before;
    const resetAt = sink.arrivals.get(RESET_TO);
    const seconds = (ended - started) / 1000;
    return {
      engine,
      drained,
      seconds,
      mailsPerSecond: drained / seconds,
      allDelivered,
      resetWaitSeconds: resetAt === undefined ? null : (resetAt - resetQueuedAt) / 1000,
      resetWaitedAtBound: (ended - resetQueuedAt) / 1000,
      leftAtBound: BURST + 1 - drained,
    };
  } finally {
    unregister();
    await stop();
  }
}

async function openBenchPglite(): Promise<Database> {
  const database = await openPglite(undefined, APP_ROLE);
  await migrate(database.pool, APP_ROLE);
  await assumeAppRole(database);
  return database;
}

async function openBenchPostgres(bench: BenchDatabase): Promise<Database> {
  const owner = openPostgres(bench.ownerUrl, APP_ROLE, 1);
  await migrate(owner.pool, APP_ROLE);
  await owner.close();
  return openPostgres(bench.appUrl, APP_ROLE);
}

const benchmark: Benchmark = {
  name: 'mail',
  title: 'Mail outbox drained into a local SMTP sink vs raw nodemailer, and a reset mail behind 1,000 receipts',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const boundSeconds = Math.max(30, ctx.seconds * 6);
    const sink = await startSink();
    const unregisterSink = registerCleanup('close the SMTP sink', () => sink.close());
    const results: DrainResult[] = [];
    const baselines: number[] = [];
    const notes: string[] = [];
    let ok = true;
    try {
      baselines.push(await rawNodemailer(sink));

      const pglite = await openBenchPglite();
      try {
        results.push(await guichetDrain('pglite', sink, pglite, {}, boundSeconds));
      } finally {
        await Promise.resolve()
          .then(() => pglite.close())
          .catch(() => {});
      }
      baselines.push(await rawNodemailer(sink));

      const adminUrl = process.env.BENCH_DATABASE_URL || DEFAULT_ADMIN_URL;
      let bench: BenchDatabase | undefined;
      try {
        bench = await createBenchDatabase(adminUrl);
      } catch (error) {
        if (!(error instanceof PostgresUnavailableError)) throw error;
        notes.push(`PostgreSQL skipped: ${error.message}`);
      }
      if (bench) {
        try {
          const database = await openBenchPostgres(bench);
          try {
            results.push(
              await guichetDrain('postgresql', sink, database, { DATABASE_URL: bench.appUrl }, boundSeconds),
            );
          } finally {
            await Promise.resolve()
              .then(() => database.close())
              .catch(() => {});
          }
        } catch (error) {
          ok = false;
          notes.push(`PostgreSQL part FAILED: ${(error as Error).message}`);
        } finally {
          await bench.drop();
        }
        baselines.push(await rawNodemailer(sink));
      }
    } finally {
      unregisterSink();
      await sink.close();
    }

    const baseline = baselines.reduce((a, b) => a + b, 0) / baselines.length;
    const rows: string[][] = [
      [
        `raw nodemailer (pool of ${BASELINE_CONNECTIONS}, ${BASELINE_MAILS} mails)`,
        formatNumber(baseline),
        'baseline',
        '',
        '',
      ],
      ...results.map((r) => [
        `Guichet outbox+queue, ${r.engine} (${BURST} receipts + 1 reset)`,
        formatNumber(r.mailsPerSecond),
        formatRatio(r.mailsPerSecond, baseline),
        r.allDelivered ? `all in ${r.seconds.toFixed(1)} s` : `${r.drained} in ${r.seconds.toFixed(1)} s (bound)`,
        r.resetWaitSeconds !== null
          ? `${r.resetWaitSeconds.toFixed(2)} s`
          : `> ${r.resetWaitedAtBound.toFixed(0)} s (≈ ${formatNumber(r.resetWaitedAtBound + r.leftAtBound / Math.max(r.mailsPerSecond, 0.001), 0)} s if last in line, at this rate)`,
      ]),
    ];
    ctx.print(
      renderTable(['target', 'mails/s', 'vs baseline', 'drained', 'reset mail waited'], rows, [
        'left',
        'right',
        'right',
        'left',
        'left',
      ]),
    );
    ctx.print(
      `Baseline runs: ${baselines.map((b) => formatNumber(b)).join(', ')} mails/s (mean used). The sink counts messages without parsing them; receipts carry no PDF here.`,
    );
    for (const note of notes) ctx.print(note);
    ctx.writeResults('mail', { machine: ctx.machine, boundSeconds, baselines, baseline, results, notes });
    return { ok };
  },
};
export default benchmark;
