/**
 * The family portal's KPIs for pilotage (decisions 0052, 0058), from this module's own tables over
 * a period of Paris dates: the enrolments asked for in the period (and, of them, the children
 * enrolled and those still waiting), the invoices issued in the period, the amount invoiced (net
 * of credit notes) and the share of it already paid online. The family portal's activities belong
 * to no service: the source is left out when pilotage filters a service.
 */
import type { Tx } from '../../platform/db/tenant.js';
import type { IndicatorQuery, IndicatorSource } from '../../platform/module.js';
import { parisDayRange } from '../../platform/time/calendar.js';

interface EnrolmentRow {
  asked: number;
  enrolled: number;
  waiting: number;
}
interface InvoiceRow {
  invoices: number;
  net_cents: string | number;
  paid_cents: string | number;
}

export async function familyIndicators(tx: Tx, communeId: string, query: IndicatorQuery) {
  const { start, end } = parisDayRange(query.from, query.to);
  const params = [communeId, start.toISOString(), end.toISOString()];
  const enrolments = await tx.client.query<EnrolmentRow>(
    `SELECT count(*)::int AS asked,
            count(*) FILTER (WHERE status = 'inscrit')::int AS enrolled,
            count(*) FILTER (WHERE status IN ('en_attente', 'place_proposee'))::int AS waiting
       FROM family_enrolment
      WHERE commune_id = $1 AND requested_at >= $2::timestamptz AND requested_at < $3::timestamptz`,
    params,
  );
  // Sums in bigint: a large commune's year exceeds 2^31 cents.
  const invoices = await tx.client.query<InvoiceRow>(
    `SELECT count(*)::int AS invoices,
            coalesce(sum(total_cents - credited_cents), 0)::bigint AS net_cents,
            coalesce(sum(total_cents - credited_cents) FILTER (WHERE status = 'payee'), 0)::bigint AS paid_cents
       FROM family_invoice
      WHERE commune_id = $1 AND issued_at >= $2::timestamptz AND issued_at < $3::timestamptz`,
    params,
  );
  const e = enrolments.rows[0]!;
  const i = invoices.rows[0]!;
  const net = Number(i.net_cents);
  const paid = Number(i.paid_cents);
  return new Map<string, number | null>([
    ['family.enrolments', Number(e.asked)],
    ['family.enrolled', Number(e.enrolled)],
    ['family.waiting', Number(e.waiting)],
    ['family.invoices', Number(i.invoices)],
    ['family.invoiced', net / 100],
    ['family.paid_rate', net ? (paid * 100) / net : null],
  ]);
}

export const familyIndicatorSource: IndicatorSource = {
  title: 'Portail famille',
  order: 50,
  byService: false,
  compute: (tx, communeId, query) => familyIndicators(tx, communeId, query),
  indicators: [
    {
      key: 'family.enrolments',
      label: 'Demandes d’inscription',
      unit: 'count',
      definition:
        'Inscriptions d’enfants à une activité demandées pendant la période (hors service : toute la commune).',
    },
    {
      key: 'family.enrolled',
      label: 'dont inscrits',
      unit: 'count',
      definition: 'Parmi ces demandes, les enfants inscrits aujourd’hui.',
    },
    {
      key: 'family.waiting',
      label: 'dont en liste d’attente',
      unit: 'count',
      definition: 'Parmi ces demandes, celles qui attendent une place ou la réponse à une place proposée.',
    },
    {
      key: 'family.invoices',
      label: 'Factures émises',
      unit: 'count',
      definition: 'Factures du portail famille émises pendant la période, quel que soit le mois facturé.',
    },
    {
      key: 'family.invoiced',
      label: 'Montant facturé',
      unit: 'euros',
      definition: 'Total de ces factures, avoirs déduits.',
    },
    {
      key: 'family.paid_rate',
      label: 'Taux de paiement',
      unit: 'percent',
      definition:
        'Part de ce montant déjà payée en ligne ; une facture passée au rôle est recouvrée par le Trésor public et n’est pas comptée payée ici.',
    },
  ],
};
