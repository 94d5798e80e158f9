/**
 * An administrator saves the commune's competence map: for each standard competence, one of the
 * commune's services or the accueil. Parse → check every service is the commune's → save → audit.
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import { COMPETENCES } from '../../../platform/classifier/competences.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { listServices } from '../../../platform/tenancy/communes.js';
import { saveCompetenceMap } from '../repo.js';

/** The form's value for « the accueil » (the commune's triage service). */
export const ACCUEIL_CHOICE = 'accueil';

const choice = z.string().max(64);

export interface SaveCompetenceMapInput {
  /** Form values: competence slug → service id or ACCUEIL_CHOICE. */
  values: Record<string, unknown>;
  actorId: string;
  httpRequestId?: string | null;
}

export async function saveCompetenceMapUseCase(
  tx: Tx,
  communeId: string,
  input: SaveCompetenceMapInput,
): Promise<void> {
  const services = await listServices(tx, communeId);
  const ids = new Set(services.map((s) => s.id));
  const errors: Record<string, string> = {};
  const choices = new Map<string, string | null>();
  for (const competence of COMPETENCES) {
    const parsed = choice.safeParse(input.values[competence.slug]);
    const value = parsed.success ? parsed.data : '';
    if (value === ACCUEIL_CHOICE) choices.set(competence.slug, null);
    else if (ids.has(value)) choices.set(competence.slug, value);
    else errors[competence.slug] = `Choisissez le service qui traite « ${competence.label} ».`;
  }
  if (Object.keys(errors).length > 0) {
    throw new AppError('competence_map.invalid', 'invalid competence map', 422, { fields: errors });
  }
  await saveCompetenceMap(tx, communeId, choices);
  await recordAudit(tx, {
    action: 'settings.competence_map_changed',
    actorType: 'agent',
    actorId: input.actorId,
    targetType: 'commune',
    targetId: communeId,
    data: Object.fromEntries(choices),
    requestId: input.httpRequestId ?? null,
  });
}
