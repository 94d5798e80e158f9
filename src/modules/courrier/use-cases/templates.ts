/**
 * The commune's reply templates (decision 0054): its administrators edit the subject and body of a
 * built-in template (the commune's version replaces it in the drafting page; « revenir au modèle
 * d’origine » deletes that version) and add their own (label, subject, body). A template may only
 * name the merge fields the system fills (MERGE_FIELDS): any other `{{…}}` is refused, listed in
 * the message. Stored per commune (courrier_template, RLS); a template of another commune does not
 * exist (404). Each change is in the commune's journal.
 */
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { canAdministerTemplates } from '../policy.js';
import { deleteCommuneTemplate, listCommuneTemplates, saveCommuneTemplate } from '../repo.js';
import {
  type AvailableTemplate,
  communeTemplates,
  REPLY_TEMPLATES,
  TEMPLATE_KEYS,
  type TemplateKey,
  unknownFields,
} from '../templates.js';
import { auditCourrier, type Caller, parseInput } from './common.js';

export const LABEL_MAX = 100;
export const SUBJECT_MAX = 300;
export const BODY_MAX = 20_000;

export const TEMPLATE_NOT_FOUND = () =>
  new AppError('courrier.template_not_found', 'reply template not found', 404, {
    userMessage: 'Ce modèle de réponse n’existe pas.',
  });

const NOT_ADMIN = () =>
  new AppError('courrier.not_admin', 'not an administrator', 403, {
    userMessage: 'Seuls les administrateurs de la commune modifient les modèles de réponse.',
  });

function fieldsMessage(unknown: string[]): string {
  const list = unknown.map((f) => `{{${f}}}`).join(', ');
  return unknown.length === 1
    ? `Le champ de fusion ${list} n’existe pas : utilisez un des champs disponibles listés sous le formulaire.`
    : `Les champs de fusion ${list} n’existent pas : utilisez les champs disponibles listés sous le formulaire.`;
}

const text = (empty: string, max: number, tooLong: string, multiline: boolean) =>
  z
    .string({ error: empty })
    .transform((v) => (multiline ? v.replace(/\r\n?/g, '\n').trim() : v.replace(/\s+/g, ' ').trim()))
    .pipe(z.string().min(1, empty).max(max, tooLong))
    .superRefine((v, issue) => {
      const unknown = unknownFields(v);
      if (unknown.length) issue.addIssue({ code: 'custom', message: fieldsMessage(unknown) });
    });

const contentSchema = z.object({
  objet: text(
    'Saisissez l’objet de la lettre.',
    SUBJECT_MAX,
    `L’objet doit faire au plus ${SUBJECT_MAX} caractères.`,
    false,
  ),
  corps: text('Saisissez le texte de la lettre.', BODY_MAX, 'Le texte doit faire au plus 20 000 caractères.', true),
});

const ownSchema = contentSchema.extend({
  nom: z
    .string({ error: 'Saisissez le nom du modèle.' })
    .transform((v) => v.replace(/\s+/g, ' ').trim())
    .pipe(
      z
        .string()
        .min(1, 'Saisissez le nom du modèle.')
        .max(LABEL_MAX, `Le nom du modèle doit faire au plus ${LABEL_MAX} caractères.`),
    ),
});

/** The commune's templates, inside a transaction (the drafting page and the administration). */
export async function templatesOf(tx: Tx, communeId: string): Promise<AvailableTemplate[]> {
  return communeTemplates(await listCommuneTemplates(tx, communeId));
}

export function listTemplates(ctx: AppContext, caller: Caller): Promise<AvailableTemplate[]> {
  if (!canAdministerTemplates(caller.actor)) throw NOT_ADMIN();
  return withTenant(ctx.database, caller.communeId, (tx) => templatesOf(tx, caller.communeId));
}

function isBuiltin(key: string): key is TemplateKey {
  return (TEMPLATE_KEYS as string[]).includes(key);
}

/** One template of the commune, by its key (a built-in key or the id of the commune's own); 404 otherwise. */
export async function findTemplate(ctx: AppContext, caller: Caller, key: string): Promise<AvailableTemplate> {
  if (!canAdministerTemplates(caller.actor)) throw NOT_ADMIN();
  if (!isBuiltin(key) && !isUuid(key)) throw TEMPLATE_NOT_FOUND();
  const found = (await listTemplates(ctx, caller)).find((t) => t.key === key);
  if (!found) throw TEMPLATE_NOT_FOUND();
  return found;
}

/** Saves the commune's version of a built-in template (subject, body) or its own template (with its name). */
export async function saveTemplate(ctx: AppContext, caller: Caller, key: string, input: unknown): Promise<void> {
  if (!canAdministerTemplates(caller.actor)) throw NOT_ADMIN();
  if (!isBuiltin(key) && !isUuid(key)) throw TEMPLATE_NOT_FOUND();
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    const rows = await listCommuneTemplates(tx, caller.communeId);
    if (isBuiltin(key)) {
      const values = parseInput(contentSchema, input, 'courrier.invalid');
      const existing = rows.find((r) => r.builtinKey === key);
      await saveCommuneTemplate(tx, {
        id: existing?.id ?? uuidv7(),
        communeId: caller.communeId,
        builtinKey: key,
        label: REPLY_TEMPLATES[key].label,
        subject: values.objet,
        body: values.corps,
        updatedBy: caller.actor.accountId,
      });
      await auditCourrier(
        tx,
        caller,
        'courrier.template_saved',
        { type: 'courrier_template', id: existing?.id ?? null },
        { builtin: key },
      );
      return;
    }
    const existing = rows.find((r) => r.id === key && r.builtinKey === null);
    if (!existing) throw TEMPLATE_NOT_FOUND();
    const values = parseInput(ownSchema, input, 'courrier.invalid');
    await saveCommuneTemplate(tx, {
      ...existing,
      label: values.nom,
      subject: values.objet,
      body: values.corps,
      updatedBy: caller.actor.accountId,
    });
    await auditCourrier(
      tx,
      caller,
      'courrier.template_saved',
      { type: 'courrier_template', id: key },
      {
        label: values.nom,
      },
    );
  });
}

/** Adds a template of the commune's own; returns its key. */
export async function addTemplate(ctx: AppContext, caller: Caller, input: unknown): Promise<string> {
  if (!canAdministerTemplates(caller.actor)) throw NOT_ADMIN();
  const values = parseInput(ownSchema, input, 'courrier.invalid');
  const id = uuidv7();
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    await saveCommuneTemplate(tx, {
      id,
      communeId: caller.communeId,
      builtinKey: null,
      label: values.nom,
      subject: values.objet,
      body: values.corps,
      updatedBy: caller.actor.accountId,
    });
    await auditCourrier(
      tx,
      caller,
      'courrier.template_added',
      { type: 'courrier_template', id },
      { label: values.nom },
    );
  });
  return id;
}

/**
 * « Revenir au modèle d’origine » for a built-in template (the commune's version is deleted),
 * « Supprimer » for one of the commune's own. Replies already drafted keep their text.
 */
export async function removeTemplate(ctx: AppContext, caller: Caller, key: string): Promise<'retabli' | 'supprime'> {
  if (!canAdministerTemplates(caller.actor)) throw NOT_ADMIN();
  if (!isBuiltin(key) && !isUuid(key)) throw TEMPLATE_NOT_FOUND();
  return withTenant(ctx.database, caller.communeId, async (tx) => {
    const rows = await listCommuneTemplates(tx, caller.communeId);
    const row = isBuiltin(key) ? rows.find((r) => r.builtinKey === key) : rows.find((r) => r.id === key);
    if (!row) {
      if (isBuiltin(key)) return 'retabli'; // already the original
      throw TEMPLATE_NOT_FOUND();
    }
    await deleteCommuneTemplate(tx, caller.communeId, row.id);
    await auditCourrier(
      tx,
      caller,
      isBuiltin(key) ? 'courrier.template_reverted' : 'courrier.template_removed',
      { type: 'courrier_template', id: row.id },
      isBuiltin(key) ? { builtin: key } : { label: row.label },
    );
    return isBuiltin(key) ? 'retabli' : 'supprime';
  });
}
