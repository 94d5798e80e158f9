/**
 * The continuity figures (contributed to pilotage and the cyber-hygiene panel): how long ago the
 * last successful backup, drill and offline copy were, and how long the last successful drill took
 * (the measured RTO). Instance-wide facts, the same for every commune of the instance; Infinity
 * when it never happened. Warnings past the thresholds below (docs/operations/restore.md).
 */
import type { Tx } from '../../platform/db/tenant.js';
import type { FigureDefinition } from '../../platform/module.js';
import { formatNumber } from '../../platform/views/format.js';
import { latestRun } from './repo.js';
import type { RunKind } from './schema.js';

/** A nightly backup: late after 26 hours. A drill and an offline copy: weekly, late after 8 days. */
export const THRESHOLDS = { backupHours: 26, drillHours: 8 * 24, offlineCopyHours: 8 * 24, drillSeconds: 4 * 3600 };

async function hoursSince(tx: Tx, kind: RunKind, now = Date.now()): Promise<number> {
  const run = await latestRun(tx, kind, 'reussi');
  if (!run) return Number.POSITIVE_INFINITY;
  return Math.max(0, Math.floor((now - run.finishedAt.getTime()) / 3_600_000));
}

export function formatAge(hours: number): string {
  if (!Number.isFinite(hours)) return 'jamais';
  if (hours < 1) return 'il y a moins d’une heure';
  if (hours < 48) return `il y a ${formatNumber(hours)} h`;
  return `il y a ${formatNumber(Math.floor(hours / 24))} jours`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'aucun exercice réussi';
  if (seconds < 120) return `${formatNumber(seconds)} s`;
  return `${formatNumber(Math.round(seconds / 60))} min`;
}

export const CONTINUITY_FIGURES: readonly FigureDefinition[] = [
  {
    key: 'continuity.backup_age',
    label: 'Dernière sauvegarde',
    unit: 'hours',
    panel: 'cyber',
    warnAbove: THRESHOLDS.backupHours,
    format: formatAge,
    compute: (tx) => hoursSince(tx, 'sauvegarde'),
  },
  {
    key: 'continuity.drill_age',
    label: 'Dernier exercice de restauration réussi',
    unit: 'hours',
    panel: 'cyber',
    warnAbove: THRESHOLDS.drillHours,
    format: formatAge,
    compute: (tx) => hoursSince(tx, 'exercice'),
  },
  {
    key: 'continuity.drill_duration',
    label: 'Durée de restauration mesurée (RTO)',
    unit: 'seconds',
    panel: 'cyber',
    warnAbove: THRESHOLDS.drillSeconds,
    format: formatDuration,
    async compute(tx) {
      const run = await latestRun(tx, 'exercice', 'reussi');
      return run ? Math.ceil(run.durationMs / 1000) : Number.POSITIVE_INFINITY;
    },
  },
  {
    key: 'continuity.offline_copy_age',
    label: 'Dernière copie hors ligne',
    unit: 'hours',
    panel: 'cyber',
    warnAbove: THRESHOLDS.offlineCopyHours,
    format: formatAge,
    compute: (tx) => hoursSince(tx, 'copie_hors_ligne'),
  },
];
