/**
 * The citizen's own space (`/c/<slug>/mon-espace`): the page a citizen lands on after signing in,
 * made of the blocks the modules contribute (`portalWidgets`: my requests and drafts, my
 * documents, later my appointments and invoices) — a shell, not a hub importing modules. Also
 * `/c/<slug>/espace`, where signing in leads when no page was asked for: staff to their
 * workspace (the first contributed agent tile they may open: the inbox), citizens to their space.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isStaff } from '../../platform/authz/actor.js';
import { routeAdmits } from '../../platform/authz/route-admits.js';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import type { GuichetModule, PortalWidgetBlock, PortalWidgetDefinition } from '../../platform/module.js';
import { Tag } from '../../platform/views/components.js';
import { sendPage } from '../../platform/views/page-kit.js';

/** Where a signed-in person goes when no page was asked for. */
export function landingPath(request: FastifyRequest, ctx: AppContext): string {
  const base = `/c/${request.commune!.slug}`;
  if (isStaff(request.actor)) {
    const tile = ctx.contributions.agentTiles.find((t) => routeAdmits(request, `/c/:slug/${t.path}`));
    return tile ? `${base}/${tile.path}` : `${base}/agent`;
  }
  return `${base}/mon-espace`;
}

function Block({ widget, block }: { widget: PortalWidgetDefinition; block: PortalWidgetBlock }) {
  const id = `bloc-${widget.key.replace(/[^a-z0-9]+/gi, '-')}`;
  return (
    <section class="govuk-summary-card" aria-labelledby={id}>
      <div class="govuk-summary-card__title-wrapper">
        <h2 class="govuk-summary-card__title" id={id}>
          {widget.title}
        </h2>
      </div>
      <div class="govuk-summary-card__content">
        {block.items.length === 0 ? (
          <p class="govuk-body">{block.empty}</p>
        ) : (
          <ul class="govuk-list guichet-portal-list">
            {block.items.map((item) => (
              <li key={item.href} class="guichet-portal-list__item">
                <a class="govuk-link govuk-!-font-weight-bold" href={item.href}>
                  {item.label}
                </a>
                {item.status ? (
                  <>
                    {' '}
                    <Tag {...(item.status.colour ? { colour: item.status.colour } : {})}>{item.status.text}</Tag>
                  </>
                ) : null}
                {item.meta ? (
                  <>
                    {' '}
                    <span class="govuk-body-s guichet-portal-list__meta">{item.meta}</span>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {block.links.length > 0 ? (
          <ul class="govuk-list">
            {block.links.map((link) => (
              <li key={link.href}>
                <a class="govuk-link" href={link.href}>
                  {link.label}
                </a>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </section>
  );
}

export const portalModule: GuichetModule = {
  name: 'portal',
  nav: [{ path: 'mon-espace', label: 'Mon espace', order: 50 }],
  registerRoutes(app: FastifyInstance, ctx: AppContext) {
    app.get('/c/:slug/espace', { config: { policy: 'signedIn' } }, async (request, reply) =>
      reply.redirect(landingPath(request, ctx), 303),
    );

    app.get('/c/:slug/mon-espace', { config: { policy: 'signedIn' } }, async (request, reply) => {
      const commune = request.commune!;
      const actor = request.actor!;
      const scope = { communeId: commune.id, communeSlug: commune.slug, accountId: actor.accountId };
      const widgets = ctx.contributions.portalWidgets;
      const blocks = await withTenant(ctx.database, commune.id, async (tx) => {
        const loaded: Array<PortalWidgetBlock | null> = [];
        // One after the other: a transaction holds one connection.
        for (const widget of widgets) loaded.push(await widget.load(tx, scope));
        return loaded;
      });
      const base = `/c/${commune.slug}`;
      return sendPage(request, reply, {
        title: 'Mon espace',
        wide: true,
        children: (
          <>
            <span class="govuk-caption-l">{actor.displayName}</span>
            <h1 class="govuk-heading-xl">Mon espace</h1>
            <p class="govuk-body-l">Vos démarches auprès de la mairie de {commune.name}, au même endroit.</p>
            <ul class="govuk-list">
              <li>
                <a class="govuk-link" href={`${base}/demarches`}>
                  Faire une démarche
                </a>
              </li>
              <li>
                <a class="govuk-link" href={`${base}/contacter-la-mairie`}>
                  Écrire à la mairie
                </a>
              </li>
            </ul>
            <div class="guichet-portal-grid">
              {widgets.map((widget, i) => {
                const block = blocks[i];
                return block ? <Block key={widget.key} widget={widget} block={block} /> : null;
              })}
            </div>
            <p class="govuk-body">
              Mot de passe, double authentification, téléchargement ou suppression de vos données :{' '}
              <a class="govuk-link" href={`${base}/compte`}>
                mon compte
              </a>
              .
            </p>
          </>
        ),
      });
    });
  },
};
