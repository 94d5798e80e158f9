/**
 * The family portal's monthly billing run (issue 11, decision 0048) on a throw-away PostgreSQL
 * database (BENCH_DATABASE_URL, default postgres@127.0.0.1). For each size (households, default
 * 2 000, 4 000 and 8 000; BENCH_FAMILY_HOUSEHOLDS="7500,15000,30000" gives the 15k, 30k
 * and 60k children) a commune of its own: 1 to 3 children per household (2 on average), each at
 * the canteen 19 days of March 2027 (a justified absence every 10th day, an unjustified one
 * the 8th of 10) and present without booking on the 20th for one child in four; the eldest also
 * at the evening care 8 days. Prices: QF brackets, a sibling reduction of 10 % at the canteen, a
 * 20 % surcharge without booking, the highest price for the 1 in 50 households with no QF.
 *
 * Guichet's run (`billMonthInBatches`: pages of guardians, one transaction each, invoices and
 * lines written) against a baseline in the same run on the same data: one hand-written SQL
 * aggregate computing every household's total (ranks, brackets, reduction and surcharge in SQL).
 * Both must agree on every household's total. Printed: both times, the ratio (target ≤ 3×), and
 * the live heap after each page (collected) and the peak RSS growth at each size (target: flat —
 * one page in memory). A second baseline writes the aggregate with INSERT…SELECT (the floor of
 * writing as many invoices), rolled back.
 */
import { randomUUID } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { TariffRules } from '../src/modules/family/tariffs/pricing.js';
import { billMonthInBatches } from '../src/modules/family/use-cases/run-billing.js';
import { openPostgres } from '../src/platform/db/client.js';
import { migrate } from '../src/platform/db/migrate.js';
import { withTenant } from '../src/platform/db/tenant.js';
import { APP_ROLE, benchDatabaseOrSkip } from './lib/postgres.js';
import { formatNumber, formatRatio, renderTable } from './lib/table.js';
import { timed } from './lib/timing.js';
import type { BenchContext, Benchmark, BenchOutcome } from './lib/types.js';

const MONTH = '2027-03';
const FROM = '2027-03-01';
const TO = '2027-03-31';

const CANTEEN: TariffRules = {
  model: {
    kind: 'brackets',
    brackets: [
      { fromQf: 0, toQf: 622, priceCents: 100 },
      { fromQf: 623, toQf: 1000, priceCents: 330 },
      { fromQf: 1001, toQf: 1500, priceCents: 340 },
      { fromQf: 1501, toQf: null, priceCents: 450 },
    ],
  },
  nonResidentPriceCents: null,
  missingQf: 'highest',
  siblingReductionPercent: 10,
  costPerUserCents: null,
  oneEuroCanteen: false,
};
const EVENING: TariffRules = {
  model: {
    kind: 'brackets',
    brackets: [
      { fromQf: 0, toQf: 800, priceCents: 150 },
      { fromQf: 801, toQf: null, priceCents: 250 },
    ],
  },
  nonResidentPriceCents: null,
  missingQf: 'highest',
  siblingReductionPercent: 0,
  costPerUserCents: null,
  oneEuroCanteen: false,
};

function sizes(): number[] {
  const raw = process.env.BENCH_FAMILY_HOUSEHOLDS ?? '2000,4000,8000';
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1 || n > 100_000)) {
    throw new Error(`BENCH_FAMILY_HOUSEHOLDS must list whole numbers of households (got "${raw}")`);
  }
  return list;
}

/**
 * The baseline: every household's total in one statement. Rules written again by hand, in SQL:
 * billed = booked and not a justified absence (unjustified ones are billed); without booking and
 * present = price + 20 % (half-up); rank by birth date, −10 % from the second child at the canteen.
 */
const BASELINE_SQL = `
  WITH grid(activity_id, from_qf, to_qf, price, reduction) AS (
    SELECT * FROM (VALUES
      ($2::uuid, 0, 622, 100, 10), ($2::uuid, 623, 1000, 330, 10), ($2::uuid, 1001, 1500, 340, 10), ($2::uuid, 1501, NULL, 450, 10),
      ($3::uuid, 0, 800, 150, 0), ($3::uuid, 801, NULL, 250, 0)) g(a, f, t, p, r)
  ),
  kids AS (
    SELECT b.account_id, b.activity_id, b.child_id, min(e.child_birth_date) AS birth,
           count(*) FILTER (WHERE b.booked AND b.attendance IS DISTINCT FROM 'absent_justifie') AS billed,
           count(*) FILTER (WHERE NOT b.booked AND b.attendance = 'present') AS unbooked
      FROM family_booking b
      JOIN family_enrolment e ON e.commune_id = b.commune_id AND e.id = b.enrolment_id
     WHERE b.commune_id = $1 AND b.day BETWEEN $4 AND $5
     GROUP BY b.account_id, b.activity_id, b.child_id
  ),
  ranked AS (
    SELECT k.*, row_number() OVER (PARTITION BY k.account_id, k.activity_id ORDER BY k.birth, k.child_id) AS rnk,
           (SELECT q.qf FROM family_household_qf q
             WHERE q.commune_id = $1 AND q.account_id = k.account_id AND q.valid_from <= $4
             ORDER BY q.valid_from DESC, q.created_at DESC LIMIT 1) AS qf
      FROM kids k
  ),
  priced AS (
    SELECT r.*, (SELECT max(reduction) FROM grid WHERE activity_id = r.activity_id) AS reduction,
           CASE WHEN r.qf IS NULL THEN (SELECT max(price) FROM grid WHERE activity_id = r.activity_id) ELSE g.price END AS base
      FROM ranked r
      LEFT JOIN grid g ON g.activity_id = r.activity_id AND r.qf IS NOT NULL
                      AND r.qf >= g.from_qf AND (g.to_qf IS NULL OR r.qf <= g.to_qf)
  ),
  unit AS (
    SELECT p.account_id, p.billed, p.unbooked,
           CASE WHEN p.rnk >= 2 THEN p.base - (p.base * p.reduction + 50) / 100 ELSE p.base END AS cents
      FROM priced p
  )
  SELECT account_id, sum(billed * cents + unbooked * (cents + (cents * 20 + 50) / 100))::bigint AS total
    FROM unit GROUP BY account_id HAVING sum(billed + unbooked) > 0`;

/**
 * The second baseline, the floor of writing: the same aggregate written as invoices
 * (INSERT…SELECT, one per household) and one line per child and activity (INSERT…SELECT), in a
 * transaction rolled back.
 */
const WRITE_SQL = `
  WITH totals AS (${BASELINE_SQL}),
  inv AS (
    INSERT INTO family_invoice (id, commune_id, number, month, account_id, payer_name, total_cents, status)
    SELECT gen_random_uuid(), $1, 'B-' || row_number() OVER (ORDER BY account_id), '${MONTH}', account_id, 'Parent', total, 'a_payer'
      FROM totals RETURNING id, account_id
  )
  INSERT INTO family_invoice_line (id, commune_id, invoice_id, position, child_name, activity_name, label, quantity, unit_cents, amount_cents, explanation)
  SELECT gen_random_uuid(), $1, inv.id, row_number() OVER (PARTITION BY inv.id), e.child_name, 'Activité', 'jours', 1, 0, 0, 'QF'
    FROM inv JOIN family_enrolment e ON e.commune_id = $1 AND e.account_id = inv.account_id`;

class Rollback extends Error {}

interface Measure {
  households: number;
  children: number;
  days: number;
  guichetMs: number;
  sqlMs: number;
  writeMs: number;
  invoices: number;
  lines: number;
  agree: boolean;
  heapPeakMb: number;
  rssPeakMb: number;
}

/** The garbage collector, to read the live heap at page boundaries (what the run keeps). */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const gc = collector();
  const bench = await benchDatabaseOrSkip(ctx);
  if (!bench) return { ok: true };
  const owner = new pg.Pool({ connectionString: bench.ownerUrl, max: 2 });
  const database = openPostgres(bench.appUrl, APP_ROLE, 10);
  const measures: Measure[] = [];
  try {
    await migrate(owner, APP_ROLE);
    for (const [n, households] of sizes().entries()) {
      const communeId = randomUUID();
      const canteenId = uuidv7();
      const eveningId = uuidv7();
      await owner.query(`INSERT INTO commune (id, slug, name) VALUES ($1, $2, 'Banc-d’Essai')`, [
        communeId,
        `banc-${n + 1}`,
      ]);
      // Guardians (accounts are not a commune's: the owner writes them).
      await owner.query(
        `INSERT INTO account (id, email, given_name, family_name)
         SELECT gen_random_uuid(), 'parent' || i || '.' || $1 || '@banc.example', 'Parent', 'Famille ' || i
           FROM generate_series(1, $2) i`,
        [n + 1, households],
      );
      const seeded = await timed(() =>
        withTenant(database, communeId, async (tx) => {
          const q = (text: string, params: unknown[]) => tx.client.query(text, params);
          for (const [id, slug, name, unit, rules] of [
            [canteenId, 'restauration-scolaire', 'Restauration scolaire', 'repas', CANTEEN],
            [eveningId, 'accueil-du-soir', 'Accueil du soir', 'soir', EVENING],
          ] as const) {
            await q(
              `INSERT INTO family_activity (id, commune_id, slug, name, unit, weekdays, unbooked_surcharge_percent)
               VALUES ($1, $2, $3, $4, $5, '{1,2,3,4,5}', 20)`,
              [id, communeId, slug, name, unit],
            );
            await q(
              `INSERT INTO family_tariff_grid (id, commune_id, activity_id, valid_from, rules, source)
               VALUES ($1, $2, $3, '2026-09-01', $4, 'Délibération (banc d’essai)')`,
              [uuidv7(), communeId, id, JSON.stringify(rules)],
            );
          }
          // QF: spread over the brackets; 1 household in 50 without one.
          await q(
            `INSERT INTO family_household_qf (id, commune_id, account_id, qf, resident, source, valid_from)
             SELECT gen_random_uuid(), $1, a.id, (hashtext(a.id::text) & 2047) % 1900, true, 'Attestation CAF', '2026-09-01'
               FROM account a WHERE a.email LIKE $2 AND hashtext(a.email) % 50 <> 0`,
            [communeId, `%.${n + 1}@banc.example`],
          );
          // 1 to 3 children per household, enrolled at the canteen; the eldest at the evening care.
          await q(
            `INSERT INTO family_enrolment (id, commune_id, activity_id, account_id, child_id, child_name, child_birth_date, status)
             SELECT gen_random_uuid(), $1, $2, a.id, gen_random_uuid(), 'Enfant ' || k || ' ' || a.family_name,
                    date '2014-01-01' + (k * 400 + (hashtext(a.id::text) & 255)), 'inscrit'
               FROM account a, generate_series(1, 1 + (abs(hashtext(a.email)) % 3)) k
              WHERE a.email LIKE $3`,
            [communeId, canteenId, `%.${n + 1}@banc.example`],
          );
          await q(
            `INSERT INTO family_enrolment (id, commune_id, activity_id, account_id, child_id, child_name, child_birth_date, status)
             SELECT DISTINCT ON (e.account_id) gen_random_uuid(), $1, $2, e.account_id, e.child_id, e.child_name, e.child_birth_date, 'inscrit'
               FROM family_enrolment e WHERE e.commune_id = $1 AND e.activity_id = $3
              ORDER BY e.account_id, e.child_birth_date, e.child_id`,
            [communeId, eveningId, canteenId],
          );
          // The month's weekdays: 23 in March 2027, the first 20 used.
          const days = `(SELECT d::date AS day, row_number() OVER (ORDER BY d) AS i
                           FROM generate_series(date '${FROM}', date '${TO}', interval '1 day') d
                          WHERE extract(isodow FROM d) < 6 ORDER BY d LIMIT 20)`;
          await q(
            `INSERT INTO family_booking (id, commune_id, activity_id, enrolment_id, account_id, child_id, day, booked, attendance)
             SELECT gen_random_uuid(), $1, e.activity_id, e.id, e.account_id, e.child_id, d.day, true,
                    CASE WHEN d.i % 10 = 3 THEN 'absent_justifie' WHEN d.i % 10 = 8 THEN 'absent_non_justifie' ELSE 'present' END
               FROM family_enrolment e, ${days} d
              WHERE e.commune_id = $1 AND e.activity_id = $2 AND d.i < 20`,
            [communeId, canteenId],
          );
          await q(
            `INSERT INTO family_booking (id, commune_id, activity_id, enrolment_id, account_id, child_id, day, booked, attendance)
             SELECT gen_random_uuid(), $1, e.activity_id, e.id, e.account_id, e.child_id, d.day, false, 'present'
               FROM family_enrolment e, ${days} d
              WHERE e.commune_id = $1 AND e.activity_id = $2 AND d.i = 20 AND abs(hashtext(e.child_id::text)) % 4 = 0`,
            [communeId, canteenId],
          );
          await q(
            `INSERT INTO family_booking (id, commune_id, activity_id, enrolment_id, account_id, child_id, day, booked, attendance)
             SELECT gen_random_uuid(), $1, e.activity_id, e.id, e.account_id, e.child_id, d.day, true, NULL
               FROM family_enrolment e, ${days} d
              WHERE e.commune_id = $1 AND e.activity_id = $2 AND d.i % 5 IN (1, 3)`,
            [communeId, eveningId],
          );
          const children = await q(
            'SELECT count(*)::int AS n FROM family_enrolment WHERE commune_id = $1 AND activity_id = $2',
            [communeId, canteenId],
          );
          const rows = await q('SELECT count(*)::int AS n FROM family_booking WHERE commune_id = $1', [communeId]);
          return { children: children.rows[0].n as number, days: rows.rows[0].n as number };
        }),
      );
      await owner.query('ANALYZE');
      ctx.print(
        `${formatNumber(households, 0)} households, ${formatNumber(seeded.value.children, 0)} children, ` +
          `${formatNumber(seeded.value.days, 0)} days booked or pointed (seeded in ${(seeded.ms / 1000).toFixed(1)} s)`,
      );

      const sqlRun = () =>
        withTenant(database, communeId, async (tx) => {
          const { rows } = await tx.client.query<{ account_id: string; total: string }>(BASELINE_SQL, [
            communeId,
            canteenId,
            eveningId,
            FROM,
            TO,
          ]);
          return new Map(rows.map((r) => [r.account_id, Number(r.total)]));
        });
      await sqlRun(); // warm-up
      const sqlTimes: number[] = [];
      let expected = new Map<string, number>();
      for (let i = 0; i < 3; i++) {
        const t = await timed(sqlRun);
        sqlTimes.push(t.ms);
        expected = t.value;
      }

      const writeTimes: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        await withTenant(database, communeId, async (tx) => {
          await tx.client.query(WRITE_SQL, [communeId, canteenId, eveningId, FROM, TO]);
          throw new Rollback();
        }).catch((error: unknown) => {
          if (!(error instanceof Rollback)) throw error;
        });
        writeTimes.push(performance.now() - t0);
      }

      // Guichet's run, twice on fresh invoices (the best kept), memory sampled every 20 ms.
      let best = Number.POSITIVE_INFINITY;
      let heapPeak = 0;
      let rssPeak = 0;
      for (let rep = 0; rep < 2; rep++) {
        await withTenant(database, communeId, async (tx) => {
          await tx.client.query('DELETE FROM family_invoice_line WHERE commune_id = $1', [communeId]);
          await tx.client.query('DELETE FROM family_invoice WHERE commune_id = $1', [communeId]);
          await tx.client.query('DELETE FROM family_invoice_sequence WHERE commune_id = $1', [communeId]);
        });
        gc();
        const base = process.memoryUsage();
        const sample = () => {
          rssPeak = Math.max(rssPeak, process.memoryUsage().rss - base.rss);
        };
        // The live heap after each page (collected first): what the run holds between pages.
        const live = () => {
          gc();
          heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed - base.heapUsed);
        };
        const timer = setInterval(sample, 20);
        try {
          const t = await timed(() => billMonthInBatches(database, communeId, MONTH, { afterBatch: live }));
          best = Math.min(best, t.ms);
        } finally {
          clearInterval(timer);
        }
      }
      const lineCount = await withTenant(database, communeId, async (tx) => {
        const { rows } = await tx.client.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM family_invoice_line WHERE commune_id = $1',
          [communeId],
        );
        return rows[0]!.n;
      });
      const billed = await withTenant(database, communeId, async (tx) => {
        const { rows } = await tx.client.query<{ account_id: string; total_cents: number }>(
          'SELECT account_id, total_cents FROM family_invoice WHERE commune_id = $1 AND month = $2',
          [communeId, MONTH],
        );
        return new Map(rows.map((r) => [r.account_id, r.total_cents]));
      });
      const agree = billed.size === expected.size && [...expected].every(([id, total]) => billed.get(id) === total);
      if (!agree) {
        const diff = [...expected]
          .filter(([id, total]) => billed.get(id) !== total)
          .slice(0, 3)
          .map(([id, total]) => [id, total, billed.get(id)]);
        ctx.print(
          `  totals DIFFER (${billed.size} invoices, ${expected.size} SQL totals), e.g. ${JSON.stringify(diff)}`,
        );
      }
      measures.push({
        households,
        children: seeded.value.children,
        days: seeded.value.days,
        guichetMs: best,
        sqlMs: Math.min(...sqlTimes),
        writeMs: Math.min(...writeTimes),
        invoices: billed.size,
        lines: lineCount,
        agree,
        heapPeakMb: heapPeak / 2 ** 20,
        rssPeakMb: rssPeak / 2 ** 20,
      });
    }

    ctx.print(
      renderTable(
        [
          'households',
          'children',
          'days',
          'SQL aggregate ms (baseline)',
          'SQL + INSERT…SELECT ms (baseline 2)',
          'Guichet run ms',
          'ratio',
          'ratio 2',
          'invoices',
          'lines',
          'same totals',
          'live heap +MB',
          'peak RSS +MB',
        ],
        measures.map((m) => [
          formatNumber(m.households, 0),
          formatNumber(m.children, 0),
          formatNumber(m.days, 0),
          m.sqlMs.toFixed(0),
          m.writeMs.toFixed(0),
          m.guichetMs.toFixed(0),
          formatRatio(m.guichetMs, m.sqlMs, 'SQL'),
          formatRatio(m.guichetMs, m.writeMs, 'SQL+INSERT'),
          formatNumber(m.invoices, 0),
          formatNumber(m.lines, 0),
          String(m.agree),
          m.heapPeakMb.toFixed(1),
          m.rssPeakMb.toFixed(1),
        ]),
        [
          'right',
          'right',
          'right',
          'right',
          'right',
          'right',
          'right',
          'right',
          'right',
          'right',
          'left',
          'right',
          'right',
        ],
      ),
    );
    const worst = Math.max(...measures.map((m) => m.guichetMs / m.sqlMs));
    const worstWrite = Math.max(...measures.map((m) => m.guichetMs / m.writeMs));
    ctx.print(`target ≤ 3× the SQL aggregate: ${worst <= 3 ? 'met' : 'NOT met'} (worst ${worst.toFixed(2)}×)`);
    ctx.print(`against the aggregate written with INSERT…SELECT: worst ${worstWrite.toFixed(2)}×`);
    const first = measures[0]!;
    const last = measures.at(-1)!;
    ctx.print(
      `memory from ${formatNumber(first.children, 0)} to ${formatNumber(last.children, 0)} children: ` +
        `live heap after a page +${first.heapPeakMb.toFixed(1)} → +${last.heapPeakMb.toFixed(1)} MB, ` +
        `peak RSS +${first.rssPeakMb.toFixed(1)} → +${last.rssPeakMb.toFixed(1)} MB (flat: it does not grow with the size)`,
    );
    const file = ctx.writeResults('family-billing', { month: MONTH, measures });
    ctx.print(`results: ${file}`);
    return { ok: measures.every((m) => m.agree) };
  } finally {
    await database.close();
    await owner.end();
    await bench.drop();
  }
}

const benchmark: Benchmark = {
  name: 'family-billing',
  title: 'Monthly billing run in pages of households against one SQL aggregate of the same totals',
  run,
};
export default benchmark;
