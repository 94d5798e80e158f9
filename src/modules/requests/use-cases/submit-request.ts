/** Submits a request (démarche or free text), in the caller's transaction. */
import { createHash } from 'node:crypto';
import { recordAudit } from '../../../platform/audit/journal.js';
import { nextNumber } from '../../../platform/db/counters.js';
import type { MailAttachmentRef } from '../../../platform/db/schema.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { queueMail } from '../../../platform/mail/outbox.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { listServices } from '../../../platform/tenancy/communes.js';
import { dueDate, silenceDate } from '../../../platform/time/calendar.js';
import { hashToken, newToken } from '../../../platform/tokens.js';
import { formatDateTime } from '../../../platform/views/format.js';
import type { Procedure } from '../../procedures/index.js';
import {
  auditActorType,
  communeOf,
  DEFAULT_PROCESSING_DAYS,
  isMailable,
  PROCESS_LINK_DAYS,
  REQUEST_COUNTER,
  type RequestActor,
  type RequestDeps,
  type SummaryRow,
} from '../deps.js';
import { requestEventData } from '../events.js';
import { addRequestEvent } from '../history.js';
import { receiptUrl, requestUrl } from '../links.js';
import { REQUEST_MAILS } from '../mail-templates.js';
import { composeNotification } from '../notifications/service.js';
import { renderReceiptPdf, silenceMention } from '../receipt-pdf.js';
import { replyToFor } from '../reply-to.js';
import { attachFilesToRequest, deleteDraft, insertRequest, listRequestFiles, updateRequest } from '../repo.js';
import { attachmentOf, storeFile } from '../request-files.js';
import { isUnconfirmedRequester, mailText, notificationValues, procedureTitleOf } from '../request-mail.js';
import { type RoutingChoice, routeRequest } from '../routing.js';
import type { CitizenRequest } from '../schema.js';

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
