// French formatting for pages, e-mails and documents. Dates are shown in the
// Europe/Paris time zone whatever the server's zone.

const TIME_ZONE = 'Europe/Paris';

const dateFormat = new Intl.DateTimeFormat('fr-FR', {
  timeZone: TIME_ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

const timeFormat = new Intl.DateTimeFormat('fr-FR', {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const numberFormat = new Intl.NumberFormat('fr-FR');

function toValidDate(date: Date | string | number): Date {
  const value = date instanceof Date ? date : new Date(date);
  if (Number.isNaN(value.getTime())) throw new RangeError(`Date invalide : ${String(date)}`);
  return value;
}

/** "28 novembre 2026" ("1er" for the first day of the month, as written in French). */
export function formatDate(date: Date | string | number): string {
  const parts = dateFormat.formatToParts(toValidDate(date));
  return parts.map((part) => (part.type === 'day' && part.value === '1' ? '1er' : part.value)).join('');
}

/** "28 novembre 2026 à 14 h 05" (French typographic time, Europe/Paris). */
export function formatDateTime(date: Date | string | number): string {
  const value = toValidDate(date);
  const parts = timeFormat.formatToParts(value);
  const hour = parts.find((part) => part.type === 'hour')?.value ?? '00';
  const minute = parts.find((part) => part.type === 'minute')?.value ?? '00';
  return `${formatDate(value)} à ${Number(hour)}\u00a0h\u00a0${minute}`;
}

/** "12 345,6" with French grouping (narrow no-break space) and decimal comma. */
export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return options === undefined ? numberFormat.format(value) : new Intl.NumberFormat('fr-FR', options).format(value);
}

/** "que" with French elision before a vowel: `que('agent')` → "qu’agent", `que('maire')` → "que maire". */
export function que(word: string): string {
  return /^[aeiouyàâäéèêëîïôöùûüœæ]/i.test(word) ? `qu’${word}` : `que ${word}`;
}
