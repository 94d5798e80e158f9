/**
 * "Mes demandes": the citizen's requests in the commune, each with its status timeline, the
 * messages exchanged (never the agents' internal notes), its documents, the receipt PDF and a
 * reply form (message and optional file). Another person's request answers 404.
 * Also the "mode simple" page behind the single-use link mailed to the secretary.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { isCounterNumber } from '../../platform/db/counters.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { AppError, notFound } from '../../platform/errors.js';
import {
  DEFAULT_ACCEPTED_TYPES,
  describeTypes,
  formatBytes,
  MAX_UPLOAD_BYTES,
  sendFile,
  uploadedFiles,
  validateUpload,
} from '../../platform/files/checks.js';
import { isUuid } from '../../platform/ids.js';
import { listServices } from '../../platform/tenancy/communes.js';
import {
  Button,
  CsrfField,
  type FieldErrors,
  FileUpload,
  InsetText,
  Radios,
  SummaryList,
  Table,
  Textarea,
  WarningText,
} from '../../platform/views/components.js';
import { formatDate, formatDateTime } from '../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../platform/views/page-kit.js';
import type { RequestStatus } from '../procedures/index.js';
import { findProcedureById, positionLabel, STATUS_LABELS, storedWorkflow } from '../procedures/index.js';
import { MAX_MESSAGE_LENGTH, requestDeps, type SummaryRow } from './deps.js';
import { listRequestEvents } from './history.js';
import { silenceMention } from './receipt-pdf.js';
import {
  findRequestByNumber,
  listDraftsOfAccount,
  listRequestFiles,
  listRequestsOfAccount,
  type StoredFileInfo,
} from './repo.js';
import { readFile, storeFile } from './request-files.js';
import type { CitizenRequest, RequestEvent } from './schema.js';
import { StatusTag } from './ui.js';
import { findRequestForProcessToken, processFromLink, processLinkStatuses } from './use-cases/process-from-link.js';
import { replyAsCitizen } from './use-cases/reply-as-citizen.js';

const numberParams = z.object({ slug: z.string().max(63), number: z.string().max(20) }).strict();
const fileParams = z
  .object({ slug: z.string().max(63), number: z.string().max(20), file: z.string().max(40) })
  .strict();
const tokenParams = z.object({ slug: z.string().max(63), token: z.string().max(120) }).strict();
/** Citizen-visible kinds of events (re-routing and assignment are internal matters). */
const CITIZEN_EVENT_KINDS = new Set<RequestEvent['kind']>([
  'submitted',
  'status',
  'message_to_citizen',
  'message_from_citizen',
  'attachment',
]);

/** The signed-in citizen's own request, or 404 (whoever else's it is). */
async function ownRequest(tx: Tx, request: FastifyRequest, number: string): Promise<CitizenRequest> {
  const commune = request.commune!;
  const found = isCounterNumber(number) ? await findRequestByNumber(tx, commune.id, number) : undefined;
  if (!found || found.accountId === null || found.accountId !== request.actor?.accountId) {
    throw notFound('request.not_found', `request ${number} not found for this account`);
  }
  return found;
}

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

export function registerTrackingPages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const deps = requestDeps(ctx);

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
      const r = await ownRequest(tx, request, number);
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
      const accountId = request.actor!.accountId;
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
          return withTenant(ctx.database, commune.id, async (tx) => {
            const r = await ownRequest(tx, request, request.params.number);
            const file = upload ? await storeFile(tx, { upload, ownerAccountId: accountId, requestId: r.id }) : null;
            return replyAsCitizen(tx, deps, {
              commune,
              request: r,
              accountId,
              body: formString(body, 'message'),
              fileIds: file ? [file.id] : [],
              httpRequestId: request.id,
            });
          });
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
        const r = await ownRequest(tx, request, request.params.number);
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
        const r = await ownRequest(tx, request, request.params.number);
        return readFile(tx, request.params.file, { requestId: r.id, includeInternal: false });
      });
      if (!file) throw notFound('file.not_found', 'no such file on this request');
      return sendFile(reply, file);
    },
  );

  // — "Mode simple": the secretary's single-use link (GET shows, POST acts: mail scanners follow links) —

  async function processPage(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    form: { values?: FormBody; errors?: FieldErrors; status?: number } = {},
  ) {
    const commune = request.commune!;
    const found = await withTenant(ctx.database, commune.id, async (tx) => {
      const r = await findRequestForProcessToken(tx, token);
      if (!r) return undefined;
      const procedure = r.procedureId ? await findProcedureById(tx, commune.id, r.procedureId) : undefined;
      return { r, procedure };
    });
    if (!found) {
      return sendPage(request, reply, {
        status: 410,
        title: 'Lien expiré ou déjà utilisé',
        children: (
          <>
            <h1 class="govuk-heading-xl">Lien expiré ou déjà utilisé</h1>
            <p class="govuk-body">
              Ce lien ne sert qu’une fois et pendant une durée limitée. Si la demande a déjà été marquée comme traitée,
              l’usager a été prévenu ; vous n’avez rien d’autre à faire.
            </p>
          </>
        ),
      });
    }
    const { r, procedure } = found;
    const workflow = storedWorkflow(procedure?.workflow);
    const errors = form.errors ?? {};
    return sendPage(request, reply, {
      ...(form.status ? { status: form.status } : {}),
      title: `Traiter la demande n° ${r.number}`,
      errors,
      fieldOrder: ['status', 'message'],
      children: (
        <>
          <h1 class="govuk-heading-xl">
            <span class="govuk-caption-l">Demande n° {r.number}</span>
            {procedure?.title ?? r.subject}
          </h1>
          <SummaryList
            rows={[
              { key: 'Demandeur', value: `${r.requesterName} (${r.requesterEmail})` },
              { key: 'Envoyée le', value: formatDateTime(r.submittedAt) },
              { key: 'Statut actuel', value: <StatusTag request={r} workflow={procedure?.workflow} /> },
            ]}
          />
          <form method="post" novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Radios
              name="status"
              legend="Comment la demande a-t-elle été traitée ?"
              legendSize="m"
              value={formString(form.values, 'status')}
              error={errors.status}
              items={processLinkStatuses(workflow).map((s) => ({
                value: s,
                label: positionLabel(workflow, { status: s, step: null }, 'citizen'),
              }))}
            />
            <Textarea
              name="message"
              label="Message à l’usager (obligatoire en cas de refus)"
              hint="Il sera joint au courriel qui informe l’usager du nouveau statut. En cas de refus, indiquez-en le motif : l’usager le recevra avec les voies et délais de recours."
              maxLength={MAX_MESSAGE_LENGTH}
              value={formString(form.values, 'message')}
              error={errors.message}
            />
            <Button>Continuer</Button>
          </form>
        </>
      ),
    });
  }

  /** Before anything is saved: what will happen, with a button that does it and a way back. */
  async function confirmProcessPage(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    values: { status: string; message: string },
  ) {
    const commune = request.commune!;
    const found = await withTenant(ctx.database, commune.id, async (tx) => {
      const r = await findRequestForProcessToken(tx, token);
      if (!r) return undefined;
      const procedure = r.procedureId ? await findProcedureById(tx, commune.id, r.procedureId) : undefined;
      return { r, procedure };
    });
    if (!found) return processPage(request, reply, token);
    const { r, procedure } = found;
    const workflow = storedWorkflow(procedure?.workflow);
    const label = positionLabel(workflow, { status: values.status as RequestStatus, step: null }, 'citizen');
    const refusal = values.status === 'refusee';
    return sendPage(request, reply, {
      title: `Confirmer : demande n° ${r.number}`,
      children: (
        <>
          <h1 class="govuk-heading-xl">
            <span class="govuk-caption-l">Demande n° {r.number}</span>
            {refusal ? 'Confirmez-vous le refus de cette demande ?' : `Confirmez-vous : ${label.toLowerCase()} ?`}
          </h1>
          <SummaryList
            rows={[
              { key: 'Démarche', value: procedure?.title ?? r.subject },
              { key: 'Demandeur', value: r.requesterName },
              { key: 'Nouveau statut', value: label },
              ...(values.message.trim()
                ? [{ key: refusal ? 'Motif du refus' : 'Message à l’usager', value: values.message }]
                : []),
            ]}
          />
          {refusal ? (
            <WarningText>
              L’usager recevra ce motif par courriel, avec les voies et délais de recours. Le refus ne pourra plus être
              annulé depuis ce lien.
            </WarningText>
          ) : null}
          <form method="post" novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <input type="hidden" name="status" value={values.status} />
            <input type="hidden" name="message" value={values.message} />
            <input type="hidden" name="confirmation" value="oui" />
            <div class="govuk-button-group">
              <Button variant={refusal ? 'warning' : 'primary'}>
                {refusal ? 'Confirmer le refus' : 'Confirmer et prévenir l’usager'}
              </Button>
              <a class="govuk-link" href={`/c/${commune.slug}/demandes/traitement/${token}`}>
                Revenir sans rien enregistrer
              </a>
            </div>
          </form>
        </>
      ),
    });
  }

  app.get(
    '/c/:slug/demandes/traitement/:token',
    { schema: { hide: true, params: tokenParams }, config: { policy: 'public' } },
    async (request, reply) => processPage(request, reply, request.params.token),
  );

  app.post(
    '/c/:slug/demandes/traitement/:token',
    { schema: { hide: true, params: tokenParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = request.commune!;
      const body = (request.body ?? {}) as FormBody;
      const status = formString(body, 'status');
      const message = formString(body, 'message');
      // First POST: checked, then a confirmation page; only the confirmed POST saves.
      if (formString(body, 'confirmation') !== 'oui') {
        const errors: Record<string, string> = {};
        const workflow = await withTenant(ctx.database, commune.id, async (tx) => {
          const r = await findRequestForProcessToken(tx, request.params.token);
          const procedure = r?.procedureId ? await findProcedureById(tx, commune.id, r.procedureId) : undefined;
          return r ? storedWorkflow(procedure?.workflow) : undefined;
        });
        if (!workflow) return processPage(request, reply, request.params.token);
        if (!processLinkStatuses(workflow).some((s) => s === status))
          errors.status = 'Indiquez comment la demande a été traitée.';
        else if (status === 'refusee' && !message.trim()) errors.message = 'Expliquez à l’usager le motif du refus.';
        if (message.length > MAX_MESSAGE_LENGTH)
          errors.message = `Le message ne doit pas dépasser ${MAX_MESSAGE_LENGTH} caractères.`;
        if (Object.keys(errors).length > 0)
          return processPage(request, reply, request.params.token, { values: body, errors, status: 422 });
        return confirmProcessPage(request, reply, request.params.token, { status, message });
      }
      const result = await handleForm(
        () =>
          withTenant(ctx.database, commune.id, (tx) =>
            processFromLink(tx, deps, {
              commune,
              token: request.params.token,
              status,
              message,
              httpRequestId: request.id,
            }),
          ),
        (errors, status) => processPage(request, reply, request.params.token, { values: body, errors, status }),
      );
      if (!result.ok) return result.response;
      const { request: updated, label } = result.value;
      return sendPage(request, reply, {
        title: 'Demande traitée',
        children: (
          <>
            <h1 class="govuk-heading-xl">
              Demande n° {updated.number} : {label.toLowerCase()}
            </h1>
            <p class="govuk-body">
              Le statut est enregistré et l’usager a été prévenu par courriel. Il le voit aussi dans son espace « Mes
              demandes ».
            </p>
          </>
        ),
      });
    },
  );
}
