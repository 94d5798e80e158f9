import { recordAudit } from '../../../platform/audit/journal.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { queueMail } from '../../../platform/mail/outbox.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { auditActorType, checkMessage, communeOf, isMailable, type RequestActor, type RequestDeps } from '../deps.js';
import { addRequestEvent } from '../history.js';
import { trackingUrlFor } from '../links.js';
import { composeNotification } from '../notifications/service.js';
import { replyToFor } from '../reply-to.js';
import { attachFilesToRequest, listRequestFiles } from '../repo.js';
import { attachmentOf } from '../request-files.js';
import { mailText, notificationValues } from '../request-mail.js';
import type { CitizenRequest, RequestEvent } from '../schema.js';
import { changeStatus } from './change-status.js';

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
      template: 'requestMessage',
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
