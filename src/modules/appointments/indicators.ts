/**
 * The appointments' KPIs for pilotage (decision 0052), from this module's own tables over a
 * period of Paris dates and optionally one service (the motif's): appointments of the period
 * (by their start), cancellations, no-shows and their rate among the appointments already held,
 * the median time between booking and appointment, and the walk-in queue's tickets and median
 * wait (taken → called).
 */
import type { Tx } from '../../platform/db/tenant.js';
import type { IndicatorQuery, IndicatorSource } from '../../platform/module.js';
import { parisDayRange } from '../../platform/time/calendar.js';

interface BookingRow {
  bookings: number;
  cancelled: number;
  no_shows: number;
  held: number;
  median_lead_days: number | null;
}
interface TicketRow {
  tickets: number;
  median_wait_minutes: number | null;
}

export async function appointmentIndicators(tx: Tx, communeId: string, query: IndicatorQuery, now = new Date()) {
  const { start, end } = parisDayRange(query.from, query.to);
  const cutoff = end < now ? end : now;
  const params = [communeId, start.toISOString(), end.toISOString(), query.serviceId];
  const { rows } = await tx.client.query<BookingRow>(
    `SELECT count(*) FILTER (WHERE b.status <> 'annule')::int AS bookings,
            count(*) FILTER (WHERE b.status = 'annule')::int AS cancelled,
            count(*) FILTER (WHERE b.status = 'absent')::int AS no_shows,
            count(*) FILTER (WHERE b.status IN ('arrive', 'absent') OR (b.status = 'confirme' AND b.starts_at < $5::timestamptz))::int AS held,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM b.starts_at - b.created_at)::float8 / 86400)
              FILTER (WHERE b.status <> 'annule') AS median_lead_days
       FROM appointment_booking b JOIN appointment_motif m ON m.id = b.motif_id AND m.commune_id = b.commune_id
      WHERE b.commune_id = $1 AND b.starts_at >= $2::timestamptz AND b.starts_at < $3::timestamptz
        AND ($4::uuid IS NULL OR m.service_id = $4::uuid)`,
    [...params, cutoff.toISOString()],
  );
  const tickets = await tx.client.query<TicketRow>(
    `SELECT count(*) FILTER (WHERE t.status <> 'annule')::int AS tickets,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.called_at - t.created_at)::float8 / 60)
              FILTER (WHERE t.called_at IS NOT NULL) AS median_wait_minutes
       FROM appointment_ticket t JOIN appointment_motif m ON m.id = t.motif_id AND m.commune_id = t.commune_id
      WHERE t.commune_id = $1 AND t.created_at >= $2::timestamptz AND t.created_at < $3::timestamptz
        AND ($4::uuid IS NULL OR m.service_id = $4::uuid)`,
    params,
  );
  const b = rows[0]!;
  const t = tickets.rows[0]!;
  const held = Number(b.held);
  const num = (v: number | null) => (v === null ? null : Number(v));
  return new Map<string, number | null>([
    ['appointments.bookings', Number(b.bookings)],
    ['appointments.cancelled', Number(b.cancelled)],
    ['appointments.no_shows', Number(b.no_shows)],
    ['appointments.no_show_rate', held ? (Number(b.no_shows) * 100) / held : null],
    ['appointments.median_lead_days', num(b.median_lead_days)],
    ['appointments.tickets', Number(t.tickets)],
    ['appointments.median_wait_minutes', num(t.median_wait_minutes)],
  ]);
}

export const appointmentsIndicators: IndicatorSource = {
  title: 'Rendez-vous et accueil',
  order: 20,
  byService: true,
  compute: (tx, communeId, query) => appointmentIndicators(tx, communeId, query),
  indicators: [
    {
      key: 'appointments.bookings',
      label: 'Rendez-vous',
      unit: 'count',
      definition: 'Rendez-vous non annulés dont l’heure tombe dans la période.',
    },
    {
      key: 'appointments.cancelled',
      label: 'Rendez-vous annulés',
      unit: 'count',
      definition: 'Annulés, prévus dans la période.',
    },
    {
      key: 'appointments.no_shows',
      label: 'Absences',
      unit: 'count',
      definition: 'Personnes qui ne sont pas venues à leur rendez-vous.',
    },
    {
      key: 'appointments.no_show_rate',
      label: 'Taux d’absence',
      unit: 'percent',
      definition: 'Absences sur rendez-vous déjà passés (venus, absents ou non pointés).',
    },
    {
      key: 'appointments.median_lead_days',
      label: 'Délai médian pour obtenir un rendez-vous',
      unit: 'days',
      definition: 'De la prise du rendez-vous à son heure.',
    },
    {
      key: 'appointments.tickets',
      label: 'Tickets de la file d’attente',
      unit: 'count',
      definition: 'Tickets pris à l’accueil sans rendez-vous.',
    },
    {
      key: 'appointments.median_wait_minutes',
      label: 'Attente médiane à l’accueil',
      unit: 'minutes',
      definition: 'Du ticket à l’appel au guichet.',
    },
  ],
};
