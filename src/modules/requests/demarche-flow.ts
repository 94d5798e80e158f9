/**
 * What the pages and use cases of a démarche's flow share: the démarche as the citizen sees it
 * (its published form, or the version a draft was started on), the answers prefilled from the
 * account ("dites-le-nous une fois"), file references held by answers, and who files the request.
 * No HTTP here: the cookie owner and the audience check are in `pages/demarche-kit.tsx`.
 */
import type { Actor } from '../../platform/authz/actor.js';
import type { Tx } from '../../platform/db/tenant.js';
import { notFound } from '../../platform/errors.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import {
  type Answers,
  effectiveAnswers,
  type Field,
  type FileRef,
  type FormDefinition,
  type FormPage,
  fieldEntries,
  parseFormDefinition,
  prefillAnswers,
  summarize,
} from '../forms/index.js';
import { accountContact } from '../identity/index.js';
import type { Procedure } from '../procedures/index.js';
import { findFormVersion, findProcedureBySlug } from '../procedures/index.js';
import { profilePrefill } from '../profile/index.js';
import type { SummaryRow } from './deps.js';
import { type Draft, type DraftOwner, findDraft } from './repo.js';

/** How long an anonymous visitor's draft is kept on their device (the cookie's life). */
export const DRAFT_COOKIE_DAYS = 30;

/** The démarche as the citizen sees it: procedure, its form definition and version. */
export interface LoadedProcedure {
  procedure: Procedure;
  definition: FormDefinition;
  version: number;
}

async function loadDefinition(tx: Tx, proc: Procedure, version: number): Promise<FormDefinition> {
  const row = await findFormVersion(tx, proc.communeId, proc.id, version);
  if (!row) throw new Error(`procedure ${proc.slug} has no form version ${version}`);
  const parsed = parseFormDefinition(row.definition);
  if (!parsed.ok) throw new Error(`stored form of ${proc.slug} v${version} is invalid: ${parsed.errors.join('; ')}`);
  return parsed.definition;
}

/** A published démarche by its slug, at its current version (404 otherwise). */
export async function loadProcedure(tx: Tx, commune: Commune, slug: string): Promise<LoadedProcedure> {
  const proc = await findProcedureBySlug(tx, commune.id, slug);
  if (!proc?.isPublished) throw notFound('procedure.not_found', `no procedure ${slug}`);
  return {
    procedure: proc,
    definition: await loadDefinition(tx, proc, proc.currentVersion),
    version: proc.currentVersion,
  };
}

/**
 * The démarche and the owner's draft, if any. A draft started on an earlier version of the form
 * goes on with that version: a published change never breaks a citizen's answers half-way.
 */
export async function loadFlow(
  tx: Tx,
  commune: Commune,
  owner: DraftOwner | null,
  slug: string,
): Promise<{ loaded: LoadedProcedure; draft: Draft | undefined }> {
  const bySlug = await loadProcedure(tx, commune, slug);
  const draft = owner ? await findDraft(tx, commune.id, bySlug.procedure.id, owner) : undefined;
  const loaded =
    draft && draft.formVersion !== bySlug.version
      ? {
          ...bySlug,
          definition: await loadDefinition(tx, bySlug.procedure, draft.formVersion),
          version: draft.formVersion,
        }
      : bySlug;
  return { loaded, draft };
}

/**
 * Answers prefilled from the signed-in citizen's account and profile (names, e-mail, birth date,
 * phone, postal address: "dites-le-nous une fois"). Only fields never answered are filled: a
 * field the citizen emptied keeps its empty answer (its key is there), while the fields of a page
 * that was hidden when the draft was saved (dropped from the answers) get their prefill when the
 * page appears.
 */
export async function prefilled(
  tx: Tx,
  accountId: string | null,
  def: FormDefinition,
  base: Answers = {},
): Promise<Answers> {
  if (!accountId) return base;
  const account = await accountContact(tx, accountId);
  if (!account) return base;
  const profile = prefillAnswers(
    def,
    {
      givenName: account.givenName,
      familyName: account.familyName,
      email: account.email,
      ...(account.birthDate ? { birthDate: account.birthDate } : {}),
      ...(await profilePrefill(tx, account.id)),
    },
    {},
  );
  const out: Answers = { ...base };
  for (const [key, value] of Object.entries(profile)) if (!(key in out)) out[key] = value;
  return out;
}

/** The file field an input key designates on a page (`id`, or `${group}-${i}-${child}`). */
export function fileFieldForKey(page: FormPage, key: string): Field | undefined {
  const walk = (fields: Field[]): Field | undefined => {
    for (const field of fields) {
      if (field.type === 'file' && field.id === key) return field;
      if (field.type === 'group' && field.repeat === undefined) {
        const found = walk(field.fields ?? []);
        if (found) return found;
      }
      if (field.type === 'group' && field.repeat !== undefined) {
        for (const child of field.fields ?? []) {
          if (child.type === 'file' && new RegExp(`^${field.id}-\\d{1,3}-${child.id}$`).test(key)) return child;
        }
      }
    }
    return undefined;
  };
  return walk(page.fields);
}

/** Every file reference held by answers (groups included). */
export function fileRefsIn(value: unknown): FileRef[] {
  if (Array.isArray(value)) return value.flatMap(fileRefsIn);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  if (typeof record.id === 'string' && typeof record.name === 'string' && typeof record.size === 'number') {
    return [record as unknown as FileRef];
  }
  return Object.values(record).flatMap(fileRefsIn);
}

/** The value at an input key: `id`, or `${group}-${index}-${child}` inside a repeatable group. */
export function readKey(answers: Answers, key: string): unknown {
  if (key in answers) return answers[key];
  const match = /^([A-Za-z][A-Za-z0-9_]*)-(\d{1,3})-([A-Za-z][A-Za-z0-9_]*)$/.exec(key);
  if (!match) return undefined;
  const items = answers[match[1]!];
  return Array.isArray(items)
    ? (items[Number(match[2])] as Record<string, unknown> | undefined)?.[match[3]!]
    : undefined;
}

/** Flattens the engine's summary into question → answer rows (receipt, mails, history). */
export function summaryRows(def: FormDefinition, answers: Answers): SummaryRow[] {
  return summarize(def, answers).flatMap((section) =>
    section.rows.map((row) => ({ label: row.label, value: row.value })),
  );
}

/** The requester's name and e-mail: from the form's prefillable fields, else the account. */
export function requesterOf(
  def: FormDefinition,
  answers: Answers,
  account: Pick<Actor, 'email' | 'displayName'> | null,
): { name: string; email: string } {
  const effective = effectiveAnswers(def, answers);
  const byPrefill = (key: string) => {
    for (const page of def.pages) {
      for (const entry of fieldEntries(page.fields, effective)) {
        if (entry.field.prefill === key && typeof entry.value === 'string' && entry.value.trim())
          return entry.value.trim();
      }
    }
    return '';
  };
  let email = byPrefill('email');
  if (!email) {
    for (const page of def.pages) {
      for (const entry of fieldEntries(page.fields, effective)) {
        if (!email && entry.field.type === 'email' && typeof entry.value === 'string') email = entry.value.trim();
      }
    }
  }
  email = email || account?.email || '';
  const given = byPrefill('givenName');
  const family = byPrefill('familyName');
  // A form that asks only for the family name: the signed-in account's full name is better.
  const fromAccount =
    !given && family && account?.displayName.toLowerCase().endsWith(family.toLowerCase()) ? account.displayName : '';
  const name = fromAccount || [given, family].filter(Boolean).join(' ') || account?.displayName || '';
  // A street report may stay anonymous: the request is filed without contact details.
  return { name: name || email || 'Usager sans compte', email: email.toLowerCase() };
}
