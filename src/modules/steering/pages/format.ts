/** How pilotage writes its values in French (narrow no-break spaces before units, as the kit does). */
import type { IndicatorDefinition } from '../../../platform/module.js';
import { formatNumber } from '../../../platform/views/format.js';

const NNBSP = '\u202f';

export function formatIndicator(value: number | null | undefined, unit: IndicatorDefinition['unit']): string {
  if (value === null || value === undefined) return '—';
  switch (unit) {
    case 'percent':
      return `${formatNumber(value, { maximumFractionDigits: 1 })}${NNBSP}%`;
    case 'days':
      return `${formatNumber(value, { maximumFractionDigits: 1 })}${NNBSP}j`;
    case 'hours':
      return `${formatNumber(value, { maximumFractionDigits: 1 })}${NNBSP}h`;
    case 'score':
      return `${formatNumber(value, { maximumFractionDigits: 1 })}${NNBSP}/${NNBSP}10`;
    case 'minutes':
      return `${formatNumber(value, { maximumFractionDigits: 0 })}${NNBSP}min`;
    case 'euros':
      return `${formatNumber(value, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}${NNBSP}€`;
    default:
      return formatNumber(value, { maximumFractionDigits: 0 });
  }
}

/** The value for a CSV cell: French decimal comma, no grouping, empty when there is none. */
export function csvNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(Math.round(value * 100) / 100).replace('.', ',');
}

export function formatEuros(value: number | null): string {
  if (value === null) return '—';
  return `${formatNumber(value, { maximumFractionDigits: 0 })}${NNBSP}€`;
}

export const UNIT_WORDS: Record<IndicatorDefinition['unit'], string> = {
  count: 'nombre',
  percent: '%',
  minutes: 'minutes',
  hours: 'heures',
  days: 'jours',
  score: 'note sur 10',
  euros: 'euros',
};
