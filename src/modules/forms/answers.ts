/**
 * Answers to a form: reading a submitted page (URL-encoded strings, or multipart with files
 * already stored by the requests module), validating with French field-level messages in the
 * GOV.UK style, the final check before submission, and prefill from the citizen's profile.
 *
 * Stored values by field type:
 * - text, textarea, email, choice: string; phone: normalised ("06 12 34 56 78", "+32470123456");
 * - number: number (what was typed, as a string, while it is not a number);
 * - date: `YYYY-MM-DD` (the three typed parts as a string[] while they are not a real date);
 * - address: AddressAnswer; multichoice: string[]; yesno: boolean; file: FileRef[];
 * - repeatable group: Answers[] (one object per item); empty: null.
 * Invalid raw values are kept so that the page can be shown again with what was typed, and so
 * that "Enregistrer et continuer plus tard" never loses anything; `missingRequired` refuses them.
 *
 * Input names: a field's id; `${id}-day|month|year` for dates; `${id}-line1|line2|postcode|city`
 * for addresses; `${groupId}-${index}-${childId}` inside repeatable-group items, with
 * `${groupId}-count` giving the number of items shown.
 */
import { isMailAddress, mailAddressError, mailAddressProblem } from '../../platform/mail/address.js';
import { formatDate, formatNumber } from '../../platform/views/format.js';
import { effectiveAnswers, isFilled, isVisible, itemScope, visiblePages } from './conditions.js';
import {
  allFields,
  compilePattern,
  type Field,
  type FileKind,
  type FormDefinition,
  findPage,
  isAnswerable,
  isoDate,
  LIMITS,
  type PrefillKey,
  parisToday,
  quote,
  resolveDateBound,
} from './definition.js';

export interface AddressAnswer {
  line1: string;
  line2?: string;
  postcode: string;
  city: string;
}

/** An uploaded file, stored by the requests module. */
export interface FileRef {
  id: string;
  name: string;
  size: number;
  type: string;
}

export type AnswerValue = string | string[] | boolean | number | AddressAnswer | FileRef[] | Answers[] | null;
export type Answers = Record<string, AnswerValue>;

const NBSP = '\u00a0';

// ---------------------------------------------------------------------------
// Files

export const FILE_KIND_INFO: Record<FileKind, { mimeTypes: string[]; extensions: string[]; label: string }> = {
  pdf: { mimeTypes: ['application/pdf'], extensions: ['.pdf'], label: 'PDF' },
  jpeg: { mimeTypes: ['image/jpeg'], extensions: ['.jpg', '.jpeg'], label: 'JPEG' },
  png: { mimeTypes: ['image/png'], extensions: ['.png'], label: 'PNG' },
  webp: { mimeTypes: ['image/webp'], extensions: ['.webp'], label: 'WebP' },
  heic: { mimeTypes: ['image/heic', 'image/heif'], extensions: ['.heic', '.heif'], label: 'HEIC' },
  odt: { mimeTypes: ['application/vnd.oasis.opendocument.text'], extensions: ['.odt'], label: 'ODT' },
  docx: {
    mimeTypes: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    extensions: ['.docx'],
    label: 'DOCX',
  },
};

/** MIME types a file field accepts (to compare with the type detected from the content). */
export function acceptedMimeTypes(field: Field): string[] {
  return (field.file?.accept ?? []).flatMap((kind) => FILE_KIND_INFO[kind].mimeTypes);
}

/** Largest size of one file, in bytes. */
export function maxBytes(field: Field): number {
  return field.file?.maxBytes ?? 0;
}

/** Value of the `accept` attribute of the file input, e.g. ".pdf,.jpg,.jpeg". */
export function acceptAttribute(field: Field): string {
  return (field.file?.accept ?? []).flatMap((kind) => FILE_KIND_INFO[kind].extensions).join(',');
}

/** "PDF, JPEG ou PNG". */
export function acceptedFormatsText(field: Field): string {
  const labels = (field.file?.accept ?? []).map((kind) => FILE_KIND_INFO[kind].label);
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} ou ${labels[labels.length - 1]}`;
}

/** "800 octets", "120 Ko", "1,5 Mo" (binary multiples, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes}${NBSP}octet${bytes > 1 ? 's' : ''}`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)}${NBSP}Ko`;
  const megabytes = bytes / (1024 * 1024);
  return `${formatNumber(Math.round(megabytes * 10) / 10)}${NBSP}Mo`;
}

function isFileRef(value: unknown): value is FileRef {
  if (typeof value !== 'object' || value === null) return false;
  const file = value as Record<string, unknown>;
  return (
    typeof file.id === 'string' &&
    file.id.length > 0 &&
    file.id.length <= 200 &&
    typeof file.name === 'string' &&
    file.name.length <= 255 &&
    typeof file.size === 'number' &&
    Number.isInteger(file.size) &&
    file.size >= 0 &&
    typeof file.type === 'string' &&
    file.type.length <= 255
  );
}

function toFileRefs(raw: unknown): FileRef[] {
  const items = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  const out: FileRef[] = [];
  for (const item of items) {
    let value: unknown = item;
    if (typeof item === 'string') {
      try {
        value = JSON.parse(item);
      } catch {
        continue;
      }
    }
    for (const candidate of Array.isArray(value) ? value : [value]) {
      if (isFileRef(candidate)) {
        out.push({ id: candidate.id, name: candidate.name, size: candidate.size, type: candidate.type });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Text helpers

function withoutControlCharacters(text: string, keepNewlines: boolean): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const control = code < 0x20 || (code >= 0x7f && code < 0xa0);
    if (!control) out += char;
    else if (keepNewlines && char === '\n') out += char;
    else if (char === '\t' || char === '\n') out += ' ';
  }
  return out;
}

function firstString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.find((item): item is string => typeof item === 'string') ?? '';
  return '';
}

function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

/** Longer input is cut (the length check still reports it): a draft never stores megabytes. */
const RAW_TEXT_CAP = 2 * LIMITS.textareaMaxLength;

function cleanLine(value: unknown): string {
  return withoutControlCharacters(firstString(value).slice(0, RAW_TEXT_CAP).replace(/\r\n?/g, '\n'), false).trim();
}

function cleanText(value: unknown): string {
  return withoutControlCharacters(firstString(value).slice(0, RAW_TEXT_CAP).replace(/\r\n?/g, '\n'), true).trim();
}

function characterCount(text: string): number {
  return [...text].length;
}

const DETERMINER =
  /^(?:le|la|les|l’|l'|un|une|des|du|de la|de l’|votre|vos|son|sa|ses|leur|leurs|ce|cet|cette|ces)(?:\s|(?<=’|')(?=\S))/iu;

function startsWithDeterminer(label: string): boolean {
  return DETERMINER.test(label.trim());
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLocaleLowerCase('fr-FR') + text.slice(1);
}

function upperFirst(text: string): string {
  return text.charAt(0).toLocaleUpperCase('fr-FR') + text.slice(1);
}

/** The field as the subject of a sentence: "La date de début", or "Le champ « Surface »". */
function subject(field: Field): string {
  const label = field.label.trim();
  if (startsWithDeterminer(label)) return upperFirst(label);
  return field.type === 'date' ? `La date ${quote(label)}` : `Le champ ${quote(label)}`;
}

/** Message for an empty required field. */
export function requiredMessage(field: Field): string {
  if (field.requiredMessage !== undefined) return field.requiredMessage;
  const label = field.label.trim();
  const determined = startsWithDeterminer(label);
  switch (field.type) {
    case 'choice':
    case 'yesno':
      return determined ? `Sélectionnez ${lowerFirst(label)}` : `Répondez à la question ${quote(label)}`;
    case 'multichoice':
      return determined ? `Cochez ${lowerFirst(label)}` : `Cochez au moins une réponse à la question ${quote(label)}`;
    case 'file':
      return determined ? `Ajoutez ${lowerFirst(label)}` : `Ajoutez un fichier pour ${quote(label)}`;
    case 'group': {
      const min = Math.max(1, field.repeat?.min ?? 1);
      return `Ajoutez au moins ${min}${NBSP}${field.repeat?.itemLabel ?? 'élément'}`;
    }
    default:
      return determined ? `Saisissez ${lowerFirst(label)}` : `Renseignez le champ ${quote(label)}`;
  }
}

// ---------------------------------------------------------------------------
// Phone numbers, e-mail addresses, postcodes, numbers, dates

/** Overseas departments reachable with their own country code, French numbering plan. */
const OVERSEAS_CODES = ['262', '590', '594', '596'];

/**
 * A French number as "06 12 34 56 78" (from 0X…, +33 X…, 0033 X…, +33 (0)X…, overseas +262…),
 * another country's as "+" and its digits; null when it is not a phone number.
 */
export function normalizePhone(raw: string): string | null {
  const compact = raw.replace(/[\s.\-()/\u00a0\u202f]/g, '');
  const national = (digits: string) => `0${digits}`.replace(/(\d{2})(?=\d)/g, '$1 ');
  let match = /^0([1-9]\d{8})$/.exec(compact);
  if (match) return national(match[1] as string);
  match = /^(?:\+|00)33(?:0)?([1-9]\d{8})$/.exec(compact);
  if (match) return national(match[1] as string);
  match = /^(?:\+|00)(\d{3})(?:0)?([1-9]\d{8})$/.exec(compact);
  if (match && OVERSEAS_CODES.includes(match[1] as string)) return national(match[2] as string);
  match = /^(?:\+|00)([1-9]\d{8,14})$/.exec(compact);
  if (match && !(match[1] as string).startsWith('33')) return `+${match[1]}`;
  return null;
}

/** The mail layer's rule (src/platform/mail/address.ts): what a form accepts can be sent. */
export function isEmail(value: string): boolean {
  return isMailAddress(value);
}

/** French postcode: 5 digits, départements 01 to 98 (Corsica 20, overseas 97x, Monaco 980). */
export function isPostcode(value: string): boolean {
  return /^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$/.test(value);
}

/** "12,5", "1 234", "-3" (French decimal comma or point, spaces as thousands separators). */
export function parseFrenchNumber(raw: string): number | null {
  const compact = raw.replace(/[\s\u00a0\u202f]/g, '').replace(/^\u2212/, '-');
  if (!/^[-+]?\d{1,15}(?:[.,]\d{1,10})?$/.test(compact)) return null;
  const value = Number(compact.replace(',', '.'));
  return Number.isFinite(value) ? value : null;
}

const MONTHS: Record<string, number> = {
  janvier: 1,
  janv: 1,
  jan: 1,
  fevrier: 2,
  fevr: 2,
  fev: 2,
  mars: 3,
  mar: 3,
  avril: 4,
  avr: 4,
  mai: 5,
  juin: 6,
  juillet: 7,
  juil: 7,
  aout: 8,
  septembre: 9,
  sept: 9,
  sep: 9,
  octobre: 10,
  oct: 10,
  novembre: 11,
  nov: 11,
  decembre: 12,
  dec: 12,
};

function monthNumber(raw: string): number {
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const name = raw
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/\.$/, '');
  return MONTHS[name] ?? Number.NaN;
}

type DatePart = 'day' | 'month' | 'year';
const DATE_PARTS: DatePart[] = ['day', 'month', 'year'];

/** `YYYY-MM-DD` from the typed day, month (number or French name) and 4-digit year, or null. */
export function dateFromParts(day: string, month: string, year: string): string | null {
  if (!/^\d{1,2}$/.test(day) || !/^\d{4}$/.test(year)) return null;
  return isoDate(Number(year), monthNumber(month), Number(day));
}

/** `{ day: '12', month: '3', year: '2026' }` for showing a stored date in the three boxes. */
export function dateParts(value: AnswerValue | undefined): { day: string; month: string; year: string } {
  if (typeof value === 'string') {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (match) return { day: String(Number(match[3])), month: String(Number(match[2])), year: match[1] as string };
  }
  if (Array.isArray(value)) {
    const [day, month, year] = value as unknown[];
    return {
      day: typeof day === 'string' ? day : '',
      month: typeof month === 'string' ? month : '',
      year: typeof year === 'string' ? year : '',
    };
  }
  return { day: '', month: '', year: '' };
}

function listParts(parts: DatePart[]): string {
  const names: Record<DatePart, string> = { day: 'un jour', month: 'un mois', year: 'une année' };
  const words = parts.map((part) => names[part]);
  return words.length === 1 ? (words[0] as string) : `${words.slice(0, -1).join(', ')} et ${words[words.length - 1]}`;
}

// ---------------------------------------------------------------------------
// Validation of stored values

/** A validation problem; `parts` says which inputs of a date or address to highlight. */
export interface FieldIssue {
  message: string;
  parts?: string[];
}

function checkDate(field: Field, value: AnswerValue, now: Date): FieldIssue | null {
  if (Array.isArray(value)) {
    const [day = '', month = '', year = ''] = (value as unknown[]).map((part) =>
      typeof part === 'string' ? part : '',
    );
    const typed = { day, month, year };
    const missing = DATE_PARTS.filter((part) => typed[part] === '');
    if (missing.length > 0)
      return { message: `${subject(field)} doit comporter ${listParts(missing)}`, parts: missing };
    const dayOk = /^\d{1,2}$/.test(day) && Number(day) >= 1 && Number(day) <= 31;
    const monthNumberValue = monthNumber(month);
    const monthOk = monthNumberValue >= 1 && monthNumberValue <= 12;
    const yearDigits = /^\d+$/.test(year);
    if (dayOk && monthOk && yearDigits && year.length !== 4) {
      return {
        message: `${subject(field)} doit comporter une année à 4${NBSP}chiffres, par exemple 2026`,
        parts: ['year'],
      };
    }
    const wrong = DATE_PARTS.filter(
      (part) => (part === 'day' && !dayOk) || (part === 'month' && !monthOk) || (part === 'year' && !yearDigits),
    );
    return { message: `${subject(field)} doit être une date réelle`, parts: wrong.length > 0 ? wrong : DATE_PARTS };
  }
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return { message: `${subject(field)} doit être une date réelle`, parts: DATE_PARTS };
  }
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  if (isoDate(year, month, day) === null)
    return { message: `${subject(field)} doit être une date réelle`, parts: DATE_PARTS };
  const min = field.validation?.minDate;
  const max = field.validation?.maxDate;
  const minIso = min !== undefined ? resolveDateBound(min, now) : null;
  const maxIso = max !== undefined ? resolveDateBound(max, now) : null;
  const tooEarly = minIso !== null && value < minIso;
  const tooLate = maxIso !== null && value > maxIso;
  if (!tooEarly && !tooLate) return null;
  const long = (iso: string) => formatDate(`${iso}T12:00:00Z`);
  let message: string;
  if (minIso !== null && maxIso !== null)
    message = `${subject(field)} doit être entre le ${long(minIso)} et le ${long(maxIso)}`;
  else if (tooEarly) {
    message =
      min === 'today'
        ? `${subject(field)} doit être aujourd’hui ou dans le futur`
        : `${subject(field)} doit être le ${long(minIso as string)} ou après`;
  } else {
    message =
      max === 'today'
        ? `${subject(field)} doit être aujourd’hui ou dans le passé`
        : `${subject(field)} doit être le ${long(maxIso as string)} ou avant`;
  }
  return { message, parts: DATE_PARTS };
}

function checkText(field: Field, value: AnswerValue): FieldIssue | null {
  if (typeof value !== 'string') return { message: `${subject(field)} doit être un texte` };
  const length = characterCount(value);
  const cap = field.type === 'textarea' ? LIMITS.textareaMaxLength : LIMITS.textMaxLength;
  const maxLength = Math.min(field.validation?.maxLength ?? cap, cap);
  if (length > maxLength) {
    return { message: `${subject(field)} doit comporter au plus ${formatNumber(maxLength)}${NBSP}caractères` };
  }
  const minLength = field.validation?.minLength;
  if (minLength !== undefined && length < minLength) {
    return { message: `${subject(field)} doit comporter au moins ${formatNumber(minLength)}${NBSP}caractères` };
  }
  const pattern = field.validation?.pattern;
  if (pattern !== undefined && !compilePattern(pattern).test(value)) {
    return { message: field.validation?.patternMessage ?? `${subject(field)} n’est pas au format attendu` };
  }
  return null;
}

function checkNumber(field: Field, value: AnswerValue): FieldIssue | null {
  const integer = field.validation?.integer === true;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return {
      message: integer
        ? `${subject(field)} doit être un nombre entier, par exemple 12`
        : `${subject(field)} doit être un nombre, par exemple 12 ou 12,5`,
    };
  }
  if (integer && !Number.isInteger(value)) return { message: `${subject(field)} doit être un nombre entier` };
  const { min, max } = field.validation ?? {};
  const show = (n: number) => formatNumber(n, { maximumFractionDigits: 10 });
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    if (min !== undefined && max !== undefined)
      return { message: `${subject(field)} doit être entre ${show(min)} et ${show(max)}` };
    if (min !== undefined) return { message: `${subject(field)} doit être d’au moins ${show(min)}` };
    return { message: `${subject(field)} doit être d’au plus ${show(max as number)}` };
  }
  return null;
}

function checkAddress(value: AnswerValue): FieldIssue | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { message: `Saisissez l’adresse complète`, parts: ['line1'] };
  }
  const address = value as Partial<AddressAnswer>;
  const line1 = typeof address.line1 === 'string' ? address.line1 : '';
  const postcode = typeof address.postcode === 'string' ? address.postcode : '';
  const city = typeof address.city === 'string' ? address.city : '';
  const line2 = typeof address.line2 === 'string' ? address.line2 : '';
  const missing = [line1 === '' && 'line1', postcode === '' && 'postcode', city === '' && 'city'].filter(
    (part): part is string => part !== false,
  );
  if (missing.length > 0) {
    const first = missing[0];
    const message =
      first === 'line1'
        ? 'Saisissez le numéro et le nom de la voie'
        : first === 'postcode'
          ? 'Saisissez le code postal'
          : 'Saisissez la commune';
    return { message: missing.length > 1 ? `${message} (l’adresse est incomplète)` : message, parts: missing };
  }
  const tooLong = (['line1', 'line2', 'city'] as const).filter(
    (part) => characterCount({ line1, line2, city }[part]) > 200,
  );
  if (tooLong.length > 0)
    return { message: 'Chaque ligne de l’adresse doit comporter au plus 200 caractères', parts: tooLong };
  if (!isPostcode(postcode))
    return { message: 'Le code postal doit comporter 5 chiffres, par exemple 75001', parts: ['postcode'] };
  return null;
}

function checkFiles(field: Field, value: AnswerValue): FieldIssue | null {
  const files = Array.isArray(value) ? (value as unknown[]).filter(isFileRef) : [];
  const limit = field.file?.maxFiles ?? 1;
  if (files.length > limit) {
    return {
      message:
        limit === 1
          ? 'Vous ne pouvez joindre qu’un seul fichier\u00a0: supprimez-en un'
          : `Vous pouvez joindre au plus ${limit}${NBSP}fichiers${NBSP}: supprimez-en ${files.length - limit}`,
    };
  }
  const accepted = acceptedMimeTypes(field);
  for (const file of files) {
    if (file.size > maxBytes(field)) {
      return {
        message: `Le fichier ${quote(file.name)} dépasse la taille maximale de ${formatBytes(maxBytes(field))}`,
      };
    }
    if (file.size === 0) return { message: `Le fichier ${quote(file.name)} est vide` };
    if (!accepted.includes(file.type)) {
      return { message: `Le fichier ${quote(file.name)} doit être au format ${acceptedFormatsText(field)}` };
    }
  }
  return null;
}

/**
 * Validates a stored value of a field (ignoring its visibility). `now` fixes "today" for
 * date bounds (Europe/Paris).
 */
export function validateField(field: Field, value: AnswerValue | undefined, now: Date = new Date()): FieldIssue | null {
  if (field.type === 'group') {
    // Never answered: the page shows `min` blank items, whose required children are reported.
    if (field.repeat === undefined || !Array.isArray(value)) return null;
    const items = value;
    const min = Math.max(field.repeat.min, field.required ? 1 : 0);
    if (items.length < min) return { message: requiredMessage({ ...field, repeat: { ...field.repeat, min } }) };
    if (items.length > field.repeat.max) {
      return { message: `Vous pouvez ajouter au plus ${field.repeat.max}${NBSP}${field.repeat.itemLabel}` };
    }
    return null;
  }
  if (!isAnswerable(field)) return null;
  if (!isFilled(value)) {
    if (!field.required) return null;
    const parts = field.type === 'date' ? DATE_PARTS : field.type === 'address' ? ['line1'] : undefined;
    return { message: requiredMessage(field), ...(parts ? { parts } : {}) };
  }
  const filled = value as AnswerValue;
  switch (field.type) {
    case 'text':
    case 'textarea':
      return checkText(field, filled);
    case 'number':
      return checkNumber(field, filled);
    case 'email':
      if (typeof filled !== 'string' || !isEmail(filled)) {
        return {
          message:
            (typeof filled === 'string' && mailAddressProblem(filled) === 'accented_local_part'
              ? mailAddressError(filled)
              : null) ?? 'Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr',
        };
      }
      return null;
    case 'phone':
      if (typeof filled !== 'string' || normalizePhone(filled) === null) {
        return { message: 'Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78' };
      }
      return null;
    case 'date':
      return checkDate(field, filled, now);
    case 'address':
      return checkAddress(filled);
    case 'choice': {
      const values = field.options?.map((option) => option.value) ?? [];
      if (typeof filled !== 'string' || !values.includes(filled))
        return { message: 'Sélectionnez une des réponses proposées' };
      return null;
    }
    case 'multichoice': {
      const values = field.options?.map((option) => option.value) ?? [];
      const chosen = Array.isArray(filled) ? (filled as unknown[]) : [];
      if (chosen.length === 0 || !chosen.every((item) => typeof item === 'string' && values.includes(item))) {
        return { message: 'Cochez uniquement des réponses proposées' };
      }
      const { min, max } = field.validation ?? {};
      if (min !== undefined && chosen.length < min) return { message: `Cochez au moins ${min}${NBSP}réponses` };
      if (max !== undefined && chosen.length > max) {
        return { message: max === 1 ? 'Cochez une seule réponse' : `Cochez au plus ${max}${NBSP}réponses` };
      }
      return null;
    }
    case 'yesno':
      return typeof filled === 'boolean' ? null : { message: requiredMessage(field) };
    case 'file':
      return checkFiles(field, filled);
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------
// Visible inputs of a page

/** `${groupId}-${index}-${childId}`: name and id prefix of a child input in a repeatable-group item. */
export function itemKey(groupId: string, index: number, childId: string): string {
  return `${groupId}-${index}-${childId}`;
}

/** One answerable input of a page as shown: its key (input name/id prefix), field and value. */
export interface FieldEntry {
  key: string;
  field: Field;
  value: AnswerValue | undefined;
  /** Set for the children of a repeatable-group item (index from 0). */
  item?: { group: Field; index: number };
}

function isItemBlank(item: Answers): boolean {
  return !Object.values(item).some((value) => isFilled(value));
}

/** Items of a repeatable group as shown: the stored ones, at least `min`. */
export function groupItems(group: Field, value: AnswerValue | undefined): Answers[] {
  const stored = Array.isArray(value)
    ? (value as unknown[]).map((item) =>
        typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as Answers) : {},
      )
    : [];
  const min = group.repeat?.min ?? 0;
  while (stored.length < min) stored.push({});
  return stored.slice(0, group.repeat?.max ?? stored.length);
}

/**
 * The visible answerable inputs of `fields` in page order (children of plain groups flattened;
 * a repeatable group, then the visible children of each of its items).
 */
export function fieldEntries(fields: Field[], answers: Answers): FieldEntry[] {
  const out: FieldEntry[] = [];
  for (const field of fields) {
    if (!isVisible(field.condition, answers)) continue;
    if (field.type === 'group' && field.repeat === undefined) {
      out.push(...fieldEntries(field.fields ?? [], answers));
    } else if (field.type === 'group') {
      out.push({ key: field.id, field, value: answers[field.id] });
      groupItems(field, answers[field.id]).forEach((item, index) => {
        for (const child of field.fields ?? []) {
          if (!isAnswerable(child) || !isVisible(child.condition, itemScope(answers, item))) continue;
          out.push({
            key: itemKey(field.id, index, child.id),
            field: child,
            value: item[child.id],
            item: { group: field, index },
          });
        }
      });
    } else if (isAnswerable(field)) {
      out.push({ key: field.id, field, value: answers[field.id] });
    }
  }
  return out;
}

/** Validates an entry; messages of item children end with "(équipement 2)". */
export function validateEntry(entry: FieldEntry, now: Date = new Date()): FieldIssue | null {
  const issue = validateField(entry.field, entry.value, now);
  if (issue === null || entry.item === undefined) return issue;
  return {
    ...issue,
    message: `${issue.message} (${entry.item.group.repeat?.itemLabel ?? 'élément'} ${entry.item.index + 1})`,
  };
}

// ---------------------------------------------------------------------------
// Reading a submitted page

/** What the citizen asked for with the button they pressed (`name="action"`). */
export type PageAction =
  | { kind: 'continue' }
  | { kind: 'draft' }
  | { kind: 'add'; groupId: string }
  | { kind: 'remove'; groupId: string; index: number }
  | { kind: 'removeFile'; fieldId: string; fileId: string };

/**
 * `continuer` (or nothing: Enter in a text box), `brouillon`, `ajouter:<groupId>`,
 * `supprimer:<groupId>:<index>`, `retirer:<fieldId>:<fileId>`.
 */
export function parsePageAction(value: unknown): PageAction {
  const action = firstString(value);
  if (action === 'brouillon') return { kind: 'draft' };
  let match = /^ajouter:([A-Za-z][A-Za-z0-9_]*)$/.exec(action);
  if (match) return { kind: 'add', groupId: match[1] as string };
  match = /^supprimer:([A-Za-z][A-Za-z0-9_]*):(\d{1,3})$/.exec(action);
  if (match) return { kind: 'remove', groupId: match[1] as string, index: Number(match[2]) };
  match = /^retirer:([A-Za-z][A-Za-z0-9_]*):(.{1,200})$/su.exec(action);
  if (match) return { kind: 'removeFile', fieldId: match[1] as string, fileId: match[2] as string };
  return { kind: 'continue' };
}

/** Hidden input listing the keys of the inputs shown on the page (comma-separated). */
export const SHOWN_FIELDS_INPUT = 'champs-affiches';

function readValue(
  field: Field,
  key: string,
  body: Record<string, unknown>,
  previous: AnswerValue | undefined,
): AnswerValue {
  switch (field.type) {
    case 'text':
    case 'email': {
      const text = cleanLine(body[key]);
      return text === '' ? null : text;
    }
    case 'textarea': {
      const text = cleanText(body[key]);
      return text === '' ? null : text;
    }
    case 'phone': {
      const text = cleanLine(body[key]);
      if (text === '') return null;
      return normalizePhone(text) ?? text;
    }
    case 'number': {
      const text = cleanLine(body[key]);
      if (text === '') return null;
      return parseFrenchNumber(text) ?? text;
    }
    case 'date': {
      const [day, month, year] = DATE_PARTS.map((part) => cleanLine(body[`${key}-${part}`])) as [
        string,
        string,
        string,
      ];
      if (day === '' && month === '' && year === '') return null;
      return dateFromParts(day, month, year) ?? [day, month, year];
    }
    case 'address': {
      const line1 = cleanLine(body[`${key}-line1`]);
      const line2 = cleanLine(body[`${key}-line2`]);
      const postcode = cleanLine(body[`${key}-postcode`]).replace(/[\s\u00a0\u202f]/g, '');
      const city = cleanLine(body[`${key}-city`]);
      if (line1 === '' && line2 === '' && postcode === '' && city === '') return null;
      return { line1, ...(line2 !== '' ? { line2 } : {}), postcode, city };
    }
    case 'choice': {
      const text = cleanLine(body[key]);
      return text === '' ? null : text;
    }
    case 'multichoice':
      return [...new Set(allStrings(body[key]).map((item) => item.trim().slice(0, 200)))]
        .filter((item) => item !== '')
        .slice(0, LIMITS.options);
    case 'yesno': {
      const text = cleanLine(body[key]);
      return text === 'oui' ? true : text === 'non' ? false : null;
    }
    case 'file': {
      // Files already attached stay; the ones stored from this request are added (same id: once).
      const files = Array.isArray(previous) ? (previous as unknown[]).filter(isFileRef) : [];
      for (const file of toFileRefs(body[key])) if (!files.some((known) => known.id === file.id)) files.push(file);
      return files;
    }
    default:
      return null;
  }
}

function clearField(field: Field, answers: Answers): void {
  delete answers[field.id];
  for (const child of field.fields ?? []) delete answers[child.id];
}

function readFields(fields: Field[], body: Record<string, unknown>, answers: Answers): void {
  for (const field of fields) {
    if (!isVisible(field.condition, answers)) {
      clearField(field, answers);
      continue;
    }
    if (field.type === 'group' && field.repeat === undefined) readFields(field.fields ?? [], body, answers);
    else if (field.type === 'group') answers[field.id] = readItems(field, body, answers);
    else if (isAnswerable(field)) answers[field.id] = readValue(field, field.id, body, answers[field.id]);
  }
}

function readItems(group: Field, body: Record<string, unknown>, answers: Answers): Answers[] {
  const repeat = group.repeat as NonNullable<Field['repeat']>;
  const shown = groupItems(group, answers[group.id]);
  const countText = cleanLine(body[`${group.id}-count`]);
  const count = /^\d{1,3}$/.test(countText) ? Math.min(Number(countText), repeat.max) : shown.length;
  const items: Answers[] = [];
  for (let index = 0; index < count; index += 1) {
    const item: Answers = {};
    for (const child of group.fields ?? []) {
      if (!isAnswerable(child) || !isVisible(child.condition, itemScope(answers, item))) continue;
      item[child.id] = readValue(child, itemKey(group.id, index, child.id), body, shown[index]?.[child.id]);
    }
    items.push(item);
  }
  return items;
}

function findField(fields: Field[], id: string): Field | undefined {
  for (const field of fields) {
    if (field.id === id) return field;
    const child = findField(field.type === 'group' && field.repeat === undefined ? (field.fields ?? []) : [], id);
    if (child) return child;
  }
  return undefined;
}

export interface ReadResult {
  /** All answers of the form after this page (other pages kept; hidden fields dropped). */
  answers: Answers;
  /** Input key → French message; only when the citizen pressed "Continuer". */
  errors: Record<string, string>;
  action: PageAction;
  /**
   * `continue`: go to the next page; `redisplay`: show this page again (errors, an item added or
   * removed, a file removed, or questions that this page's answers just revealed); `draft`: the
   * citizen saves and leaves.
   */
  outcome: 'continue' | 'redisplay' | 'draft';
}

/**
 * Reads the submitted body of a page into typed answers, applies the pressed button's action and
 * validates the page's visible fields. Throws a RangeError for a page id the definition lacks.
 */
export function readPageAnswers(
  def: FormDefinition,
  pageId: string,
  body: Record<string, unknown>,
  previous: Answers,
  options: { now?: Date } = {},
): ReadResult {
  const page = findPage(def, pageId);
  if (page === undefined) throw new RangeError(`unknown form page: ${pageId}`);
  const now = options.now ?? new Date();
  const action = parsePageAction(body.action);
  // The inputs the citizen saw: listed by the page itself, or those visible before this submission.
  const listed = body[SHOWN_FIELDS_INPUT];
  const shownBefore = new Set(
    listed !== undefined
      ? firstString(listed).split(',')
      : fieldEntries(page.fields, effectiveAnswers(def, previous)).map((entry) => entry.key),
  );

  const merged: Answers = { ...previous };
  readFields(page.fields, body, merged);

  if (action.kind === 'add' || action.kind === 'remove') {
    const group = findField(page.fields, action.groupId);
    const items = group?.repeat !== undefined ? merged[group.id] : undefined;
    if (group?.repeat !== undefined && Array.isArray(items)) {
      const list = [...(items as Answers[])];
      if (action.kind === 'add' && list.length < group.repeat.max) list.push({});
      if (action.kind === 'remove' && action.index < list.length && list.length > group.repeat.min)
        list.splice(action.index, 1);
      merged[group.id] = list;
    }
  } else if (action.kind === 'removeFile') {
    const field = findField(page.fields, action.fieldId);
    const files = field?.type === 'file' ? merged[field.id] : undefined;
    if (field !== undefined && Array.isArray(files)) {
      merged[field.id] = (files as FileRef[]).filter((file) => file.id !== action.fileId);
    }
  } else if (action.kind === 'continue') {
    // Blank items beyond the minimum are dropped rather than reported.
    for (const field of page.fields) {
      const items = merged[field.id];
      if (field.repeat === undefined || !Array.isArray(items)) continue;
      const list = items as Answers[];
      const kept: Answers[] = [];
      list.forEach((item, index) => {
        const remaining = list.length - index - 1;
        if (!isItemBlank(item) || kept.length + remaining < (field.repeat?.min ?? 0)) kept.push(item);
      });
      merged[field.id] = kept;
    }
  }

  const answers = effectiveAnswers(def, merged);
  const errors: Record<string, string> = {};
  if (action.kind !== 'continue') {
    return { answers, errors, action, outcome: action.kind === 'draft' ? 'draft' : 'redisplay' };
  }
  let revealed = false;
  for (const entry of fieldEntries(page.fields, answers)) {
    // A question this page's answers just revealed was never seen: show it, do not blame.
    const seen = shownBefore.has(entry.key) || (entry.item !== undefined && shownBefore.has(entry.item.group.id));
    if (!seen) {
      revealed = true;
      continue;
    }
    const issue = validateEntry(entry, now);
    if (issue !== null) errors[entry.key] = issue.message;
  }
  const outcome = Object.keys(errors).length > 0 || revealed ? 'redisplay' : 'continue';
  return { answers, errors, action, outcome };
}

/**
 * Fields to fix before submission, in page order: required and empty, or holding a value that
 * does not validate (a raw value kept by a draft, a date now in the past…). Empty when the form
 * can be submitted.
 */
export function missingRequired(
  def: FormDefinition,
  answers: Answers,
  options: { now?: Date } = {},
): Array<{ pageId: string; fieldId: string }> {
  const now = options.now ?? new Date();
  const effective = effectiveAnswers(def, answers);
  const out: Array<{ pageId: string; fieldId: string }> = [];
  for (const page of visiblePages(def, effective)) {
    for (const entry of fieldEntries(page.fields, effective)) {
      if (validateEntry(entry, now) !== null) out.push({ pageId: page.id, fieldId: entry.key });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Prefill ("dites-le-nous une fois")

function prefillValue(field: Field, raw: unknown): AnswerValue {
  switch (field.prefill) {
    case 'address': {
      if (typeof raw !== 'object' || raw === null) return null;
      const source = raw as Record<string, unknown>;
      const part = (key: string) => (typeof source[key] === 'string' ? (source[key] as string).trim() : '');
      const address: AddressAnswer = {
        line1: part('line1'),
        ...(part('line2') !== '' ? { line2: part('line2') } : {}),
        postcode: part('postcode').replace(/\s/g, ''),
        city: part('city'),
      };
      return address.line1 !== '' || address.postcode !== '' || address.city !== '' ? address : null;
    }
    case 'birthDate': {
      if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : parisToday(raw);
      if (typeof raw !== 'string') return null;
      const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(raw);
      return match ? isoDate(Number(match[1]), Number(match[2]), Number(match[3])) : null;
    }
    case 'phone': {
      if (typeof raw !== 'string' || raw.trim() === '') return null;
      return field.type === 'phone' ? (normalizePhone(raw) ?? raw.trim()) : raw.trim();
    }
    default:
      return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : null;
  }
}

/**
 * Fills the empty prefillable fields from the citizen's profile; answers already given are never
 * replaced. Call it when a draft is created (a field the citizen emptied later stays empty).
 */
export function prefillAnswers(
  def: FormDefinition,
  profile: Partial<Record<PrefillKey, unknown>>,
  answers: Answers,
): Answers {
  const out: Answers = { ...answers };
  for (const { field, group } of allFields(def)) {
    if (field.prefill === undefined || group?.repeat !== undefined || isFilled(out[field.id])) continue;
    const value = prefillValue(field, profile[field.prefill]);
    if (value !== null) out[field.id] = value;
  }
  return out;
}
