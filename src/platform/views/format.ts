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

/** French month names, January first. */
export const MONTH_NAMES = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
] as const;

/** "novembre 2026" for a calendar month written `YYYY-MM`. */
export function formatMonth(month: string): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
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

/** A calendar day typed as JJ/MM/AAAA or AAAA-MM-JJ, or undefined. */
export function parseDay(value: string): { year: number; month: number; day: number } | undefined {
  const trimmed = value.trim();
  const fr = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(trimmed);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  const [year, month, day] = fr
    ? [Number(fr[3]), Number(fr[2]), Number(fr[1])]
    : iso
      ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
      : [0, 0, 0];
  if (!year || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || year < 2000 || year > 2999) return undefined;
  return { year, month, day };
}
