/**
 * "Mes demandes": the citizen's requests in the commune, each with its status timeline, the
 * messages exchanged (never the agents' internal notes), its documents, the receipt PDF and a
 * reply form (message and optional file). Another person's request answers 404.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError, notFound } from '../../../platform/errors.js';
import {
  DEFAULT_ACCEPTED_TYPES,
  describeTypes,
  formatBytes,
  MAX_UPLOAD_BYTES,
  sendFile,
  uploadedFiles,
  validateUpload,
} from '../../../platform/files/checks.js';
import { isUuid } from '../../../platform/ids.js';
import { listServices } from '../../../platform/tenancy/communes.js';
import {
  Button,
  CsrfField,
  type FieldErrors,
  FileUpload,
  InsetText,
  SummaryList,
  Table,
  Textarea,
} from '../../../platform/views/components.js';
import { formatDate, formatDateTime } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import type { RequestStatus } from '../../procedures/index.js';
import { findProcedureById, STATUS_LABELS } from '../../procedures/index.js';
import { MAX_MESSAGE_LENGTH, type SummaryRow } from '../deps.js';
import { appointmentEventTitle, listRequestEvents } from '../history.js';
import { silenceMention } from '../receipt-pdf.js';
import { listDraftsOfAccount, listRequestFiles, listRequestsOfAccount, type StoredFileInfo } from '../repo.js';
import { readFile } from '../request-files.js';
import type { RequestEvent } from '../schema.js';
import { StatusTag } from '../ui.js';
import { callerOf } from '../use-cases/common.js';
import { findOwnRequest, replyToRequest } from '../use-cases/reply-as-citizen.js';

const numberParams = z.object({ slug: z.string().max(63), number: z.string().max(20) }).strict();
const fileParams = z
  .object({ slug: z.string().max(63), number: z.string().max(20), file: z.string().max(40) })
  .strict();
/** Citizen-visible kinds of events (re-routing and assignment are internal matters). */
const CITIZEN_EVENT_KINDS = new Set<RequestEvent['kind']>([
  'submitted',
  'status',
  'message_to_citizen',
  'message_from_citizen',
  'attachment',
  'appointment',
]);

function eventTitle(event: RequestEvent): string {
  switch (event.kind) {
    case 'submitted':
      return event.authorRole === 'agent' ? 'Demande enregistrée au guichet de la mairie' : 'Demande envoyée';
    case 'status': {
      const { to, label } = event.data as { to?: RequestStatus; label?: string };
      // The name shown at the time (recorded since démarches have their own workflows).
      const name = typeof label === 'string' && label !== '' ? label : to ? STATUS_LABELS[to] : undefined;
      return name ? `Statut : ${name.toLowerCase()}` : 'Changement de statut';
    }
    case 'message_to_citizen':
      return 'Message de la mairie';
    case 'message_from_citizen':
      return 'Votre message';
    case 'attachment':
      return 'Document ajouté';
    case 'appointment':
      return appointmentEventTitle(event.data as Record<string, unknown>);
    default:
      return 'Événement';
  }
}

function Timeline({
  events,
  files,
  base,
}: {
  events: RequestEvent[];
  files: Map<string, StoredFileInfo>;
  base: string;
}) {
  return (
    <ol class="govuk-list guichet-timeline">
      {events.map((event) => {
        const fileIds = ((event.data as { files?: unknown }).files ?? []) as unknown[];
        const linked = fileIds.flatMap((id) => (typeof id === 'string' && files.get(id) ? [files.get(id)!] : []));
        return (
          <li key={event.id} class="guichet-timeline__item">
            <h3 class="govuk-heading-s govuk-!-margin-bottom-1">{eventTitle(event)}</h3>
            <p class="govuk-body-s govuk-!-margin-bottom-1">
              <time dateTime={event.createdAt.toISOString()}>{formatDateTime(event.createdAt)}</time>
            </p>
            {event.body ? (
              <div class="govuk-body guichet-message">
                {event.body.split(/\n{2,}/).map((p, i) => (
                  <p key={i} class="govuk-body">
                    {p}
                  </p>
                ))}
              </div>
            ) : null}
            {linked.length > 0 ? (
              <ul class="govuk-list">
                {linked.map((f) => (
                  <li key={f.id}>
                    <a class="govuk-link" href={`${base}/documents/${f.id}`}>
                      {f.name}
                    </a>{' '}
                    ({formatBytes(f.sizeBytes)})
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

export function registerMyRequestsPages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/c/:slug/demandes',
    { schema: { hide: true, params: z.object({ slug: z.string().max(63) }).strict() }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      const commune = request.commune!;
      const accountId = request.actor!.accountId;
      const { requests, drafts } = await withTenant(ctx.database, commune.id, async (tx) => ({
        requests: await listRequestsOfAccount(tx, commune.id, accountId),
        drafts: await listDraftsOfAccount(tx, commune.id, accountId),
      }));
      const base = `/c/${commune.slug}`;
      return sendPage(request, reply, {
        title: 'Mes demandes',
        wide: true,
        children: (
          <>
            <h1 class="govuk-heading-xl">Mes demandes</h1>
            <p class="govuk-body">
              Vos demandes auprès de la mairie de {commune.name}, avec leur état et vos échanges avec la mairie.{' '}
              <a class="govuk-link" href={`${base}/demarches`}>
                Faire une nouvelle démarche
              </a>
              .
            </p>
            {drafts.length > 0 ? (
              <Table
                caption="Démarches en cours de saisie"
                columns={[{ label: 'Démarche' }, { label: 'Dernière modification' }]}
                rows={drafts.map(({ draft, procedure }) => [
                  <a key="l" class="govuk-link" href={`${base}/demarches/${procedure.slug}/commencer`}>
                    Reprendre « {procedure.title} »
                  </a>,
                  formatDateTime(draft.updatedAt),
                ])}
              />
            ) : null}
            {requests.length === 0 ? (
              <p class="govuk-body">Vous n’avez encore envoyé aucune demande à la mairie.</p>
            ) : (
              <table class="govuk-table guichet-stacked-table">
                <caption class="govuk-table__caption govuk-table__caption--m">Demandes envoyées</caption>
                <thead class="govuk-table__head">
                  <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">
                      Demande
                    </th>
                    <th scope="col" class="govuk-table__header">
                      Envoyée le
                    </th>
                    <th scope="col" class="govuk-table__header">
                      Statut
                    </th>
                  </tr>
                </thead>
                <tbody class="govuk-table__body">
                  {requests.map(({ request: r, procedureTitle, procedureWorkflow }) => (
                    <tr class="govuk-table__row" key={r.id}>
                      <td class="govuk-table__cell">
                        <a class="govuk-link" href={`${base}/demandes/${r.number}`}>
                          {procedureTitle ?? r.subject}
                        </a>{' '}
                        <span class="govuk-body-s guichet-portal-list__meta">N° {r.number}</span>
                      </td>
                      <td class="govuk-table__cell" data-label="Envoyée le">
                        {formatDate(r.submittedAt)}
                      </td>
                      <td class="govuk-table__cell" data-label="Statut">
                        <StatusTag request={r} workflow={procedureWorkflow} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        ),
      });
    },
  );

  async function requestPage(
    request: FastifyRequest,
    reply: FastifyReply,
    number: string,
    form: { values?: FormBody; errors?: FieldErrors; status?: number; notice?: string } = {},
  ) {
    const commune = request.commune!;
    const data = await withTenant(ctx.database, commune.id, async (tx) => {
      const r = await findOwnRequest(tx, commune.id, request.actor, number);
      return {
        r,
        events: await listRequestEvents(tx, r.id, { includeInternal: false }),
        files: await listRequestFiles(tx, commune.id, r.id, { includeInternal: false }),
        services: await listServices(tx, commune.id),
        procedure: r.procedureId ? await findProcedureById(tx, commune.id, r.procedureId) : undefined,
      };
    });
    const { r, events, files, services, procedure } = data;
    const base = `/c/${commune.slug}/demandes/${r.number}`;
    const shown = events.filter((e) => CITIZEN_EVENT_KINDS.has(e.kind) && !e.isInternal);
    const submitted = events.find((e) => e.kind === 'submitted');
    const summary = ((submitted?.data as { summary?: SummaryRow[] } | undefined)?.summary ?? []).filter(
      (row) => typeof row?.label === 'string',
    );
    const documents = files.filter((f) => f.id !== r.receiptFileId);
    const fileMap = new Map(documents.map((f) => [f.id, f]));
    const service = services.find((s) => s.id === r.serviceId);
    const isClosed = r.closedAt !== null;
    const errors = form.errors ?? {};
    return sendPage(request, reply, {
      title: `Demande n° ${r.number}`,
      ...(form.status ? { status: form.status } : {}),
      errors,
      fieldOrder: ['message', 'piece'],
      ...(form.notice ? { notice: { kind: 'success' as const, title: form.notice } } : {}),
      breadcrumbs: [
        { href: `/c/${commune.slug}/`, label: 'Accueil' },
        { href: `/c/${commune.slug}/demandes`, label: 'Mes demandes' },
        { href: base, label: `Demande n° ${r.number}`, current: true },
      ],
      children: (
        <>
          <h1 class="govuk-heading-xl">
            <span class="govuk-caption-l">Demande n° {r.number}</span>
            {procedure?.title ?? r.subject}
          </h1>
          <SummaryList
            rows={[
              { key: 'Statut', value: <StatusTag request={r} workflow={procedure?.workflow} /> },
              { key: 'Envoyée le', value: formatDateTime(r.submittedAt) },
              { key: 'Service', value: service?.name ?? '—' },
              ...(isClosed ? [] : [{ key: 'Réponse attendue au plus tard le', value: formatDate(r.dueAt) }]),
            ]}
          />
          {isClosed ? null : (
            <p class="govuk-body">
              <a class="govuk-link govuk-!-font-weight-bold" href="#repondre">
                Répondre à la mairie
              </a>
            </p>
          )}
          {r.silenceKind && r.silenceDate ? (
            <InsetText>
              {silenceMention({
                kind: r.silenceKind as 'accord' | 'rejet',
                date: r.silenceDate,
                basis: procedure?.silenceBasis ?? null,
              })}
            </InsetText>
          ) : null}
          <p class="govuk-body">
            <a class="govuk-link" href={`${base}/accuse-de-reception.pdf`} download>
              Télécharger l’accusé de réception (PDF)
            </a>
          </p>
          {procedure ? (
            <form method="post" action={`/c/${commune.slug}/demarches/${procedure.slug}/refaire`}>
              <CsrfField token={reply.generateCsrf()} />
              <input type="hidden" name="numero" value={r.number} />
              <Button variant="secondary">Refaire cette démarche</Button>
            </form>
          ) : null}

          <h2 class="govuk-heading-l" id="repondre">
            Écrire à la mairie
          </h2>
          {isClosed ? (
            <p class="govuk-body">
              Cette demande est close. Pour une nouvelle question,{' '}
              <a class="govuk-link" href={`/c/${commune.slug}/contacter-la-mairie`}>
                contactez la mairie
              </a>
              .
            </p>
          ) : (
            <form method="post" action={`${base}/repondre`} enctype="multipart/form-data" novalidate>
              <CsrfField token={reply.generateCsrf()} />
              <Textarea
                name="message"
                label="Votre message"
                maxLength={MAX_MESSAGE_LENGTH}
                value={formString(form.values, 'message')}
                error={errors.message}
              />
              <FileUpload
                name="piece"
                label="Joindre un document (facultatif)"
                hint={`Au format ${describeTypes(DEFAULT_ACCEPTED_TYPES)}, ${formatBytes(MAX_UPLOAD_BYTES)} au plus.`}
                accept={DEFAULT_ACCEPTED_TYPES.join(',')}
                error={errors.piece}
              />
              <Button>Envoyer mon message</Button>
            </form>
          )}
          <h2 class="govuk-heading-l">Historique</h2>
          <Timeline events={shown} files={fileMap} base={base} />

          <h2 class="govuk-heading-l">Documents</h2>
          {documents.length === 0 ? (
            <p class="govuk-body">Aucun document n’est joint à cette demande.</p>
          ) : (
            <ul class="govuk-list">
              {documents.map((f) => (
                <li key={f.id}>
                  <a class="govuk-link" href={`${base}/documents/${f.id}`}>
                    {f.name}
                  </a>{' '}
                  ({formatBytes(f.sizeBytes)}, ajouté le {formatDate(f.createdAt)})
                </li>
              ))}
            </ul>
          )}

          {summary.length > 0 ? (
            <>
              <h2 class="govuk-heading-l">Vos réponses</h2>
              <SummaryList rows={summary.map((row) => ({ key: row.label, value: row.value || '—' }))} />
            </>
          ) : null}
        </>
      ),
    });
  }

  app.get(
    '/c/:slug/demandes/:number',
    { schema: { hide: true, params: numberParams }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      const notice =
        (request.query as { envoye?: string } | undefined)?.envoye === '1'
          ? 'Votre message a été envoyé à la mairie.'
          : undefined;
      return requestPage(request, reply, request.params.number, notice ? { notice } : {});
    },
  );

  app.post(
    '/c/:slug/demandes/:number/repondre',
    { schema: { hide: true, params: numberParams }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      const commune = request.commune!;
      const body = (request.body ?? {}) as FormBody;
      const result = await handleForm(
        async () => {
          const parts = uploadedFiles(request);
          const unexpected = parts.find((p) => p.field !== 'piece');
          if (unexpected || parts.length > 1) {
            throw new AppError('upload.unexpected', 'unexpected file parts', 422, {
              fields: { piece: 'Joignez un seul document à la fois.' },
            });
          }
          const upload = parts[0] ? await validateUpload(parts[0]) : null;
          return replyToRequest(ctx, callerOf(request), request.params.number, body, upload);
        },
        (errors, status) => requestPage(request, reply, request.params.number, { values: body, errors, status }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`/c/${commune.slug}/demandes/${request.params.number}?envoye=1`, 303);
    },
  );

  app.get(
    '/c/:slug/demandes/:number/accuse-de-reception.pdf',
    { schema: { hide: true, params: numberParams }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      const commune = request.commune!;
      const file = await withTenant(ctx.database, commune.id, async (tx) => {
        const r = await findOwnRequest(tx, commune.id, request.actor, request.params.number);
        return r.receiptFileId ? readFile(tx, r.receiptFileId, { requestId: r.id, includeInternal: false }) : undefined;
      });
      if (!file) throw notFound('receipt.not_found', 'no receipt');
      return sendFile(reply, file);
    },
  );

  app.get(
    '/c/:slug/demandes/:number/documents/:file',
    { schema: { hide: true, params: fileParams }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      const commune = request.commune!;
      if (!isUuid(request.params.file)) throw notFound('file.not_found', 'bad file id');
      const file = await withTenant(ctx.database, commune.id, async (tx) => {
        const r = await findOwnRequest(tx, commune.id, request.actor, request.params.number);
        return readFile(tx, request.params.file, { requestId: r.id, includeInternal: false });
      });
      if (!file) throw notFound('file.not_found', 'no such file on this request');
      return sendFile(reply, file);
    },
  );
}
