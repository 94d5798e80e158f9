/**
 * The requests' blocks on the citizen's own space: « Mes demandes » (the latest, with their
 * status in the démarche's words) and « Mes brouillons » (démarches started, to resume).
 */
import type { PortalWidgetDefinition } from '../../platform/module.js';
import { formatDate, formatDateTime } from '../../platform/views/format.js';
import { CLOSED_STATUSES, positionLabel, storedWorkflow } from '../procedures/index.js';
import { listDraftsOfAccount, listRequestsOfAccount } from './repo.js';
import { STATUS_COLOURS } from './ui.js';

/** Most requests listed on the space; « Mes demandes » lists them all. */
const SHOWN = 5;

export const requestsPortalWidgets: readonly PortalWidgetDefinition[] = [
  {
    key: 'requests.demandes',
    title: 'Mes demandes',
    order: 10,
    async load(tx, { communeId, communeSlug, accountId }) {
      const base = `/c/${communeSlug}`;
      const all = await listRequestsOfAccount(tx, communeId, accountId);
      // Open ones first (they may wait for the citizen), then the latest.
      const sorted = [...all].sort(
        (a, b) => Number(CLOSED_STATUSES.has(a.request.status)) - Number(CLOSED_STATUSES.has(b.request.status)),
      );
      const open = all.filter((r) => !CLOSED_STATUSES.has(r.request.status)).length;
      return {
        items: sorted.slice(0, SHOWN).map(({ request: r, procedureTitle, procedureWorkflow }) => {
          const colour = STATUS_COLOURS[r.status];
          return {
            href: `${base}/demandes/${r.number}`,
            label: procedureTitle ?? r.subject,
            meta: `N° ${r.number}, envoyée le ${formatDate(r.submittedAt)}`,
            status: {
              text: positionLabel(storedWorkflow(procedureWorkflow), r, 'citizen'),
              ...(colour ? { colour } : {}),
            },
          };
        }),
        empty: 'Vous n’avez encore envoyé aucune demande à la mairie.',
        links: [
          {
            href: `${base}/demandes`,
            label:
              all.length === 0
                ? 'Mes demandes'
                : `Toutes mes demandes (${all.length}${open > 0 ? `, dont ${open} en cours` : ''})`,
          },
          { href: `${base}/demarches`, label: 'Faire une nouvelle démarche' },
        ],
      };
    },
  },
  {
    key: 'requests.brouillons',
    title: 'Mes brouillons',
    order: 20,
    async load(tx, { communeId, communeSlug, accountId }) {
      const base = `/c/${communeSlug}`;
      const drafts = await listDraftsOfAccount(tx, communeId, accountId);
      return {
        items: drafts.slice(0, SHOWN).map(({ draft, procedure }) => ({
          href: `${base}/demarches/${procedure.slug}/commencer`,
          label: `Reprendre « ${procedure.title} »`,
          meta: `Modifié le ${formatDateTime(draft.updatedAt)}`,
        })),
        empty: 'Aucune démarche en cours de saisie.',
        links:
          drafts.length > SHOWN ? [{ href: `${base}/demandes`, label: `Tous mes brouillons (${drafts.length})` }] : [],
      };
    },
  },
];
