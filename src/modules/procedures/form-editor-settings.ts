/**
 * The settings form of one question in the form editor: which settings make sense for each type,
 * the values shown (a question → strings), and the posted values read back into a question,
 * with a French message per input when something is wrong. Settings the editor does not show
 * (a regular expression, a condition combining several tests) are kept as they are.
 */

import type { FormBody } from '../../platform/views/page-kit.js';
import {
  type Condition,
  type ConditionChoice,
  conditionChoiceValue,
  EXPLANATION_APPEARANCES,
  type ExplanationAppearance,
  FILE_KINDS,
  type Field,
  type FieldValidation,
  type FileKind,
  isAnswerable,
  isoDate,
  LIMITS,
  optionsFromLines,
  PREFILL_APPLIES,
  PREFILL_KEYS,
  type PrefillKey,
} from '../forms/index.js';

/** The inputs of the settings form, as strings (checkbox groups as lists). */
export interface FieldFormValues {
  label: string;
  hint: string;
  required: string;
  requiredMessage: string;
  options: string;
  minLength: string;
  maxLength: string;
  min: string;
  max: string;
  integer: string;
  minDate: string;
  maxDate: string;
  prefill: string;
  fileKinds: string[];
  maxSizeMb: string;
  maxFiles: string;
  repeatable: string;
  repeatMin: string;
  repeatMax: string;
  itemLabel: string;
  addLabel: string;
  content: string;
  appearance: string;
  condition: string;
}

export type SettingName = keyof FieldFormValues;

/** The order of the inputs on the page (for the error summary). */
export const SETTING_ORDER: SettingName[] = [
  'label',
  'hint',
  'content',
  'appearance',
  'required',
  'requiredMessage',
  'options',
  'minLength',
  'maxLength',
  'min',
  'max',
  'integer',
  'minDate',
  'maxDate',
  'fileKinds',
  'maxSizeMb',
  'maxFiles',
  'repeatable',
  'repeatMin',
  'repeatMax',
  'itemLabel',
  'addLabel',
  'prefill',
  'condition',
];

export const PREFILL_LABELS: Record<PrefillKey, string> = {
  givenName: 'Son prénom',
  familyName: 'Son nom de famille',
  email: 'Son adresse e-mail',
  phone: 'Son numéro de téléphone',
  address: 'Son adresse postale',
  birthDate: 'Sa date de naissance',
};

/** Profile data that may prefill the question (none inside a repeatable group). */
export function prefillKeysFor(field: Field, group: Field | undefined): PrefillKey[] {
  if (group?.repeat !== undefined) return [];
  return PREFILL_KEYS.filter((key) => PREFILL_APPLIES[key].includes(field.type));
}

/** The settings shown for a question of this type at this place. */
export function settingsFor(field: Field, group: Field | undefined): Set<SettingName> {
  const shown = new Set<SettingName>(['label', 'condition']);
  const answerable = isAnswerable(field);
  if (field.type !== 'section' && field.type !== 'explanation') shown.add('hint');
  if (answerable) {
    shown.add('required');
    shown.add('requiredMessage');
  }
  switch (field.type) {
    case 'text':
    case 'textarea':
      shown.add('minLength');
      shown.add('maxLength');
      break;
    case 'number':
      shown.add('min');
      shown.add('max');
      shown.add('integer');
      break;
    case 'multichoice':
      shown.add('options');
      shown.add('min');
      shown.add('max');
      break;
    case 'choice':
      shown.add('options');
      break;
    case 'date':
      shown.add('minDate');
      shown.add('maxDate');
      break;
    case 'file':
      shown.add('fileKinds');
      shown.add('maxSizeMb');
      shown.add('maxFiles');
      break;
    case 'group':
      for (const name of ['repeatable', 'repeatMin', 'repeatMax', 'itemLabel', 'addLabel'] as const) shown.add(name);
      break;
    case 'section':
      shown.add('content');
      break;
    case 'explanation':
      shown.add('content');
      shown.add('appearance');
      break;
  }
  if (prefillKeysFor(field, group).length > 0) shown.add('prefill');
  return shown;
}

const MIB = 1024 * 1024;

function decimal(value: number | undefined): string {
  return value === undefined ? '' : String(value).replace('.', ',');
}

/** A date bound as typed in the editor: `aujourd’hui`, `aujourd’hui+15`, `31/12/2026`. */
export function dateBoundText(bound: string | undefined): string {
  if (bound === undefined) return '';
  const relative = /^today(?:([+-])(\d+))?$/.exec(bound);
  if (relative) return `aujourd’hui${relative[1] ?? ''}${relative[2] ?? ''}`;
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(bound);
  return iso ? `${iso[3]}/${iso[2]}/${iso[1]}` : bound;
}

/** The bound of the definition for a typed date bound; null when it is not understood. */
export function readDateBound(text: string): string | null {
  const compact = text.trim().toLowerCase().replace(/\s+/g, '').replace(/’/g, "'");
  const relative = /^(?:aujourd'hui|today)(?:([+-])(\d{1,5})(?:jours?)?)?$/.exec(compact);
  if (relative) return relative[1] ? `today${relative[1]}${relative[2]}` : 'today';
  const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(compact);
  if (fr) return isoDate(Number(fr[3]), Number(fr[2]), Number(fr[1]));
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(compact);
  return iso ? isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3])) : null;
}

/** The values shown for a question. */
export function valuesOfField(field: Field): FieldFormValues {
  const v = field.validation ?? {};
  return {
    label: field.label,
    hint: field.hint ?? '',
    required: field.required ? 'oui' : '',
    requiredMessage: field.requiredMessage ?? '',
    options: (field.options ?? []).map((option) => option.label).join('\n'),
    minLength: v.minLength === undefined ? '' : String(v.minLength),
    maxLength: v.maxLength === undefined ? '' : String(v.maxLength),
    min: decimal(v.min),
    max: decimal(v.max),
    integer: v.integer ? 'oui' : '',
    minDate: dateBoundText(v.minDate),
    maxDate: dateBoundText(v.maxDate),
    prefill: field.prefill ?? '',
    fileKinds: [...(field.file?.accept ?? [])],
    maxSizeMb: field.file ? decimal(Math.round((field.file.maxBytes / MIB) * 100) / 100) : '',
    maxFiles: field.file ? String(field.file.maxFiles) : '',
    repeatable: field.repeat ? 'oui' : '',
    repeatMin: field.repeat ? String(field.repeat.min) : '1',
    repeatMax: field.repeat ? String(field.repeat.max) : '10',
    itemLabel: field.repeat?.itemLabel ?? 'élément',
    addLabel: field.repeat?.addLabel ?? '',
    content: field.content ?? '',
    appearance: field.appearance ?? 'paragraph',
    condition: conditionChoiceValue(field.condition),
  };
}

function text(body: FormBody, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : '';
}

function list(body: FormBody, name: string): string[] {
  const value = body[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The posted settings form. */
export function readFieldForm(body: FormBody): FieldFormValues {
  return {
    label: text(body, 'label'),
    hint: text(body, 'hint'),
    required: text(body, 'required'),
    requiredMessage: text(body, 'requiredMessage'),
    options: text(body, 'options'),
    minLength: text(body, 'minLength'),
    maxLength: text(body, 'maxLength'),
    min: text(body, 'min'),
    max: text(body, 'max'),
    integer: text(body, 'integer'),
    minDate: text(body, 'minDate'),
    maxDate: text(body, 'maxDate'),
    prefill: text(body, 'prefill'),
    fileKinds: list(body, 'fileKinds'),
    maxSizeMb: text(body, 'maxSizeMb'),
    maxFiles: text(body, 'maxFiles'),
    repeatable: text(body, 'repeatable'),
    repeatMin: text(body, 'repeatMin'),
    repeatMax: text(body, 'repeatMax'),
    itemLabel: text(body, 'itemLabel'),
    addLabel: text(body, 'addLabel'),
    content: text(body, 'content'),
    appearance: text(body, 'appearance'),
    condition: text(body, 'condition'),
  };
}

function wholeNumber(value: string): number | undefined {
  return /^\d{1,6}$/.test(value) ? Number(value) : undefined;
}

function realNumber(value: string): number | undefined {
  return /^-?\d{1,12}(?:[.,]\d{1,6})?$/.test(value) ? Number(value.replace(',', '.')) : undefined;
}

function tooLong(value: string, max: number): boolean {
  return value.length > max;
}

/**
 * The question with the posted settings, or the French errors keyed by input name. The id, the
 * type and a group's questions stay; so do the settings the form does not show.
 */
export function fieldFromForm(
  old: Field,
  group: Field | undefined,
  values: FieldFormValues,
  conditions: { choices: readonly ConditionChoice[]; current: Condition | undefined },
): { ok: true; field: Field } | { ok: false; errors: Record<string, string> } {
  const shown = settingsFor(old, group);
  const errors: Record<string, string> = {};
  const field: Field = { id: old.id, type: old.type, label: values.label };

  // Label, hint, content
  const labelOptional = old.type === 'explanation' && values.appearance !== 'details';
  if (values.label === '' && !labelOptional)
    errors.label =
      old.type === 'explanation'
        ? 'Saisissez le titre à déplier : un bloc repliable en a besoin'
        : 'Saisissez le libellé de la question';
  else if (tooLong(values.label, LIMITS.labelLength))
    errors.label = `Le libellé doit faire ${LIMITS.labelLength} caractères au plus`;
  if (shown.has('hint') && values.hint !== '') {
    if (tooLong(values.hint, LIMITS.hintLength))
      errors.hint = `L’aide doit faire ${LIMITS.hintLength} caractères au plus`;
    else field.hint = values.hint;
  }
  if (shown.has('content')) {
    if (old.type === 'explanation' && values.content === '') errors.content = 'Saisissez le texte à afficher';
    else if (tooLong(values.content, LIMITS.contentLength))
      errors.content = `Le texte doit faire ${LIMITS.contentLength} caractères au plus`;
    else if (values.content !== '') field.content = values.content;
  }
  if (shown.has('appearance')) {
    if (!(EXPLANATION_APPEARANCES as readonly string[]).includes(values.appearance))
      errors.appearance = 'Choisissez la présentation du texte';
    else if (values.appearance !== 'paragraph') field.appearance = values.appearance as ExplanationAppearance;
  }

  // Required
  if (shown.has('required')) {
    field.required = values.required === 'oui';
    if (values.requiredMessage !== '') {
      if (tooLong(values.requiredMessage, LIMITS.messageLength))
        errors.requiredMessage = `Le message doit faire ${LIMITS.messageLength} caractères au plus`;
      else field.requiredMessage = values.requiredMessage;
    }
  }

  // Options
  if (shown.has('options')) {
    const lines = values.options
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    const minimum = old.type === 'choice' ? 2 : 1;
    const duplicate = lines.find((line, index) => lines.indexOf(line) !== index);
    const long = lines.find((line) => tooLong(line, LIMITS.optionLabelLength));
    if (lines.length < minimum)
      errors.options =
        minimum === 2 ? 'Saisissez au moins deux choix, un par ligne' : 'Saisissez au moins un choix, un par ligne';
    else if (lines.length > LIMITS.options) errors.options = `Saisissez ${LIMITS.options} choix au plus`;
    else if (duplicate !== undefined) errors.options = `Le choix « ${duplicate} » est en double`;
    else if (long !== undefined)
      errors.options = `Chaque choix doit faire ${LIMITS.optionLabelLength} caractères au plus`;
    else field.options = optionsFromLines(lines, old.options ?? []);
  }

  // Validation rules
  const validation: FieldValidation = { ...(old.validation ?? {}) };
  for (const key of ['minLength', 'maxLength', 'min', 'max', 'integer', 'minDate', 'maxDate'] as const)
    delete validation[key];
  if (shown.has('minLength')) {
    const cap = old.type === 'textarea' ? LIMITS.textareaMaxLength : LIMITS.textMaxLength;
    const min = values.minLength === '' ? undefined : wholeNumber(values.minLength);
    const max = values.maxLength === '' ? undefined : wholeNumber(values.maxLength);
    if (values.minLength !== '' && (min === undefined || min > cap))
      errors.minLength = `La longueur minimale doit être un nombre entier de caractères, entre 0 et ${cap}`;
    if (values.maxLength !== '' && (max === undefined || max < 1 || max > cap))
      errors.maxLength = `La longueur maximale doit être un nombre entier de caractères, entre 1 et ${cap}`;
    if (min !== undefined && max !== undefined && min > max && !errors.minLength && !errors.maxLength)
      errors.maxLength = 'La longueur maximale doit être supérieure ou égale à la longueur minimale';
    if (min !== undefined && min > 0) validation.minLength = min;
    if (max !== undefined) validation.maxLength = max;
  }
  if (shown.has('min')) {
    const isCount = old.type === 'multichoice';
    const read = isCount ? wholeNumber : realNumber;
    const min = values.min === '' ? undefined : read(values.min);
    const max = values.max === '' ? undefined : read(values.max);
    if (values.min !== '' && min === undefined)
      errors.min = isCount
        ? 'Le nombre minimal de cases à cocher doit être un nombre entier'
        : 'La valeur minimale doit être un nombre, par exemple 0 ou 2,5';
    if (values.max !== '' && max === undefined)
      errors.max = isCount
        ? 'Le nombre maximal de cases à cocher doit être un nombre entier'
        : 'La valeur maximale doit être un nombre, par exemple 100 ou 2,5';
    if (min !== undefined && max !== undefined && min > max && !errors.min && !errors.max)
      errors.max = isCount
        ? 'Le nombre maximal de cases à cocher doit être supérieur ou égal au nombre minimal'
        : 'La valeur maximale doit être supérieure ou égale à la valeur minimale';
    const optionCount = field.options?.length ?? 0;
    if (isCount && min !== undefined && field.options && min > optionCount && !errors.min)
      errors.min = `Le nombre minimal de cases à cocher dépasse le nombre de choix (${optionCount})`;
    if (min !== undefined && !(isCount && min === 0)) validation.min = min;
    if (max !== undefined) validation.max = max;
  }
  if (shown.has('integer') && values.integer === 'oui') validation.integer = true;
  if (shown.has('minDate')) {
    const min = values.minDate === '' ? undefined : readDateBound(values.minDate);
    const max = values.maxDate === '' ? undefined : readDateBound(values.maxDate);
    const dateError = 'Saisissez « aujourd’hui », « aujourd’hui+30 », « aujourd’hui-30 » ou une date comme 31/12/2026';
    if (min === null) errors.minDate = dateError;
    if (max === null) errors.maxDate = dateError;
    if (
      typeof min === 'string' &&
      typeof max === 'string' &&
      !min.startsWith('today') &&
      !max.startsWith('today') &&
      min > max
    )
      errors.maxDate = 'La date au plus tard doit être après la date au plus tôt';
    if (typeof min === 'string') validation.minDate = min;
    if (typeof max === 'string') validation.maxDate = max;
  }
  if (Object.keys(validation).length > 0) field.validation = validation;

  // File
  if (shown.has('fileKinds')) {
    const kinds = FILE_KINDS.filter((kind) => values.fileKinds.includes(kind));
    const size = realNumber(values.maxSizeMb);
    const count = wholeNumber(values.maxFiles);
    const maxMb = LIMITS.maxBytes / MIB;
    if (kinds.length === 0) errors.fileKinds = 'Cochez au moins un format de fichier accepté';
    if (size === undefined || size <= 0 || size > maxMb)
      errors.maxSizeMb = `La taille maximale doit être un nombre de Mo, entre 1 et ${maxMb}`;
    if (count === undefined || count < 1 || count > LIMITS.maxFiles)
      errors.maxFiles = `Le nombre de fichiers doit être un nombre entier, entre 1 et ${LIMITS.maxFiles}`;
    if (kinds.length > 0 && size !== undefined && count !== undefined)
      field.file = { accept: kinds as FileKind[], maxBytes: Math.max(1, Math.round(size * MIB)), maxFiles: count };
  }

  // Repeatable group
  if (shown.has('repeatable')) {
    field.fields = old.fields ?? [];
    if (values.repeatable === 'oui') {
      const min = wholeNumber(values.repeatMin);
      const max = wholeNumber(values.repeatMax);
      if (min === undefined || min > LIMITS.repeatMax)
        errors.repeatMin = `Le nombre minimal doit être un nombre entier, entre 0 et ${LIMITS.repeatMax}`;
      if (max === undefined || max < 1 || max > LIMITS.repeatMax)
        errors.repeatMax = `Le nombre maximal doit être un nombre entier, entre 1 et ${LIMITS.repeatMax}`;
      else if (min !== undefined && min > max && !errors.repeatMin)
        errors.repeatMax = 'Le nombre maximal doit être supérieur ou égal au nombre minimal';
      if (values.itemLabel === '') errors.itemLabel = 'Saisissez le nom d’un élément, par exemple : enfant';
      else if (tooLong(values.itemLabel, 60)) errors.itemLabel = 'Le nom d’un élément doit faire 60 caractères au plus';
      if (tooLong(values.addLabel, 100)) errors.addLabel = 'Le libellé du bouton doit faire 100 caractères au plus';
      if (min !== undefined && max !== undefined && values.itemLabel !== '')
        field.repeat = {
          min,
          max,
          itemLabel: values.itemLabel,
          ...(values.addLabel !== '' ? { addLabel: values.addLabel } : {}),
        };
    }
  } else if (old.fields !== undefined) field.fields = old.fields;

  // Prefill
  if (shown.has('prefill') && values.prefill !== '') {
    if (!prefillKeysFor(old, group).includes(values.prefill as PrefillKey))
      errors.prefill = 'Choisissez une information du compte dans la liste';
    else field.prefill = values.prefill as PrefillKey;
  }

  // Condition
  if (values.condition === 'garder' && conditions.current !== undefined) field.condition = conditions.current;
  else if (values.condition !== '') {
    const choice = conditions.choices.find((entry) => entry.value === values.condition);
    if (!choice) errors.condition = 'Choisissez une condition dans la liste';
    else field.condition = choice.condition;
  }

  // A repeatable group may be required in a definition written by hand: kept as it was.
  if (!shown.has('required') && old.required !== undefined) field.required = old.required;
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, field: withKeyOrder(field) };
}

/** The usual order of the properties, so that the JSON of the advanced mode stays readable. */
function withKeyOrder(field: Field): Field {
  const order: Array<keyof Field> = [
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
    'repeat',
    'content',
    'appearance',
    'fields',
  ];
  const out: Record<string, unknown> = {};
  for (const key of order) if (field[key] !== undefined) out[key] = field[key];
  return out as unknown as Field;
}
