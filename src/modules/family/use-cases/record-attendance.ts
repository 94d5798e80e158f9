/**
 * An agent points an activity's day (pointage): for each enrolled child, present, absent
 * justified, absent not justified, or not pointed yet. A child present without a booking is
 * recorded as such (billed with the commune's surcharge). The form sends every child's mark at
 * once, so a page kept open on a tablet and sent again after a lost connection sets the same
 * marks again (idempotent), never doubles anything.
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { canPoint } from '../policy.js';
import { bookingsOfDay, findActivity, listEnrolmentsOfActivity, setAttendance } from '../repo.js';
import { ATTENDANCES, type AttendanceValue } from '../schema.js';
import type { FamilyCaller } from './common.js';

const schema = z.object({
  activite: z.string().refine(isUuid),
  jour: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  marks: z.record(z.string(), z.enum([...ATTENDANCES, ''])),
});

export async function recordAttendance(
  database: Database,
  caller: FamilyCaller,
  input: { activite: string; jour: string; marks: Record<string, string> },
): Promise<{ changed: number }> {
  const actor = caller.actor;
  if (!canPoint(actor)) throw notFound('family.forbidden', 'not staff');
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new AppError('family.attendance_invalid', 'invalid attendance', 422, {
      fields: { pointage: 'Choisissez pour chaque enfant : présent, absent justifié ou absent non justifié.' },
    });
  }
  const { activite, jour, marks } = parsed.data;
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const activity = await findActivity(tx, communeId, activite);
    if (!activity) throw notFound('family.activity_not_found', 'no such activity');
    const enrolments = new Map(
      (await listEnrolmentsOfActivity(tx, communeId, activity.id))
        .filter((e) => e.status === 'inscrit')
        .map((e) => [e.childId, e]),
    );
    const current = new Map((await bookingsOfDay(tx, communeId, activity.id, jour)).map((b) => [b.childId, b]));
    let changed = 0;
    for (const [childId, mark] of Object.entries(marks)) {
      const enrolment = enrolments.get(childId);
      if (!enrolment) continue; // a child no longer enrolled: nothing to point
      const value: AttendanceValue | null = mark === '' ? null : mark;
      if ((current.get(childId)?.attendance ?? null) === value) continue;
      if (value === null && !current.has(childId)) continue;
      await setAttendance(tx, enrolment, jour, value, actor.accountId);
      changed += 1;
    }
    if (changed > 0) {
      await recordAudit(tx, {
        action: 'family.attendance_recorded',
        actorType: 'agent',
        actorId: actor.accountId,
        targetType: 'family_activity',
        targetId: activity.id,
        data: { day: jour, changed },
        requestId: caller.httpRequestId ?? null,
      });
    }
    return { changed };
  });
}
