/**
 * One request in the back-office: the requester, the answers, how it was routed, its files
 * (downloads), its full history (internal notes included, marked as such), and the actions —
 * change the status (with a message to the citizen), write to the citizen (with a file), write
 * an internal note, assign, re-route to another service. Each action is a POST form that works
 * without JavaScript; an invalid form re-renders this page with French field errors (422).
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { competenceLabel } from '../../../platform/classifier/competences.js';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import {
  DEFAULT_ACCEPTED_TYPES,
  describeTypes,
  formatBytes,
  MAX_UPLOAD_BYTES,
  sendFile,
  sendImagePreview,
  uploadedFiles,
  validateUpload,
} from '../../../platform/files/checks.js';
import { listServices, type Service } from '../../../platform/tenancy/communes.js';
import {
  Button,
  Checkboxes,
  CsrfField,
  type FieldErrors,
  FileUpload,
  InsetText,
  Radios,
  Select,
  SummaryList,
  Tag,
  Textarea,
} from '../../../platform/views/components.js';
import { formatDate, formatDateTime, formatNumber } from '../../../platform/views/format.js';
import { type FormBody as Body, stringValue } from '../../../platform/views/page-kit.js';
import type { FormDefinition } from '../../forms/index.js';
import {
  AGENT_STATUS_LABELS,
  findFormVersion,
  nextPositions,
  positionLabel,
  positionValue,
  type RequestStatus,
} from '../../procedures/index.js';
import { MAX_MESSAGE_LENGTH } from '../deps.js';
import { canAddNote, canAssign, canChangeStatus, canMessageCitizen, canReroute, canTakeRequest } from '../policy.js';
import { listRequestFiles, type StoredFileInfo } from '../repo.js';
import { writeInternalNote } from '../use-cases/add-internal-note.js';
import { reassignRequest } from '../use-cases/assign-request.js';
import { changeRequestStatus } from '../use-cases/change-status.js';
import { callerOf, requestNotFound } from '../use-cases/common.js';
import { sendToService } from '../use-cases/reroute-request.js';
import { messageCitizen } from '../use-cases/send-message.js';
import { takeRequest } from '../use-cases/take-request.js';
import { Lines, RequestAnswers } from './answers.js';
import { LateTag, requireInbox, StatusTag } from './inbox.js';
import {
  accountNames,
  CHANNEL_LABELS,
  findRequestFile,
  findRequestForActor,
  type HistoryEntry,
  isClosed,
  listHistory,
  listServiceAgents,
  type Person,
  type RequestDetail,
  ROUTED_BY_LABELS,
} from './queries.js';
import { PREVIEWABLE_TYPES, photoIds } from './triage.js';
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

interface DetailData {
  detail: RequestDetail;
  history: HistoryEntry[];
  files: StoredFileInfo[];
  agents: Person[];
  services: Service[];
  names: Map<string, string>;
  /** The form version the request was made with (null without démarche). */
  definition: FormDefinition | null;
  /** The images the citizen answered (photos of a report), shown as thumbnails. */
  photos: StoredFileInfo[];
}

async function loadDetail(ctx: AppContext, request: FastifyRequest, number: string): Promise<DetailData> {
  const commune = request.commune!;
  const actor = request.actor!;
  const data = await withTenant(ctx.database, commune.id, async (tx) => {
    const detail = await findRequestForActor(tx, commune.id, actor, number);
    if (!detail) return undefined;
    const history = await listHistory(tx, commune.id, detail.id);
    const mentioned = history.flatMap((e) =>
      e.kind === 'assigned' ? [e.data.from, e.data.to].filter((v): v is string => typeof v === 'string') : [],
    );
    return {
      detail,
      history,
      files: await listRequestFiles(tx, commune.id, detail.id, { includeInternal: true }),
      agents: await listServiceAgents(tx, commune.id, [detail.serviceId]),
      services: await listServices(tx, commune.id),
      names: await accountNames(tx, [...new Set(mentioned)]),
      definition:
        detail.procedureId && detail.formVersion
          ? (((await findFormVersion(tx, commune.id, detail.procedureId, detail.formVersion))?.definition as
              | FormDefinition
              | undefined) ?? null)
          : null,
    };
  });
  if (!data) throw requestNotFound();
  const wanted = new Set(photoIds(data.definition, data.detail.answers));
  const photos = data.files.filter((f) => wanted.has(f.id) && PREVIEWABLE_TYPES.has(f.mimeType) && !f.isInternal);
  return { ...data, photos };
}

function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text
        .split(/\n{2,}/)
        .filter((p) => p.trim())
        .map((paragraph, index) => (
          <p class="govuk-body" key={index}>
            <Lines text={paragraph} />
          </p>
        ))}
    </>
  );
}

/** A status of the history: the label recorded at the time, else the default name. */
function statusName(value: unknown, recorded: unknown): string {
  if (typeof recorded === 'string' && recorded !== '') return recorded;
  return typeof value === 'string' && value in AGENT_STATUS_LABELS
    ? AGENT_STATUS_LABELS[value as RequestStatus]
    : String(value ?? '');
}

function eventTitle(entry: HistoryEntry, names: Map<string, string>, services: Service[]): string {
  const service = (id: unknown, name: unknown) =>
    typeof name === 'string' ? name : (services.find((s) => s.id === id)?.name ?? 'inconnu');
  const name = (id: unknown) => (typeof id === 'string' ? (names.get(id) ?? 'un agent') : 'personne');
  switch (entry.kind) {
    case 'submitted':
      return entry.authorRole === 'agent' ? 'Demande enregistrée au guichet' : 'Demande déposée';
    case 'status':
      return `Statut : ${statusName(entry.data.from, entry.data.fromAgentLabel)} → ${statusName(entry.data.to, entry.data.agentLabel)}`;
    case 'assigned':
      return entry.data.to ? `Attribuée à ${name(entry.data.to)}` : 'Attribution retirée';
    case 'rerouted':
      return `Transmise du service ${service(entry.data.from, entry.data.fromServiceName)} au service ${service(entry.data.to, entry.data.toServiceName)}`;
    case 'message_to_citizen':
      return 'Message à l’usager';
    case 'message_from_citizen':
      return 'Message de l’usager';
    case 'internal_note':
      return 'Note interne — visible des agents seulement';
    case 'attachment':
      return 'Pièce jointe ajoutée';
    default:
      return entry.kind;
  }
}

function eventAuthor(entry: HistoryEntry): string {
  if (entry.authorRole === 'system') return 'Guichet (automatique)';
  if (entry.authorRole === 'citizen') return entry.authorName ? `${entry.authorName} (usager)` : 'L’usager';
  return entry.authorName ?? 'Un agent';
}

/** The files of an event (`data.files`: ids), with their names. */
function eventFiles(entry: HistoryEntry, files: StoredFileInfo[]): StoredFileInfo[] {
  const ids = entry.data.files;
  if (!Array.isArray(ids)) return [];
  return ids.flatMap((id) => files.filter((f) => f.id === id));
}

function History({ request, data }: { request: FastifyRequest; data: DetailData }) {
  const { detail, history, names } = data;
  return (
    <ol class="govuk-list">
      {[...history].reverse().map((entry) => {
        const files = eventFiles(entry, data.files);
        const content = (
          <>
            <h3 class="govuk-heading-s govuk-!-margin-bottom-1">
              {eventTitle(entry, names, data.services)}{' '}
              {entry.isInternal && entry.kind !== 'internal_note' ? (
                <Tag colour="yellow">Visible des agents seulement</Tag>
              ) : null}
            </h3>
            <p class="govuk-body-s govuk-!-margin-bottom-2">
              {formatDateTime(entry.createdAt)} — {eventAuthor(entry)}
            </p>
            {entry.body ? <Paragraphs text={entry.body} /> : null}
            {files.length > 0 ? (
              <ul class="govuk-list">
                {files.map((f) => (
                  <li key={f.id}>
                    <a class="govuk-link" href={`${requestPath(request, detail.number)}/fichiers/${f.id}`} download>
                      {f.name}
                    </a>
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        );
        return (
          <li key={entry.id} class="govuk-!-margin-bottom-6">
            {entry.kind === 'internal_note' ? <InsetText>{content}</InsetText> : content}
          </li>
        );
      })}
    </ol>
  );
}

function Section({ title, id, children }: { title: string; id: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={id} class="govuk-!-margin-bottom-8">
      <h2 class="govuk-heading-m" id={id}>
        {title}
      </h2>
      {children}
    </section>
  );
}

function Routing({ detail }: { detail: RequestDetail }) {
  const rows = [{ key: 'Mode d’orientation', value: ROUTED_BY_LABELS[detail.routedBy] ?? detail.routedBy }];
  if (detail.routingConfidence !== null) {
    rows.push({
      key: 'Confiance du classifieur',
      value: `${formatNumber(Math.round(detail.routingConfidence * 100))} %`,
    });
  }
  const competences = detail.routingCompetences ?? [];
  if (competences.length > 0) {
    rows.push({
      key: competences.length > 1 ? 'Compétences proches (à départager)' : 'Compétence estimée',
      value: competences.map(competenceLabel).join(' ou '),
    });
  }
  return (
    <>
      <SummaryList rows={rows} />
      {detail.routingExplanation && detail.routingExplanation.length > 0 ? (
        <>
          <p class="govuk-body">Mots du message qui ont pesé dans l’orientation :</p>
          <ul class="govuk-list govuk-list--bullet">
            {detail.routingExplanation.map((word) => (
              <li key={word}>{word}</li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

interface FormValues {
  attente?: boolean;
  statut?: string;
  messageStatut?: string;
  message?: string;
  note?: string;
  attribuer?: string;
  service?: string;
  motif?: string;
}

/** One action of the panel, folded (a `<details>`, no JavaScript needed); open when its form has an error. */
function ActionDetails({
  title,
  id,
  errors,
  fields,
  children,
}: {
  title: string;
  id: string;
  errors: FieldErrors;
  fields: string[];
  children: ComponentChildren;
}) {
  return (
    <details class="govuk-details" id={id} open={fields.some((f) => errors[f]) ? true : undefined}>
      <summary class="govuk-details__summary">
        <span class="govuk-details__summary-text">{title}</span>
      </summary>
      <div class="govuk-details__text">{children}</div>
    </details>
  );
}

function Actions({
  request,
  reply,
  data,
  values,
  errors,
}: {
  request: FastifyRequest;
  reply: FastifyReply;
  data: DetailData;
  values: FormValues;
  errors: FieldErrors;
}) {
  const { detail } = data;
  const path = requestPath(request, detail.number);
  const csrf = reply.generateCsrf();
  const actorId = request.actor!.accountId;
  const otherServices = data.services.filter((s) => s.id !== detail.serviceId && s.retiredAt === null);
  const actor = request.actor!;
  const closed = isClosed(detail.status);
  const mine = detail.assigneeId === actorId;
  const canStart = detail.status === 'nouvelle';
  return (
    <section class="guichet-actions-panel" aria-labelledby="actions">
      <h2 class="govuk-heading-m" id="actions">
        Actions
      </h2>
      {canTakeRequest(actor, detail) ? (
        <form method="post" action={`${path}/prendre`} novalidate>
          <CsrfField token={csrf} />
          {errors.prendre ? (
            <p id="prendre" class="govuk-error-message">
              <span class="govuk-visually-hidden">Erreur :</span> {errors.prendre}
            </p>
          ) : null}
          <p class="govuk-body-s">
            {mine
              ? 'Elle vous est attribuée.'
              : detail.assigneeName
                ? `Elle est attribuée à ${detail.assigneeName} : elle vous sera attribuée à sa place.`
                : 'Elle vous sera attribuée.'}
            {canStart ? ' Elle passera « En cours » et l’usager en sera prévenu.' : ''}
          </p>
          <Button>Prendre en charge</Button>
        </form>
      ) : (
        <p class="govuk-body">{closed ? 'Cette demande est clôturée.' : 'Vous avez pris en charge cette demande.'}</p>
      )}
      {canChangeStatus(actor, detail) ? (
        <ActionDetails
          title="Changer le statut"
          id="action-statut"
          errors={errors}
          fields={['statut', 'messageStatut']}
        >
          <form method="post" action={`${path}/statut`} novalidate>
            <CsrfField token={csrf} />
            <Radios
              name="statut"
              legend={`Statut actuel : ${detail.statusLabel}. Nouveau statut`}
              legendSize="s"
              value={values.statut ?? ''}
              error={errors.statut}
              items={nextPositions(detail.workflow, detail).map((p) => ({
                value: positionValue(p),
                label: positionLabel(detail.workflow, p, 'agent'),
                ...(p.status === 'refusee' ? { hint: 'Un message expliquant le motif du refus est obligatoire.' } : {}),
                ...(p.status === 'attente_usager' ? { hint: 'Dites à l’usager ce que vous attendez de lui.' } : {}),
              }))}
            />
            <Textarea
              name="messageStatut"
              label="Message à l’usager (facultatif, obligatoire en cas de refus)"
              hint="Il est joint au courriel qui prévient l’usager du changement et figure dans son espace."
              rows={4}
              maxLength={MAX_MESSAGE_LENGTH}
              value={values.messageStatut ?? ''}
              error={errors.messageStatut}
            />
            <Button>Changer le statut</Button>
          </form>
        </ActionDetails>
      ) : null}

      {canMessageCitizen(actor, detail) ? (
        <ActionDetails
          title="Écrire à l’usager"
          id="action-message"
          errors={errors}
          fields={['message', 'fichier', 'attente']}
        >
          <form method="post" action={`${path}/message`} enctype="multipart/form-data" novalidate>
            <CsrfField token={csrf} />
            <Textarea
              name="message"
              label="Message"
              hint="L’usager le lit dans son espace « Mes demandes » et en est prévenu par courriel."
              rows={5}
              maxLength={MAX_MESSAGE_LENGTH}
              value={values.message ?? ''}
              error={errors.message}
            />
            <FileUpload
              name="fichier"
              label="Pièce jointe (facultatif)"
              hint={`Un fichier ${describeTypes(DEFAULT_ACCEPTED_TYPES)}, ${formatBytes(MAX_UPLOAD_BYTES)} au plus.`}
              accept={DEFAULT_ACCEPTED_TYPES.join(',')}
              error={errors.fichier}
            />
            <Checkboxes
              name="attente"
              legend="Réponse de l’usager"
              legendSize="s"
              small
              error={errors.attente}
              values={values.attente ? ['1'] : []}
              items={[
                {
                  value: '1',
                  label: 'J’attends une réponse de l’usager',
                  hint: 'La demande passe « En attente de l’usager » jusqu’à sa réponse.',
                },
              ]}
            />
            <Button>Envoyer le message</Button>
          </form>
        </ActionDetails>
      ) : null}

      {canAddNote(actor, detail) ? (
        <ActionDetails title="Note interne" id="action-note" errors={errors} fields={['note']}>
          <form method="post" action={`${path}/note`} novalidate>
            <CsrfField token={csrf} />
            <Textarea
              name="note"
              label="Note"
              hint="Visible des agents seulement : l’usager ne la voit jamais."
              rows={3}
              maxLength={MAX_MESSAGE_LENGTH}
              value={values.note ?? ''}
              error={errors.note}
            />
            <Button variant="secondary">Ajouter la note interne</Button>
          </form>
        </ActionDetails>
      ) : null}

      {canAssign(actor, detail) ? (
        <ActionDetails title="Attribuer" id="action-attribuer" errors={errors} fields={['attribuer']}>
          <form method="post" action={`${path}/attribuer`} novalidate>
            <CsrfField token={csrf} />
            <Select
              name="attribuer"
              label={`Agent du service ${detail.serviceName}`}
              value={values.attribuer ?? ''}
              error={errors.attribuer}
              options={[
                { value: '', label: 'Choisir une personne' },
                ...(detail.assigneeId === actorId ? [] : [{ value: 'moi', label: 'Moi' }]),
                ...data.agents.filter((a) => a.id !== actorId).map((a) => ({ value: a.id, label: a.name })),
                ...(detail.assigneeId ? [{ value: 'personne', label: 'Personne (retirer l’attribution)' }] : []),
              ]}
            />
            <Button variant="secondary">Attribuer</Button>
          </form>
        </ActionDetails>
      ) : null}

      {canReroute(actor, detail) ? (
        <ActionDetails
          title="Transmettre à un autre service"
          id="action-service"
          errors={errors}
          fields={['service', 'motif']}
        >
          <form method="post" action={`${path}/reorienter`} novalidate>
            <CsrfField token={csrf} />
            <p class="govuk-body">
              La demande quittera la liste du service {detail.serviceName}. Son texte servira d’exemple pour améliorer
              l’orientation automatique des prochaines demandes.
            </p>
            <Select
              name="service"
              label="Service qui doit traiter la demande"
              value={values.service ?? ''}
              error={errors.service}
              options={[
                { value: '', label: 'Choisir un service' },
                ...otherServices.map((s) => ({ value: s.id, label: s.name })),
              ]}
            />
            <Textarea
              name="motif"
              label="Motif"
              hint="Visible des agents seulement."
              rows={3}
              maxLength={MAX_MESSAGE_LENGTH}
              value={values.motif ?? ''}
              error={errors.motif}
            />
            <Button variant="secondary">Transmettre la demande</Button>
          </form>
        </ActionDetails>
      ) : null}
    </section>
  );
}

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
            <Routing detail={detail} />
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
