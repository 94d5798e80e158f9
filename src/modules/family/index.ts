/**
 * Front door of the family portal: what other modules (the demo today) may ask of it.
 */
import type { Tx } from '../../platform/db/tenant.js';
import {
  closedDaysBetween,
  insertActivity,
  insertClosedDay,
  insertEnrolment,
  insertGrid,
  insertHouseholdQf,
  listActivities,
  setAttendance,
  setBooked,
} from './repo.js';
import { closedReason, isoWeekday, monthDays, shiftMonth } from './reservations/days.js';
import { gridProblems, type TariffRules } from './tariffs/pricing.js';
import { billMonth } from './use-cases/run-billing.js';

export type { Bracket, TariffRules } from './tariffs/pricing.js';

export interface SeedActivity {
  slug: string;
  name: string;
  unit: string;
  grid: { validFrom: string; rules: TariffRules; source: string };
}

/** Creates activities with their first grid (checked like an administrator's) in the caller's transaction. */
export async function seedFamilyTariffs(tx: Tx, communeId: string, activities: readonly SeedActivity[]): Promise<void> {
  let position = (await listActivities(tx, communeId)).length;
  for (const a of activities) {
    const problems = gridProblems(a.grid.rules);
    if (Object.keys(problems).length > 0)
      throw new Error(`invalid grid for ${a.slug}: ${Object.values(problems).join(' ')}`);
    const activity = await insertActivity(tx, {
      communeId,
      slug: a.slug,
      name: a.name,
      unit: a.unit,
      position: position++,
    });
    await insertGrid(tx, { communeId, activityId: activity.id, createdBy: null, ...a.grid });
  }
}

export interface SeedFamilyDays {
  accountId: string;
  child: { id: string; name: string; birthDate: string };
  activitySlug: string;
  qf: number;
  /** Paris today (YYYY-MM-DD): the past month is booked, pointed and billed; this one and the next booked. */
  today: string;
}

/**
 * The demo's family days: the child enrolled, the household's QF, the Christmas holidays closed,
 * the past month booked and pointed (one justified absence, one not) and billed, the next weeks
 * booked on Mondays and Thursdays.
 */
export async function seedFamilyDays(tx: Tx, communeId: string, seed: SeedFamilyDays): Promise<void> {
  const activity = (await listActivities(tx, communeId)).find((a) => a.slug === seed.activitySlug);
  if (!activity) throw new Error(`no activity ${seed.activitySlug}`);
  const enrolment = await insertEnrolment(tx, {
    communeId,
    activityId: activity.id,
    accountId: seed.accountId,
    childId: seed.child.id,
    childName: seed.child.name,
    childBirthDate: seed.child.birthDate,
    status: 'inscrit',
  });
  const thisMonth = seed.today.slice(0, 7);
  const lastMonth = shiftMonth(thisMonth, -1);
  await insertHouseholdQf(tx, {
    communeId,
    accountId: seed.accountId,
    qf: seed.qf,
    resident: true,
    source: 'Attestation CAF (démonstration)',
    validFrom: `${shiftMonth(thisMonth, -3)}-01`,
  });
  const year = Number(thisMonth.slice(0, 4));
  for (const day of monthDays(`${year}-12`).filter((d) => d >= `${year}-12-21`)) {
    await insertClosedDay(tx, { communeId, activityId: null, day, label: 'Vacances de Noël' });
  }
  const rules = { weekdays: activity.weekdays, cutoffDays: activity.cutoffDays, cutoffHour: activity.cutoffHour };
  const past = monthDays(lastMonth).filter((d) => closedReason(d, rules, []) === null);
  for (const [i, day] of past.entries()) {
    await setBooked(tx, enrolment, day, true);
    const mark = i === 3 ? 'absent_justifie' : i === 7 ? 'absent_non_justifie' : 'present';
    await setAttendance(tx, enrolment, day, mark, seed.accountId);
  }
  await billMonth(tx, communeId, lastMonth);
  const closed = await closedDaysBetween(tx, communeId, activity.id, seed.today, `${shiftMonth(thisMonth, 1)}-28`);
  const upcoming = [...monthDays(thisMonth), ...monthDays(shiftMonth(thisMonth, 1))].filter(
    (d) => d > seed.today && [1, 4].includes(isoWeekday(d)) && closedReason(d, rules, closed) === null,
  );
  for (const day of upcoming) await setBooked(tx, enrolment, day, true);
}
