/**
 * Conditional display of pages and fields. Conditions only refer to earlier fields (checked by
 * `parseFormDefinition`), so one pass in document order decides what is visible; a field hidden
 * by a condition counts as unanswered for the conditions after it (hiding cascades).
 */
import type { AddressAnswer, Answers, AnswerValue } from './answers.js';
import type { Condition, Field, FormDefinition, FormPage } from './definition.js';
import { isAnswerable } from './definition.js';

/** Whether an answer holds something (an empty string, list or address does not). */
export function isFilled(value: AnswerValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (typeof value === 'boolean' || typeof value === 'number') return true;
  if (Array.isArray(value)) {
    // A raw date kept as its three parts is filled when any part is.
    return value.length > 0 && value.some((item) => (typeof item === 'string' ? item.trim() !== '' : true));
  }
  const address = value as Partial<AddressAnswer>;
  return [address.line1, address.line2, address.postcode, address.city].some(
    (part) => typeof part === 'string' && part.trim() !== '',
  );
}

function matches(value: AnswerValue | undefined, expected: string | boolean): boolean {
  if (typeof expected === 'boolean') return value === expected;
  if (Array.isArray(value)) return value.some((item) => item === expected);
  if (typeof value === 'number') return String(value) === expected;
  return value === expected;
}

/** Evaluates a condition against answers; no condition means visible. */
export function isVisible(condition: Condition | undefined, answers: Answers): boolean {
  if (condition === undefined) return true;
  if ('all' in condition) return condition.all.every((part) => isVisible(part, answers));
  if ('any' in condition) return condition.any.some((part) => isVisible(part, answers));
  const value = Object.hasOwn(answers, condition.field) ? answers[condition.field] : undefined;
  if ('filled' in condition) return isFilled(value) === condition.filled;
  if ('in' in condition) return condition.in.some((expected) => matches(value, expected));
  return condition.equals === undefined ? isFilled(value) : matches(value, condition.equals);
}

/** Answers of one repeatable-group item as its children see them (their siblings over the form). */
export function itemScope(answers: Answers, item: Answers): Answers {
  return { ...answers, ...item };
}

function pruneItem(group: Field, item: unknown, answers: Answers): Answers {
  const source = typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as Answers) : {};
  const out: Answers = {};
  for (const child of group.fields ?? []) {
    if (!isAnswerable(child)) continue;
    if (!isVisible(child.condition, itemScope(answers, out))) continue;
    if (Object.hasOwn(source, child.id)) out[child.id] = source[child.id] as AnswerValue;
  }
  return out;
}

/**
 * Adds the answers of the visible fields among `fields` to `out`, in order, and returns the
 * visible fields (top level of the list; children of plain groups are handled inside).
 */
function collectVisible(fields: Field[], answers: Answers, out: Answers): Field[] {
  const visible: Field[] = [];
  for (const field of fields) {
    if (!isVisible(field.condition, out)) continue;
    visible.push(field);
    if (field.type === 'group') {
      if (field.repeat !== undefined) {
        const items = answers[field.id];
        if (Array.isArray(items)) out[field.id] = items.map((item) => pruneItem(field, item, out));
      } else {
        collectVisible(field.fields ?? [], answers, out);
      }
    } else if (isAnswerable(field) && Object.hasOwn(answers, field.id)) {
      out[field.id] = answers[field.id] as AnswerValue;
    }
  }
  return visible;
}

interface Walk {
  pages: Array<{ page: FormPage; fields: Field[] }>;
  answers: Answers;
}

function walk(def: FormDefinition, answers: Answers): Walk {
  const out: Answers = {};
  const pages: Walk['pages'] = [];
  for (const page of def.pages) {
    if (!isVisible(page.condition, out)) continue;
    const fields = collectVisible(page.fields, answers, out);
    if (fields.length > 0) pages.push({ page, fields });
  }
  return { pages, answers: out };
}

/** Pages to show, in order: their condition holds and at least one of their fields is visible. */
export function visiblePages(def: FormDefinition, answers: Answers): FormPage[] {
  return walk(def, answers).pages.map((entry) => entry.page);
}

/**
 * The answers that count: those of visible fields only (hidden fields, hidden pages and fields
 * unknown to the definition are dropped; hidden children of repeatable-group items too).
 */
export function effectiveAnswers(def: FormDefinition, answers: Answers): Answers {
  return walk(def, answers).answers;
}

/**
 * Visible fields of a page (top level; children of plain groups are evaluated when rendered).
 * Pass effective answers, or raw answers when the page is being re-read.
 */
export function visibleFields(fields: Field[], answers: Answers): Field[] {
  return fields.filter((field) => isVisible(field.condition, answers));
}

/** "Étape 2 sur 5" numbers of a page among the visible pages (the page itself counts when hidden). */
export function stepOf(def: FormDefinition, pageId: string, answers: Answers): { current: number; total: number } {
  const pages = visiblePages(def, answers);
  const index = pages.findIndex((page) => page.id === pageId);
  if (index >= 0) return { current: index + 1, total: pages.length };
  // A hidden page shown anyway: count it where it stands in the definition.
  const position = def.pages.findIndex((page) => page.id === pageId);
  const before = pages.filter((page) => def.pages.indexOf(page) < position).length;
  return { current: before + 1, total: pages.length + 1 };
}

/** The visible page after `pageId`, or null when it is the last one (next: the summary). */
export function nextPageId(def: FormDefinition, pageId: string, answers: Answers): string | null {
  const position = def.pages.findIndex((page) => page.id === pageId);
  const next = visiblePages(def, answers).find((page) => def.pages.indexOf(page) > position);
  return next?.id ?? null;
}

/** The visible page before `pageId`, or null on the first one. */
export function previousPageId(def: FormDefinition, pageId: string, answers: Answers): string | null {
  const position = def.pages.findIndex((page) => page.id === pageId);
  const before = visiblePages(def, answers).filter((page) => def.pages.indexOf(page) < position);
  return before[before.length - 1]?.id ?? null;
}
