/** The security officer ticks a step of an incident's checklist (once; journaled). */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { stepsFor } from '../incidents.js';
import { addIncidentStep, findIncident } from '../repo.js';

export function incidentNotFound(): AppError {
  return new AppError('awareness.incident_not_found', 'unknown incident', 404, {
    userMessage: 'Cet incident n’existe pas.',
  });
}

export async function recordIncidentStep(
  tx: Tx,
  communeId: string,
  actor: Actor,
  incidentId: string,
  step: string,
  requestId: string,
): Promise<void> {
  const incident = await findIncident(tx, communeId, incidentId);
  if (!incident) throw incidentNotFound();
  if (!stepsFor(incident.personalData).some((s) => s.key === step)) {
    throw new AppError('awareness.step_invalid', 'unknown step', 422, {
      userMessage: 'Cette étape n’est pas dans la liste de cet incident.',
    });
  }
  if (!(await addIncidentStep(tx, communeId, incidentId, step))) return;
  await recordAudit(tx, {
    action: 'awareness.incident_step_done',
    actorType: 'agent',
    actorId: actor.accountId,
    targetType: 'awareness_incident',
    targetId: incidentId,
    data: { step },
    requestId,
  });
}
