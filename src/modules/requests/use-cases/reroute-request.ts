import { recordAudit } from '../../../platform/audit/journal.js';
import type { Tx } from '../../../platform/db/tenant.js';
import type { Service } from '../../../platform/tenancy/communes.js';
import { auditActorType, communeOf, type RequestActor } from '../deps.js';
import { addRequestEvent } from '../history.js';
import { insertRoutingExamples, updateRequest } from '../repo.js';
import { competenceForService, requestText } from '../routing.js';
import type { CitizenRequest } from '../schema.js';

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
