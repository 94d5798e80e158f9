/**
 * Form definitions ("démarches"): declarative JSON, versioned by `schemaVersion`, checked by
 * `parseFormDefinition` before any use. The checks are structural (types, known properties) and
 * semantic (unique ids, conditions that refer to earlier fields, options of choice fields, file
 * constraints, safe regular expressions, size limits). Every error is a precise French sentence
 * prefixed by the path of the faulty element, e.g.
 * `pages[1].fields[2] : le type « radio » n’existe pas (types possibles : …)`.
 *
 * `FORM_DEFINITION_JSON_SCHEMA` describes the same structure as a JSON Schema (for editors and
 * import/export); the semantic rules only live in `parseFormDefinition`.
 */
import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import { DOCUMENT_KINDS, type DocumentKind } from './document-kinds.js';

// canonicalize is CommonJS (module.exports = fn): under NodeNext its default import is the function.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

export const FIELD_TYPES = [
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
  'section',
  'explanation',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** File kinds a file field may accept; the requests module checks them by content (magic bytes). */
export const FILE_KINDS = ['pdf', 'jpeg', 'png', 'webp', 'heic', 'odt', 'docx'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** Profile data that can prefill a field ("dites-le-nous une fois"). */
export const PREFILL_KEYS = ['givenName', 'familyName', 'email', 'phone', 'address', 'birthDate'] as const;
export type PrefillKey = (typeof PREFILL_KEYS)[number];

/** Presentation of an explanation field. */
export const EXPLANATION_APPEARANCES = ['paragraph', 'inset', 'details', 'warning'] as const;
export type ExplanationAppearance = (typeof EXPLANATION_APPEARANCES)[number];

export type Condition =
  | { field: string; equals?: string | boolean }
  | { field: string; in: string[] }
  | { field: string; filled: boolean }
  | { all: Condition[] }
  | { any: Condition[] };

export interface FieldValidation {
  /** number: smallest value; multichoice: fewest options to tick. */
  min?: number;
  /** number: largest value; multichoice: most options to tick. */
  max?: number;
  minLength?: number;
  maxLength?: number;
  /** Whole-value regular expression (anchored), checked for safety at parse time. */
  pattern?: string;
  patternMessage?: string;
  /** `today`, `today+N` / `today-N` (days, Europe/Paris) or `YYYY-MM-DD`; inclusive. */
  minDate?: 'today' | string;
  maxDate?: 'today' | string;
  /** number: whole numbers only. */
  integer?: boolean;
}

export interface Field {
  id: string;
  type: FieldType;
  label: string;
  hint?: string;
  required?: boolean;
  /** Replaces the generated "Saisissez …" message when a required field is empty. */
  requiredMessage?: string;
  condition?: Condition;
  options?: { value: string; label: string }[];
  validation?: FieldValidation;
  /**
   * `documentKind`: the kind of supporting document asked for (the vault's kinds): a signed-in
   * citizen may then use a valid document of that kind from "mes justificatifs" instead of
   * uploading it, and save an uploaded one there.
   */
  file?: { accept: Array<FileKind>; maxBytes: number; maxFiles: number; documentKind?: DocumentKind };
  prefill?: PrefillKey;
  fields?: Field[];
  /** Repeatable group; `addLabel` e.g. "Ajouter un autre équipement". */
  repeat?: { min: number; max: number; itemLabel: string; addLabel?: string };
  /** Section: optional introduction; explanation: the text (blank lines separate paragraphs, "- " starts a bullet). */
  content?: string;
  /** Explanation only. */
  appearance?: ExplanationAppearance;
}

export interface FormPage {
  id: string;
  title: string;
  condition?: Condition;
  fields: Field[];
}

export interface FormDefinition {
  schemaVersion: 1;
  title: string;
  summary?: string;
  /** The texts the démarche rests on, shown to the citizen in a « Base légale » line. */
  legalBasis?: string;
  pages: FormPage[];
}

export const LIMITS = {
  pages: 50,
  fields: 300,
  options: 200,
  idLength: 64,
  titleLength: 200,
  labelLength: 300,
  hintLength: 1000,
  contentLength: 5000,
  messageLength: 300,
  optionLabelLength: 200,
  patternLength: 200,
  conditionDepth: 5,
  conditionValues: 100,
  maxBytes: 50 * 1024 * 1024,
  maxFiles: 20,
  repeatMax: 50,
  /** Longest text accepted when the definition sets no maxLength. */
  textMaxLength: 1000,
  textareaMaxLength: 10000,
} as const;

const FIELD_ID = /^[A-Za-z][A-Za-z0-9_]*$/;
const PAGE_ID = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** Page ids that would collide with the other steps of a démarche's address (…/verifier). */
export const RESERVED_PAGE_IDS: ReadonlySet<string> = new Set([
  'commencer',
  'verifier',
  'envoyer',
  'refaire',
  'recommencer',
]);
/** Field ids that would collide with names or ids the page already uses. */
const RESERVED_FIELD_IDS = new Set(['action', 'contenu', 'navigation']);
/** Names inherited by every object (`constructor`, `toString`…): never field ids. */
const INHERITED_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));
const RELATIVE_DATE = /^today(?:([+-])(\d{1,5}))?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `id` may name a field: the format of field ids, and neither a reserved nor an inherited name. */
export function isUsableFieldId(id: string): boolean {
  return FIELD_ID.test(id) && id.length <= LIMITS.idLength && !RESERVED_FIELD_IDS.has(id) && !INHERITED_NAMES.has(id);
}

/** Whether `id` may name a page. */
export function isUsablePageId(id: string): boolean {
  return PAGE_ID.test(id) && id.length <= LIMITS.idLength && !RESERVED_PAGE_IDS.has(id);
}

/** Field types that carry an answer. */
export function isAnswerable(field: Pick<Field, 'type'>): boolean {
  return field.type !== 'section' && field.type !== 'explanation' && field.type !== 'group';
}

export function isRepeatableGroup(field: Field): boolean {
  return field.type === 'group' && field.repeat !== undefined;
}

/** Every field of a definition in document order, children of groups right after their group. */
export function allFields(def: FormDefinition): Array<{ field: Field; page: FormPage; group?: Field }> {
  const out: Array<{ field: Field; page: FormPage; group?: Field }> = [];
  for (const page of def.pages) {
    for (const field of page.fields) {
      out.push({ field, page });
      for (const child of field.fields ?? []) out.push({ field: child, page, group: field });
    }
  }
  return out;
}

export function findPage(def: FormDefinition, pageId: string): FormPage | undefined {
  return def.pages.find((page) => page.id === pageId);
}

/** Stable SHA-256 of the definition (RFC 8785 JSON): the same content always gives the same value. */
export function definitionFingerprint(def: FormDefinition): string {
  return createHash('sha256')
    .update(canonicalize(def) ?? '')
    .digest('hex');
}

// ---------------------------------------------------------------------------
// Dates used in validation bounds

/** A valid calendar date as `YYYY-MM-DD`, or null. */
export function isoDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  date.setUTCFullYear(year);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const parisDateFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today's date in Europe/Paris as `YYYY-MM-DD`. */
export function parisToday(now: Date = new Date()): string {
  return parisDateFormat.format(now);
}

function addDays(iso: string, days: number): string {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day + days));
  return date.toISOString().slice(0, 10);
}

/** Resolves a date bound (`today`, `today+N`, `today-N`, `YYYY-MM-DD`) to `YYYY-MM-DD`, or null. */
export function resolveDateBound(bound: string, now: Date = new Date()): string | null {
  const relative = RELATIVE_DATE.exec(bound);
  if (relative) {
    const offset = relative[2] === undefined ? 0 : Number(relative[2]) * (relative[1] === '-' ? -1 : 1);
    return addDays(parisToday(now), offset);
  }
  const absolute = ISO_DATE.exec(bound);
  if (absolute) return isoDate(Number(absolute[1]), Number(absolute[2]), Number(absolute[3]));
  return null;
}

// ---------------------------------------------------------------------------
// Regular expressions supplied by form authors

/**
 * Why a pattern is refused, or null when it is acceptable. Patterns are matched against the
 * whole answer with the `u` flag; to keep matching linear enough for answers of at most a few
 * thousand characters, we refuse back-references and quantified groups that themselves contain
 * a quantifier or an alternation (`(a+)+`, `(a|ab)*`, `(\d{2} ?){20}`), the classic sources of
 * catastrophic backtracking.
 */
export function unsafePatternReason(pattern: string): string | null {
  if (pattern.length > LIMITS.patternLength) {
    return `l’expression régulière est trop longue (${pattern.length} caractères, ${LIMITS.patternLength} au maximum)`;
  }
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    return `l’expression régulière ne peut pas être compilée (${(error as Error).message})`;
  }
  // Tokenize: escapes and character classes are atoms; track groups.
  interface GroupState {
    risky: boolean;
  }
  const stack: GroupState[] = [{ risky: false }];
  let lastAtom: 'none' | 'atom' | 'group' = 'none';
  let lastGroupRisky = false;
  let index = 0;
  const quantifierAt = (at: number): { length: number; unbounded: boolean; upper: number } | null => {
    const char = pattern[at];
    if (char === '*' || char === '+') return { length: 1, unbounded: true, upper: Number.POSITIVE_INFINITY };
    if (char === '?') return { length: 1, unbounded: false, upper: 1 };
    if (char === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(at));
      if (match) {
        const unbounded = match[2] !== undefined && match[3] === '';
        const upper = unbounded ? Number.POSITIVE_INFINITY : Number(match[3] ?? match[1]);
        return { length: match[0].length, unbounded, upper };
      }
    }
    return null;
  };
  while (index < pattern.length) {
    const char = pattern[index] as string;
    const quantifier = quantifierAt(index);
    if (quantifier && lastAtom !== 'none') {
      let length = quantifier.length;
      if (pattern[index + length] === '?') length += 1; // lazy
      const current = stack[stack.length - 1] as GroupState;
      if (lastAtom === 'group' && lastGroupRisky && (quantifier.unbounded || quantifier.upper > 10)) {
        return 'l’expression régulière contient un groupe répété qui contient lui-même une répétition ou une alternative (risque de blocage) ; simplifiez-la';
      }
      current.risky = true;
      lastAtom = 'none';
      index += length;
      continue;
    }
    if (char === '\\') {
      const next = pattern[index + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') {
        return 'l’expression régulière utilise une référence arrière (\\1, \\k<…>), non autorisée';
      }
      lastAtom = 'atom';
      index += 2;
      continue;
    }
    if (char === '[') {
      // Skip the character class, honouring escapes.
      index += 1;
      if (pattern[index] === '^') index += 1;
      if (pattern[index] === ']') index += 1;
      while (index < pattern.length && pattern[index] !== ']') index += pattern[index] === '\\' ? 2 : 1;
      index += 1;
      lastAtom = 'atom';
      continue;
    }
    if (char === '(') {
      stack.push({ risky: false });
      // Skip group modifiers such as ?:, ?=, ?!, ?<=, ?<!, ?<name>.
      index += 1;
      if (pattern[index] === '?') {
        const modifier = /^\?(?::|=|!|<=|<!|<[A-Za-z][A-Za-z0-9]*>)/.exec(pattern.slice(index));
        index += modifier ? modifier[0].length : 1;
      }
      lastAtom = 'none';
      continue;
    }
    if (char === ')') {
      const closed = stack.pop() ?? { risky: false };
      if (stack.length === 0) stack.push({ risky: false });
      lastGroupRisky = closed.risky;
      // A risky inner group makes the enclosing group risky too.
      if (closed.risky) (stack[stack.length - 1] as GroupState).risky = true;
      lastAtom = 'group';
      index += 1;
      continue;
    }
    if (char === '|') {
      (stack[stack.length - 1] as GroupState).risky = true;
      lastAtom = 'none';
      index += 1;
      continue;
    }
    lastAtom = char === '^' || char === '$' ? 'none' : 'atom';
    index += 1;
  }
  return null;
}

/** The author's pattern as an anchored, Unicode-aware regular expression. */
export function compilePattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}

// ---------------------------------------------------------------------------
// Parsing and checking

type Json = Record<string, unknown>;

const NBSP = '\u00a0';
/** French quotation marks with no-break spaces. */
export function quote(text: string): string {
  return `«${NBSP}${text}${NBSP}»`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'une liste';
  if (typeof value === 'string') return quote(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'un objet';
  return String(value);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const FIELD_KEYS = [
  'id',
  'type',
  'label',
  'hint',
  'required',
  'requiredMessage',
  'condition',
  'options',
  'validation',
  'file',
  'prefill',
  'fields',
  'repeat',
  'content',
  'appearance',
] as const;
const PAGE_KEYS = ['id', 'title', 'condition', 'fields'] as const;
const ROOT_KEYS = ['schemaVersion', 'title', 'summary', 'legalBasis', 'pages'] as const;
const VALIDATION_KEYS = [
  'min',
  'max',
  'minLength',
  'maxLength',
  'pattern',
  'patternMessage',
  'minDate',
  'maxDate',
  'integer',
] as const;
const FILE_KEYS = ['accept', 'maxBytes', 'maxFiles', 'documentKind'] as const;
const REPEAT_KEYS = ['min', 'max', 'itemLabel', 'addLabel'] as const;
const OPTION_KEYS = ['value', 'label'] as const;

/** Which validation rules apply to which field types. */
const VALIDATION_APPLIES: Record<(typeof VALIDATION_KEYS)[number], readonly FieldType[]> = {
  min: ['number', 'multichoice'],
  max: ['number', 'multichoice'],
  integer: ['number'],
  minLength: ['text', 'textarea'],
  maxLength: ['text', 'textarea'],
  pattern: ['text'],
  patternMessage: ['text'],
  minDate: ['date'],
  maxDate: ['date'],
};

/** Which profile data may prefill which field types. */
export const PREFILL_APPLIES: Record<PrefillKey, readonly FieldType[]> = {
  givenName: ['text'],
  familyName: ['text'],
  email: ['email', 'text'],
  phone: ['phone', 'text'],
  address: ['address'],
  birthDate: ['date'],
};

const TYPE_NAMES: Record<FieldType, string> = {
  text: 'texte',
  textarea: 'texte long',
  number: 'nombre',
  date: 'date',
  email: 'adresse e-mail',
  phone: 'téléphone',
  address: 'adresse postale',
  choice: 'choix unique',
  multichoice: 'choix multiple',
  yesno: 'oui ou non',
  file: 'fichier',
  group: 'groupe',
  section: 'titre de section',
  explanation: 'texte explicatif',
};

/** Where a field may be referred to by a condition, and what it is. */
interface ScopeEntry {
  field: Field;
  pageIndex: number;
}

class Checker {
  readonly errors: string[] = [];
  fieldCount = 0;
  readonly pageIds = new Set<string>();
  readonly fieldIds = new Map<string, string>();
  /** Every field id written in the document (before checking), to tell "later" from "unknown". */
  readonly declaredIds = new Set<string>();
  /** Children of repeatable groups: their answers live inside each item. */
  readonly repeatedIds = new Set<string>();

  error(path: string, message: string): void {
    this.errors.push(path === '' ? message : `${path}${NBSP}: ${message}`);
  }

  unknownKeys(path: string, value: Json, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        this.error(
          path,
          `la propriété ${quote(key)} n’est pas reconnue (propriétés possibles${NBSP}: ${allowed.join(', ')})`,
        );
      }
    }
  }

  string(
    path: string,
    value: unknown,
    what: string,
    options: { required: boolean; max: number; allowEmpty?: boolean },
  ): string | undefined {
    if (value === undefined) {
      if (options.required) this.error(path, `${what} est obligatoire`);
      return undefined;
    }
    if (typeof value !== 'string') {
      this.error(path, `${what} doit être un texte (reçu${NBSP}: ${describe(value)})`);
      return undefined;
    }
    if (value.trim() === '' && !options.allowEmpty) {
      this.error(path, `${what} ne peut pas être vide`);
      return undefined;
    }
    if (value.length > options.max) {
      this.error(path, `${what} est trop long (${value.length} caractères, ${options.max} au maximum)`);
      return undefined;
    }
    return value;
  }

  integer(path: string, value: unknown, what: string, min: number, max: number): number | undefined {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.error(path, `${what} doit être un nombre entier (reçu${NBSP}: ${describe(value)})`);
      return undefined;
    }
    if (value < min || value > max) {
      this.error(path, `${what} doit être entre ${min} et ${max} (reçu${NBSP}: ${value})`);
      return undefined;
    }
    return value;
  }

  boolean(path: string, value: unknown, what: string): boolean | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      this.error(path, `${what} doit valoir true ou false (reçu${NBSP}: ${describe(value)})`);
      return undefined;
    }
    return value;
  }

  condition(
    path: string,
    value: unknown,
    scope: ReadonlyMap<string, ScopeEntry>,
    isAllowed: (entry: ScopeEntry) => string | null,
    depth = 1,
  ): Condition | undefined {
    if (!isObject(value)) {
      this.error(path, `la condition doit être un objet (reçu${NBSP}: ${describe(value)})`);
      return undefined;
    }
    if (depth > LIMITS.conditionDepth) {
      this.error(
        path,
        `les conditions sont imbriquées trop profondément (${LIMITS.conditionDepth} niveaux au maximum)`,
      );
      return undefined;
    }
    for (const combinator of ['all', 'any'] as const) {
      if (combinator in value) {
        this.unknownKeys(path, value, [combinator]);
        const list = value[combinator];
        if (!Array.isArray(list) || list.length === 0) {
          this.error(path, `${quote(combinator)} doit être une liste non vide de conditions`);
          return undefined;
        }
        const parts = list.map((item, index) =>
          this.condition(`${path}.${combinator}[${index}]`, item, scope, isAllowed, depth + 1),
        );
        if (parts.some((part) => part === undefined)) return undefined;
        return combinator === 'all' ? { all: parts as Condition[] } : { any: parts as Condition[] };
      }
    }
    if (!('field' in value)) {
      this.error(
        path,
        'la condition doit porter sur un champ («\u00a0field\u00a0») ou combiner des conditions («\u00a0all\u00a0», «\u00a0any\u00a0»)',
      );
      return undefined;
    }
    const operators = (['equals', 'in', 'filled'] as const).filter((key) => key in value);
    this.unknownKeys(path, value, ['field', 'equals', 'in', 'filled']);
    if (operators.length !== 1) {
      this.error(
        path,
        'la condition doit comporter exactement un opérateur parmi «\u00a0equals\u00a0», «\u00a0in\u00a0» et «\u00a0filled\u00a0»',
      );
      return undefined;
    }
    const fieldId = value.field;
    if (typeof fieldId !== 'string') {
      this.error(path, `«${NBSP}field${NBSP}» doit être l’identifiant d’un champ (reçu${NBSP}: ${describe(fieldId)})`);
      return undefined;
    }
    const entry = scope.get(fieldId);
    if (entry === undefined) {
      this.error(
        path,
        this.repeatedIds.has(fieldId)
          ? `la condition porte sur le champ ${quote(fieldId)}, qui appartient à un groupe répétable (seuls les autres champs du même élément peuvent s’y référer)`
          : this.fieldIds.has(fieldId) || this.declaredIds.has(fieldId)
            ? `la condition porte sur le champ ${quote(fieldId)}, qui n’est pas placé avant (une condition ne peut porter que sur un champ précédent)`
            : `la condition porte sur le champ ${quote(fieldId)}, qui n’existe pas`,
      );
      return undefined;
    }
    const refused = isAllowed(entry);
    if (refused !== null) {
      this.error(path, refused);
      return undefined;
    }
    const target = entry.field;
    const operator = operators[0] as 'equals' | 'in' | 'filled';
    if (operator !== 'filled' && !isAnswerable(target)) {
      this.error(
        path,
        `le champ ${quote(fieldId)} est de type ${quote(target.type)}${NBSP}: seule la condition «${NBSP}filled${NBSP}» s’y applique`,
      );
      return undefined;
    }
    if (operator === 'filled') {
      if (typeof value.filled !== 'boolean') {
        this.error(path, `«${NBSP}filled${NBSP}» doit valoir true ou false (reçu${NBSP}: ${describe(value.filled)})`);
        return undefined;
      }
      if (!isAnswerable(target) && !isRepeatableGroup(target)) {
        this.error(path, `le champ ${quote(fieldId)} de type ${quote(target.type)} ne reçoit pas de réponse`);
        return undefined;
      }
      return { field: fieldId, filled: value.filled };
    }
    const optionValues = target.options?.map((option) => option.value);
    const checkValue = (candidate: unknown, where: string): boolean => {
      if (target.type === 'yesno') {
        if (typeof candidate !== 'boolean') {
          this.error(
            where,
            `le champ ${quote(fieldId)} est de type oui/non${NBSP}: comparez-le à true ou false (reçu${NBSP}: ${describe(candidate)})`,
          );
          return false;
        }
        return true;
      }
      if (typeof candidate !== 'string') {
        this.error(where, `la valeur comparée doit être un texte (reçu${NBSP}: ${describe(candidate)})`);
        return false;
      }
      if (optionValues !== undefined && !optionValues.includes(candidate)) {
        this.error(
          where,
          `la valeur ${quote(candidate)} n’est pas une option du champ ${quote(fieldId)} (options${NBSP}: ${optionValues.join(', ')})`,
        );
        return false;
      }
      return true;
    };
    if (operator === 'equals') {
      if (!checkValue(value.equals, path)) return undefined;
      return { field: fieldId, equals: value.equals as string | boolean };
    }
    const list = value.in;
    if (!Array.isArray(list) || list.length === 0 || list.length > LIMITS.conditionValues) {
      this.error(path, `«${NBSP}in${NBSP}» doit être une liste de 1 à ${LIMITS.conditionValues} valeurs`);
      return undefined;
    }
    if (target.type === 'yesno') {
      this.error(path, `le champ ${quote(fieldId)} est de type oui/non${NBSP}: utilisez «${NBSP}equals${NBSP}»`);
      return undefined;
    }
    if (!list.every((item, index) => checkValue(item, `${path}.in[${index}]`))) return undefined;
    return { field: fieldId, in: list as string[] };
  }

  field(
    path: string,
    raw: unknown,
    pageIndex: number,
    scope: Map<string, ScopeEntry>,
    parent: Field | undefined,
  ): Field | undefined {
    if (!isObject(raw)) {
      this.error(path, `un champ doit être un objet (reçu${NBSP}: ${describe(raw)})`);
      return undefined;
    }
    this.fieldCount += 1;
    const before = this.errors.length;
    this.unknownKeys(path, raw, FIELD_KEYS);

    // id
    let id: string | undefined;
    if (typeof raw.id !== 'string' || !FIELD_ID.test(raw.id) || raw.id.length > LIMITS.idLength) {
      this.error(
        path,
        `l’identifiant ${raw.id === undefined ? 'est obligatoire' : `${describe(raw.id)} n’est pas valide`} (une lettre puis des lettres, chiffres ou «${NBSP}_${NBSP}», ${LIMITS.idLength} caractères au maximum)`,
      );
    } else if (INHERITED_NAMES.has(raw.id)) {
      this.error(path, `l’identifiant ${quote(raw.id)} est un nom réservé par JavaScript ; choisissez-en un autre`);
    } else if (RESERVED_FIELD_IDS.has(raw.id)) {
      this.error(
        path,
        `l’identifiant ${quote(raw.id)} est réservé (réservés${NBSP}: ${[...RESERVED_FIELD_IDS].join(', ')})`,
      );
    } else if (this.fieldIds.has(raw.id)) {
      this.error(path, `l’identifiant ${quote(raw.id)} est déjà utilisé par ${this.fieldIds.get(raw.id)}`);
    } else {
      id = raw.id;
      this.fieldIds.set(id, path);
    }

    // type
    if (typeof raw.type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(raw.type)) {
      this.error(
        path,
        raw.type === undefined
          ? `le type est obligatoire (types possibles${NBSP}: ${FIELD_TYPES.join(', ')})`
          : `le type ${describe(raw.type)} n’existe pas (types possibles${NBSP}: ${FIELD_TYPES.join(', ')})`,
      );
      return undefined;
    }
    const type = raw.type as FieldType;
    const field: Field = { id: id ?? '', type, label: '' };
    const typeName = `un champ de type ${quote(type)} (${TYPE_NAMES[type]})`;

    const label = this.string(`${path}.label`, raw.label, 'le libellé', {
      required: type !== 'explanation',
      max: LIMITS.labelLength,
      allowEmpty: type === 'explanation',
    });
    if (label !== undefined) field.label = label;
    const hint = this.string(`${path}.hint`, raw.hint, 'l’aide', { required: false, max: LIMITS.hintLength });
    if (hint !== undefined) field.hint = hint;

    // required
    const required = this.boolean(`${path}.required`, raw.required, '«\u00a0required\u00a0»');
    if (required !== undefined) {
      if (!isAnswerable(field) && !isRepeatableGroup({ ...field, repeat: raw.repeat as Field['repeat'] }) && required) {
        this.error(`${path}.required`, `${typeName} ne reçoit pas de réponse${NBSP}: il ne peut pas être obligatoire`);
      } else field.required = required;
    }
    if (raw.requiredMessage !== undefined) {
      const message = this.string(`${path}.requiredMessage`, raw.requiredMessage, 'le message', {
        required: false,
        max: LIMITS.messageLength,
      });
      if (message !== undefined) {
        if (!isAnswerable(field)) this.error(`${path}.requiredMessage`, `sans objet pour ${typeName}`);
        else field.requiredMessage = message;
      }
    }

    // condition: earlier fields of earlier pages or of this page (siblings in a repeatable group).
    if (raw.condition !== undefined) {
      const condition = this.condition(`${path}.condition`, raw.condition, scope, () => null);
      if (condition !== undefined) field.condition = condition;
    }

    // options
    if (type === 'choice' || type === 'multichoice') {
      const options = raw.options;
      const minimum = type === 'choice' ? 2 : 1;
      if (!Array.isArray(options) || options.length < minimum || options.length > LIMITS.options) {
        this.error(
          `${path}.options`,
          `${typeName} doit avoir une liste «${NBSP}options${NBSP}» de ${minimum} à ${LIMITS.options} choix`,
        );
      } else {
        const seen = new Set<string>();
        const parsed: { value: string; label: string }[] = [];
        options.forEach((option, index) => {
          const where = `${path}.options[${index}]`;
          if (!isObject(option)) {
            this.error(where, `un choix doit être un objet { value, label } (reçu${NBSP}: ${describe(option)})`);
            return;
          }
          this.unknownKeys(where, option, OPTION_KEYS);
          const value = this.string(`${where}.value`, option.value, 'la valeur', { required: true, max: 100 });
          const optionLabel = this.string(`${where}.label`, option.label, 'le libellé', {
            required: true,
            max: LIMITS.optionLabelLength,
          });
          if (value === undefined || optionLabel === undefined) return;
          if (seen.has(value)) {
            this.error(`${where}.value`, `la valeur ${quote(value)} est déjà utilisée par un autre choix`);
            return;
          }
          seen.add(value);
          parsed.push({ value, label: optionLabel });
        });
        field.options = parsed;
      }
    } else if (raw.options !== undefined) {
      this.error(
        `${path}.options`,
        `«${NBSP}options${NBSP}» ne s’applique qu’aux champs «${NBSP}choice${NBSP}» et «${NBSP}multichoice${NBSP}»`,
      );
    }

    // validation
    if (raw.validation !== undefined) this.validation(`${path}.validation`, raw.validation, field, typeName);

    // file
    if (type === 'file') {
      const file = raw.file;
      if (!isObject(file)) {
        this.error(`${path}.file`, `${typeName} doit préciser «${NBSP}file${NBSP}» : { accept, maxBytes, maxFiles }`);
      } else {
        this.unknownKeys(`${path}.file`, file, FILE_KEYS);
        const accept = file.accept;
        let kinds: FileKind[] | undefined;
        if (!Array.isArray(accept) || accept.length === 0) {
          this.error(
            `${path}.file.accept`,
            `la liste des formats acceptés est obligatoire (formats possibles${NBSP}: ${FILE_KINDS.join(', ')})`,
          );
        } else {
          const unknown = accept.filter((kind) => !(FILE_KINDS as readonly unknown[]).includes(kind));
          if (unknown.length > 0) {
            this.error(
              `${path}.file.accept`,
              `format${unknown.length > 1 ? 's' : ''} inconnu${unknown.length > 1 ? 's' : ''}${NBSP}: ${unknown.map(describe).join(', ')} (formats possibles${NBSP}: ${FILE_KINDS.join(', ')})`,
            );
          } else if (new Set(accept).size !== accept.length) {
            this.error(`${path}.file.accept`, 'un format est cité deux fois');
          } else kinds = accept as FileKind[];
        }
        const bytes = this.integer(
          `${path}.file.maxBytes`,
          file.maxBytes,
          'la taille maximale (en octets)',
          1,
          LIMITS.maxBytes,
        );
        const count = this.integer(
          `${path}.file.maxFiles`,
          file.maxFiles,
          'le nombre maximal de fichiers',
          1,
          LIMITS.maxFiles,
        );
        let documentKind: DocumentKind | undefined;
        let isDocumentKindValid = true;
        if (file.documentKind !== undefined) {
          if ((DOCUMENT_KINDS as readonly unknown[]).includes(file.documentKind)) {
            documentKind = file.documentKind as DocumentKind;
          } else {
            isDocumentKindValid = false;
            this.error(
              `${path}.file.documentKind`,
              `le type de justificatif ${describe(file.documentKind)} n’existe pas (types possibles${NBSP}: ${DOCUMENT_KINDS.join(', ')})`,
            );
          }
        }
        if (kinds !== undefined && bytes !== undefined && count !== undefined && isDocumentKindValid) {
          field.file = { accept: kinds, maxBytes: bytes, maxFiles: count, ...(documentKind ? { documentKind } : {}) };
        }
      }
      if (parent !== undefined && parent.repeat !== undefined) {
        this.error(
          path,
          `un champ fichier ne peut pas être placé dans un groupe répétable (utilisez «${NBSP}maxFiles${NBSP}»)`,
        );
      }
    } else if (raw.file !== undefined) {
      this.error(`${path}.file`, `«${NBSP}file${NBSP}» ne s’applique qu’aux champs de type «${NBSP}file${NBSP}»`);
    }

    // prefill
    if (raw.prefill !== undefined) {
      if (typeof raw.prefill !== 'string' || !(PREFILL_KEYS as readonly string[]).includes(raw.prefill)) {
        this.error(
          `${path}.prefill`,
          `le pré-remplissage ${describe(raw.prefill)} n’existe pas (possibles${NBSP}: ${PREFILL_KEYS.join(', ')})`,
        );
      } else {
        const key = raw.prefill as PrefillKey;
        const applies = PREFILL_APPLIES[key];
        if (!applies.includes(type)) {
          this.error(
            `${path}.prefill`,
            `le pré-remplissage ${quote(key)} ne s’applique qu’aux champs ${applies.map(quote).join(' ou ')}`,
          );
        } else if (parent?.repeat !== undefined) {
          this.error(`${path}.prefill`, 'un champ d’un groupe répétable ne peut pas être pré-rempli');
        } else field.prefill = key;
      }
    }

    // content and appearance
    if (raw.content !== undefined || type === 'explanation') {
      const content = this.string(`${path}.content`, raw.content, 'le texte («\u00a0content\u00a0»)', {
        required: type === 'explanation',
        max: LIMITS.contentLength,
      });
      if (content !== undefined) {
        if (type !== 'section' && type !== 'explanation') {
          this.error(
            `${path}.content`,
            `«${NBSP}content${NBSP}» ne s’applique qu’aux titres de section et aux textes explicatifs`,
          );
        } else field.content = content;
      }
    }
    if (raw.appearance !== undefined) {
      if (type !== 'explanation') {
        this.error(`${path}.appearance`, `«${NBSP}appearance${NBSP}» ne s’applique qu’aux textes explicatifs`);
      } else if (!(EXPLANATION_APPEARANCES as readonly unknown[]).includes(raw.appearance)) {
        this.error(
          `${path}.appearance`,
          `la présentation ${describe(raw.appearance)} n’existe pas (possibles${NBSP}: ${EXPLANATION_APPEARANCES.join(', ')})`,
        );
      } else {
        field.appearance = raw.appearance as ExplanationAppearance;
        if (field.appearance === 'details' && field.label.trim() === '') {
          this.error(
            `${path}.label`,
            'un texte explicatif repliable («\u00a0details\u00a0») doit avoir un libellé (le titre à déplier)',
          );
        }
      }
    }

    if (id !== undefined) scope.set(id, { field, pageIndex });
    if (id !== undefined && parent?.repeat !== undefined) this.repeatedIds.add(id);

    // group
    if (type === 'group') {
      if (parent !== undefined) this.error(path, 'un groupe ne peut pas contenir un autre groupe');
      if (raw.repeat !== undefined) {
        const repeat = raw.repeat;
        if (!isObject(repeat)) {
          this.error(`${path}.repeat`, `«${NBSP}repeat${NBSP}» doit être un objet { min, max, itemLabel }`);
        } else {
          this.unknownKeys(`${path}.repeat`, repeat, REPEAT_KEYS);
          const min = this.integer(
            `${path}.repeat.min`,
            repeat.min,
            'le nombre minimal d’éléments',
            0,
            LIMITS.repeatMax,
          );
          const max = this.integer(
            `${path}.repeat.max`,
            repeat.max,
            'le nombre maximal d’éléments',
            1,
            LIMITS.repeatMax,
          );
          const itemLabel = this.string(
            `${path}.repeat.itemLabel`,
            repeat.itemLabel,
            'le nom d’un élément («\u00a0itemLabel\u00a0»)',
            {
              required: true,
              max: 60,
            },
          );
          const addLabel = this.string(`${path}.repeat.addLabel`, repeat.addLabel, 'le libellé du bouton d’ajout', {
            required: false,
            max: 100,
          });
          if (min !== undefined && max !== undefined && min > max) {
            this.error(`${path}.repeat`, `le minimum (${min}) dépasse le maximum (${max})`);
          } else if (min !== undefined && max !== undefined && itemLabel !== undefined) {
            field.repeat = { min, max, itemLabel, ...(addLabel !== undefined ? { addLabel } : {}) };
          }
        }
      }
      const children = raw.fields;
      if (!Array.isArray(children) || children.length === 0) {
        this.error(`${path}.fields`, 'un groupe doit contenir une liste non vide de champs («\u00a0fields\u00a0»)');
      } else {
        // A repeatable group's children see the earlier fields and their earlier siblings; the
        // siblings stay out of the form-wide scope (their answers live inside each item).
        const childScope = raw.repeat !== undefined ? new Map(scope) : scope;
        if (raw.repeat !== undefined && id !== undefined) childScope.delete(id);
        const parsed = children.map((child, index) =>
          this.field(`${path}.fields[${index}]`, child, pageIndex, childScope, field),
        );
        if (parsed.every((child) => child !== undefined)) field.fields = parsed as Field[];
      }
    } else {
      if (raw.fields !== undefined) this.error(`${path}.fields`, `«${NBSP}fields${NBSP}» ne s’applique qu’aux groupes`);
      if (raw.repeat !== undefined) this.error(`${path}.repeat`, `«${NBSP}repeat${NBSP}» ne s’applique qu’aux groupes`);
    }

    return this.errors.length === before ? field : undefined;
  }

  validation(path: string, raw: unknown, field: Field, typeName: string): void {
    if (!isObject(raw)) {
      this.error(path, `«${NBSP}validation${NBSP}» doit être un objet (reçu${NBSP}: ${describe(raw)})`);
      return;
    }
    this.unknownKeys(path, raw, VALIDATION_KEYS);
    const out: FieldValidation = {};
    for (const key of VALIDATION_KEYS) {
      if (raw[key] === undefined) continue;
      if (!VALIDATION_APPLIES[key].includes(field.type)) {
        this.error(
          `${path}.${key}`,
          `la règle ${quote(key)} ne s’applique pas à ${typeName} (seulement${NBSP}: ${VALIDATION_APPLIES[key].join(', ')})`,
        );
        continue;
      }
      const value = raw[key];
      const where = `${path}.${key}`;
      switch (key) {
        case 'min':
        case 'max': {
          if (typeof value !== 'number' || !Number.isFinite(value)) {
            this.error(where, `la règle ${quote(key)} doit être un nombre (reçu${NBSP}: ${describe(value)})`);
          } else if (field.type === 'multichoice' && (!Number.isInteger(value) || value < 0)) {
            this.error(where, `pour un choix multiple, ${quote(key)} est un nombre de cases à cocher (entier positif)`);
          } else out[key] = value;
          break;
        }
        case 'minLength':
        case 'maxLength': {
          const cap = field.type === 'textarea' ? LIMITS.textareaMaxLength : LIMITS.textMaxLength;
          const parsed = this.integer(where, value, `la règle ${quote(key)}`, key === 'minLength' ? 0 : 1, cap);
          if (parsed !== undefined) out[key] = parsed;
          break;
        }
        case 'integer': {
          const parsed = this.boolean(where, value, `la règle ${quote(key)}`);
          if (parsed !== undefined) out.integer = parsed;
          break;
        }
        case 'pattern': {
          if (typeof value !== 'string' || value === '') {
            this.error(where, `l’expression régulière doit être un texte non vide (reçu${NBSP}: ${describe(value)})`);
            break;
          }
          const reason = unsafePatternReason(value);
          if (reason !== null) this.error(where, reason);
          else out.pattern = value;
          break;
        }
        case 'patternMessage': {
          const message = this.string(where, value, 'le message d’erreur', {
            required: false,
            max: LIMITS.messageLength,
          });
          if (message !== undefined) out.patternMessage = message;
          break;
        }
        case 'minDate':
        case 'maxDate': {
          if (typeof value !== 'string' || resolveDateBound(value) === null) {
            this.error(
              where,
              `la borne ${describe(value)} n’est pas valide (attendu${NBSP}: «${NBSP}today${NBSP}», «${NBSP}today+30${NBSP}», «${NBSP}today-30${NBSP}» ou une date AAAA-MM-JJ)`,
            );
          } else out[key] = value;
          break;
        }
      }
    }
    if (out.min !== undefined && out.max !== undefined && out.min > out.max) {
      this.error(path, `le minimum (${out.min}) dépasse le maximum (${out.max})`);
    }
    if (out.minLength !== undefined && out.maxLength !== undefined && out.minLength > out.maxLength) {
      this.error(path, `la longueur minimale (${out.minLength}) dépasse la longueur maximale (${out.maxLength})`);
    }
    if (out.patternMessage !== undefined && out.pattern === undefined) {
      this.error(
        `${path}.patternMessage`,
        `«${NBSP}patternMessage${NBSP}» n’a de sens qu’avec «${NBSP}pattern${NBSP}»`,
      );
    }
    if (
      out.minDate !== undefined &&
      out.maxDate !== undefined &&
      ISO_DATE.test(out.minDate) &&
      ISO_DATE.test(out.maxDate)
    ) {
      if (out.minDate > out.maxDate)
        this.error(path, `la date minimale (${out.minDate}) est après la date maximale (${out.maxDate})`);
    }
    if (field.type === 'multichoice' && field.options !== undefined) {
      const count = field.options.length;
      if ((out.min ?? 0) > count)
        this.error(`${path}.min`, `le minimum (${out.min}) dépasse le nombre de choix (${count})`);
    }
    if (Object.keys(out).length > 0) field.validation = out;
  }
}

/**
 * Checks a form definition (parsed JSON of unknown shape). Returns a clean copy of the
 * definition, or every error found, in French, each prefixed by its path.
 */
export function parseFormDefinition(
  json: unknown,
): { ok: true; definition: FormDefinition } | { ok: false; errors: string[] } {
  const checker = new Checker();
  if (!isObject(json)) {
    return { ok: false, errors: [`La définition doit être un objet JSON (reçu${NBSP}: ${describe(json)}).`] };
  }
  checker.unknownKeys('', json, ROOT_KEYS);
  if (json.schemaVersion !== 1) {
    checker.error(
      'schemaVersion',
      json.schemaVersion === undefined
        ? 'la version du format est obligatoire (valeur attendue : 1)'
        : `la version ${describe(json.schemaVersion)} n’est pas prise en charge (valeur attendue${NBSP}: 1)`,
    );
  }
  const title = checker.string('title', json.title, 'le titre', { required: true, max: LIMITS.titleLength });
  const summary = checker.string('summary', json.summary, 'le résumé', { required: false, max: LIMITS.hintLength });
  const legalBasis = checker.string('legalBasis', json.legalBasis, 'la base légale', {
    required: false,
    max: LIMITS.hintLength,
  });
  const pages: FormPage[] = [];
  const rawPages = json.pages;
  if (!Array.isArray(rawPages) || rawPages.length === 0) {
    checker.error('pages', 'la définition doit contenir une liste non vide de pages («\u00a0pages\u00a0»)');
  } else if (rawPages.length > LIMITS.pages) {
    checker.error('pages', `trop de pages (${rawPages.length}, ${LIMITS.pages} au maximum)`);
  } else {
    for (const rawPage of rawPages) {
      const collect = (fields: unknown) => {
        if (!Array.isArray(fields)) return;
        for (const field of fields) {
          if (!isObject(field)) continue;
          if (typeof field.id === 'string') checker.declaredIds.add(field.id);
          collect(field.fields);
        }
      };
      if (isObject(rawPage)) collect(rawPage.fields);
    }
    const scope = new Map<string, ScopeEntry>();
    rawPages.forEach((rawPage, pageIndex) => {
      const path = `pages[${pageIndex}]`;
      if (!isObject(rawPage)) {
        checker.error(path, `une page doit être un objet (reçu${NBSP}: ${describe(rawPage)})`);
        return;
      }
      checker.unknownKeys(path, rawPage, PAGE_KEYS);
      const before = checker.errors.length;
      let id: string | undefined;
      if (typeof rawPage.id !== 'string' || !PAGE_ID.test(rawPage.id) || rawPage.id.length > LIMITS.idLength) {
        checker.error(
          path,
          `l’identifiant de page ${rawPage.id === undefined ? 'est obligatoire' : `${describe(rawPage.id)} n’est pas valide`} (lettres minuscules, chiffres et tirets, ${LIMITS.idLength} caractères au maximum)`,
        );
      } else if (RESERVED_PAGE_IDS.has(rawPage.id)) {
        checker.error(
          path,
          `l’identifiant de page ${quote(rawPage.id)} est réservé (réservés${NBSP}: ${[...RESERVED_PAGE_IDS].join(', ')})`,
        );
      } else if (checker.pageIds.has(rawPage.id)) {
        checker.error(path, `l’identifiant de page ${quote(rawPage.id)} est déjà utilisé`);
      } else {
        id = rawPage.id;
        checker.pageIds.add(id);
      }
      const pageTitle = checker.string(`${path}.title`, rawPage.title, 'le titre de la page', {
        required: true,
        max: LIMITS.titleLength,
      });
      let condition: Condition | undefined;
      if (rawPage.condition !== undefined) {
        // A page is shown or skipped before its own fields are answered: earlier pages only.
        condition = checker.condition(`${path}.condition`, rawPage.condition, scope, (entry) =>
          entry.pageIndex < pageIndex
            ? null
            : `la condition d’une page ne peut porter que sur les champs des pages précédentes (${quote(entry.field.id)} est sur cette page)`,
        );
      }
      const rawFields = rawPage.fields;
      const fields: Field[] = [];
      if (!Array.isArray(rawFields) || rawFields.length === 0) {
        checker.error(`${path}.fields`, 'une page doit contenir une liste non vide de champs («\u00a0fields\u00a0»)');
      } else {
        rawFields.forEach((rawField, index) => {
          const field = checker.field(`${path}.fields[${index}]`, rawField, pageIndex, scope, undefined);
          if (field !== undefined) fields.push(field);
        });
      }
      if (checker.errors.length === before && id !== undefined && pageTitle !== undefined) {
        pages.push({ id, title: pageTitle, ...(condition !== undefined ? { condition } : {}), fields });
      }
    });
    if (checker.fieldCount > LIMITS.fields) {
      checker.error('pages', `trop de champs (${checker.fieldCount}, ${LIMITS.fields} au maximum)`);
    }
  }
  if (checker.errors.length > 0) return { ok: false, errors: checker.errors };
  return {
    ok: true,
    definition: {
      schemaVersion: 1,
      title: title as string,
      ...(summary !== undefined ? { summary } : {}),
      ...(legalBasis !== undefined ? { legalBasis } : {}),
      pages,
    },
  };
}

// ---------------------------------------------------------------------------
// JSON Schema (structure only) for editors and import/export

const conditionSchema = {
  $id: '#condition',
  oneOf: [
    {
      type: 'object',
      required: ['field'],
      additionalProperties: false,
      properties: { field: { type: 'string' }, equals: { type: ['string', 'boolean'] } },
    },
    {
      type: 'object',
      required: ['field', 'in'],
      additionalProperties: false,
      properties: { field: { type: 'string' }, in: { type: 'array', minItems: 1, items: { type: 'string' } } },
    },
    {
      type: 'object',
      required: ['field', 'filled'],
      additionalProperties: false,
      properties: { field: { type: 'string' }, filled: { type: 'boolean' } },
    },
    {
      type: 'object',
      required: ['all'],
      additionalProperties: false,
      properties: { all: { type: 'array', minItems: 1, items: { $ref: '#/$defs/condition' } } },
    },
    {
      type: 'object',
      required: ['any'],
      additionalProperties: false,
      properties: { any: { type: 'array', minItems: 1, items: { $ref: '#/$defs/condition' } } },
    },
  ],
};

/** JSON Schema (2020-12) of the structure of a form definition. */
export const FORM_DEFINITION_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Définition de démarche Guichet',
  type: 'object',
  required: ['schemaVersion', 'title', 'pages'],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: 1 },
    title: { type: 'string', minLength: 1, maxLength: LIMITS.titleLength },
    summary: { type: 'string', maxLength: LIMITS.hintLength },
    legalBasis: { type: 'string', maxLength: LIMITS.hintLength },
    pages: {
      type: 'array',
      minItems: 1,
      maxItems: LIMITS.pages,
      items: {
        type: 'object',
        required: ['id', 'title', 'fields'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', pattern: PAGE_ID.source, maxLength: LIMITS.idLength },
          title: { type: 'string', minLength: 1, maxLength: LIMITS.titleLength },
          condition: { $ref: '#/$defs/condition' },
          fields: { type: 'array', minItems: 1, items: { $ref: '#/$defs/field' } },
        },
      },
    },
  },
  $defs: {
    condition: { oneOf: conditionSchema.oneOf },
    field: {
      type: 'object',
      required: ['id', 'type', 'label'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', pattern: FIELD_ID.source, maxLength: LIMITS.idLength },
        type: { enum: [...FIELD_TYPES] },
        label: { type: 'string', maxLength: LIMITS.labelLength },
        hint: { type: 'string', maxLength: LIMITS.hintLength },
        required: { type: 'boolean' },
        requiredMessage: { type: 'string', maxLength: LIMITS.messageLength },
        condition: { $ref: '#/$defs/condition' },
        options: {
          type: 'array',
          maxItems: LIMITS.options,
          items: {
            type: 'object',
            required: ['value', 'label'],
            additionalProperties: false,
            properties: { value: { type: 'string', minLength: 1 }, label: { type: 'string', minLength: 1 } },
          },
        },
        validation: {
          type: 'object',
          additionalProperties: false,
          properties: {
            min: { type: 'number' },
            max: { type: 'number' },
            minLength: { type: 'integer', minimum: 0 },
            maxLength: { type: 'integer', minimum: 1 },
            pattern: { type: 'string', maxLength: LIMITS.patternLength },
            patternMessage: { type: 'string' },
            minDate: { type: 'string', pattern: '^(today([+-]\\d{1,5})?|\\d{4}-\\d{2}-\\d{2})$' },
            maxDate: { type: 'string', pattern: '^(today([+-]\\d{1,5})?|\\d{4}-\\d{2}-\\d{2})$' },
            integer: { type: 'boolean' },
          },
        },
        file: {
          type: 'object',
          required: ['accept', 'maxBytes', 'maxFiles'],
          additionalProperties: false,
          properties: {
            accept: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...FILE_KINDS] } },
            maxBytes: { type: 'integer', minimum: 1, maximum: LIMITS.maxBytes },
            maxFiles: { type: 'integer', minimum: 1, maximum: LIMITS.maxFiles },
            documentKind: { enum: [...DOCUMENT_KINDS] },
          },
        },
        prefill: { enum: [...PREFILL_KEYS] },
        fields: { type: 'array', minItems: 1, items: { $ref: '#/$defs/field' } },
        repeat: {
          type: 'object',
          required: ['min', 'max', 'itemLabel'],
          additionalProperties: false,
          properties: {
            min: { type: 'integer', minimum: 0, maximum: LIMITS.repeatMax },
            max: { type: 'integer', minimum: 1, maximum: LIMITS.repeatMax },
            itemLabel: { type: 'string', minLength: 1 },
            addLabel: { type: 'string' },
          },
        },
        content: { type: 'string', maxLength: LIMITS.contentLength },
        appearance: { enum: [...EXPLANATION_APPEARANCES] },
      },
    },
  },
} as const;
