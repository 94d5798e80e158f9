/**
 * A guardian books or cancels days of an enrolled child's activity: from the month calendar
 * (each day still changeable is shown with a box; ticked is booked) or in bulk (« every Monday
 * and Thursday from … to … »). A day past its cut-off, closed, or outside the activity's days
 * is refused with its reason; nothing is half saved (one transaction).
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { fieldErrorsOf } from '../../../platform/validation.js';
import { formatDate } from '../../../platform/views/format.js';
import { canBook } from '../policy.js';
import { childBookingsBetween, closedDaysBetween, findActivity, findEnrolment, setBooked } from '../repo.js';
import { type DayRules, isChangeable, recurringDays } from '../reservations/days.js';
import type { ActivityRow, EnrolmentRow } from '../schema.js';
import type { FamilyCaller } from './common.js';

export const BOOKING_ENROLMENT_NOT_FOUND = () => notFound('family.enrolment_not_found', 'no such enrolment');

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date invalide.');

export function dayRulesOf(activity: ActivityRow): DayRules {
  return { weekdays: activity.weekdays, cutoffDays: activity.cutoffDays, cutoffHour: activity.cutoffHour };
}

async function loadEnrolment(tx: Tx, caller: FamilyCaller, enrolmentId: string) {
  if (!isUuid(enrolmentId)) throw BOOKING_ENROLMENT_NOT_FOUND();
  const enrolment = await findEnrolment(tx, caller.commune.id, enrolmentId);
  if (!enrolment || !canBook(caller.actor, enrolment)) throw BOOKING_ENROLMENT_NOT_FOUND();
  if (enrolment.status !== 'inscrit') {
    throw new AppError('family.not_enrolled', 'not enrolled', 409, {
      userMessage: 'Votre enfant n’est pas (ou plus) inscrit à cette activité : vous ne pouvez pas réserver.',
    });
  }
  const activity = (await findActivity(tx, caller.commune.id, enrolment.activityId))!;
  return { enrolment, activity };
}

async function apply(
  tx: Tx,
  caller: FamilyCaller,
  enrolment: EnrolmentRow,
  activity: ActivityRow,
  changes: ReadonlyArray<{ day: string; booked: boolean }>,
): Promise<{ booked: number; cancelled: number }> {
  const existing = new Map(
    (
      await childBookingsBetween(
        tx,
        caller.commune.id,
        activity.id,
        enrolment.childId,
        changes[0]?.day ?? '0000-01-01',
        changes.at(-1)?.day ?? '9999-12-31',
      )
    ).map((b) => [b.day, b.booked]),
  );
  let booked = 0;
  let cancelled = 0;
  for (const change of changes) {
    const was = existing.get(change.day) ?? false;
    if (was === change.booked) continue;
    await setBooked(tx, enrolment, change.day, change.booked);
    if (change.booked) booked += 1;
    else cancelled += 1;
  }
  if (booked + cancelled > 0) {
    await recordAudit(tx, {
      action: 'family.bookings_changed',
      actorType: 'citizen',
      actorId: caller.actor!.accountId,
      targetType: 'family_enrolment',
      targetId: enrolment.id,
      data: { activity: activity.name, booked, cancelled },
      requestId: caller.httpRequestId ?? null,
    });
  }
  return { booked, cancelled };
}

const calendarSchema = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  shown: z.array(isoDate).max(31),
  booked: z.array(isoDate).max(31),
});

/** The month calendar's form: each shown (changeable) day is booked when ticked, cancelled when not. */
export async function saveMonthBookings(
  database: Database,
  caller: FamilyCaller,
  enrolmentId: string,
  input: { month: string; shown: string[]; booked: string[] },
  now: Date = new Date(),
): Promise<{ booked: number; cancelled: number }> {
  const parsed = calendarSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError('family.bookings_invalid', 'invalid calendar', 422, {
      fields: { jours: 'Formulaire invalide.' },
    });
  }
  const { month, shown, booked } = parsed.data;
  return withTenant(database, caller.commune.id, async (tx) => {
    const { enrolment, activity } = await loadEnrolment(tx, caller, enrolmentId);
    const closed = await closedDaysBetween(tx, caller.commune.id, activity.id, `${month}-01`, `${month}-31`);
    const rules = dayRulesOf(activity);
    const wanted = new Set(booked);
    const days = [...new Set([...shown, ...booked])].filter((d) => d.startsWith(month)).sort();
    const late = days.filter((d) => !isChangeable(d, now, rules, closed));
    // A day shown as changeable may have passed its cut-off while the page was open.
    const existing = new Map(
      (
        await childBookingsBetween(tx, caller.commune.id, activity.id, enrolment.childId, `${month}-01`, `${month}-31`)
      ).map((b) => [b.day, b.booked]),
    );
    const lateChanges = late.filter((d) => (existing.get(d) ?? false) !== wanted.has(d));
    if (lateChanges.length > 0) {
      throw new AppError('family.booking_too_late', 'past cut-off', 422, {
        fields: {
          jours: `Trop tard pour modifier le ${lateChanges.map((d) => formatDate(d)).join(', le ')} : la réservation se fait au plus tard ${activity.cutoffDays} jour${activity.cutoffDays > 1 ? 's' : ''} ouvré${activity.cutoffDays > 1 ? 's' : ''} avant, à ${activity.cutoffHour} h.`,
        },
      });
    }
    const changes = days.filter((d) => !late.includes(d)).map((day) => ({ day, booked: wanted.has(day) }));
    return apply(tx, caller, enrolment, activity, changes);
  });
}

export const recurringSchema = z
  .object({
    du: isoDate,
    au: isoDate,
    jours: z.array(z.coerce.number().int().min(1).max(7)).min(1, 'Choisissez au moins un jour de la semaine.'),
    action: z.enum(['reserver', 'annuler']),
  })
  .refine((v) => v.du <= v.au, { path: ['au'], message: 'La fin de la période doit suivre son début.' })
  .refine((v) => v.au <= addYear(v.du), { path: ['au'], message: 'Choisissez une période d’un an au plus.' });

function addYear(date: string): string {
  return `${Number(date.slice(0, 4)) + 1}${date.slice(4)}`;
}

export interface RecurringInput {
  du: string;
  au: string;
  jours: string[];
  action: string;
}

/** « Every Monday and Thursday of the period »: the changeable days among them, booked or cancelled. */
export async function bookRecurring(
  database: Database,
  caller: FamilyCaller,
  enrolmentId: string,
  input: RecurringInput,
  now: Date = new Date(),
): Promise<{ booked: number; cancelled: number }> {
  const parsed = recurringSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError('family.recurring_invalid', 'invalid recurrence', 422, { fields: fieldErrorsOf(parsed.error) });
  }
  const { du, au, jours, action } = parsed.data;
  return withTenant(database, caller.commune.id, async (tx) => {
    const { enrolment, activity } = await loadEnrolment(tx, caller, enrolmentId);
    const closed = await closedDaysBetween(tx, caller.commune.id, activity.id, du, au);
    const days = recurringDays(du, au, jours, now, dayRulesOf(activity), closed);
    if (days.length === 0) {
      throw new AppError('family.recurring_empty', 'no day', 422, {
        fields: {
          jours:
            'Aucun jour de cette période ne peut être modifié : l’activité n’a pas lieu ces jours-là, ou la date limite est passée.',
        },
      });
    }
    return apply(
      tx,
      caller,
      enrolment,
      activity,
      days.map((day) => ({ day, booked: action === 'reserver' })),
    );
  });
}
