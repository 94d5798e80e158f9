import { recordAudit } from '../../../platform/audit/journal.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { hashToken } from '../../../platform/tokens.js';
import { OUTCOME_STATUSES, positionLabel, type RequestStatus, type Workflow } from '../../procedures/index.js';
import { communeOf, type RequestDeps, workflowOfRequest } from '../deps.js';
import { findRequestByProcessToken, updateRequest } from '../repo.js';
import type { CitizenRequest } from '../schema.js';
import { changeStatus } from './change-status.js';

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
