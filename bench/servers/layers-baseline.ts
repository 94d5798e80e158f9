/**
 * "Layers" baseline for bench/layers.bench.ts: a bare Fastify server (no plugins, no logger) on
 * the database Guichet just used, through Guichet's own database client (dist/platform/db/client.js:
 * PGlite behind its in-process node-postgres adapter, one connection; or a node-postgres pool of 10
 * on PostgreSQL), without any of Guichet's layers (sessions, CSRF, rendering, policies, drizzle).
 * - GET <page>: runs the SQL statements Guichet ran for that page (captured once, replayed with the
 *   same parameters, in one transaction like Guichet's), then sends the HTML Guichet served, as a
 *   fixed string.
 * - POST /submit: the submission's work written by hand in one transaction on Guichet's tables:
 *   rate-limit upsert, per-commune number, request row and its event, receipt PDF (pdf-lib), stored
 *   file, receipt-cap upsert, mail outbox row and its pg-boss job, audit row under the per-commune
 *   advisory lock (hash-chained) — no classifier (a fixed service), no templates, no validation
 *   beyond the fields being present.
 * Run with `node --import tsx`; configured by environment (see `Script` and the reads below).
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type pg from 'pg';

/** What the bench captured from Guichet, written as JSON to $LAYERS_SCRIPT. */
export interface Script {
  communeId: string;
  /** The service every baseline submission goes to (the classifier's choice for the bench message). */
  serviceSlug: string;
  pages: { path: string; html: string; statements: { text: string; params: unknown[] }[] }[];
}

interface DatabaseLike {
  pool: pg.Pool;
  close(): Promise<void>;
}
interface ClientModule {
  openPglite(dataDir: string | undefined, appRole: string): Promise<DatabaseLike>;
  openPostgres(url: string, appRole: string, max?: number): DatabaseLike;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`layers-baseline: ${name} must be set\n`);
    process.exit(2);
  }
  return value;
}

const port = Number(env('PORT'));
const repoRoot = env('LAYERS_REPO_ROOT');
const appRole = env('LAYERS_APP_ROLE');
const script = JSON.parse(fs.readFileSync(env('LAYERS_SCRIPT'), 'utf8')) as Script;
const client = (await import(
  pathToFileURL(path.join(repoRoot, 'dist', 'platform', 'db', 'client.js')).href
)) as ClientModule;
const database =
  process.env.LAYERS_ENGINE === 'pglite'
    ? await client.openPglite(env('LAYERS_PGLITE_DIR'), appRole)
    : client.openPostgres(env('LAYERS_DATABASE_URL'), appRole);
// Like Guichet on PGlite: the single session switches to the application role for good.
if (process.env.LAYERS_ENGINE === 'pglite') await database.pool.query(`SET ROLE ${appRole}`);

/** Parameters as captured by servers/query-log.mjs: Buffers and Dates were tagged. */
function decode(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const tagged = value as { $bytea?: string; $date?: string };
    if (typeof tagged.$bytea === 'string') return Buffer.from(tagged.$bytea, 'base64');
    if (typeof tagged.$date === 'string') return new Date(tagged.$date);
  }
  return value;
}

async function inTransaction<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await database.pool.connect();
  try {
    await c.query('BEGIN');
    const result = await work(c);
    await c.query('COMMIT');
    return result;
  } catch (error) {
    await c.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    c.release();
  }
}

const serviceId = await inTransaction(async (c) => {
  await c.query("SELECT set_config('app.commune_id', $1, true)", [script.communeId]);
  const { rows } = await c.query<{ id: string }>('SELECT id FROM service WHERE commune_id = $1 AND slug = $2', [
    script.communeId,
    script.serviceSlug,
  ]);
  if (!rows[0]) throw new Error(`no service ${script.serviceSlug}`);
  return rows[0].id;
});

const app = Fastify({ logger: false });
app.setErrorHandler((error, _request, reply) => {
  process.stderr.write(`layers-baseline: ${(error as Error).stack ?? String(error)}\n`);
  return reply.code(500).send('erreur');
});
for (const page of script.pages) {
  const statements = page.statements.map((s) => ({ text: s.text, params: s.params.map(decode) }));
  // Transaction control statements are replayed as they came (BEGIN … COMMIT on one client).
  app.get(page.path, async (_request, reply) => {
    const c = await database.pool.connect();
    try {
      for (const s of statements) await c.query(s.text, s.params);
    } finally {
      c.release();
    }
    return reply.type('text/html; charset=utf-8').send(page.html);
  });
}

app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
  done(null, Object.fromEntries(new URLSearchParams(String(body)))),
);

const RATE_LIMIT_UPSERT = `
  INSERT INTO rate_limit AS r (key, hits, reset_at)
  VALUES ($1, 1, now() + make_interval(secs => $2::double precision / 1000))
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.hits + 1 END,
    reset_at = CASE WHEN r.reset_at <= now() THEN EXCLUDED.reset_at ELSE r.reset_at END
  RETURNING hits`;

async function receiptPdf(number: string, name: string, email: string, subject: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage([595.28, 841.89]);
  page.drawText('Accuse de reception', { x: 56, y: 780, size: 18, font: bold });
  const lines = [
    `Commune : Villebelle`,
    `Demande n° ${number}`,
    `Deposee le ${new Date().toISOString()}`,
    `Objet : ${subject}`,
    `Demandeur : ${name} <${email}>`,
    'Service : Services techniques',
  ];
  lines.forEach((line, i) => {
    page.drawText(line.replace(/[^\x20-\x7e°]/g, '?'), { x: 56, y: 740 - i * 18, size: 11, font });
  });
  return Buffer.from(await doc.save());
}

app.post('/submit', async (request, reply) => {
  const f = (request.body ?? {}) as Record<string, string | undefined>;
  const { subject, message, name, email } = f;
  if (!subject || !message || !name || !email) return reply.code(400).send('champs manquants');
  const communeId = script.communeId;
  await database.pool.query(RATE_LIMIT_UPSERT, [`http:${request.ip}`, 60_000]);
  await inTransaction(async (c) => {
    await c.query("SELECT set_config('app.commune_id', $1, true)", [communeId]);
    const year = new Date().getFullYear();
    const counter = await c.query<{ value: number }>(
      `INSERT INTO commune_counter (commune_id, kind, year, value) VALUES ($1, 'demande', $2, 1)
       ON CONFLICT (commune_id, kind, year) DO UPDATE SET value = commune_counter.value + 1 RETURNING value`,
      [communeId, year],
    );
    const number = `${year}-${String(counter.rows[0]!.value).padStart(6, '0')}`;
    const requestId = randomUUID();
    const now = new Date();
    await c.query(
      `INSERT INTO citizen_request (id, commune_id, number, service_id, requester_name, requester_email, subject,
         answers, status, channel, routed_by, due_at, submitted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'nouvelle', 'portail', 'classifier', $9, $10)`,
      [
        requestId,
        communeId,
        number,
        serviceId,
        name,
        email,
        subject,
        JSON.stringify({ message }),
        new Date(now.getTime() + 15 * 86_400_000),
        now,
      ],
    );
    await c.query(
      `INSERT INTO request_event (id, commune_id, request_id, kind, author_role, is_internal, data)
       VALUES ($1, $2, $3, 'submitted', 'citizen', false, $4)`,
      [randomUUID(), communeId, requestId, JSON.stringify({ number, channel: 'portail' })],
    );
    const pdf = await receiptPdf(number, name, email, subject);
    const fileId = randomUUID();
    await c.query(
      `INSERT INTO stored_file (id, commune_id, request_id, name, mime_type, size_bytes, sha256, content, is_internal)
       VALUES ($1, $2, $3, $4, 'application/pdf', $5, $6, $7, false)`,
      [
        fileId,
        communeId,
        requestId,
        `accuse-de-reception-${number}.pdf`,
        pdf.length,
        createHash('sha256').update(pdf).digest('hex'),
        pdf,
      ],
    );
    await c.query(
      'UPDATE citizen_request SET receipt_file_id = $1, updated_at = now() WHERE commune_id = $2 AND id = $3',
      [fileId, communeId, requestId],
    );
    await c.query(
      `INSERT INTO rate_limit AS r (key, hits, reset_at) VALUES ($1, 1, now() + interval '1 hour')
       ON CONFLICT (key) DO UPDATE SET hits = r.hits + 1 RETURNING hits`,
      [`mail:requestReceipt:${createHash('sha256').update(email).digest('hex')}`],
    );
    const outboxId = randomUUID();
    const text = `Bonjour,\n\nLa mairie de Villebelle a bien reçu votre demande. Son numéro est le ${number}.`;
    await c.query(
      `INSERT INTO mail_outbox (id, commune_id, template, to_address, subject, text_body, html_body, status, attempts, attachments)
       VALUES ($1, $2, 'requestReceipt', $3, $4, $5, $6, 'pending', 0, $7)`,
      [
        outboxId,
        communeId,
        email,
        `Demande n° ${number} bien reçue – Villebelle`,
        text,
        `<p>${text.replaceAll('\n', '<br>')}</p>`,
        JSON.stringify([{ fileId }]),
      ],
    );
    await c.query(`INSERT INTO pgboss.job (name, data) VALUES ('mail.send', $1)`, [
      JSON.stringify({ communeId, outboxId }),
    ]);
    await c.query("SELECT pg_advisory_xact_lock(hashtext('audit:' || $1))", [communeId]);
    const last = await c.query<{ seq: string; hash: string }>(
      'SELECT seq, hash FROM audit_entry WHERE commune_id = $1 ORDER BY seq DESC LIMIT 1',
      [communeId],
    );
    const seq = Number(last.rows[0]?.seq ?? 0) + 1;
    const prevHash = last.rows[0]?.hash ?? null;
    const occurredAt = new Date();
    const data = JSON.stringify({ number, service: 'services-techniques', channel: 'portail' });
    const hash = createHash('sha256')
      .update(
        JSON.stringify([communeId, seq, occurredAt.toISOString(), 'request.submitted', requestId, data, prevHash]),
      )
      .digest('hex');
    await c.query(
      `INSERT INTO audit_entry (id, commune_id, seq, occurred_at, actor_type, action, target_type, target_id, data, prev_hash, hash)
       VALUES ($1, $2, $3, $4, 'citizen', 'request.submitted', 'request', $5, $6, $7, $8)`,
      [randomUUID(), communeId, seq, occurredAt, requestId, data, prevHash, hash],
    );
  });
  return reply.redirect('/c/villebelle/demande-envoyee', 303);
});

await app.listen({ port, host: '127.0.0.1' });
const stop = async () => {
  await app.close();
  await database.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
