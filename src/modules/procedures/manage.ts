/**
 * Use cases of the démarches editor: commune administrators create a démarche (from a model of
 * the form library or blank), edit its metadata and its routing rules, publish or unpublish it,
 * export it as a JSON file and import such a file. Its form is changed in the form editor
 * (form-editor-service.ts), which makes a new form version with `saveFormVersion`: submissions
 * and drafts keep theirs. Each change runs in one tenant transaction with its audit entry.
 *
 * Export format (version 1):
 *
 *     { "format": "guichet-demarche", "version": 1,
 *       "procedure": { "slug", "title", "category", "audience", "processingDays",
 *                      "silence": null | { "kind", "days", "months"?, "legalBasis" } },
 *       "definition": { …the form definition… } }
 *
 * The service and the routing rules are the commune's own: they are not exported; an imported
 * démarche goes to the service chosen on the import page, unpublished.
 */

import { and, asc, eq, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { type AuditAction, recordAudit } from '../../platform/audit/journal.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { AppContext } from '../../platform/context.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import type { Contributions, PublicTask } from '../../platform/module.js';
import { type Commune, listActiveServices, listServices, type Service } from '../../platform/tenancy/communes.js';
import { stringValue } from '../../platform/views/page-kit.js';
import {
  allFields,
  definitionFingerprint,
  FORM_CATEGORIES,
  type FormDefinition,
  findLibraryForm,
  parseFormDefinition,
} from '../forms/index.js';
import { findFormVersion, findProcedureBySlug } from './lookups.js';
import { insertFormVersion, insertProcedure } from './repo.js';
import { type Procedure, procedure, routingRule } from './schema.js';

export type Body = Record<string, unknown>;

export const EXPORT_FORMAT = 'guichet-demarche';
export const EXPORT_VERSION = 1;
/** Largest import accepted (pasted JSON). */
export const IMPORT_MAX_BYTES = 512 * 1024;
/** Rows of the routing rules editor (filled rows plus empty ones). */
export const EMPTY_RULE_ROWS = 2;
export const MAX_RULES = 50;

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** A single trimmed string value, or ''. */
const trimmed = (value: unknown) => stringValue(value).trim();

// — Metadata —

/** Metadata as typed in the form (strings). */
export interface MetaValues {
  title: string;
  slug: string;
  category: string;
  serviceId: string;
  audience: string;
  processingDays: string;
  silenceKind: string;
  silenceDelay: string;
  silenceUnit: string;
  silenceBasis: string;
}

export interface Meta {
  title: string;
  slug: string;
  category: string;
  serviceId: string;
  audience: 'anyone' | 'signedIn';
  processingDays: number;
  silenceKind: 'accord' | 'rejet' | null;
  silenceDays: number | null;
  silenceMonths: number | null;
  silenceBasis: string | null;
}

export function metaValues(body: Body): MetaValues {
  return {
    title: trimmed(body.title),
    slug: trimmed(body.slug).toLowerCase(),
    category: trimmed(body.category),
    serviceId: trimmed(body.serviceId),
    audience: trimmed(body.audience),
    processingDays: trimmed(body.processingDays),
    silenceKind: trimmed(body.silenceKind),
    silenceDelay: trimmed(body.silenceDelay),
    silenceUnit: trimmed(body.silenceUnit),
    silenceBasis: trimmed(body.silenceBasis),
  };
}

export function valuesOfProcedure(p: Procedure): MetaValues {
  return {
    title: p.title,
    slug: p.slug,
    category: p.category,
    serviceId: p.serviceId,
    audience: p.audience,
    processingDays: String(p.processingDays),
    silenceKind: p.silenceKind ?? '',
    silenceDelay: p.silenceMonths ? String(p.silenceMonths) : p.silenceDays ? String(p.silenceDays) : '',
    silenceUnit: p.silenceMonths ? 'mois' : 'jours',
    silenceBasis: p.silenceBasis ?? '',
  };
}

function wholeNumber(text: string): number | null {
  if (!/^\d{1,6}$/.test(text)) return null;
  return Number(text);
}

/** Checks the metadata; throws an AppError (422) with French field errors. */
export function checkMeta(values: MetaValues, services: readonly Service[], errors: Record<string, string> = {}): Meta {
  if (!values.title) errors.title = 'Saisissez le titre de la démarche';
  else if (values.title.length > 200) errors.title = 'Le titre doit faire 200 caractères au plus';
  if (!values.slug) errors.slug = 'Saisissez l’adresse de la démarche';
  else if (!SLUG.test(values.slug) || values.slug.length > 80)
    errors.slug =
      'L’adresse ne doit contenir que des lettres minuscules sans accents, des chiffres et des tirets (80 caractères au plus), par exemple : permis-de-louer';
  if (!values.category) errors.category = 'Saisissez la catégorie de la démarche';
  else if (values.category.length > 100) errors.category = 'La catégorie doit faire 100 caractères au plus';
  if (!services.some((s) => s.id === values.serviceId))
    errors.serviceId = 'Choisissez le service qui reçoit les demandes';
  if (values.audience !== 'anyone' && values.audience !== 'signedIn')
    errors.audience = 'Choisissez qui peut faire la démarche';
  const processingDays = wholeNumber(values.processingDays);
  if (processingDays === null || processingDays < 1 || processingDays > 3650)
    errors.processingDays = 'Le délai de traitement doit être un nombre entier de jours, entre 1 et 3650';
  let silenceKind: Meta['silenceKind'] = null;
  let silenceDays: number | null = null;
  let silenceMonths: number | null = null;
  let silenceBasis: string | null = null;
  if (values.silenceKind === 'accord' || values.silenceKind === 'rejet') {
    silenceKind = values.silenceKind;
    const delay = wholeNumber(values.silenceDelay);
    const months = values.silenceUnit === 'mois';
    if (values.silenceUnit !== 'mois' && values.silenceUnit !== 'jours')
      errors.silenceUnit = 'Choisissez l’unité du délai : jours ou mois';
    if (delay === null || delay < 1 || delay > (months ? 120 : 3650))
      errors.silenceDelay = months
        ? 'Le délai du silence doit être un nombre entier de mois, entre 1 et 120'
        : 'Le délai du silence doit être un nombre entier de jours, entre 1 et 3650';
    else if (months) {
      silenceMonths = delay;
      silenceDays = delay * 30;
    } else silenceDays = delay;
    if (!values.silenceBasis) errors.silenceBasis = 'Saisissez le fondement juridique de la règle du silence';
    else if (values.silenceBasis.length > 4000)
      errors.silenceBasis = 'Le fondement juridique doit faire 4000 caractères au plus';
    silenceBasis = values.silenceBasis;
  } else if (values.silenceKind !== '' && values.silenceKind !== 'aucune') {
    errors.silenceKind = 'Choisissez la règle du silence';
  }
  if (Object.keys(errors).length > 0) throw invalid(errors);
  return {
    title: values.title,
    slug: values.slug,
    category: values.category,
    serviceId: values.serviceId,
    audience: values.audience as Meta['audience'],
    processingDays: processingDays!,
    silenceKind,
    silenceDays,
    silenceMonths,
    silenceBasis,
  };
}

function invalid(fields: Record<string, string>): AppError {
  return new AppError('procedure.invalid', 'invalid procedure form', 422, { fields });
}

const SLUG_TAKEN = 'Une démarche de la commune a déjà cette adresse : choisissez-en une autre';

// — Definition —

/** The definition of a blank démarche: one page with one text field. */
export function blankDefinition(title: string): FormDefinition {
  return {
    schemaVersion: 1,
    title: title || 'Nouvelle démarche',
    pages: [
      {
        id: 'demande',
        title: 'Votre demande',
        fields: [{ id: 'objet', type: 'text', label: 'L’objet de votre demande', required: true }],
      },
    ],
  };
}

// — Routing rules —

export interface RuleValues {
  fieldId: string;
  equals: string;
  serviceId: string;
}

export function ruleValues(body: Body): RuleValues[] {
  const rows: RuleValues[] = [];
  for (let i = 0; i < MAX_RULES; i++) {
    if (!(`rule_${i}_field` in body)) break;
    rows.push({
      fieldId: trimmed(body[`rule_${i}_field`]),
      equals: trimmed(body[`rule_${i}_value`]),
      serviceId: trimmed(body[`rule_${i}_service`]),
    });
  }
  return rows;
}

/** Choice fields a rule may test (outside groups), with their options. */
export function routableFields(def: FormDefinition) {
  return allFields(def)
    .filter(({ field, group }) => group === undefined && (field.type === 'choice' || field.type === 'multichoice'))
    .map(({ field }) => field);
}

/** Checks the rows (empty rows are dropped); errors keyed `rule_N_field|value|service`. */
export function checkRules(
  rows: readonly RuleValues[],
  def: FormDefinition,
  services: readonly Service[],
  errors: Record<string, string>,
): RuleValues[] {
  const fields = routableFields(def);
  const kept: RuleValues[] = [];
  rows.forEach((row, i) => {
    if (!row.fieldId && !row.equals && !row.serviceId) return;
    const field = fields.find((f) => f.id === row.fieldId);
    if (!field) errors[`rule_${i}_field`] = `Règle ${i + 1} : choisissez une question à choix de la démarche`;
    else if (!field.options?.some((o) => o.value === row.equals))
      errors[`rule_${i}_value`] =
        `Règle ${i + 1} : la valeur doit être l’un des choix de la question « ${field.label} » (${(field.options ?? []).map((o) => o.value).join(', ')})`;
    if (!services.some((s) => s.id === row.serviceId))
      errors[`rule_${i}_service`] = `Règle ${i + 1} : choisissez le service qui reçoit la demande`;
    kept.push(row);
  });
  return kept;
}

// — Queries —

export interface ProcedureRow {
  procedure: Procedure;
  serviceName: string;
  requests: number;
}

/** The commune's démarches with their service and how many requests each received (`usage` of the modules). */
export async function listAdminProcedures(
  tx: Tx,
  communeId: string,
  contributions: Contributions,
): Promise<ProcedureRow[]> {
  const services = await listServices(tx, communeId);
  const procedures = await tx.db
    .select()
    .from(procedure)
    .where(eq(procedure.communeId, communeId))
    .orderBy(sql`${procedure.category} COLLATE "und-x-icu"`, sql`${procedure.title} COLLATE "und-x-icu"`);
  const byId = await contributions.usage('procedure', tx, communeId);
  return procedures.map((p) => ({
    procedure: p,
    serviceName: services.find((s) => s.id === p.serviceId)?.name ?? '—',
    requests: byId.get(p.id) ?? 0,
  }));
}

export interface LoadedProcedure {
  procedure: Procedure;
  definition: FormDefinition;
  rules: RuleValues[];
  services: Service[];
}

/** A démarche of the commune by its slug, with its current definition; 404 otherwise. */
export async function loadProcedure(tx: Tx, communeId: string, slug: string): Promise<LoadedProcedure> {
  const found = SLUG.test(slug) ? await findProcedureBySlug(tx, communeId, slug) : undefined;
  if (!found) throw new AppError('procedure.not_found', `no procedure ${slug}`, 404);
  const version = await findFormVersion(tx, communeId, found.id, found.currentVersion);
  if (!version) throw new Error(`procedure ${found.id} without version ${found.currentVersion}`);
  const rules = await tx.db
    .select()
    .from(routingRule)
    .where(and(eq(routingRule.communeId, communeId), eq(routingRule.procedureId, found.id)))
    .orderBy(asc(routingRule.position));
  return {
    procedure: found,
    definition: version.definition as FormDefinition,
    rules: rules.map((r) => ({ fieldId: r.fieldId, equals: r.equals, serviceId: r.serviceId })),
    services: await listActiveServices(tx, communeId),
  };
}

/** Writes the audit entry of a change to a démarche. */
export function auditProcedure(
  tx: Tx,
  actor: Actor,
  request: FastifyRequest,
  action: Extract<AuditAction, `procedure.${string}`>,
  p: Procedure,
  data: Body = {},
) {
  return recordAudit(tx, {
    action,
    actorType: 'agent',
    actorId: actor.accountId,
    targetType: 'procedure',
    targetId: p.id,
    data: { slug: p.slug, ...data },
    requestId: request.id,
  });
}

async function createProcedure(
  tx: Tx,
  commune: Commune,
  actor: Actor,
  meta: Meta,
  definition: FormDefinition,
): Promise<Procedure | null> {
  if (await findProcedureBySlug(tx, commune.id, meta.slug)) return null;
  const created = await insertProcedure(tx, {
    communeId: commune.id,
    ...meta,
    isPublished: false,
    currentVersion: 1,
  });
  await insertFormVersion(tx, {
    communeId: commune.id,
    procedureId: created.id,
    version: 1,
    definition,
    createdBy: actor.accountId,
  });
  return created;
}

// — Use cases —

export interface CreateInput {
  model: string;
  meta: MetaValues;
}

/** Creates an unpublished démarche from a model of the library ('' = blank). */
export async function createFromModel(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  input: CreateInput,
  request: FastifyRequest,
): Promise<Procedure> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    const services = await listActiveServices(tx, commune.id);
    const errors: Record<string, string> = {};
    const model = input.model === 'vierge' ? undefined : findLibraryForm(input.model);
    if (input.model !== 'vierge' && !model) errors.model = 'Choisissez un modèle ou une démarche vierge';
    const meta = checkMeta(input.meta, services, errors);
    const definition = model ? { ...model.definition, title: meta.title } : blankDefinition(meta.title);
    const created = await createProcedure(tx, commune, actor, meta, definition);
    if (!created) throw invalid({ slug: SLUG_TAKEN });
    await auditProcedure(tx, actor, request, 'procedure.created', created, { model: model?.slug ?? null });
    return created;
  });
}

export interface EditInput {
  meta: MetaValues;
  rules: RuleValues[];
}

/**
 * Locks the démarche's row until the end of the transaction: two administrators changing it at
 * once are served one after the other, the second building on the first one's work.
 */
export async function lockProcedure(tx: Tx, communeId: string, slug: string): Promise<void> {
  await tx.client.query('SELECT id FROM procedure WHERE commune_id = $1 AND slug = $2 FOR UPDATE', [communeId, slug]);
}

/**
 * Makes `definition` (already checked by `parseFormDefinition`) the current form of the démarche:
 * version N+1, unless it equals the current one. Requests and drafts keep the version they were
 * made with. Call it with the démarche locked (`lockProcedure`).
 */
export async function saveFormVersion(
  tx: Tx,
  communeId: string,
  actor: Actor,
  loaded: LoadedProcedure,
  definition: FormDefinition,
): Promise<{ version: number; changed: boolean }> {
  const current = loaded.procedure.currentVersion;
  if (definitionFingerprint(definition) === definitionFingerprint(loaded.definition))
    return { version: current, changed: false };
  const version = current + 1;
  await insertFormVersion(tx, {
    communeId,
    procedureId: loaded.procedure.id,
    version,
    definition,
    createdBy: actor.accountId,
  });
  await tx.db
    .update(procedure)
    .set({ currentVersion: version })
    .where(and(eq(procedure.communeId, communeId), eq(procedure.id, loaded.procedure.id)));
  return { version, changed: true };
}

/** Saves metadata and routing rules (checked against the current form version). */
export async function editProcedure(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  slug: string,
  input: EditInput,
  request: FastifyRequest,
): Promise<Procedure> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    await lockProcedure(tx, commune.id, slug);
    const loaded = await loadProcedure(tx, commune.id, slug);
    const errors: Record<string, string> = {};
    let meta: Meta | undefined;
    try {
      meta = checkMeta(input.meta, loaded.services, errors);
    } catch {
      // errors already holds the metadata errors
    }
    const rules = checkRules(input.rules, loaded.definition, loaded.services, errors);
    if (!meta || Object.keys(errors).length > 0) throw invalid(errors);
    if (meta.slug !== loaded.procedure.slug) {
      const other = await findProcedureBySlug(tx, commune.id, meta.slug);
      if (other) throw invalid({ slug: SLUG_TAKEN });
    }
    const [updated] = await tx.db
      .update(procedure)
      .set(meta)
      .where(and(eq(procedure.communeId, commune.id), eq(procedure.id, loaded.procedure.id)))
      .returning();
    await tx.db
      .delete(routingRule)
      .where(and(eq(routingRule.communeId, commune.id), eq(routingRule.procedureId, loaded.procedure.id)));
    let position = 0;
    for (const rule of rules) {
      await tx.db.insert(routingRule).values({
        id: uuidv7(),
        communeId: commune.id,
        procedureId: loaded.procedure.id,
        position: position++,
        fieldId: rule.fieldId,
        equals: rule.equals,
        serviceId: rule.serviceId,
      });
    }
    await auditProcedure(tx, actor, request, 'procedure.updated', updated!, {
      previousSlug: loaded.procedure.slug,
      rules: rules.length,
    });
    return updated!;
  });
}

/** Publishes or unpublishes a démarche (idempotent; audited only when it changes). */
export async function setPublished(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  slug: string,
  published: boolean,
  request: FastifyRequest,
): Promise<Procedure> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    const loaded = await loadProcedure(tx, commune.id, slug);
    if (loaded.procedure.isPublished === published) return loaded.procedure;
    if (published && !(loaded.definition as FormDefinition).summary?.trim()) {
      throw new AppError('procedure.summary_missing', 'no summary to publish', 422, {
        userMessage:
          'La démarche ne peut pas être publiée sans sa présentation : rédigez d’abord, dans le formulaire, le texte qui explique à l’habitant à quoi elle sert.',
      });
    }
    const [updated] = await tx.db
      .update(procedure)
      .set({ isPublished: published })
      .where(and(eq(procedure.communeId, commune.id), eq(procedure.id, loaded.procedure.id)))
      .returning();
    await auditProcedure(tx, actor, request, published ? 'procedure.published' : 'procedure.unpublished', updated!, {
      version: updated!.currentVersion,
    });
    return updated!;
  });
}

// — What the person is offered once the request is sent —

/**
 * The public tasks a démarche may offer once its request is sent: booking an appointment for one
 * of the commune's motifs open to the public (an urbanisme consultation after a permit request,
 * a visit after a room booking…). Contributed by the modules (`publicTasks`), listed in the
 * caller's tenant transaction.
 */
export async function followUpChoices(ctx: AppContext, tx: Tx, communeId: string): Promise<PublicTask[]> {
  return (await ctx.contributions.publicTasks(tx, communeId)).filter((t) => t.key.startsWith('rendez-vous:'));
}

/** Sets (or clears, with '') the task offered once a démarche's request is sent. */
export async function setFollowUpTask(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  slug: string,
  key: string,
  request: FastifyRequest,
): Promise<Procedure> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    const loaded = await loadProcedure(tx, commune.id, slug);
    const chosen = key === '' ? null : key;
    if (chosen !== null && !(await followUpChoices(ctx, tx, commune.id)).some((t) => t.key === chosen)) {
      throw new AppError('procedure.follow_up_unknown', `no public task ${chosen}`, 422, {
        fields: {
          followUpTask:
            'Ce rendez-vous n’est pas proposé au public : choisissez un type de rendez-vous de la liste, ou « Rien ».',
        },
      });
    }
    if (loaded.procedure.followUpTask === chosen) return loaded.procedure;
    const [updated] = await tx.db
      .update(procedure)
      .set({ followUpTask: chosen })
      .where(and(eq(procedure.communeId, commune.id), eq(procedure.id, loaded.procedure.id)))
      .returning();
    await auditProcedure(tx, actor, request, 'procedure.follow_up_changed', updated!, { task: chosen });
    return updated!;
  });
}

// — Export / import —

export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  procedure: {
    slug: string;
    title: string;
    category: string;
    audience: 'anyone' | 'signedIn';
    processingDays: number;
    silence: { kind: 'accord' | 'rejet'; days: number; months?: number; legalBasis: string } | null;
  };
  definition: FormDefinition;
}

export function exportDocument(loaded: LoadedProcedure): ExportDocument {
  const p = loaded.procedure;
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    procedure: {
      slug: p.slug,
      title: p.title,
      category: p.category,
      audience: p.audience,
      processingDays: p.processingDays,
      silence:
        p.silenceKind && p.silenceDays
          ? {
              kind: p.silenceKind,
              days: p.silenceDays,
              ...(p.silenceMonths ? { months: p.silenceMonths } : {}),
              legalBasis: p.silenceBasis ?? '',
            }
          : null,
    },
    definition: loaded.definition,
  };
}

export interface ImportInput {
  content: string;
  serviceId: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Creates an unpublished démarche from an exported file; errors keyed `content` or `serviceId`. */
export async function importProcedure(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  input: ImportInput,
  request: FastifyRequest,
): Promise<Procedure> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    const services = await listActiveServices(tx, commune.id);
    const fail = (message: string): never => {
      throw invalid({ content: message });
    };
    if (!services.some((s) => s.id === input.serviceId))
      throw invalid({ serviceId: 'Choisissez le service qui reçoit les demandes' });
    if (!input.content) fail('Collez le contenu du fichier JSON de la démarche');
    if (Buffer.byteLength(input.content, 'utf8') > IMPORT_MAX_BYTES) fail('Le fichier doit faire 512 Kio au plus');
    let json: unknown;
    try {
      json = JSON.parse(input.content);
    } catch {
      fail('Le contenu n’est pas du JSON valide');
    }
    if (!isObject(json) || json.format !== EXPORT_FORMAT)
      fail('Ce fichier n’est pas une démarche exportée par Guichet (format « guichet-demarche » attendu)');
    const doc = json as Record<string, unknown>;
    if (doc.version !== EXPORT_VERSION)
      fail(`La version ${String(doc.version)} du format n’est pas prise en charge (attendue : 1)`);
    if (!isObject(doc.procedure)) fail('Les informations de la démarche (« procedure ») manquent');
    const p = doc.procedure as Record<string, unknown>;
    const silence = isObject(p.silence) ? p.silence : null;
    const values: MetaValues = {
      title: trimmed(p.title),
      slug: trimmed(p.slug),
      category: trimmed(p.category),
      serviceId: input.serviceId,
      audience: trimmed(p.audience),
      processingDays: typeof p.processingDays === 'number' ? String(p.processingDays) : '',
      silenceKind: silence ? trimmed(silence.kind) || 'invalide' : '',
      silenceDelay: silence
        ? String(
            typeof silence.months === 'number' ? silence.months : typeof silence.days === 'number' ? silence.days : '',
          )
        : '',
      silenceUnit: silence && typeof silence.months === 'number' ? 'mois' : 'jours',
      silenceBasis: silence ? trimmed(silence.legalBasis) : '',
    };
    let meta: Meta;
    try {
      meta = checkMeta(values, services);
    } catch (error) {
      if (error instanceof AppError && error.fields) {
        fail(`Les informations de la démarche sont invalides : ${Object.values(error.fields).join(' ; ')}`);
      }
      throw error;
    }
    const parsed = parseFormDefinition(doc.definition);
    if (!parsed.ok) fail(`La définition du formulaire est invalide : ${parsed.errors.join(' ; ')}`);
    const definition = (parsed as { ok: true; definition: FormDefinition }).definition;
    const created = await createProcedure(tx, commune, actor, meta!, definition);
    if (!created)
      fail(`La commune a déjà une démarche à l’adresse « ${meta!.slug} » : modifiez-la ou renommez-la avant l’import`);
    await auditProcedure(tx, actor, request, 'procedure.imported', created!, {});
    return created!;
  });
}

/** Category names offered as suggestions. */
export const CATEGORY_SUGGESTIONS = Object.values(FORM_CATEGORIES);
