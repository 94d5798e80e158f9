/**
 * The daily reminder (job `signature.reminders`, every morning at 8:00 Paris time): each person
 * with folders waiting for their visa or signature for more than the commune's delay (parapheur
 * settings, 3 days by default, 0 for none) gets ONE e-mail listing them, with a link to their
 * queue. Folders waiting for less are not mentioned; nobody gets an empty mail.
 */

import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import type { JobDefinition } from '../../../platform/jobs/queue.js';
import { queueMail } from '../../../platform/mail/outbox.js';
import { formatNumber } from '../../../platform/views/format.js';
import { listStaffContacts } from '../../identity/index.js';
import { DOCUMENT_TYPE_LABELS } from '../circuits.js';
import { SIGNATURE_MAILS } from '../mail-templates.js';
import { findReminderDays, listWaitingFor } from '../repo.js';
import { DEFAULT_REMINDER_DAYS } from './configure-parapheur.js';

const DAY_MS = 86_400_000;
export const REMINDER_JOB = 'signature.reminders';

/** Queues the reminders of every commune; returns how many mails were queued. */
export async function sendReminders(ctx: AppContext, now = new Date()): Promise<number> {
  let sent = 0;
  for (const commune of await ctx.communes.all()) {
    sent += await withTenant(ctx.database, commune.id, async (tx) => {
      const days = (await findReminderDays(tx, commune.id)) ?? DEFAULT_REMINDER_DAYS;
      if (days === 0) return 0;
      const cutoff = now.getTime() - days * DAY_MS;
      let queued = 0;
      for (const person of await listStaffContacts(tx, commune.id)) {
        const late = (await listWaitingFor(tx, commune.id, [person.accountId])).filter(
          (r) => r.step.startedAt && r.step.startedAt.getTime() <= cutoff,
        );
        if (late.length === 0) continue;
        const n = late.length;
        const id = await queueMail(tx, ctx.queue, {
          to: person.email,
          template: SIGNATURE_MAILS.reminder,
          variables: {
            communeName: commune.name,
            subject: `Parapheur : ${formatNumber(n)} dossier${n > 1 ? 's attendent' : ' attend'} votre décision depuis plus de ${days} jour${days > 1 ? 's' : ''}`,
            paragraphs: [
              `Bonjour ${person.givenName},`,
              `${n > 1 ? 'Ces dossiers attendent' : 'Ce dossier attend'} votre visa ou votre signature dans le parapheur de ${commune.name} :`,
              ...late.map(({ folder, step }) => {
                const waited = Math.floor((now.getTime() - step.startedAt!.getTime()) / DAY_MS);
                return `– ${folder.title} (n° ${folder.number}, ${DOCUMENT_TYPE_LABELS[folder.documentType]}) : ${step.kind === 'visa' ? 'à viser' : 'à signer'}, en attente depuis ${waited} jours.`;
              }),
              'Vous recevez ce rappel une fois par jour tant que des dossiers attendent ; l’administrateur de la commune en règle le délai.',
            ],
            link: { href: `${ctx.config.publicUrl}/c/${commune.slug}/agent/parapheur`, label: 'Ouvrir le parapheur' },
          },
        });
        if (id) queued += 1;
      }
      return queued;
    });
  }
  return sent;
}

export function reminderJob(ctx: AppContext): JobDefinition {
  return {
    name: REMINDER_JOB,
    schema: z.object({}),
    schedule: { cron: '0 8 * * *', data: {} },
    retryLimit: 1,
    async run(_data, { logger }) {
      logger.info({ mails: await sendReminders(ctx) }, 'rappels du parapheur envoyés');
    },
  };
}
