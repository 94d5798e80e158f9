/**
 * Slot search of the appointments (issue 12): a motif of 15 minutes on 10 desks open Monday to
 * Friday (8 h 30–12 h, 13 h 30–17 h 30), two months ahead (2027-01-04 → 2027-03-05, no public
 * holiday in it), 5 000 bookings already taken. Guichet's search (`motifSlots`: openings,
 * closures, holidays, buffers and delays, per desk) against a baseline measured in the same run:
 * one SQL query that generates the candidate slots from the openings and removes the booked ones
 * (the booking index on agenda and time) — the least a search can do, without holidays, closures,
 * buffers or delays. Both must find the same free slots. Then 50 searches at once on a pool of
 * 10 connections. PostgreSQL only (BENCH_DATABASE_URL, default postgres@127.0.0.1).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { motifSlots } from '../src/modules/appointments/queries.js';
import { findMotif } from '../src/modules/appointments/repo.js';
import { openPostgres } from '../src/platform/db/client.js';
import { migrate } from '../src/platform/db/migrate.js';
import { withTenant } from '../src/platform/db/tenant.js';
import { APP_ROLE, benchDatabaseOrSkip } from './lib/postgres.js';
import { formatNumber, formatRatio, renderTable } from './lib/table.js';
import { percentile, timed } from './lib/timing.js';
import type { BenchContext, Benchmark, BenchOutcome } from './lib/types.js';

const DESKS = 10;
const BOOKINGS = 5000;
const FROM = '2027-01-04';
const DAYS = 61;
const TO = '2027-03-05';
const NOW = new Date('2027-01-01T08:00:00Z');
const CONCURRENT = 50;

/** A small deterministic generator (the same bookings every run). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const BASELINE_SQL = `
  WITH days AS (SELECT d::date AS day FROM generate_series($2::date, $3::date, interval '1 day') d),
  candidates AS (
    SELECT o.agenda_id, ((days.day + make_interval(mins => o.start_minute + 15 * k)) AT TIME ZONE 'Europe/Paris') AS starts_at
      FROM days
      JOIN appointment_opening o ON o.commune_id = $1 AND o.weekday = extract(isodow FROM days.day)
      CROSS JOIN LATERAL generate_series(0, (o.end_minute - o.start_minute) / 15 - 1) AS k
  )
  SELECT c.agenda_id, c.starts_at FROM candidates c
   WHERE NOT EXISTS (
     SELECT 1 FROM appointment_booking b
      WHERE b.commune_id = $1 AND b.agenda_id = c.agenda_id AND b.starts_at = c.starts_at AND b.status <> 'annule')`;

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const bench = await benchDatabaseOrSkip(ctx);
  if (!bench) return { ok: true };
  const owner = new pg.Pool({ connectionString: bench.ownerUrl, max: 2 });
  const database = openPostgres(bench.appUrl, APP_ROLE, 10);
  try {
    await migrate(owner, APP_ROLE);
    const communeId = randomUUID();
    const serviceId = randomUUID();
    const motifId = uuidv7();
    await owner.query(`INSERT INTO commune (id, slug, name) VALUES ($1, 'banc-d-essai', 'Banc-d’Essai')`, [communeId]);
    await withTenant(database, communeId, async (tx) => {
      await tx.client.query(
        `INSERT INTO service (id, commune_id, slug, name) VALUES ($1, $2, 'etat-civil', 'État civil')`,
        [serviceId, communeId],
      );
      await tx.client.query(
        `INSERT INTO appointment_motif (id, commune_id, service_id, name, duration_minutes, min_delay_hours, max_delay_days)
         VALUES ($1, $2, $3, 'Passeport', 15, 0, 366)`,
        [motifId, communeId, serviceId],
      );
      const agendaIds: string[] = [];
      for (let d = 1; d <= DESKS; d++) {
        const id = uuidv7();
        agendaIds.push(id);
        await tx.client.query(
          `INSERT INTO appointment_agenda (id, commune_id, service_id, place, desk) VALUES ($1, $2, $3, $4, 'Guichet')`,
          [id, communeId, serviceId, `Mairie annexe ${d}`],
        );
        for (let weekday = 1; weekday <= 5; weekday++) {
          for (const [start, end] of [
            [510, 720],
            [810, 1050],
          ]) {
            await tx.client.query(
              `INSERT INTO appointment_opening (id, commune_id, agenda_id, weekday, start_minute, end_minute)
               VALUES ($1, $2, $3, $4, $5, $6)`,
              [uuidv7(), communeId, id, weekday, start, end],
            );
          }
        }
      }
      // 5 000 distinct booked slots among the candidates, chosen by the deterministic generator.
      const { rows: candidates } = await tx.client.query<{ agenda_id: string; starts_at: Date }>(BASELINE_SQL, [
        communeId,
        FROM,
        TO,
      ]);
      const random = rng(42);
      const picked = new Set<number>();
      while (picked.size < BOOKINGS) picked.add(Math.floor(random() * candidates.length));
      const rows = [...picked].map((i) => candidates[i]!);
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        const values = chunk
          .map(
            (_, j) =>
              `($${j * 4 + 1}, $${j * 4 + 2}, $${j * 4 + 3}, $${j * 4 + 4}::timestamptz, $${j * 4 + 4}::timestamptz + interval '15 minutes', 1, 'agent', 'Personne', md5(random()::text || clock_timestamp()::text), '${motifId}')`,
          )
          .join(', ');
        await tx.client.query(
          `INSERT INTO appointment_booking (id, commune_id, agenda_id, starts_at, ends_at, seat, booked_by, name, token_hash, motif_id) VALUES ${values}`,
          chunk.flatMap((r) => [uuidv7(), communeId, r.agenda_id, r.starts_at]),
        );
      }
      ctx.print(
        `${DESKS} desks, ${formatNumber(candidates.length, 0)} slots of 15 min over ${DAYS} days, ${formatNumber(BOOKINGS, 0)} booked`,
      );
    });
    await owner.query('ANALYZE');

    const guichetSearch = () =>
      withTenant(database, communeId, async (tx) => {
        const motif = (await findMotif(tx, communeId, motifId))!;
        const { days } = await motifSlots(tx, communeId, motif, { from: FROM, days: DAYS, now: NOW, byAgent: false });
        return days.flatMap((d) => d.slots.map((s) => `${s.agendaId}|${s.startsAt.toISOString()}`));
      });
    const sqlSearch = () =>
      withTenant(database, communeId, async (tx) => {
        const { rows } = await tx.client.query<{ agenda_id: string; starts_at: Date }>(BASELINE_SQL, [
          communeId,
          FROM,
          TO,
        ]);
        return rows.map((r) => `${r.agenda_id}|${r.starts_at.toISOString()}`);
      });

    const [ours, theirs] = [await guichetSearch(), await sqlSearch()];
    const same = ours.length === theirs.length && [...ours].sort().join() === [...theirs].sort().join();
    ctx.print(
      `free slots: Guichet ${formatNumber(ours.length, 0)}, SQL ${formatNumber(theirs.length, 0)} (same set: ${same})`,
    );

    const sequential = async (work: () => Promise<unknown>) => {
      const times: number[] = [];
      const until = performance.now() + (ctx.seconds * 1000) / 2;
      while (performance.now() < until || times.length < 5) times.push((await timed(work)).ms);
      return times;
    };
    const concurrent = async (work: () => Promise<unknown>) => {
      const { ms, value } = await timed(() => Promise.all(Array.from({ length: CONCURRENT }, () => timed(work))));
      return { wall: ms, times: value.map((v) => v.ms) };
    };
    for (let i = 0; i < 3; i++) await Promise.all([guichetSearch(), sqlSearch()]); // warm-up
    const g = await sequential(guichetSearch);
    const s = await sequential(sqlSearch);
    const gc = await concurrent(guichetSearch);
    const sc = await concurrent(sqlSearch);
    const gp50 = percentile(g, 50);
    const sp50 = percentile(s, 50);
    ctx.print(
      renderTable(
        [
          'search (two months, 10 desks)',
          'p50 ms',
          'p95 ms',
          `${CONCURRENT} at once: wall ms`,
          'p95 ms',
          'ratio (p50)',
        ],
        [
          [
            'SQL: candidates − bookings (baseline)',
            sp50.toFixed(1),
            percentile(s, 95).toFixed(1),
            sc.wall.toFixed(0),
            percentile(sc.times, 95).toFixed(0),
            '1 (baseline)',
          ],
          [
            'Guichet motifSlots',
            gp50.toFixed(1),
            percentile(g, 95).toFixed(1),
            gc.wall.toFixed(0),
            percentile(gc.times, 95).toFixed(0),
            formatRatio(gp50, sp50, 'SQL'),
          ],
        ],
        ['left', 'right', 'right', 'right', 'right', 'right'],
      ),
    );
    ctx.print(`target ≤ 2× the SQL baseline: ${gp50 / sp50 <= 2 ? 'met' : 'NOT met'} (${(gp50 / sp50).toFixed(2)}×)`);
    const file = ctx.writeResults('appointments', {
      desks: DESKS,
      bookings: BOOKINGS,
      days: DAYS,
      freeSlots: ours.length,
      sameSet: same,
      guichet: { p50: gp50, p95: percentile(g, 95), concurrentWall: gc.wall, concurrentP95: percentile(gc.times, 95) },
      sql: { p50: sp50, p95: percentile(s, 95), concurrentWall: sc.wall, concurrentP95: percentile(sc.times, 95) },
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
  name: 'appointments',
  title: 'Slot search over two months and 10 desks against one SQL query',
  run,
};
export default benchmark;
