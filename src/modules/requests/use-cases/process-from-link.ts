/**
 * « Mode simple »: the secretary's single-use link. The link is the credential (policy:
 * canProcessByLink). `checkProcessChoice` reads the first POST (the page then asks for a
 * confirmation); `processRequestFromLink` saves the confirmed choice in its own transaction;
 * `processFromLink` is the step (burns the token, changes the status, journal).
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { hashToken } from '../../../platform/tokens.js';
import { OUTCOME_STATUSES, positionLabel, type RequestStatus, type Workflow } from '../../procedures/index.js';
import { communeOf, MAX_MESSAGE_LENGTH, type RequestDeps, requestDeps, workflowOfRequest } from '../deps.js';
import { canProcessByLink } from '../policy.js';
import { findRequestByProcessToken, updateRequest } from '../repo.js';
import type { CitizenRequest } from '../schema.js';
import { changeStatus } from './change-status.js';
import { firstFormValue, invalid, parseFields } from './common.js';

/** Statuses the secretary may choose from the mailed link: the outcomes the démarche uses. */
export function processLinkStatuses(workflow: Workflow): RequestStatus[] {
  return OUTCOME_STATUSES.filter((s) => workflow.statuses.includes(s));
}

/** The request behind a live processing token, or undefined (unknown, used or expired). */
export async function findRequestForProcessToken(tx: Tx, token: string): Promise<CitizenRequest | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const request = await findRequestByProcessToken(tx, communeOf(tx), hashToken(token));
  return request && canProcessByLink(request, new Date()) ? request : undefined;
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

/** The secretary's form: how the request was treated, a message (required when refusing). */
export const processForm = { status: firstFormValue, message: firstFormValue, confirmation: firstFormValue };

/**
 * The first POST of the link: the choice checked against the démarche's outcomes (422 with
 * French messages), before the confirmation page. Undefined: the link is dead (410 page).
 */
export async function checkProcessChoice(
  ctx: AppContext,
  commune: Commune,
  token: string,
  body: unknown,
): Promise<{ status: string; message: string } | undefined> {
  const { values } = parseFields(processForm, body);
  const status = values.status ?? '';
  const message = values.message ?? '';
  const workflow = await withTenant(ctx.database, commune.id, async (tx) => {
    const r = await findRequestForProcessToken(tx, token);
    return r ? workflowOfRequest(tx, r) : undefined;
  });
  if (!workflow) return undefined;
  const errors: Record<string, string> = {};
  if (!processLinkStatuses(workflow).some((s) => s === status))
    errors.status = 'Indiquez comment la demande a été traitée.';
  else if (status === 'refusee' && !message.trim()) errors.message = 'Expliquez à l’usager le motif du refus.';
  if (message.length > MAX_MESSAGE_LENGTH)
    errors.message = `Le message ne doit pas dépasser ${MAX_MESSAGE_LENGTH} caractères.`;
  if (Object.keys(errors).length > 0) throw invalid(errors);
  return { status, message };
}

/** Whether the POST is the confirmed one (the confirmation page's hidden field). */
export function isConfirmedChoice(body: unknown): boolean {
  return parseFields(processForm, body).values.confirmation === 'oui';
}

/** The confirmed choice: saved, the citizen told, the link burnt — in one transaction. */
export function processRequestFromLink(
  ctx: AppContext,
  commune: Commune,
  token: string,
  body: unknown,
  httpRequestId: string | null,
): Promise<{ request: CitizenRequest; label: string }> {
  const { values } = parseFields(processForm, body);
  return withTenant(ctx.database, commune.id, (tx) =>
    processFromLink(tx, requestDeps(ctx), {
      commune,
      token,
      status: values.status ?? '',
      message: values.message ?? '',
      httpRequestId,
    }),
  );
}
