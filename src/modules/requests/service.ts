/**
 * Use cases of requests (GRC), for the citizen pages, the agents' back-office and the API. Each
 * function works inside the caller's tenant transaction (`withTenant`), writes its history event
 * and audit entry there, and queues its mails there: everything commits or nothing does.
 *
 * Authorization is the caller's: these functions trust the ids they receive to be visible to the
 * actor (pages look requests up by owner or by service first).
 */
import { createHash } from 'node:crypto';
import { recordAudit } from '../../platform/audit/journal.js';
import type { AppContext } from '../../platform/context.js';
import { nextNumber } from '../../platform/db/counters.js';
import type { MailAttachmentRef } from '../../platform/db/schema.js';
import type { Tx } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events/index.js';
import type { ValidatedUpload } from '../../platform/files/checks.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { isMailAddress } from '../../platform/mail/address.js';
import { queueMail } from '../../platform/mail/outbox.js';
import type { SmsProvider } from '../../platform/sms/provider.js';
import type { Commune, Service } from '../../platform/tenancy/communes.js';
import { findServiceById, listServices } from '../../platform/tenancy/communes.js';
import { dueDate, silenceDate } from '../../platform/time/calendar.js';
import { hashToken, newToken } from '../../platform/tokens.js';
import { formatDate, formatDateTime } from '../../platform/views/format.js';
import {
  CLOSED_STATUSES,
  findProcedureById,
  OUTCOME_STATUSES,
  type Procedure,
  parsePosition,
  positionLabel,
  type RequestStatus,
  storedWorkflow,
  type Workflow,
} from '../procedures/index.js';
import { appealParagraphs } from './appeal.js';
import { requestEventData } from './events.js';
import { REQUEST_MAILS } from './mail-templates.js';
import type { PlaceholderValues } from './notifications/catalog.js';
import { composeNotification, composeStatusNotification } from './notifications/service.js';
import { queueStatusSms } from './notifications/sms.js';
import { renderReceiptPdf, silenceMention } from './receipt-pdf.js';
import { replyToFor } from './reply-to.js';
import {
  attachFilesToRequest,
  deleteDraft,
  findRequestByProcessToken,
  findStoredFile,
  insertRequest,
  insertRequestEvent,
  insertRoutingExamples,
  insertStoredFile,
  listRequestEvents as listEvents,
  listRequestFiles,
  type StoredFileInfo,
  updateRequest,
} from './repo.js';
import { competenceForService, type RoutingChoice, routeByRules, routeFreeText } from './routing.js';
import type { CitizenRequest, RequestEvent, StoredFile } from './schema.js';

/** What the use cases need besides the transaction. */
export interface RequestDeps {
  queue: JobQueue;
  /** The domain events (webhooks and other modules subscribe to `request.*`). */
  events: EventBus;
  /** The instance's public URL, for links in mails. */
  publicUrl: string;
  /** The instance's SMS provider; absent or `none`: no SMS. */
  smsProvider?: SmsProvider;
}

/** The dependencies of the use cases, from the application context. */
export function requestDeps(ctx: Pick<AppContext, 'queue' | 'events' | 'config' | 'smsProvider'>): RequestDeps {
  return { queue: ctx.queue, events: ctx.events, publicUrl: ctx.config.publicUrl, smsProvider: ctx.smsProvider };
}

/** Who acts, for history and audit. */
export interface RequestActor {
  type: 'citizen' | 'agent' | 'system' | 'api';
  accountId: string | null;
}

export interface SummaryRow {
  label: string;
  value: string;
}

/** Processing days of requests without a démarche (free-text contact). */
/** Counter kind of citizen requests (platform/db/counters.ts). */
export const REQUEST_COUNTER = 'demande';
export const DEFAULT_PROCESSING_DAYS = 15;
/** Validity of the "mode simple" link that marks a request as processed. */
export const PROCESS_LINK_DAYS = 60;
/** Longest message (citizen or agent) in the history. */
export const MAX_MESSAGE_LENGTH = 5000;
/** Most files attached to one request (citizen's and agents' together). */
export const MAX_FILES_PER_REQUEST = 20;

function communeOf(tx: Tx): string {
  if (!tx.communeId) throw new Error('requests use cases need a tenant transaction');
  return tx.communeId;
}

/** Requesters may stay anonymous (a street report without contact details): no mail then. */
/** An address the mail layer sends to (an old request may hold one it would refuse). */
function isMailable(email: string): boolean {
  return isMailAddress(email);
}

function auditActorType(actor: RequestActor): 'citizen' | 'agent' | 'system' | 'api' {
  return actor.type;
}

/** Link to a request's page in the citizen portal. */
export function requestUrl(deps: Pick<RequestDeps, 'publicUrl'>, commune: Commune, number: string): string {
  return `${deps.publicUrl}/c/${commune.slug}/demandes/${number}`;
}

export function receiptUrl(deps: Pick<RequestDeps, 'publicUrl'>, commune: Commune, number: string): string {
  return `${requestUrl(deps, commune, number)}/accuse-de-reception.pdf`;
}

/** What {{demarche}} says: the démarche's title, or the subject of a free-text request. */
/** The démarche's title, or for a free-text request "Demande de contact" with its subject (null: without). */
function procedureTitleOf(procedure: Pick<Procedure, 'title'> | null | undefined, subject: string | null): string {
  return procedure?.title ?? (subject === null ? 'Demande de contact' : `Demande de contact : ${subject}`);
}

/**
 * A request filed anonymously on the portal: its address was typed by whoever filled the form
 * and never confirmed. What the commune sends to it (mails, the attached receipt, SMS) carries
 * none of the requester's own words — subject, message, name, answers — so that nobody can make
 * the commune send their text to any address (decision 0014-anonymous-mail-no-free-text).
 */
export function isUnconfirmedRequester(request: {
  accountId: string | null;
  filedBy?: string | null;
  channel?: CitizenRequest['channel'] | undefined;
}): boolean {
  return request.accountId === null && !request.filedBy && (request.channel ?? 'portail') === 'portail';
}

/** How an anonymous requester is named in what the commune sends them ({{nom}}). */
const UNCONFIRMED_REQUESTER_NAME = 'Madame, Monsieur';

/** A request's démarche (null for a free-text request), looked up unless the caller has it. */
async function procedureOfRequest(tx: Tx, request: CitizenRequest): Promise<Procedure | null> {
  return request.procedureId ? ((await findProcedureById(tx, request.communeId, request.procedureId)) ?? null) : null;
}

/**
 * The placeholders' values of a request's notifications. {{statut}} speaks the démarche's workflow
 * ("intervention réalisée"); {{lien}} is the request's page for a requester with an account, else
 * the commune's contact page (the request is not online for them). Pass the démarche when it is
 * already loaded.
 */
async function notificationValues(
  tx: Tx,
  deps: RequestDeps,
  commune: Commune,
  request: CitizenRequest,
  known?: { procedure: Procedure | null },
): Promise<PlaceholderValues> {
  const procedure = known ? known.procedure : await procedureOfRequest(tx, request);
  const unconfirmed = isUnconfirmedRequester(request);
  return {
    numero: request.number,
    demarche: procedureTitleOf(procedure, unconfirmed ? null : request.subject),
    statut: positionLabel(storedWorkflow(procedure?.workflow), request, 'citizen').toLowerCase(),
    commune: commune.name,
    nom: unconfirmed ? UNCONFIRMED_REQUESTER_NAME : request.requesterName,
    date_depot: formatDateTime(request.submittedAt),
    date_limite: formatDate(request.dueAt),
    lien: trackingUrlFor(deps, commune, request) ?? `${deps.publicUrl}/c/${commune.slug}/contact`,
  };
}

/** A composed mail text in the shape of the mail templates' `text` variable. */
function mailText(composed: { subject: string | null; paragraphs: string[] }) {
  return { subject: composed.subject ?? '', paragraphs: composed.paragraphs };
}

// — Routing —

/**
 * Chooses the service of a new request: a démarche by its rules (else its default service), a
 * free text by the commune's classifier (else the accueil, for triage).
 */
export async function routeRequest(
  tx: Tx,
  input: { procedure: Procedure | null; answers: Record<string, unknown>; freeText?: string },
): Promise<RoutingChoice> {
  const communeId = communeOf(tx);
  if (input.procedure) return routeByRules(tx, communeId, input.procedure, input.answers);
  return routeFreeText(tx, communeId, input.freeText ?? '');
}

// — Files —

/** Stores a validated upload in the transaction's commune (draft, request, or neither yet). */
export async function storeFile(
  tx: Tx,
  input: {
    upload: ValidatedUpload;
    ownerAccountId: string | null;
    draftId?: string | null;
    requestId?: string | null;
    isInternal?: boolean;
  },
): Promise<StoredFileInfo> {
  const communeId = communeOf(tx);
  if (input.requestId) {
    const existing = await listRequestFiles(tx, communeId, input.requestId, { includeInternal: true });
    if (existing.length >= MAX_FILES_PER_REQUEST) {
      throw new AppError('upload.request_full', 'too many files on request', 422, {
        userMessage: `Cette demande a déjà ${MAX_FILES_PER_REQUEST} documents : il n’est plus possible d’en ajouter.`,
      });
    }
  }
  return insertStoredFile(tx, {
    communeId,
    ownerAccountId: input.ownerAccountId,
    draftId: input.draftId ?? null,
    requestId: input.requestId ?? null,
    name: input.upload.name,
    mimeType: input.upload.mimeType,
    sizeBytes: input.upload.sizeBytes,
    content: input.upload.content,
    isInternal: input.isInternal ?? false,
  });
}

/** A stored file as a mail attachment: its blob address in the commune's scope, name and type. */
export function attachmentOf(file: Pick<StoredFileInfo, 'sha256' | 'name' | 'mimeType'>): MailAttachmentRef {
  return { sha256: file.sha256, name: file.name, mimeType: file.mimeType };
}

/**
 * A stored file with its bytes, if it belongs to the given request (when one is given) and is
 * visible (internal files only with includeInternal).
 */
export async function readFile(
  tx: Tx,
  fileId: string,
  options: { requestId?: string; includeInternal: boolean },
): Promise<StoredFile | undefined> {
  const file = await findStoredFile(tx, communeOf(tx), fileId);
  if (!file) return undefined;
  if (options.requestId !== undefined && file.requestId !== options.requestId) return undefined;
  if (file.isInternal && !options.includeInternal) return undefined;
  return file;
}

// — History —

/** Appends an event to a request's history. */
export function addRequestEvent(
  tx: Tx,
  input: {
    requestId: string;
    kind: RequestEvent['kind'];
    authorId: string | null;
    authorRole: RequestEvent['authorRole'];
    isInternal?: boolean;
    body?: string | null;
    data?: Record<string, unknown>;
  },
): Promise<RequestEvent> {
  return insertRequestEvent(tx, {
    communeId: communeOf(tx),
    requestId: input.requestId,
    kind: input.kind,
    authorId: input.authorId,
    authorRole: input.authorRole,
    isInternal: input.isInternal ?? input.kind === 'internal_note',
    body: input.body ?? null,
    data: input.data ?? {},
  });
}

/** The history of a request, oldest first; internal notes only for agents. */
export function listRequestEvents(
  tx: Tx,
  requestId: string,
  options: { includeInternal: boolean },
): Promise<RequestEvent[]> {
  return listEvents(tx, communeOf(tx), requestId, options);
}

// — Submission —

export interface SubmitRequestInput {
  commune: Commune;
  /** The démarche, or null for a free-text request ("contacter la mairie"). */
  procedure: Procedure | null;
  /** The form version the answers were given with. */
  formVersion: number | null;
  subject: string;
  answers: Record<string, unknown>;
  /** Question → answer rows, for the receipt and the secretary's mail. */
  summary: SummaryRow[];
  /** E-mail may be '' for a requester who left no contact details (then no mail is sent). */
  requester: { accountId: string | null; name: string; email: string };
  channel?: CitizenRequest['channel'];
  /** The agent who filed the request on behalf of the citizen (counter). */
  filedBy?: string | null;
  /** Routing already decided (e.g. shown to a counter agent); computed otherwise. */
  routing?: RoutingChoice;
  /** Free text to route by when there is no démarche. */
  freeText?: string;
  /** Files already stored (e.g. on the draft) to attach to the request. */
  fileIds?: string[];
  /** The draft to delete once submitted (its files must be listed in fileIds). */
  draftId?: string | null;
  actor: RequestActor;
  /** The HTTP request id, for the audit entry. */
  httpRequestId?: string | null;
}

export interface SubmittedRequest {
  request: CitizenRequest;
  /** "Mode simple": the link mailed to the secretary (also returned for tests and logs). */
  processUrl: string | null;
}

/**
 * Files a request: number (per commune and year), routing, legal dates, history, receipt PDF
 * (stored), receipt mail to the requester, and in "mode simple" a mail to the commune's address
 * with the receipt, the attachments and a single-use link to mark the request as processed.
 */
export async function submitRequest(tx: Tx, deps: RequestDeps, input: SubmitRequestInput): Promise<SubmittedRequest> {
  const communeId = communeOf(tx);
  const { commune, procedure } = input;
  if (commune.id !== communeId) throw new Error('commune does not match the transaction');
  const routing =
    input.routing ??
    (await routeRequest(tx, {
      procedure,
      answers: input.answers,
      ...(input.freeText ? { freeText: input.freeText } : {}),
    }));
  const services = await listServices(tx, communeId);
  const service = services.find((s) => s.id === routing.serviceId);
  if (!service) throw new Error(`routing chose an unknown service ${routing.serviceId}`);

  const now = new Date();
  const number = await nextNumber(tx, REQUEST_COUNTER, now);
  const silence =
    procedure?.silenceKind && procedure.silenceDays
      ? {
          kind: procedure.silenceKind,
          date: silenceDate(now, { days: procedure.silenceDays, months: procedure.silenceMonths }),
          basis: procedure.silenceBasis,
        }
      : null;
  const due = dueDate(now, procedure?.processingDays ?? DEFAULT_PROCESSING_DAYS);
  const processToken = commune.simpleMode ? newToken() : null;

  const request = await insertRequest(tx, {
    communeId,
    number,
    procedureId: procedure?.id ?? null,
    formVersion: input.formVersion,
    serviceId: service.id,
    accountId: input.requester.accountId,
    requesterName: input.requester.name,
    requesterEmail: input.requester.email,
    subject: input.subject,
    answers: input.answers,
    status: 'nouvelle',
    channel: input.channel ?? 'portail',
    filedBy: input.filedBy ?? null,
    routedBy: routing.routedBy,
    routingConfidence: routing.confidence,
    routingExplanation: routing.explanation,
    routingCompetences: routing.competences ?? null,
    dueAt: due,
    silenceKind: silence?.kind ?? null,
    silenceDate: silence?.date ?? null,
    submittedAt: now,
    processTokenHash: processToken ? hashToken(processToken) : null,
    processTokenExpiresAt: processToken ? new Date(now.getTime() + PROCESS_LINK_DAYS * 86_400_000) : null,
  });

  const fileIds = input.fileIds ?? [];
  const attached = await attachFilesToRequest(tx, communeId, request.id, fileIds);
  if (attached !== fileIds.length) {
    throw new AppError('request.files_gone', 'some files are not attachable', 409, {
      userMessage: 'Un des fichiers joints n’est plus disponible. Vérifiez vos pièces jointes et renvoyez la demande.',
    });
  }
  if (input.draftId) await deleteDraft(tx, communeId, input.draftId);

  await addRequestEvent(tx, {
    requestId: request.id,
    kind: 'submitted',
    authorId: input.requester.accountId ?? input.filedBy ?? null,
    authorRole: input.filedBy ? 'agent' : 'citizen',
    data: {
      number,
      channel: request.channel,
      serviceSlug: service.slug,
      routedBy: routing.routedBy,
      files: fileIds,
      // What the requester saw and sent, as shown on the receipt (kept with the history).
      summary: input.summary,
      ...(input.filedBy ? { filedBy: input.filedBy } : {}),
    },
  });

  const procedureTitle = procedureTitleOf(procedure, input.subject);
  // The receipt goes to the requester's address: an anonymous one gets it without their words.
  const unconfirmed = isUnconfirmedRequester({
    accountId: input.requester.accountId,
    filedBy: input.filedBy ?? null,
    channel: input.channel,
  });
  const pdf = await renderReceiptPdf({
    commune,
    number,
    submittedAt: now,
    procedureTitle: unconfirmed ? procedureTitleOf(procedure, null) : procedureTitle,
    serviceName: service.name,
    requester: { name: unconfirmed ? null : input.requester.name, email: input.requester.email },
    summary: unconfirmed ? [] : input.summary,
    ...(unconfirmed ? { withoutContent: true } : {}),
    silence,
    dueAt: due,
  });
  const receipt = await storeFile(tx, {
    upload: {
      name: `accuse-de-reception-${number}.pdf`,
      mimeType: 'application/pdf',
      content: pdf,
      sizeBytes: pdf.length,
      sha256: createHash('sha256').update(pdf).digest('hex'),
    },
    // Produced by the commune, not uploaded by the requester.
    ownerAccountId: null,
    requestId: request.id,
  });
  const stored = await updateRequest(tx, communeId, request.id, { receiptFileId: receipt.id });

  const submittedAt = formatDateTime(now);
  const hasAccount = input.requester.accountId !== null;
  if (isMailable(input.requester.email))
    await queueMail(tx, deps.queue, {
      to: input.requester.email,
      template: REQUEST_MAILS.requestReceipt,
      variables: {
        communeName: commune.name,
        text: mailText(
          await composeNotification(
            tx,
            'request.received',
            await notificationValues(tx, deps, commune, stored, { procedure }),
          ),
        ),
        ...(silence ? { silenceMention: silenceMention(silence) } : {}),
        ...(hasAccount
          ? { trackingUrl: requestUrl(deps, commune, number), receiptUrl: receiptUrl(deps, commune, number) }
          : {}),
      },
      attachments: [attachmentOf(receipt)],
      ...(await replyToFor(tx, commune, service.id)),
    });

  let processUrl: string | null = null;
  if (processToken && commune.email) {
    processUrl = `${deps.publicUrl}/c/${commune.slug}/demandes/traitement/${processToken}`;
    const requestFiles = new Map(
      (await listRequestFiles(tx, communeId, request.id, { includeInternal: false })).map((f) => [f.id, f]),
    );
    const attachments: MailAttachmentRef[] = [
      attachmentOf(receipt),
      ...fileIds.flatMap((id) => {
        const file = requestFiles.get(id);
        return file ? [attachmentOf(file)] : [];
      }),
    ];
    await queueMail(tx, deps.queue, {
      to: commune.email,
      template: REQUEST_MAILS.requestToSecretary,
      variables: {
        communeName: commune.name,
        number,
        procedureTitle,
        requesterName: input.requester.name,
        requesterEmail: input.requester.email,
        submittedAt,
        lines: input.summary.map((row) => `${row.label} : ${row.value || '—'}`),
        attachmentCount: fileIds.length,
        processUrl,
        validDays: PROCESS_LINK_DAYS,
      },
      attachments,
      ...(isMailable(input.requester.email) ? { replyTo: input.requester.email } : {}),
    });
  }

  await recordAudit(tx, {
    action: 'request.submitted',
    actorType: auditActorType(input.actor),
    actorId: input.actor.accountId,
    targetType: 'request',
    targetId: request.id,
    data: {
      number,
      procedure: procedure?.slug ?? null,
      service: service.slug,
      routedBy: routing.routedBy,
      channel: request.channel,
      files: fileIds.length,
      simpleMode: commune.simpleMode,
    },
    requestId: input.httpRequestId ?? null,
  });
  await deps.events.emit(tx, deps.queue, 'request.created', {
    ...requestEventData(stored, { service: service.slug, procedure: procedure?.slug ?? null }),
    channel: stored.channel,
  });
  return { request: stored, processUrl };
}

// — Status, messages, notes, assignment, re-routing —

/** The status workflow of a request's démarche (the default one for a free-text request). */
export async function workflowOfRequest(tx: Tx, request: CitizenRequest): Promise<Workflow> {
  return storedWorkflow((await procedureOfRequest(tx, request))?.workflow);
}

function trackingUrlFor(
  deps: Pick<RequestDeps, 'publicUrl'>,
  commune: Commune,
  request: CitizenRequest,
): string | undefined {
  return request.accountId ? requestUrl(deps, commune, request.number) : undefined;
}

function checkMessage(body: string, field = 'message'): string {
  const text = body.replace(/\r\n/g, '\n').trim();
  if (!text) {
    throw new AppError('request.message_empty', 'empty message', 422, {
      fields: { [field]: 'Saisissez votre message.' },
    });
  }
  if (text.length > MAX_MESSAGE_LENGTH) {
    throw new AppError('request.message_too_long', 'message too long', 422, {
      fields: { [field]: `Votre message doit faire au plus ${MAX_MESSAGE_LENGTH} caractères.` },
    });
  }
  return text;
}

/**
 * Changes the status (and, en cours, the step) of a request: history event (with an optional
 * message to the citizen and the label the citizen saw), closing date, mail to the requester,
 * audit, webhook. No-op when nothing changes; a status or step the démarche's workflow does not
 * use is refused (422).
 */
export async function changeStatus(
  tx: Tx,
  deps: RequestDeps,
  input: {
    commune: Commune;
    request: CitizenRequest;
    status: RequestStatus | string;
    /** The step inside "en cours" (a key of the démarche's workflow); ignored for other statuses. */
    step?: string | null;
    actor: RequestActor;
    message?: string | null;
    notify?: boolean;
    httpRequestId?: string | null;
  },
): Promise<CitizenRequest> {
  const communeId = communeOf(tx);
  const procedure = await procedureOfRequest(tx, input.request);
  const workflow = storedWorkflow(procedure?.workflow);
  const target = parsePosition(
    workflow,
    input.status === 'en_cours' && input.step ? `${input.status}/${input.step}` : input.status,
  );
  if (!target) {
    throw new AppError('request.invalid_status', `status ${input.status}/${input.step} not in the workflow`, 422, {
      fields: { statut: 'Choisissez un statut utilisé par cette démarche.' },
    });
  }
  const from = input.request.status;
  const fromStep = input.request.step;
  const to = target.status;
  if (from === to && fromStep === target.step) return input.request;
  const message = input.message?.trim() ? checkMessage(input.message) : null;
  const citizenLabel = positionLabel(workflow, target, 'citizen');
  const updated = await updateRequest(tx, communeId, input.request.id, {
    status: to,
    step: target.step,
    closedAt: CLOSED_STATUSES.has(to) ? new Date() : null,
  });
  await addRequestEvent(tx, {
    requestId: input.request.id,
    kind: 'status',
    authorId: input.actor.accountId,
    authorRole: input.actor.type === 'citizen' ? 'citizen' : input.actor.type === 'agent' ? 'agent' : 'system',
    body: message,
    data: {
      from,
      to,
      ...(fromStep ? { fromStep } : {}),
      ...(target.step ? { toStep: target.step } : {}),
      // The names shown at the time: the workflow may be renamed later.
      label: citizenLabel,
      agentLabel: positionLabel(workflow, target, 'agent'),
      fromAgentLabel: positionLabel(workflow, { status: from, step: fromStep }, 'agent'),
    },
  });
  if (input.notify !== false) {
    const values = await notificationValues(tx, deps, input.commune, updated, { procedure });
    if (isMailable(input.request.requesterEmail)) {
      const trackingUrl = trackingUrlFor(deps, input.commune, input.request);
      await queueMail(tx, deps.queue, {
        to: input.request.requesterEmail,
        template: REQUEST_MAILS.requestStatusChanged,
        variables: {
          communeName: input.commune.name,
          text: mailText(await composeStatusNotification(tx, to, values)),
          ...(message ? { message } : {}),
          ...(to === 'refusee' ? { appeal: appealParagraphs(procedure?.slug ?? null, input.commune.name) } : {}),
          ...(trackingUrl ? { trackingUrl } : {}),
        },
        ...(await replyToFor(tx, input.commune, input.request.serviceId)),
      });
    }
    if (to !== 'nouvelle') await queueStatusSms(tx, deps, { request: updated, values });
  }
  await recordAudit(tx, {
    action: 'request.status_changed',
    actorType: auditActorType(input.actor),
    actorId: input.actor.accountId,
    targetType: 'request',
    targetId: input.request.id,
    data: {
      number: input.request.number,
      from,
      to,
      ...(fromStep ? { fromStep } : {}),
      ...(target.step ? { toStep: target.step } : {}),
    },
    requestId: input.httpRequestId ?? null,
  });
  await deps.events.emit(tx, deps.queue, 'request.status_changed', {
    ...requestEventData(updated, {
      service: (await findServiceById(tx, communeId, updated.serviceId))?.slug ?? null,
      procedure: procedure?.slug ?? null,
    }),
    from,
    fromStep,
  });
  return updated;
}

/**
 * An agent writes to the citizen (optionally with files already stored, and optionally waiting
 * for the citizen's answer): history event, mail, audit.
 */
export async function sendMessageToCitizen(
  tx: Tx,
  deps: RequestDeps,
  input: {
    commune: Commune;
    request: CitizenRequest;
    actor: RequestActor;
    body: string;
    fileIds?: string[];
    awaitReply?: boolean;
    httpRequestId?: string | null;
  },
): Promise<RequestEvent> {
  const communeId = communeOf(tx);
  const body = checkMessage(input.body);
  const fileIds = input.fileIds ?? [];
  await attachFilesToRequest(tx, communeId, input.request.id, fileIds);
  const event = await addRequestEvent(tx, {
    requestId: input.request.id,
    kind: 'message_to_citizen',
    authorId: input.actor.accountId,
    authorRole: 'agent',
    body,
    data: { files: fileIds },
  });
  let current = input.request;
  if (input.awaitReply && input.request.status !== 'attente_usager') {
    current = await changeStatus(tx, deps, {
      commune: input.commune,
      request: input.request,
      status: 'attente_usager',
      actor: input.actor,
      notify: false,
    });
  }
  const trackingUrl = trackingUrlFor(deps, input.commune, input.request);
  const sentFiles = trackingUrl
    ? []
    : (await listRequestFiles(tx, communeId, input.request.id, { includeInternal: true })).filter((f) =>
        fileIds.includes(f.id),
      );
  if (isMailable(input.request.requesterEmail))
    await queueMail(tx, deps.queue, {
      to: input.request.requesterEmail,
      template: REQUEST_MAILS.requestMessage,
      variables: {
        communeName: input.commune.name,
        text: mailText(
          await composeNotification(tx, 'request.message', await notificationValues(tx, deps, input.commune, current)),
        ),
        // Requesters without an account cannot read the message online: it travels in the mail.
        ...(trackingUrl ? { trackingUrl } : { message: body }),
      },
      ...(trackingUrl ? {} : { attachments: sentFiles.map(attachmentOf) }),
      ...(await replyToFor(tx, input.commune, input.request.serviceId)),
    });
  await recordAudit(tx, {
    action: 'request.message_sent',
    actorType: auditActorType(input.actor),
    actorId: input.actor.accountId,
    targetType: 'request',
    targetId: input.request.id,
    data: { number: input.request.number, files: fileIds.length },
    requestId: input.httpRequestId ?? null,
  });
  return event;
}

/**
 * The citizen answers from "Mes demandes" (optionally with files already stored): history
 * event; a request waiting for the citizen goes back to "en cours".
 */
export async function replyAsCitizen(
  tx: Tx,
  deps: RequestDeps,
  input: {
    commune: Commune;
    request: CitizenRequest;
    accountId: string;
    body: string;
    fileIds?: string[];
    httpRequestId?: string | null;
  },
): Promise<RequestEvent> {
  const communeId = communeOf(tx);
  if (CLOSED_STATUSES.has(input.request.status)) {
    throw new AppError('request.closed', 'request closed', 409, {
      userMessage: 'Cette demande est close : pour une nouvelle question, faites une nouvelle demande.',
    });
  }
  const body = checkMessage(input.body);
  const fileIds = input.fileIds ?? [];
  await attachFilesToRequest(tx, communeId, input.request.id, fileIds);
  const event = await addRequestEvent(tx, {
    requestId: input.request.id,
    kind: 'message_from_citizen',
    authorId: input.accountId,
    authorRole: 'citizen',
    body,
    data: { files: fileIds },
  });
  if (input.request.status === 'attente_usager') {
    await changeStatus(tx, deps, {
      commune: input.commune,
      request: input.request,
      status: 'en_cours',
      actor: { type: 'system', accountId: null },
      notify: false,
    });
  }
  await recordAudit(tx, {
    action: 'request.citizen_replied',
    actorType: 'citizen',
    actorId: input.accountId,
    targetType: 'request',
    targetId: input.request.id,
    data: { number: input.request.number, files: fileIds.length },
    requestId: input.httpRequestId ?? null,
  });
  return event;
}

/** An internal note, visible to agents only. */
export async function addInternalNote(
  tx: Tx,
  input: { request: CitizenRequest; actor: RequestActor; body: string; httpRequestId?: string | null },
): Promise<RequestEvent> {
  const body = checkMessage(input.body, 'note');
  const event = await addRequestEvent(tx, {
    requestId: input.request.id,
    kind: 'internal_note',
    authorId: input.actor.accountId,
    authorRole: 'agent',
    isInternal: true,
    body,
  });
  await recordAudit(tx, {
    action: 'request.note_added',
    actorType: auditActorType(input.actor),
    actorId: input.actor.accountId,
    targetType: 'request',
    targetId: input.request.id,
    data: { number: input.request.number },
    requestId: input.httpRequestId ?? null,
  });
  return event;
}

/** Assigns a request to an agent (or unassigns it with null). */
export async function assignRequest(
  tx: Tx,
  input: { request: CitizenRequest; assigneeId: string | null; actor: RequestActor; httpRequestId?: string | null },
): Promise<CitizenRequest> {
  const communeId = communeOf(tx);
  if (input.request.assigneeId === input.assigneeId) return input.request;
  const updated = await updateRequest(tx, communeId, input.request.id, { assigneeId: input.assigneeId });
  await addRequestEvent(tx, {
    requestId: input.request.id,
    kind: 'assigned',
    authorId: input.actor.accountId,
    authorRole: 'agent',
    isInternal: true,
    data: { from: input.request.assigneeId, to: input.assigneeId },
  });
  await recordAudit(tx, {
    action: 'request.assigned',
    actorType: auditActorType(input.actor),
    actorId: input.actor.accountId,
    targetType: 'request',
    targetId: input.request.id,
    data: { number: input.request.number, assignee: input.assigneeId },
    requestId: input.httpRequestId ?? null,
  });
  return updated;
}

/** The text a request is classified by: its subject and free-text answers. */
export function requestText(request: Pick<CitizenRequest, 'subject' | 'answers'>): string {
  const texts = Object.values(request.answers ?? {}).filter((v): v is string => typeof v === 'string');
  return [request.subject, ...texts].join('\n').slice(0, 5000);
}

/**
 * Moves a request to another service of the commune and clears its assignment (the new service
 * picks it up). Every re-routing becomes a training example of the commune's classifier: the
 * request's text labelled with the service that should have received it. The reason, when
 * given, stays in the history for agents only.
 */
export async function rerouteRequest(
  tx: Tx,
  input: {
    request: CitizenRequest;
    service: Service;
    actor: RequestActor;
    reason?: string | null;
    fromServiceName?: string;
    httpRequestId?: string | null;
  },
): Promise<CitizenRequest> {
  const communeId = communeOf(tx);
  const { request, service, actor } = input;
  if (service.communeId !== communeId) throw new Error('service of another commune');
  if (request.serviceId === service.id) return request;
  const updated = await updateRequest(tx, communeId, request.id, {
    serviceId: service.id,
    routedBy: 'agent',
    assigneeId: null,
  });
  await addRequestEvent(tx, {
    requestId: request.id,
    kind: 'rerouted',
    authorId: actor.accountId,
    authorRole: 'agent',
    isInternal: true,
    body: input.reason ?? null,
    data: {
      from: request.serviceId,
      to: service.id,
      serviceSlug: service.slug,
      ...(input.fromServiceName ? { fromServiceName: input.fromServiceName } : {}),
      toServiceName: service.name,
      previousRoutedBy: request.routedBy,
      previousConfidence: request.routingConfidence,
    },
  });
  // The correction teaches the competence the commune sends to that service (issue 9).
  const text = requestText(request);
  const competence = await competenceForService(tx, communeId, text, service.id);
  await insertRoutingExamples(tx, communeId, [{ text, serviceSlug: service.slug, source: 'rerouting', competence }]);
  await recordAudit(tx, {
    action: 'request.rerouted',
    actorType: auditActorType(actor),
    actorId: actor.accountId,
    targetType: 'request',
    targetId: request.id,
    data: { number: request.number, service: service.slug, previousRoutedBy: request.routedBy },
    requestId: input.httpRequestId ?? null,
  });
  return updated;
}

// — "Mode simple": the secretary's single-use link —

/** Statuses the secretary may choose from the mailed link: the outcomes the démarche uses. */
export function processLinkStatuses(workflow: Workflow): RequestStatus[] {
  return OUTCOME_STATUSES.filter((s) => workflow.statuses.includes(s));
}

/** The request behind a live processing token, or undefined (unknown, used or expired). */
export async function findRequestForProcessToken(tx: Tx, token: string): Promise<CitizenRequest | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const request = await findRequestByProcessToken(tx, communeOf(tx), hashToken(token));
  if (!request?.processTokenExpiresAt || request.processTokenExpiresAt.getTime() < Date.now()) return undefined;
  return request;
}

/** Uses the token once: sets the chosen status (mail to the citizen) and burns the token. */
export async function processFromLink(
  tx: Tx,
  deps: RequestDeps,
  input: { commune: Commune; token: string; status: string; message?: string | null; httpRequestId?: string | null },
): Promise<{ request: CitizenRequest; label: string }> {
  const request = await findRequestForProcessToken(tx, input.token);
  if (!request) {
    throw new AppError('request.process_link_invalid', 'process token unknown or used', 410, {
      userMessage: 'Ce lien a expiré ou a déjà servi : la demande a peut-être déjà été marquée comme traitée.',
    });
  }
  const workflow = await workflowOfRequest(tx, request);
  if (!processLinkStatuses(workflow).some((s) => s === input.status)) {
    throw new AppError('request.invalid_status', `status ${input.status}`, 422, {
      fields: { status: 'Indiquez comment la demande a été traitée.' },
    });
  }
  // A refusal carries its reason, as in the back office: the citizen's mail states it.
  if (input.status === 'refusee' && !input.message?.trim()) {
    throw new AppError('request.refusal_reason_required', 'refusal without a reason', 422, {
      fields: { message: 'Expliquez à l’usager le motif du refus.' },
    });
  }
  // Burn the token first: a second use finds nothing even if this one sends no mail.
  await updateRequest(tx, communeOf(tx), request.id, { processTokenHash: null, processTokenExpiresAt: null });
  const updated = await changeStatus(tx, deps, {
    commune: input.commune,
    request,
    status: input.status,
    actor: { type: 'system', accountId: null },
    message: input.message ?? null,
    httpRequestId: input.httpRequestId ?? null,
  });
  await recordAudit(tx, {
    action: 'request.processed_by_link',
    actorType: 'system',
    targetType: 'request',
    targetId: request.id,
    data: { number: request.number, status: input.status },
    requestId: input.httpRequestId ?? null,
  });
  return { request: updated, label: positionLabel(workflow, updated, 'citizen') };
}
