/**
 * The triage read model of the inbox: what an agent needs to sort requests at a glance, beyond
 * the démarche's title — the problem in a few words (the first choice answered, then the start
 * of the first free text), the place (the first address answered, e.g. of a road report) and the
 * number of photos. Read from the answers and the form version each request was made with.
 */
import type { Tx } from '../../../platform/db/tenant.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { formatNumber } from '../../../platform/views/format.js';
import { type AddressAnswer, allFields, type FileRef, type FormDefinition, formatAddress } from '../../forms/index.js';
import { findFormVersion } from '../../procedures/index.js';

export interface TriageFacts {
  /** « Éclairage public en panne — Le lampadaire devant l’école clignote… », or null. */
  summary: string | null;
  /** « 12 rue des Tilleuls, 99100 Villebelle », or null. */
  address: string | null;
  /** Image files the citizen sent (photos of a report). */
  photos: number;
}

/** Longest excerpt of a free text in the summary (then cut on a word, with « … »). */
export const EXCERPT_LENGTH = 120;

/** The start of a text on one line, cut on a word boundary past `max` characters. */
export function excerpt(text: string, max = EXCERPT_LENGTH): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max + 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : flat.slice(0, max)).replace(/[\s,;:.–—-]+$/, '')}…`;
}

function isAddress(value: unknown): value is AddressAnswer {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const a = value as Record<string, unknown>;
  return typeof a.line1 === 'string' || typeof a.postcode === 'string' || typeof a.city === 'string';
}

/**
 * Summary and address of one request. With a démarche: fields in the form's order (top-level
 * fields only: a repeatable group's items are not « the » problem). Without (a free message):
 * the start of the message, unless it is the subject itself.
 */
export function triageOf(
  definition: FormDefinition | null,
  subject: string,
  answers: Record<string, unknown>,
): Omit<TriageFacts, 'photos'> {
  if (!definition) {
    const message = typeof answers.message === 'string' ? excerpt(answers.message) : '';
    return { summary: message && message !== subject ? message : null, address: null };
  }
  let choice: string | null = null;
  let text: string | null = null;
  let address: string | null = null;
  for (const { field, group } of allFields(definition)) {
    if (group) continue;
    const value = answers[field.id];
    if (choice === null && field.type === 'choice' && typeof value === 'string') {
      choice = field.options?.find((o) => o.value === value)?.label ?? null;
    } else if (text === null && field.type === 'textarea' && typeof value === 'string' && value.trim()) {
      text = excerpt(value);
    } else if (address === null && field.type === 'address' && isAddress(value)) {
      address = formatAddress(value) || null;
    }
  }
  const parts = [choice, text].filter((p): p is string => !!p);
  return { summary: parts.length > 0 ? parts.join(' — ') : null, address };
}

/** Image types a browser shows as they are (HEIC is not one: it stays a download). */
export const PREVIEWABLE_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/webp']);

/** The ids of the images the citizen answered in the file fields of the form (the photos of a report). */
export function photoIds(definition: FormDefinition | null, answers: Record<string, unknown>): string[] {
  if (!definition) return [];
  const ids: string[] = [];
  for (const { field, group } of allFields(definition)) {
    const value = group ? undefined : answers[field.id];
    if (field.type !== 'file' || !Array.isArray(value)) continue;
    for (const ref of value) {
      const file = ref as Partial<FileRef> | null;
      if (file && typeof file.id === 'string' && typeof file.type === 'string' && PREVIEWABLE_TYPES.has(file.type)) {
        ids.push(file.id);
      }
    }
  }
  return ids;
}

/** Triage facts of some requests of the commune (ids the caller already may see), by id. */
export async function triageFacts(tx: Tx, communeId: string, ids: string[]): Promise<Map<string, TriageFacts>> {
  const out = new Map<string, TriageFacts>();
  if (ids.length === 0) return out;
  const { rows } = await tx.client.query<{
    id: string;
    subject: string;
    procedure_id: string | null;
    form_version: number | null;
    answers: Record<string, unknown> | null;
  }>(
    `SELECT r.id, r.subject, r.procedure_id, r.form_version, r.answers
       FROM citizen_request r
      WHERE r.commune_id = $1 AND r.id = ANY($2::uuid[])`,
    [communeId, ids],
  );
  const definitions = new Map<string, FormDefinition | null>();
  for (const row of rows) {
    let definition: FormDefinition | null = null;
    if (row.procedure_id && row.form_version) {
      const key = `${row.procedure_id}/${row.form_version}`;
      if (!definitions.has(key)) {
        const version = await findFormVersion(tx, communeId, row.procedure_id, row.form_version);
        definitions.set(key, (version?.definition as FormDefinition | undefined) ?? null);
      }
      definition = definitions.get(key) ?? null;
    }
    const answers = row.answers ?? {};
    out.set(row.id, { ...triageOf(definition, row.subject, answers), photos: photoIds(definition, answers).length });
  }
  return out;
}

/** Whole calendar days (Europe/Paris) from `from` to `to`. */
function calendarDaysBetween(from: Date, to: Date): number {
  const day = (d: Date) => Date.parse(`${parisDateOf(d)}T00:00:00Z`);
  return Math.round((day(to) - day(from)) / 86_400_000);
}

/** How long a request has waited, in calendar days in Paris: « aujourd’hui », « hier », « 3 jours ». */
export function ageText(submittedAt: Date, now: Date = new Date()): string {
  const days = calendarDaysBetween(submittedAt, now);
  if (days <= 0) return 'aujourd’hui';
  if (days === 1) return 'hier';
  return `${formatNumber(days)} jours`;
}
