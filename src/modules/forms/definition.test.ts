import { describe, expect, it } from 'vitest';
import {
  definitionFingerprint,
  FIELD_TYPES,
  FORM_DEFINITION_JSON_SCHEMA,
  parseFormDefinition,
  resolveDateBound,
  unsafePatternReason,
} from './definition.js';

/** Messages with plain spaces (French typography uses no-break spaces) for readable expectations. */
function errorsOf(json: unknown): string[] {
  const result = parseFormDefinition(json);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors.map((error) => error.replace(/\u00a0/g, ' '));
}

function form(fields: unknown[], ...morePages: unknown[]) {
  return {
    schemaVersion: 1,
    title: 'Démarche de test',
    pages: [{ id: 'page-1', title: 'Page 1', fields }, ...morePages],
  };
}

const text = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'text',
  label: `Le champ ${id}`,
  ...extra,
});
const choice = (id: string, values: string[] = ['a', 'b'], extra: Record<string, unknown> = {}) => ({
  id,
  type: 'choice',
  label: `Le choix ${id}`,
  options: values.map((value) => ({ value, label: value.toUpperCase() })),
  ...extra,
});
const fileField = (file: unknown, extra: Record<string, unknown> = {}) => ({
  id: 'piece',
  type: 'file',
  label: 'La pièce',
  file,
  ...extra,
});

describe('parseFormDefinition: a valid definition', () => {
  it('returns a clean copy equal to the input', () => {
    const json = {
      schemaVersion: 1,
      title: 'Signaler un problème',
      summary: 'Voirie',
      pages: [
        {
          id: 'probleme',
          title: 'Le problème',
          fields: [
            choice('type', ['trou', 'eclairage']),
            { id: 'danger', type: 'yesno', label: 'Danger ?', required: true },
            { id: 'intro', type: 'explanation', label: '', content: 'Texte', appearance: 'inset' },
          ],
        },
        {
          id: 'lieu',
          title: 'Le lieu',
          condition: {
            any: [
              { field: 'type', equals: 'trou' },
              { field: 'danger', equals: true },
            ],
          },
          fields: [
            { id: 'adresse', type: 'address', label: 'L’adresse', required: true, prefill: 'address' },
            { id: 'surface', type: 'number', label: 'La surface', validation: { min: 0.5, max: 10, integer: false } },
            {
              id: 'materiel',
              type: 'group',
              label: 'Le matériel',
              repeat: { min: 0, max: 3, itemLabel: 'objet', addLabel: 'Ajouter un objet' },
              fields: [
                text('objet', { required: true }),
                text('detail', { condition: { field: 'objet', filled: true } }),
              ],
            },
            {
              id: 'photo',
              type: 'file',
              label: 'Une photo',
              file: { accept: ['jpeg', 'png'], maxBytes: 1000, maxFiles: 2 },
            },
            {
              id: 'domicile',
              type: 'file',
              label: 'Un justificatif de domicile',
              file: { accept: ['pdf'], maxBytes: 1000, maxFiles: 1, documentKind: 'justificatif_domicile' },
            },
            { id: 'quand', type: 'date', label: 'La date', validation: { minDate: 'today', maxDate: 'today+30' } },
            text('code', {
              validation: { pattern: '[A-Z]{2}\\d{3}', patternMessage: 'Deux lettres puis trois chiffres' },
            }),
          ],
        },
      ],
    };
    const result = parseFormDefinition(json);
    expect(result).toEqual({ ok: true, definition: json });
  });

  it('accepts a condition on an earlier field of the same page and on an earlier sibling in a group', () => {
    const result = parseFormDefinition(
      form([
        choice('a'),
        text('b', { condition: { field: 'a', in: ['a'] } }),
        text('c', { condition: { all: [{ field: 'b', filled: false }] } }),
      ]),
    );
    expect(result.ok).toBe(true);
  });

  it('gives the same fingerprint for the same content whatever the key order', () => {
    const one = parseFormDefinition(form([text('a')]));
    const two = parseFormDefinition({
      pages: [{ fields: [{ label: 'Le champ a', type: 'text', id: 'a' }], title: 'Page 1', id: 'page-1' }],
      title: 'Démarche de test',
      schemaVersion: 1,
    });
    if (!one.ok || !two.ok) throw new Error('invalid');
    expect(definitionFingerprint(one.definition)).toBe(definitionFingerprint(two.definition));
    const three = parseFormDefinition(form([text('b')]));
    if (!three.ok) throw new Error('invalid');
    expect(definitionFingerprint(three.definition)).not.toBe(definitionFingerprint(one.definition));
  });
});

describe('parseFormDefinition: every kind of error, in French, with its path', () => {
  const cases: Array<[string, unknown, string]> = [
    ['not an object', null, 'La définition doit être un objet JSON (reçu : null).'],
    [
      'unsupported version',
      { ...form([text('a')]), schemaVersion: 2 },
      'schemaVersion : la version 2 n’est pas prise en charge (valeur attendue : 1)',
    ],
    ['missing title', { schemaVersion: 1, pages: form([text('a')]).pages }, 'title : le titre est obligatoire'],
    [
      'unknown property at the root',
      { ...form([text('a')]), auteur: 'moi' },
      'la propriété « auteur » n’est pas reconnue (propriétés possibles : schemaVersion, title, summary, legalBasis, pages)',
    ],
    [
      'no pages',
      { schemaVersion: 1, title: 'T', pages: [] },
      'pages : la définition doit contenir une liste non vide de pages (« pages »)',
    ],
    ['empty page', form([]), 'pages[0].fields : une page doit contenir une liste non vide de champs (« fields »)'],
    [
      'bad page id',
      { schemaVersion: 1, title: 'T', pages: [{ id: 'Page 1', title: 'P', fields: [text('a')] }] },
      'pages[0] : l’identifiant de page « Page 1 » n’est pas valide (lettres minuscules, chiffres et tirets, 64 caractères au maximum)',
    ],
    [
      'page id of another step of the démarche',
      { schemaVersion: 1, title: 'T', pages: [{ id: 'verifier', title: 'P', fields: [text('a')] }] },
      'pages[0] : l’identifiant de page « verifier » est réservé',
    ],
    [
      'duplicate page id',
      form([text('a')], { id: 'page-1', title: 'Encore', fields: [text('b')] }),
      'pages[1] : l’identifiant de page « page-1 » est déjà utilisé',
    ],
    [
      'unknown field type',
      form([text('a'), { id: 'b', type: 'radio', label: 'B' }]),
      `pages[0].fields[1] : le type « radio » n’existe pas (types possibles : ${FIELD_TYPES.join(', ')})`,
    ],
    [
      'missing type',
      form([{ id: 'b', label: 'B' }]),
      `pages[0].fields[0] : le type est obligatoire (types possibles : ${FIELD_TYPES.join(', ')})`,
    ],
    [
      'unknown field property',
      form([text('a', { lable: 'x' })]),
      'pages[0].fields[0] : la propriété « lable » n’est pas reconnue',
    ],
    ['bad field id', form([text('1a')]), 'pages[0].fields[0] : l’identifiant « 1a » n’est pas valide'],
    [
      'field id with a hyphen',
      form([text('date-debut')]),
      'pages[0].fields[0] : l’identifiant « date-debut » n’est pas valide',
    ],
    ['reserved field id', form([text('action')]), 'pages[0].fields[0] : l’identifiant « action » est réservé'],
    [
      'field id inherited by every object',
      form([text('constructor')]),
      'pages[0].fields[0] : l’identifiant « constructor » est un nom réservé par JavaScript',
    ],
    [
      'duplicate field id',
      form([text('a')], { id: 'page-2', title: 'P2', fields: [text('a')] }),
      'pages[1].fields[0] : l’identifiant « a » est déjà utilisé par pages[0].fields[0]',
    ],
    ['missing label', form([{ id: 'a', type: 'text' }]), 'pages[0].fields[0].label : le libellé est obligatoire'],
    [
      'empty label',
      form([{ id: 'a', type: 'text', label: '  ' }]),
      'pages[0].fields[0].label : le libellé ne peut pas être vide',
    ],
    [
      'label of the wrong type',
      form([{ id: 'a', type: 'text', label: 3 }]),
      'pages[0].fields[0].label : le libellé doit être un texte (reçu : 3)',
    ],
    [
      'choice without options',
      form([{ id: 'a', type: 'choice', label: 'A' }]),
      'pages[0].fields[0].options : un champ de type « choice » (choix unique) doit avoir une liste « options » de 2 à 200 choix',
    ],
    [
      'choice with one option',
      form([choice('a', ['seul'])]),
      'pages[0].fields[0].options : un champ de type « choice » (choix unique) doit avoir une liste « options » de 2 à 200 choix',
    ],
    [
      'duplicate option',
      form([choice('a', ['x', 'x'])]),
      'pages[0].fields[0].options[1].value : la valeur « x » est déjà utilisée par un autre choix',
    ],
    [
      'options on a text field',
      form([text('a', { options: [] })]),
      'pages[0].fields[0].options : « options » ne s’applique qu’aux champs « choice » et « multichoice »',
    ],
    [
      'condition on an unknown field',
      form([text('a', { condition: { field: 'zz', filled: true } })]),
      'pages[0].fields[0].condition : la condition porte sur le champ « zz », qui n’existe pas',
    ],
    [
      'condition on a later field',
      form([text('a', { condition: { field: 'b', filled: true } }), text('b')]),
      'pages[0].fields[0].condition : la condition porte sur le champ « b », qui n’est pas placé avant (une condition ne peut porter que sur un champ précédent)',
    ],
    [
      'condition on itself',
      form([text('a', { condition: { field: 'a', filled: true } })]),
      'la condition porte sur le champ « a », qui n’est pas placé avant',
    ],
    [
      'page condition on its own field',
      form([text('a')], { id: 'p2', title: 'P2', condition: { field: 'b', filled: true }, fields: [text('b')] }),
      'pages[1].condition : la condition porte sur le champ « b », qui n’est pas placé avant',
    ],
    [
      'page condition on a field of the same page placed first',
      {
        schemaVersion: 1,
        title: 'T',
        pages: [{ id: 'p', title: 'P', condition: { field: 'a', filled: true }, fields: [text('a')] }],
      },
      'pages[0].condition : la condition porte sur le champ « a », qui n’est pas placé avant',
    ],
    [
      'condition value not an option',
      form([choice('a'), text('b', { condition: { field: 'a', equals: 'c' } })]),
      'pages[0].fields[1].condition : la valeur « c » n’est pas une option du champ « a » (options : a, b)',
    ],
    [
      'condition "in" value not an option',
      form([choice('a'), text('b', { condition: { field: 'a', in: ['a', 'z'] } })]),
      'pages[0].fields[1].condition.in[1] : la valeur « z » n’est pas une option du champ « a »',
    ],
    [
      'yes/no compared with a string',
      form([{ id: 'a', type: 'yesno', label: 'A' }, text('b', { condition: { field: 'a', equals: 'oui' } })]),
      'pages[0].fields[1].condition : le champ « a » est de type oui/non : comparez-le à true ou false (reçu : « oui »)',
    ],
    [
      'two operators',
      form([choice('a'), text('b', { condition: { field: 'a', equals: 'a', filled: true } })]),
      'pages[0].fields[1].condition : la condition doit comporter exactement un opérateur parmi « equals », « in » et « filled »',
    ],
    [
      'empty "all"',
      form([text('a'), text('b', { condition: { all: [] } })]),
      'pages[0].fields[1].condition : « all » doit être une liste non vide de conditions',
    ],
    [
      'nested combinator error keeps its path',
      form([
        text('a'),
        text('b', {
          condition: {
            any: [
              { field: 'a', filled: true },
              { field: 'x', filled: true },
            ],
          },
        }),
      ]),
      'pages[0].fields[1].condition.any[1] : la condition porte sur le champ « x », qui n’existe pas',
    ],
    [
      'condition on a section',
      form([{ id: 's', type: 'section', label: 'S' }, text('b', { condition: { field: 's', equals: 'x' } })]),
      'seule la condition « filled » s’y applique',
    ],
    [
      'condition on a child of a repeatable group',
      form([
        { id: 'g', type: 'group', label: 'G', repeat: { min: 0, max: 2, itemLabel: 'ligne' }, fields: [text('c')] },
        text('b', { condition: { field: 'c', filled: true } }),
      ]),
      'pages[0].fields[1].condition : la condition porte sur le champ « c », qui appartient à un groupe répétable',
    ],
    [
      'file without constraints',
      form([{ id: 'f', type: 'file', label: 'F' }]),
      'pages[0].fields[0].file : un champ de type « file » (fichier) doit préciser « file » : { accept, maxBytes, maxFiles }',
    ],
    [
      'unknown file format',
      form([fileField({ accept: ['pdf', 'exe'], maxBytes: 1000, maxFiles: 1 })]),
      'pages[0].fields[0].file.accept : format inconnu : « exe » (formats possibles : pdf, jpeg, png, webp, heic, odt, docx)',
    ],
    [
      'file too large',
      form([fileField({ accept: ['pdf'], maxBytes: 100 * 1024 * 1024, maxFiles: 1 })]),
      'pages[0].fields[0].file.maxBytes : la taille maximale (en octets) doit être entre 1 et 52428800 (reçu : 104857600)',
    ],
    [
      'no file allowed',
      form([fileField({ accept: ['pdf'], maxBytes: 1000, maxFiles: 0 })]),
      'pages[0].fields[0].file.maxFiles : le nombre maximal de fichiers doit être entre 1 et 20 (reçu : 0)',
    ],
    [
      'unknown kind of supporting document',
      form([fileField({ accept: ['pdf'], maxBytes: 1000, maxFiles: 1, documentKind: 'carte_vitale' })]),
      'pages[0].fields[0].file.documentKind : le type de justificatif « carte_vitale » n’existe pas (types possibles : justificatif_domicile, attestation_caf, piece_identite, livret_famille, rib, avis_imposition, autre)',
    ],
    [
      'file constraints on a text field',
      form([text('a', { file: { accept: ['pdf'], maxBytes: 1, maxFiles: 1 } })]),
      'pages[0].fields[0].file : « file » ne s’applique qu’aux champs de type « file »',
    ],
    [
      'file in a repeatable group',
      form([
        {
          id: 'g',
          type: 'group',
          label: 'G',
          repeat: { min: 0, max: 2, itemLabel: 'ligne' },
          fields: [fileField({ accept: ['pdf'], maxBytes: 10, maxFiles: 1 })],
        },
      ]),
      'pages[0].fields[0].fields[0] : un champ fichier ne peut pas être placé dans un groupe répétable (utilisez « maxFiles »)',
    ],
    [
      'rule for another type',
      form([{ id: 'n', type: 'number', label: 'N', validation: { maxLength: 3 } }]),
      'pages[0].fields[0].validation.maxLength : la règle « maxLength » ne s’applique pas à un champ de type « number » (nombre) (seulement : text, textarea)',
    ],
    [
      'unknown rule',
      form([text('a', { validation: { maximum: 3 } })]),
      'pages[0].fields[0].validation : la propriété « maximum » n’est pas reconnue',
    ],
    [
      'min above max',
      form([{ id: 'n', type: 'number', label: 'N', validation: { min: 5, max: 1 } }]),
      'pages[0].fields[0].validation : le minimum (5) dépasse le maximum (1)',
    ],
    [
      'regex that does not compile',
      form([text('a', { validation: { pattern: '[a-' } })]),
      'pages[0].fields[0].validation.pattern : l’expression régulière ne peut pas être compilée',
    ],
    [
      'nested quantifiers',
      form([text('a', { validation: { pattern: '(a+)+b' } })]),
      'pages[0].fields[0].validation.pattern : l’expression régulière contient un groupe répété qui contient lui-même une répétition ou une alternative (risque de blocage) ; simplifiez-la',
    ],
    [
      'back-reference',
      form([text('a', { validation: { pattern: '(a)\\1' } })]),
      'pages[0].fields[0].validation.pattern : l’expression régulière utilise une référence arrière',
    ],
    [
      'regex too long',
      form([text('a', { validation: { pattern: 'a'.repeat(201) } })]),
      'pages[0].fields[0].validation.pattern : l’expression régulière est trop longue (201 caractères, 200 au maximum)',
    ],
    [
      'pattern message without pattern',
      form([text('a', { validation: { patternMessage: 'x' } })]),
      'pages[0].fields[0].validation.patternMessage : « patternMessage » n’a de sens qu’avec « pattern »',
    ],
    [
      'bad date bound',
      form([{ id: 'd', type: 'date', label: 'D', validation: { minDate: 'hier' } }]),
      'pages[0].fields[0].validation.minDate : la borne « hier » n’est pas valide (attendu : « today », « today+30 », « today-30 » ou une date AAAA-MM-JJ)',
    ],
    [
      'impossible date bound',
      form([{ id: 'd', type: 'date', label: 'D', validation: { maxDate: '2025-02-29' } }]),
      'la borne « 2025-02-29 » n’est pas valide',
    ],
    [
      'unknown prefill',
      form([text('a', { prefill: 'nickname' })]),
      'pages[0].fields[0].prefill : le pré-remplissage « nickname » n’existe pas (possibles : givenName, familyName, email, phone, address, birthDate)',
    ],
    [
      'prefill on the wrong type',
      form([text('a', { prefill: 'birthDate' })]),
      'pages[0].fields[0].prefill : le pré-remplissage « birthDate » ne s’applique qu’aux champs « date »',
    ],
    [
      'required section',
      form([{ id: 's', type: 'section', label: 'S', required: true }]),
      'pages[0].fields[0].required : un champ de type « section » (titre de section) ne reçoit pas de réponse : il ne peut pas être obligatoire',
    ],
    [
      'explanation without text',
      form([{ id: 'e', type: 'explanation', label: '' }]),
      'pages[0].fields[0].content : le texte (« content ») est obligatoire',
    ],
    [
      'appearance on a text field',
      form([text('a', { appearance: 'inset' })]),
      'pages[0].fields[0].appearance : « appearance » ne s’applique qu’aux textes explicatifs',
    ],
    [
      'group without fields',
      form([{ id: 'g', type: 'group', label: 'G' }]),
      'pages[0].fields[0].fields : un groupe doit contenir une liste non vide de champs (« fields »)',
    ],
    [
      'group in a group',
      form([
        { id: 'g', type: 'group', label: 'G', fields: [{ id: 'h', type: 'group', label: 'H', fields: [text('x')] }] },
      ]),
      'pages[0].fields[0].fields[0] : un groupe ne peut pas contenir un autre groupe',
    ],
    [
      'repeat with min above max',
      form([{ id: 'g', type: 'group', label: 'G', repeat: { min: 3, max: 2, itemLabel: 'x' }, fields: [text('x')] }]),
      'pages[0].fields[0].repeat : le minimum (3) dépasse le maximum (2)',
    ],
    [
      'repeat on a text field',
      form([text('a', { repeat: { min: 0, max: 1, itemLabel: 'x' } })]),
      'pages[0].fields[0].repeat : « repeat » ne s’applique qu’aux groupes',
    ],
    [
      'too many pages',
      {
        schemaVersion: 1,
        title: 'T',
        pages: Array.from({ length: 51 }, (_, i) => ({ id: `p${i}`, title: 'P', fields: [text(`f${i}`)] })),
      },
      'pages : trop de pages (51, 50 au maximum)',
    ],
    [
      'too many fields',
      form(Array.from({ length: 301 }, (_, i) => text(`f${i}`))),
      'pages : trop de champs (301, 300 au maximum)',
    ],
  ];

  it.each(cases)('%s', (_name, json, expected) => {
    const errors = errorsOf(json);
    expect(
      errors.some((error) => error.includes(expected)),
      `${expected}\nin:\n${errors.join('\n')}`,
    ).toBe(true);
  });

  it('reports every error at once', () => {
    const errors = errorsOf(form([{ id: 'a', type: 'radio', label: 'A' }, text('a'), choice('c', ['x'])]));
    expect(errors).toHaveLength(3);
  });

  it('uses French typography: no-break spaces before colons and inside quotation marks', () => {
    const result = parseFormDefinition(form([{ id: 'b', type: 'radio', label: 'B' }]));
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors[0]).toMatch(/^pages\[0\]\.fields\[0\]\u00a0: le type «\u00a0radio\u00a0» n’existe pas/);
  });
});

describe('unsafePatternReason', () => {
  it.each([
    '\\d{14}',
    '[A-Z]{2}\\d{3}',
    '(?:0|\\+33)[1-9]\\d{8}',
    '(\\d{2} ?){5}',
    '([a-z]+-)?[a-z]+',
    '[a-z]+(?:-[a-z]+)?',
    '(?<code>[0-9]{5})',
    '[(+*)]+',
  ])('accepts %s', (pattern) => {
    expect(unsafePatternReason(pattern)).toBeNull();
  });

  it.each([
    ['(a+)+', 'groupe répété'],
    ['(a*)*', 'groupe répété'],
    ['(a|aa)+', 'groupe répété'],
    ['(\\d+)*x', 'groupe répété'],
    ['((ab)*)+', 'groupe répété'],
    ['(\\d{2} ?){20}', 'groupe répété'],
    ['(?:x+y?)+', 'groupe répété'],
    ['(a)\\1', 'référence arrière'],
    ['(?<x>a)\\k<x>', 'référence arrière'],
    ['(', 'ne peut pas être compilée'],
  ])('refuses %s', (pattern, reason) => {
    expect(unsafePatternReason(pattern)).toContain(reason);
  });
});

describe('resolveDateBound', () => {
  // 11 March 2026 at 23:30 UTC is already 12 March in Paris.
  const now = new Date('2026-03-11T23:30:00Z');
  it.each([
    ['today', '2026-03-12'],
    ['today+15', '2026-03-27'],
    ['today-365', '2025-03-12'],
    ['2024-02-29', '2024-02-29'],
    ['2025-02-29', null],
    ['demain', null],
  ])('%s → %s', (bound, expected) => {
    expect(resolveDateBound(bound, now)).toBe(expected);
  });
});

describe('FORM_DEFINITION_JSON_SCHEMA', () => {
  it('lists the same field types and is plain JSON', () => {
    expect(FORM_DEFINITION_JSON_SCHEMA.$defs.field.properties.type.enum).toEqual([...FIELD_TYPES]);
    expect(JSON.parse(JSON.stringify(FORM_DEFINITION_JSON_SCHEMA))).toEqual(FORM_DEFINITION_JSON_SCHEMA);
  });
});
