/**
 * Password reset requests (issue 8, finding 7): the request does the same work whether the
 * address has an account or not — one audit entry and one `identity.password_reset` job — so its
 * answer time says nothing. The job creates the single-use link and queues the mail, for a known,
 * enabled account only.
 */
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/tenant.js';
import { withTenant } from '../../platform/db/tenant.js';
import type { JobDefinition, JobQueue } from '../../platform/jobs/queue.js';
import { queueMail } from '../../platform/mail/outbox.js';
import { IDENTITY_MAILS } from './mail-templates.js';
import { createEmailToken, findAccountById } from './repo.js';
import { IDENTITY_SETTINGS as S } from './settings.js';

export const PASSWORD_RESET_JOB = 'identity.password_reset';

const payload = z.object({ communeId: z.uuid(), accountId: z.uuid().nullable() });

/** Enqueued inside the request's transaction, for a known account and an unknown address alike. */
export async function enqueuePasswordReset(tx: Tx, queue: JobQueue, accountId: string | null): Promise<void> {
  await queue.enqueue(tx, PASSWORD_RESET_JOB, { communeId: tx.communeId, accountId });
}

/**
 * The job. Its context is the runtime's, queue included (src/runtime.ts passes it): the mail
 * goes through the outbox like every other.
 */
export function passwordResetJob(ctx: AppContext): JobDefinition<typeof payload> {
  return {
    name: PASSWORD_RESET_JOB,
    schema: payload,
    retryLimit: 5,
    retryDelaySeconds: 5,
    async run({ communeId, accountId }) {
      if (!accountId) return; // an unknown address: nothing to send
      const { queue } = ctx;
      const commune = (await ctx.communes.all()).find((c) => c.id === communeId);
      if (!commune) return;
      await withTenant(ctx.database, commune.id, async (tx) => {
        const account = await findAccountById(tx, accountId);
        if (!account || account.disabledAt) return;
        const token = await createEmailToken(tx, 'reset_password', account.id, S.resetTokenMinutes);
        await queueMail(tx, queue, {
          to: account.email,
          template: IDENTITY_MAILS.passwordReset,
          variables: {
            communeName: commune.name,
            link: `${ctx.config.publicUrl}/c/${commune.slug}/mot-de-passe/nouveau?jeton=${token}`,
            validMinutes: S.resetTokenMinutes,
          },
        });
      });
    },
  };
}
