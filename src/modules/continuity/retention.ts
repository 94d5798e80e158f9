/**
 * Which archives a retention policy keeps (grandfather-father-son): the newest archive of each of
 * the last `daily` days that have one, of each of the last `weekly` ISO weeks, of each of the last
 * `monthly` months (UTC calendar, the archives' names are UTC instants). The newest archive is
 * always kept. Pure: the caller deletes the others, in the backup directory only (never in the
 * offline copy).
 */
export interface Retention {
  daily: number;
  weekly: number;
  monthly: number;
}

function dayKey(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** ISO 8601 week: the year and week number of the Thursday of `at`'s week. */
function weekKey(at: Date): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
  d.setUTCDate(d.getUTCDate() - weekday + 3);
  // The week's Thursday decides its year; its week number is its day of the year divided by 7.
  const week = 1 + Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000 / 7);
  return `${d.getUTCFullYear()}-S${String(week).padStart(2, '0')}`;
}

function monthKey(at: Date): string {
  return at.toISOString().slice(0, 7);
}

export function archivesToKeep<T extends { name: string; at: Date }>(
  archives: readonly T[],
  retention: Retention,
): Set<string> {
  const newestFirst = [...archives].sort((a, b) => b.at.getTime() - a.at.getTime());
  const keep = new Set<string>();
  if (newestFirst[0]) keep.add(newestFirst[0].name);
  for (const [count, key] of [
    [retention.daily, dayKey],
    [retention.weekly, weekKey],
    [retention.monthly, monthKey],
  ] as const) {
    const seen = new Set<string>();
    for (const archive of newestFirst) {
      const k = key(archive.at);
      if (seen.has(k)) continue;
      if (seen.size >= count) break;
      seen.add(k);
      keep.add(archive.name);
    }
  }
  return keep;
}
