/**
 * A grouped bar chart drawn on the server as SVG (no client script, no dependency): one group of
 * bars per category, a y axis with round ticks. The SVG is an image with a title and description;
 * the page puts the same numbers in a data table next to it, which is the text alternative.
 */

export interface BarSeries {
  label: string;
  /** A colour of the GOV.UK palette, with enough contrast against white (WCAG 1.4.11). */
  colour: string;
  values: Array<number | null>;
}

/** Round ticks from 0 covering `max` (1, 2 or 5 × a power of ten), at most about five. */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = 0; t < max + step; t += step) ticks.push(Math.round(t * 1e9) / 1e9);
  return ticks;
}

export function BarChart({
  id,
  title,
  description,
  categories,
  series,
}: {
  id: string;
  title: string;
  description: string;
  categories: string[];
  series: BarSeries[];
}) {
  const width = 720;
  const height = 300;
  const margin = { top: 16, right: 8, bottom: 56, left: 48 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const ticks = niceTicks(max);
  const top = ticks[ticks.length - 1]!;
  const y = (v: number) => margin.top + plotH - (v / top) * plotH;
  const band = plotW / Math.max(1, categories.length);
  const barW = Math.max(2, (band * 0.8) / series.length);
  const everyLabel = Math.ceil(categories.length / 12);
  return (
    <figure class="guichet-chart govuk-!-margin-0 govuk-!-margin-bottom-4">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        style="max-width: 720px; height: auto;"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={margin.left} x2={width - margin.right} y1={y(t)} y2={y(t)} stroke="#b1b4b6" stroke-width="1" />
            <text x={margin.left - 6} y={y(t) + 4} text-anchor="end" font-size="12" fill="#0b0c0c">
              {t.toLocaleString('fr-FR')}
            </text>
          </g>
        ))}
        {categories.map((c, i) => (
          <g key={c}>
            {series.map((s, j) => {
              const v = s.values[i] ?? 0;
              return (
                <rect
                  key={s.label}
                  x={margin.left + i * band + band * 0.1 + j * barW}
                  y={y(v)}
                  width={barW}
                  height={margin.top + plotH - y(v)}
                  fill={s.colour}
                />
              );
            })}
            {i % everyLabel === 0 && (
              <text
                x={margin.left + i * band + band / 2}
                y={height - margin.bottom + 16}
                text-anchor="middle"
                font-size="12"
                fill="#0b0c0c"
              >
                {c}
              </text>
            )}
          </g>
        ))}
        {series.map((s, j) => (
          <g key={s.label}>
            <rect x={margin.left + j * 200} y={height - 22} width="14" height="14" fill={s.colour} />
            <text x={margin.left + j * 200 + 20} y={height - 10} font-size="13" fill="#0b0c0c">
              {s.label}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
