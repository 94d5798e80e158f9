/**
 * Pilotage (issue 16, decision 0052) on OPSN-scale data, on a throw-away PostgreSQL database
 * (BENCH_DATABASE_URL, default postgres@127.0.0.1): 50 communes, 5 years (2021–2025) of requests
 * (6 000 per commune, 4 services, a tenth at the counter), appointments (3 000), walk-in
 * tickets (1 000), incoming mails (3 000) and their replies, parapheur folders (1 000), family
 * enrolments (500) and invoices (6 000), council convocations (920). Measured against a baseline
 * in the same run:
 * 1. The KPIs of one commune over a year, through the modules' indicator sources
 *    (`Contributions.indicatorsOf`: 9 queries), against one hand-written SQL query per KPI
 *    (38 queries, the derived shares apart). Both must give the same values.
 * 2. The whole dashboard's data (`readDashboard`: the year's KPIs, the 12 monthly ones of the
 *    chart, the table by service), and the operator's roll-up (the year's KPIs of the 50
 *    communes) — time only.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { readDashboard } from '../src/modules/steering/use-cases/read-dashboard.js';
import { ROLLUP_PARALLEL, readRollup } from '../src/modules/steering/use-cases/read-rollup.js';
import type { AppContext } from '../src/platform/context.js';
import { openPostgres } from '../src/platform/db/client.js';
import { migrate } from '../src/platform/db/migrate.js';
import { type Tx, withTenant } from '../src/platform/db/tenant.js';
import { Contributions } from '../src/platform/module.js';
import type { Commune } from '../src/platform/tenancy/communes.js';
import { parisDayRange } from '../src/platform/time/calendar.js';
import { MODULES } from '../src/registry.js';
import { APP_ROLE, benchDatabaseOrSkip } from './lib/postgres.js';
import { formatNumber, formatRatio, renderTable } from './lib/table.js';
import { percentile, timed } from './lib/timing.js';
import type { BenchContext, Benchmark, BenchOutcome } from './lib/types.js';

const COMMUNES = 50;
const REQUESTS = 6_000;
const BOOKINGS = 3_000;
const TICKETS = 1_000;
const MAILS = 3_000;
const FOLDERS = 1_000;
const ENROLMENTS = 500;
const PERIOD = { from: '2025-01-01', to: '2025-12-31' };
/** The sources' queries: requests 1, appointments 2, courrier 2, parapheur 1, family 2, council 1. */
const GUICHET_QUERIES = 9;

/** One hand-written query per KPI ($1 commune, $2 end, $3 start; the period is over, so cutoff = end). */
const BASELINE: Record<string, string> = {
  'requests.received':
    'SELECT count(*)::int AS v FROM citizen_request WHERE commune_id = $1 AND submitted_at >= $3::timestamptz AND submitted_at < $2::timestamptz',
  'requests.counter': `SELECT count(*)::int AS v FROM citizen_request WHERE commune_id = $1 AND submitted_at >= $3::timestamptz AND submitted_at < $2::timestamptz AND channel = 'guichet'`,
  'requests.closed':
    'SELECT count(*)::int AS v FROM citizen_request WHERE commune_id = $1 AND closed_at >= $3::timestamptz AND closed_at < $2::timestamptz',
  'requests.closed_late':
    'SELECT count(*)::int AS v FROM citizen_request WHERE commune_id = $1 AND closed_at >= $3::timestamptz AND closed_at < $2::timestamptz AND closed_at > due_at',
  'requests.median_days':
    'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - submitted_at)::float8 / 86400) AS v FROM citizen_request WHERE commune_id = $1 AND closed_at >= $3::timestamptz AND closed_at < $2::timestamptz',
  'requests.p90_days':
    'SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - submitted_at)::float8 / 86400) AS v FROM citizen_request WHERE commune_id = $1 AND closed_at >= $3::timestamptz AND closed_at < $2::timestamptz',
  'requests.backlog':
    'SELECT count(*)::int AS v FROM citizen_request WHERE commune_id = $1 AND submitted_at < $2::timestamptz AND (closed_at IS NULL OR closed_at >= $2::timestamptz)',
  'requests.late':
    'SELECT count(*)::int AS v FROM citizen_request WHERE commune_id = $1 AND submitted_at < $2::timestamptz AND (closed_at IS NULL OR closed_at >= $2::timestamptz) AND due_at < $2::timestamptz',
  'appointments.bookings': `SELECT count(*)::int AS v FROM appointment_booking WHERE commune_id = $1 AND starts_at >= $3::timestamptz AND starts_at < $2::timestamptz AND status <> 'annule'`,
  'appointments.cancelled': `SELECT count(*)::int AS v FROM appointment_booking WHERE commune_id = $1 AND starts_at >= $3::timestamptz AND starts_at < $2::timestamptz AND status = 'annule'`,
  'appointments.no_shows': `SELECT count(*)::int AS v FROM appointment_booking WHERE commune_id = $1 AND starts_at >= $3::timestamptz AND starts_at < $2::timestamptz AND status = 'absent'`,
  'appointments.held': `SELECT count(*)::int AS v FROM appointment_booking WHERE commune_id = $1 AND starts_at >= $3::timestamptz AND starts_at < $2::timestamptz AND status <> 'annule'`,
  'appointments.median_lead_days': `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM starts_at - created_at)::float8 / 86400) AS v FROM appointment_booking WHERE commune_id = $1 AND starts_at >= $3::timestamptz AND starts_at < $2::timestamptz AND status <> 'annule'`,
  'appointments.tickets': `SELECT count(*)::int AS v FROM appointment_ticket WHERE commune_id = $1 AND created_at >= $3::timestamptz AND created_at < $2::timestamptz AND status <> 'annule'`,
  'appointments.median_wait_minutes': `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM called_at - created_at)::float8 / 60) AS v FROM appointment_ticket WHERE commune_id = $1 AND created_at >= $3::timestamptz AND created_at < $2::timestamptz AND called_at IS NOT NULL`,
  'courrier.received': `SELECT count(*)::int AS v FROM courrier_mail WHERE commune_id = $1 AND arrived_on >= ($3::timestamptz AT TIME ZONE 'Europe/Paris')::date AND arrived_on < ($2::timestamptz AT TIME ZONE 'Europe/Paris')::date`,
  'courrier.closed':
    'SELECT count(*)::int AS v FROM courrier_mail WHERE commune_id = $1 AND closed_at >= $3::timestamptz AND closed_at < $2::timestamptz',
  'courrier.median_days': `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ((closed_at AT TIME ZONE 'Europe/Paris')::date - arrived_on)::float8) AS v FROM courrier_mail WHERE commune_id = $1 AND closed_at >= $3::timestamptz AND closed_at < $2::timestamptz`,
  'courrier.closed_late': `SELECT count(*)::int AS v FROM courrier_mail WHERE commune_id = $1 AND closed_at >= $3::timestamptz AND closed_at < $2::timestamptz AND (closed_at AT TIME ZONE 'Europe/Paris')::date > due_on`,
  'courrier.open':
    'SELECT count(*)::int AS v FROM courrier_mail WHERE commune_id = $1 AND registered_at < $2::timestamptz AND (closed_at IS NULL OR closed_at >= $2::timestamptz)',
  'courrier.late': `SELECT count(*)::int AS v FROM courrier_mail WHERE commune_id = $1 AND registered_at < $2::timestamptz AND (closed_at IS NULL OR closed_at >= $2::timestamptz) AND due_on < ($2::timestamptz AT TIME ZONE 'Europe/Paris')::date`,
  'courrier.lre_sent': `SELECT count(*)::int AS v FROM courrier_outgoing WHERE commune_id = $1 AND status = 'envoye' AND channel = 'lre' AND sent_at >= $3::timestamptz AND sent_at < $2::timestamptz`,
  'courrier.paper_sent': `SELECT count(*)::int AS v FROM courrier_outgoing WHERE commune_id = $1 AND status = 'envoye' AND channel = 'papier' AND sent_at >= $3::timestamptz AND sent_at < $2::timestamptz`,
  'signature.started':
    'SELECT count(*)::int AS v FROM signature_folder WHERE commune_id = $1 AND created_at >= $3::timestamptz AND created_at < $2::timestamptz',
  'signature.completed': `SELECT count(*)::int AS v FROM signature_folder WHERE commune_id = $1 AND status = 'termine' AND closed_at >= $3::timestamptz AND closed_at < $2::timestamptz`,
  'signature.refused': `SELECT count(*)::int AS v FROM signature_folder WHERE commune_id = $1 AND status = 'refuse' AND closed_at >= $3::timestamptz AND closed_at < $2::timestamptz`,
  'signature.median_circuit_days': `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - created_at)::float8 / 86400) AS v FROM signature_folder WHERE commune_id = $1 AND status = 'termine' AND closed_at >= $3::timestamptz AND closed_at < $2::timestamptz`,
  'signature.p90_circuit_days': `SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - created_at)::float8 / 86400) AS v FROM signature_folder WHERE commune_id = $1 AND status = 'termine' AND closed_at >= $3::timestamptz AND closed_at < $2::timestamptz`,
  'signature.in_circuit':
    'SELECT count(*)::int AS v FROM signature_folder WHERE commune_id = $1 AND created_at < $2::timestamptz AND (closed_at IS NULL OR closed_at >= $2::timestamptz)',
  'signature.pending_signatures': `SELECT count(*)::int AS v FROM signature_folder f JOIN signature_step s ON s.commune_id = f.commune_id AND s.folder_id = f.id AND s.position = f.current_step WHERE f.commune_id = $1 AND f.status = 'en_cours' AND s.kind = 'signature'`,
  'family.enrolments':
    'SELECT count(*)::int AS v FROM family_enrolment WHERE commune_id = $1 AND requested_at >= $3::timestamptz AND requested_at < $2::timestamptz',
  'family.enrolled': `SELECT count(*)::int AS v FROM family_enrolment WHERE commune_id = $1 AND requested_at >= $3::timestamptz AND requested_at < $2::timestamptz AND status = 'inscrit'`,
  'family.invoices':
    'SELECT count(*)::int AS v FROM family_invoice WHERE commune_id = $1 AND issued_at >= $3::timestamptz AND issued_at < $2::timestamptz',
  'family.invoiced':
    'SELECT coalesce(sum(total_cents - credited_cents), 0)::float8 / 100 AS v FROM family_invoice WHERE commune_id = $1 AND issued_at >= $3::timestamptz AND issued_at < $2::timestamptz',
  'family.paid_rate': `SELECT (sum(total_cents - credited_cents) FILTER (WHERE status = 'payee'))::float8 * 100 / nullif(sum(total_cents - credited_cents), 0) AS v FROM family_invoice WHERE commune_id = $1 AND issued_at >= $3::timestamptz AND issued_at < $2::timestamptz`,
  'council.seances':
    'SELECT count(DISTINCT seance_id)::int AS v FROM council_convocation WHERE commune_id = $1 AND sent_at >= $3::timestamptz AND sent_at < $2::timestamptz',
  'council.convocations':
    'SELECT count(*)::int AS v FROM council_convocation WHERE commune_id = $1 AND sent_at >= $3::timestamptz AND sent_at < $2::timestamptz',
  'council.electronic': `SELECT count(*)::int AS v FROM council_convocation WHERE commune_id = $1 AND sent_at >= $3::timestamptz AND sent_at < $2::timestamptz AND channel = 'electronique'`,
};

/**
 * The other modules' records of one commune over 2021–2025: 3 000 incoming mails (a reply to half
 * of those closed, a third by LRE), 1 000 parapheur folders with two steps each, 500 enrolments
 * and 100 households' invoices every month (6 000), 40 séances × 23 élus convened (two by post).
 */
async function seedOtherModules(
  tx: Tx,
  communeId: string,
  services: readonly string[],
  accounts: readonly string[],
): Promise<void> {
  const contact = randomUUID();
  await tx.client.query(
    `INSERT INTO courrier_contact (id, commune_id, kind, name, name_key) VALUES ($1, $2, 'personne', 'Habitant', 'habitant')`,
    [contact, communeId],
  );
  await tx.client.query(
    `INSERT INTO courrier_mail (id, commune_id, chrono, arrived_on, registered_at, contact_id, subject, mail_type, category,
                                priority, confidential, service_id, status, due_on, closed_at)
     SELECT gen_random_uuid(), $1, '2021-A' || lpad(i::text, 6, '0'), (s AT TIME ZONE 'Europe/Paris')::date, s, $2, 'Courrier',
            'demande', 'courrier', 'normale', false, ($3::uuid[])[1 + i % 4],
            CASE WHEN i % 13 = 0 THEN 'en_cours' ELSE 'clos' END, (s AT TIME ZONE 'Europe/Paris')::date + 30,
            CASE WHEN i % 13 = 0 THEN NULL ELSE s + make_interval(days => 1 + (i * 7) % 45, hours => i % 24) END
       FROM generate_series(1, $4) AS i,
            LATERAL (SELECT timestamptz '2021-01-01 09:00+01' + make_interval(mins => i * 876) AS s) AS t`,
    [communeId, contact, services, MAILS],
  );
  await tx.client.query(
    `INSERT INTO courrier_outgoing (id, commune_id, chrono, mail_id, contact_id, subject, template, body, created_by, status,
                                    channel, sent_at)
     SELECT gen_random_uuid(), $1, '2021-D' || lpad(row_number() OVER (ORDER BY m.chrono)::text, 6, '0'), m.id, $2,
            'Réponse', 'libre', 'Madame, Monsieur', $3, 'envoye',
            CASE WHEN substr(m.chrono, 7)::int % 3 = 0 THEN 'lre' ELSE 'papier' END, m.closed_at
       FROM courrier_mail m
      WHERE m.commune_id = $1 AND m.closed_at IS NOT NULL AND substr(m.chrono, 7)::int % 2 = 0`,
    [communeId, contact, accounts[0]],
  );
  await tx.client.query(
    `INSERT INTO signature_folder (id, commune_id, number, title, document_type, service_id, status, circuit_name,
                                   current_step, created_at, closed_at)
     SELECT gen_random_uuid(), $1, 'P-' || i, 'Bon de commande', 'bon_de_commande', ($2::uuid[])[1 + i % 4],
            CASE WHEN i % 11 = 0 THEN 'en_cours' WHEN i % 23 = 0 THEN 'refuse' ELSE 'termine' END, 'Visa puis signature',
            CASE WHEN i % 11 = 0 THEN i % 2 END, s,
            CASE WHEN i % 11 = 0 THEN NULL ELSE s + make_interval(hours => 4 + (i * 13) % 200) END
       FROM generate_series(1, $3) AS i,
            LATERAL (SELECT timestamptz '2021-01-01 10:00+01' + make_interval(mins => i * 2628) AS s) AS t`,
    [communeId, services, FOLDERS],
  );
  await tx.client.query(
    `INSERT INTO signature_step (id, commune_id, folder_id, position, kind, mode, actors, status)
     SELECT gen_random_uuid(), f.commune_id, f.id, p, CASE WHEN p = 0 THEN 'visa' ELSE 'signature' END, 'all', '[]',
            CASE WHEN f.current_step = p THEN 'en_cours' WHEN f.current_step < p THEN 'a_venir' ELSE 'fait' END
       FROM signature_folder f, generate_series(0, 1) AS p
      WHERE f.commune_id = $1`,
    [communeId],
  );
  const activity = randomUUID();
  await tx.client.query(
    `INSERT INTO family_activity (id, commune_id, slug, name, unit) VALUES ($1, $2, 'cantine', 'Restauration scolaire', 'repas')`,
    [activity, communeId],
  );
  await tx.client.query(
    `INSERT INTO family_enrolment (id, commune_id, activity_id, account_id, child_id, child_name, child_birth_date, status,
                                   requested_at)
     SELECT gen_random_uuid(), $1, $2, ($3::uuid[])[1 + i % 100], gen_random_uuid(), 'Enfant', date '2016-01-01',
            (ARRAY['inscrit','inscrit','inscrit','en_attente','annulee'])[1 + i % 5],
            timestamptz '2021-01-01 09:00+01' + make_interval(mins => i * 5256)
       FROM generate_series(1, $4) AS i`,
    [communeId, activity, accounts, ENROLMENTS],
  );
  await tx.client.query(
    `INSERT INTO family_invoice (id, commune_id, number, month, account_id, payer_name, total_cents, status, issued_at, paid_at)
     SELECT gen_random_uuid(), $1, to_char(m, 'YYYY-MM') || '-' || j, to_char(m, 'YYYY-MM'), ($2::uuid[])[j], 'Famille',
            1000 + (j * 37) % 5000, CASE WHEN j % 5 = 0 THEN 'a_payer' ELSE 'payee' END,
            (m + interval '1 month 8 hours') AT TIME ZONE 'Europe/Paris',
            CASE WHEN j % 5 = 0 THEN NULL ELSE (m + interval '1 month 10 days') AT TIME ZONE 'Europe/Paris' END
       FROM generate_series(timestamp '2021-01-01', timestamp '2025-12-01', interval '1 month') AS m,
            generate_series(1, 100) AS j`,
    [communeId, accounts],
  );
  const members = Array.from({ length: 23 }, () => randomUUID());
  await tx.client.query(
    `INSERT INTO council_member (id, commune_id, full_name, email, role, channel, electronic_consent_at, postal_address)
     SELECT ($2::uuid[])[i], $1, 'Élu ' || i, 'elu' || i || '@exemple.fr', CASE WHEN i = 1 THEN 'maire' ELSE 'conseiller' END,
            CASE WHEN i > 21 THEN 'postal' ELSE 'electronique' END, timestamptz '2020-06-01 10:00+02', '1 place de la Mairie'
       FROM generate_series(1, 23) AS i`,
    [communeId, members],
  );
  await tx.client.query(
    `WITH s AS (
       INSERT INTO council_seance (id, commune_id, seance_date, seance_time, place, kind, status)
       SELECT gen_random_uuid(), $1, date '2021-01-20' + (i * 45), '18:30', 'Mairie', 'ordinaire', 'tenue'
         FROM generate_series(0, 39) AS i
       RETURNING id, seance_date
     )
     INSERT INTO council_convocation (id, commune_id, seance_id, member_id, channel, sent_at)
     SELECT gen_random_uuid(), $1, s.id, m.id, m.channel, (s.seance_date - 7 + time '17:00') AT TIME ZONE 'Europe/Paris'
       FROM s, council_member m
      WHERE m.commune_id = $1`,
    [communeId],
  );
}

async function seedCommune(
  database: ReturnType<typeof openPostgres>,
  communeId: string,
  accounts: readonly string[],
): Promise<void> {
  await withTenant(database, communeId, async (tx) => {
    const services = Array.from({ length: 4 }, () => randomUUID());
    for (const [i, id] of services.entries()) {
      await tx.client.query('INSERT INTO service (id, commune_id, slug, name) VALUES ($1, $2, $3, $3)', [
        id,
        communeId,
        `service-${i}`,
      ]);
    }
    // Requests spread over 2021–2025 (one every ~7 h), closed after 1–60 days but for the last ones.
    await tx.client.query(
      `INSERT INTO citizen_request (id, commune_id, number, service_id, requester_name, requester_email, subject, status,
                                    channel, due_at, submitted_at, closed_at)
       SELECT gen_random_uuid(), $1, 'D-' || i, ($2::uuid[])[1 + i % 4], 'Habitant', 'h@exemple.fr', 'Demande',
              CASE WHEN i % 17 = 0 THEN 'en_cours' ELSE 'acceptee' END,
              CASE WHEN i % 10 = 0 THEN 'guichet' ELSE 'portail' END,
              s + interval '30 days', s,
              CASE WHEN i % 17 = 0 THEN NULL ELSE s + make_interval(days => 1 + (i * 7) % 60, hours => i % 24) END
         FROM generate_series(1, $3) AS i,
              LATERAL (SELECT timestamptz '2021-01-01 08:00+01' + make_interval(mins => i * 438) AS s) AS t`,
      [communeId, services, REQUESTS],
    );
    const agenda = randomUUID();
    const motif = randomUUID();
    await tx.client.query(
      `INSERT INTO appointment_agenda (id, commune_id, service_id, place, desk) VALUES ($1, $2, $3, 'Mairie', 'Guichet 1')`,
      [agenda, communeId, services[0]],
    );
    await tx.client.query(
      `INSERT INTO appointment_motif (id, commune_id, service_id, name, duration_minutes) VALUES ($1, $2, $3, 'Dépôt', 15)`,
      [motif, communeId, services[0]],
    );
    await tx.client.query(
      `INSERT INTO appointment_booking (id, commune_id, agenda_id, motif_id, starts_at, ends_at, seat, status, booked_by,
                                        name, token_hash, created_at)
       SELECT gen_random_uuid(), $1, $2, $3, s, s + interval '15 minutes', 1,
              (ARRAY['arrive','arrive','arrive','absent','annule','arrive','arrive','confirme'])[1 + i % 8], 'visitor',
              'Habitant', gen_random_uuid()::text, s - make_interval(days => 1 + i % 20)
         FROM generate_series(1, $4) AS i,
              LATERAL (SELECT timestamptz '2021-01-04 09:00+01' + make_interval(mins => i * 876) AS s) AS t`,
      [communeId, agenda, motif, BOOKINGS],
    );
    await tx.client.query(
      `INSERT INTO appointment_ticket (id, commune_id, motif_id, day, number, status, channel, token_hash, created_at, called_at)
       SELECT gen_random_uuid(), $1, $2, (s AT TIME ZONE 'Europe/Paris')::date, i, 'servi', 'borne', gen_random_uuid()::text,
              s, s + make_interval(mins => i % 40)
         FROM generate_series(1, $3) AS i,
              LATERAL (SELECT timestamptz '2021-01-04 09:00+01' + make_interval(mins => i * 2628) AS s) AS t`,
      [communeId, motif, TICKETS],
    );
    await seedOtherModules(tx, communeId, services, accounts);
  });
}

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const bench = await benchDatabaseOrSkip(ctx);
  if (!bench) return { ok: true };
  const owner = new pg.Pool({ connectionString: bench.ownerUrl, max: 2 });
  const database = openPostgres(bench.appUrl, APP_ROLE, 4);
  try {
    await migrate(owner, APP_ROLE);
    const communes: Commune[] = [];
    // Instance-wide accounts: the households billed and the courrier's agent, shared by the communes.
    const accounts = Array.from({ length: 100 }, () => randomUUID());
    await owner.query(
      `INSERT INTO account (id, email, given_name, family_name)
       SELECT id, 'famille' || n || '@exemple.fr', 'Famille', n::text FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n)`,
      [accounts],
    );
    const seed = await timed(async () => {
      for (let c = 0; c < COMMUNES; c++) {
        const id = randomUUID();
        await owner.query('INSERT INTO commune (id, slug, name) VALUES ($1, $2, $3)', [
          id,
          `commune-${c}`,
          `Commune ${c}`,
        ]);
        await seedCommune(database, id, accounts);
        communes.push({ id, slug: `commune-${c}`, name: `Commune ${c}` } as Commune);
      }
    });
    await owner.query('ANALYZE');
    ctx.print(
      `${COMMUNES} communes × (${formatNumber(REQUESTS, 0)} requests, ${formatNumber(BOOKINGS, 0)} appointments, ${formatNumber(TICKETS, 0)} tickets, ${formatNumber(MAILS, 0)} mails, ${formatNumber(FOLDERS, 0)} parapheur folders, 6 000 family invoices, 920 council convocations) over 2021–2025 (seeded in ${formatNumber(seed.ms / 1000, 1)} s)`,
    );

    const contributions = new Contributions(MODULES);
    const appCtx = { database, contributions } as unknown as AppContext;
    const commune = communes[Math.floor(COMMUNES / 2)]!;
    const query = { ...PERIOD, serviceId: null };
    const guichet = () => withTenant(database, commune.id, (tx) => contributions.indicatorsOf(tx, commune.id, query));
    const { start, end } = parisDayRange(PERIOD.from, PERIOD.to);
    const baseline = () =>
      withTenant(database, commune.id, async (tx) => {
        const out = new Map<string, number | null>();
        for (const [key, sql] of Object.entries(BASELINE)) {
          const params = [commune.id, end.toISOString(), start.toISOString()];
          const used = Math.max(...[...sql.matchAll(/\$(\d)/g)].map((m) => Number(m[1])));
          const { rows } = await tx.client.query<{ v: number | null }>(sql, params.slice(0, used));
          out.set(key, rows[0]!.v === null ? null : Number(rows[0]!.v));
        }
        return out;
      });

    const [g, b] = [await guichet(), await baseline()];
    let same = true;
    for (const [key, v] of b) {
      if (!g.has(key)) continue; // the baseline's helper counts (held)
      const mine = g.get(key) ?? null;
      if ((v === null) !== (mine === null) || (v !== null && mine !== null && Math.abs(v - mine) > 1e-9)) {
        same = false;
        ctx.print(`differs: ${key} Guichet ${mine} SQL ${v}`);
      }
    }
    ctx.print(
      `same values: ${same} (requests received ${g.get('requests.received')}, median ${g.get('requests.median_days')?.toFixed(2)} d)`,
    );

    const measure = async (work: () => Promise<unknown>, share: number, minimum: number) => {
      const times: number[] = [];
      const until = performance.now() + ctx.seconds * 1000 * share;
      while (performance.now() < until || times.length < minimum) times.push((await timed(work)).ms);
      return times;
    };
    await guichet();
    await baseline();
    const gt = await measure(guichet, 0.25, 5);
    const bt = await measure(baseline, 0.25, 5);
    const page = await measure(() => readDashboard(appCtx, commune, { du: '01/01/2025', au: '31/12/2025' }), 0.25, 3);
    // The page's own roll-up (a few communes at once), and the same one commune after the other.
    const rollupCtx = { database, contributions, communes: { all: async () => communes } } as unknown as AppContext;
    const rollup = await measure(() => readRollup(rollupCtx, query), 0.15, 2);
    const sequential = await measure(() => readRollup(rollupCtx, query, 1), 0.1, 2);
    // Each source alone, to see which one a slower page comes from.
    const perSource: string[][] = [];
    for (const source of contributions.indicatorSources) {
      const times = await measure(
        () => withTenant(database, commune.id, (tx) => source.compute(tx, commune.id, query)),
        0.02,
        5,
      );
      perSource.push([source.title, percentile(times, 50).toFixed(2), percentile(times, 95).toFixed(2)]);
    }
    const [gp, bp] = [percentile(gt, 50), percentile(bt, 50)];
    ctx.print(
      renderTable(
        ['KPIs of one commune over 2025', 'queries', 'p50 ms', 'p95 ms', 'ratio (p50)'],
        [
          [
            'one SQL query per KPI (baseline)',
            String(Object.keys(BASELINE).length),
            bp.toFixed(2),
            percentile(bt, 95).toFixed(2),
            '1 (baseline)',
          ],
          [
            'Guichet indicatorsOf',
            String(GUICHET_QUERIES),
            gp.toFixed(2),
            percentile(gt, 95).toFixed(2),
            formatRatio(gp, bp, 'SQL'),
          ],
        ],
        ['left', 'right', 'right', 'right', 'right'],
      ),
    );
    ctx.print(
      renderTable(['one source (same commune and year)', 'p50 ms', 'p95 ms'], perSource, ['left', 'right', 'right']),
    );
    ctx.print(
      renderTable(
        ['whole page data', 'p50 ms', 'p95 ms'],
        [
          ['dashboard (year, 12 months, 4 services)', percentile(page, 50).toFixed(1), percentile(page, 95).toFixed(1)],
          [
            `operator roll-up (${COMMUNES} communes, ${ROLLUP_PARALLEL} at once)`,
            percentile(rollup, 50).toFixed(1),
            percentile(rollup, 95).toFixed(1),
          ],
          [
            `operator roll-up (${COMMUNES} communes, one at a time)`,
            percentile(sequential, 50).toFixed(1),
            percentile(sequential, 95).toFixed(1),
          ],
        ],
        ['left', 'right', 'right'],
      ),
    );
    const file = ctx.writeResults('steering', {
      communes: COMMUNES,
      requestsPerCommune: REQUESTS,
      sameValues: same,
      kpis: { guichetP50: gp, guichetP95: percentile(gt, 95), sqlP50: bp, sqlP95: percentile(bt, 95) },
      dashboardP50: percentile(page, 50),
      rollupP50: percentile(rollup, 50),
      rollupSequentialP50: percentile(sequential, 50),
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
  name: 'steering',
  title: 'Pilotage KPIs on 50 communes × 5 years against one SQL query per KPI; dashboard and roll-up times',
  run,
};
export default benchmark;
