/** Plain-text tables and ratio formatting for benchmark reports. */

export type Align = 'left' | 'right';

/** Renders rows under headers; columns are padded to their widest cell. */
export function renderTable(headers: string[], rows: string[][], align: Align[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => ((align[i] ?? 'left') === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * "0.31× baseline" (value / baseline; two significant digits below 0.1, e.g. "0.0049× baseline"),
 * or "n/a" when either is missing or the baseline is zero.
 */
export function formatRatio(value: number | undefined, baseline: number | undefined, label = 'baseline'): string {
  const ratio = ratioTo(value, baseline);
  if (ratio === undefined) return 'n/a';
  return `${formatRatioValue(ratio)}× ${label}`;
}

function formatRatioValue(ratio: number): string {
  return ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2);
}

/** "0.35–0.93": a range of ratios. */
export function formatRange([low, high]: [number, number]): string {
  return `${formatRatioValue(low)}–${formatRatioValue(high)}`;
}

export function ratioTo(value: number | undefined, baseline: number | undefined): number | undefined {
  if (value === undefined || baseline === undefined || baseline === 0) return undefined;
  return value / baseline;
}

/** Fixed decimals, and no decimals from 1000 up. */
export function formatNumber(value: number, decimals = 1): string {
  return Math.abs(value) >= 1000 ? Math.round(value).toString() : value.toFixed(decimals);
}
