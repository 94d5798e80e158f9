/**
 * The council's KPIs for pilotage (decisions 0052, 0058), from this module's own table of
 * convocations (one proof per élu and séance) over a period of Paris dates: the séances convened,
 * the convocations sent, electronically (mail with the documents, CGCT L2121-10) or by post, and
 * the electronic share. The council belongs to no service: the source is left out when pilotage
 * filters a service.
 */
import type { Tx } from '../../platform/db/tenant.js';
import type { IndicatorQuery, IndicatorSource } from '../../platform/module.js';
import { parisDayRange } from '../../platform/time/calendar.js';

interface Row {
  seances: number;
  convocations: number;
  electronic: number;
}

export async function councilIndicators(tx: Tx, communeId: string, query: IndicatorQuery) {
  const { start, end } = parisDayRange(query.from, query.to);
  const { rows } = await tx.client.query<Row>(
    `SELECT count(DISTINCT seance_id)::int AS seances,
            count(*)::int AS convocations,
            count(*) FILTER (WHERE channel = 'electronique')::int AS electronic
       FROM council_convocation
      WHERE commune_id = $1 AND sent_at >= $2::timestamptz AND sent_at < $3::timestamptz`,
    [communeId, start.toISOString(), end.toISOString()],
  );
  const r = rows[0]!;
  const convocations = Number(r.convocations);
  const electronic = Number(r.electronic);
  return new Map<string, number | null>([
    ['council.seances', Number(r.seances)],
    ['council.convocations', convocations],
    ['council.electronic', electronic],
    ['council.postal', convocations - electronic],
    ['council.electronic_share', convocations ? (electronic * 100) / convocations : null],
  ]);
}

export const councilIndicatorSource: IndicatorSource = {
  title: 'Conseil municipal',
  order: 60,
  byService: false,
  compute: (tx, communeId, query) => councilIndicators(tx, communeId, query),
  indicators: [
    {
      key: 'council.seances',
      label: 'Séances convoquées',
      unit: 'count',
      definition: 'Séances dont les convocations sont parties pendant la période (hors service : toute la commune).',
    },
    {
      key: 'council.convocations',
      label: 'Convocations envoyées',
      unit: 'count',
      definition: 'Une par élu et par séance, à la date de l’envoi ou du dépôt à la poste.',
    },
    {
      key: 'council.electronic',
      label: 'dont par voie électronique',
      unit: 'count',
      definition: 'Convocation, ordre du jour et documents envoyés par courriel, avec preuve d’envoi.',
    },
    {
      key: 'council.postal',
      label: 'dont par courrier postal',
      unit: 'count',
      definition: 'Convocations imprimées pour les élus qui ont demandé le papier.',
    },
    {
      key: 'council.electronic_share',
      label: 'Part envoyée par voie électronique',
      unit: 'percent',
      definition: 'Convocations électroniques sur convocations envoyées.',
    },
  ],
};
