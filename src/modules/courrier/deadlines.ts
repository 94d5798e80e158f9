/**
 * The processing deadline of an incoming mail, from its type (and its priority), on the Paris
 * calendar: working days skip Saturdays, Sundays and public holidays (platform/time); a delay in
 * months runs from date to date (31 January + 1 month = 28 or 29 February); a delay that ends on
 * a day the mairie is closed moves to the next working day. An urgent mail is due within
 * `URGENT_WORKING_DAYS` working days whatever its type. Information needs no answer: no deadline.
 */
import { addCalendarDays, addCalendarMonths, isoWeekday } from '../../platform/time/calendar.js';
import { publicHolidayOn } from '../../platform/time/holidays.js';

export const MAIL_TYPES = [
  'demande',
  'reclamation',
  'saisine_administrative',
  'invitation',
  'facture',
  'information',
] as const;
export type MailType = (typeof MAIL_TYPES)[number];

export type Delay =
  | { unit: 'working_days'; count: number }
  | { unit: 'days'; count: number }
  | { unit: 'months'; count: number }
  | null;

export interface MailTypeRule {
  label: string;
  delay: Delay;
  /** Where the delay comes from, in French (shown on the registration form). */
  basis: string;
}

export const MAIL_TYPE_RULES: Readonly<Record<MailType, MailTypeRule>> = {
  demande: {
    label: 'Demande de renseignement',
    delay: { unit: 'working_days', count: 15 },
    basis: '15 jours ouvrés (engagement de service de la commune)',
  },
  reclamation: {
    label: 'Réclamation',
    delay: { unit: 'months', count: 1 },
    basis: '1 mois (engagement de service de la commune)',
  },
  saisine_administrative: {
    label: 'Demande administrative (décision attendue)',
    delay: { unit: 'months', count: 2 },
    basis: '2 mois : au-delà, le silence vaut décision (CRPA, art. L231-1 et L231-4)',
  },
  invitation: {
    label: 'Invitation',
    delay: { unit: 'working_days', count: 5 },
    basis: '5 jours ouvrés pour répondre',
  },
  facture: {
    label: 'Facture',
    delay: { unit: 'days', count: 30 },
    basis: '30 jours : délai global de paiement (code de la commande publique, art. R2192-10)',
  },
  information: { label: 'Information (sans réponse attendue)', delay: null, basis: 'aucune réponse attendue' },
};

export const URGENT_WORKING_DAYS = 3;

export type Priority = 'normale' | 'urgente';

/** True for a Paris date on which the mairie works (Monday to Friday, not a public holiday). */
export function isWorkingDay(date: string): boolean {
  return isoWeekday(date) <= 5 && !publicHolidayOn(date);
}

/** The working day `count` working days after `date` (the day of arrival itself does not count). */
export function addWorkingDays(date: string, count: number): string {
  let day = date;
  let left = count;
  while (left > 0) {
    day = addCalendarDays(day, 1);
    if (isWorkingDay(day)) left--;
  }
  return day;
}

/** The same date if the mairie works then, else the next working day. */
export function nextWorkingDay(date: string): string {
  let day = date;
  while (!isWorkingDay(day)) day = addCalendarDays(day, 1);
  return day;
}

function applyDelay(arrivedOn: string, delay: NonNullable<Delay>): string {
  switch (delay.unit) {
    case 'working_days':
      return addWorkingDays(arrivedOn, delay.count);
    case 'days':
      return nextWorkingDay(addCalendarDays(arrivedOn, delay.count));
    case 'months':
      return nextWorkingDay(addCalendarMonths(arrivedOn, delay.count));
  }
}

/** The date a mail must be answered by (YYYY-MM-DD), or null when no answer is expected. */
export function processingDeadline(arrivedOn: string, type: MailType, priority: Priority): string | null {
  const delay = MAIL_TYPE_RULES[type].delay;
  if (!delay) return null;
  const normal = applyDelay(arrivedOn, delay);
  if (priority !== 'urgente') return normal;
  const urgent = addWorkingDays(arrivedOn, URGENT_WORKING_DAYS);
  return [urgent, normal].sort()[0]!;
}
