/**
 * Slot search, without I/O: the free slots of one agenda for one motif, from the agenda's weekly
 * opening hours, its closures, the French public holidays and the bookings already taken.
 *
 * - Slots follow each other from the start of an opening, every `duration + buffer` minutes, on
 *   Paris wall-clock time (a day of clock change keeps 09:00 at 09:00); a slot must end by the
 *   end of its opening (the buffer after the last one may run past closing time).
 * - A slot occupies its agenda from its start to its end plus the motif's buffer. Bookings of the
 *   same motif at the same start take its seats (a group session when capacity > 1); any other
 *   booking overlapping it (with its own buffer) makes the desk busy.
 * - Not before `now + minDelayHours`, not after `maxDelayDays` Paris days from today.
 */
import { addCalendarDays, isoWeekday, parisDateOf, parisInstant } from '../../platform/time/calendar.js';
import { publicHolidayOn } from '../../platform/time/holidays.js';

export interface Opening {
  weekday: number;
  startMinute: number;
  endMinute: number;
  validFrom: string | null;
  validUntil: string | null;
}

export interface Closure {
  startDate: string;
  endDate: string;
}

export interface AgendaCalendar {
  openings: readonly Opening[];
  closures: readonly Closure[];
  alsaceMoselle: boolean;
}

export interface MotifRules {
  id: string;
  durationMinutes: number;
  bufferMinutes: number;
  capacity: number;
  minDelayHours: number;
  maxDelayDays: number;
}

export interface TakenSeat {
  motifId: string;
  startsAt: Date;
  endsAt: Date;
  /** The buffer of the booking's motif, after its end. */
  bufferMinutes: number;
  seat: number;
}

export interface Slot {
  /** The Paris date it starts on. */
  date: string;
  startsAt: Date;
  endsAt: Date;
  /** Seats still free (≥ 1). */
  remaining: number;
  /** The lowest free seat number, for the booking. */
  freeSeat: number;
}

export interface SlotSearch {
  calendar: AgendaCalendar;
  motif: MotifRules;
  taken: readonly TakenSeat[];
  now: Date;
  /** Paris dates, inclusive. */
  from: string;
  to: string;
}

const MINUTE = 60_000;

/** Why a Paris day has no opening at all (a holiday's name, a closure), or null. */
export function closedBecause(calendar: AgendaCalendar, date: string): string | null {
  const holiday = publicHolidayOn(date, { alsaceMoselle: calendar.alsaceMoselle });
  if (holiday) return holiday.name;
  if (calendar.closures.some((c) => c.startDate <= date && date <= c.endDate)) return 'fermeture';
  return null;
}

/** Whether the agenda has opening hours on that date's weekday (holidays and closures aside). */
export function opensOn(calendar: AgendaCalendar, date: string): boolean {
  return openingsOf(calendar, date).length > 0;
}

function openingsOf(calendar: AgendaCalendar, date: string): Opening[] {
  const weekday = isoWeekday(date);
  return calendar.openings
    .filter(
      (o) => o.weekday === weekday && (!o.validFrom || o.validFrom <= date) && (!o.validUntil || date <= o.validUntil),
    )
    .sort((a, b) => a.startMinute - b.startMinute);
}

/** The free slots, in time order. */
export function searchSlots(search: SlotSearch): Slot[] {
  const { calendar, motif, now } = search;
  const today = parisDateOf(now);
  const last = addCalendarDays(today, motif.maxDelayDays);
  const earliest = now.getTime() + motif.minDelayHours * 60 * MINUTE;
  const step = motif.durationMinutes + motif.bufferMinutes;
  const taken = [...search.taken].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  // The longest a booking keeps a desk busy: bookings starting earlier than a slot by more than
  // that cannot overlap it, so the scan of `taken` starts at `lo` (slots come in time order).
  const longest = taken.reduce(
    (max, t) => Math.max(max, t.endsAt.getTime() + t.bufferMinutes * MINUTE - t.startsAt.getTime()),
    0,
  );
  let lo = 0;
  const slots: Slot[] = [];
  const seen = new Set<number>();
  // Paris dates compare as strings (YYYY-MM-DD).
  const [first] = [search.from, today].sort().reverse() as [string];
  const [end] = [search.to, last].sort() as [string];
  for (let date = first; date <= end; date = addCalendarDays(date, 1)) {
    if (closedBecause(calendar, date)) continue;
    for (const opening of openingsOf(calendar, date)) {
      const closesAt = parisInstant(date, opening.endMinute) ?? parisInstant(addCalendarDays(date, 1), 0);
      const opensAt = parisInstant(date, opening.startMinute);
      // On all but the two days the clocks change, an opening's times are plain arithmetic from its
      // start; on those, each time is asked of the time-zone rules.
      const steady =
        opensAt &&
        closesAt &&
        closesAt.getTime() - opensAt.getTime() === (opening.endMinute - opening.startMinute) * MINUTE;
      for (let minute = opening.startMinute; minute + motif.durationMinutes <= opening.endMinute; minute += step) {
        const start = steady
          ? new Date(opensAt.getTime() + (minute - opening.startMinute) * MINUTE)
          : parisInstant(date, minute);
        if (!start || !closesAt) continue; // a time the clocks skip
        const startMs = start.getTime();
        const endMs = startMs + motif.durationMinutes * MINUTE;
        if (endMs > closesAt.getTime() || startMs < earliest || seen.has(startMs)) continue;
        const busyUntil = endMs + motif.bufferMinutes * MINUTE;
        // Seats of this motif already taken at this very time (most slots have none: no allocation).
        let seats: Set<number> | undefined;
        let blocked = false;
        while (lo < taken.length && taken[lo]!.startsAt.getTime() + longest <= startMs) lo++;
        for (let i = lo; i < taken.length; i++) {
          const t = taken[i]!;
          const tStart = t.startsAt.getTime();
          if (tStart >= busyUntil) break;
          const tBusyUntil = t.endsAt.getTime() + t.bufferMinutes * MINUTE;
          if (tBusyUntil <= startMs) continue;
          if (t.motifId === motif.id && tStart === startMs) {
            seats ??= new Set();
            seats.add(t.seat);
          } else blocked = true;
        }
        const takenHere = seats?.size ?? 0;
        if (blocked || takenHere >= motif.capacity) continue;
        let freeSeat = 1;
        while (seats?.has(freeSeat)) freeSeat++;
        seen.add(startMs);
        slots.push({
          date,
          startsAt: start,
          endsAt: new Date(endMs),
          remaining: motif.capacity - takenHere,
          freeSeat,
        });
      }
    }
  }
  return slots.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}
