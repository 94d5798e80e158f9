/**
 * API tokens of the commune: list, creation (the token is shown once), revocation; and the
 * first token-protected endpoint, GET /api/v1/moi, which tells a client what its token is.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { API_SCOPE_LABELS, API_SCOPES, type ApiScope, apiPrincipal } from '../../platform/http/api-auth.js';
import { adminBase, sendAdminPage } from '../../platform/views/admin-area.js';
import {
  Button,
  Checkboxes,
  CsrfField,
  type FieldErrors,
  Input,
  Panel,
  Radios,
  Table,
  Tag,
  WarningText,
} from '../../platform/views/components.js';
import { formatDate, formatDateTime } from '../../platform/views/format.js';
import { type FormBody, handleForm } from '../../platform/views/page-kit.js';
import { createApiToken, revokeToken, TOKEN_DURATIONS, type TokenInput, tokenValues } from './staff.js';
import { type ApiTokenRow, listApiTokens } from './staff-repo.js';

function tokenState(t: ApiTokenRow, now: Date) {
  if (t.revokedAt) return <Tag colour="grey">Révoqué le {formatDate(t.revokedAt)}</Tag>;
  if (t.expiresAt <= now) return <Tag colour="orange">Expiré</Tag>;
  return <Tag colour="green">Actif</Tag>;
}

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
    requestId: z.string(),
  }),
});

export function registerApiTokenPages(app: FastifyInstance, ctx: AppContext): void {
  async function tokensPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Partial<TokenInput>,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const commune = request.commune!;
    const tokens = await withTenant(ctx.database, commune.id, (tx) => listApiTokens(tx, commune.id));
    const now = new Date();
    const csrf = reply.generateCsrf();
    const revoked = (request.query as FormBody).revoque === '1';
    return sendAdminPage(request, reply, {
      title: 'Jetons d’API',
      wide: true,
      errors,
      ...(status ? { status } : {}),
      ...(revoked ? { notice: { kind: 'success' as const, title: 'Le jeton a été révoqué.' } } : {}),
      fieldOrder: ['name', 'scopes', 'duration'],
      children: (
        <>
          <h1 class="govuk-heading-xl">Jetons d’API</h1>
          <p class="govuk-body">
            Un jeton permet à un logiciel de la commune d’utiliser l’API de Guichet (en-tête{' '}
            <code>Authorization: Bearer gch_…</code>). Il ne donne accès qu’aux données de {commune.name}, dans les
            limites de ses portées, jusqu’à sa date d’expiration.
          </p>
          {tokens.length === 0 ? (
            <p class="govuk-body">Aucun jeton pour l’instant.</p>
          ) : (
            <Table
              caption="Jetons de la commune"
              captionSize="m"
              columns={[
                { label: 'Nom' },
                { label: 'Portées' },
                { label: 'Expiration' },
                { label: 'Dernière utilisation' },
                { label: 'État' },
                { label: 'Action' },
              ]}
              rows={tokens.map((t) => [
                t.name,
                t.scopes.join(', '),
                formatDate(t.expiresAt),
                t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'jamais',
                tokenState(t, now),
                t.revokedAt ? (
                  ''
                ) : (
                  <form key={t.id} method="post" action={`${adminBase(request)}/api/${t.id}/revoquer`}>
                    <CsrfField token={csrf} />
                    <Button variant="warning">
                      Révoquer<span class="govuk-visually-hidden"> le jeton {t.name}</span>
                    </Button>
                  </form>
                ),
              ])}
            />
          )}
          <h2 class="govuk-heading-l">Créer un jeton</h2>
          <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
              <form method="post" action={`${adminBase(request)}/api`} novalidate>
                <CsrfField token={csrf} />
                <Input
                  name="name"
                  label="Nom du jeton"
                  hint="Par exemple le logiciel qui l’utilisera : « Logiciel état civil »."
                  autocomplete="off"
                  value={values.name ?? ''}
                  error={errors.name}
                />
                <Checkboxes
                  name="scopes"
                  legend="Portées"
                  legendSize="s"
                  hint="Ne cochez que ce dont le logiciel a besoin."
                  values={values.scopes ?? []}
                  error={errors.scopes}
                  items={API_SCOPES.map((s) => ({ value: s, label: s, hint: API_SCOPE_LABELS[s as ApiScope] }))}
                />
                <Radios
                  name="duration"
                  legend="Durée de validité"
                  legendSize="s"
                  value={values.duration ?? ''}
                  error={errors.duration}
                  items={TOKEN_DURATIONS.map((d) => ({ value: String(d.days), label: d.label }))}
                />
                <Button>Créer le jeton</Button>
              </form>
            </div>
          </div>
        </>
      ),
    });
  }

  app.get('/c/:slug/admin/api', { config: { policy: 'communeAdmin' } }, async (request, reply) =>
    tokensPage(request, reply, {}),
  );

  app.post(
    '/c/:slug/admin/api',
    { config: { policy: 'communeAdmin', stepUp: (request) => `${adminBase(request)}/api` } },
    async (request, reply) => {
      const values = tokenValues((request.body ?? {}) as FormBody);
      const result = await handleForm(
        () => createApiToken(ctx, request.commune!, request.actor!, values, request),
        (errors, status) => tokensPage(request, reply, values, errors, status),
      );
      if (!result.ok) return result.response;
      const created = result.value;
      return sendAdminPage(request, reply, {
        title: 'Jeton créé',
        children: (
          <>
            <Panel title="Jeton créé">
              {created.name} — valable jusqu’au {formatDate(created.expiresAt)}
            </Panel>
            <WarningText>
              Copiez ce jeton maintenant : il ne sera plus jamais affiché. Guichet n’en garde qu’une empreinte.
            </WarningText>
            <p class="govuk-body">
              <code>{created.token}</code>
            </p>
            <p class="govuk-body">Portées : {created.scopes.join(', ')}.</p>
            <Button href={`${adminBase(request)}/api`}>J’ai copié le jeton</Button>
          </>
        ),
      });
    },
  );

  app.post('/c/:slug/admin/api/:id/revoquer', { config: { policy: 'communeAdmin' } }, async (request, reply) => {
    await revokeToken(ctx, request.commune!, request.actor!, (request.params as { id: string }).id, request);
    return reply.redirect(`${adminBase(request)}/api?revoque=1`, 303);
  });

  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/api/v1/moi',
    {
      config: { policy: 'apiToken' },
      schema: {
        summary: 'Le jeton d’API utilisé : sa commune, ses portées, son expiration',
        description: 'Authentification : en-tête « Authorization: Bearer gch_… » (jeton créé par un administrateur).',
        tags: ['jetons'],
        querystring: z.object({}).strict(),
        response: {
          200: z
            .object({
              commune: z.object({ slug: z.string(), name: z.string() }),
              scopes: z.array(z.string()),
              expiresAt: z.string(),
            })
            .meta({
              example: {
                commune: { slug: 'villebelle', name: 'Villebelle' },
                scopes: ['communes:read', 'requests:read'],
                expiresAt: '2026-06-01T00:00:00.000Z',
              },
            }),
          401: errorSchema,
          422: errorSchema,
        },
      },
    },
    async (request) => {
      const principal = apiPrincipal(request);
      return {
        commune: { slug: principal.commune.slug, name: principal.commune.name },
        scopes: [...principal.scopes],
        expiresAt: principal.expiresAt.toISOString(),
      };
    },
  );
}
