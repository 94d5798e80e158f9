/**
 * Use cases of the visual form editor. Every edit (an operation of forms/editing.ts, or a whole
 * definition pasted in the JSON mode) changes the démarche's working copy, created from the
 * current form version at the first change and deleted when it comes back to it. "Enregistrer une
 * nouvelle version" checks the copy with `parseFormDefinition` and the routing rules, makes it
 * the next form version through `saveFormVersion` (the démarches editor's versioning), deletes
 * it and writes the audit entry; "Abandonner les modifications" deletes it. Each use case runs in
 * one tenant transaction holding the démarche's row lock, so that edits of two administrators
 * apply one after the other to the same copy.
 */
import { and, eq } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/authz/actor.js';
import type { AppContext } from '../../platform/context.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import type { Commune, Service } from '../../platform/tenancy/communes.js';
import {
  type DefinitionProblem,
  definitionFingerprint,
  definitionProblems,
  EditRefusal,
  type FormDefinition,
  parseFormDefinition,
  type RuleReference,
  ruleProblems,
} from '../forms/index.js';
import {
  auditProcedure,
  EXPORT_FORMAT,
  IMPORT_MAX_BYTES,
  type LoadedProcedure,
  loadProcedure,
  lockProcedure,
  saveFormVersion,
} from './manage.js';
import type { Procedure } from './schema.js';
import { formWorkingCopy } from './schema.js';

export interface EditorState {
  loaded: LoadedProcedure;
  procedure: Procedure;
  /** The working copy, or the current version when there is none. */
  definition: FormDefinition;
  hasChanges: boolean;
  /** The version the working copy was started from. */
  baseVersion: number;
  updatedAt: Date | null;
  rules: RuleReference[];
  services: Service[];
}

/** The routing rules of the démarche as the editing operations name them. */
function ruleReferences(loaded: LoadedProcedure): RuleReference[] {
  return loaded.rules.map((rule, index) => ({
    number: index + 1,
    fieldId: rule.fieldId,
    equals: rule.equals,
    serviceName: loaded.services.find((service) => service.id === rule.serviceId)?.name ?? 'service inconnu',
  }));
}

/** The démarche (404 outside the commune) with its working copy. */
export async function loadEditorState(tx: Tx, communeId: string, slug: string): Promise<EditorState> {
  const loaded = await loadProcedure(tx, communeId, slug);
  const [copy] = await tx.db
    .select()
    .from(formWorkingCopy)
    .where(and(eq(formWorkingCopy.communeId, communeId), eq(formWorkingCopy.procedureId, loaded.procedure.id)));
  return {
    loaded,
    procedure: loaded.procedure,
    definition: copy ? (copy.definition as FormDefinition) : loaded.definition,
    hasChanges: copy !== undefined,
    baseVersion: copy?.baseVersion ?? loaded.procedure.currentVersion,
    updatedAt: copy?.updatedAt ?? null,
    rules: ruleReferences(loaded),
    services: loaded.services,
  };
}

/** Reads the editor's state in its own transaction. */
export function readEditorState(ctx: AppContext, commune: Commune, slug: string): Promise<EditorState> {
  return withTenant(ctx.database, commune.id, (tx) => loadEditorState(tx, commune.id, slug));
}

/** Whether the démarche has changes not yet saved as a version. */
export async function hasWorkingCopy(tx: Tx, communeId: string, procedureId: string): Promise<boolean> {
  const rows = await tx.db
    .select({ procedureId: formWorkingCopy.procedureId })
    .from(formWorkingCopy)
    .where(and(eq(formWorkingCopy.communeId, communeId), eq(formWorkingCopy.procedureId, procedureId)));
  return rows.length > 0;
}

/** Stores the working copy, or deletes it when it equals the current version again. */
async function storeWorkingCopy(tx: Tx, communeId: string, actor: Actor, state: EditorState, next: FormDefinition) {
  const where = and(eq(formWorkingCopy.communeId, communeId), eq(formWorkingCopy.procedureId, state.procedure.id));
  if (definitionFingerprint(next) === definitionFingerprint(state.loaded.definition)) {
    await tx.db.delete(formWorkingCopy).where(where);
    return;
  }
  const values = { definition: next, updatedBy: actor.accountId, updatedAt: new Date() };
  await tx.db
    .insert(formWorkingCopy)
    .values({ communeId, procedureId: state.procedure.id, baseVersion: state.baseVersion, ...values })
    .onConflictDoUpdate({ target: [formWorkingCopy.communeId, formWorkingCopy.procedureId], set: values });
}

/** A refused edit, its French message keyed by the input or the place of the page to point to. */
export function editRefused(key: string, message: string): AppError {
  return new AppError('form_editor.refused', 'edit refused', 422, { fields: { [key]: message } });
}

/**
 * Applies an editing operation to the working copy. An `EditRefusal` becomes a 422 whose French
 * message is keyed `refusalKey` (the input or the place of the page to point to).
 */
export async function editWorkingCopy<T>(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  slug: string,
  refusalKey: string,
  change: (state: EditorState) => { definition: FormDefinition; value: T },
): Promise<T> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    await lockProcedure(tx, commune.id, slug);
    const state = await loadEditorState(tx, commune.id, slug);
    let outcome: { definition: FormDefinition; value: T };
    try {
      outcome = change(state);
    } catch (error) {
      if (error instanceof EditRefusal) throw editRefused(error.setting ?? refusalKey, error.message);
      throw error;
    }
    await storeWorkingCopy(tx, commune.id, actor, state, outcome.definition);
    return outcome.value;
  });
}

/** The anchor of the editor's main page where a problem shows. */
export function problemAnchor(problem: DefinitionProblem): string {
  if (problem.fieldId !== undefined) return `question-${problem.fieldId}`;
  if (problem.pageId !== undefined) return `page-${problem.pageId}`;
  return 'a-corriger';
}

/** Problems as field errors, one message per anchor. */
export function problemErrors(problems: readonly DefinitionProblem[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const problem of problems) {
    const key = problemAnchor(problem);
    out[key] = out[key] === undefined ? problem.message : `${out[key]} ; ${problem.message}`;
  }
  return out;
}

export type SaveOutcome = { saved: false } | { saved: true; version: number };

/**
 * Makes the working copy the démarche's next form version. Refused (422, one message per page or
 * question) while the copy has problems; refused (409) if a version was saved since the copy was
 * started, which only an action outside the editor can do.
 */
export async function saveWorkingCopyAsVersion(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  slug: string,
  request: FastifyRequest,
): Promise<SaveOutcome> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    await lockProcedure(tx, commune.id, slug);
    const state = await loadEditorState(tx, commune.id, slug);
    if (!state.hasChanges) return { saved: false };
    if (state.baseVersion !== state.procedure.currentVersion) {
      throw new AppError('form_editor.stale', 'working copy of an older version', 409, {
        fields: {
          enregistrer: `Ces modifications partent de la version ${state.baseVersion}, mais la version ${state.procedure.currentVersion} a été enregistrée depuis. Exportez la copie de travail en JSON si vous voulez la garder, puis abandonnez les modifications pour repartir de la version ${state.procedure.currentVersion}.`,
        },
      });
    }
    const problems = definitionProblems(state.definition, state.rules);
    const parsed = parseFormDefinition(state.definition);
    if (problems.length > 0 || !parsed.ok) {
      throw new AppError('form_editor.invalid', 'working copy not valid', 422, {
        fields: problems.length > 0 ? problemErrors(problems) : { 'a-corriger': 'Le formulaire n’est pas valide.' },
      });
    }
    const { version, changed } = await saveFormVersion(tx, commune.id, actor, state.loaded, parsed.definition);
    await tx.db
      .delete(formWorkingCopy)
      .where(and(eq(formWorkingCopy.communeId, commune.id), eq(formWorkingCopy.procedureId, state.procedure.id)));
    if (!changed) return { saved: false };
    await auditProcedure(tx, actor, request, 'procedure.form_version_saved', state.procedure, {
      version,
      previousVersion: state.baseVersion,
    });
    return { saved: true, version };
  });
}

/** Deletes the working copy: the editor shows the current version again. */
export async function discardWorkingCopy(ctx: AppContext, commune: Commune, slug: string): Promise<boolean> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    await lockProcedure(tx, commune.id, slug);
    const state = await loadEditorState(tx, commune.id, slug);
    if (!state.hasChanges) return false;
    await tx.db
      .delete(formWorkingCopy)
      .where(and(eq(formWorkingCopy.communeId, commune.id), eq(formWorkingCopy.procedureId, state.procedure.id)));
    return true;
  });
}

/** The JSON of a definition as the advanced mode shows it. */
export function definitionJson(def: FormDefinition): string {
  return JSON.stringify(def, null, 2);
}

/** The text of the advanced mode read as a definition: the JSON of a definition, or of an exported démarche. */
export function readDefinitionText(
  text: string,
): { ok: true; definition: FormDefinition } | { ok: false; errors: string[] } {
  if (text.trim() === '') return { ok: false, errors: ['Saisissez la définition du formulaire (JSON).'] };
  if (Buffer.byteLength(text, 'utf8') > IMPORT_MAX_BYTES)
    return { ok: false, errors: [`La définition doit faire ${IMPORT_MAX_BYTES / 1024} Kio au plus.`] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`Le texte n’est pas du JSON valide (${(error as Error).message}).`] };
  }
  if (typeof json === 'object' && json !== null && (json as { format?: unknown }).format === EXPORT_FORMAT)
    json = (json as { definition?: unknown }).definition;
  return parseFormDefinition(json);
}

/**
 * Replaces the working copy by a definition typed or pasted in the JSON mode. `fingerprint` is
 * the one of the copy the page showed: a copy changed since (another tab, another administrator)
 * is not overwritten (409).
 */
export async function replaceWorkingCopy(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  slug: string,
  input: { text: string; fingerprint: string },
): Promise<void> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    await lockProcedure(tx, commune.id, slug);
    const state = await loadEditorState(tx, commune.id, slug);
    if (input.fingerprint !== definitionFingerprint(state.definition)) {
      throw new AppError('form_editor.changed', 'working copy changed meanwhile', 409, {
        fields: {
          definition:
            'Le formulaire a été modifié depuis l’ouverture de cette page (dans un autre onglet ou par un autre administrateur). Copiez votre texte, rechargez la page et reportez-y vos changements.',
        },
      });
    }
    const parsed = readDefinitionText(input.text);
    if (!parsed.ok) {
      const n = parsed.errors.length;
      throw new AppError('form_editor.invalid_json', 'invalid definition', 422, {
        fields: {
          definition:
            n === 1
              ? `La définition contient une erreur : ${parsed.errors[0]}`
              : `La définition contient ${n} erreurs (voir la liste sous le champ), dont : ${parsed.errors[0]}`,
        },
      });
    }
    const broken = ruleProblems(parsed.definition, state.rules);
    if (broken.length > 0) throw editRefused('definition', broken.join(' '));
    await storeWorkingCopy(tx, commune.id, actor, state, parsed.definition);
  });
}
