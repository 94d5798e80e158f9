/**
 * OPSN operator pages, at instance level: the communes of the instance with a few figures, and
 * the opening of a new commune with its first administrator (invited by e-mail). Operators
 * administer communes; they do not read the citizens' files (no route here shows them).
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import type { GuichetModule } from '../../platform/module.js';
import {
  Button,
  Checkboxes,
  CsrfField,
  ErrorSummary,
  errorSummaryItems,
  type FieldErrors,
  Input,
  Table,
  titleWithErrors,
} from '../../platform/views/components.js';
import { formatNumber } from '../../platform/views/format.js';
import { renderRequestPage } from '../../platform/views/page.js';
import { stringValue } from '../../platform/views/page-kit.js';
import { createCommune } from '../communes/index.js';
import { inviteMember } from '../identity/index.js';

const html = 'text/html; charset=utf-8';
type Body = Record<string, unknown>;
const field = (body: Body, key: string) => stringValue(body[key]);

/** Default services of a new commune; the commune's admin adjusts them. */
const DEFAULT_SERVICES = [
  { slug: 'accueil', name: 'Accueil', description: 'Renseignements et orientation.' },
  { slug: 'etat-civil', name: 'État civil', description: 'Actes, livrets de famille, recensement citoyen.' },
  { slug: 'urbanisme', name: 'Urbanisme', description: 'Autorisations d’urbanisme.' },
  { slug: 'services-techniques', name: 'Services techniques', description: 'Voirie, propreté, espaces verts.' },
];

export const operatorModule: GuichetModule = {
  name: 'operator',
  registerRoutes(app: FastifyInstance, ctx: AppContext) {
    // Instance-level sign-in: accounts are shared by the instance, sign-in happens on a commune.
    app.get('/connexion', { config: { policy: 'anonymous' } }, async (request, reply) => {
      const back = (request.query as Body).retour;
      const retour = typeof back === 'string' && /^\/(?!\/)[^\s\\]*$/.test(back) ? back : undefined;
      const communes = (await ctx.communes.all()).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
      return reply.type(html).send(
        renderRequestPage(request, {
          title: 'Se connecter',
          children: (
            <>
              <h1 class="govuk-heading-xl">Se connecter</h1>
              <p class="govuk-body">
                Votre compte est valable pour toutes les communes de ce guichet. Choisissez la commune depuis laquelle
                vous vous connectez :
              </p>
              <ul class="govuk-list">
                {communes.map((c) => (
                  <li key={c.id}>
                    <a
                      class="govuk-link"
                      href={`/c/${c.slug}/connexion${retour ? `?retour=${encodeURIComponent(retour)}` : ''}`}
                    >
                      {c.name}
                    </a>
                  </li>
                ))}
              </ul>
            </>
          ),
        }),
      );
    });

    app.get('/operateur', { config: { policy: 'operator' } }, async (request, reply) => {
      const communes = await ctx.communes.all();
      const figures = ctx.contributions.figures;
      const rows = [];
      for (const commune of communes.sort((a, b) => a.name.localeCompare(b.name, 'fr'))) {
        const values = await withTenant(ctx.database, commune.id, (tx) => ctx.contributions.figuresOf(tx, commune.id));
        rows.push([
          <a key={commune.id} class="govuk-link" href={`/c/${commune.slug}/`}>
            {commune.name}
          </a>,
          commune.population ? formatNumber(commune.population) : '—',
          commune.simpleMode ? 'simple' : 'complet',
          ...figures.map((f) => (f.format ?? formatNumber)(values.get(f.key) ?? 0)),
        ]);
      }
      const created = (request.query as Body).creee;
      return reply
        .type(html)
        .header('cache-control', 'no-store')
        .send(
          renderRequestPage(request, {
            title: 'Espace opérateur',
            ...(typeof created === 'string'
              ? {
                  notice: {
                    kind: 'success' as const,
                    title: 'La commune a été ouverte.',
                    text: 'Son administrateur a reçu une invitation par courriel.',
                  },
                }
              : {}),
            children: (
              <>
                <h1 class="govuk-heading-xl">Espace opérateur</h1>
                <p class="govuk-body">
                  Les communes de ce guichet. Les opérateurs administrent les communes ; ils n’ont pas accès aux
                  dossiers des usagers.
                </p>
                <Table
                  caption="Communes"
                  columns={[
                    { label: 'Commune' },
                    { label: 'Habitants', numeric: true },
                    { label: 'Mode' },
                    ...figures.map((f) => ({ label: f.label, numeric: true })),
                  ]}
                  rows={rows}
                />
                <p class="govuk-body">
                  <a class="govuk-link" href="/operateur/pilotage">
                    Pilotage des communes : demandes, délais et rendez-vous par période
                  </a>
                </p>
                <Button href="/operateur/communes/nouvelle">Ouvrir une nouvelle commune</Button>
              </>
            ),
          }),
        );
    });

    function newCommuneForm(request: FastifyRequest, reply: FastifyReply, values: Body, errors: FieldErrors = {}) {
      const order = [
        'name',
        'slug',
        'population',
        'brandColour',
        'email',
        'adminEmail',
        'adminGivenName',
        'adminFamilyName',
      ];
      const summary = errorSummaryItems(errors, order);
      return reply
        .status(summary.length ? 422 : 200)
        .type(html)
        .header('cache-control', 'no-store')
        .send(
          renderRequestPage(request, {
            title: titleWithErrors('Ouvrir une nouvelle commune', summary.length > 0),
            children: (
              <div class="govuk-grid-row">
                <div class="govuk-grid-column-two-thirds">
                  <ErrorSummary errors={summary} />
                  <h1 class="govuk-heading-xl">Ouvrir une nouvelle commune</h1>
                  <form method="post" action="/operateur/communes/nouvelle" novalidate>
                    <CsrfField token={reply.generateCsrf()} />
                    <Input name="name" label="Nom de la commune" value={field(values, 'name')} error={errors.name} />
                    <Input
                      name="slug"
                      label="Identifiant dans les adresses"
                      hint="Lettres minuscules sans accent, chiffres et tirets, par exemple saint-aubin-les-pres."
                      spellcheck={false}
                      value={field(values, 'slug')}
                      error={errors.slug}
                    />
                    <Input
                      name="population"
                      label="Nombre d’habitants"
                      inputmode="numeric"
                      width={10}
                      value={field(values, 'population')}
                      error={errors.population}
                    />
                    <Input
                      name="brandColour"
                      label="Couleur principale"
                      hint="Au format #rrggbb, par exemple #1d70b8."
                      width={10}
                      value={field(values, 'brandColour') || '#1d70b8'}
                      error={errors.brandColour}
                    />
                    <Input
                      name="email"
                      type="email"
                      label="Adresse électronique de la mairie"
                      autocomplete="off"
                      spellcheck={false}
                      value={field(values, 'email')}
                      error={errors.email}
                    />
                    <Checkboxes
                      name="simpleMode"
                      legend="Très petite commune"
                      values={field(values, 'simpleMode') === 'oui' ? ['oui'] : []}
                      items={[
                        {
                          value: 'oui',
                          label:
                            'Mode simple : les demandes sont envoyées par courriel au secrétariat, sans espace agent',
                        },
                      ]}
                    />
                    <h2 class="govuk-heading-m">Premier administrateur de la commune</h2>
                    <Input
                      name="adminGivenName"
                      label="Prénom"
                      value={field(values, 'adminGivenName')}
                      error={errors.adminGivenName}
                    />
                    <Input
                      name="adminFamilyName"
                      label="Nom"
                      value={field(values, 'adminFamilyName')}
                      error={errors.adminFamilyName}
                    />
                    <Input
                      name="adminEmail"
                      type="email"
                      label="Adresse électronique"
                      spellcheck={false}
                      value={field(values, 'adminEmail')}
                      error={errors.adminEmail}
                    />
                    <Button>Ouvrir la commune et inviter son administrateur</Button>
                  </form>
                </div>
              </div>
            ),
          }),
        );
    }

    app.get('/operateur/communes/nouvelle', { config: { policy: 'operator' } }, async (request, reply) =>
      newCommuneForm(request, reply, {}),
    );

    app.post('/operateur/communes/nouvelle', { config: { policy: 'operator' } }, async (request, reply) => {
      const body = (request.body ?? {}) as Body;
      const errors: Record<string, string> = {};
      const population = field(body, 'population').trim();
      if (population && !/^\d{1,7}$/.test(population))
        errors.population = 'Saisissez un nombre d’habitants entier, par exemple 1200.';
      const adminEmail = field(body, 'adminEmail').trim();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(adminEmail))
        errors.adminEmail = 'Saisissez l’adresse électronique du premier administrateur.';
      if (!field(body, 'adminGivenName').trim()) errors.adminGivenName = 'Saisissez le prénom de l’administrateur.';
      if (!field(body, 'adminFamilyName').trim()) errors.adminFamilyName = 'Saisissez le nom de l’administrateur.';
      if (Object.keys(errors).length > 0) return newCommuneForm(request, reply, body, errors);
      let commune: Awaited<ReturnType<typeof createCommune>>;
      try {
        commune = await createCommune(
          ctx.database,
          {
            name: field(body, 'name'),
            slug: field(body, 'slug').trim(),
            population: population ? Number(population) : null,
            brandColour: field(body, 'brandColour').trim() || '#1d70b8',
            email: field(body, 'email').trim() || null,
            simpleMode: field(body, 'simpleMode') === 'oui',
            services: DEFAULT_SERVICES,
          },
          { type: 'operator', id: request.actor!.accountId },
        );
      } catch (error) {
        if (error instanceof AppError && error.fields) {
          const messages: Record<string, string> = {
            name: 'Saisissez le nom de la commune.',
            slug: 'Saisissez un identifiant en lettres minuscules sans accent, chiffres et tirets.',
            brandColour: 'Saisissez une couleur au format #rrggbb.',
            email: 'Saisissez une adresse électronique valide.',
          };
          const fields = Object.fromEntries(
            Object.entries(error.fields).map(([k, v]) => [
              k,
              error.code === 'commune.slug_taken' ? v : (messages[k] ?? v),
            ]),
          );
          return newCommuneForm(request, reply, body, fields);
        }
        throw error;
      }
      await ctx.communes.reload();
      await inviteMember(
        ctx,
        commune,
        request.actor!,
        {
          email: adminEmail,
          givenName: field(body, 'adminGivenName'),
          familyName: field(body, 'adminFamilyName'),
          role: 'admin',
          services: [],
        },
        request,
      );
      return reply.redirect(`/operateur?creee=${encodeURIComponent(commune.slug)}`, 303);
    });
  },
};
