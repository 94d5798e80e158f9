/**
 * French public holidays (jours fériés, Code du travail L. 3133-1): the eleven of the whole
 * country, and the two more of Alsace-Moselle (Vendredi saint, Saint-Étienne; L. 3134-13) when
 * asked. Easter Sunday by the Gregorian computus (anonymous algorithm, Meeus/Jones/Butcher);
 * Ascension is Easter + 39 days, Pentecost Monday Easter + 50. Pure: dates are YYYY-MM-DD.
 */
import { addCalendarDays } from './calendar.js';

export interface PublicHoliday {
  date: string;
  /** French name, as a calendar shows it. */
  name: string;
}

/** Easter Sunday of a Gregorian year (YYYY-MM-DD). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The public holidays of a year, in date order. */
export function publicHolidays(year: number, options: { alsaceMoselle?: boolean } = {}): PublicHoliday[] {
  const easter = easterSunday(year);
  const fixed = (md: string, name: string): PublicHoliday => ({ date: `${year}-${md}`, name });
  const list: PublicHoliday[] = [
    fixed('01-01', 'Jour de l’an'),
    { date: addCalendarDays(easter, 1), name: 'Lundi de Pâques' },
    fixed('05-01', 'Fête du Travail'),
    fixed('05-08', 'Victoire 1945'),
    { date: addCalendarDays(easter, 39), name: 'Ascension' },
    { date: addCalendarDays(easter, 50), name: 'Lundi de Pentecôte' },
    fixed('07-14', 'Fête nationale'),
    fixed('08-15', 'Assomption'),
    fixed('11-01', 'Toussaint'),
    fixed('11-11', 'Armistice 1918'),
    fixed('12-25', 'Noël'),
  ];
  if (options.alsaceMoselle) {
    list.push({ date: addCalendarDays(easter, -2), name: 'Vendredi saint' }, fixed('12-26', 'Saint-Étienne'));
  }
  return list.sort((x, y) => x.date.localeCompare(y.date));
}

/** The holidays of a year by date, computed once per year and variant (a slot search asks per day and desk). */
const holidaysByYear = new Map<string, ReadonlyMap<string, Readonly<PublicHoliday>>>();

/** The holiday of a date, or undefined. */
export function publicHolidayOn(
  date: string,
  options: { alsaceMoselle?: boolean } = {},
): Readonly<PublicHoliday> | undefined {
  const key = `${date.slice(0, 4)}|${options.alsaceMoselle === true}`;
  let year = holidaysByYear.get(key);
  if (!year) {
    year = new Map(publicHolidays(Number(date.slice(0, 4)), options).map((h) => [h.date, Object.freeze(h)]));
    if (holidaysByYear.size > 1_000) holidaysByYear.clear();
    holidaysByYear.set(key, year);
  }
  return year.get(date);
}
