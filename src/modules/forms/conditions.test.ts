import { describe, expect, it } from 'vitest';
import type { Answers } from './answers.js';
import {
  effectiveAnswers,
  isFilled,
  isVisible,
  nextPageId,
  previousPageId,
  stepOf,
  visiblePages,
} from './conditions.js';
import { type Condition, type FormDefinition, parseFormDefinition } from './definition.js';

function parse(json: unknown): FormDefinition {
  const result = parseFormDefinition(json);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.definition;
}

describe('isVisible', () => {
  const answers: Answers = {
    type: 'mariage',
    danger: true,
    calme: false,
    options: ['tables', 'chaises'],
    nombre: 12,
    vide: '',
    rien: null,
    liste: [],
    adresse: { line1: '', postcode: '', city: '' },
  };
  const cases: Array<[string, Condition | undefined, boolean]> = [
    ['no condition', undefined, true],
    ['equals a string', { field: 'type', equals: 'mariage' }, true],
    ['equals another string', { field: 'type', equals: 'naissance' }, false],
    ['equals true', { field: 'danger', equals: true }, true],
    ['false equals true', { field: 'calme', equals: true }, false],
    ['false equals false', { field: 'calme', equals: false }, true],
    ['missing answer equals false', { field: 'absent', equals: false }, false],
    ['a ticked box', { field: 'options', equals: 'chaises' }, true],
    ['an unticked box', { field: 'options', equals: 'sono' }, false],
    ['a number as text', { field: 'nombre', equals: '12' }, true],
    ['in a list', { field: 'type', in: ['naissance', 'mariage'] }, true],
    ['not in a list', { field: 'type', in: ['deces'] }, false],
    ['ticked boxes in a list', { field: 'options', in: ['sono', 'tables'] }, true],
    ['filled', { field: 'type', filled: true }, true],
    ['empty text is not filled', { field: 'vide', filled: true }, false],
    ['null is not filled', { field: 'rien', filled: false }, true],
    ['empty list is not filled', { field: 'liste', filled: false }, true],
    ['empty address is not filled', { field: 'adresse', filled: false }, true],
    ['false is filled', { field: 'calme', filled: true }, true],
    ['unknown field is not filled', { field: 'absent', filled: false }, true],
    [
      'all true',
      {
        all: [
          { field: 'danger', equals: true },
          { field: 'type', equals: 'mariage' },
        ],
      },
      true,
    ],
    [
      'all with one false',
      {
        all: [
          { field: 'danger', equals: true },
          { field: 'type', equals: 'deces' },
        ],
      },
      false,
    ],
    [
      'any with one true',
      {
        any: [
          { field: 'danger', equals: false },
          { field: 'type', equals: 'mariage' },
        ],
      },
      true,
    ],
    [
      'any all false',
      {
        any: [
          { field: 'danger', equals: false },
          { field: 'type', equals: 'deces' },
        ],
      },
      false,
    ],
    [
      'nested',
      {
        all: [
          {
            any: [
              { field: 'calme', equals: true },
              { field: 'nombre', in: ['12'] },
            ],
          },
          { field: 'vide', filled: false },
        ],
      },
      true,
    ],
  ];
  it.each(cases)('%s', (_name, condition, expected) => {
    expect(isVisible(condition, answers)).toBe(expected);
  });

  it.each([
    [null, false],
    ['  ', false],
    ['x', true],
    [0, true],
    [false, true],
    [[], false],
    [['', '', ''], false],
    [['', '3', ''], true],
    [{ line1: '', postcode: '75001', city: '' }, true],
  ])('isFilled(%j) = %s', (value, expected) => {
    expect(isFilled(value as Answers[string])).toBe(expected);
  });
});

describe('pages and fields shown', () => {
  const definition = parse({
    schemaVersion: 1,
    title: 'Acte',
    pages: [
      {
        id: 'acte',
        title: 'Acte',
        fields: [
          {
            id: 'type',
            type: 'choice',
            label: 'Le type',
            options: [
              { value: 'naissance', label: 'Naissance' },
              { value: 'mariage', label: 'Mariage' },
              { value: 'deces', label: 'Décès' },
            ],
          },
        ],
      },
      {
        id: 'document',
        title: 'Document',
        condition: { field: 'type', in: ['naissance', 'mariage'] },
        fields: [
          {
            id: 'format',
            type: 'choice',
            label: 'Le format',
            options: [
              { value: 'integrale', label: 'Copie intégrale' },
              { value: 'extrait', label: 'Extrait' },
            ],
          },
        ],
      },
      {
        id: 'parents',
        title: 'Parents',
        condition: { field: 'format', equals: 'integrale' },
        fields: [{ id: 'parent1', type: 'text', label: 'Un parent' }],
      },
      {
        id: 'personne',
        title: 'Personne',
        fields: [
          { id: 'nom', type: 'text', label: 'Le nom' },
          {
            id: 'dateMariage',
            type: 'date',
            label: 'La date du mariage',
            condition: { field: 'type', equals: 'mariage' },
          },
          {
            id: 'enfants',
            type: 'group',
            label: 'Les enfants',
            repeat: { min: 0, max: 3, itemLabel: 'enfant' },
            fields: [
              { id: 'prenom', type: 'text', label: 'Le prénom' },
              { id: 'age', type: 'number', label: 'L’âge', condition: { field: 'prenom', filled: true } },
            ],
          },
        ],
      },
      {
        id: 'vide',
        title: 'Page dont tous les champs sont masqués',
        fields: [{ id: 'motif', type: 'text', label: 'Le motif', condition: { field: 'type', equals: 'deces' } }],
      },
    ],
  });

  it('skips pages whose condition fails, and pages without any visible field', () => {
    expect(visiblePages(definition, {}).map((page) => page.id)).toEqual(['acte', 'personne']);
    expect(visiblePages(definition, { type: 'mariage' }).map((page) => page.id)).toEqual([
      'acte',
      'document',
      'personne',
    ]);
    expect(visiblePages(definition, { type: 'deces' }).map((page) => page.id)).toEqual(['acte', 'personne', 'vide']);
  });

  it('cascades: a page that depends on a hidden answer is hidden too', () => {
    const answers = { type: 'deces', format: 'integrale', parent1: 'Jean Dupont' };
    expect(visiblePages(definition, answers).map((page) => page.id)).not.toContain('parents');
    expect(visiblePages(definition, { ...answers, type: 'naissance' }).map((page) => page.id)).toContain('parents');
  });

  it('keeps only the answers of visible fields', () => {
    const answers: Answers = {
      type: 'deces',
      format: 'integrale',
      parent1: 'Jean Dupont',
      nom: 'Martin',
      dateMariage: '2020-06-12',
      inconnu: 'x',
      enfants: [
        { prenom: 'Léa', age: 4 },
        { prenom: '', age: 7 },
      ],
    };
    expect(effectiveAnswers(definition, answers)).toEqual({
      type: 'deces',
      nom: 'Martin',
      enfants: [{ prenom: 'Léa', age: 4 }, { prenom: '' }],
    });
  });

  it('numbers steps among visible pages and finds the next and previous ones', () => {
    const answers = { type: 'naissance', format: 'integrale' };
    expect(stepOf(definition, 'parents', answers)).toEqual({ current: 3, total: 4 });
    expect(nextPageId(definition, 'acte', answers)).toBe('document');
    expect(nextPageId(definition, 'document', answers)).toBe('parents');
    expect(nextPageId(definition, 'document', { type: 'naissance', format: 'extrait' })).toBe('personne');
    expect(nextPageId(definition, 'personne', answers)).toBeNull();
    expect(previousPageId(definition, 'personne', { type: 'deces' })).toBe('acte');
    expect(previousPageId(definition, 'acte', answers)).toBeNull();
    // A page shown although hidden is counted where it stands.
    expect(stepOf(definition, 'parents', {})).toEqual({ current: 2, total: 3 });
  });
});
