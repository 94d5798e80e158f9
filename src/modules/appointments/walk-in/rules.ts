/**
 * The walk-in queue's rules, pure: the place of a ticket, the estimated wait, the order in which
 * an agent sees the next people (tickets in their order, appointments at their time), and the
 * day's waiting and service times.
 */

/** Minutes, as a whole number, between two instants (never negative). */
export function minutesBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
}

/** The median of some durations, or null when there are none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface WaitEstimate {
  /** People of the same motif before this ticket. */
  ahead: number;
  /** Minutes, rounded up to the next 5 (a queue is no timetable); 0 when nobody is ahead. */
  minutes: number;
}

/**
 * The wait of a ticket with `ahead` people before it: each takes the motif's usual service time
 * (the day's median once some were served, else the motif's duration), spread over the desks that
 * call this motif (at least one).
 */
export function estimateWait(ahead: number, serviceMinutes: number, desks: number): WaitEstimate {
  if (ahead <= 0) return { ahead: 0, minutes: 0 };
  const raw = (ahead * Math.max(1, serviceMinutes)) / Math.max(1, desks);
  return { ahead, minutes: Math.ceil(raw / 5) * 5 };
}

/** The wait in French, for the ticket and the screen. */
export function waitText(estimate: WaitEstimate): string {
  if (estimate.ahead === 0) return 'Vous êtes la prochaine personne appelée.';
  const people = estimate.ahead === 1 ? '1 personne avant vous' : `${estimate.ahead} personnes avant vous`;
  if (estimate.minutes < 60) return `${people}, environ ${estimate.minutes} minutes d’attente.`;
  const hours = Math.floor(estimate.minutes / 60);
  const rest = estimate.minutes % 60;
  return `${people}, environ ${hours} h${rest ? ` ${String(rest).padStart(2, '0')}` : ''} d’attente.`;
}

export type NextUp<T, B> = { kind: 'ticket'; at: Date; item: T } | { kind: 'rendez-vous'; at: Date; item: B };

/**
 * Who comes next at the desks: waiting tickets by the time they were taken, appointments at their
 * time, one list. An appointment is listed from `lead` minutes before its time (the person is
 * called when it is due, not when the queue is empty) until it is dealt with.
 */
export function interleave<T extends { createdAt: Date }, B extends { startsAt: Date }>(
  tickets: readonly T[],
  appointments: readonly B[],
  now: Date,
  lead = 15,
): Array<NextUp<T, B>> {
  const horizon = now.getTime() + lead * 60_000;
  const items: Array<NextUp<T, B>> = [
    ...tickets.map((item) => ({ kind: 'ticket' as const, at: item.createdAt, item })),
    ...appointments
      .filter((b) => b.startsAt.getTime() <= horizon)
      .map((item) => ({ kind: 'rendez-vous' as const, at: item.startsAt, item })),
  ];
  return items.sort((a, b) => a.at.getTime() - b.at.getTime());
}
