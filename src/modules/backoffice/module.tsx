/**
 * Espace agent: the landing page of agents, élus and leadership in a commune — their roles, the
 * services they work for, the state of their account's security, and the tiles the modules
 * contribute (`agentTiles`: the request inbox today), each shown when its route admits them.
 */
import type { FastifyInstance } from 'fastify';
import { CROSS_SERVICE_ROLES } from '../../platform/authz/actor.js';
import { ROLE_LABELS } from '../../platform/authz/roles.js';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import type { GuichetModule } from '../../platform/module.js';
import { listServices } from '../../platform/tenancy/communes.js';
import { routeAdmits } from '../../platform/views/admin-area.js';
import { SummaryList, Tag } from '../../platform/views/components.js';
import { sendPage } from '../../platform/views/page-kit.js';

export const backofficeModule: GuichetModule = {
  name: 'backoffice',
  nav: [{ path: 'agent', label: 'Espace agent', order: 40 }],
  registerRoutes(app: FastifyInstance, ctx: AppContext) {
    app.get('/c/:slug/agent', { config: { policy: 'staff' } }, async (request, reply) => {
      const commune = request.commune!;
      const actor = request.actor!;
      const tiles = ctx.contributions.agentTiles.filter((t) => routeAdmits(request, `/c/:slug/${t.path}`));
      const { services, statuses } = await withTenant(ctx.database, commune.id, async (tx) => ({
        services: await listServices(tx, commune.id),
        statuses: await Promise.all(tiles.map((t) => t.status?.(tx, commune.id, actor) ?? null)),
      }));
      const seesAll = [...actor.roles].some((r) => CROSS_SERVICE_ROLES.has(r));
      const mine = seesAll ? services : services.filter((s) => actor.serviceIds.has(s.id));
      return sendPage(request, reply, {
        title: 'Espace agent',
        workspace: true,
        children: (
          <>
            <h1 class="govuk-heading-xl">Espace agent</h1>
            <SummaryList
              rows={[
                { key: 'Nom', value: actor.displayName },
                { key: 'Rôles', value: [...actor.roles].map((r) => ROLE_LABELS[r] ?? r).join(', ') },
                {
                  key: 'Double authentification',
                  value: actor.mfaVerified ? 'vérifiée pour cette session' : 'non vérifiée pour cette session',
                },
              ]}
            />
            {tiles.map((tile, i) => (
              <p key={tile.path} class="govuk-body">
                <a class="govuk-link" href={`/c/${commune.slug}/${tile.path}`}>
                  {tile.label}
                </a>
                {statuses[i] ? <> — {statuses[i].waiting ? <Tag>{statuses[i].text}</Tag> : statuses[i].text}</> : null}
              </p>
            ))}
            {routeAdmits(request, '/c/:slug/admin') ? (
              <p class="govuk-body">
                <a class="govuk-link" href={`/c/${commune.slug}/admin`}>
                  Administration de la commune : membres, journal de sécurité, cyber-hygiène
                </a>
              </p>
            ) : null}
            <h2 class="govuk-heading-m">{seesAll ? 'Tous les services de la commune' : 'Mes services'}</h2>
            {mine.length === 0 ? (
              <p class="govuk-body">Vous n’êtes rattaché à aucun service.</p>
            ) : (
              <ul class="govuk-list govuk-list--bullet">
                {mine.map((s) => (
                  <li key={s.id}>{s.name}</li>
                ))}
              </ul>
            )}
          </>
        ),
      });
    });
  },
};
