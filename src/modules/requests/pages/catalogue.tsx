/**
 * The démarches of the citizen portal, before the form: the catalogue by category (with an
 * accent-insensitive search that understands everyday words) and each démarche's start page (what
 * you need, delays, silence rule, a draft to resume), with the ways into the form — « Commencer »,
 * « Tout recommencer », « Refaire cette démarche ».
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { listServices } from '../../../platform/tenancy/communes.js';
import { Button, CsrfField, Input, InsetText, WarningText } from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { type FormBody, formString, sendPage } from '../../../platform/views/page-kit.js';
import { acceptedFormatsText, RichText } from '../../forms/index.js';
import { foldForSearch, matchesCatalogue } from '../catalogue-search.js';
import { loadFlow, loadProcedure } from '../demarche-flow.js';
import { catalogueEntries } from '../public-tasks.js';
import { findDraft } from '../repo.js';
import { redoRequest, restartDraft } from '../use-cases/restart-draft.js';
import { draftOwner, flowBase, procedureParams, refuseAudience, slugParams } from './demarche-kit.js';

const catalogueQuery = z.object({ q: z.string().max(200).optional() }).strict();

export function registerCataloguePages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  // — Catalogue —

  app.get(
    '/c/:slug/demarches',
    { schema: { hide: true, params: slugParams, querystring: catalogueQuery }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const q = (request.query.q ?? '').trim();
      const entries = await withTenant(ctx.database, commune.id, (tx) => catalogueEntries(tx, commune.id));
      // Everyday words count too (« lampadaire » finds the street report): catalogue-search.ts.
      const found = entries.filter(({ procedure: p, summary }) =>
        matchesCatalogue(q, `${p.title} ${p.category} ${summary}`),
      );
      const categories = [...new Set(found.map((e) => e.procedure.category))];
      const base = `/c/${commune.slug}`;
      return sendPage(request, reply, {
        title: q ? `Démarches en ligne : « ${q} »` : 'Démarches en ligne',
        children: (
          <>
            <h1 class="govuk-heading-xl">Démarches en ligne</h1>
            <p class="govuk-body-l">Faites vos démarches auprès de la mairie de {commune.name}, à toute heure.</p>
            <form method="get" action={`${base}/demarches`} class="guichet-search">
              <Input name="q" type="search" label="Rechercher une démarche" value={q} spellcheck={false} />
              <Button variant="secondary" preventDoubleClick={false}>
                Rechercher
              </Button>
            </form>
            {q ? (
              <p class="govuk-body" role="status">
                {found.length === 0
                  ? `Aucune démarche ne correspond à « ${q} ».`
                  : `${found.length} démarche${found.length > 1 ? 's' : ''} pour « ${q} ».`}{' '}
                <a class="govuk-link" href={`${base}/demarches`}>
                  Voir toutes les démarches
                </a>
              </p>
            ) : null}
            {categories.map((category) => (
              <section
                key={category}
                aria-labelledby={`categorie-${foldForSearch(category).replace(/[^a-z0-9]+/g, '-')}`}
              >
                <h2 class="govuk-heading-m" id={`categorie-${foldForSearch(category).replace(/[^a-z0-9]+/g, '-')}`}>
                  {category}
                </h2>
                <ul class="govuk-list">
                  {found
                    .filter((e) => e.procedure.category === category)
                    .map(({ procedure: p, summary }) => (
                      <li key={p.id}>
                        <a class="govuk-link govuk-!-font-weight-bold" href={`${base}/demarches/${p.slug}`}>
                          {p.title}
                        </a>
                        {summary ? <p class="govuk-body-s govuk-!-margin-bottom-3">{summary}</p> : null}
                      </li>
                    ))}
                </ul>
              </section>
            ))}
            <h2 class="govuk-heading-m">Vous ne trouvez pas votre démarche ?</h2>
            <p class="govuk-body">
              <a class="govuk-link" href={`${base}/contacter-la-mairie`}>
                Contactez la mairie
              </a>{' '}
              : votre demande sera transmise au bon service.
            </p>
          </>
        ),
      });
    },
  );

  // — Start page —

  app.get(
    '/c/:slug/demarches/:procedure',
    { schema: { hide: true, params: procedureParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const owner = draftOwner(request);
      const { loaded, draft, serviceName } = await withTenant(ctx.database, commune.id, async (tx) => {
        // The start page presents the démarche as published today, even to a draft of an older form.
        const loaded = await loadProcedure(tx, commune, request.params.procedure);
        const services = await listServices(tx, commune.id);
        return {
          loaded,
          draft: owner ? await findDraft(tx, commune.id, loaded.procedure.id, owner) : undefined,
          serviceName: services.find((s) => s.id === loaded.procedure.serviceId)?.name ?? '',
        };
      });
      const { procedure: p, definition } = loaded;
      const base = flowBase(commune, p.slug);
      // Whether the form asks for an e-mail address it cannot do without (the promise below).
      // (A required address on a page shown only on a condition is not always asked.)
      const emailRequired = definition.pages.some(
        (page) => !page.condition && page.fields.some((f) => f.type === 'email' && f.required && !f.condition),
      );
      const fileFields = definition.pages.flatMap((page) =>
        page.fields.flatMap((f) => [f, ...(f.fields ?? [])]).filter((f) => f.type === 'file'),
      );
      return sendPage(request, reply, {
        title: p.title,
        breadcrumbs: [
          { href: `/c/${commune.slug}/`, label: 'Accueil' },
          { href: `/c/${commune.slug}/demarches`, label: 'Démarches en ligne' },
          { href: base, label: p.title, current: true },
        ],
        children: (
          <>
            <h1 class="govuk-heading-xl">
              <span class="govuk-caption-l">{p.category}</span>
              {p.title}
            </h1>
            {definition.summary ? <RichText text={definition.summary} /> : null}
            <h2 class="govuk-heading-m">Ce dont vous avez besoin</h2>
            <ul class="govuk-list govuk-list--bullet">
              {p.audience === 'signedIn' ? <li>un compte sur le guichet numérique de {commune.name}</li> : null}
              {p.audience === 'signedIn' ? (
                <li>l’adresse électronique de votre compte, où vous recevrez l’accusé de réception et la réponse</li>
              ) : emailRequired ? (
                <li>une adresse électronique, pour recevoir l’accusé de réception et la réponse</li>
              ) : (
                <li>
                  une adresse électronique si vous souhaitez recevoir l’accusé de réception et la réponse par courriel
                  (sans elle, la mairie ne pourra pas vous répondre par écrit)
                </li>
              )}
              {fileFields.map((f) => (
                <li key={f.id}>
                  {f.label} ({acceptedFormatsText(f)}){f.required ? '' : ', si vous en avez'}
                </li>
              ))}
            </ul>
            <p class="govuk-body">
              La démarche compte {definition.pages.length} étape{definition.pages.length > 1 ? 's' : ''}. Vos réponses
              sont enregistrées à chaque étape : vous pouvez vous arrêter et reprendre plus tard.
            </p>
            {definition.legalBasis ? (
              <p class="govuk-body-s">
                <strong>Base légale{'\u00a0'}:</strong> {definition.legalBasis}
              </p>
            ) : null}
            <h2 class="govuk-heading-m">Délais</h2>
            <p class="govuk-body">
              Votre demande est transmise au service {serviceName}. La mairie s’engage à y répondre sous{' '}
              {p.processingDays} jours.
            </p>
            {p.silenceKind && p.silenceDays ? (
              <InsetText>
                {p.silenceKind === 'accord'
                  ? `Silence vaut accord : sans réponse de la mairie ${p.silenceDays} jours après la réception de votre demande complète, elle sera réputée acceptée`
                  : `Silence vaut rejet : sans réponse de la mairie ${p.silenceDays} jours après la réception de votre demande complète, elle sera réputée rejetée`}
                {p.silenceBasis ? ` (${p.silenceBasis})` : ''}. La date exacte figurera sur votre accusé de réception.
              </InsetText>
            ) : null}
            {draft ? (
              <>
                <WarningText>Vous avez commencé cette démarche le {formatDateTime(draft.createdAt)}.</WarningText>
                <div class="govuk-button-group">
                  <Button href={`${base}/commencer`}>Reprendre ma démarche</Button>
                  <form method="post" action={`${base}/recommencer`}>
                    <CsrfField token={reply.generateCsrf()} />
                    <Button variant="secondary">Tout recommencer</Button>
                  </form>
                </div>
              </>
            ) : (
              <Button href={`${base}/commencer`}>Commencer</Button>
            )}
            {p.audience === 'signedIn' && !request.actor ? (
              <p class="govuk-body">
                Cette démarche est réservée aux personnes connectées. Vous n’avez pas de compte ?{' '}
                <a class="govuk-link" href={`/c/${commune.slug}/inscription`}>
                  Créez-en un
                </a>
                .
              </p>
            ) : null}
          </>
        ),
      });
    },
  );

  /** Where to go on entering the flow: the draft's page, or the first page. */
  app.get(
    '/c/:slug/demarches/:procedure/commencer',
    { schema: { hide: true, params: procedureParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const owner = draftOwner(request);
      const { loaded, draft } = await withTenant(ctx.database, commune.id, (tx) =>
        loadFlow(tx, commune, owner, request.params.procedure),
      );
      if (refuseAudience(request, reply, loaded.procedure)) return reply;
      const target = draft?.currentPage ?? loaded.definition.pages[0]!.id;
      return reply.redirect(`${flowBase(commune, loaded.procedure.slug)}/${encodeURIComponent(target)}`, 303);
    },
  );

  app.post(
    '/c/:slug/demarches/:procedure/recommencer',
    { schema: { hide: true, params: procedureParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const slug = await restartDraft(ctx, {
        commune,
        procedureSlug: request.params.procedure,
        owner: draftOwner(request),
      });
      return reply.redirect(`${flowBase(commune, slug)}/commencer`, 303);
    },
  );

  /** "Refaire cette démarche": a new draft from the answers of one of my previous requests. */
  app.post(
    '/c/:slug/demarches/:procedure/refaire',
    { schema: { hide: true, params: procedureParams }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      const commune = request.commune!;
      const { slug, firstPage } = await redoRequest(ctx, {
        commune,
        procedureSlug: request.params.procedure,
        accountId: request.actor!.accountId,
        number: formString(request.body as FormBody, 'numero'),
      });
      return reply.redirect(`${flowBase(commune, slug)}/${encodeURIComponent(firstPage)}`, 303);
    },
  );
}
