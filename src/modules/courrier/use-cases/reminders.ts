/**
 * Late flags by mail (job `courrier.reminders`, working days at 7:30 Paris time; decision 0057):
 * each agent gets ONE e-mail listing the open mails confided to them that are due by the next
 * working day or already late. A mail is in it at most once a Paris day: the day's row in
 * `courrier_reminder` is claimed in the transaction that queues the mail, so a retried or
 * concurrent run sends nothing twice. A confidential mail is listed by its number only (the
 * e-mail leaves the mairie's system). Nobody gets an empty mail; the register shows the same
 * mails with the « En retard » tag.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import type { JobDefinition } from '../../../platform/jobs/queue.js';
import { queueMail } from '../../../platform/mail/outbox.js';
import { addCalendarDays, parisDateOf } from '../../../platform/time/calendar.js';
import { formatDate, formatNumber } from '../../../platform/views/format.js';
import { listStaffContacts } from '../../identity/index.js';
import { isWorkingDay, nextWorkingDay } from '../deadlines.js';
import { COURRIER_MAILS } from '../mail-templates.js';
import { claimDueMails, type DueMailRow } from '../repo.js';

export const REMINDER_JOB = 'courrier.reminders';

/** The line of one mail in the reminder. */
export function reminderLine(m: DueMailRow, today: string): string {
  const what = m.confidential ? `${m.chrono} (courrier confidentiel)` : `${m.chrono} « ${m.subject} »`;
  const when =
    m.due_on < today
      ? `en retard : à traiter avant le ${formatDate(m.due_on)}`
      : m.due_on === today
        ? 'à traiter aujourd’hui'
        : `à traiter avant le ${formatDate(m.due_on)}`;
  return `– ${what} : ${when}.`;
}

export interface ReminderOutcome {
  /** Mails queued (one per agent and commune). */
  mails: number;
  /** Incoming mails listed in them. */
  listed: number;
}

/**
 * Queues the reminders of every commune for the Paris day of `now`. On a day the mairie is closed
 * nothing is sent (the next working day's run lists what is late by then).
 */
export async function sendLateReminders(ctx: AppContext, now = new Date()): Promise<ReminderOutcome> {
  const outcome: ReminderOutcome = { mails: 0, listed: 0 };
  const today = parisDateOf(now);
  if (!isWorkingDay(today)) return outcome;
  const until = nextWorkingDay(addCalendarDays(today, 1));
  for (const commune of await ctx.communes.all()) {
    await withTenant(ctx.database, commune.id, async (tx) => {
      const due = await claimDueMails(tx, commune.id, today, until);
      if (due.length === 0) return;
      const staff = await listStaffContacts(tx, commune.id);
      for (const person of staff) {
        const mine = due.filter((m) => m.assigned_to === person.accountId);
        if (mine.length === 0) continue;
        const late = mine.filter((m) => m.due_on < today).length;
        const n = mine.length;
        const id = await queueMail(tx, ctx.queue, {
          to: person.email,
          template: COURRIER_MAILS.reminder,
          variables: {
            communeName: commune.name,
            subject:
              late > 0
                ? `Courrier : ${formatNumber(late)} courrier${late > 1 ? 's' : ''} en retard${n > late ? `, ${formatNumber(n - late)} à traiter bientôt` : ''}`
                : `Courrier : ${formatNumber(n)} courrier${n > 1 ? 's' : ''} à traiter d’ici le ${formatDate(until)}`,
            paragraphs: [
              `Bonjour ${person.givenName},`,
              `${n > 1 ? 'Ces courriers qui vous sont confiés sont' : 'Ce courrier qui vous est confié est'} en retard ou à traiter d’ici le ${formatDate(until)} :`,
              mine.map((m) => reminderLine(m, today)).join('\n'),
              'Vous recevez ce rappel chaque jour ouvré pour chaque courrier en retard, tant qu’il n’est pas clos ou confié à quelqu’un d’autre.',
            ],
            link: {
              href: `${ctx.config.publicUrl}/c/${commune.slug}/agent/courrier?moi=1`,
              label: 'Voir les courriers qui me sont confiés',
            },
          },
        });
        if (id) {
          outcome.mails += 1;
          outcome.listed += n;
        }
      }
    });
  }
  return outcome;
}

export function reminderJob(ctx: AppContext): JobDefinition {
  return {
    name: REMINDER_JOB,
    schema: z.object({}),
    // Working days at 7:30, before the services open (the parapheur's reminder is at 8:00).
    schedule: { cron: '30 7 * * 1-5', data: {} },
    retryLimit: 2,
    retryDelaySeconds: 600,
    async run(_data, { logger }) {
      logger.info(await sendLateReminders(ctx), 'rappels du courrier envoyés');
    },
  };
}
