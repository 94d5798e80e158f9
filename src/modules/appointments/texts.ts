/** French words and formats of the appointments module (pages, mails, calendar files). */
import type { BookableBy, BookingStatus, MotifKind } from './schema.js';

export const WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'] as const;

export const KIND_LABELS: Record<MotifKind, string> = {
  guichet: 'au guichet',
  telephone: 'par téléphone',
  visio: 'en visioconférence',
};

export const BOOKABLE_BY_LABELS: Record<BookableBy, string> = {
  public: 'tout le monde',
  signed_in: 'les personnes connectées',
  agents: 'les agents seulement',
};

export const STATUS_LABELS: Record<BookingStatus, string> = {
  confirme: 'confirmé',
  annule: 'annulé',
  arrive: 'arrivé',
  absent: 'absent',
};

const weekdayDate = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const hourMinute = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** « mardi 6 janvier 2026 » (« 1er » for the first of the month). */
export function dayText(instant: Date): string {
  return weekdayDate
    .formatToParts(instant)
    .map((p) => (p.type === 'day' && p.value === '1' ? '1er' : p.value))
    .join('');
}

/** « 9 h 05 » (French typographic time, Paris). */
export function timeText(instant: Date): string {
  const parts = hourMinute.formatToParts(instant);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? '0');
  const minute = parts.find((p) => p.type === 'minute')?.value ?? '00';
  return `${hour}\u00a0h\u00a0${minute}`;
}

/** « mardi 6 janvier 2026 à 9 h 00 ». */
export function whenText(instant: Date): string {
  return `${dayText(instant)} à ${timeText(instant)}`;
}

/** « 9 h 00 » from minutes after midnight. */
export function minuteText(minute: number): string {
  return `${Math.floor(minute / 60)}\u00a0h\u00a0${String(minute % 60).padStart(2, '0')}`;
}

/** « 09:30 » → 570; undefined when not a time of day. */
export function parseTimeOfDay(value: string): number | undefined {
  const match = /^(\d{1,2})\s*(?:h|:)\s*(\d{2})?$/i.exec(value.trim());
  if (!match) return undefined;
  const hour = Number(match[1]);
  const minute = Number(match[2] ?? '0');
  if (hour > 24 || minute > 59 || (hour === 24 && minute > 0)) return undefined;
  return hour * 60 + minute;
}

/** The documents to bring, one a line, without empty lines. */
export function documentLines(documents: string): string[] {
  return documents
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}
