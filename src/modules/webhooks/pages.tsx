/**
 * Administration of the commune's webhooks (`/c/:slug/admin/webhooks`, communeAdmin): list with
 * the last delivery of each endpoint, creation (URL + events; the signing secret is shown once),
 * deletion. Creation asks for a recent authentication, like API tokens: a webhook sends request
 * data out of Guichet.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../../platform/audit/journal.js';
import { requireRecentAuthentication } from '../../platform/authz/step-up.js';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import { isUuid } from '../../platform/ids.js';
import { adminBase, sendAdminPage } from '../../platform/views/admin-area.js';
import {
  Button,
  Checkboxes,
  CsrfField,
  type FieldErrors,
  Input,
  Panel,
  Table,
  Tag,
  WarningText,
} from '../../platform/views/components.js';
import { formatDateTime } from '../../platform/views/format.js';
import { type FormBody, handleForm } from '../../platform/views/page-kit.js';
import {
  checkWebhookUrl,
  deleteWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookEndpoints,
  newWebhookSecret,
  WEBHOOK_EVENT_LABELS,
  WEBHOOK_EVENTS,
  type WebhookEndpoint,
  type WebhookEvent,
} from './webhooks.js';

interface WebhookForm {
  url: string;
  events: string[];
}

const MAX_ENDPOINTS = 20;
function formValues(body: FormBody): WebhookForm {
  const events = body.events;
  return {
    url: typeof body.url === 'string' ? body.url : '',
    events: Array.isArray(events) ? events.map(String) : typeof events === 'string' ? [events] : [],
  };
}

function lastDelivery(e: WebhookEndpoint) {
  const d = e.lastDelivery;
  if (!d) return <Tag colour="grey">Aucun envoi</Tag>;
  if (d.deliveredAt) return <Tag colour="green">Délivré le {formatDateTime(d.deliveredAt)}</Tag>;
  if (d.attempts === 0) return <Tag colour="yellow">En attente</Tag>;
  return (
    <>
      <Tag colour="red">Échec</Tag> {d.lastError ?? ''} ({d.attempts} essai{d.attempts > 1 ? 's' : ''}
      {d.lastAttemptAt ? `, dernier le ${formatDateTime(d.lastAttemptAt)}` : ''})
    </>
  );
}

export function registerWebhookPages(app: FastifyInstance, ctx: AppContext): void {
  const base = (request: FastifyRequest) => `${adminBase(request)}/webhooks`;

  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Partial<WebhookForm>,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const commune = request.commune!;
    const endpoints = await withTenant(ctx.database, commune.id, (tx) => listWebhookEndpoints(tx, commune.id));
    const csrf = reply.generateCsrf();
    const deleted = (request.query as FormBody).supprime === '1';
    return sendAdminPage(request, reply, {
      title: 'Webhooks',
      wide: true,
      errors,
      ...(status ? { status } : {}),
      ...(deleted ? { notice: { kind: 'success' as const, title: 'Le webhook a été supprimé.' } } : {}),
      fieldOrder: ['url', 'events'],
      children: (
        <>
          <h1 class="govuk-heading-xl">Webhooks</h1>
          <p class="govuk-body">
            Un webhook prévient un logiciel de la commune, par une requête HTTP signée, quand une demande est déposée ou
            change de statut. Chaque envoi porte l’en-tête <code>Guichet-Signature</code>, calculé avec le secret du
            webhook ; les envois qui échouent sont recommencés plusieurs fois.
          </p>
          {endpoints.length === 0 ? (
            <p class="govuk-body">Aucun webhook pour l’instant.</p>
          ) : (
            <Table
              caption="Webhooks de la commune"
              captionSize="m"
              columns={[{ label: 'Adresse' }, { label: 'Événements' }, { label: 'Dernier envoi' }, { label: 'Action' }]}
              rows={endpoints.map((e) => [
                e.url,
                e.events.join(', '),
                lastDelivery(e),
                <form key={e.id} method="post" action={`${base(request)}/${e.id}/supprimer`}>
                  <CsrfField token={csrf} />
                  <Button variant="warning">
                    Supprimer<span class="govuk-visually-hidden"> le webhook {e.url}</span>
                  </Button>
                </form>,
              ])}
            />
          )}
          <h2 class="govuk-heading-l">Ajouter un webhook</h2>
          <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
              <form method="post" action={base(request)} novalidate>
                <CsrfField token={csrf} />
                <Input
                  name="url"
                  label="Adresse de réception"
                  hint="Adresse https:// du logiciel qui recevra les notifications, sans identifiant ni mot de passe."
                  type="url"
                  autocomplete="off"
                  spellcheck={false}
                  value={values.url ?? ''}
                  error={errors.url}
                />
                <Checkboxes
                  name="events"
                  legend="Événements"
                  legendSize="s"
                  values={values.events ?? []}
                  error={errors.events}
                  items={WEBHOOK_EVENTS.map((ev) => ({ value: ev, label: ev, hint: WEBHOOK_EVENT_LABELS[ev] }))}
                />
                <Button>Ajouter le webhook</Button>
              </form>
            </div>
          </div>
        </>
      ),
    });
  }

  app.get('/c/:slug/admin/webhooks', { config: { policy: 'communeAdmin' } }, async (request, reply) =>
    listPage(request, reply, {}),
  );

  app.post('/c/:slug/admin/webhooks', { config: { policy: 'communeAdmin' } }, async (request, reply) => {
    const redirect = requireRecentAuthentication(request, reply, { returnTo: base(request) });
    if (redirect) return redirect;
    const commune = request.commune!;
    const actor = request.actor!;
    const values = formValues((request.body ?? {}) as FormBody);
    const result = await handleForm(
      async () => {
        const fields: Record<string, string> = {};
        let url = '';
        try {
          url = checkWebhookUrl(values.url, ctx.config.webhooksAllowPrivate);
        } catch (error) {
          if (error instanceof AppError && error.fields?.url) fields.url = error.fields.url;
          else throw error;
        }
        const events = WEBHOOK_EVENTS.filter((e) => values.events.includes(e));
        if (events.length === 0 || events.length !== new Set(values.events).size) {
          fields.events = 'Cochez au moins un événement de la liste.';
        }
        if (Object.keys(fields).length > 0) {
          throw new AppError('webhook.invalid', 'invalid webhook form', 422, { fields });
        }
        const secret = newWebhookSecret();
        await withTenant(ctx.database, commune.id, async (tx) => {
          const existing = await listWebhookEndpoints(tx, commune.id);
          if (existing.length >= MAX_ENDPOINTS) {
            throw new AppError('webhook.too_many', 'too many webhooks', 422, {
              fields: { url: `La commune a déjà ${MAX_ENDPOINTS} webhooks : supprimez-en un avant d’en ajouter.` },
            });
          }
          const id = await insertWebhookEndpoint(tx, {
            communeId: commune.id,
            url,
            secret,
            events: events as WebhookEvent[],
            createdBy: actor.accountId,
          });
          await recordAudit(tx, {
            action: 'webhook.created',
            actorType: 'agent',
            actorId: actor.accountId,
            targetType: 'webhook_endpoint',
            targetId: id,
            data: { url, events },
            requestId: request.id,
          });
        });
        return { url, events, secret };
      },
      (errors, status) => listPage(request, reply, values, errors, status),
    );
    if (!result.ok) return result.response;
    const created = result.value;
    return sendAdminPage(request, reply, {
      title: 'Webhook ajouté',
      children: (
        <>
          <Panel title="Webhook ajouté">{created.url}</Panel>
          <WarningText>
            Copiez ce secret maintenant et donnez-le au logiciel destinataire : il ne sera plus jamais affiché. Il sert
            à vérifier la signature de chaque envoi.
          </WarningText>
          <p class="govuk-body">
            <code>{created.secret}</code>
          </p>
          <p class="govuk-body">Événements : {created.events.join(', ')}.</p>
          <Button href={base(request)}>J’ai copié le secret</Button>
        </>
      ),
    });
  });

  app.post('/c/:slug/admin/webhooks/:id/supprimer', { config: { policy: 'communeAdmin' } }, async (request, reply) => {
    const commune = request.commune!;
    const actor = request.actor!;
    const id = (request.params as { id: string }).id;
    if (isUuid(id)) {
      await withTenant(ctx.database, commune.id, async (tx) => {
        const url = await deleteWebhookEndpoint(tx, commune.id, id);
        if (url === null) return;
        await recordAudit(tx, {
          action: 'webhook.deleted',
          actorType: 'agent',
          actorId: actor.accountId,
          targetType: 'webhook_endpoint',
          targetId: id,
          data: { url },
          requestId: request.id,
        });
      });
    }
    return reply.redirect(`${base(request)}?supprime=1`, 303);
  });
}
