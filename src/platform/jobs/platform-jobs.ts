/** Jobs of the platform itself: mail and SMS sending, rate-limit housekeeping, nightly audit check. */
import { z } from 'zod';
import { verifyAllCommunes } from '../audit/verify-all.js';
import type { AppContext } from '../context.js';
import { purgeExpiredRateLimits } from '../http/rate-limit-store.js';
import { mailSendJobs } from '../mail/outbox.js';
import { smsSendJob } from '../sms/outbox.js';
import type { JobDefinition } from './queue.js';

export function platformJobs(ctx: Omit<AppContext, 'queue'>): JobDefinition[] {
  const hostname = new URL(ctx.config.publicUrl).hostname;
  return [
    ...mailSendJobs(ctx.mailTransport, ctx.config.mailFrom, hostname),
    smsSendJob(ctx.smsProvider),
    {
      name: 'platform.rate_limit.purge',
      schema: z.object({}),
      schedule: { cron: '*/15 * * * *', data: {} },
      retryLimit: 1,
      async run(_data, { database, logger }) {
        const purged = await purgeExpiredRateLimits(database.pool);
        logger.debug({ purged }, 'compteurs de limitation purgés');
      },
    },
    {
      name: 'audit.verify',
      schema: z.object({}),
      schedule: { cron: '17 3 * * *', data: {} },
      retryLimit: 1,
      async run(_data, { database, logger }) {
        for (const result of await verifyAllCommunes(database)) {
          if (result.firstBreak) {
            logger.error({ commune: result.slug, break: result.firstBreak }, 'journal d’audit altéré');
          } else {
            logger.info({ commune: result.slug, entries: result.entries }, 'journal d’audit intègre');
          }
        }
      },
    },
  ];
}
