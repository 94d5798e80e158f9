/**
 * Open data of the council: the SCDL « Délibérations » CSV at a public URL
 * (/c/<slug>/deliberations/donnees-ouvertes.csv, UTF-8, comma-separated), and the secretariat's
 * page that gives the commune's SIRET the file needs and checks every row against the schema.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { notFound } from '../../../platform/errors.js';
import {
  Button,
  CsrfField,
  type FieldErrors,
  Input,
  InsetText,
  TextLink,
  WarningText,
} from '../../../platform/views/components.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { councilSiret, openDataRows } from '../publication.js';
import { scdlCsv, scdlProblems } from '../scdl.js';
import { setCouncilSettings } from '../use-cases/settings.js';
import { caller, councilBase, councilBreadcrumbs } from './ui.js';

const POLICY = { config: { policy: 'requestsInbox' as const } };
const PUBLIC = { config: { policy: 'public' as const } };

async function renderSettings(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  form: { values?: FormBody; errors?: FieldErrors; status?: number } = {},
) {
  const commune = request.commune!;
  const siret = await councilSiret(ctx, commune.id);
  const rows = (await openDataRows(ctx, commune, ctx.config.publicUrl)) ?? [];
  const invalid = rows.map((r) => ({ id: r.DELIB_ID, problems: scdlProblems(r) })).filter((r) => r.problems.length > 0);
  const errors = form.errors ?? {};
  const saved = formString(request.query, 'fait') === 'siret' && !form.errors;
  const url = `/c/${commune.slug}/deliberations/donnees-ouvertes.csv`;
  return sendPage(request, reply, {
    title: 'Données ouvertes du conseil',
    breadcrumbs: councilBreadcrumbs(request),
    errors,
    ...(form.status ? { status: form.status } : {}),
    ...(saved ? { notice: { kind: 'success' as const, title: 'Le SIRET de la commune est enregistré.' } } : {}),
    children: (
      <>
        <h1 class="govuk-heading-xl">Données ouvertes du conseil</h1>
        <p class="govuk-body">
          Les délibérations publiées sont mises à disposition au format SCDL « Délibérations » (schéma national, version
          2.1.5), à une adresse publique que data.gouv.fr ou le portail de la commune peuvent moissonner.
        </p>
        {siret ? (
          <p class="govuk-body">
            <TextLink href={url}>Fichier des délibérations (CSV)</TextLink> : {rows.length} délibération
            {rows.length > 1 ? 's' : ''}.
          </p>
        ) : (
          <InsetText>Le fichier sera publié dès que le SIRET de la commune sera enregistré.</InsetText>
        )}
        {invalid.length ? (
          <WarningText>
            {invalid.length} ligne{invalid.length > 1 ? 's' : ''} ne respecte{invalid.length > 1 ? 'nt' : ''} pas le
            schéma : {invalid.map((r) => `${r.id} (${r.problems.join(', ')})`).join(' ; ')}.
          </WarningText>
        ) : null}
        <form method="post" action={`${councilBase(request)}/donnees-ouvertes`} novalidate>
          <CsrfField token={reply.generateCsrf()} />
          <Input
            name="siret"
            label="SIRET de la commune"
            hint="14 chiffres, sur l’avis de situation au répertoire Sirene de l’Insee."
            inputmode="numeric"
            width={20}
            value={form.values ? formString(form.values, 'siret') : (siret ?? '')}
            error={errors.siret}
          />
          <Button>Enregistrer</Button>
        </form>
      </>
    ),
  });
}

export function registerOpenDataPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/agent/conseil/donnees-ouvertes', POLICY, (request, reply) => renderSettings(ctx, request, reply));
  app.post('/c/:slug/agent/conseil/donnees-ouvertes', POLICY, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () => setCouncilSettings(ctx.database, caller(request), { siret: formString(body, 'siret') }),
      (errors, status) => renderSettings(ctx, request, reply, { values: body, errors, status }),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${councilBase(request)}/donnees-ouvertes?fait=siret`, 303);
  });

  app.get('/c/:slug/deliberations/donnees-ouvertes.csv', PUBLIC, async (request, reply) => {
    const commune = request.commune!;
    const rows = await openDataRows(ctx, commune, ctx.config.publicUrl);
    if (!rows) throw notFound('council.open_data_unavailable');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="deliberations-${commune.slug}.csv"`)
      .send(scdlCsv(rows));
  });
}
