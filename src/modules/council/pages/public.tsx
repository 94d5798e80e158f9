/**
 * The commune's published acts (/c/<slug>/deliberations), for everyone and without an account:
 * the délibérations and procès-verbaux put online, searched by year and keyword (a plain GET
 * form: it works without JavaScript), each with its PDF, its SHA-256 and the date it was put
 * online — the date from which the act is enforceable (CGCT L2131-1). The SCDL open-data file
 * is linked from here.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { notFound } from '../../../platform/errors.js';
import {
  Button,
  type FieldErrors,
  Input,
  InsetText,
  Select,
  SummaryList,
  TextLink,
} from '../../../platform/views/components.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { formString, sendPage } from '../../../platform/views/page-kit.js';
import {
  councilSiret,
  publicationYears,
  publishedDeliberations,
  publishedMinutes,
  publishedPdf,
} from '../publication.js';
import { day } from './ui.js';

const PUBLIC = { config: { policy: 'public' as const } };

export const publicBase = (request: FastifyRequest) => `/c/${request.commune!.slug}/deliberations`;

/** Reads the search form; a bad year or keyword is a French message, not a 500. */
export function readSearch(query: unknown): { year: number | null; keyword: string | null; errors: FieldErrors } {
  const errors: Record<string, string> = {};
  const rawYear = formString(query, 'annee').trim();
  const keyword = formString(query, 'q').trim();
  let year: number | null = null;
  if (rawYear) {
    if (/^\d{4}$/.test(rawYear) && Number(rawYear) >= 1790 && Number(rawYear) <= 2999) year = Number(rawYear);
    else errors.annee = 'Choisissez une année sur quatre chiffres, par exemple 2026.';
  }
  if (keyword.length > 100) errors.q = 'Le mot-clé ne doit pas dépasser 100 caractères.';
  return { year, keyword: keyword && !errors.q ? keyword : null, errors };
}

export function registerPublicPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/deliberations', PUBLIC, async (request, reply) => {
    const commune = request.commune!;
    const base = publicBase(request);
    const search = readSearch(request.query);
    const failed = Object.keys(search.errors).length > 0;
    const filter = failed ? {} : { year: search.year, keyword: search.keyword };
    const [acts, minutes, years, siret] = await Promise.all([
      failed ? [] : publishedDeliberations(ctx, commune.id, filter),
      failed || search.keyword ? [] : publishedMinutes(ctx, commune.id, filter),
      publicationYears(ctx, commune.id),
      councilSiret(ctx, commune.id),
    ]);
    const asked = search.year !== null || search.keyword !== null;
    return sendPage(request, reply, {
      title: 'Délibérations et procès-verbaux du conseil municipal',
      errors: search.errors,
      fieldOrder: ['annee', 'q'],
      wide: true,
      children: (
        <>
          <h1 class="govuk-heading-xl">Délibérations et procès-verbaux du conseil municipal</h1>
          <p class="govuk-body">
            Les actes du conseil municipal de {commune.name} sont publiés ici sous forme électronique. Un acte est
            exécutoire à partir de sa date de mise en ligne (article L2131-1 du code général des collectivités
            territoriales). Chaque document est un PDF non modifiable ; son empreinte SHA-256 permet de vérifier qu’il
            n’a pas changé.
          </p>
          <form method="get" action={base} novalidate class="guichet-search-form">
            <div class="govuk-grid-row">
              <div class="govuk-grid-column-one-third">
                <Select
                  name="annee"
                  label="Année de la séance"
                  value={formString(request.query, 'annee')}
                  error={search.errors.annee}
                  options={[
                    { value: '', label: 'Toutes les années' },
                    ...years.map((y) => ({ value: String(y), label: String(y) })),
                  ]}
                />
              </div>
              <div class="govuk-grid-column-two-thirds">
                <Input
                  name="q"
                  type="search"
                  label="Mot-clé ou numéro"
                  hint="Par exemple : budget, école, 2026-000003"
                  value={formString(request.query, 'q')}
                  error={search.errors.q}
                />
              </div>
            </div>
            <Button variant="secondary">Rechercher</Button>
          </form>
          {asked && !failed ? (
            <p class="govuk-body">
              <TextLink href={base}>Effacer la recherche</TextLink>
            </p>
          ) : null}
          <h2 class="govuk-heading-l">Délibérations</h2>
          {acts.length ? (
            <>
              <p class="govuk-body govuk-!-font-weight-bold">
                {acts.length} délibération{acts.length > 1 ? 's' : ''} publiée{acts.length > 1 ? 's' : ''}
              </p>
              <ul class="govuk-list">
                {acts.map((a) => (
                  <li key={a.itemId} class="govuk-!-margin-bottom-6">
                    <h3 class="govuk-heading-s govuk-!-margin-bottom-2">
                      <a class="govuk-link" href={`${base}/${a.number}`}>
                        Délibération n° {a.number} : {a.title}
                        <span class="govuk-visually-hidden"> (PDF)</span>
                      </a>
                    </h3>
                    <SummaryList
                      rows={[
                        { key: 'Séance', value: day(a.seanceDate) },
                        { key: 'Mise en ligne', value: formatDateTime(a.publishedAt) },
                        {
                          key: 'Vote',
                          value: `${a.pour} pour, ${a.contre} contre, ${a.abstentions} abstention${a.abstentions > 1 ? 's' : ''}${a.signed ? ' · signée électroniquement' : ''}`,
                        },
                        {
                          key: 'Empreinte SHA-256',
                          value: (
                            <code class="guichet-break" key="h">
                              {a.sha256}
                            </code>
                          ),
                        },
                      ]}
                    />
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <InsetText>
              {asked ? 'Aucune délibération publiée ne correspond à cette recherche.' : 'Aucune délibération publiée.'}
            </InsetText>
          )}
          {search.keyword ? null : (
            <>
              <h2 class="govuk-heading-l">Procès-verbaux des séances</h2>
              {minutes.length ? (
                <ul class="govuk-list">
                  {minutes.map((m) => (
                    <li key={m.seanceId}>
                      <a class="govuk-link" href={`${base}/proces-verbaux/${m.seanceId}`}>
                        Procès-verbal de la séance du {day(m.seanceDate)} (PDF)
                      </a>{' '}
                      <span class="govuk-body-s">
                        {m.adoptedAtSeanceDate ? `arrêté lors de la séance du ${day(m.adoptedAtSeanceDate)}, ` : ''}mis
                        en ligne le {formatDateTime(m.publishedAt)}
                      </span>
                    </li>
                  ))}
                </ul>
              ) : (
                <InsetText>Aucun procès-verbal publié{asked ? ' pour cette année' : ''}.</InsetText>
              )}
            </>
          )}
          {siret ? (
            <>
              <h2 class="govuk-heading-m">Données ouvertes</h2>
              <p class="govuk-body">
                <TextLink href={`${base}/donnees-ouvertes.csv`}>
                  Télécharger les délibérations publiées au format SCDL « Délibérations » (CSV)
                </TextLink>
              </p>
            </>
          ) : null}
        </>
      ),
    });
  });

  app.get('/c/:slug/deliberations/proces-verbaux/:seance', PUBLIC, async (request, reply) => {
    const id = (request.params as { seance: string }).seance;
    const pdf = await publishedPdf(ctx, request.commune!.id, { seanceId: id });
    if (!pdf) throw notFound('council.minutes_not_found');
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="proces-verbal-${id}.pdf"`)
      .send(pdf);
  });

  app.get('/c/:slug/deliberations/:numero', PUBLIC, async (request, reply) => {
    const number = (request.params as { numero: string }).numero;
    const pdf = /^[0-9A-Za-z-]{1,40}$/.test(number) ? await publishedPdf(ctx, request.commune!.id, { number }) : null;
    if (!pdf) throw notFound('council.deliberation_not_found');
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="deliberation-${number}.pdf"`)
      .send(pdf);
  });
}
