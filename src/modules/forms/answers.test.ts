import { describe, expect, it } from 'vitest';
import {
  type Answers,
  acceptedMimeTypes,
  type FileRef,
  formatBytes,
  isEmail,
  isPostcode,
  maxBytes,
  missingRequired,
  normalizePhone,
  parseFrenchNumber,
  parsePageAction,
  prefillAnswers,
  readPageAnswers,
} from './answers.js';
import { type FormDefinition, parseFormDefinition } from './definition.js';

function parse(json: unknown): FormDefinition {
  const result = parseFormDefinition(json);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.definition;
}

// 12 March 2026, 10:00 in Paris.
const now = new Date('2026-03-12T09:00:00Z');

const definition = parse({
  schemaVersion: 1,
  title: 'Démarche de test',
  pages: [
    {
      id: 'identite',
      title: 'Identité',
      fields: [
        { id: 'nom', type: 'text', label: 'Votre nom', required: true, validation: { maxLength: 10 } },
        {
          id: 'code',
          type: 'text',
          label: 'Code',
          validation: { pattern: '[A-Z]{2}\\d{3}', patternMessage: 'Le code doit comporter 2 lettres puis 3 chiffres' },
        },
        { id: 'bio', type: 'textarea', label: 'Votre présentation', validation: { minLength: 5, maxLength: 20 } },
        {
          id: 'age',
          type: 'number',
          label: 'Votre âge',
          required: true,
          validation: { integer: true, min: 18, max: 120 },
        },
        { id: 'surface', type: 'number', label: 'La surface', validation: { min: 0.5, max: 100 } },
        {
          id: 'naissance',
          type: 'date',
          label: 'Votre date de naissance',
          required: true,
          validation: { maxDate: 'today' },
        },
        { id: 'debut', type: 'date', label: 'La date de début', validation: { minDate: 'today' } },
        { id: 'email', type: 'email', label: 'Votre adresse e-mail', required: true },
        { id: 'tel', type: 'phone', label: 'Votre numéro de téléphone' },
        { id: 'adresse', type: 'address', label: 'Votre adresse', required: true },
      ],
    },
    {
      id: 'choix',
      title: 'Choix',
      fields: [
        {
          id: 'salle',
          type: 'choice',
          label: 'La salle',
          required: true,
          options: [
            { value: 'a', label: 'Salle A' },
            { value: 'b', label: 'Salle B' },
          ],
        },
        {
          id: 'options',
          type: 'multichoice',
          label: 'Les options',
          options: [
            { value: 'x', label: 'X' },
            { value: 'y', label: 'Y' },
            { value: 'z', label: 'Z' },
          ],
          validation: { max: 2 },
        },
        { id: 'accord', type: 'yesno', label: 'Êtes-vous d’accord\u00a0?', required: true },
        {
          id: 'precision',
          type: 'text',
          label: 'Votre précision',
          required: true,
          condition: { field: 'accord', equals: false },
        },
      ],
    },
    {
      id: 'details',
      title: 'Détails',
      condition: { field: 'salle', equals: 'b' },
      fields: [{ id: 'detail', type: 'text', label: 'Le détail', required: true }],
    },
    {
      id: 'pieces',
      title: 'Pièces',
      fields: [
        {
          id: 'justificatif',
          type: 'file',
          label: 'Votre justificatif',
          required: true,
          file: { accept: ['pdf', 'jpeg'], maxBytes: 1000, maxFiles: 2 },
        },
      ],
    },
    {
      id: 'materiel',
      title: 'Matériel',
      fields: [
        {
          id: 'items',
          type: 'group',
          label: 'Le matériel',
          repeat: { min: 1, max: 3, itemLabel: 'équipement' },
          fields: [
            { id: 'objet', type: 'text', label: 'L’objet', required: true },
            { id: 'quantite', type: 'number', label: 'La quantité', validation: { integer: true, min: 1 } },
          ],
        },
      ],
    },
  ],
});

function read(pageId: string, body: Record<string, unknown>, previous: Answers = {}) {
  const result = readPageAnswers(definition, pageId, body, previous, { now });
  // Messages with plain spaces for readable expectations.
  const errors = Object.fromEntries(
    Object.entries(result.errors).map(([key, value]) => [key, value.replace(/\u00a0/g, ' ')]),
  );
  return { ...result, errors };
}

const validIdentity = {
  nom: 'Martin',
  age: '42',
  'naissance-day': '27',
  'naissance-month': '3',
  'naissance-year': '1985',
  email: 'camille.martin@exemple.fr',
  'adresse-line1': '12 rue de la Paix',
  'adresse-postcode': '75002',
  'adresse-city': 'Paris',
};

/** Reads one field of the identity page (the others valid) and returns its answer and error. */
function identity(overrides: Record<string, unknown>) {
  const result = read('identite', { ...validIdentity, ...overrides });
  return { result, errors: result.errors };
}

describe('readPageAnswers: values by field type', () => {
  it('reads a valid page into typed answers and continues', () => {
    const { answers, errors, outcome } = read('identite', {
      ...validIdentity,
      code: 'AB123',
      bio: '  Bonjour\r\nà tous  ',
      surface: '12,5',
      'debut-day': '12',
      'debut-month': 'mars',
      'debut-year': '2026',
      tel: '+33 6 12 34 56 78',
      'adresse-line2': 'Bâtiment B',
    });
    expect(errors).toEqual({});
    expect(outcome).toBe('continue');
    expect(answers).toEqual({
      nom: 'Martin',
      code: 'AB123',
      bio: 'Bonjour\nà tous',
      age: 42,
      surface: 12.5,
      naissance: '1985-03-27',
      debut: '2026-03-12',
      email: 'camille.martin@exemple.fr',
      tel: '06 12 34 56 78',
      adresse: { line1: '12 rue de la Paix', line2: 'Bâtiment B', postcode: '75002', city: 'Paris' },
    });
  });

  it.each<[string, Record<string, unknown>, string, unknown, string | undefined]>([
    // text
    ['required text', { nom: '   ' }, 'nom', null, 'Saisissez votre nom'],
    ['text at its maximum length', { nom: 'Abcdefghij' }, 'nom', 'Abcdefghij', undefined],
    [
      'text over its maximum length',
      { nom: 'Jean-Pierre D.' },
      'nom',
      'Jean-Pierre D.',
      'Votre nom doit comporter au plus 10 caractères',
    ],
    ['text length counts characters, not bytes', { nom: 'Éléonoré' }, 'nom', 'Éléonoré', undefined],
    ['control characters removed', { nom: 'Mar\u0000tin\n' }, 'nom', 'Martin', undefined],
    ['pattern matched', { code: 'AB123' }, 'code', 'AB123', undefined],
    ['pattern not matched', { code: 'ab123' }, 'code', 'ab123', 'Le code doit comporter 2 lettres puis 3 chiffres'],
    ['pattern is anchored', { code: 'XAB123' }, 'code', 'XAB123', 'Le code doit comporter 2 lettres puis 3 chiffres'],
    ['optional text left empty', { code: '' }, 'code', null, undefined],
    // textarea
    [
      'textarea under its minimum length',
      { bio: 'abc' },
      'bio',
      'abc',
      'Votre présentation doit comporter au moins 5 caractères',
    ],
    [
      'textarea over its maximum length',
      { bio: 'a'.repeat(21) },
      'bio',
      'a'.repeat(21),
      'Votre présentation doit comporter au plus 20 caractères',
    ],
    // numbers
    ['integer', { age: '42' }, 'age', 42, undefined],
    ['integer at the minimum', { age: '18' }, 'age', 18, undefined],
    ['integer under the minimum', { age: '17' }, 'age', 17, 'Votre âge doit être entre 18 et 120'],
    ['integer at the maximum', { age: '120' }, 'age', 120, undefined],
    ['integer over the maximum', { age: '121' }, 'age', 121, 'Votre âge doit être entre 18 et 120'],
    ['decimal where an integer is expected', { age: '42,5' }, 'age', 42.5, 'Votre âge doit être un nombre entier'],
    ['not a number', { age: 'quarante' }, 'age', 'quarante', 'Votre âge doit être un nombre entier, par exemple 12'],
    ['required number', { age: '' }, 'age', null, 'Saisissez votre âge'],
    ['French decimal comma', { surface: '12,5' }, 'surface', 12.5, undefined],
    ['decimal point', { surface: '12.5' }, 'surface', 12.5, undefined],
    ['decimal at the minimum', { surface: '0,5' }, 'surface', 0.5, undefined],
    ['decimal under the minimum', { surface: '0,49' }, 'surface', 0.49, 'La surface doit être entre 0,5 et 100'],
    ['thousands separated by spaces', { surface: '1 000' }, 'surface', 1000, 'La surface doit être entre 0,5 et 100'],
    [
      'thousands separated by a narrow no-break space',
      { surface: '1\u202f000' },
      'surface',
      1000,
      'La surface doit être entre 0,5 et 100',
    ],
    ['negative', { surface: '-3' }, 'surface', -3, 'La surface doit être entre 0,5 et 100'],
    [
      'two decimal separators',
      { surface: '1.000,5' },
      'surface',
      '1.000,5',
      'La surface doit être un nombre, par exemple 12 ou 12,5',
    ],
    // dates (today is 12 March 2026 in Paris)
    [
      '29 February of a leap year',
      { 'naissance-day': '29', 'naissance-month': '2', 'naissance-year': '2024' },
      'naissance',
      '2024-02-29',
      undefined,
    ],
    [
      '29 February of a common year',
      { 'naissance-day': '29', 'naissance-month': '2', 'naissance-year': '2025' },
      'naissance',
      ['29', '2', '2025'],
      'Votre date de naissance doit être une date réelle',
    ],
    [
      '29 February 2000 (divisible by 400)',
      { 'naissance-day': '29', 'naissance-month': '02', 'naissance-year': '2000' },
      'naissance',
      '2000-02-29',
      undefined,
    ],
    [
      '29 February 1900 (not a leap year)',
      { 'naissance-day': '29', 'naissance-month': '2', 'naissance-year': '1900' },
      'naissance',
      ['29', '2', '1900'],
      'Votre date de naissance doit être une date réelle',
    ],
    [
      '31 April',
      { 'naissance-day': '31', 'naissance-month': '4', 'naissance-year': '2020' },
      'naissance',
      ['31', '4', '2020'],
      'Votre date de naissance doit être une date réelle',
    ],
    [
      'month 13',
      { 'naissance-day': '1', 'naissance-month': '13', 'naissance-year': '2020' },
      'naissance',
      ['1', '13', '2020'],
      'Votre date de naissance doit être une date réelle',
    ],
    [
      'month written in French',
      { 'naissance-day': '1', 'naissance-month': 'Févr.', 'naissance-year': '2020' },
      'naissance',
      '2020-02-01',
      undefined,
    ],
    [
      'month written without accent',
      { 'naissance-day': '15', 'naissance-month': 'aout', 'naissance-year': '1990' },
      'naissance',
      '1990-08-15',
      undefined,
    ],
    [
      'missing day',
      { 'naissance-day': '', 'naissance-month': '3', 'naissance-year': '2020' },
      'naissance',
      ['', '3', '2020'],
      'Votre date de naissance doit comporter un jour',
    ],
    [
      'missing month and year',
      { 'naissance-day': '12', 'naissance-month': '', 'naissance-year': '' },
      'naissance',
      ['12', '', ''],
      'Votre date de naissance doit comporter un mois et une année',
    ],
    [
      'two-digit year',
      { 'naissance-day': '12', 'naissance-month': '3', 'naissance-year': '85' },
      'naissance',
      ['12', '3', '85'],
      'Votre date de naissance doit comporter une année à 4 chiffres, par exemple 2026',
    ],
    [
      'letters in the day',
      { 'naissance-day': 'xx', 'naissance-month': '3', 'naissance-year': '1985' },
      'naissance',
      ['xx', '3', '1985'],
      'Votre date de naissance doit être une date réelle',
    ],
    [
      'empty required date',
      { 'naissance-day': '', 'naissance-month': '', 'naissance-year': '' },
      'naissance',
      null,
      'Saisissez votre date de naissance',
    ],
    [
      'today, when it must be in the past',
      { 'naissance-day': '12', 'naissance-month': '3', 'naissance-year': '2026' },
      'naissance',
      '2026-03-12',
      undefined,
    ],
    [
      'tomorrow, when it must be in the past',
      { 'naissance-day': '13', 'naissance-month': '3', 'naissance-year': '2026' },
      'naissance',
      '2026-03-13',
      'Votre date de naissance doit être aujourd’hui ou dans le passé',
    ],
    [
      'yesterday, when it must be in the future',
      { 'debut-day': '11', 'debut-month': '3', 'debut-year': '2026' },
      'debut',
      '2026-03-11',
      'La date de début doit être aujourd’hui ou dans le futur',
    ],
    // e-mail and phone
    ['e-mail', { email: ' Camille.Martin@exemple.fr ' }, 'email', 'Camille.Martin@exemple.fr', undefined],
    [
      'e-mail without domain',
      { email: 'camille@exemple' },
      'email',
      'camille@exemple',
      'Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr',
    ],
    ['required e-mail', { email: '' }, 'email', null, 'Saisissez votre adresse e-mail'],
    ['mobile phone with spaces', { tel: '06 12 34 56 78' }, 'tel', '06 12 34 56 78', undefined],
    ['phone with dots', { tel: '01.23.45.67.89' }, 'tel', '01 23 45 67 89', undefined],
    ['phone +33', { tel: '+33612345678' }, 'tel', '06 12 34 56 78', undefined],
    ['phone 0033 with (0)', { tel: '0033 (0)6 12 34 56 78' }, 'tel', '06 12 34 56 78', undefined],
    [
      'phone too short',
      { tel: '06 12 34 56 7' },
      'tel',
      '06 12 34 56 7',
      'Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78',
    ],
    // address
    [
      'postcode with a space',
      { 'adresse-postcode': '75 002' },
      'adresse',
      { line1: '12 rue de la Paix', postcode: '75002', city: 'Paris' },
      undefined,
    ],
    [
      'postcode of 4 digits',
      { 'adresse-postcode': '7500' },
      'adresse',
      { line1: '12 rue de la Paix', postcode: '7500', city: 'Paris' },
      'Le code postal doit comporter 5 chiffres, par exemple 75001',
    ],
    [
      'missing city',
      { 'adresse-city': '' },
      'adresse',
      { line1: '12 rue de la Paix', postcode: '75002', city: '' },
      'Saisissez la commune',
    ],
    [
      'empty required address',
      { 'adresse-line1': '', 'adresse-postcode': '', 'adresse-city': '' },
      'adresse',
      null,
      'Saisissez votre adresse',
    ],
  ])('%s', (_name, overrides, fieldId, expectedValue, expectedError) => {
    const { result, errors } = identity(overrides);
    expect(result.answers[fieldId] ?? null).toEqual(expectedValue);
    expect(errors[fieldId]).toBe(expectedError);
    expect(result.outcome).toBe(
      expectedError === undefined && Object.keys(errors).length === 0 ? 'continue' : 'redisplay',
    );
  });

  it('uses the day in Europe/Paris for "today" (23:30 UTC on 11 March is 12 March in Paris)', () => {
    const lateEvening = new Date('2026-03-11T23:30:00Z');
    const body = { ...validIdentity, 'debut-day': '12', 'debut-month': '3', 'debut-year': '2026' };
    expect(readPageAnswers(definition, 'identite', body, {}, { now: lateEvening }).errors.debut).toBeUndefined();
    const body2 = { ...validIdentity, 'naissance-day': '12', 'naissance-month': '3', 'naissance-year': '2026' };
    expect(readPageAnswers(definition, 'identite', body2, {}, { now: lateEvening }).errors.naissance).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, string, unknown, string | undefined]>([
    ['choice', { salle: 'b' }, 'salle', 'b', undefined],
    ['required choice', { salle: '' }, 'salle', null, 'Sélectionnez la salle'],
    ['choice outside the options', { salle: 'c' }, 'salle', 'c', 'Sélectionnez une des réponses proposées'],
    ['one box ticked', { options: 'x' }, 'options', ['x'], undefined],
    ['two boxes ticked', { options: ['x', 'z'] }, 'options', ['x', 'z'], undefined],
    ['too many boxes ticked', { options: ['x', 'y', 'z'] }, 'options', ['x', 'y', 'z'], 'Cochez au plus 2 réponses'],
    [
      'a box outside the options',
      { options: ['x', 'w'] },
      'options',
      ['x', 'w'],
      'Cochez uniquement des réponses proposées',
    ],
    ['no box ticked (optional)', {}, 'options', [], undefined],
    ['yes', { accord: 'oui' }, 'accord', true, undefined],
    ['no', { accord: 'non', precision: 'Parce que' }, 'accord', false, undefined],
    ['required yes/no', { accord: '' }, 'accord', null, 'Répondez à la question « Êtes-vous d’accord ? »'],
    [
      'yes/no with another value',
      { accord: 'peut-être' },
      'accord',
      null,
      'Répondez à la question « Êtes-vous d’accord ? »',
    ],
  ])('%s', (_name, body, fieldId, expectedValue, expectedError) => {
    const previous = { accord: false };
    const { answers, errors } = read('choix', { salle: 'a', accord: 'oui', ...body }, previous);
    expect(answers[fieldId] ?? null).toEqual(expectedValue);
    expect(errors[fieldId]).toBe(expectedError);
  });
});

describe('readPageAnswers: the rest of the form', () => {
  it('keeps the answers of other pages', () => {
    const previous: Answers = { nom: 'Martin', salle: 'a', accord: true };
    const { answers } = read('choix', { salle: 'a', accord: 'oui', options: 'y' }, previous);
    expect(answers).toEqual({ nom: 'Martin', salle: 'a', accord: true, options: ['y'] });
  });

  it('drops the answers of fields and pages that became hidden', () => {
    const previous: Answers = { salle: 'b', accord: false, precision: 'Trop loin', detail: 'Tables' };
    const { answers, errors } = read('choix', { salle: 'a', accord: 'oui' }, previous);
    expect(errors).toEqual({});
    expect(answers).toEqual({ salle: 'a', accord: true, options: [] });
  });

  it('shows a question revealed by this page’s own answers without blaming the citizen', () => {
    const first = read('choix', { salle: 'a', accord: 'non' }, { accord: true });
    expect(first.errors).toEqual({});
    expect(first.outcome).toBe('redisplay');
    expect(first.answers).toMatchObject({ accord: false, precision: null });
    // Once shown, the question is validated like any other.
    const second = read(
      'choix',
      { salle: 'a', accord: 'non', 'champs-affiches': 'salle,options,accord,precision' },
      first.answers,
    );
    expect(second.errors).toEqual({ precision: 'Saisissez votre précision' });
    const third = read('choix', { salle: 'a', accord: 'non', precision: 'Trop loin' }, first.answers);
    expect(third.outcome).toBe('continue');
  });

  it('throws on a page the definition lacks', () => {
    expect(() => readPageAnswers(definition, 'nulle-part', {}, {})).toThrow(RangeError);
  });

  it('saves a draft without validating and keeps invalid values as typed', () => {
    const { answers, errors, outcome, action } = read('identite', {
      nom: 'Martin',
      age: 'douze',
      'naissance-day': '31',
      'naissance-month': '2',
      'naissance-year': '2020',
      action: 'brouillon',
    });
    expect(action).toEqual({ kind: 'draft' });
    expect(outcome).toBe('draft');
    expect(errors).toEqual({});
    expect(answers).toMatchObject({ nom: 'Martin', age: 'douze', naissance: ['31', '2', '2020'] });
  });
});

describe('readPageAnswers: repeatable groups without JavaScript', () => {
  const item = (index: number, objet: string, quantite = '') => ({
    [`items-${index}-objet`]: objet,
    [`items-${index}-quantite`]: quantite,
  });

  it('adds an item and shows the page again', () => {
    const { answers, errors, outcome } = read('materiel', {
      'items-count': '1',
      ...item(0, 'Tables', '4'),
      action: 'ajouter:items',
    });
    expect(outcome).toBe('redisplay');
    expect(errors).toEqual({});
    expect(answers.items).toEqual([{ objet: 'Tables', quantite: 4 }, {}]);
  });

  it('does not add beyond the maximum', () => {
    const body = { 'items-count': '3', ...item(0, 'A'), ...item(1, 'B'), ...item(2, 'C'), action: 'ajouter:items' };
    expect(read('materiel', body).answers.items).toHaveLength(3);
  });

  it('removes the chosen item', () => {
    const body = {
      'items-count': '3',
      ...item(0, 'A'),
      ...item(1, 'B', '2'),
      ...item(2, 'C'),
      action: 'supprimer:items:1',
    };
    const { answers, outcome } = read('materiel', body);
    expect(outcome).toBe('redisplay');
    expect(answers.items).toEqual([
      { objet: 'A', quantite: null },
      { objet: 'C', quantite: null },
    ]);
  });

  it('does not remove below the minimum', () => {
    const { answers } = read('materiel', { 'items-count': '1', ...item(0, 'A'), action: 'supprimer:items:0' });
    expect(answers.items).toHaveLength(1);
  });

  it('validates each item, naming it in the message', () => {
    const { errors, outcome } = read('materiel', { 'items-count': '2', ...item(0, 'A', '0'), ...item(1, '', '3') });
    expect(outcome).toBe('redisplay');
    expect(errors).toEqual({
      'items-0-quantite': 'La quantité doit être d’au moins 1 (équipement 1)',
      'items-1-objet': 'Saisissez l’objet (équipement 2)',
    });
  });

  it('drops blank items beyond the minimum when continuing', () => {
    const { answers, errors } = read('materiel', {
      'items-count': '3',
      ...item(0, ''),
      ...item(1, 'Chaises', '10'),
      ...item(2, ''),
    });
    expect(errors).toEqual({});
    expect(answers.items).toEqual([{ objet: 'Chaises', quantite: 10 }]);
  });

  it('keeps one blank item to meet the minimum, and reports it', () => {
    const { answers, errors } = read('materiel', { 'items-count': '2', ...item(0, ''), ...item(1, '') });
    expect(answers.items).toHaveLength(1);
    expect(errors).toEqual({ 'items-0-objet': 'Saisissez l’objet (équipement 1)' });
  });

  it('caps a tampered item count at the maximum', () => {
    expect(read('materiel', { 'items-count': '999', action: 'brouillon' }).answers.items).toHaveLength(3);
  });
});

describe('readPageAnswers: files stored by the requests module', () => {
  const pdf = (id: string, size = 500, name = `${id}.pdf`): FileRef => ({ id, name, size, type: 'application/pdf' });

  it('adds the files of this request to those already attached, once each', () => {
    const first = read('pieces', { justificatif: [pdf('f1')] });
    expect(first.answers.justificatif).toEqual([pdf('f1')]);
    expect(first.outcome).toBe('continue');
    const second = read('pieces', { justificatif: [pdf('f1'), pdf('f2')] }, first.answers);
    expect(second.answers.justificatif).toEqual([pdf('f1'), pdf('f2')]);
    const none = read('pieces', {}, second.answers);
    expect(none.answers.justificatif).toEqual([pdf('f1'), pdf('f2')]);
  });

  it('accepts the references as JSON text and ignores anything else', () => {
    const { answers } = read('pieces', { justificatif: [JSON.stringify(pdf('f1')), 'photo.jpg', '{"id":3}'] });
    expect(answers.justificatif).toEqual([pdf('f1')]);
  });

  it('removes a file with its button', () => {
    const { answers, outcome, errors } = read(
      'pieces',
      { action: 'retirer:justificatif:f1' },
      { justificatif: [pdf('f1'), pdf('f2')] },
    );
    expect(outcome).toBe('redisplay');
    expect(errors).toEqual({});
    expect(answers.justificatif).toEqual([pdf('f2')]);
  });

  it.each<[string, FileRef[], string | undefined]>([
    ['nothing attached', [], 'Ajoutez votre justificatif'],
    ['two files (the maximum)', [pdf('a'), pdf('b')], undefined],
    ['three files', [pdf('a'), pdf('b'), pdf('c')], 'Vous pouvez joindre au plus 2 fichiers : supprimez-en 1'],
    ['a file at the size limit', [pdf('a', 1000)], undefined],
    [
      'a file over the size limit',
      [pdf('a', 1001, 'plan.pdf')],
      'Le fichier « plan.pdf » dépasse la taille maximale de 1000 octets',
    ],
    ['an empty file', [pdf('a', 0, 'vide.pdf')], 'Le fichier « vide.pdf » est vide'],
    [
      'a type not accepted',
      [{ id: 'a', name: 'photo.png', size: 10, type: 'image/png' }],
      'Le fichier « photo.png » doit être au format PDF ou JPEG',
    ],
  ])('%s', (_name, files, expected) => {
    expect(read('pieces', { justificatif: files }).errors.justificatif).toBe(expected);
  });

  it('tells the requests module which types and sizes to accept', () => {
    const field = definition.pages[3]?.fields[0];
    if (field === undefined) throw new Error('no field');
    expect(acceptedMimeTypes(field)).toEqual(['application/pdf', 'image/jpeg']);
    expect(maxBytes(field)).toBe(1000);
  });
});

describe('parsePageAction', () => {
  it.each([
    [undefined, { kind: 'continue' }],
    ['continuer', { kind: 'continue' }],
    ['brouillon', { kind: 'draft' }],
    [['brouillon', 'continuer'], { kind: 'draft' }],
    ['ajouter:items', { kind: 'add', groupId: 'items' }],
    ['supprimer:items:2', { kind: 'remove', groupId: 'items', index: 2 }],
    ['retirer:justificatif:0b6e-42:x', { kind: 'removeFile', fieldId: 'justificatif', fileId: '0b6e-42:x' }],
    ['supprimer:items:-1', { kind: 'continue' }],
    ['n’importe quoi', { kind: 'continue' }],
  ])('%j', (value, expected) => {
    expect(parsePageAction(value)).toEqual(expected);
  });
});

describe('format checks', () => {
  it.each([
    ['0612345678', '06 12 34 56 78'],
    ['06-12-34-56-78', '06 12 34 56 78'],
    ['+33 6 12 34 56 78', '06 12 34 56 78'],
    ['+33 (0)1 23 45 67 89', '01 23 45 67 89'],
    ['0033123456789', '01 23 45 67 89'],
    ['09 70 00 00 00', '09 70 00 00 00'],
    ['+262 692 12 34 56', '06 92 12 34 56'],
    ['+590 690 12 34 56', '06 90 12 34 56'],
    ['+32 470 12 34 56', '+32470123456'],
    ['+44 20 7946 0958', '+442079460958'],
    ['061234567', null],
    ['06123456789', null],
    ['0012345', null],
    ['+3361234567', null],
    ['00 12 34 56 78', null],
    ['abc', null],
  ])('normalizePhone(%s) = %s', (raw, expected) => {
    expect(normalizePhone(raw)).toBe(expected);
  });

  it.each([
    ['75001', true],
    ['01000', true],
    ['20000', true],
    ['97400', true],
    ['98000', true],
    ['00100', false],
    ['99000', false],
    ['7500', false],
    ['750011', false],
    ['7500A', false],
  ])('isPostcode(%s) = %s', (value, expected) => {
    expect(isPostcode(value)).toBe(expected);
  });

  it.each([
    ['jean.dupont@exemple.fr', true],
    ['j+tag@mairie.example', true],
    ['a@b', false],
    ['a@@b.fr', false],
    ['a b@c.fr', false],
    ['a..b@c.fr', false],
    ['.a@c.fr', false],
    ['a@c.f', false],
    ['jean@localhost', false],
  ])('isEmail(%s) = %s', (value, expected) => {
    expect(isEmail(value)).toBe(expected);
  });

  it.each([
    ['12', 12],
    ['-0,5', -0.5],
    ['\u22123', -3],
    ['1 234,56', 1234.56],
    ['12,', null],
    [',5', null],
    ['1e3', null],
    ['Infinity', null],
  ])('parseFrenchNumber(%s) = %s', (raw, expected) => {
    expect(parseFrenchNumber(raw)).toBe(expected);
  });

  it.each([
    [1, '1 octet'],
    [800, '800 octets'],
    [122880, '120 Ko'],
    [1572864, '1,5 Mo'],
    [10485760, '10 Mo'],
  ])('formatBytes(%i) = %s', (bytes, expected) => {
    expect(formatBytes(bytes).replace(/\u00a0/g, ' ')).toBe(expected);
  });
});

describe('missingRequired', () => {
  const complete: Answers = {
    nom: 'Martin',
    age: 42,
    naissance: '1985-03-27',
    email: 'camille@exemple.fr',
    adresse: { line1: '1 rue', postcode: '75001', city: 'Paris' },
    salle: 'a',
    accord: true,
    justificatif: [{ id: 'f', name: 'a.pdf', size: 10, type: 'application/pdf' }],
    items: [{ objet: 'Tables' }],
  };

  it('is empty when the form can be submitted', () => {
    expect(missingRequired(definition, complete, { now })).toEqual([]);
  });

  it('lists the empty required fields in page order, with their page', () => {
    expect(missingRequired(definition, {}, { now })).toEqual([
      { pageId: 'identite', fieldId: 'nom' },
      { pageId: 'identite', fieldId: 'age' },
      { pageId: 'identite', fieldId: 'naissance' },
      { pageId: 'identite', fieldId: 'email' },
      { pageId: 'identite', fieldId: 'adresse' },
      { pageId: 'choix', fieldId: 'salle' },
      { pageId: 'choix', fieldId: 'accord' },
      { pageId: 'pieces', fieldId: 'justificatif' },
      { pageId: 'materiel', fieldId: 'items-0-objet' },
    ]);
  });

  it('includes required fields of pages shown by the answers, and invalid values kept by a draft', () => {
    expect(
      missingRequired(
        definition,
        { ...complete, salle: 'b', accord: false, age: 'douze', debut: '2026-03-01' },
        { now },
      ),
    ).toEqual([
      { pageId: 'identite', fieldId: 'age' },
      { pageId: 'identite', fieldId: 'debut' },
      { pageId: 'choix', fieldId: 'precision' },
      { pageId: 'details', fieldId: 'detail' },
    ]);
  });
});

describe('prefillAnswers', () => {
  const prefillable = parse({
    schemaVersion: 1,
    title: 'Profil',
    pages: [
      {
        id: 'vous',
        title: 'Vous',
        fields: [
          { id: 'prenom', type: 'text', label: 'Prénom', prefill: 'givenName' },
          { id: 'nom', type: 'text', label: 'Nom', prefill: 'familyName' },
          { id: 'courriel', type: 'email', label: 'E-mail', prefill: 'email' },
          { id: 'tel', type: 'phone', label: 'Téléphone', prefill: 'phone' },
          { id: 'adresse', type: 'address', label: 'Adresse', prefill: 'address' },
          { id: 'naissance', type: 'date', label: 'Naissance', prefill: 'birthDate' },
          {
            id: 'contact',
            type: 'group',
            label: 'Contact',
            fields: [{ id: 'telContact', type: 'text', label: 'Téléphone', prefill: 'phone' }],
          },
        ],
      },
    ],
  });
  const profile = {
    givenName: 'Camille',
    familyName: 'Martin',
    email: 'camille@exemple.fr',
    phone: '+33612345678',
    address: { line1: '1 place de la Mairie', postcode: '01000', city: 'Bourg-en-Bresse', country: 'FR' },
    birthDate: '1985-03-27',
  };

  it('fills every empty prefillable field with the right shape', () => {
    expect(prefillAnswers(prefillable, profile, {})).toEqual({
      prenom: 'Camille',
      nom: 'Martin',
      courriel: 'camille@exemple.fr',
      tel: '06 12 34 56 78',
      adresse: { line1: '1 place de la Mairie', postcode: '01000', city: 'Bourg-en-Bresse' },
      naissance: '1985-03-27',
      telContact: '+33612345678',
    });
  });

  it('never replaces an answer already given, but fills empty ones', () => {
    const answers = prefillAnswers(prefillable, profile, { prenom: 'Camille-Anne', nom: '', tel: null });
    expect(answers).toMatchObject({ prenom: 'Camille-Anne', nom: 'Martin', tel: '06 12 34 56 78' });
  });

  it('ignores missing or malformed profile data', () => {
    expect(prefillAnswers(prefillable, { birthDate: '1985-02-30', address: 'une chaîne', givenName: 42 }, {})).toEqual(
      {},
    );
    expect(prefillAnswers(prefillable, { birthDate: new Date('1985-03-26T23:00:00Z') }, {})).toEqual({
      naissance: '1985-03-27',
    });
  });
});
