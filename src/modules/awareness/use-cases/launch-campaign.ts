/**
 * Launching a phishing-simulation campaign: refused (409) while the staff notice is not published;
 * the targets are the staff of the chosen services and/or roles and/or named people (a list);
 * one recipient row each, whose
 * sending job starts at a moment spread evenly, in a shuffled order, over the time window (pg-boss
 * `startAfter`: nothing sleeps); a window of 0 hours sends every message at once. The link secret is made by the sending job (send-simulation.ts).
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import { ROLES, type Role } from '../../../platform/authz/roles.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import type { JobQueue } from '../../../platform/jobs/queue.js';
import { listServices } from '../../../platform/tenancy/communes.js';
import { parseInput } from '../../../platform/validation.js';
import { listStaffContacts } from '../../identity/index.js';
import { findNotice, insertCampaign, insertRecipient } from '../repo.js';
import { findScenario } from '../scenarios.js';

export const SEND_SIMULATION_JOB = 'awareness.send_simulation';

/** Staff roles a campaign may target (citizens never). */
export const TARGET_ROLES = ROLES.filter((r) => r !== 'citizen') as Exclude<Role, 'citizen'>[];

const schema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Donnez un nom à la campagne.')
    .max(120, 'Le nom de la campagne tient en 120 caractères au plus.'),
  scenario: z.string().refine((s) => findScenario(s) !== undefined, 'Choisissez un scénario de la liste.'),
  serviceIds: z.array(z.string()).default([]),
  roles: z.array(z.string()).default([]),
  accountIds: z.array(z.string()).default([]),
  windowHours: z.coerce
    .number({ error: 'Indiquez une durée d’envoi en heures.' })
    .int('Indiquez une durée d’envoi en heures entières.')
    .min(0, 'La durée d’envoi ne peut pas être négative : 0 envoie tout de suite.')
    .max(168, 'La durée d’envoi est d’au plus 168 heures (une semaine).'),
});

export type LaunchInput = z.input<typeof schema>;

export async function launchCampaign(
  tx: Tx,
  queue: JobQueue,
  communeId: string,
  actor: Actor,
  input: LaunchInput,
  requestId: string,
  now = new Date(),
): Promise<{ campaignId: string; recipients: number }> {
  if (!(await findNotice(tx, communeId))) {
    throw new AppError('awareness.notice_required', 'staff notice not published', 409, {
      userMessage:
        'Publiez d’abord la note d’information du personnel : aucune campagne ne peut commencer avant que les agents aient été informés de ces exercices.',
    });
  }
  const values = parseInput(schema, input, 'awareness.campaign_invalid');
  const services = await listServices(tx, communeId);
  const knownServices = new Set(services.map((s) => s.id));
  const fields: Record<string, string> = {};
  if (values.serviceIds.some((id) => !knownServices.has(id)))
    fields.serviceIds = 'Choisissez des services de la liste.';
  if (values.roles.some((r) => !(TARGET_ROLES as string[]).includes(r)))
    fields.roles = 'Choisissez des rôles de la liste.';
  const staff = await listStaffContacts(tx, communeId);
  const knownPeople = new Set(staff.map((m) => m.accountId));
  // Someone else's staff (another commune) is « not in the list », like an unknown id.
  if (values.accountIds.some((id) => !knownPeople.has(id))) fields.accountIds = 'Choisissez des personnes de la liste.';
  if (
    values.serviceIds.length === 0 &&
    values.roles.length === 0 &&
    values.accountIds.length === 0 &&
    !fields.serviceIds &&
    !fields.roles &&
    !fields.accountIds
  ) {
    fields.serviceIds = 'Choisissez au moins un service, un rôle ou une personne à qui envoyer la campagne.';
  }
  if (Object.keys(fields).length > 0)
    throw new AppError('awareness.campaign_invalid', 'invalid targets', 422, { fields });

  const wantedServices = new Set(values.serviceIds);
  const wantedRoles = new Set(values.roles);
  const wantedPeople = new Set(values.accountIds);
  const targets = staff.filter(
    (m) =>
      wantedPeople.has(m.accountId) ||
      m.serviceIds.some((s) => wantedServices.has(s)) ||
      m.roles.some((r) => wantedRoles.has(r)),
  );
  if (targets.length === 0) {
    throw new AppError('awareness.campaign_invalid', 'no recipient', 422, {
      fields: { serviceIds: 'Aucun membre du personnel ne correspond à ces services et rôles.' },
    });
  }
  const campaignId = await insertCampaign(tx, {
    communeId,
    createdBy: actor.accountId,
    name: values.name,
    scenario: values.scenario,
    targetServiceIds: values.serviceIds,
    targetRoles: values.roles,
    targetAccountIds: values.accountIds,
    windowHours: values.windowHours,
    startsAt: now,
  });
  // Fisher–Yates: the order of sending says nothing of the order of the staff list.
  const order = [...targets];
  for (let i = order.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const windowMs = values.windowHours * 3_600_000;
  for (const [i, person] of order.entries()) {
    const sendAt = new Date(now.getTime() + Math.floor((i * windowMs) / order.length));
    const recipientId = await insertRecipient(tx, {
      communeId,
      campaignId,
      accountId: person.accountId,
      serviceIds: person.serviceIds,
      sendAt,
    });
    await queue.enqueue(
      tx,
      SEND_SIMULATION_JOB,
      { communeId, recipientId },
      { idempotencyKey: `awareness:${recipientId}`, ...(i > 0 ? { startAfter: sendAt } : {}) },
    );
  }
  await recordAudit(tx, {
    action: 'awareness.campaign_launched',
    actorType: 'agent',
    actorId: actor.accountId,
    targetType: 'awareness_campaign',
    targetId: campaignId,
    data: { name: values.name, scenario: values.scenario, recipients: order.length, windowHours: values.windowHours },
    requestId,
  });
  return { campaignId, recipients: order.length };
}
