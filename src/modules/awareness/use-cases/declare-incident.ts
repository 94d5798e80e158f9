/**
 * An agent declares a security incident: what happened, when (if known, on the Paris clock), which
 * machine or account, whether personal data may be involved. It goes to the security officer's
 * queue; journaled. A time the clocks skip, or one in the future, is refused in French.
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { parseInput } from '../../../platform/validation.js';
import { parseDay } from '../../../platform/views/format.js';
import { parisTypedInstant } from '../cnil-deadline.js';
import { type IncidentRow, insertIncident } from '../repo.js';

const schema = z.object({
  what: z
    .string()
    .trim()
    .min(1, 'Décrivez ce qui s’est passé, même en quelques mots.')
    .max(5000, 'La description tient en 5 000 caractères au plus.'),
  date: z.string().trim().default(''),
  heure: z.string().trim().default(''),
  asset: z.string().trim().max(300, 'Le nom de la machine ou du compte tient en 300 caractères au plus.').default(''),
  personalData: z.enum(['oui', 'non', 'inconnu'], {
    error: 'Dites si des données personnelles peuvent être touchées.',
  }),
});

export type IncidentInput = z.input<typeof schema>;

function when(date: string, time: string, now: Date): Date | null {
  if (date === '' && time === '') return null;
  const day = parseDay(date);
  if (!day) {
    throw new AppError('awareness.incident_invalid', 'bad date', 422, {
      fields: { date: 'Indiquez la date sous la forme JJ/MM/AAAA, ou laissez-la vide si vous ne la savez pas.' },
    });
  }
  const iso = `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
  const instant = parisTypedInstant(iso, time === '' ? '00:00' : time);
  if (!instant) {
    throw new AppError('awareness.incident_invalid', 'bad time', 422, {
      fields: {
        heure: /^(\d{1,2})[:h](\d{2})$/.test(time)
          ? 'Cette heure n’existe pas ce jour-là (passage à l’heure d’été) : indiquez par exemple 03:00.'
          : 'Indiquez l’heure sous la forme HH:MM, par exemple 14:30.',
      },
    });
  }
  if (instant.getTime() > now.getTime() + 5 * 60_000) {
    throw new AppError('awareness.incident_invalid', 'future', 422, {
      fields: { date: 'Le moment indiqué est dans le futur : vérifiez la date et l’heure.' },
    });
  }
  return instant;
}

export async function declareIncident(
  tx: Tx,
  communeId: string,
  actor: Actor,
  input: IncidentInput,
  requestId: string,
  now = new Date(),
): Promise<IncidentRow> {
  const values = parseInput(schema, input, 'awareness.incident_invalid');
  const occurredAt = when(values.date, values.heure, now);
  const incident = await insertIncident(tx, {
    communeId,
    declaredBy: actor.accountId,
    what: values.what,
    occurredAt,
    asset: values.asset,
    personalData: values.personalData,
  });
  await recordAudit(tx, {
    action: 'awareness.incident_declared',
    actorType: 'agent',
    actorId: actor.accountId,
    targetType: 'awareness_incident',
    targetId: incident.id,
    data: { personalData: values.personalData },
    requestId,
  });
  return incident;
}
