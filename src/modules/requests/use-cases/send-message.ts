/**
 * An agent (or a connector of the API) writes to the citizen. `sendMessageToCitizen` is the step
 * (history, optional wait for the citizen, mail, journal); `messageCitizen` is the agent's form,
 * with an optional file checked by content beforehand.
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import type { ValidatedUpload } from '../../../platform/files/checks.js';
import { queueMail } from '../../../platform/mail/outbox.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import {
  auditActorType,
  checkMessage,
  communeOf,
  isMailable,
  type RequestActor,
  type RequestDeps,
  requestDeps,
} from '../deps.js';
import { addRequestEvent } from '../history.js';
import { trackingUrlFor } from '../links.js';
import { REQUEST_MAILS } from '../mail-templates.js';
import { composeNotification } from '../notifications/service.js';
import { canAwaitReply, canMessageCitizen } from '../policy.js';
import { replyToFor } from '../reply-to.js';
import { attachFilesToRequest, listRequestFiles } from '../repo.js';
import { attachmentOf, storeFile } from '../request-files.js';
import { mailText, notificationValues } from '../request-mail.js';
import type { CitizenRequest, RequestEvent } from '../schema.js';
import { changeStatus } from './change-status.js';
import {
  agentOf,
  agentText,
  type Caller,
  formValue,
  invalid,
  lockRequestForAgent,
  parseFields,
  requestNotFound,
} from './common.js';

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

/** The agent's form: the message, and « attente » = '1' when the request waits for the citizen. */
export const messageForm = {
  message: agentText('Le message', 'Écrivez votre message à l’usager.'),
  attente: formValue.transform((v) => v === '1'),
};

/** The attached file, or the French error about it (checked by content beforehand). */
export type MessageFile = ValidatedUpload | { error: string };

/**
 * Writes to the citizen: the message is in the request's history (visible in "Mes demandes"),
 * with the optional file, and the citizen is told by e-mail (which carries the message and the
 * file when the citizen has no account to read them online).
 */
export async function messageCitizen(
  ctx: AppContext,
  caller: Caller,
  number: string,
  body: unknown,
  file?: MessageFile,
): Promise<void> {
  const { values, errors: parsed } = parseFields(messageForm, body);
  const { commune, actor } = caller;
  const awaitReply = values.attente ?? false;
  await withTenant(ctx.database, commune.id, async (tx) => {
    const { row } = await lockRequestForAgent(tx, caller, number);
    if (!canMessageCitizen(actor, row)) throw requestNotFound();
    const fields: Record<string, string> = {};
    if (parsed.message) fields.message = parsed.message;
    if (file && 'error' in file) fields.fichier = file.error;
    if (awaitReply && !canAwaitReply(actor, row)) {
      fields.attente = 'La demande est close : rouvrez-la d’abord pour attendre une réponse de l’usager.';
    }
    if (Object.keys(fields).length > 0) throw invalid(fields);
    const fileIds: string[] = [];
    if (file && !('error' in file)) {
      const stored = await storeFile(tx, { upload: file, ownerAccountId: actor.accountId, requestId: row.id }).catch(
        (error: unknown) => {
          // The request has as many files as it may hold: say so next to the file field.
          if (error instanceof AppError && !error.fields) throw invalid({ fichier: error.userMessage });
          throw error;
        },
      );
      fileIds.push(stored.id);
    }
    await sendMessageToCitizen(tx, requestDeps(ctx), {
      commune,
      request: row,
      actor: agentOf(actor),
      body: values.message ?? '',
      fileIds,
      awaitReply,
      httpRequestId: caller.httpRequestId,
    });
  });
}
