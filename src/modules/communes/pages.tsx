/**
 * Public pages of the instance and of each commune: instance home (list of communes), commune
 * home, services, contact, and the legal pages every French public website must have.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { notFound } from '../../platform/errors.js';
import type { PublicTask } from '../../platform/module.js';
import { findServiceBySlug, listServices } from '../../platform/tenancy/communes.js';
import { Button } from '../../platform/views/components.js';
import { renderRequestPage } from '../../platform/views/page.js';
import { communeTheme } from '../../platform/views/theme.js';
import { LEGAL_PAGES } from './legal.js';
import { renderCommuneLogo } from './logo.js';
import { chosenTasks } from './use-cases/set-top-tasks.js';

/** Links to public tasks; `prominent`: the home page's top tasks, larger. */
function TaskList({
  communeSlug,
  tasks,
  prominent,
}: {
  communeSlug: string;
  tasks: PublicTask[];
  prominent?: boolean;
}) {
  return (
    <ul class={`govuk-list guichet-task-list${prominent ? ' guichet-task-list--prominent' : ''}`}>
      {tasks.map((t) => (
        <li key={t.key} class="guichet-task-list__item">
          <a
            class={`govuk-link govuk-link--no-visited-state${prominent ? ' govuk-!-font-size-24 govuk-!-font-weight-bold' : ''}`}
            href={`/c/${communeSlug}/${t.path}`}
          >
            {t.label}
          </a>
          {t.description ? (
            <p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">{t.description}</p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

const slugParam = z.object({ slug: z.string().max(63) }).strict();
const html = 'text/html; charset=utf-8';

export function registerCommunePages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.get('/', { schema: { hide: true }, config: { policy: 'public' } }, async (request, reply) => {
    const communes = (await ctx.communes.all()).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
    return reply.type(html).send(
      renderRequestPage(request, {
        title: 'Communes',
        children: (
          <>
            <h1 class="govuk-heading-xl">Guichet numérique des communes</h1>
            <p class="govuk-body-l">Choisissez votre commune pour accéder à ses services en ligne, à toute heure.</p>
            {communes.length === 0 ? (
              <p class="govuk-body">Aucune commune n’est encore ouverte sur ce guichet.</p>
            ) : (
              <ul class="govuk-list guichet-commune-list">
                {communes.map((c) => (
                  <li key={c.id} class="guichet-commune-list__item">
                    <h2 class="govuk-heading-m">
                      <a class="govuk-link" href={`/c/${c.slug}/`}>
                        {c.name}
                      </a>
                    </h2>
                    {c.population ? <p class="govuk-body-s">{c.population.toLocaleString('fr-FR')} habitants</p> : null}
                  </li>
                ))}
              </ul>
            )}
          </>
        ),
      }),
    );
  });

  app.get(
    '/c/:slug',
    { schema: { hide: true, params: slugParam }, config: { policy: 'public' } },
    async (request, reply) => reply.redirect(`/c/${encodeURIComponent(request.params.slug)}/`, 301),
  );

  app.get(
    '/c/:slug/',
    { schema: { hide: true, params: slugParam }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const [allServices, open] = await withTenant(ctx.database, commune.id, (tx) =>
        Promise.all([listServices(tx, commune.id), ctx.contributions.publicTasks(tx, commune.id)]),
      );
      const services = allServices.filter((s) => !s.retiredAt);
      const top = chosenTasks(commune, open);
      return reply.type(html).send(
        renderRequestPage(request, {
          title: 'Accueil',
          children: (
            <>
              <h1 class="govuk-heading-xl">Bienvenue sur le guichet numérique de {commune.name}</h1>
              <p class="govuk-body-l">
                Vos services municipaux en ligne, 24 heures sur 24, depuis votre téléphone ou votre ordinateur.
              </p>
              {top.length > 0 ? (
                <section aria-labelledby="titre-taches" class="govuk-!-margin-bottom-8">
                  <h2 class="govuk-heading-l" id="titre-taches">
                    Que souhaitez-vous faire ?
                  </h2>
                  <TaskList communeSlug={commune.slug} tasks={top} prominent />
                </section>
              ) : null}
              <section class="guichet-portal-widget" aria-labelledby="titre-demarches">
                <h2 class="govuk-heading-m" id="titre-demarches">
                  Démarches en ligne
                </h2>
                <ul class="govuk-list">
                  <li>
                    <a class="govuk-link" href={`/c/${commune.slug}/demarches`}>
                      Faire une démarche
                    </a>
                  </li>
                  <li>
                    <a class="govuk-link" href={`/c/${commune.slug}/demandes`}>
                      Mes demandes
                    </a>
                  </li>
                  <li>
                    <a class="govuk-link" href={`/c/${commune.slug}/contacter-la-mairie`}>
                      Contacter la mairie
                    </a>
                  </li>
                </ul>
              </section>
              <div class="govuk-grid-row">
                <div class="govuk-grid-column-two-thirds">
                  <h2 class="govuk-heading-m">Les services de la mairie</h2>
                  <ul class="govuk-list govuk-list--bullet">
                    {services.map((s) => (
                      <li key={s.id}>
                        <a class="govuk-link" href={`/c/${commune.slug}/services/${s.slug}`}>
                          {s.name}
                        </a>
                      </li>
                    ))}
                  </ul>
                </div>
                <div class="govuk-grid-column-one-third">
                  <ContactSummary commune={commune} headingLevel={2} />
                </div>
              </div>
            </>
          ),
        }),
      );
    },
  );

  app.get(
    '/c/:slug/services',
    { schema: { hide: true, params: slugParam }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const services = (await withTenant(ctx.database, commune.id, (tx) => listServices(tx, commune.id))).filter(
        (s) => !s.retiredAt,
      );
      return reply.type(html).send(
        renderRequestPage(request, {
          title: 'Services municipaux',
          children: (
            <>
              <h1 class="govuk-heading-xl">Services municipaux</h1>
              {services.map((s) => (
                <section key={s.id} id={s.slug} aria-labelledby={`titre-${s.slug}`}>
                  <h2 class="govuk-heading-m" id={`titre-${s.slug}`}>
                    <a class="govuk-link" href={`/c/${commune.slug}/services/${s.slug}`}>
                      {s.name}
                    </a>
                  </h2>
                  <p class="govuk-body">{s.description}</p>
                  {s.email ? (
                    <p class="govuk-body">
                      Courriel :{' '}
                      <a class="govuk-link" href={`mailto:${s.email}`}>
                        {s.email}
                      </a>
                    </p>
                  ) : null}
                </section>
              ))}
            </>
          ),
        }),
      );
    },
  );

  app.get(
    '/c/:slug/services/:service',
    {
      schema: { hide: true, params: z.object({ slug: z.string().max(63), service: z.string().max(63) }).strict() },
      config: { policy: 'public' },
    },
    async (request, reply) => {
      const commune = request.commune!;
      const service = await withTenant(ctx.database, commune.id, (tx) =>
        findServiceBySlug(tx, commune.id, request.params.service),
      );
      if (!service) throw notFound('service.not_found', `no service ${request.params.service} in ${commune.slug}`);
      const tasks = (
        await withTenant(ctx.database, commune.id, (tx) => ctx.contributions.publicTasks(tx, commune.id))
      ).filter((t) => t.serviceId === service.id);
      return reply.type(html).send(
        renderRequestPage(request, {
          title: service.name,
          children: (
            <>
              <a class="govuk-back-link" href={`/c/${commune.slug}/services`}>
                Tous les services
              </a>
              <h1 class="govuk-heading-xl">{service.name}</h1>
              <p class="govuk-body-l">{service.description}</p>
              <section aria-labelledby="titre-en-ligne">
                <h2 class="govuk-heading-m" id="titre-en-ligne">
                  Démarches en ligne
                </h2>
                {tasks.length > 0 ? (
                  <TaskList communeSlug={commune.slug} tasks={tasks} />
                ) : (
                  <p class="govuk-body">
                    Ce service n’a pas encore de démarche en ligne.{' '}
                    <a class="govuk-link" href={`/c/${commune.slug}/contacter-la-mairie`}>
                      Écrivez à la mairie
                    </a>{' '}
                    : votre message lui sera transmis.
                  </p>
                )}
              </section>
              {service.email ? (
                <p class="govuk-body">
                  Courriel :{' '}
                  <a class="govuk-link" href={`mailto:${service.email}`}>
                    {service.email}
                  </a>
                </p>
              ) : null}
              <ContactSummary commune={commune} headingLevel={2} />
            </>
          ),
        }),
      );
    },
  );

  app.get(
    '/c/:slug/contact',
    { schema: { hide: true, params: slugParam }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      return reply.type(html).send(
        renderRequestPage(request, {
          title: 'Nous contacter',
          children: (
            <>
              <h1 class="govuk-heading-xl">Nous contacter</h1>
              <p class="govuk-body-l">
                Le plus simple : écrivez à la mairie en ligne, à toute heure. Votre message est transmis au bon service
                et vous recevez un accusé de réception.
              </p>
              <Button href={`/c/${commune.slug}/contacter-la-mairie`}>Écrire à la mairie en ligne</Button>
              <ContactSummary commune={commune} headingLevel={2} />
            </>
          ),
        }),
      );
    },
  );

  for (const page of LEGAL_PAGES) {
    app.get(`/${page.path}`, { schema: { hide: true }, config: { policy: 'public' } }, async (request, reply) =>
      reply.type(html).send(renderRequestPage(request, { title: page.title, children: page.render(null) })),
    );
    app.get(
      `/c/:slug/${page.path}`,
      { schema: { hide: true, params: slugParam }, config: { policy: 'public' } },
      async (request, reply) =>
        reply
          .type(html)
          .send(renderRequestPage(request, { title: page.title, children: page.render(request.commune) })),
    );
  }

  app.get(
    '/theme/:file',
    { schema: { hide: true, params: z.object({ file: z.string().max(80) }) }, config: { policy: 'infrastructure' } },
    async (request, reply) => {
      const match = /^([a-z0-9-]+)\.css$/.exec(request.params.file);
      const commune = match ? await ctx.communes.bySlug(match[1]!) : undefined;
      if (!commune) throw notFound('theme.not_found');
      return reply
        .type('text/css; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .send(communeTheme(commune.brandColour).css);
    },
  );

  // Browsers ask for /favicon.ico on instance pages; commune pages declare their logo instead.
  app.get('/favicon.ico', { schema: { hide: true }, config: { policy: 'infrastructure' } }, async (_request, reply) =>
    reply.status(204).header('cache-control', 'public, max-age=86400').send(),
  );

  app.get(
    '/c/:slug/logo.svg',
    { schema: { hide: true, params: slugParam }, config: { policy: 'infrastructure' } },
    async (request, reply) =>
      reply
        .type('image/svg+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(renderCommuneLogo(request.commune!)),
  );
}

function ContactSummary({
  commune,
  headingLevel,
}: {
  commune: NonNullable<import('fastify').FastifyRequest['commune']>;
  headingLevel: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div class="guichet-contact">
      <Heading class="govuk-heading-m">Mairie de {commune.name}</Heading>
      {commune.address ? <p class="govuk-body">{commune.address}</p> : null}
      {commune.openingHours ? (
        <p class="govuk-body">
          <strong>Horaires :</strong> {commune.openingHours}
        </p>
      ) : null}
      {commune.phone ? (
        <p class="govuk-body">
          Téléphone :{' '}
          <a class="govuk-link" href={`tel:${commune.phone.replace(/\s/g, '')}`}>
            {commune.phone}
          </a>
        </p>
      ) : null}
      {commune.email ? (
        <p class="govuk-body">
          Courriel :{' '}
          <a class="govuk-link" href={`mailto:${commune.email}`}>
            {commune.email}
          </a>
        </p>
      ) : null}
    </div>
  );
}
