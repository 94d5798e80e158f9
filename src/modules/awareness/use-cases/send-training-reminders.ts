/**
 * The monthly reminder of the trainings (job `awareness.training_reminders`, weekday mornings at
 * 9:00 Paris time): each staff member (agents and élus) of a commune whose reminders are on, who
 * has not passed all the trainings, gets ONE mail a Paris month at most listing the trainings
 * left, with a link to their page. The month is taken in the same transaction as the mail
 * (`awareness_training_reminder`): running the job again, the same day or later in the month,
 * sends nothing more; the first run of the next month reminds again.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import type { JobDefinition } from '../../../platform/jobs/queue.js';
import { queueMail } from '../../../platform/mail/outbox.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { listStaffContacts } from '../../identity/index.js';
import { AWARENESS_MAILS } from '../mail-templates.js';
import { claimMonthlyReminder, completionsByAccount, setReminderOutbox, trainingRemindersOn } from '../repo.js';
import { TRAININGS } from '../trainings.js';

export const TRAINING_REMINDER_JOB = 'awareness.training_reminders';

/** Queues the reminders of every commune; returns how many mails were queued. */
export async function sendTrainingReminders(ctx: AppContext, now = new Date()): Promise<number> {
  const month = parisDateOf(now).slice(0, 7);
  let sent = 0;
  for (const commune of await ctx.communes.all()) {
    sent += await withTenant(ctx.database, commune.id, async (tx) => {
      if (!(await trainingRemindersOn(tx, commune.id))) return 0;
      const done = await completionsByAccount(tx, commune.id);
      let queued = 0;
      for (const person of await listStaffContacts(tx, commune.id)) {
        const passed = done.get(person.accountId) ?? new Set<string>();
        const remaining = TRAININGS.filter((t) => !passed.has(t.key));
        if (remaining.length === 0) continue;
        if (!(await claimMonthlyReminder(tx, commune.id, person.accountId, month))) continue;
        const n = remaining.length;
        const id = await queueMail(tx, ctx.queue, {
          to: person.email,
          template: AWARENESS_MAILS.trainingReminder,
          variables: {
            communeName: commune.name,
            subject:
              n === TRAININGS.length
                ? `Cybersécurité : ${n} formations de 5 minutes vous attendent`
                : `Cybersécurité : ${n > 1 ? `il vous reste ${n} formations` : 'il vous reste une formation'} de 5 minutes`,
            paragraphs: [
              `Bonjour ${person.givenName},`,
              `La mairie de ${commune.name} propose à ses agents et à ses élus de courtes formations à la cybersécurité, de 5 minutes chacune, avec quelques questions à la fin. ${n > 1 ? 'Celles-ci vous attendent' : 'Celle-ci vous attend'} :`,
              ...remaining.map((t) => `– ${t.title}`),
              'Une attestation vous est proposée quand vous les avez toutes réussies. Vous recevez ce rappel au plus une fois par mois ; l’administrateur de la commune peut l’arrêter.',
            ],
            link: {
              href: `${ctx.config.publicUrl}/c/${commune.slug}/agent/sensibilisation#formations`,
              label: 'Suivre les formations',
            },
          },
        });
        await setReminderOutbox(tx, commune.id, person.accountId, month, id);
        if (id) queued += 1;
      }
      return queued;
    });
  }
  return sent;
}

export function trainingReminderJob(ctx: AppContext): JobDefinition {
  return {
    name: TRAINING_REMINDER_JOB,
    schema: z.object({}),
    schedule: { cron: '0 9 * * 1-5', data: {} },
    retryLimit: 1,
    async run(_data, { logger }) {
      logger.info({ mails: await sendTrainingReminders(ctx) }, 'rappels des formations envoyés');
    },
  };
}
