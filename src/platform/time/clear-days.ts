/**
 * Clear days (jours francs) between a sending date and a meeting date, on Europe/Paris calendar
 * dates: neither the sending day nor the meeting day counts; Saturdays, Sundays and public
 * holidays count (no extension). Computed on local dates, never by subtracting timestamps, so
 * daylight-saving changes and year boundaries do not move the result.
 */
import { addCalendarDays, parisDateOf } from './calendar.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function dayNumber(date: string): number {
  if (!DATE.test(date)) throw new Error(`Date invalide : ${date}`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
}

/** Whole days strictly between two Paris calendar dates (negative or zero when not before). */
export function clearDaysBetween(sendDate: string, meetingDate: string): number {
  return dayNumber(meetingDate) - dayNumber(sendDate) - 1;
}

/** The latest Paris date on which sending still leaves `clearDays` clear days before the meeting. */
export function latestSendDate(meetingDate: string, clearDays: number): string {
  dayNumber(meetingDate);
  return addCalendarDays(meetingDate, -(clearDays + 1));
}

/** Whether an instant of sending (read on its Paris date) leaves at least `clearDays` clear days. */
export function sentInTime(sentAt: Date, meetingDate: string, clearDays: number): boolean {
  return clearDaysBetween(parisDateOf(sentAt), meetingDate) >= clearDays;
}
