import { describe, expect, it } from 'vitest';
import type { Field } from '../forms/index.js';
import {
  dateBoundText,
  type FieldFormValues,
  fieldFromForm,
  readDateBound,
  settingsFor,
  valuesOfField,
} from './form-editor-settings.js';

const NO_CONDITIONS = { choices: [], current: undefined };

function settle(field: Field, changes: Partial<FieldFormValues>, group?: Field) {
  return fieldFromForm(field, group, { ...valuesOfField(field), ...changes }, NO_CONDITIONS);
}

describe('date bounds as typed by an administrator', () => {
  it.each([
    ['aujourd’hui', 'today'],
    ["Aujourd'hui", 'today'],
    ['aujourd’hui + 15', 'today+15'],
    ['aujourd’hui-30 jours', 'today-30'],
    ['today+2', 'today+2'],
    ['31/12/2026', '2026-12-31'],
    ['1/2/1950', '1950-02-01'],
    ['2026-12-31', '2026-12-31'],
    ['31/02/2026', null],
    ['demain', null],
    ['aujourd’hui+', null],
  ])('%j → %j', (typed, bound) => {
    expect(readDateBound(typed)).toBe(bound);
  });

  it.each([
    ['today', 'aujourd’hui'],
    ['today+15', 'aujourd’hui+15'],
    ['today-30', 'aujourd’hui-30'],
    ['2026-12-31', '31/12/2026'],
  ])('%s is shown as %s and read back', (bound, shown) => {
    expect(dateBoundText(bound)).toBe(shown);
    expect(readDateBound(shown)).toBe(bound);
  });
});

describe('settings of a question', () => {
  it.each<[Field['type'], string[]]>([
    ['text', ['label', 'condition', 'hint', 'required', 'requiredMessage', 'minLength', 'maxLength', 'prefill']],
    ['number', ['label', 'condition', 'hint', 'required', 'requiredMessage', 'min', 'max', 'integer']],
    ['multichoice', ['label', 'condition', 'hint', 'required', 'requiredMessage', 'options', 'min', 'max']],
    ['date', ['label', 'condition', 'hint', 'required', 'requiredMessage', 'minDate', 'maxDate', 'prefill']],
    ['file', ['label', 'condition', 'hint', 'required', 'requiredMessage', 'fileKinds', 'maxSizeMb', 'maxFiles']],
    ['group', ['label', 'condition', 'hint', 'repeatable', 'repeatMin', 'repeatMax', 'itemLabel', 'addLabel']],
    ['section', ['label', 'condition', 'content']],
    ['explanation', ['label', 'condition', 'content', 'appearance']],
  ])('a question of type %s shows %j', (type, expected) => {
    expect([...settingsFor({ id: 'q', type, label: 'Q' }, undefined)]).toEqual(expected);
  });

  it('offers no prefill inside a repeatable group', () => {
    const group: Field = { id: 'g', type: 'group', label: 'G', repeat: { min: 0, max: 3, itemLabel: 'x' }, fields: [] };
    expect(settingsFor({ id: 'q', type: 'text', label: 'Q' }, group).has('prefill')).toBe(false);
  });

  it('reads back what it shows, keeping the settings the form does not show', () => {
    const field: Field = {
      id: 'codePostal',
      type: 'text',
      label: 'Code postal',
      required: true,
      condition: {
        all: [
          { field: 'a', filled: true },
          { field: 'b', filled: true },
        ],
      },
      validation: { maxLength: 5, pattern: '\\d{5}', patternMessage: 'Cinq chiffres' },
    };
    const read = fieldFromForm(field, undefined, valuesOfField(field), { choices: [], current: field.condition });
    expect(read).toEqual({ ok: true, field });
  });

  it.each<[string, Field, Partial<FieldFormValues>, Record<string, string>]>([
    ['a label', { id: 'q', type: 'text', label: 'Q' }, { label: '' }, { label: 'Saisissez le libellé de la question' }],
    [
      'lengths in order',
      { id: 'q', type: 'textarea', label: 'Q' },
      { minLength: '20', maxLength: '10' },
      { maxLength: 'La longueur maximale doit être supérieure ou égale à la longueur minimale' },
    ],
    [
      'numbers',
      { id: 'q', type: 'number', label: 'Q' },
      { min: 'dix', max: '2,5' },
      { min: 'La valeur minimale doit être un nombre, par exemple 0 ou 2,5' },
    ],
    [
      'no more boxes to tick than there are options',
      { id: 'q', type: 'multichoice', label: 'Q', options: [{ value: 'a', label: 'A' }] },
      { min: '2' },
      { min: 'Le nombre minimal de cases à cocher dépasse le nombre de choix (1)' },
    ],
    [
      'two different options',
      { id: 'q', type: 'choice', label: 'Q', options: [] },
      { options: 'Oui\nOui' },
      { options: 'Le choix « Oui » est en double' },
    ],
    [
      'date bounds understood and in order',
      { id: 'q', type: 'date', label: 'Q' },
      { minDate: 'bientôt', maxDate: '01/01/2020' },
      { minDate: 'Saisissez « aujourd’hui », « aujourd’hui+30 », « aujourd’hui-30 » ou une date comme 31/12/2026' },
    ],
    [
      'a text for an explanation',
      { id: 'q', type: 'explanation', label: '', content: '' },
      { content: '' },
      { content: 'Saisissez le texte à afficher' },
    ],
    [
      'a title for a folding explanation',
      { id: 'q', type: 'explanation', label: '', content: 'Texte' },
      { appearance: 'details' },
      { label: 'Saisissez le titre à déplier : un bloc repliable en a besoin' },
    ],
    [
      'a repeatable group’s numbers and item name',
      { id: 'q', type: 'group', label: 'Q', fields: [] },
      { repeatable: 'oui', repeatMin: '5', repeatMax: '2', itemLabel: '' },
      {
        repeatMax: 'Le nombre maximal doit être supérieur ou égal au nombre minimal',
        itemLabel: 'Saisissez le nom d’un élément, par exemple : enfant',
      },
    ],
    [
      'a condition from the list',
      { id: 'q', type: 'text', label: 'Q' },
      { condition: 'egal:autre:x' },
      { condition: 'Choisissez une condition dans la liste' },
    ],
  ])('asks for %s', (_name, field, changes, errors) => {
    expect(settle(field, changes)).toEqual({ ok: false, errors });
  });

  it('turns the typed settings into the definition’s', () => {
    expect(
      settle(
        {
          id: 'piece',
          type: 'file',
          label: 'Pièce',
          required: true,
          file: { accept: ['pdf'], maxBytes: 1, maxFiles: 1 },
        },
        { required: 'non', fileKinds: ['jpeg', 'pdf'], maxSizeMb: '2,5', maxFiles: '3' },
      ),
    ).toEqual({
      ok: true,
      field: {
        id: 'piece',
        type: 'file',
        label: 'Pièce',
        required: false,
        file: { accept: ['pdf', 'jpeg'], maxBytes: 2621440, maxFiles: 3 },
      },
    });
    expect(
      settle({ id: 'd', type: 'date', label: 'Date' }, { minDate: 'aujourd’hui+15', maxDate: '31/12/2027' }),
    ).toMatchObject({ ok: true, field: { validation: { minDate: 'today+15', maxDate: '2027-12-31' } } });
  });
});
