/**
 * Changes the status (or the step, en cours) of a request. `changeStatus` is the step other use
 * cases compose in their transaction (taking a request, the secretary's link, waiting for the
 * citizen, the API); `changeRequestStatus` is the agent's form: parsed, authorized, one
 * transaction, within the démarche's workflow, a message required when refusing or waiting.
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { queueMail } from '../../../platform/mail/outbox.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { findServiceById } from '../../../platform/tenancy/communes.js';
import {
  CLOSED_STATUSES,
  canMove,
  parsePosition,
  positionLabel,
  type RequestStatus,
  storedWorkflow,
} from '../../procedures/index.js';
import { surveyPathFor } from '../../satisfaction/index.js';
import { appealParagraphs } from '../appeal.js';
import {
  auditActorType,
  checkMessage,
  communeOf,
  isMailable,
  procedureOfRequest,
  type RequestActor,
  type RequestDeps,
  requestDeps,
  workflowOfRequest,
} from '../deps.js';
import { requestEventData } from '../events.js';
import { addRequestEvent } from '../history.js';
import { trackingUrlFor } from '../links.js';
import { REQUEST_MAILS } from '../mail-templates.js';
import { composeStatusNotification } from '../notifications/service.js';
import { queueStatusSms } from '../notifications/sms.js';
import { canChangeStatus } from '../policy.js';
import { replyToFor } from '../reply-to.js';
import { updateRequest } from '../repo.js';
import { mailText, notificationValues } from '../request-mail.js';
import type { CitizenRequest } from '../schema.js';
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
      // Closed: the « Je donne mon avis » survey, unless the request already has its answer.
      const surveyPath = CLOSED_STATUSES.has(to)
        ? await surveyPathFor(
            tx,
            deps,
            input.commune,
            { requestId: updated.id, procedureId: updated.procedureId, serviceId: updated.serviceId },
            'cloture',
          )
        : null;
      await queueMail(tx, deps.queue, {
        to: input.request.requesterEmail,
        template: REQUEST_MAILS.requestStatusChanged,
        variables: {
          communeName: input.commune.name,
          text: mailText(await composeStatusNotification(tx, to, values)),
          ...(message ? { message } : {}),
          ...(to === 'refusee' ? { appeal: appealParagraphs(procedure?.slug ?? null, input.commune.name) } : {}),
          ...(trackingUrl ? { trackingUrl } : {}),
          ...(surveyPath ? { surveyUrl: `${deps.publicUrl}${surveyPath}` } : {}),
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

/** The agent's form: the new position (`statut`, e.g. `en_cours/intervention`) and a message. */
export const statusForm = {
  statut: formValue,
  messageStatut: agentText('Le message'),
};

/**
 * Changes the status (or the step, en cours) of a request within its démarche's workflow;
 * refusing, or waiting for the citizen, needs a message to them.
 */
export async function changeRequestStatus(
  ctx: AppContext,
  caller: Caller,
  number: string,
  body: unknown,
): Promise<{ status: RequestStatus }> {
  const { values, errors: fields } = parseFields(statusForm, body);
  const { commune, actor } = caller;
  return withTenant(ctx.database, commune.id, async (tx) => {
    const { row } = await lockRequestForAgent(tx, caller, number);
    if (!canChangeStatus(actor, row)) throw requestNotFound();
    const workflow = await workflowOfRequest(tx, row);
    const target = parsePosition(workflow, values.statut ?? '');
    const to = target?.status;
    const current = { status: row.status, step: row.step };
    const message = values.messageStatut ?? '';
    const errors: Record<string, string> = {};
    if (!target) errors.statut = 'Choisissez le nouveau statut de la demande.';
    else if (target.status === current.status && target.step === current.step)
      errors.statut = `La demande est déjà « ${positionLabel(workflow, current, 'agent')} ».`;
    else if (!canMove(workflow, current, target)) {
      errors.statut = `Une demande « ${positionLabel(workflow, current, 'agent')} » ne peut pas passer à « ${positionLabel(workflow, target, 'agent')} ».`;
    }
    if (fields.messageStatut) errors.messageStatut = fields.messageStatut;
    else if (!message && to === 'refusee') errors.messageStatut = 'Expliquez à l’usager le motif du refus.';
    else if (!message && to === 'attente_usager')
      errors.messageStatut = 'Dites à l’usager ce que vous attendez de lui.';
    if (Object.keys(errors).length > 0 || !target || !to) throw invalid(errors);
    await changeStatus(tx, requestDeps(ctx), {
      commune,
      request: row,
      status: to,
      step: target.step,
      actor: agentOf(actor),
      message: message || null,
      httpRequestId: caller.httpRequestId,
    });
    return { status: to };
  });
}
