/**
 * Re-routes a request to another service. `rerouteRequest` is the step (history, training
 * example, journal); `sendToService` is the agent's form: the target service and a reason.
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import { canSeeService } from '../../../platform/authz/actor.js';
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import type { Service } from '../../../platform/tenancy/communes.js';
import { listActiveServices } from '../../../platform/tenancy/communes.js';
import { auditActorType, communeOf, type RequestActor } from '../deps.js';
import { addRequestEvent } from '../history.js';
import { canReroute } from '../policy.js';
import { insertRoutingExamples, updateRequest } from '../repo.js';
import { competenceForService, requestText } from '../routing.js';
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

/** The agent's form: the service that should treat the request, and why. */
export const rerouteForm = {
  service: formValue.transform((v) => v.trim().toLowerCase()),
  motif: agentText('Le motif', 'Indiquez pourquoi la demande change de service.'),
};

/** Validates an agent's re-routing (target service, reason), then moves the request. */
export async function sendToService(
  ctx: AppContext,
  caller: Caller,
  number: string,
  body: unknown,
): Promise<{ serviceName: string; stillVisible: boolean }> {
  const { values, errors: parsed } = parseFields(rerouteForm, body);
  const { commune, actor } = caller;
  return withTenant(ctx.database, commune.id, async (tx) => {
    const { row, serviceName } = await lockRequestForAgent(tx, caller, number);
    if (!canReroute(actor, row)) throw requestNotFound();
    const services = await listActiveServices(tx, commune.id);
    const target = services.find((s) => s.id === values.service);
    const fields: Record<string, string> = {};
    if (!target) fields.service = 'Choisissez le service qui doit traiter la demande.';
    else if (target.id === row.serviceId) fields.service = `La demande est déjà au service ${target.name}.`;
    if (parsed.motif) fields.motif = parsed.motif;
    if (Object.keys(fields).length > 0 || !target) throw invalid(fields);
    await rerouteRequest(tx, {
      request: row,
      service: target,
      actor: agentOf(actor),
      reason: values.motif ?? '',
      fromServiceName: serviceName,
      httpRequestId: caller.httpRequestId,
    });
    return { serviceName: target.name, stillVisible: canSeeService(actor, target.id) };
  });
}
