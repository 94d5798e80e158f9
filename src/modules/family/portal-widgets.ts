/**
 * The family portal's block on the citizen's own space: « Mes inscriptions » (each child's
 * enrolments and where they stand; a place offered first). Not shown in a commune without
 * activities.
 */
import type { PortalWidgetDefinition } from '../../platform/module.js';
import { formatEuros } from '../../platform/money.js';
import { formatDateTime } from '../../platform/views/format.js';
import { billedMonth } from './billing/invoice-pdf.js';
import { familySpace } from './queries.js';
import { listActivities, listInvoicesOfAccount } from './repo.js';

const LABELS = { inscrit: 'Inscrit', en_attente: 'Liste d’attente', place_proposee: 'Place proposée' } as const;

export const familyPortalWidgets: readonly PortalWidgetDefinition[] = [
  {
    key: 'family.inscriptions',
    title: 'Mes inscriptions',
    order: 25,
    async load(tx, { communeId, communeSlug, accountId }) {
      if ((await listActivities(tx, communeId)).length === 0) return null;
      const base = `/c/${communeSlug}/famille`;
      const { enrolments } = await familySpace(tx, communeId, accountId);
      const live = enrolments
        .filter((e) => e.enrolment.status in LABELS)
        .sort(
          (a, b) => Number(b.enrolment.status === 'place_proposee') - Number(a.enrolment.status === 'place_proposee'),
        );
      return {
        items: live.map(({ enrolment, activityName, rank }) => ({
          href: `${base}#inscription-${enrolment.id}`,
          label: `${enrolment.childName} : ${activityName}`,
          ...(enrolment.status === 'place_proposee'
            ? { meta: `à confirmer avant le ${formatDateTime(enrolment.offeredUntil!)}` }
            : rank
              ? { meta: `rang ${rank}` }
              : {}),
          status: {
            text: LABELS[enrolment.status as keyof typeof LABELS],
            colour: enrolment.status === 'inscrit' ? ('green' as const) : ('yellow' as const),
          },
        })),
        empty: 'Aucun enfant inscrit à une activité.',
        links: [
          { href: base, label: 'Mon espace famille' },
          { href: `${base}/tarifs`, label: 'Simuler vos tarifs' },
        ],
      };
    },
  },
  {
    key: 'family.factures',
    title: 'Mes factures',
    order: 26,
    async load(tx, { communeId, communeSlug, accountId }) {
      const invoices = await listInvoicesOfAccount(tx, communeId, accountId);
      if (invoices.length === 0) return null;
      const base = `/c/${communeSlug}/famille/factures`;
      const due = invoices.filter((i) => i.status === 'a_payer');
      return {
        items: due.map((i) => ({
          href: `${base}/${i.id}`,
          label: `Facture ${i.number} : ${billedMonth(i.month)}`,
          meta: formatEuros(i.totalCents - i.creditedCents),
          status: { text: 'À payer', colour: 'yellow' as const },
        })),
        empty: 'Toutes vos factures sont payées.',
        links: [{ href: base, label: 'Mes factures' }],
      };
    },
  },
];
