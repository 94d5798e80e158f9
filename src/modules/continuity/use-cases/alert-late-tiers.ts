/**
 * The operator's e-mail when a tier is late (issue 13 item 6, decision 0049): every hour, each
 * tier whose last success is older than its threshold (figures.ts: backup 26 h, drill and offline
 * copy 8 days; the offline copy only when GUICHET_OFFLINE_COPY_DIR is set) gets ONE mail to each
 * operator of the instance a day (Europe/Paris) — which tier, since when, the command to run.
 * The day's row in `continuity_alert` and the mails commit together: a retried or concurrent run
 * sends nothing twice.
 *
 * Only once continuity is configured (continuityConfigured). The outbox belongs to a commune (RLS, sender): an instance's mail is queued in its oldest
 * commune, with the platform's footer instead of the commune's.
 */
import { z } from 'zod';
import type { Config } from '../../../config/config.js';
import type { Database } from '../../../platform/db/client.js';
import { withInstance, withTenant } from '../../../platform/db/tenant.js';
import type { JobDefinition, JobQueue } from '../../../platform/jobs/queue.js';
import { queueMail } from '../../../platform/mail/outbox.js';
import { listCommunes } from '../../../platform/tenancy/communes.js';
import { formatNumber } from '../../../platform/views/format.js';
import { listOperatorContacts } from '../../identity/index.js';
import { THRESHOLDS } from '../figures.js';
import { CONTINUITY_MAILS } from '../mail-templates.js';
import { latestRun } from '../repo.js';
import type { AlertTier } from '../schema.js';

export const LATE_TIERS_JOB = 'continuity.late_tiers';

export interface AlertDeps {
  database: Database;
  queue: JobQueue;
  config: Pick<Config, 'continuity' | 'publicUrl'>;
}

const TIERS: Record<AlertTier, { label: string; maxHours: number; server: string; embedded: string }> = {
  sauvegarde: {
    label: 'la sauvegarde',
    maxHours: THRESHOLDS.backupHours,
    server: 'guichet backup --type full',
    embedded: 'guichet backup',
  },
  exercice: {
    label: 'l’exercice de restauration',
    maxHours: THRESHOLDS.drillHours,
    server: 'guichet drill --identity <clé privée>',
    embedded: 'guichet drill --identity <clé privée>',
  },
  copie_hors_ligne: {
    label: 'la copie hors ligne',
    maxHours: THRESHOLDS.offlineCopyHours,
    server: 'guichet backup offline',
    embedded: 'guichet backup offline',
  },
};

/** The calendar day in Paris (YYYY-MM-DD): one mail per tier and day. */
export function parisDay(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(at);
}

function parisDateTime(at: Date): string {
  return new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' }).format(
    at,
  );
}

function lateness(last: Date | null, maxHours: number, now: Date): string {
  if (!last) return `Aucune réussite n’a jamais été enregistrée ; le seuil est de ${formatNumber(maxHours)} h.`;
  const hours = Math.floor((now.getTime() - last.getTime()) / 3_600_000);
  const since = hours < 48 ? `${formatNumber(hours)} h` : `${formatNumber(Math.floor(hours / 24))} jours`;
  return `La dernière réussite date du ${parisDateTime(last)} (il y a ${since}) ; le seuil est de ${formatNumber(maxHours)} h.`;
}

export interface AlertOutcome {
  late: AlertTier[];
  /** The tiers mailed by this run (not those already mailed today). */
  mailed: AlertTier[];
  mails: number;
}

/**
 * Continuity is set up when backups can be written: public keys (embedded archives, sealed exports)
 * or pgBackRest. An instance without either (a developer's, the demo) is not mailed about it every
 * day; its cyber-hygiene panel still shows « jamais ».
 */
export function continuityConfigured(config: Pick<Config, 'continuity'>): boolean {
  return config.continuity.recipients.length > 0 || config.continuity.pgbackrest !== undefined;
}

export async function alertLateTiers(deps: AlertDeps, now: Date = new Date()): Promise<AlertOutcome> {
  if (!continuityConfigured(deps.config)) return { late: [], mailed: [], mails: 0 };
  const tiers = (Object.keys(TIERS) as AlertTier[]).filter(
    (t) => t !== 'copie_hors_ligne' || deps.config.continuity.offlineCopyDir !== undefined,
  );
  const { last, communes } = await withInstance(deps.database, async (tx) => {
    const last = new Map<AlertTier, Date | null>();
    for (const tier of tiers) last.set(tier, (await latestRun(tx, tier, 'reussi'))?.finishedAt ?? null);
    return { last, communes: await listCommunes(tx) };
  });
  const late = tiers.filter((t) => {
    const at = last.get(t);
    return !at || now.getTime() - at.getTime() > TIERS[t].maxHours * 3_600_000;
  });
  const outcome: AlertOutcome = { late, mailed: [], mails: 0 };
  const home = [...communes].sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.slug.localeCompare(b.slug),
  )[0];
  if (late.length === 0 || !home) return outcome;
  const day = parisDay(now);
  const command = deps.database.engine === 'postgres' ? 'server' : 'embedded';
  await withTenant(deps.database, home.id, async (tx) => {
    const operators = await listOperatorContacts(tx);
    if (operators.length === 0) {
      deps.queue.logger.warn({ late }, 'continuité : niveau en retard, mais aucun compte opérateur à prévenir');
      return;
    }
    for (const tier of late) {
      const claimed = await tx.client.query(
        `INSERT INTO continuity_alert (tier, day, last_success_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [tier, day, last.get(tier) ?? null],
      );
      if (claimed.rowCount !== 1) continue;
      const t = TIERS[tier];
      for (const operator of operators) {
        const id = await queueMail(tx, deps.queue, {
          to: operator.email,
          template: CONTINUITY_MAILS.lateTier,
          variables: {
            communeName: home.name,
            instance: deps.config.publicUrl,
            subject: `Continuité en retard : ${t.label}`,
            paragraphs: [
              `Bonjour${operator.givenName ? ` ${operator.givenName}` : ''},`,
              `Sur l’instance Guichet ${deps.config.publicUrl}, ${t.label} est en retard. ${lateness(last.get(tier) ?? null, t.maxHours, now)}`,
              `Commande à lancer sur le serveur : ${t[command]}`,
              'Le tableau Cyber-hygiène de chaque commune le montre aussi. Vous recevez ce courriel au plus une fois par jour pour ce niveau, tant que le retard dure (docs/operations/restore.md).',
            ],
          },
        });
        if (id) outcome.mails += 1;
      }
      outcome.mailed.push(tier);
    }
  });
  return outcome;
}

export function lateTiersJob(deps: () => AlertDeps): JobDefinition {
  return {
    name: LATE_TIERS_JOB,
    schema: z.object({}),
    // Every hour at :40 (after the nightly backup of 02:30 has had time to finish).
    schedule: { cron: '40 * * * *', data: {} },
    retryLimit: 1,
    async run(_data, { logger }) {
      const outcome = await alertLateTiers(deps());
      if (outcome.late.length > 0) logger.warn(outcome, 'continuité : niveau(x) en retard');
    },
  };
}
