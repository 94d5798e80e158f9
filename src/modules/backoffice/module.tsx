/**
 * Espace agent: the landing page of agents, élus and leadership in a commune — their roles, the
 * services they work for, and the state of their account's security. Modules add their inboxes
 * and tools here as they arrive.
 */
import type { FastifyInstance } from 'fastify';
import { CROSS_SERVICE_ROLES, hasRole } from '../../platform/authz/actor.js';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import type { GuichetModule } from '../../platform/module.js';
import { listServices } from '../../platform/tenancy/communes.js';
import { SummaryList } from '../../platform/views/components.js';
import { renderRequestPage } from '../../platform/views/page.js';
import { countNewRequestsFor, InboxLink } from '../requests/backoffice/inbox.js';

const ROLE_LABELS: Record<string, string> = {
  citizen: 'usager',
  agent: 'agent',
  councillor: 'élu',
  mayor: 'maire',
  dgs: 'directeur ou directrice générale des services',
  admin: 'administrateur de la commune',
};

export const backofficeModule: GuichetModule = {
  name: 'backoffice',
  registerRoutes(app: FastifyInstance, ctx: AppContext) {
    app.get('/c/:slug/agent', { config: { policy: 'staff' } }, async (request, reply) => {
      const commune = request.commune!;
      const actor = request.actor!;
      const services = await withTenant(ctx.database, commune.id, (tx) => listServices(tx, commune.id));
      const newRequests = await countNewRequestsFor(ctx, commune.id, actor);
      const seesAll = [...actor.roles].some((r) => CROSS_SERVICE_ROLES.has(r));
      const mine = seesAll ? services : services.filter((s) => actor.serviceIds.has(s.id));
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(
          renderRequestPage(request, {
            title: 'Espace agent',
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
                <InboxLink slug={commune.slug} actor={actor} count={newRequests} />
                {hasRole(actor, 'admin', 'mayor', 'dgs') ? (
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
          }),
        );
    });
  },
};
