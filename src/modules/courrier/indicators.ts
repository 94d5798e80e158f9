/**
 * The courrier's KPIs for pilotage (decisions 0052, 0058), from this module's own tables over a
 * period of Paris dates and optionally one service (the service in charge of the mail): incoming
 * mails arrived and closed, the processing time of the closed ones (Paris calendar days from the
 * arrival date to the closing day, median), those closed after their deadline, the mails open and
 * late at the end of the period (or now), and the replies sent by electronic registered letter
 * against those printed for the post.
 */
import type { Tx } from '../../platform/db/tenant.js';
import type { IndicatorQuery, IndicatorSource } from '../../platform/module.js';
import { parisDateOf, parisDayRange } from '../../platform/time/calendar.js';

interface MailRow {
  received: number;
  closed: number;
  closed_late: number;
  median_days: number | null;
  open: number;
  late: number;
}
interface SentRow {
  lre: number;
  paper: number;
}

/**
 * Two queries: the incoming register (every count a FILTER), then the replies sent. A reply's
 * service is its incoming mail's; a letter of the commune's own initiative has none, so it is
 * counted for the whole commune only.
 */
export async function courrierIndicators(tx: Tx, communeId: string, query: IndicatorQuery, now = new Date()) {
  const { start, end } = parisDayRange(query.from, query.to);
  const cutoff = end < now ? end : now;
  const { rows } = await tx.client.query<MailRow>(
    `WITH m AS (
       SELECT arrived_on, due_on, closed_at, (closed_at AT TIME ZONE 'Europe/Paris')::date AS closed_on,
              closed_at >= $4::timestamptz AND closed_at < $5::timestamptz AS closed_in,
              registered_at < $6::timestamptz AND (closed_at IS NULL OR closed_at >= $6::timestamptz) AS open_at_cutoff
         FROM courrier_mail
        WHERE commune_id = $1 AND ($8::uuid IS NULL OR service_id = $8::uuid)
     )
     SELECT count(*) FILTER (WHERE arrived_on BETWEEN $2::date AND $3::date)::int AS received,
            count(*) FILTER (WHERE closed_in)::int AS closed,
            count(*) FILTER (WHERE closed_in AND closed_on > due_on)::int AS closed_late,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY (closed_on - arrived_on)::float8) FILTER (WHERE closed_in) AS median_days,
            count(*) FILTER (WHERE open_at_cutoff)::int AS open,
            count(*) FILTER (WHERE open_at_cutoff AND due_on < $7::date)::int AS late
       FROM m`,
    [
      communeId,
      query.from,
      query.to,
      start.toISOString(),
      end.toISOString(),
      cutoff.toISOString(),
      parisDateOf(cutoff),
      query.serviceId,
    ],
  );
  const sent = await tx.client.query<SentRow>(
    `SELECT count(*) FILTER (WHERE o.channel = 'lre')::int AS lre,
            count(*) FILTER (WHERE o.channel = 'papier')::int AS paper
       FROM courrier_outgoing o
       LEFT JOIN courrier_mail m ON m.commune_id = o.commune_id AND m.id = o.mail_id
      WHERE o.commune_id = $1 AND o.status = 'envoye'
        AND o.sent_at >= $2::timestamptz AND o.sent_at < $3::timestamptz
        AND ($4::uuid IS NULL OR m.service_id = $4::uuid)`,
    [communeId, start.toISOString(), end.toISOString(), query.serviceId],
  );
  const r = rows[0]!;
  const lre = Number(sent.rows[0]!.lre);
  const paper = Number(sent.rows[0]!.paper);
  return new Map<string, number | null>([
    ['courrier.received', Number(r.received)],
    ['courrier.closed', Number(r.closed)],
    ['courrier.median_days', r.median_days === null ? null : Number(r.median_days)],
    ['courrier.closed_late', Number(r.closed_late)],
    ['courrier.open', Number(r.open)],
    ['courrier.late', Number(r.late)],
    ['courrier.lre_sent', lre],
    ['courrier.paper_sent', paper],
    ['courrier.lre_share', lre + paper ? (lre * 100) / (lre + paper) : null],
  ]);
}

export const courrierIndicatorSource: IndicatorSource = {
  title: 'Courrier',
  order: 30,
  byService: true,
  compute: (tx, communeId, query) => courrierIndicators(tx, communeId, query),
  indicators: [
    {
      key: 'courrier.received',
      label: 'Courriers arrivés',
      unit: 'count',
      definition:
        'Courriers enregistrés dont la date d’arrivée tombe dans la période (le service est celui en charge).',
    },
    { key: 'courrier.closed', label: 'Courriers clos', unit: 'count', definition: 'Clos pendant la période.' },
    {
      key: 'courrier.median_days',
      label: 'Délai de traitement médian',
      unit: 'days',
      definition:
        'En jours de calendrier, de la date d’arrivée au jour de clôture, pour les courriers clos pendant la période.',
    },
    {
      key: 'courrier.closed_late',
      label: 'Clos après leur échéance',
      unit: 'count',
      definition: 'Clos pendant la période après la date limite de réponse de leur type.',
    },
    {
      key: 'courrier.open',
      label: 'Non clos en fin de période',
      unit: 'count',
      definition: 'Enregistrés et pas encore clos à la fin de la période (ou maintenant, si elle n’est pas finie).',
    },
    {
      key: 'courrier.late',
      label: 'dont en retard',
      unit: 'count',
      definition: 'Parmi eux, ceux dont la date limite de réponse est passée.',
    },
    {
      key: 'courrier.lre_sent',
      label: 'Réponses envoyées en recommandé électronique',
      unit: 'count',
      definition: 'Réponses signées parties par lettre recommandée électronique pendant la période.',
    },
    {
      key: 'courrier.paper_sent',
      label: 'Réponses envoyées sur papier',
      unit: 'count',
      definition:
        'Réponses signées imprimées pour la poste pendant la période (le registre ne dit pas si elles partent en recommandé).',
    },
    {
      key: 'courrier.lre_share',
      label: 'Part des réponses en recommandé électronique',
      unit: 'percent',
      definition: 'Recommandés électroniques sur réponses envoyées (électroniques et papier).',
    },
  ],
};
