/**
 * The requests' KPIs for pilotage (decision 0052), from this module's own table over a period of
 * Paris dates and optionally one service: received and closed, the share that came online, the
 * processing time (median and 90th percentile, in days, of the requests closed in the period),
 * the ones closed late, and the backlog and late items at the end of the period (or now, for a
 * period not over yet).
 */
import type { Tx } from '../../platform/db/tenant.js';
import type { IndicatorQuery, IndicatorSource } from '../../platform/module.js';
import { parisDayRange } from '../../platform/time/calendar.js';

interface Row {
  received: number;
  counter: number;
  closed: number;
  closed_late: number;
  median_days: number | null;
  p90_days: number | null;
  backlog: number;
  late: number;
}

/**
 * One query: every count is a FILTER over the commune's requests (of the service). Percentiles
 * are `percentile_cont` (linear interpolation between the two nearest durations).
 */
export async function requestIndicators(tx: Tx, communeId: string, query: IndicatorQuery, now = new Date()) {
  const { start, end } = parisDayRange(query.from, query.to);
  const cutoff = end < now ? end : now;
  const { rows } = await tx.client.query<Row>(
    `WITH r AS (
       SELECT channel, submitted_at, closed_at, due_at,
              closed_at >= $2::timestamptz AND closed_at < $3::timestamptz AS closed_in,
              submitted_at < $4::timestamptz AND (closed_at IS NULL OR closed_at >= $4::timestamptz) AS open_at_cutoff
         FROM citizen_request
        WHERE commune_id = $1 AND ($5::uuid IS NULL OR service_id = $5::uuid)
     )
     SELECT count(*) FILTER (WHERE submitted_at >= $2::timestamptz AND submitted_at < $3::timestamptz)::int AS received,
            count(*) FILTER (WHERE submitted_at >= $2::timestamptz AND submitted_at < $3::timestamptz
                               AND channel = 'guichet')::int AS counter,
            count(*) FILTER (WHERE closed_in)::int AS closed,
            count(*) FILTER (WHERE closed_in AND closed_at > due_at)::int AS closed_late,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - submitted_at)::float8 / 86400)
              FILTER (WHERE closed_in) AS median_days,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - submitted_at)::float8 / 86400)
              FILTER (WHERE closed_in) AS p90_days,
            count(*) FILTER (WHERE open_at_cutoff)::int AS backlog,
            count(*) FILTER (WHERE open_at_cutoff AND due_at < $4::timestamptz)::int AS late
       FROM r`,
    [communeId, start.toISOString(), end.toISOString(), cutoff.toISOString(), query.serviceId],
  );
  const r = rows[0]!;
  const received = Number(r.received);
  const counter = Number(r.counter);
  return new Map<string, number | null>([
    ['requests.received', received],
    ['requests.online', received - counter],
    ['requests.counter', counter],
    ['requests.online_share', received ? ((received - counter) * 100) / received : null],
    ['requests.closed', Number(r.closed)],
    ['requests.median_days', r.median_days === null ? null : Number(r.median_days)],
    ['requests.p90_days', r.p90_days === null ? null : Number(r.p90_days)],
    ['requests.closed_late', Number(r.closed_late)],
    ['requests.backlog', Number(r.backlog)],
    ['requests.late', Number(r.late)],
  ]);
}

export const requestsIndicators: IndicatorSource = {
  title: 'Demandes',
  order: 10,
  byService: true,
  compute: (tx, communeId, query) => requestIndicators(tx, communeId, query),
  indicators: [
    { key: 'requests.received', label: 'Demandes reçues', unit: 'count', definition: 'Déposées pendant la période.' },
    {
      key: 'requests.online',
      label: 'dont en ligne',
      unit: 'count',
      definition: 'Reçues par le portail, l’API ou le courriel (tout sauf le guichet).',
    },
    {
      key: 'requests.counter',
      label: 'dont au guichet',
      unit: 'count',
      definition: 'Saisies par un agent au guichet.',
    },
    {
      key: 'requests.online_share',
      label: 'Part reçue en ligne',
      unit: 'percent',
      definition: 'Demandes en ligne sur demandes reçues.',
    },
    { key: 'requests.closed', label: 'Demandes clôturées', unit: 'count', definition: 'Clôturées pendant la période.' },
    {
      key: 'requests.median_days',
      label: 'Délai de traitement médian',
      unit: 'days',
      definition: 'Du dépôt à la clôture, pour les demandes clôturées pendant la période : la moitié a pris moins.',
    },
    {
      key: 'requests.p90_days',
      label: 'Délai de traitement à 90 %',
      unit: 'days',
      definition: '90 % des demandes clôturées pendant la période l’ont été en moins de ce délai.',
    },
    {
      key: 'requests.closed_late',
      label: 'Clôturées en retard',
      unit: 'count',
      definition: 'Clôturées pendant la période après leur date limite de traitement.',
    },
    {
      key: 'requests.backlog',
      label: 'Stock en fin de période',
      unit: 'count',
      definition: 'Déposées et pas encore clôturées à la fin de la période (ou maintenant, si elle n’est pas finie).',
    },
    {
      key: 'requests.late',
      label: 'dont en retard',
      unit: 'count',
      definition: 'Dans ce stock, celles dont la date limite est passée.',
    },
  ],
};
