/**
 * Which days an activity runs, by the commune's administrators: its weekdays, the cut-off rule
 * (« J-n ouvrés à h heures »), whether an unjustified absence is billed and the surcharge of a
 * presence without booking (`configureDays`); and the days it is closed besides weekends and
 * public holidays — school holidays, a pedagogical day — for this activity or all of them
 * (`addClosedPeriod`: each day of the period, once; a day already closed is left as it is).
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { addCalendarDays } from '../../../platform/time/calendar.js';
import { canManageTariffs } from '../policy.js';
import { closedDaysBetween, findActivity, insertClosedDay, updateDaySettings } from '../repo.js';
import type { FamilyCaller } from './common.js';

const ACTIVITY_NOT_FOUND = () => notFound('family.activity_not_found', 'no such activity');
const MAX_PERIOD_DAYS = 120;
const ISO = /^\d{4}-\d{2}-\d{2}$/;

function fieldsOf(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[String(issue.path[0])] ??= issue.message;
  return fields;
}

const daysSchema = z.object({
  jours: z.array(z.enum(['1', '2', '3', '4', '5', '6', '7'])).min(1, 'Cochez au moins un jour où l’activité a lieu.'),
  delai: z
    .string()
    .trim()
    .regex(/^\d{1,2}$/, 'Le délai de réservation est un nombre de jours ouvrés, de 0 à 30.')
    .transform(Number)
    .pipe(z.number().max(30, 'Le délai de réservation est un nombre de jours ouvrés, de 0 à 30.')),
  heure: z
    .string()
    .trim()
    .regex(/^\d{1,2}$/, 'L’heure limite est une heure de 0 à 23.')
    .transform(Number)
    .pipe(z.number().max(23, 'L’heure limite est une heure de 0 à 23.')),
  absence: z.enum(['oui', 'non'], { message: 'Dites si une absence non justifiée est facturée.' }),
  majoration: z
    .string()
    .trim()
    .regex(/^\d{1,3}$/, 'La majoration est un pourcentage de 0 à 200.')
    .transform(Number)
    .pipe(z.number().max(200, 'La majoration est un pourcentage de 0 à 200.')),
});

export type DaysInput = { jours: string[]; delai: string; heure: string; absence: string; majoration: string };

export async function configureDays(
  database: Database,
  caller: FamilyCaller,
  activityId: string,
  input: DaysInput,
): Promise<void> {
  if (!canManageTariffs(caller.actor) || !isUuid(activityId)) throw ACTIVITY_NOT_FOUND();
  const communeId = caller.commune.id;
  await withTenant(database, communeId, async (tx) => {
    const activity = await findActivity(tx, communeId, activityId);
    if (!activity) throw ACTIVITY_NOT_FOUND();
    const parsed = daysSchema.safeParse(input);
    if (!parsed.success)
      throw new AppError('family.days_invalid', 'invalid days', 422, { fields: fieldsOf(parsed.error) });
    const values = {
      weekdays: [...new Set(parsed.data.jours.map(Number))].sort(),
      cutoffDays: parsed.data.delai,
      cutoffHour: parsed.data.heure,
      billUnjustifiedAbsence: parsed.data.absence === 'oui',
      unbookedSurchargePercent: parsed.data.majoration,
    };
    await updateDaySettings(tx, communeId, activity.id, values);
    await recordAudit(tx, {
      action: 'family.enrolment_settings_changed',
      actorType: 'agent',
      actorId: caller.actor!.accountId,
      targetType: 'family_activity',
      targetId: activity.id,
      data: { ...values, weekdays: values.weekdays.join(',') },
      requestId: caller.httpRequestId ?? null,
    });
  });
}

const periodSchema = z
  .object({
    du: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Saisissez une date de début valide (par exemple 21 12 2026).'),
    au: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Saisissez une date de fin valide (par exemple 3 1 2027).'),
    libelle: z
      .string()
      .trim()
      .min(1, 'Donnez un nom à la fermeture (par exemple « Vacances de Noël »).')
      .max(200, 'Le nom tient en 200 caractères.'),
    portee: z.enum(['activite', 'toutes'], { message: 'Dites si la fermeture vaut pour cette activité ou toutes.' }),
  })
  .refine((p) => !ISO.test(p.du) || !ISO.test(p.au) || p.au >= p.du, {
    path: ['au'],
    message: 'La date de fin est le jour du début ou après.',
  })
  .refine((p) => !ISO.test(p.du) || !ISO.test(p.au) || p.au <= addCalendarDays(p.du, MAX_PERIOD_DAYS - 1), {
    path: ['au'],
    message: `Une fermeture dure au plus ${MAX_PERIOD_DAYS} jours : saisissez les grandes vacances en deux fois.`,
  });

export async function addClosedPeriod(
  database: Database,
  caller: FamilyCaller,
  activityId: string,
  input: { du: string; au: string; libelle: string; portee: string },
): Promise<number> {
  if (!canManageTariffs(caller.actor) || !isUuid(activityId)) throw ACTIVITY_NOT_FOUND();
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const activity = await findActivity(tx, communeId, activityId);
    if (!activity) throw ACTIVITY_NOT_FOUND();
    const parsed = periodSchema.safeParse(input);
    if (!parsed.success) {
      throw new AppError('family.closed_period_invalid', 'invalid period', 422, { fields: fieldsOf(parsed.error) });
    }
    const { du, au, libelle, portee } = parsed.data;
    const scope = portee === 'toutes' ? null : activity.id;
    const already = await closedDaysBetween(tx, communeId, activity.id, du, au);
    let added = 0;
    for (let day = du; day <= au; day = addCalendarDays(day, 1)) {
      if (already.some((c) => c.day === day && (c.activityId === null || c.activityId === scope))) continue;
      await insertClosedDay(tx, { communeId, activityId: scope, day, label: libelle });
      added += 1;
    }
    await recordAudit(tx, {
      action: 'family.enrolment_settings_changed',
      actorType: 'agent',
      actorId: caller.actor!.accountId,
      targetType: 'family_activity',
      targetId: activity.id,
      data: { closed: `${du} → ${au}`, label: libelle, scope: portee, added },
      requestId: caller.httpRequestId ?? null,
    });
    return added;
  });
}
