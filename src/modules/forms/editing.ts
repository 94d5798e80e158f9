/**
 * Editing operations of the visual form editor, on plain definitions (no database): pages and
 * questions added, changed, moved and deleted, ids generated from labels, and the refusals that
 * keep a definition coherent — a question used by a condition or a routing rule cannot be
 * deleted, and a move cannot leave a condition testing a question placed after it. Every
 * operation returns a new definition and leaves its input untouched; a refusal is an
 * `EditRefusal` with a French message.
 *
 * While it is edited, a definition may be incomplete (a new page without questions, a choice
 * without options): `definitionProblems` says in French what to complete or fix, attached to the
 * page or question concerned. `parseFormDefinition` stays the judge when a version is saved.
 */
import {
  allFields,
  type Condition,
  type ExplanationAppearance,
  type Field,
  type FieldType,
  type FileKind,
  type FormDefinition,
  type FormPage,
  isAnswerable,
  isRepeatableGroup,
  isUsableFieldId,
  isUsablePageId,
  LIMITS,
  parseFormDefinition,
  quote,
} from './definition.js';

/** A change the editor refuses, with the French sentence to show. */
export class EditRefusal extends Error {
  override name = 'EditRefusal';
  constructor(
    message: string,
    /** The setting of the question the refusal is about, when it is about one. */
    readonly setting?: 'options' | 'repeatable' | 'condition',
  ) {
    super(message);
  }
}

export type Direction = 'up' | 'down';

/** A routing rule of the démarche, as the editor needs it to say who uses a question. */
export interface RuleReference {
  /** 1-based, as shown on the démarche page. */
  number: number;
  fieldId: string;
  equals: string;
  serviceName: string;
}

// ---------------------------------------------------------------------------
// Kinds of question and their French names

/** What the "add a question" page offers: the engine's types, the repeatable group apart. */
export const NEW_FIELD_KINDS = [
  'text',
  'textarea',
  'number',
  'date',
  'email',
  'phone',
  'address',
  'choice',
  'multichoice',
  'yesno',
  'file',
  'group',
  'repeatableGroup',
  'section',
  'explanation',
] as const;
export type NewFieldKind = (typeof NEW_FIELD_KINDS)[number];

export const FIELD_KIND_LABELS: Record<NewFieldKind, { label: string; hint: string }> = {
  text: { label: 'Texte court', hint: 'Un nom, une référence : une ligne.' },
  textarea: { label: 'Texte long', hint: 'Une description, un message : plusieurs lignes.' },
  number: { label: 'Nombre', hint: 'Un nombre de personnes, une surface…' },
  date: { label: 'Date', hint: 'Jour, mois et année, avec des bornes si besoin.' },
  email: { label: 'Adresse e-mail', hint: 'Vérifiée au format nom@exemple.fr.' },
  phone: { label: 'Numéro de téléphone', hint: 'Vérifié au format des numéros français.' },
  address: { label: 'Adresse postale', hint: 'Voie, complément, code postal et commune.' },
  choice: { label: 'Choix unique', hint: 'Une réponse parmi une liste.' },
  multichoice: { label: 'Choix multiples', hint: 'Des cases à cocher.' },
  yesno: { label: 'Oui ou non', hint: 'Deux boutons : Oui, Non.' },
  file: { label: 'Fichier joint', hint: 'Un justificatif, une photo : formats et taille limités.' },
  group: { label: 'Groupe de questions', hint: 'Des questions présentées ensemble sous un titre.' },
  repeatableGroup: {
    label: 'Groupe répétable',
    hint: 'Des questions que l’usager remplit autant de fois que nécessaire (un enfant, un équipement…).',
  },
  section: { label: 'Titre de section', hint: 'Un intertitre, avec une introduction si besoin.' },
  explanation: { label: 'Texte explicatif', hint: 'Une information pour l’usager, sans réponse attendue.' },
};

/** The French name of a question's type, as listed in the editor. */
export function fieldTypeLabel(field: Pick<Field, 'type' | 'repeat'>): string {
  if (field.type === 'group' && field.repeat !== undefined) return FIELD_KIND_LABELS.repeatableGroup.label;
  return FIELD_KIND_LABELS[field.type].label;
}

export const FILE_KIND_LABELS: Record<FileKind, string> = {
  pdf: 'PDF',
  jpeg: 'Photo JPEG',
  png: 'Image PNG',
  webp: 'Image WebP',
  heic: 'Photo HEIC (iPhone)',
  odt: 'Texte OpenDocument (LibreOffice)',
  docx: 'Texte Word (DOCX)',
};

export const APPEARANCE_LABELS: Record<ExplanationAppearance, string> = {
  paragraph: 'Paragraphe simple',
  inset: 'Encadré',
  details: 'Bloc repliable (le libellé sert de titre à déplier)',
  warning: 'Avertissement (avec un point d’exclamation)',
};

/** "la question « Nom »", or for a text without label "la question n° 2 de la page « … » (texte explicatif)". */
export function fieldName(def: FormDefinition, field: Field): string {
  if (field.label.trim() !== '') return `la question ${quote(field.label)}`;
  const place = findField(def, field.id);
  return place
    ? `la question n°\u00a0${place.index + 1} de la page ${quote(place.page.title)} (${fieldTypeLabel(field).toLowerCase()})`
    : `la question ${quote(field.id)}`;
}

// ---------------------------------------------------------------------------
// Finding pages and questions

export interface FieldPlace {
  field: Field;
  page: FormPage;
  pageIndex: number;
  /** The list that holds the field: its page's fields, or its group's. */
  siblings: Field[];
  index: number;
  group?: Field;
}

export function findField(def: FormDefinition, fieldId: string): FieldPlace | undefined {
  for (const [pageIndex, page] of def.pages.entries()) {
    for (const [index, field] of page.fields.entries()) {
      if (field.id === fieldId) return { field, page, pageIndex, siblings: page.fields, index };
      for (const [childIndex, child] of (field.fields ?? []).entries()) {
        if (child.id === fieldId)
          return { field: child, page, pageIndex, siblings: field.fields ?? [], index: childIndex, group: field };
      }
    }
  }
  return undefined;
}

function requireField(def: FormDefinition, fieldId: string): FieldPlace {
  const place = findField(def, fieldId);
  if (!place) throw new EditRefusal('Cette question n’existe plus dans le formulaire.');
  return place;
}

function requirePageIndex(def: FormDefinition, pageId: string): number {
  const index = def.pages.findIndex((page) => page.id === pageId);
  if (index < 0) throw new EditRefusal('Cette page n’existe plus dans le formulaire.');
  return index;
}

// ---------------------------------------------------------------------------
// Ids from labels

const STOP_WORDS = new Set(
  (
    'a au aux avec ce ces cet cette d dans de des du en est et il ils elle elles je l la le les leur leurs ' +
    'ma mes mon n ne nos notre ou par pas pour qu que quel quelle quelles quels qui s sa se ses son sur ' +
    't ta tes ton un une vos votre vous y'
  ).split(' '),
);

/** Significant words of a French text, without accents, lower case. */
function words(text: string): string[] {
  const all = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[œŒ]/g, 'oe')
    .replace(/[æÆ]/g, 'ae')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
  const significant = all.filter((word) => !STOP_WORDS.has(word));
  return significant.length > 0 ? significant : all;
}

function uniqueName(base: string, isFree: (candidate: string) => boolean, join: string): string {
  if (isFree(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}${join}${n}`;
    if (isFree(candidate)) return candidate;
  }
}

/** Every field id of the definition, children of groups included. */
export function fieldIds(def: FormDefinition): Set<string> {
  return new Set(allFields(def).map(({ field }) => field.id));
}

/**
 * A field id from a label, in the style of the library (`dateNaissance`): the first four
 * significant words in camel case, without accents; `2`, `3`… appended when taken.
 */
export function fieldIdFromLabel(label: string, taken: ReadonlySet<string>): string {
  const parts = words(label).slice(0, 4);
  let base = parts.map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1))).join('');
  if (base === '') base = 'question';
  if (!/^[a-z]/.test(base)) base = `q${base}`;
  base = base.slice(0, 40);
  return uniqueName(base, (id) => !taken.has(id) && isUsableFieldId(id), '');
}

/** A page id from its title (`coordonnees`, `votre-evenement-2`). */
export function pageIdFromTitle(title: string, taken: ReadonlySet<string>): string {
  const base = words(title).slice(0, 4).join('-').slice(0, 40).replace(/-+$/, '') || 'page';
  return uniqueName(base, (id) => !taken.has(id) && isUsablePageId(id), '-');
}

/** An option value from its label (`salle-des-fetes`), unique among `taken`. */
export function optionValueFromLabel(label: string, taken: ReadonlySet<string>): string {
  const all = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
  const base = all.join('-').slice(0, 60).replace(/-+$/, '') || 'choix';
  return uniqueName(base, (value) => !taken.has(value), '-');
}

/**
 * Options from the lines typed by the admin (one label per line): an option whose label is
 * unchanged keeps its value, so the conditions and routing rules that test it keep working.
 */
export function optionsFromLines(
  lines: readonly string[],
  existing: ReadonlyArray<{ value: string; label: string }>,
): { value: string; label: string }[] {
  const labels = lines.map((line) => line.trim()).filter((line) => line !== '');
  const kept = new Map<string, string>();
  const unused = [...existing];
  const out: Array<{ value?: string; label: string }> = labels.map((label) => {
    const index = unused.findIndex((option) => option.label === label);
    if (index < 0) return { label };
    const [option] = unused.splice(index, 1);
    kept.set(option!.value, label);
    return { value: option!.value, label };
  });
  const taken = new Set(kept.keys());
  return out.map((option) => {
    if (option.value !== undefined) return { value: option.value, label: option.label };
    const value = optionValueFromLabel(option.label, taken);
    taken.add(value);
    return { value, label: option.label };
  });
}

// ---------------------------------------------------------------------------
// Conditions

/** Field ids a condition tests. */
export function conditionFieldIds(condition: Condition | undefined): string[] {
  if (condition === undefined) return [];
  if ('all' in condition) return condition.all.flatMap(conditionFieldIds);
  if ('any' in condition) return condition.any.flatMap(conditionFieldIds);
  return [condition.field];
}

/** Whether the condition compares `fieldId` with the option `value`. */
function conditionTestsValue(condition: Condition | undefined, fieldId: string, value: string): boolean {
  if (condition === undefined) return false;
  if ('all' in condition) return condition.all.some((part) => conditionTestsValue(part, fieldId, value));
  if ('any' in condition) return condition.any.some((part) => conditionTestsValue(part, fieldId, value));
  if (condition.field !== fieldId) return false;
  if ('in' in condition) return condition.in.includes(value);
  return 'equals' in condition && condition.equals === value;
}

/**
 * The questions a condition may test at a place of the form: those placed before it that receive
 * an answer (and repeatable groups, which may be empty or not). A page looks at earlier pages
 * only; a question inside a repeatable group also sees its earlier siblings.
 */
export function conditionTargets(def: FormDefinition, place: { pageId: string } | { fieldId: string }): Field[] {
  const testable = (field: Field) => isAnswerable(field) || isRepeatableGroup(field);
  const targets: Field[] = [];
  const addWithChildren = (field: Field) => {
    if (testable(field)) targets.push(field);
    if (field.type === 'group' && field.repeat === undefined) targets.push(...(field.fields ?? []).filter(testable));
  };
  if ('pageId' in place) {
    const pageIndex = def.pages.findIndex((page) => page.id === place.pageId);
    for (const page of def.pages.slice(0, Math.max(pageIndex, 0))) page.fields.forEach(addWithChildren);
    return targets;
  }
  const at = findField(def, place.fieldId);
  if (!at) return [];
  for (const page of def.pages.slice(0, at.pageIndex)) page.fields.forEach(addWithChildren);
  const topIndex = at.group ? at.page.fields.indexOf(at.group) : at.index;
  at.page.fields.slice(0, topIndex).forEach(addWithChildren);
  if (at.group) targets.push(...at.siblings.slice(0, at.index).filter(testable));
  return targets;
}

/** One entry of the condition list: "« Type de demande » vaut « Naissance »". */
export interface ConditionChoice {
  /** Posted value: `egal:<id>:<value>`, `oui:<id>`, `non:<id>`, `rempli:<id>`, `vide:<id>`. */
  value: string;
  label: string;
  /** The question, to group the entries. */
  group: string;
  condition: Condition;
}

function shortLabel(field: Field): string {
  const label = field.label.trim() || field.id;
  return label.length > 80 ? `${label.slice(0, 79)}…` : label;
}

/** Every simple condition on the targets, in the order of the form. */
export function conditionChoices(targets: readonly Field[]): ConditionChoice[] {
  const out: ConditionChoice[] = [];
  for (const field of targets) {
    const group = shortLabel(field);
    const name = quote(group);
    if (isRepeatableGroup(field)) {
      out.push({
        value: `rempli:${field.id}`,
        label: `${name} contient au moins un élément`,
        group,
        condition: { field: field.id, filled: true },
      });
      out.push({
        value: `vide:${field.id}`,
        label: `${name} ne contient aucun élément`,
        group,
        condition: { field: field.id, filled: false },
      });
      continue;
    }
    if (field.type === 'yesno') {
      out.push({
        value: `oui:${field.id}`,
        label: `${name} vaut Oui`,
        group,
        condition: { field: field.id, equals: true },
      });
      out.push({
        value: `non:${field.id}`,
        label: `${name} vaut Non`,
        group,
        condition: { field: field.id, equals: false },
      });
    }
    for (const option of field.options ?? []) {
      out.push({
        value: `egal:${field.id}:${option.value}`,
        label: `${name} ${field.type === 'multichoice' ? 'a coché' : 'vaut'} ${quote(option.label)}`,
        group,
        condition: { field: field.id, equals: option.value },
      });
    }
    out.push({
      value: `rempli:${field.id}`,
      label: `${name} a une réponse`,
      group,
      condition: { field: field.id, filled: true },
    });
    out.push({
      value: `vide:${field.id}`,
      label: `${name} n’a pas de réponse`,
      group,
      condition: { field: field.id, filled: false },
    });
  }
  return out;
}

/** The posted value of the condition list for a condition; `garder` for one the list cannot express. */
export function conditionChoiceValue(condition: Condition | undefined): string {
  if (condition === undefined) return '';
  if ('all' in condition || 'any' in condition || 'in' in condition) return 'garder';
  if ('filled' in condition) return `${condition.filled ? 'rempli' : 'vide'}:${condition.field}`;
  if (condition.equals === undefined) return `rempli:${condition.field}`;
  if (typeof condition.equals === 'boolean') return `${condition.equals ? 'oui' : 'non'}:${condition.field}`;
  return `egal:${condition.field}:${condition.equals}`;
}

function lookupLabel(def: FormDefinition, fieldId: string): string {
  const found = findField(def, fieldId)?.field;
  return found ? quote(shortLabel(found)) : `${quote(fieldId)} (question introuvable)`;
}

/** A condition in French: "« Salle » vaut « La salle des fêtes » et « Matériel » vaut Oui". */
export function describeCondition(def: FormDefinition, condition: Condition, nested = false): string {
  if ('all' in condition || 'any' in condition) {
    const parts = 'all' in condition ? condition.all : condition.any;
    const text = parts.map((part) => describeCondition(def, part, true)).join('all' in condition ? ' et ' : ' ou ');
    return nested && parts.length > 1 ? `(${text})` : text;
  }
  const target = findField(def, condition.field)?.field;
  const name = lookupLabel(def, condition.field);
  const optionLabel = (value: string) =>
    quote(target?.options?.find((option) => option.value === value)?.label ?? value);
  if ('in' in condition) return `${name} vaut ${condition.in.map(optionLabel).join(' ou ')}`;
  const filled = 'filled' in condition ? condition.filled : condition.equals === undefined ? true : undefined;
  if (filled !== undefined) {
    if (target && isRepeatableGroup(target))
      return filled ? `${name} contient au moins un élément` : `${name} ne contient aucun élément`;
    return filled ? `${name} a une réponse` : `${name} n’a pas de réponse`;
  }
  const equals = (condition as { equals: string | boolean }).equals;
  if (typeof equals === 'boolean') return `${name} vaut ${equals ? 'Oui' : 'Non'}`;
  return `${name} ${target?.type === 'multichoice' ? 'a coché' : 'vaut'} ${optionLabel(equals)}`;
}

// ---------------------------------------------------------------------------
// Who uses a question

interface Usage {
  /** The used field. */
  fieldId: string;
  /** "la condition de la question « Nom » (page « Vous »)" */
  user: string;
}

function conditionUsers(def: FormDefinition, matches: (condition: Condition | undefined) => string[]): Usage[] {
  const out: Usage[] = [];
  for (const page of def.pages) {
    for (const fieldId of matches(page.condition))
      out.push({ fieldId, user: `la condition de la page ${quote(page.title)}` });
    const visit = (field: Field) => {
      for (const fieldId of matches(field.condition))
        out.push({ fieldId, user: `la condition de ${fieldName(def, field)} (page ${quote(page.title)})` });
      (field.fields ?? []).forEach(visit);
    };
    page.fields.forEach(visit);
  }
  return out;
}

function ruleUser(rule: RuleReference): string {
  return `la règle d’orientation n°\u00a0${rule.number} (vers ${quote(rule.serviceName)})`;
}

/** Who, in `def` and the rules, tests one of `ids`. */
function usagesOf(def: FormDefinition, ids: ReadonlySet<string>, rules: readonly RuleReference[]): Usage[] {
  return [
    ...conditionUsers(def, (condition) => conditionFieldIds(condition).filter((id) => ids.has(id))),
    ...rules.filter((rule) => ids.has(rule.fieldId)).map((rule) => ({ fieldId: rule.fieldId, user: ruleUser(rule) })),
  ];
}

function listInFrench(items: readonly string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? '';
  return `${unique.slice(0, -1).join(', ')} et ${unique[unique.length - 1]}`;
}

// ---------------------------------------------------------------------------
// Conditions placed before what they test

interface Violation {
  key: string;
  /** `page:<id>` or `field:<id>`. */
  owner: string;
  /** "la condition de la question « Précision »" */
  ownerName: string;
  /** "teste « Type », qui n’est pas placée avant elle" */
  problem: string;
}

/**
 * Conditions that test a question not placed before them (a page: not on an earlier page), or
 * a question inside a repeatable group from outside it.
 */
function conditionViolations(def: FormDefinition): Violation[] {
  const out: Violation[] = [];
  /** Field id → page index, for fields whose answer the rest of the form can test. */
  const seen = new Map<string, number>();
  const inRepeat = new Set<string>();
  for (const page of def.pages)
    for (const field of page.fields) if (field.repeat) for (const c of field.fields ?? []) inRepeat.add(c.id);
  const check = (condition: Condition | undefined, owner: string, allowed: (id: string) => boolean, why: string) => {
    for (const id of conditionFieldIds(condition)) {
      if (allowed(id)) continue;
      const reason = inRepeat.has(id) ? 'qui est dans un groupe répétable' : why;
      out.push({
        key: `${owner}→${id}`,
        owner,
        ownerName: ownerName(owner),
        problem: `teste ${lookupLabel(def, id)}, ${reason}`,
      });
    }
  };
  const names = new Map<string, string>();
  const ownerName = (owner: string) => names.get(owner) ?? owner;
  def.pages.forEach((page, pageIndex) => {
    const pageOwner = `page:${page.id}`;
    names.set(pageOwner, `la condition de la page ${quote(page.title)}`);
    check(
      page.condition,
      pageOwner,
      (id) => (seen.get(id) ?? pageIndex) < pageIndex,
      'qui n’est pas sur une page précédente',
    );
    for (const field of page.fields) {
      const owner = `field:${field.id}`;
      names.set(owner, `la condition de ${fieldName(def, field)}`);
      check(field.condition, owner, (id) => seen.has(id), 'qui n’est pas placée avant elle');
      seen.set(field.id, pageIndex);
      const siblings = new Set<string>();
      for (const child of field.fields ?? []) {
        const childOwner = `field:${child.id}`;
        names.set(childOwner, `la condition de ${fieldName(def, child)}`);
        check(child.condition, childOwner, (id) => seen.has(id) || siblings.has(id), 'qui n’est pas placée avant elle');
        if (field.repeat) siblings.add(child.id);
        else seen.set(child.id, pageIndex);
      }
    }
  });
  return out;
}

/** Refuses `next` when it has a misplaced condition that `previous` did not have. */
function refuseNewViolations(
  previous: FormDefinition,
  next: FormDefinition,
  what: string,
  options: { self?: string; setting?: EditRefusal['setting'] } = {},
): void {
  const before = new Set(conditionViolations(previous).map((violation) => violation.key));
  const added = conditionViolations(next).filter((violation) => !before.has(violation.key));
  if (added.length > 0) {
    const texts = added.map(
      (violation) => `${violation.owner === options.self ? 'sa condition' : violation.ownerName} ${violation.problem}`,
    );
    throw new EditRefusal(
      `${what} : ${listInFrench(texts)}. Une condition ne peut tester qu’une question placée avant elle, hors d’un groupe répétable.`,
      options.setting,
    );
  }
}

// ---------------------------------------------------------------------------
// Operations on the form and its pages

/** Changes the title of the form and its summary (shown on the démarche's start page). */
export function setFormPresentation(def: FormDefinition, title: string, summary: string): FormDefinition {
  const next = structuredClone(def);
  next.title = title;
  if (summary === '') delete next.summary;
  else next.summary = summary;
  return next;
}

/** Adds a page at the end; its id comes from its title. */
export function addPage(def: FormDefinition, title: string): { definition: FormDefinition; pageId: string } {
  if (def.pages.length >= LIMITS.pages)
    throw new EditRefusal(`Le formulaire a déjà ${LIMITS.pages} pages, le maximum.`);
  const next = structuredClone(def);
  const pageId = pageIdFromTitle(title, new Set(def.pages.map((page) => page.id)));
  next.pages.push({ id: pageId, title, fields: [] });
  return { definition: next, pageId };
}

/** Changes a page's title and condition (undefined: always shown). */
export function updatePage(
  def: FormDefinition,
  pageId: string,
  changes: { title: string; condition: Condition | undefined },
): FormDefinition {
  const next = structuredClone(def);
  const page = next.pages[requirePageIndex(next, pageId)]!;
  page.title = changes.title;
  if (changes.condition === undefined) delete page.condition;
  else page.condition = changes.condition;
  refuseNewViolations(def, next, `La page ${quote(changes.title)} ne peut pas avoir cette condition`, {
    self: `page:${pageId}`,
  });
  return next;
}

function swap<T>(list: T[], index: number, direction: Direction): boolean {
  const other = direction === 'up' ? index - 1 : index + 1;
  if (other < 0 || other >= list.length) return false;
  [list[index], list[other]] = [list[other]!, list[index]!];
  return true;
}

/** Moves a page one place up or down. */
export function movePage(def: FormDefinition, pageId: string, direction: Direction): FormDefinition {
  const next = structuredClone(def);
  const index = requirePageIndex(next, pageId);
  const title = quote(next.pages[index]!.title);
  if (!swap(next.pages, index, direction))
    throw new EditRefusal(`La page ${title} est déjà la ${direction === 'up' ? 'première' : 'dernière'}.`);
  refuseNewViolations(def, next, `La page ${title} ne peut pas être déplacée`, { self: `page:${pageId}` });
  return next;
}

/** Deletes a page and its questions; refused for the only page and when its questions are used elsewhere. */
export function deletePage(def: FormDefinition, pageId: string, rules: readonly RuleReference[]): FormDefinition {
  const index = requirePageIndex(def, pageId);
  const page = def.pages[index]!;
  if (def.pages.length === 1)
    throw new EditRefusal(`La page ${quote(page.title)} est la seule du formulaire : elle ne peut pas être supprimée.`);
  const next = structuredClone(def);
  next.pages.splice(index, 1);
  const ids = new Set(page.fields.flatMap((field) => [field.id, ...(field.fields ?? []).map((child) => child.id)]));
  const usages = usagesOf(next, ids, rules);
  if (usages.length > 0) {
    const used = [...new Set(usages.map((usage) => usage.fieldId))].map((id) => lookupLabel(def, id));
    throw new EditRefusal(
      `La page ${quote(page.title)} ne peut pas être supprimée : ${used.length > 1 ? 'ses questions' : 'sa question'} ${listInFrench(used)} ${used.length > 1 ? 'sont utilisées' : 'est utilisée'} par ${listInFrench(usages.map((usage) => usage.user))}. Modifiez d’abord ${usages.length > 1 ? 'ces conditions ou règles' : 'cette condition ou règle'}.`,
    );
  }
  return next;
}

// ---------------------------------------------------------------------------
// Operations on questions

const DEFAULT_FILE: NonNullable<Field['file']> = {
  accept: ['pdf', 'jpeg', 'png'],
  maxBytes: 10 * 1024 * 1024,
  maxFiles: 1,
};

/** A new question of a kind, with the settings that make it usable at once where possible. */
function newField(kind: NewFieldKind, id: string, label: string): Field {
  const type: FieldType = kind === 'repeatableGroup' ? 'group' : kind;
  const field: Field = { id, type, label };
  if (isAnswerable(field)) field.required = true;
  if (type === 'choice' || type === 'multichoice') field.options = [];
  if (type === 'file') field.file = structuredClone(DEFAULT_FILE);
  if (type === 'group') field.fields = [];
  if (kind === 'repeatableGroup') field.repeat = { min: 1, max: 10, itemLabel: 'élément' };
  if (type === 'explanation') field.content = '';
  return field;
}

/**
 * Adds a question at the end of a page, or of a group of that page (`groupId`). Its id comes
 * from its label and never changes afterwards (conditions and routing rules refer to it).
 */
export function addField(
  def: FormDefinition,
  target: { pageId: string; groupId?: string },
  kind: NewFieldKind,
  label: string,
): { definition: FormDefinition; fieldId: string } {
  if (allFields(def).length >= LIMITS.fields)
    throw new EditRefusal(`Le formulaire a déjà ${LIMITS.fields} questions, le maximum.`);
  const next = structuredClone(def);
  const page = next.pages[requirePageIndex(next, target.pageId)]!;
  let list = page.fields;
  if (target.groupId !== undefined) {
    const group = page.fields.find((field) => field.id === target.groupId && field.type === 'group');
    if (!group) throw new EditRefusal('Ce groupe n’existe plus sur cette page.');
    if (kind === 'group' || kind === 'repeatableGroup')
      throw new EditRefusal('Un groupe ne peut pas contenir un autre groupe.');
    if (kind === 'file' && group.repeat !== undefined)
      throw new EditRefusal(
        'Un groupe répétable ne peut pas contenir de fichier joint : placez la question hors du groupe (elle peut accepter plusieurs fichiers).',
      );
    group.fields ??= [];
    list = group.fields;
  }
  const fieldId = fieldIdFromLabel(label || FIELD_KIND_LABELS[kind].label, fieldIds(def));
  list.push(newField(kind, fieldId, label));
  return { definition: next, fieldId };
}

/**
 * Replaces a question by its edited version (same id and type; a group keeps its questions).
 * Refused when it drops an option that a condition or a routing rule tests, or when its new
 * settings leave a condition testing a question placed after it.
 */
export function replaceField(def: FormDefinition, edited: Field, rules: readonly RuleReference[]): FormDefinition {
  const place = requireField(def, edited.id);
  const old = place.field;
  if (edited.type !== old.type) throw new EditRefusal('Le type d’une question ne peut pas être changé.');
  const next = structuredClone(def);
  const nextPlace = requireField(next, edited.id);
  const replacement: Field = structuredClone(edited);
  if (old.type === 'group') replacement.fields = structuredClone(old.fields ?? []);
  nextPlace.siblings[nextPlace.index] = replacement;

  const kept = new Set((replacement.options ?? []).map((option) => option.value));
  const dropped = (old.options ?? []).filter((option) => !kept.has(option.value));
  for (const option of dropped) {
    const users = [
      ...conditionUsers(next, (condition) => (conditionTestsValue(condition, old.id, option.value) ? [old.id] : [])),
      ...rules
        .filter((rule) => rule.fieldId === old.id && rule.equals === option.value)
        .map((rule) => ({ fieldId: old.id, user: ruleUser(rule) })),
    ];
    if (users.length > 0) {
      throw new EditRefusal(
        `Le choix ${quote(option.label)} ne peut pas être retiré ou renommé : il est utilisé par ${listInFrench(users.map((usage) => usage.user))}. Gardez-le tel quel, ou modifiez d’abord ${users.length > 1 ? 'ces conditions ou règles' : 'cette condition ou règle'}.`,
        'options',
      );
    }
  }
  if (old.type === 'group' && old.repeat === undefined && replacement.repeat !== undefined) {
    if ((old.fields ?? []).some((child) => child.type === 'file'))
      throw new EditRefusal(
        `Le groupe ${quote(old.label)} ne peut pas devenir répétable : il contient un fichier joint, impossible dans un groupe répétable.`,
        'repeatable',
      );
  }
  const becameRepeatable = old.repeat === undefined && replacement.repeat !== undefined;
  refuseNewViolations(def, next, `${capitalize(fieldName(def, old))} ne peut pas avoir ces réglages`, {
    self: `field:${old.id}`,
    setting: becameRepeatable ? 'repeatable' : 'condition',
  });
  return next;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Moves a question one place up or down in its page (or its group). */
export function moveField(def: FormDefinition, fieldId: string, direction: Direction): FormDefinition {
  const next = structuredClone(def);
  const place = requireField(next, fieldId);
  const name = fieldName(def, place.field);
  if (!swap(place.siblings, place.index, direction)) {
    const where = place.group ? 'du groupe' : 'de la page';
    throw new EditRefusal(
      `${capitalize(name)} est déjà ${direction === 'up' ? 'la première' : 'la dernière'} ${where}${place.group ? '' : ' : pour la mettre sur une autre page, utilisez « Déplacer vers une autre page » dans ses réglages'}.`,
    );
  }
  refuseNewViolations(def, next, `${capitalize(name)} ne peut pas être déplacée`, { self: `field:${fieldId}` });
  return next;
}

/** Moves a question (with its group's questions) to the end of another page. */
export function moveFieldToPage(def: FormDefinition, fieldId: string, pageId: string): FormDefinition {
  const next = structuredClone(def);
  const place = requireField(next, fieldId);
  const name = capitalize(fieldName(def, place.field));
  if (place.group)
    throw new EditRefusal(`${name} fait partie du groupe ${quote(place.group.label)} : elle se déplace avec lui.`);
  const target = next.pages[requirePageIndex(next, pageId)]!;
  if (target === place.page) throw new EditRefusal(`${name} est déjà sur la page ${quote(target.title)}.`);
  place.page.fields.splice(place.index, 1);
  target.fields.push(place.field);
  refuseNewViolations(def, next, `${name} ne peut pas aller sur la page ${quote(target.title)}`, {
    self: `field:${fieldId}`,
  });
  return next;
}

/** Deletes a question (a group with its questions); refused when a condition or a routing rule uses it. */
export function deleteField(def: FormDefinition, fieldId: string, rules: readonly RuleReference[]): FormDefinition {
  const next = structuredClone(def);
  const place = requireField(next, fieldId);
  place.siblings.splice(place.index, 1);
  const ids = new Set([place.field.id, ...(place.field.fields ?? []).map((child) => child.id)]);
  const usages = usagesOf(next, ids, rules);
  if (usages.length > 0) {
    const viaChild = usages.some((usage) => usage.fieldId !== place.field.id);
    throw new EditRefusal(
      `${capitalize(fieldName(def, place.field))} ne peut pas être supprimée : ${viaChild ? 'ses questions sont utilisées' : 'elle est utilisée'} par ${listInFrench(usages.map((usage) => usage.user))}. Modifiez d’abord ${usages.length > 1 ? 'ces conditions ou règles' : 'cette condition ou règle'}.`,
    );
  }
  return next;
}

// ---------------------------------------------------------------------------
// What to complete or fix before saving a version

export interface DefinitionProblem {
  pageId?: string;
  fieldId?: string;
  /** French, with where it is: "Page 2 « Vous », question « Nom » : …". */
  message: string;
}

const NBSP = '\u00a0';
const ENGINE_PATH = /^pages\[(\d+)\](?:\.fields\[(\d+)\](?:\.fields\[(\d+)\])?)?((?:\.[A-Za-z]+(?:\[\d+\])?)*)$/;

function where(def: FormDefinition, pageIndex: number, field?: Field): string {
  const page = def.pages[pageIndex];
  const pagePart = `Page ${pageIndex + 1}${page ? ` ${quote(page.title)}` : ''}`;
  return field ? `${pagePart}, ${fieldName(def, field)}` : pagePart;
}

/**
 * Everything to complete or fix before the definition can become a version: first what the
 * editor leaves incomplete (in plain words), then the other errors of `parseFormDefinition`,
 * each attached to its page or question.
 */
export function definitionProblems(def: FormDefinition, rules: readonly RuleReference[] = []): DefinitionProblem[] {
  const out: DefinitionProblem[] = [];
  /** `pageIndex/fieldPath/property` already explained in plain words. */
  const explained = new Set<string>();
  def.pages.forEach((page, pageIndex) => {
    if (page.fields.length === 0) {
      out.push({
        pageId: page.id,
        message: `${where(def, pageIndex)} : la page n’a pas encore de question ; ajoutez-en une ou supprimez la page.`,
      });
      explained.add(`${pageIndex}//fields`);
    }
    const visit = (field: Field, path: string) => {
      const at = `${where(def, pageIndex, field)} : `;
      const minimum = field.type === 'choice' ? 2 : 1;
      if ((field.type === 'choice' || field.type === 'multichoice') && (field.options ?? []).length < minimum) {
        out.push({
          pageId: page.id,
          fieldId: field.id,
          message: `${at}saisissez ${minimum === 2 ? 'au moins deux choix' : 'au moins un choix'}.`,
        });
        explained.add(`${pageIndex}/${path}/options`);
      }
      if (field.type === 'group' && (field.fields ?? []).length === 0) {
        out.push({ pageId: page.id, fieldId: field.id, message: `${at}ajoutez au moins une question dans le groupe.` });
        explained.add(`${pageIndex}/${path}/fields`);
      }
      if (field.type === 'explanation' && (field.content ?? '').trim() === '') {
        out.push({ pageId: page.id, fieldId: field.id, message: `${at}saisissez le texte à afficher.` });
        explained.add(`${pageIndex}/${path}/content`);
      }
      for (const [index, child] of (field.fields ?? []).entries()) visit(child, `${path}.${index}`);
    };
    for (const [index, field] of page.fields.entries()) visit(field, String(index));
  });
  const parsed = parseFormDefinition(def);
  if (!parsed.ok) {
    for (const error of parsed.errors) {
      const split = error.indexOf(`${NBSP}: `);
      const path = split >= 0 ? error.slice(0, split) : '';
      const message = split >= 0 ? error.slice(split + 3) : error;
      const match = ENGINE_PATH.exec(path);
      if (!match) {
        out.push({ message: path === '' ? message : `Formulaire (${path}) : ${message}` });
        continue;
      }
      const pageIndex = Number(match[1]);
      const page = def.pages[pageIndex];
      const top = match[2] === undefined ? undefined : page?.fields[Number(match[2])];
      const field = match[3] === undefined ? top : top?.fields?.[Number(match[3])];
      const fieldPath = match[2] === undefined ? '' : match[3] === undefined ? match[2] : `${match[2]}.${match[3]}`;
      const property = (match[4] ?? '').split('.')[1]?.replace(/\[\d+\]$/, '') ?? '';
      if (explained.has(`${pageIndex}/${fieldPath}/${property}`)) continue;
      out.push({
        ...(page ? { pageId: page.id } : {}),
        ...(field ? { fieldId: field.id } : {}),
        message: `${where(def, pageIndex, field)} : ${message}`,
      });
    }
  }
  out.push(...ruleProblems(def, rules).map((message) => ({ message })));
  return out;
}

/** Routing rules that the definition breaks: a question gone, no longer a choice, an option gone. */
export function ruleProblems(def: FormDefinition, rules: readonly RuleReference[]): string[] {
  const out: string[] = [];
  for (const rule of rules) {
    const place = findField(def, rule.fieldId);
    const field = place?.field;
    const prefix = `${capitalize(ruleUser(rule))} teste la question ${quote(rule.fieldId)}`;
    if (!field)
      out.push(
        `${prefix}, absente du formulaire : gardez cette question ou modifiez la règle sur la page de la démarche.`,
      );
    else if ((field.type !== 'choice' && field.type !== 'multichoice') || place.group)
      out.push(`${prefix}, qui doit rester une question à choix hors d’un groupe.`);
    else if (!(field.options ?? []).some((option) => option.value === rule.equals))
      out.push(`${prefix} : le choix ${quote(rule.equals)} n’existe plus ; gardez-le ou modifiez la règle.`);
  }
  return out;
}
