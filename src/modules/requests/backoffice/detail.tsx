/**
 * One request in the back-office: the requester, the answers, how it was routed, its files
 * (downloads), its full history (internal notes included, marked as such), and the actions —
 * change the status (with a message to the citizen), write to the citizen (with a file), write
 * an internal note, assign, re-route to another service. Each action is a POST form that works
 * without JavaScript; an invalid form re-renders this page with French field errors (422).
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import {
  formatBytes,
  sendFile,
  sendImagePreview,
  uploadedFiles,
  validateUpload,
} from '../../../platform/files/checks.js';
import { type FieldErrors, SummaryList, Tag } from '../../../platform/views/components.js';
import { formatDate, formatDateTime } from '../../../platform/views/format.js';
import { type FormBody as Body, stringValue } from '../../../platform/views/page-kit.js';
import { writeInternalNote } from '../use-cases/add-internal-note.js';
import { reassignRequest } from '../use-cases/assign-request.js';
import { changeRequestStatus } from '../use-cases/change-status.js';
import { callerOf } from '../use-cases/common.js';
import { sendToService } from '../use-cases/reroute-request.js';
import { messageCitizen } from '../use-cases/send-message.js';
import { takeRequest } from '../use-cases/take-request.js';
import { RequestAnswers } from './answers.js';
import { Actions, type FormValues, Routing, Section } from './detail-actions.js';
import { loadDetail } from './detail-data.js';
import { History } from './detail-history.js';
import { LateTag, requireInbox, StatusTag } from './inbox.js';
import { CHANNEL_LABELS, findRequestFile, findRequestForActor } from './queries.js';
import { agentBreadcrumbs, inboxBase, requestPath, sendBackofficePage } from './ui.js';

/** Which form each field belongs to, in page order (for the error summary). */
const FIELD_ORDER = [
  'prendre',
  'statut',
  'messageStatut',
  'message',
  'fichier',
  'attente',
  'note',
  'attribuer',
  'service',
  'motif',
];

const DONE_NOTICES: Record<string, string> = {
  prise: 'Vous avez pris en charge la demande : elle vous est attribuée.',
  statut: 'Le statut de la demande a été modifié. L’usager a été prévenu par courriel.',
  message: 'Votre message a été envoyé à l’usager. Il le retrouve dans son espace et a été prévenu par courriel.',
  note: 'La note interne a été ajoutée. Elle n’est visible que des agents.',
  attribution: 'L’attribution de la demande a été modifiée.',
  reorientee: 'La demande a été transmise au service choisi.',
  deposee: 'La demande a été enregistrée. L’usager a reçu un accusé de réception par courriel.',
};

async function detailPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  number: string,
  form: { values?: FormValues; errors?: FieldErrors; status?: number } = {},
) {
  requireInbox(request);
  const data = await loadDetail(ctx, request, number);
  const { detail } = data;
  const done = (request.query as Record<string, unknown>).fait;
  const noticeText = typeof done === 'string' ? DONE_NOTICES[done] : undefined;
  const path = requestPath(request, detail.number);
  return sendBackofficePage(request, reply, {
    title: `Demande n° ${detail.number}`,
    errors: form.errors ?? {},
    fieldOrder: FIELD_ORDER,
    ...(form.status ? { status: form.status } : {}),
    ...(noticeText && !form.errors ? { notice: { kind: 'success' as const, title: noticeText } } : {}),
    breadcrumbs: agentBreadcrumbs(request),
    children: (
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <span class="govuk-caption-l">Demande n° {detail.number}</span>
          <h1 class="govuk-heading-xl">{detail.subject}</h1>
          <p class="govuk-body">
            <StatusTag row={detail} />
            {detail.late ? (
              <>
                {' '}
                <LateTag />
              </>
            ) : null}
          </p>
          <SummaryList
            rows={[
              { key: 'Démarche', value: detail.procedureTitle ?? 'Demande libre (sans démarche)' },
              { key: 'Service', value: detail.serviceName },
              { key: 'Déposée le', value: formatDateTime(detail.submittedAt) },
              {
                key: 'Échéance',
                value: (
                  <>
                    {formatDate(detail.dueAt)}
                    {detail.late ? (
                      <>
                        {' '}
                        <LateTag />
                      </>
                    ) : null}
                  </>
                ),
              },
              ...(detail.silenceKind && detail.silenceDate
                ? [
                    {
                      key: detail.silenceKind === 'accord' ? 'Silence vaut accord le' : 'Silence vaut rejet le',
                      value: formatDate(`${detail.silenceDate}T12:00:00Z`),
                    },
                  ]
                : []),
              { key: 'Canal', value: CHANNEL_LABELS[detail.channel] ?? detail.channel },
              ...(detail.filedByName ? [{ key: 'Enregistrée par', value: detail.filedByName }] : []),
              { key: 'Attribuée à', value: detail.assigneeName ?? 'Personne' },
              ...(detail.closedAt ? [{ key: 'Clôturée le', value: formatDateTime(detail.closedAt) }] : []),
            ]}
          />

          {data.photos.length > 0 ? (
            <Section title={data.photos.length > 1 ? 'Photos' : 'Photo'} id="photos">
              <ul class="guichet-thumbnails">
                {data.photos.map((f) => (
                  <li key={f.id}>
                    <a class="govuk-link" href={`${path}/fichiers/${f.id}`} download>
                      <img
                        class="guichet-thumbnail"
                        src={`${path}/fichiers/${f.id}/apercu`}
                        alt={`Envoyée par l’usager : ${f.name}`}
                        width={320}
                      />
                      <span class="govuk-body-s">Télécharger {f.name}</span>
                    </a>
                  </li>
                ))}
              </ul>
            </Section>
          ) : null}

          <Section title="Demandeur" id="demandeur">
            <SummaryList
              rows={[
                { key: 'Nom', value: detail.requesterName },
                { key: 'Adresse électronique', value: detail.requesterEmail },
                {
                  key: 'Compte sur le guichet',
                  value: detail.accountId ? 'Oui : suit sa demande en ligne' : 'Non : reçoit les messages par courriel',
                },
              ]}
            />
          </Section>

          <Section title="Réponses" id="reponses">
            <RequestAnswers
              definition={data.definition}
              answers={detail.answers}
              fileHref={(id) => `${path}/fichiers/${id}`}
            />
          </Section>

          <Section title="Orientation" id="orientation">
            <Routing detail={detail} competenceServices={data.competenceServices} />
          </Section>

          <Section title="Pièces jointes" id="fichiers">
            {data.files.length === 0 ? (
              <p class="govuk-body">Aucune pièce jointe.</p>
            ) : (
              <ul class="govuk-list">
                {data.files.map((f) => (
                  <li key={f.id}>
                    <a class="govuk-link" href={`${path}/fichiers/${f.id}`} download>
                      {f.name}
                    </a>{' '}
                    <span class="govuk-body-s">
                      ({formatBytes(f.sizeBytes)}, {formatDateTime(f.createdAt)}
                      {f.ownerAccountId && f.ownerAccountId === detail.accountId ? ', envoyée par l’usager' : ''})
                    </span>
                    {f.isInternal ? (
                      <>
                        {' '}
                        <Tag colour="yellow">Visible des agents seulement</Tag>
                      </>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </Section>

          <Section title="Historique" id="historique">
            <History request={request} data={data} />
          </Section>
        </div>
        <div class="govuk-grid-column-one-third">
          <Actions request={request} reply={reply} data={data} values={form.values ?? {}} errors={form.errors ?? {}} />
        </div>
      </div>
    ),
  });
}

function numberParam(request: FastifyRequest): string {
  return stringValue((request.params as Record<string, unknown>).number);
}

export function registerDetailPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/agent/demandes/:number', { config: { policy: 'requestsInbox' } }, (request, reply) =>
    detailPage(ctx, request, reply, numberParam(request)),
  );

  app.get(
    '/c/:slug/agent/demandes/:number/fichiers/:file',
    { config: { policy: 'requestsInbox' } },
    async (request, reply) => {
      requireInbox(request);
      const commune = request.commune!;
      const fileId = stringValue((request.params as Record<string, unknown>).file);
      const file = await withTenant(ctx.database, commune.id, async (tx) => {
        const detail = await findRequestForActor(tx, commune.id, request.actor!, numberParam(request));
        return detail ? findRequestFile(tx, commune.id, detail.id, fileId) : undefined;
      });
      if (!file) throw new AppError('request.file_not_found', 'file not found or not visible', 404);
      return sendFile(reply, file);
    },
  );

  app.get(
    '/c/:slug/agent/demandes/:number/fichiers/:file/apercu',
    { config: { policy: 'requestsInbox' } },
    async (request, reply) => {
      requireInbox(request);
      const commune = request.commune!;
      const fileId = stringValue((request.params as Record<string, unknown>).file);
      const file = await withTenant(ctx.database, commune.id, async (tx) => {
        const detail = await findRequestForActor(tx, commune.id, request.actor!, numberParam(request));
        return detail ? findRequestFile(tx, commune.id, detail.id, fileId) : undefined;
      });
      if (!file || !(await sendImagePreview(reply, file))) {
        throw new AppError('request.preview_not_found', 'no image to preview', 404);
      }
      return reply;
    },
  );

  /** A POST action: runs the use case, then back to the page (303), or the page with errors (422). */
  function action(
    suffix: string,
    run: (request: FastifyRequest, number: string, body: Body) => Promise<string>,
    values: (body: Body) => FormValues,
  ) {
    app.post(
      `/c/:slug/agent/demandes/:number/${suffix}`,
      { config: { policy: 'requestsInbox' } },
      async (request, reply) => {
        requireInbox(request);
        const number = numberParam(request);
        const body = (request.body ?? {}) as Body;
        try {
          const target = await run(request, number, body);
          return reply.redirect(target, 303);
        } catch (error) {
          if (error instanceof AppError && error.fields && error.status < 500 && error.status !== 404) {
            return detailPage(ctx, request, reply, number, {
              values: values(body),
              errors: error.fields,
              status: error.status,
            });
          }
          throw error;
        }
      },
    );
  }

  action(
    'prendre',
    async (request, number) => {
      await takeRequest(ctx, callerOf(request), number);
      return `${requestPath(request, number)}?fait=prise`;
    },
    () => ({}),
  );

  action(
    'statut',
    async (request, number, body) => {
      await changeRequestStatus(ctx, callerOf(request), number, body);
      return `${requestPath(request, number)}?fait=statut`;
    },
    (body) => ({ statut: stringValue(body.statut), messageStatut: stringValue(body.messageStatut) }),
  );

  action(
    'message',
    async (request, number, body) => {
      const parts = uploadedFiles(request);
      if (parts.some((p) => p.field !== 'fichier') || parts.length > 1) {
        throw new AppError('input.invalid', 'unexpected files', 422, {
          fields: { fichier: 'Joignez un seul fichier.' },
        });
      }
      let file: Awaited<ReturnType<typeof validateUpload>> | { error: string } | undefined;
      if (parts[0]) {
        try {
          file = await validateUpload(parts[0]);
        } catch (error) {
          if (error instanceof AppError && error.fields?.fichier) file = { error: error.fields.fichier };
          else throw error;
        }
      }
      await messageCitizen(ctx, callerOf(request), number, body, file);
      return `${requestPath(request, number)}?fait=message`;
    },
    (body) => ({ message: stringValue(body.message), attente: body.attente === '1' }),
  );

  action(
    'note',
    async (request, number, body) => {
      await writeInternalNote(ctx, callerOf(request), number, body);
      return `${requestPath(request, number)}?fait=note`;
    },
    (body) => ({ note: stringValue(body.note) }),
  );

  action(
    'attribuer',
    async (request, number, body) => {
      await reassignRequest(ctx, callerOf(request), number, body);
      return `${requestPath(request, number)}?fait=attribution`;
    },
    (body) => ({ attribuer: stringValue(body.attribuer) }),
  );

  action(
    'reorienter',
    async (request, number, body) => {
      const { stillVisible } = await sendToService(ctx, callerOf(request), number, body);
      return stillVisible
        ? `${requestPath(request, number)}?fait=reorientee`
        : `${inboxBase(request)}?transmise=${encodeURIComponent(number)}`;
    },
    (body) => ({ service: stringValue(body.service), motif: stringValue(body.motif) }),
  );
}
