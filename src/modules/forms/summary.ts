/**
 * Human-readable recap of the answers ("Vérifiez vos réponses", receipts, back office): visible
 * pages and fields only, French values ("Oui", "12 mars 2026", "attestation.pdf (120 Ko)").
 */
import { formatDate, formatNumber } from '../../platform/views/format.js';
import {
  type AddressAnswer,
  type Answers,
  type AnswerValue,
  type FileRef,
  fieldEntries,
  formatBytes,
  groupItems,
} from './answers.js';
import { effectiveAnswers, isFilled, visiblePages } from './conditions.js';
import type { Field, FormDefinition } from './definition.js';

export const NOT_ANSWERED = 'Non renseigné';

/** One line: "12 rue de la Paix, Bâtiment B, 75002 Paris". */
export function formatAddress(address: AddressAnswer): string {
  return [address.line1, address.line2, `${address.postcode} ${address.city}`.trim()]
    .filter((part) => typeof part === 'string' && part.trim() !== '')
    .join(', ');
}

/** "attestation.pdf (120 Ko)". */
export function formatFile(file: FileRef): string {
  return `${file.name} (${formatBytes(file.size)})`;
}

/** A stored answer in French for people; "Non renseigné" when empty. */
export function formatAnswer(field: Field, value: AnswerValue | undefined): string {
  if (!isFilled(value)) return NOT_ANSWERED;
  const filled = value as Exclude<AnswerValue, null>;
  switch (field.type) {
    case 'yesno':
      return filled === true ? 'Oui' : filled === false ? 'Non' : String(filled);
    case 'number':
      return typeof filled === 'number' ? formatNumber(filled, { maximumFractionDigits: 10 }) : String(filled);
    case 'date': {
      if (typeof filled === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(filled)) return formatDate(`${filled}T12:00:00Z`);
      return Array.isArray(filled) ? (filled as string[]).join('/') : String(filled);
    }
    case 'choice':
      return field.options?.find((option) => option.value === filled)?.label ?? String(filled);
    case 'multichoice': {
      const chosen = Array.isArray(filled) ? (filled as string[]) : [String(filled)];
      return chosen.map((item) => field.options?.find((option) => option.value === item)?.label ?? item).join(', ');
    }
    case 'address':
      return typeof filled === 'object' && !Array.isArray(filled)
        ? formatAddress(filled as AddressAnswer)
        : String(filled);
    case 'file':
      return Array.isArray(filled) ? (filled as FileRef[]).map(formatFile).join(', ') : String(filled);
    default:
      return String(filled);
  }
}

export interface SummaryRow {
  /** Input key: a field id, or `${groupId}-${index}` for an item of a repeatable group. */
  fieldId: string;
  label: string;
  /** May hold several lines separated by "\n" (long texts, items of a repeatable group). */
  value: string;
}

function capitalize(text: string): string {
  return text.charAt(0).toLocaleUpperCase('fr-FR') + text.slice(1);
}

/** Rows of the visible answerable fields of each visible page, in order. */
export function summarize(
  def: FormDefinition,
  answers: Answers,
): Array<{ pageId: string; pageTitle: string; rows: SummaryRow[] }> {
  const effective = effectiveAnswers(def, answers);
  const out: Array<{ pageId: string; pageTitle: string; rows: SummaryRow[] }> = [];
  for (const page of visiblePages(def, effective)) {
    const rows: SummaryRow[] = [];
    const entries = fieldEntries(page.fields, effective);
    for (const entry of entries) {
      if (entry.item !== undefined) continue;
      const { field } = entry;
      if (field.type !== 'group') {
        rows.push({ fieldId: entry.key, label: field.label, value: formatAnswer(field, entry.value) });
        continue;
      }
      const items = groupItems(field, entry.value).filter((_, index) =>
        entries.some((child) => child.item?.group === field && child.item.index === index),
      );
      const itemLabel = capitalize(field.repeat?.itemLabel ?? 'élément');
      if (items.length === 0) {
        rows.push({ fieldId: field.id, label: field.label, value: 'Aucun' });
        continue;
      }
      items.forEach((_, index) => {
        const lines = entries
          .filter((child) => child.item?.group === field && child.item.index === index)
          .map((child) => `${child.field.label}${'\u00a0'}: ${formatAnswer(child.field, child.value)}`);
        rows.push({ fieldId: `${field.id}-${index}`, label: `${itemLabel} ${index + 1}`, value: lines.join('\n') });
      });
    }
    if (rows.length > 0) out.push({ pageId: page.id, pageTitle: page.title, rows });
  }
  return out;
}
