/**
 * Pilotage (issue 16, decision 0052) on OPSN-scale data, on a throw-away PostgreSQL database
 * (BENCH_DATABASE_URL, default postgres@127.0.0.1): 50 communes, 5 years (2021–2025) of requests
 * (6 000 per commune, 4 services, a tenth at the counter), appointments (3 000) and walk-in
 * tickets (1 000). Measured against a baseline in the same run:
 * 1. The KPIs of one commune over a year, through the modules' indicator sources
 *    (`Contributions.indicatorsOf`: 3 queries), against one hand-written SQL query per KPI
 *    (15 queries). Both must give the same values.
 * 2. The whole dashboard's data (`readDashboard`: the year's KPIs and the 12 monthly ones of the
 *    chart), and the operator's roll-up (the year's KPIs of the 50 communes) — time only.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { readDashboard } from '../src/modules/steering/use-cases/read-dashboard.js';
import type { AppContext } from '../src/platform/context.js';
import { openPostgres } from '../src/platform/db/client.js';
import { migrate } from '../src/platform/db/migrate.js';
import { withTenant } from '../src/platform/db/tenant.js';
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
const PERIOD = { from: '2025-01-01', to: '2025-12-31' };

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
};

async function seedCommune(database: ReturnType<typeof openPostgres>, communeId: string): Promise<void> {
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
    const seed = await timed(async () => {
      for (let c = 0; c < COMMUNES; c++) {
        const id = randomUUID();
        await owner.query('INSERT INTO commune (id, slug, name) VALUES ($1, $2, $3)', [
          id,
          `commune-${c}`,
          `Commune ${c}`,
        ]);
        await seedCommune(database, id);
        communes.push({ id, slug: `commune-${c}`, name: `Commune ${c}` } as Commune);
      }
    });
    await owner.query('ANALYZE');
    ctx.print(
      `${COMMUNES} communes × (${formatNumber(REQUESTS, 0)} requests, ${formatNumber(BOOKINGS, 0)} appointments, ${formatNumber(TICKETS, 0)} tickets) over 2021–2025 (seeded in ${formatNumber(seed.ms / 1000, 1)} s)`,
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
          const { rows } = await tx.client.query<{ v: number | null }>(
            sql,
            sql.includes('$3') ? params : params.slice(0, 2),
          );
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
    const rollup = await measure(
      async () => {
        for (const c of communes) await withTenant(database, c.id, (tx) => contributions.indicatorsOf(tx, c.id, query));
      },
      0.25,
      2,
    );
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
          ['Guichet indicatorsOf', '3', gp.toFixed(2), percentile(gt, 95).toFixed(2), formatRatio(gp, bp, 'SQL')],
        ],
        ['left', 'right', 'right', 'right', 'right'],
      ),
    );
    ctx.print(
      renderTable(
        ['whole page data', 'p50 ms', 'p95 ms'],
        [
          ['dashboard (year + 12 months)', percentile(page, 50).toFixed(1), percentile(page, 95).toFixed(1)],
          [
            `operator roll-up (${COMMUNES} communes)`,
            percentile(rollup, 50).toFixed(1),
            percentile(rollup, 95).toFixed(1),
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
