/**
 * The profile's block on the citizen's own space: « Mes justificatifs » (the vault) with each
 * document's validity, and the way to the profile (« dites-le-nous une fois »).
 */
import type { PortalWidgetDefinition } from '../../platform/module.js';
import { DOCUMENT_KIND_RULES, DOCUMENT_STATUS_LABELS } from '../forms/index.js';
import { listDocuments, validityText } from './vault.js';

/** Most documents listed on the space; the vault page lists them all. */
const SHOWN = 5;

export const profilePortalWidgets: readonly PortalWidgetDefinition[] = [
  {
    key: 'profile.justificatifs',
    title: 'Mes justificatifs et mon profil',
    order: 30,
    async load(tx, { communeSlug, accountId }) {
      const base = `/c/${communeSlug}/compte`;
      const documents = await listDocuments(tx, accountId);
      return {
        items: documents.slice(0, SHOWN).map((d) => ({
          href: `${base}/justificatifs/${d.id}/telecharger`,
          label: `${DOCUMENT_KIND_RULES[d.kind].label} : ${d.name}`,
          meta: validityText(d.validUntil),
          ...(d.status === 'valide'
            ? {}
            : {
                status: {
                  text: DOCUMENT_STATUS_LABELS[d.status],
                  colour: d.status === 'expire' ? ('red' as const) : ('orange' as const),
                },
              }),
        })),
        empty:
          'Vous n’avez encore enregistré aucun justificatif : ajoutez-en un pour ne plus le fournir à chaque démarche.',
        links: [
          {
            href: `${base}/justificatifs`,
            label:
              documents.length > SHOWN ? `Tous mes justificatifs (${documents.length})` : 'Gérer mes justificatifs',
          },
          { href: `${base}/profil`, label: 'Mon profil : coordonnées et foyer' },
        ],
      };
    },
  },
];
