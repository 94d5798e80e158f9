/**
 * Legal dates of requests, computed on Europe/Paris calendar days (whatever the server's zone):
 * processing deadline and the date at which silence is worth acceptance or rejection.
 */

const TIME_ZONE = 'Europe/Paris';

const dateParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

const offsetParts = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** The Paris calendar date (YYYY-MM-DD) of an instant. */
export function parisDateOf(instant: Date): string {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) return dateParts.format(instant); // throws RangeError, as before
  return new Date(ms + parisOffsetMinutes(instant) * 60_000).toISOString().slice(0, 10);
}

/** The Paris calendar year of an instant. */
export function parisYearOf(instant: Date): number {
  return Number(parisDateOf(instant).slice(0, 4));
}

/** Adds calendar days to a YYYY-MM-DD date. */
export function addCalendarDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

const HOUR = 3_600_000;
const offsetByHour = new Map<number, number>();

/**
 * Minutes Paris is ahead of UTC at an instant (60 in winter, 120 in summer), from the time-zone
 * database (Intl), once per UTC hour: Paris changes its clocks on the hour in UTC (01:00), so
 * the offset is constant within one. A slot search over months asks it tens of thousands of
 * times; the cache makes it a map lookup.
 */
function parisOffsetMinutes(instant: Date): number {
  const hour = Math.floor(instant.getTime() / HOUR);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    offset = intlOffsetMinutes(new Date(hour * HOUR));
    if (offsetByHour.size > 100_000) offsetByHour.clear();
    offsetByHour.set(hour, offset);
  }
  return offset;
}

function intlOffsetMinutes(instant: Date): number {
  const parts = Object.fromEntries(offsetParts.formatToParts(instant).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The last instant (23:59:59.999, Paris time) of a Paris calendar date. */
export function parisEndOfDay(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const naive = Date.UTC(y, m - 1, d, 23, 59, 59, 999);
  const offset = parisOffsetMinutes(new Date(naive - 120 * 60_000));
  return new Date(naive - offset * 60_000);
}

/**
 * The instant of a Paris wall-clock time on a Paris calendar date (10:00 on 2026-03-30 is 08:00
 * UTC, in summer time). A time skipped by the spring change (02:30) gives the instant one hour
 * later on the new clock.
 */
export function parisTime(date: string, hour: number, minute = 0): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const naive = Date.UTC(y, m - 1, d, hour, minute);
  const first = naive - parisOffsetMinutes(new Date(naive)) * 60_000;
  return new Date(naive - parisOffsetMinutes(new Date(first)) * 60_000);
}

/** Processing deadline: the end of the Paris day `days` calendar days after submission. */
export function dueDate(submittedAt: Date, days: number): Date {
  return parisEndOfDay(addCalendarDays(parisDateOf(submittedAt), days));
}

/**
 * Adds calendar months to a YYYY-MM-DD date, from date to date; when the target month is shorter
 * (31 January + 1 month), the delay ends on its last day.
 */
export function addCalendarMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + months, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

/**
 * Date at which the administration's silence is worth a decision (CRPA L. 231-1 and following):
 * the delay runs from the day of receipt (Paris calendar), from date to date when the text counts
 * in months, else in calendar days; the decision is acquired at the end of that day.
 */
export function silenceDate(submittedAt: Date, rule: { days: number; months?: number | null }): string {
  const received = parisDateOf(submittedAt);
  return rule.months ? addCalendarMonths(received, rule.months) : addCalendarDays(received, rule.days);
}

const wallParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** The Paris wall clock of an instant: its date and its minute of the day (0–1439). */
export function parisWallClock(instant: Date): { date: string; minute: number } {
  if (Number.isNaN(instant.getTime())) wallParts.format(instant); // throws RangeError, as before
  const wall = new Date(instant.getTime() + parisOffsetMinutes(instant) * 60_000);
  return { date: wall.toISOString().slice(0, 10), minute: wall.getUTCHours() * 60 + wall.getUTCMinutes() };
}

/**
 * The instant at which Paris clocks show `minute` (minutes after midnight) on `date`; null for a
 * time the clocks skip (the spring change, 02:00–02:59). A time shown twice (the autumn change)
 * is its later occurrence, in winter time.
 */
export function parisInstant(date: string, minute: number): Date | null {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const naive = Date.UTC(y, m - 1, d, 0, minute);
  let instant = naive - parisOffsetMinutes(new Date(naive)) * 60_000;
  instant = naive - parisOffsetMinutes(new Date(instant)) * 60_000;
  const wall = parisWallClock(new Date(instant));
  return wall.date === date && wall.minute === minute ? new Date(instant) : null;
}

/** ISO weekday of a YYYY-MM-DD date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
}

/**
 * The instants of a period of Paris calendar dates, both included: from 00:00 (Paris) of `from`
 * to 00:00 of the day after `to`, excluded — 23, 24 or 25 hours a day across clock changes.
 */
export function parisDayRange(from: string, to: string): { start: Date; end: Date } {
  return { start: parisInstant(from, 0)!, end: parisInstant(addCalendarDays(to, 1), 0)! };
}
