/** An administrator switches the commune's monthly training reminders on or off (journaled). */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { setTrainingReminders } from '../repo.js';

export async function configureTrainingReminders(
  tx: Tx,
  communeId: string,
  actor: Actor,
  input: { reminders: string },
  requestId: string,
): Promise<{ on: boolean }> {
  if (input.reminders !== 'oui' && input.reminders !== 'non')
    throw new AppError('awareness.reminders_invalid', 'reminders must be oui or non', 422, {
      userMessage: 'Choisissez si les rappels sont envoyés.',
      fields: { reminders: 'Choisissez si les rappels sont envoyés.' },
    });
  const on = input.reminders === 'oui';
  await setTrainingReminders(tx, communeId, on, actor.accountId);
  await recordAudit(tx, {
    action: 'awareness.training_reminders_set',
    actorType: 'agent',
    actorId: actor.accountId,
    targetType: 'awareness_settings',
    targetId: communeId,
    data: { on },
    requestId,
  });
  return { on };
}
