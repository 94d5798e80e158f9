/**
 * The courrier (issue 14). Two measures on a throw-away PostgreSQL database (BENCH_DATABASE_URL,
 * default postgres@127.0.0.1), each against a baseline measured in the same run:
 * 1. Register search over 50 000 mails (5 000 senders, 4 services, 2 % confidential, subjects and
 *    e-mail bodies from a French vocabulary): Guichet's `listRegister` for an agent of one service
 *    (visibility rule: registrar, assignee, named people, services asked for an avis; words in
 *    the chrono, subject, sender, OCR text and e-mail text) against the plain SQL that returns the
 *    same rows when nobody is named and no avis is asked (service = the agent's, not confidential,
 *    the same ILIKEs). Both must return the same rows.
 * 2. E-mail intake: `registerEmail` (parse, contact by address, chrono, mail, raw message in the
 *    blob store, history, classifier proposal, journal — one transaction) against parsing the same
 *    messages with mailparser alone.
 */
import { randomUUID } from 'node:crypto';
import { simpleParser } from 'mailparser';
import pg from 'pg';
import { listRegister } from '../src/modules/courrier/repo.js';
import { registerEmail } from '../src/modules/courrier/use-cases/intake-email.js';
import type { AppContext } from '../src/platform/context.js';
import { openPostgres } from '../src/platform/db/client.js';
import { migrate } from '../src/platform/db/migrate.js';
import { withTenant } from '../src/platform/db/tenant.js';
import { APP_ROLE, benchDatabaseOrSkip } from './lib/postgres.js';
import { formatNumber, formatRatio, renderTable } from './lib/table.js';
import { percentile, timed } from './lib/timing.js';
import type { BenchContext, Benchmark, BenchOutcome } from './lib/types.js';

const MAILS = 50_000;
const CONTACTS = 5_000;
const LIMIT = 200;
const QUERIES = ['permis', 'cantine inscription', 'voirie', 'Dupont', '2025-A0049'];

const BASELINE_SQL = (words: number) => `
  SELECT m.id FROM courrier_mail m JOIN courrier_contact c ON c.commune_id = m.commune_id AND c.id = m.contact_id
   WHERE m.commune_id = $1 AND m.service_id = $2 AND NOT m.confidential
     ${Array.from(
       { length: words },
       (_, i) => `AND (m.chrono ILIKE $${i + 3} OR m.subject ILIKE $${i + 3} OR c.name ILIKE $${i + 3}
          OR coalesce(m.ocr_text, '') ILIKE $${i + 3} OR coalesce(m.body_text, '') ILIKE $${i + 3})`,
     ).join('\n')}
   ORDER BY m.registered_at DESC, m.id DESC LIMIT ${LIMIT}`;

function email(i: number): Buffer {
  return Buffer.from(
    [
      `From: Habitant ${i % 900} <habitant${i % 900}@exemple.fr>`,
      'To: mairie@banc-d-essai.fr',
      `Subject: Demande d’inscription à la cantine n° ${i}`,
      'Date: Mon, 30 Nov 2026 10:15:00 +0100',
      `Message-ID: <bench-${i}-${randomUUID()}@exemple.fr>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Bonjour,',
      'je souhaite inscrire mes deux enfants à la cantine scolaire à partir de janvier.',
      'Merci de m’indiquer les pièces à fournir et les tarifs selon le quotient familial.',
      'Cordialement,',
      `Habitant ${i % 900}`,
      '',
    ].join('\r\n'),
  );
}

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const bench = await benchDatabaseOrSkip(ctx);
  if (!bench) return { ok: true };
  const owner = new pg.Pool({ connectionString: bench.ownerUrl, max: 2 });
  const database = openPostgres(bench.appUrl, APP_ROLE, 4);
  try {
    await migrate(owner, APP_ROLE);
    const communeId = randomUUID();
    const services = ['accueil', 'urbanisme', 'technique', 'scolaire'].map((slug) => ({ slug, id: randomUUID() }));
    await owner.query(`INSERT INTO commune (id, slug, name) VALUES ($1, 'banc-d-essai', 'Banc-d’Essai')`, [communeId]);
    const seed = await timed(() =>
      withTenant(database, communeId, async (tx) => {
        for (const s of services) {
          await tx.client.query(`INSERT INTO service (id, commune_id, slug, name) VALUES ($1, $2, $3, $3)`, [
            s.id,
            communeId,
            s.slug,
          ]);
        }
        await tx.client.query(
          `INSERT INTO courrier_contact (id, commune_id, kind, name, name_key, email)
           SELECT gen_random_uuid(), $1, 'personne',
                  (ARRAY['Jean Dupont','Marie Martin','Luc Bernard','Sophie Petit','Paul Durand'])[1 + i % 5] || ' ' || i,
                  'contact ' || i, 'contact' || i || '@exemple.fr'
             FROM generate_series(1, $2) AS i`,
          [communeId, CONTACTS],
        );
        const { rows: contacts } = await tx.client.query<{ id: string }>(
          'SELECT id FROM courrier_contact WHERE commune_id = $1 ORDER BY id',
          [communeId],
        );
        await tx.client.query(
          `INSERT INTO courrier_mail (id, commune_id, chrono, arrived_on, registered_at, contact_id, subject, mail_type,
                                      category, priority, confidential, service_id, status, due_on, message_id, body_text)
           SELECT gen_random_uuid(), $1, '2025-A' || lpad(i::text, 6, '0'), date '2026-01-01' + (i % 330),
                  timestamptz '2026-01-01 08:00+01' + make_interval(mins => i * 9),
                  ($3::uuid[])[1 + i % ${CONTACTS}],
                  (ARRAY['Demande de permis de construire','Inscription à la cantine','Réclamation voirie : nid-de-poule',
                         'Invitation à la fête des écoles','Facture de fournitures','Demande d’acte de naissance',
                         'Signalement éclairage public','Demande de salle municipale'])[1 + (i / 4) % 8] || ' n° ' || i,
                  (ARRAY['demande','reclamation','invitation','facture'])[1 + i % 4], 'courriel', 'normale', i % 50 = 0,
                  ($4::uuid[])[1 + i % 4], (ARRAY['a_traiter','en_cours','clos'])[1 + i % 3],
                  date '2026-01-20' + (i % 330), 'seed-' || i || '@exemple.fr',
                  CASE WHEN i % 3 = 0 THEN 'Bonjour, je vous écris au sujet de la voirie et du stationnement rue ' || i END
             FROM generate_series(1, $2) AS i`,
          [communeId, MAILS, contacts.map((c) => c.id), services.map((s) => s.id)],
        );
      }),
    );
    await owner.query('ANALYZE');
    ctx.print(
      `${formatNumber(MAILS, 0)} mails, ${formatNumber(CONTACTS, 0)} senders, 4 services, 2 % confidential (seeded in ${formatNumber(seed.ms / 1000, 1)} s)`,
    );

    const agentService = services[1]!.id;
    const viewer = { accountId: randomUUID(), serviceIds: [agentService], allServices: false };
    const today = '2026-12-03';
    const guichet = (q: string) =>
      withTenant(database, communeId, async (tx) =>
        (await listRegister(tx, communeId, viewer, { status: null, query: q, today, limit: LIMIT })).map((r) => r.id),
      );
    const baseline = (q: string) =>
      withTenant(database, communeId, async (tx) => {
        const words = q.split(/\s+/).filter(Boolean);
        const { rows } = await tx.client.query<{ id: string }>(BASELINE_SQL(words.length), [
          communeId,
          agentService,
          ...words.map((w) => `%${w}%`),
        ]);
        return rows.map((r) => r.id);
      });
    let same = true;
    for (const q of QUERIES) {
      const [a, b] = [await guichet(q), await baseline(q)];
      if (a.join() !== b.join()) same = false;
      ctx.print(`« ${q} » : Guichet ${a.length} rows, SQL ${b.length} rows`);
    }
    ctx.print(`same rows in the same order: ${same}`);
    const measure = async (work: (q: string) => Promise<unknown>) => {
      const times: number[] = [];
      const until = performance.now() + (ctx.seconds * 1000) / 3;
      let i = 0;
      while (performance.now() < until || times.length < QUERIES.length * 2) {
        times.push((await timed(() => work(QUERIES[i++ % QUERIES.length]!))).ms);
      }
      return times;
    };
    for (const q of QUERIES) await Promise.all([guichet(q), baseline(q)]); // warm-up
    const g = await measure(guichet);
    const s = await measure(baseline);
    const gp50 = percentile(g, 50);
    const sp50 = percentile(s, 50);

    // E-mail intake: registerEmail against mailparser alone on the same messages.
    const appCtx = { database } as unknown as AppContext;
    const intakeCount = Math.max(20, Math.min(400, ctx.seconds * 25));
    const messages = Array.from({ length: intakeCount }, (_, i) => email(i));
    const parse = await timed(async () => {
      for (const m of messages) await simpleParser(m);
    });
    const intake = await timed(async () => {
      for (const [i, m] of messages.entries()) {
        const r = await registerEmail(appCtx, communeId, m, { source: 'depot', fileName: `bench-${i}.eml` });
        if (r.outcome !== 'registered') throw new Error(`message ${i}: ${r.outcome}`);
      }
    });
    const parseRate = intakeCount / (parse.ms / 1000);
    const intakeRate = intakeCount / (intake.ms / 1000);

    ctx.print(
      renderTable(
        ['register search (50 000 mails, limit 200)', 'p50 ms', 'p95 ms', 'ratio (p50)'],
        [
          ['plain SQL (baseline)', sp50.toFixed(2), percentile(s, 95).toFixed(2), '1 (baseline)'],
          ['Guichet listRegister', gp50.toFixed(2), percentile(g, 95).toFixed(2), formatRatio(gp50, sp50, 'SQL')],
        ],
        ['left', 'right', 'right', 'right'],
      ),
    );
    ctx.print(
      renderTable(
        [`e-mail intake (${intakeCount} messages)`, 'messages/s', 'ms per message', 'ratio (time)'],
        [
          ['mailparser alone (baseline)', parseRate.toFixed(0), (parse.ms / intakeCount).toFixed(2), '1 (baseline)'],
          [
            'Guichet registerEmail',
            intakeRate.toFixed(0),
            (intake.ms / intakeCount).toFixed(2),
            formatRatio(intake.ms, parse.ms, 'mailparser'),
          ],
        ],
        ['left', 'right', 'right', 'right'],
      ),
    );
    const file = ctx.writeResults('courrier', {
      mails: MAILS,
      sameRows: same,
      search: { guichetP50: gp50, guichetP95: percentile(g, 95), sqlP50: sp50, sqlP95: percentile(s, 95) },
      intake: { messages: intakeCount, parseMs: parse.ms, intakeMs: intake.ms, parseRate, intakeRate },
    });
    ctx.print(`results: ${file}`);
    return { ok: same };
  } finally {
    await database.close();
    await owner.end();
    await bench.drop();
  }
}

const benchmark: Benchmark = {
  name: 'courrier',
  title: 'Register search over 50 000 mails against plain SQL; e-mail intake against mailparser alone',
  run,
};
export default benchmark;
