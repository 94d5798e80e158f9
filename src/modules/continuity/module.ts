/**
 * Continuity (issue 13, decision 0031): encrypted backups, their verification, restores into an
 * empty target, rehearsed restores (drills) whose duration is recorded, the offline copy, and the
 * nightly job running them with the retention policy, the per-commune export and import, and the
 * operators' mail when a tier is late. Commands in cli.ts; the machinery (PGlite
 * snapshot, age, archive, inventory, pgBackRest) in src/platform/db/backup/.
 */
import { z } from 'zod';
import type { GuichetModule } from '../../platform/module.js';
import './audit.js';
import { CONTINUITY_FIGURES } from './figures.js';
import { CONTINUITY_MAILS } from './mail-templates.js';
import { lateTiersJob } from './use-cases/alert-late-tiers.js';
import { scheduledBackup } from './use-cases/scheduled-backup.js';

export const SCHEDULED_BACKUP_JOB = 'continuity.scheduled_backup';

export const continuityModule: GuichetModule = {
  name: 'continuity',
  figures: CONTINUITY_FIGURES,
  mailTemplates: Object.values(CONTINUITY_MAILS),
  jobs: (ctx) => [
    {
      name: SCHEDULED_BACKUP_JOB,
      schema: z.object({}),
      // Every night at 02:30 (Europe/Paris), away from the nightly audit verification (03:17).
      schedule: { cron: '30 2 * * *', data: {} },
      retryLimit: 2,
      retryDelaySeconds: 600,
      expireInSeconds: 3 * 3600,
      async run() {
        const outcome = await scheduledBackup({ database: ctx.database, config: ctx.config });
        ctx.logger.info({ steps: outcome.steps, removed: outcome.removed }, 'continuité : tâche nocturne terminée');
      },
    },
    // The operators' mail when a tier is late, at most once a day per tier.
    lateTiersJob(() => ({ database: ctx.database, queue: ctx.queue, config: ctx.config })),
  ],
};
