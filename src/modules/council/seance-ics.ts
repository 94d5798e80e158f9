/**
 * The calendar file of a séance (the platform's RFC 5545 writer): élus add it to their calendar
 * from their space or from the convocation mail. Its UID is stable per séance, so opening a newer
 * file replaces the event; a cancelled séance is marked CANCELLED. The séance's end is not known
 * in advance: the event lasts three hours.
 */
import { calendarFile } from '../../platform/calendar/ics.js';
import { parisInstant } from '../../platform/time/calendar.js';
import type { ItemRow, SeanceRow } from './schema.js';

const DURATION_MS = 3 * 60 * 60_000;

export function seanceIcs(input: {
  seance: SeanceRow;
  items: readonly ItemRow[];
  communeName: string;
  publicUrl: string;
  communeSlug: string;
}): string {
  const { seance } = input;
  const [h, m] = seance.seanceTime.split(':').map(Number) as [number, number];
  const startsAt = parisInstant(seance.seanceDate, h * 60 + m)!;
  const base = input.publicUrl.replace(/\/$/, '');
  return calendarFile('Conseil municipal', {
    uid: `conseil-${seance.id}@${new URL(base).hostname}`,
    startsAt,
    endsAt: new Date(startsAt.getTime() + DURATION_MS),
    summary: `Conseil municipal – ${input.communeName}`,
    location: seance.place,
    description: [
      seance.kind === 'urgence' ? 'Séance convoquée en urgence.' : 'Séance ordinaire.',
      'Ordre du jour :',
      ...input.items.map((i) => `${i.position}. ${i.title}`),
    ].join('\n'),
    sequence: 0,
    cancelled: seance.status === 'annulee',
    url: `${base}/c/${input.communeSlug}/conseil`,
  });
}
