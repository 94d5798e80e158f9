/**
 * The parapheur's KPIs for pilotage (decisions 0052, 0058), from this module's own tables over a
 * period of Paris dates and optionally one service (the folder's): folders put into a circuit,
 * circuits completed and folders refused in the period, the circuit time of the completed ones
 * (from the folder's creation to its last step, median and 90th percentile, in days), the
 * folders still in a circuit at the end of the period (or now), and the folders waiting for a
 * signature now.
 */
import type { Tx } from '../../platform/db/tenant.js';
import type { IndicatorQuery, IndicatorSource } from '../../platform/module.js';
import { parisDayRange } from '../../platform/time/calendar.js';

interface Row {
  started: number;
  completed: number;
  refused: number;
  median_days: number | null;
  p90_days: number | null;
  in_circuit: number;
  pending_signatures: number;
}

/**
 * One query over the commune's folders (of the service). The current step is joined for the
 * folders still in a circuit only: « waiting for a signature » is the step being acted on now,
 * which the history does not give back for a past instant (a step taken back restarts).
 */
export async function signatureIndicators(tx: Tx, communeId: string, query: IndicatorQuery, now = new Date()) {
  const { start, end } = parisDayRange(query.from, query.to);
  const cutoff = end < now ? end : now;
  const { rows } = await tx.client.query<Row>(
    `WITH f AS (
       SELECT f.status, f.created_at, f.closed_at, s.kind AS current_kind,
              f.closed_at >= $2::timestamptz AND f.closed_at < $3::timestamptz AS closed_in
         FROM signature_folder f
         LEFT JOIN signature_step s
           ON f.status = 'en_cours' AND s.commune_id = f.commune_id AND s.folder_id = f.id AND s.position = f.current_step
        WHERE f.commune_id = $1 AND ($5::uuid IS NULL OR f.service_id = $5::uuid)
     )
     SELECT count(*) FILTER (WHERE created_at >= $2::timestamptz AND created_at < $3::timestamptz)::int AS started,
            count(*) FILTER (WHERE closed_in AND status = 'termine')::int AS completed,
            count(*) FILTER (WHERE closed_in AND status = 'refuse')::int AS refused,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - created_at)::float8 / 86400)
              FILTER (WHERE closed_in AND status = 'termine') AS median_days,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - created_at)::float8 / 86400)
              FILTER (WHERE closed_in AND status = 'termine') AS p90_days,
            count(*) FILTER (WHERE created_at < $4::timestamptz AND (closed_at IS NULL OR closed_at >= $4::timestamptz))::int AS in_circuit,
            count(*) FILTER (WHERE status = 'en_cours' AND current_kind = 'signature')::int AS pending_signatures
       FROM f`,
    [communeId, start.toISOString(), end.toISOString(), cutoff.toISOString(), query.serviceId],
  );
  const r = rows[0]!;
  const num = (v: number | null) => (v === null ? null : Number(v));
  return new Map<string, number | null>([
    ['signature.started', Number(r.started)],
    ['signature.completed', Number(r.completed)],
    ['signature.refused', Number(r.refused)],
    ['signature.median_circuit_days', num(r.median_days)],
    ['signature.p90_circuit_days', num(r.p90_days)],
    ['signature.in_circuit', Number(r.in_circuit)],
    ['signature.pending_signatures', Number(r.pending_signatures)],
  ]);
}

export const signatureIndicatorSource: IndicatorSource = {
  title: 'Parapheur',
  order: 40,
  byService: true,
  compute: (tx, communeId, query) => signatureIndicators(tx, communeId, query),
  indicators: [
    {
      key: 'signature.started',
      label: 'Dossiers mis en circuit',
      unit: 'count',
      definition: 'Dossiers déposés au parapheur pendant la période (le service est celui du dossier).',
    },
    {
      key: 'signature.completed',
      label: 'Circuits terminés',
      unit: 'count',
      definition: 'Dossiers dont la dernière étape (visa ou signature) a été faite pendant la période.',
    },
    {
      key: 'signature.refused',
      label: 'Dossiers refusés',
      unit: 'count',
      definition: 'Dossiers refusés à une étape pendant la période.',
    },
    {
      key: 'signature.median_circuit_days',
      label: 'Durée médiane d’un circuit',
      unit: 'days',
      definition:
        'Du dépôt du dossier à sa dernière étape, pour les circuits terminés pendant la période (refus exclus) : la moitié a pris moins.',
    },
    {
      key: 'signature.p90_circuit_days',
      label: 'Durée d’un circuit à 90 %',
      unit: 'days',
      definition: '90 % des circuits terminés pendant la période l’ont été en moins de ce délai.',
    },
    {
      key: 'signature.in_circuit',
      label: 'Dossiers en circuit en fin de période',
      unit: 'count',
      definition: 'Déposés et ni terminés ni refusés à la fin de la période (ou maintenant, si elle n’est pas finie).',
    },
    {
      key: 'signature.pending_signatures',
      label: 'En attente de signature aujourd’hui',
      unit: 'count',
      definition: 'Maintenant, quelle que soit la période : dossiers dont l’étape en cours est une signature.',
    },
  ],
};
