/**
 * The appointments' KPIs over a period (decision 0052), table-driven on both engines: an
 * appointment belongs to the period of its start (Paris midnights), cancellations are apart,
 * the no-show rate is over the appointments already held, the median booking lead time and the
 * walk-in median wait interpolate (`percentile_cont`), and the service is the motif's.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { findServiceBySlug } from '../../platform/tenancy/communes.js';
import { parisDateOf } from '../../platform/time/calendar.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { secondCommune } from '../../test/factories.js';
import { appointmentIndicators } from './indicators.js';
import { insertAgenda, insertBooking, insertMotif } from './repo.js';

const DAY = 86_400_000;
type Service = 'etat-civil' | 'urbanisme';
interface BookingRow {
  starts: string;
  bookedDaysBefore?: number;
  status?: 'confirme' | 'annule' | 'arrive' | 'absent';
  service?: Service;
}
interface TicketRow {
  at: string;
  waitMinutes?: number;
  cancelled?: boolean;
}
interface Case {
  name: string;
  bookings?: BookingRow[];
  tickets?: TicketRow[];
  from: string;
  to: string;
  service?: Service;
  now?: string;
  expected: Record<string, number | null>;
}

const CASES: Case[] = [
  {
    name: 'appointments of the period by their start, Paris midnights; cancellations apart',
    from: '2026-10-01',
    to: '2026-10-31',
    bookings: [
      { starts: '2026-09-30T21:59:00Z' }, // 30 September 23:59 in Paris
      { starts: '2026-09-30T22:00:00Z', status: 'arrive' }, // 1 October 00:00 (summer time)
      { starts: '2026-10-31T22:59:00Z', status: 'arrive' }, // 31 October 23:59 (winter time)
      { starts: '2026-10-31T23:00:00Z' }, // 1 November 00:00
      { starts: '2026-10-15T08:00:00Z', status: 'annule' },
    ],
    expected: { 'appointments.bookings': 2, 'appointments.cancelled': 1, 'appointments.no_shows': 0 },
  },
  {
    name: 'no-show rate over the appointments already held (1 absent of 4 held; one to come)',
    from: '2026-10-01',
    to: '2026-10-31',
    now: '2026-10-20T12:00:00Z',
    bookings: [
      { starts: '2026-10-05T08:00:00Z', status: 'arrive' },
      { starts: '2026-10-06T08:00:00Z', status: 'absent' },
      { starts: '2026-10-07T08:00:00Z', status: 'arrive' },
      { starts: '2026-10-08T08:00:00Z' }, // not checked in, but held
      { starts: '2026-10-28T08:00:00Z' }, // still to come
    ],
    expected: { 'appointments.bookings': 5, 'appointments.no_shows': 1, 'appointments.no_show_rate': 25 },
  },
  {
    name: 'median lead time: booked 1, 2, 7 days before → 2 days',
    from: '2026-10-01',
    to: '2026-10-31',
    bookings: [1, 7, 2].map((d, i) => ({
      starts: `2026-10-12T1${i}:00:00Z`,
      bookedDaysBefore: d,
      status: 'arrive' as const,
    })),
    expected: { 'appointments.median_lead_days': 2 },
  },
  {
    name: 'walk-in median wait: 5, 10, 20, 45 minutes → 15; a cancelled ticket is not counted',
    from: '2026-10-01',
    to: '2026-10-31',
    tickets: [
      { at: '2026-10-05T08:00:00Z', waitMinutes: 5 },
      { at: '2026-10-05T08:00:00Z', waitMinutes: 45 },
      { at: '2026-10-05T08:00:00Z', waitMinutes: 10 },
      { at: '2026-10-05T08:00:00Z', waitMinutes: 20 },
      { at: '2026-10-05T08:00:00Z', cancelled: true },
    ],
    expected: { 'appointments.tickets': 4, 'appointments.median_wait_minutes': 15 },
  },
  {
    name: 'nothing in the period: no rate, no median',
    from: '2026-10-01',
    to: '2026-10-31',
    expected: {
      'appointments.bookings': 0,
      'appointments.no_show_rate': null,
      'appointments.median_lead_days': null,
      'appointments.median_wait_minutes': null,
    },
  },
  {
    name: 'one service (the motif’s)',
    from: '2026-10-01',
    to: '2026-10-31',
    service: 'urbanisme',
    bookings: [
      { starts: '2026-10-05T08:00:00Z', service: 'urbanisme', status: 'absent' },
      { starts: '2026-10-05T08:00:00Z', service: 'etat-civil' },
      { starts: '2026-10-06T08:00:00Z', service: 'etat-civil' },
    ],
    expected: { 'appointments.bookings': 1, 'appointments.no_shows': 1, 'appointments.no_show_rate': 100 },
  },
];

describe.each(TEST_ENGINES)('appointments KPIs over a period (%s)', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(() => t?.close());

  it.each(CASES)('$name', async (c) => {
    const commune = await secondCommune(t, {
      services: [
        { slug: 'etat-civil', name: 'État civil' },
        { slug: 'urbanisme', name: 'Urbanisme' },
      ],
    });
    const values = await withTenant(t.runtime.database, commune.id, async (tx) => {
      const motifs = new Map<Service, { motifId: string; agendaId: string; serviceId: string }>();
      for (const slug of ['etat-civil', 'urbanisme'] as const) {
        const serviceId = (await findServiceBySlug(tx, commune.id, slug))!.id;
        const agendaId = await insertAgenda(tx, {
          communeId: commune.id,
          serviceId,
          place: 'Mairie',
          desk: `Guichet ${slug}`,
          address: '1 place de la Mairie',
          alsaceMoselle: false,
        });
        const motifId = await insertMotif(tx, {
          communeId: commune.id,
          serviceId,
          name: 'Dépôt',
          kind: 'guichet',
          durationMinutes: 15,
          bufferMinutes: 0,
          capacity: 1,
          minDelayHours: 0,
          maxDelayDays: 60,
          bookableBy: 'public',
          documents: '',
          reminderHours: [],
          walkIn: true,
        });
        motifs.set(slug, { motifId, agendaId, serviceId });
      }
      for (const b of c.bookings ?? []) {
        const m = motifs.get(b.service ?? 'etat-civil')!;
        const startsAt = new Date(b.starts);
        const id = await insertBooking(tx, {
          communeId: commune.id,
          agendaId: m.agendaId,
          motifId: m.motifId,
          startsAt,
          endsAt: new Date(startsAt.getTime() + 15 * 60_000),
          seat: 1,
          bookedBy: 'visitor',
          name: 'Jean Dupont',
          tokenHash: randomUUID(),
        });
        await tx.client.query('UPDATE appointment_booking SET status = $2, created_at = $3 WHERE id = $1', [
          id,
          b.status ?? 'confirme',
          new Date(startsAt.getTime() - (b.bookedDaysBefore ?? 3) * DAY).toISOString(),
        ]);
      }
      let number = 0;
      for (const ticket of c.tickets ?? []) {
        const at = new Date(ticket.at);
        number += 1;
        await tx.client.query(
          `INSERT INTO appointment_ticket (id, commune_id, motif_id, day, number, status, channel, token_hash, created_at, called_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'borne', $7, $8, $9)`,
          [
            randomUUID(),
            commune.id,
            motifs.get('etat-civil')!.motifId,
            parisDateOf(at),
            number,
            ticket.cancelled ? 'annule' : 'servi',
            randomUUID(),
            at.toISOString(),
            ticket.waitMinutes === undefined
              ? null
              : new Date(at.getTime() + ticket.waitMinutes * 60_000).toISOString(),
          ],
        );
      }
      const serviceId = c.service ? motifs.get(c.service)!.serviceId : null;
      return appointmentIndicators(
        tx,
        commune.id,
        { from: c.from, to: c.to, serviceId },
        new Date(c.now ?? '2027-06-01T00:00:00Z'),
      );
    });
    for (const [key, expected] of Object.entries(c.expected)) {
      const value = values.get(key);
      if (expected === null) expect(value, key).toBeNull();
      else expect(value, key).toBeCloseTo(expected, 9);
    }
  });
});
