/**
 * The sending job of one recipient: makes the link secret (only its SHA-256 is stored), composes
 * the scenario's message with the link and the opening image, and queues it in the outbox, in one
 * tenant transaction. Run again (a retry), it sends nothing more: the secret is made once.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import type { JobDefinition } from '../../../platform/jobs/queue.js';
import { queueMail } from '../../../platform/mail/outbox.js';
import { hashToken, newToken } from '../../../platform/tokens.js';
import { accountContact } from '../../identity/index.js';
import { AWARENESS_MAILS } from '../mail-templates.js';
import { findRecipient, setRecipientSent } from '../repo.js';
import { findScenario } from '../scenarios.js';
import { SEND_SIMULATION_JOB } from './launch-campaign.js';

/** The path of a recipient's link (neutral words: the address must not give the exercise away). */
export function linkPath(slug: string, token: string): string {
  return `/c/${slug}/lien/${token}`;
}

export function sendSimulationJob(ctx: Pick<AppContext, 'communes' | 'config' | 'queue'>): JobDefinition {
  const schema = z.object({ communeId: z.uuid(), recipientId: z.uuid() });
  return {
    name: SEND_SIMULATION_JOB,
    schema,
    retryLimit: 3,
    retryDelaySeconds: 60,
    async run({ communeId, recipientId }, { database }) {
      const commune = (await ctx.communes.all()).find((c) => c.id === communeId);
      if (!commune) return;
      const base = ctx.config.publicUrl.replace(/\/$/, '');
      await withTenant(database, communeId, async (tx) => {
        const recipient = await findRecipient(tx, communeId, recipientId);
        if (!recipient || recipient.tokenHash) return;
        const scenario = findScenario(recipient.scenario);
        const contact = await accountContact(tx, recipient.accountId);
        if (!scenario || !contact) return;
        const token = newToken();
        const mail = scenario.mail(commune.name);
        const outboxId = await queueMail(tx, ctx.queue, {
          to: contact.email,
          template: AWARENESS_MAILS.simulation,
          variables: {
            communeName: commune.name,
            subject: mail.subject,
            paragraphs: mail.paragraphs,
            link: { href: `${base}${linkPath(commune.slug, token)}`, label: mail.linkLabel },
            pixel: `${base}${linkPath(commune.slug, token)}/image.gif`,
          },
        });
        await setRecipientSent(tx, communeId, recipientId, hashToken(token), outboxId);
      });
    },
  };
}
