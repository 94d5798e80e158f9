/**
 * The deadline of the notification of a personal-data breach to the CNIL: « dans les meilleurs
 * délais et, si possible, 72 heures au plus tard après en avoir pris connaissance » (RGPD art.
 * 33(1)). 72 elapsed hours from the moment the commune became aware — not three calendar days,
 * and not 72 hours of the wall clock: across a change of time in Paris the clock shows 71 or 73
 * hours between the two (EDPB guidelines 9/2022 on breach notification, § 36–44). Pure functions;
 * the wall-clock input of people goes through `parisInstant` (platform/time).
 */
import { parisInstant, parisWallClock } from '../../platform/time/calendar.js';

const HOUR = 3_600_000;
export const CNIL_NOTIFICATION_HOURS = 72;

export function cnilNotificationDeadline(awareAt: Date): Date {
  return new Date(awareAt.getTime() + CNIL_NOTIFICATION_HOURS * HOUR);
}

/** What is left before the deadline at `now`: whole minutes, negative once it has passed. */
export function cnilCountdown(awareAt: Date, now: Date): { deadline: Date; minutesLeft: number; overdue: boolean } {
  const deadline = cnilNotificationDeadline(awareAt);
  const minutesLeft = Math.floor((deadline.getTime() - now.getTime()) / 60_000);
  return { deadline, minutesLeft, overdue: minutesLeft < 0 };
}

/** The countdown in French: « il reste 2 j 5 h », « il reste 45 min », « dépassé de 3 h ». */
export function formatCountdown(minutesLeft: number): string {
  const m = Math.abs(minutesLeft);
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  const minutes = m % 60;
  const parts =
    m < 60 ? [`${minutes} min`] : [...(days ? [`${days} j`] : []), ...(hours || days ? [`${hours} h`] : [])];
  return minutesLeft < 0 ? `dépassé de ${parts.join(' ')}` : `il reste ${parts.join(' ')}`;
}

/**
 * The instant of a Paris wall-clock time typed by a person (`HH:MM` on a `YYYY-MM-DD` day); null
 * when the time is not valid or the clocks skip it (the spring change, 02:00–02:59). A time shown
 * twice (the autumn change) is taken in winter time, the later of the two.
 */
export function parisTypedInstant(date: string, time: string): Date | null {
  const match = /^(\d{1,2})[:h](\d{2})$/.exec(time.trim());
  if (!match) return null;
  const [hours, minutes] = [Number(match[1]), Number(match[2])];
  if (hours > 23 || minutes > 59) return null;
  return parisInstant(date, hours * 60 + minutes);
}

/** The Paris wall clock of an instant as « YYYY-MM-DD HH:MM » (tests and journal data). */
export function parisStamp(instant: Date): string {
  const { date, minute } = parisWallClock(instant);
  return `${date} ${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
