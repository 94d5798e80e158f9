/**
 * The September rush of the family portal (issue 11), at the use-case level on a throw-away
 * PostgreSQL database (BENCH_DATABASE_URL, default postgres@127.0.0.1), pool of 10 connections.
 * Each family computes its QF from its resources and simulates its tariffs (`readSimulation`,
 * `tariffsInForce`, `simulatePrices`: what the public simulator does), then enrols its child at
 * the canteen (`enrolChild`: the activity row locked, places counted, inscrit or waiting list,
 * journaled). Families arrive `n` at once (10, 25, 50), 400 per level, each level on an activity
 * of its own with 250 places: the last places are contested.
 *
 * Baseline in the same run, same pool and concurrency: the floor of a request that writes — one
 * tenant transaction that locks the same activity row, reads its enrolments and writes the row. Printed:
 * families per second, p50/p99 of one family's two steps, the ratio to the baseline, the ratio of
 * the sustained rate to the peak (~250 requests/s ≈ 17 families/s at ~15 requests each),
 * and the check that no request was lost and no place given twice.
 *
 * Not measured here: HTTP, sign-in, day bookings and payment (the full scenario against
 * a started Guichet), nor PGlite.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { simulatePrices, tariffsInForce } from '../src/modules/family/queries.js';
import { readSimulation } from '../src/modules/family/tariffs/simulation.js';
import { enrolChild } from '../src/modules/family/use-cases/enrol-child.js';
import { seedHouseholdChild } from '../src/modules/profile/index.js';
import type { Actor } from '../src/platform/authz/actor.js';
import { openPostgres } from '../src/platform/db/client.js';
import { migrate } from '../src/platform/db/migrate.js';
import { withTenant } from '../src/platform/db/tenant.js';
import type { Commune } from '../src/platform/tenancy/communes.js';
import { APP_ROLE, benchDatabaseOrSkip } from './lib/postgres.js';
import { formatRatio, renderTable } from './lib/table.js';
import { percentile, timed } from './lib/timing.js';
import type { BenchContext, Benchmark, BenchOutcome } from './lib/types.js';

const FAMILIES = 400;
const PLACES = 250;
const LEVELS = [10, 25, 50];
/** The peak: 12 000 families in the first hour, ~15 requests each, ×5 for the peak minute. */
const PEAK_REQUESTS_PER_SECOND = 250;
const REQUESTS_PER_FAMILY = 15;

const GRID = {
  model: { kind: 'effort', ratePpm: 3600, floorCents: 100, ceilingCents: 500 },
  nonResidentPriceCents: 600,
  missingQf: 'highest',
  siblingReductionPercent: 10,
  costPerUserCents: null,
  oneEuroCanteen: false,
};

/** Runs `jobs` with at most `n` at once; the durations of each. */
async function pooled(n: number, jobs: Array<() => Promise<unknown>>): Promise<{ wall: number; times: number[] }> {
  const times: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        times.push((await timed(job)).ms);
      }
    }),
  );
  return { wall: performance.now() - t0, times };
}

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const bench = await benchDatabaseOrSkip(ctx);
  if (!bench) return { ok: true };
  const owner = new pg.Pool({ connectionString: bench.ownerUrl, max: 2 });
  const database = openPostgres(bench.appUrl, APP_ROLE, 10);
  let ok = true;
  try {
    await migrate(owner, APP_ROLE);
    const communeId = randomUUID();
    await owner.query(`INSERT INTO commune (id, slug, name) VALUES ($1, 'banc-d-essai', 'Banc-d’Essai')`, [communeId]);
    const commune = { id: communeId, slug: 'banc-d-essai', name: 'Banc-d’Essai' } as Commune;
    const families = LEVELS.length * FAMILIES;
    const { rows: accounts } = await owner.query<{ id: string }>(
      `INSERT INTO account (id, email, given_name, family_name)
       SELECT gen_random_uuid(), 'famille' || i || '@banc.example', 'Parent', 'Famille ' || i FROM generate_series(1, $1) i
       RETURNING id`,
      [families],
    );
    const children = new Map<string, string>();
    const activities: string[] = [];
    await withTenant(database, communeId, async (tx) => {
      for (const [i, account] of accounts.entries()) {
        const child = await seedHouseholdChild(tx, account.id, {
          givenName: 'Enfant',
          familyName: `Famille ${i}`,
          birthDate: '2018-04-01',
        });
        children.set(account.id, child.id);
      }
      for (const n of LEVELS) {
        const id = uuidv7();
        activities.push(id);
        await tx.client.query(
          `INSERT INTO family_activity (id, commune_id, slug, name, unit, open_for_enrolment, capacity)
           VALUES ($1, $2, $3, $4, 'repas', true, $5)`,
          [id, communeId, `cantine-${n}`, `Restauration scolaire (${n} à la fois)`, PLACES],
        );
        await tx.client.query(
          `INSERT INTO family_tariff_grid (id, commune_id, activity_id, valid_from, rules, source)
           VALUES ($1, $2, $3, '2026-01-01', $4, 'Délibération (banc d’essai)')`,
          [uuidv7(), communeId, id, JSON.stringify(GRID)],
        );
      }
    });
    await owner.query('ANALYZE');
    const today = new Date().toISOString().slice(0, 10);
    const actorOf = (accountId: string): Actor =>
      ({
        accountId,
        sessionId: randomUUID(),
        email: `${accountId}@banc.example`,
        displayName: 'Parent',
        isOperator: false,
        roles: new Set(),
        serviceIds: new Set(),
      }) as unknown as Actor;

    const family = (accountId: string, activityId: string, i: number) => async () => {
      const read = readSimulation({
        qfConnu: 'non',
        qf: '',
        couple: i % 3 === 0 ? 'non' : 'oui',
        enfants: String(1 + (i % 3)),
        enfantsAeeh: '0',
        revenus: String(1500 + (i % 40) * 100),
        prestations: String((i % 5) * 50),
        residence: 'oui',
      });
      if (!read.ok) throw new Error(`simulation refused: ${JSON.stringify(read.errors)}`);
      const tariffs = await withTenant(database, communeId, (tx) => tariffsInForce(tx, communeId, today));
      if (simulatePrices(tariffs, read.simulation).length !== LEVELS.length) throw new Error('missing prices');
      await enrolChild(
        database,
        { commune, actor: actorOf(accountId) },
        {
          enfant: children.get(accountId)!,
          activite: activityId,
        },
      );
    };
    const floor = (activityId: string) => () =>
      withTenant(database, communeId, async (tx) => {
        await tx.client.query('SELECT id FROM family_activity WHERE commune_id = $1 AND id = $2 FOR UPDATE', [
          communeId,
          activityId,
        ]);
        await tx.client.query('SELECT 1 FROM family_enrolment WHERE commune_id = $1 AND activity_id = $2 LIMIT 1', [
          communeId,
          activityId,
        ]);
        await tx.client.query('UPDATE family_activity SET position = position WHERE commune_id = $1 AND id = $2', [
          communeId,
          activityId,
        ]);
      });

    const rows: string[][] = [];
    const results: unknown[] = [];
    for (const [level, n] of LEVELS.entries()) {
      const activityId = activities[level]!;
      const group = accounts.slice(level * FAMILIES, (level + 1) * FAMILIES);
      const base = await pooled(
        n,
        group.map(() => floor(activityId)),
      );
      const ours = await pooled(
        n,
        group.map((a, i) => family(a.id, activityId, i)),
      );
      // Read as the commune (forced row-level security hides its rows from everyone else).
      const counts = await withTenant(database, communeId, async (tx) => {
        const { rows } = await tx.client.query<{ status: string; n: number }>(
          'SELECT status, count(*)::int AS n FROM family_enrolment WHERE commune_id = $1 AND activity_id = $2 GROUP BY status',
          [communeId, activityId],
        );
        return rows;
      });
      const by = Object.fromEntries(counts.map((c) => [c.status, c.n]));
      const placed = (by.inscrit ?? 0) + (by.place_proposee ?? 0);
      const waiting = by.en_attente ?? 0;
      const sound = placed === PLACES && waiting === FAMILIES - PLACES;
      ok &&= sound;
      const rate = FAMILIES / (ours.wall / 1000);
      const baseRate = FAMILIES / (base.wall / 1000);
      const peakFamilies = PEAK_REQUESTS_PER_SECOND / REQUESTS_PER_FAMILY;
      rows.push([
        String(n),
        baseRate.toFixed(0),
        rate.toFixed(0),
        formatRatio(baseRate, rate, 'Guichet'),
        percentile(ours.times, 50).toFixed(0),
        percentile(ours.times, 99).toFixed(0),
        `${(rate / peakFamilies).toFixed(1)}×`,
        `${placed} placed, ${waiting} waiting${sound ? '' : ' — WRONG'}`,
      ]);
      results.push({
        concurrency: n,
        baseRate,
        rate,
        p50: percentile(ours.times, 50),
        p99: percentile(ours.times, 99),
        placed,
        waiting,
      });
    }
    ctx.print(
      `${FAMILIES} families per level, ${PLACES} places each; a family = QF computed, tariffs simulated, child enrolled`,
    );
    ctx.print(
      renderTable(
        [
          'at once',
          'floor tx/s (baseline)',
          'families/s',
          'baseline ÷ Guichet',
          'p50 ms',
          'p99 ms',
          `vs peak (${(PEAK_REQUESTS_PER_SECOND / REQUESTS_PER_FAMILY).toFixed(1)} families/s)`,
          'places',
        ],
        rows,
        ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
      ),
    );
    ctx.print(`no request lost, no place given twice: ${ok ? 'confirmed' : 'NOT confirmed'}`);
    const file = ctx.writeResults('september', { families: FAMILIES, places: PLACES, levels: results });
    ctx.print(`results: ${file}`);
    return { ok };
  } finally {
    await database.close();
    await owner.end();
    await bench.drop();
  }
}

const benchmark: Benchmark = {
  name: 'september',
  title: 'The September rush: families computing their QF, simulating tariffs and enrolling at once',
  run,
};
export default benchmark;
