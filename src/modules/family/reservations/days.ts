/**
 * The days of an activity and its cut-off rule, in pure functions on Paris calendar dates
 * (YYYY-MM-DD) whatever the server's time zone.
 *
 * - An activity runs on its weekdays (ISO, 1 = Monday), never on a public holiday (Code du
 *   travail L. 3133-1, `platform/time/holidays.ts`) nor on a day the commune closed (school
 *   holidays, a pedagogical day).
 * - A family books or cancels a day until its cut-off: `cutoffDays` working days before the day
 *   (Monday to Friday, public holidays not counted), at `cutoffHour` o'clock Paris time. « J-2 à
 *   10 h » for a Monday is the Thursday before at 10:00; for the Tuesday after Easter Monday, the
 *   Thursday too. With 0 days, the cut-off is the day itself at that hour.
 */
import { addCalendarDays, parisTime } from '../../../platform/time/calendar.js';
import { publicHolidayOn } from '../../../platform/time/holidays.js';

export interface DayRules {
  /** ISO weekdays the activity runs (1 = Monday … 7 = Sunday). */
  weekdays: readonly number[];
  cutoffDays: number;
  cutoffHour: number;
}

export interface ClosedDay {
  day: string;
  label: string;
}

/** ISO weekday of a date (1 = Monday … 7 = Sunday). */
export function isoWeekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const js = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return js === 0 ? 7 : js;
}

function isWorkingDay(date: string): boolean {
  return isoWeekday(date) <= 5 && !publicHolidayOn(date);
}

/** Why the activity does not run that day, or null when it runs. */
export function closedReason(date: string, rules: DayRules, closed: readonly ClosedDay[]): string | null {
  const holiday = publicHolidayOn(date);
  if (holiday) return `${holiday.name} (jour férié)`;
  const shut = closed.find((c) => c.day === date);
  if (shut) return shut.label;
  if (!rules.weekdays.includes(isoWeekday(date))) return 'Pas d’accueil ce jour-là';
  return null;
}

/** The last instant a family may book or cancel `date`. */
export function cutoffOf(date: string, rules: Pick<DayRules, 'cutoffDays' | 'cutoffHour'>): Date {
  let day = date;
  let left = rules.cutoffDays;
  while (left > 0) {
    day = addCalendarDays(day, -1);
    if (isWorkingDay(day)) left -= 1;
  }
  return parisTime(day, rules.cutoffHour);
}

/** A family may still book or cancel `date` at `now` (strictly before the cut-off). */
export function isChangeable(date: string, now: Date, rules: DayRules, closed: readonly ClosedDay[]): boolean {
  return closedReason(date, rules, closed) === null && now.getTime() < cutoffOf(date, rules).getTime();
}

/** The dates of a month (`YYYY-MM`), in order. */
export function monthDays(month: string): string[] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const count = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return Array.from({ length: count }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
}

/** The month after or before (`YYYY-MM`). */
export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * The days from `from` to `to` (inclusive) on the chosen weekdays that the activity runs and that
 * are still changeable at `now`: « every Monday and Thursday of the period ».
 */
export function recurringDays(
  from: string,
  to: string,
  weekdays: readonly number[],
  now: Date,
  rules: DayRules,
  closed: readonly ClosedDay[],
): string[] {
  const days: string[] = [];
  for (let day = from; day <= to && days.length < 400; day = addCalendarDays(day, 1)) {
    if (weekdays.includes(isoWeekday(day)) && isChangeable(day, now, rules, closed)) days.push(day);
  }
  return days;
}
