import { describe, expect, it } from 'vitest';
import { type Condition, type Field, type FormDefinition, parseFormDefinition } from './definition.js';
import {
  addField,
  addPage,
  conditionChoices,
  conditionChoiceValue,
  conditionTargets,
  definitionProblems,
  deleteField,
  deletePage,
  describeCondition,
  EditRefusal,
  fieldIdFromLabel,
  findField,
  moveField,
  moveFieldToPage,
  movePage,
  optionsFromLines,
  pageIdFromTitle,
  type RuleReference,
  replaceField,
  ruleProblems,
  updatePage,
} from './editing.js';

/** Three pages: a choice that a question, a page and a routing rule test; a repeatable group. */
const BASE: FormDefinition = {
  schemaVersion: 1,
  title: 'Demande de test',
  pages: [
    {
      id: 'demande',
      title: 'Demande',
      fields: [
        {
          id: 'type',
          type: 'choice',
          label: 'Type',
          required: true,
          options: [
            { value: 'a', label: 'A' },
            { value: 'b', label: 'B' },
          ],
        },
        { id: 'precision', type: 'text', label: 'Précision', condition: { field: 'type', equals: 'b' } },
      ],
    },
    {
      id: 'details',
      title: 'Détails',
      condition: { field: 'type', equals: 'a' },
      fields: [
        { id: 'materiel', type: 'yesno', label: 'Matériel ?' },
        {
          id: 'enfants',
          type: 'group',
          label: 'Enfants',
          repeat: { min: 0, max: 5, itemLabel: 'enfant' },
          fields: [
            { id: 'prenomEnfant', type: 'text', label: 'Prénom' },
            { id: 'ageEnfant', type: 'number', label: 'Âge', condition: { field: 'prenomEnfant', filled: true } },
          ],
        },
      ],
    },
    { id: 'contact', title: 'Contact', fields: [{ id: 'email', type: 'email', label: 'E-mail' }] },
  ],
};
const RULES: RuleReference[] = [{ number: 1, fieldId: 'type', equals: 'b', serviceName: 'Urbanisme' }];
const SNAPSHOT = structuredClone(BASE);

/** French typography puts no-break spaces inside « » and after n° : compare with plain spaces. */
function plain(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}

function field(def: FormDefinition, id: string): Field {
  const found = findField(def, id)?.field;
  if (!found) throw new Error(`no field ${id}`);
  return found;
}

function layout(def: FormDefinition): string[] {
  return def.pages.map(
    (page) =>
      `${page.id}: ${page.fields.map((f) => (f.fields ? `${f.id}(${f.fields.map((c) => c.id).join(' ')})` : f.id)).join(' ')}`,
  );
}

describe('ids from labels', () => {
  it.each([
    ['Votre date de naissance', [], 'dateNaissance'],
    ['La date de l’événement', [], 'dateEvenement'],
    ['Nom', ['nom'], 'nom2'],
    ['Nom', ['nom', 'nom2'], 'nom3'],
    ['2 roues ou plus', [], 'q2RouesPlus'],
    ['', [], 'question'],
    ['?!', [], 'question'],
    ['Le', [], 'le'],
    ['Action', [], 'action2'],
    ['Constructor', [], 'constructor2'],
    ['Œuvre d’art exposée', [], 'oeuvreArtExposee'],
    ['Quel est le nombre de personnes attendues à la fête ?', [], 'nombrePersonnesAttenduesFete'],
  ])('%j (taken %j) → %s', (label, taken, expected) => {
    const id = fieldIdFromLabel(label, new Set(taken));
    expect(id).toBe(expected);
    expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
  });

  it('keeps ids short', () => {
    expect(fieldIdFromLabel('Anticonstitutionnellement extraordinairement interminablement', new Set()).length).toBe(
      40,
    );
  });

  it.each([
    ['Vos coordonnées', [], 'coordonnees'],
    ['Vos coordonnées', ['coordonnees'], 'coordonnees-2'],
    ['À propos de l’événement', [], 'propos-evenement'],
    ['…', [], 'page'],
    ['Vérifier', [], 'verifier-2'],
  ])('page %j (taken %j) → %s', (title, taken, expected) => {
    expect(pageIdFromTitle(title, new Set(taken))).toBe(expected);
  });

  it('keeps the value of an option whose label is unchanged, and makes unique values for the others', () => {
    const existing = [
      { value: 'salle-fetes', label: 'La salle des fêtes' },
      { value: 'autre', label: 'Autre' },
    ];
    expect(optionsFromLines(['Autre', '  ', 'La salle des fêtes', 'Salle des fêtes', 'Autre salle'], existing)).toEqual(
      [
        { value: 'autre', label: 'Autre' },
        { value: 'salle-fetes', label: 'La salle des fêtes' },
        { value: 'salle-des-fetes', label: 'Salle des fêtes' },
        { value: 'autre-salle', label: 'Autre salle' },
      ],
    );
    expect(optionsFromLines(['Oui !', 'oui'], [])).toEqual([
      { value: 'oui', label: 'Oui !' },
      { value: 'oui-2', label: 'oui' },
    ]);
  });
});

describe('editing operations', () => {
  it('starts from a valid definition', () => {
    expect(parseFormDefinition(BASE)).toMatchObject({ ok: true });
  });

  it.each<{ name: string; edit: (def: FormDefinition) => FormDefinition; expected: string[] }>([
    {
      name: 'a page added at the end, its id from its title',
      edit: (def) => addPage(def, 'Vos pièces justificatives').definition,
      expected: [
        'demande: type precision',
        'details: materiel enfants(prenomEnfant ageEnfant)',
        'contact: email',
        'pieces-justificatives: ',
      ],
    },
    {
      name: 'a page moved up past pages it does not depend on',
      edit: (def) => movePage(def, 'contact', 'up'),
      expected: ['demande: type precision', 'contact: email', 'details: materiel enfants(prenomEnfant ageEnfant)'],
    },
    {
      name: 'a question moved down',
      edit: (def) => moveField(def, 'materiel', 'down'),
      expected: ['demande: type precision', 'details: enfants(prenomEnfant ageEnfant) materiel', 'contact: email'],
    },
    {
      name: 'a question moved to another page (at its end)',
      edit: (def) => moveFieldToPage(def, 'materiel', 'contact'),
      expected: ['demande: type precision', 'details: enfants(prenomEnfant ageEnfant)', 'contact: email materiel'],
    },
    {
      name: 'a question added to a repeatable group',
      edit: (def) => addField(def, { pageId: 'details', groupId: 'enfants' }, 'date', 'Date de naissance').definition,
      expected: [
        'demande: type precision',
        'details: materiel enfants(prenomEnfant ageEnfant dateNaissance)',
        'contact: email',
      ],
    },
    {
      name: 'a question that nothing tests, deleted',
      edit: (def) => deleteField(def, 'precision', RULES),
      expected: ['demande: type', 'details: materiel enfants(prenomEnfant ageEnfant)', 'contact: email'],
    },
    {
      name: 'a group deleted with its questions, which only test each other',
      edit: (def) => deleteField(def, 'enfants', RULES),
      expected: ['demande: type precision', 'details: materiel', 'contact: email'],
    },
    {
      name: 'a page deleted with its questions',
      edit: (def) => deletePage(def, 'contact', RULES),
      expected: ['demande: type precision', 'details: materiel enfants(prenomEnfant ageEnfant)'],
    },
  ])('$name', ({ edit, expected }) => {
    const next = edit(BASE);
    expect(layout(next)).toEqual(expected);
    expect(BASE).toEqual(SNAPSHOT);
  });

  it.each<{ name: string; edit: (def: FormDefinition) => unknown; message: RegExp }>([
    {
      name: 'deleting a question that a question, a page and a routing rule test',
      edit: (def) => deleteField(def, 'type', RULES),
      message:
        /^La question « Type » ne peut pas être supprimée : elle est utilisée par la condition de la question « Précision » \(page « Demande »\), la condition de la page « Détails » et la règle d’orientation n° 1 \(vers « Urbanisme »\)\./,
    },
    {
      name: 'deleting a question of a group that a sibling tests',
      edit: (def) => deleteField(def, 'prenomEnfant', RULES),
      message:
        /^La question « Prénom » ne peut pas être supprimée : elle est utilisée par la condition de la question « Âge »/,
    },
    {
      name: 'deleting a page whose question is used elsewhere',
      edit: (def) => deletePage(def, 'demande', RULES),
      message:
        /^La page « Demande » ne peut pas être supprimée : sa question « Type » est utilisée par la condition de la page « Détails » et la règle d’orientation n° 1/,
    },
    {
      name: 'deleting the only page',
      edit: (def) => deletePage({ ...def, pages: [def.pages[2]!] }, 'contact', []),
      message: /^La page « Contact » est la seule du formulaire : elle ne peut pas être supprimée\.$/,
    },
    {
      name: 'moving a question above the question its condition tests',
      edit: (def) => moveField(def, 'precision', 'up'),
      message:
        /^La question « Précision » ne peut pas être déplacée : sa condition teste « Type », qui n’est pas placée avant elle\./,
    },
    {
      name: 'moving a tested question below the question that tests it',
      edit: (def) => moveField(def, 'type', 'down'),
      message: /ne peut pas être déplacée : la condition de la question « Précision » teste « Type »/,
    },
    {
      name: 'moving the first question of a page up',
      edit: (def) => moveField(def, 'type', 'up'),
      message: /^La question « Type » est déjà la première de la page : pour la mettre sur une autre page/,
    },
    {
      name: 'moving a page above the page its condition tests',
      edit: (def) => movePage(def, 'details', 'up'),
      message:
        /^La page « Détails » ne peut pas être déplacée : sa condition teste « Type », qui n’est pas sur une page précédente\./,
    },
    {
      name: 'moving the first page up',
      edit: (def) => movePage(def, 'demande', 'up'),
      message: /^La page « Demande » est déjà la première\.$/,
    },
    {
      name: 'moving a tested question to a later page',
      edit: (def) => moveFieldToPage(def, 'type', 'contact'),
      message: /ne peut pas aller sur la page « Contact » : la condition de la question « Précision » teste « Type »/,
    },
    {
      name: 'moving a question of a group to another page',
      edit: (def) => moveFieldToPage(def, 'prenomEnfant', 'contact'),
      message: /^La question « Prénom » fait partie du groupe « Enfants » : elle se déplace avec lui\.$/,
    },
    {
      name: 'a page condition on a question of the same page',
      edit: (def) => updatePage(def, 'contact', { title: 'Contact', condition: { field: 'email', filled: true } }),
      message:
        /^La page « Contact » ne peut pas avoir cette condition : sa condition teste « E-mail », qui n’est pas sur une page précédente\./,
    },
    {
      name: 'a page condition on a question inside a repeatable group',
      edit: (def) =>
        updatePage(def, 'contact', { title: 'Contact', condition: { field: 'prenomEnfant', filled: true } }),
      message: /teste « Prénom », qui est dans un groupe répétable/,
    },
    {
      name: 'renaming an option that a page condition tests',
      edit: (def) =>
        replaceField(
          def,
          { ...field(def, 'type'), options: optionsFromLines(['Choix A', 'B'], field(def, 'type').options ?? []) },
          RULES,
        ),
      message:
        /^Le choix « A » ne peut pas être retiré ou renommé : il est utilisé par la condition de la page « Détails »\. Gardez-le tel quel/,
    },
    {
      name: 'dropping an option that a question and a routing rule test',
      edit: (def) => replaceField(def, { ...field(def, 'type'), options: [{ value: 'a', label: 'A' }] }, RULES),
      message:
        /^Le choix « B » ne peut pas être retiré ou renommé : il est utilisé par la condition de la question « Précision » \(page « Demande »\) et la règle d’orientation n° 1 \(vers « Urbanisme »\)/,
    },
    {
      name: 'a group inside a group',
      edit: (def) => addField(def, { pageId: 'details', groupId: 'enfants' }, 'group', 'Sous-groupe'),
      message: /^Un groupe ne peut pas contenir un autre groupe\.$/,
    },
    {
      name: 'a file inside a repeatable group',
      edit: (def) => addField(def, { pageId: 'details', groupId: 'enfants' }, 'file', 'Photo'),
      message: /^Un groupe répétable ne peut pas contenir de fichier joint/,
    },
    {
      name: 'changing the type of a question',
      edit: (def) => replaceField(def, { ...field(def, 'email'), type: 'text' }, RULES),
      message: /^Le type d’une question ne peut pas être changé\.$/,
    },
  ])('refuses $name', ({ edit, message }) => {
    let refusal: unknown;
    try {
      edit(BASE);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(EditRefusal);
    expect(plain((refusal as EditRefusal).message)).toMatch(message);
    expect(BASE).toEqual(SNAPSHOT);
  });

  it('gives a new question an id from its label that stays when the label changes', () => {
    const { definition, fieldId } = addField(BASE, { pageId: 'contact' }, 'phone', 'Votre téléphone');
    expect(fieldId).toBe('telephone');
    expect(field(definition, 'telephone')).toEqual({
      id: 'telephone',
      type: 'phone',
      label: 'Votre téléphone',
      required: true,
    });
    const renamed = replaceField(definition, { ...field(definition, 'telephone'), label: 'Un numéro de portable' }, []);
    expect(field(renamed, 'telephone').label).toBe('Un numéro de portable');
    const again = addField(renamed, { pageId: 'contact' }, 'phone', 'Votre téléphone');
    expect(again.fieldId).toBe('telephone2');
  });

  it.each([
    ['text', { type: 'text', required: true }],
    ['choice', { type: 'choice', required: true, options: [] }],
    [
      'file',
      { type: 'file', required: true, file: { accept: ['pdf', 'jpeg', 'png'], maxBytes: 10485760, maxFiles: 1 } },
    ],
    ['group', { type: 'group', fields: [] }],
    ['repeatableGroup', { type: 'group', fields: [], repeat: { min: 1, max: 10, itemLabel: 'élément' } }],
    ['section', { type: 'section' }],
    ['explanation', { type: 'explanation', content: '' }],
  ] as const)('adds a question of kind %s with its defaults', (kind, expected) => {
    const { definition, fieldId } = addField(BASE, { pageId: 'contact' }, kind, 'Nouvelle');
    expect(field(definition, fieldId)).toEqual({ id: fieldId, label: 'Nouvelle', ...expected });
  });

  it('keeps a repeatable group’s questions and their settings when the group is edited', () => {
    const next = replaceField(BASE, { ...field(BASE, 'enfants'), label: 'Vos enfants', fields: [] }, RULES);
    expect(field(next, 'enfants').fields?.map((child) => child.id)).toEqual(['prenomEnfant', 'ageEnfant']);
  });

  it('refuses to make a group repeatable when a later question tests one of its questions', () => {
    const def = structuredClone(BASE);
    def.pages[1]!.fields.splice(1, 1, {
      id: 'foyer',
      type: 'group',
      label: 'Foyer',
      fields: [{ id: 'personnes', type: 'number', label: 'Personnes' }],
    });
    def.pages[2]!.fields[0]!.condition = { field: 'personnes', filled: true };
    expect(parseFormDefinition(def)).toMatchObject({ ok: true });
    let message = '';
    try {
      replaceField(def, { ...field(def, 'foyer'), repeat: { min: 1, max: 3, itemLabel: 'personne' } }, []);
    } catch (error) {
      message = plain((error as EditRefusal).message);
    }
    expect(message).toBe(
      'La question « Foyer » ne peut pas avoir ces réglages : la condition de la question « E-mail » teste « Personnes », qui est dans un groupe répétable. Une condition ne peut tester qu’une question placée avant elle, hors d’un groupe répétable.',
    );
  });
});

describe('conditions', () => {
  it.each([
    [{ pageId: 'demande' }, []],
    [{ pageId: 'details' }, ['type', 'precision']],
    [{ pageId: 'contact' }, ['type', 'precision', 'materiel', 'enfants']],
    [{ fieldId: 'type' }, []],
    [{ fieldId: 'precision' }, ['type']],
    [{ fieldId: 'ageEnfant' }, ['type', 'precision', 'materiel', 'prenomEnfant']],
    [{ fieldId: 'email' }, ['type', 'precision', 'materiel', 'enfants']],
  ])('at %j, a condition may test %j', (place, expected) => {
    expect(conditionTargets(BASE, place).map((f) => f.id)).toEqual(expected);
  });

  it('offers the options, yes/no and "has an answer" tests of the questions placed before', () => {
    const choices = conditionChoices(conditionTargets(BASE, { pageId: 'contact' }));
    expect(choices.map((choice) => [choice.value, plain(choice.label)])).toEqual([
      ['egal:type:a', '« Type » vaut « A »'],
      ['egal:type:b', '« Type » vaut « B »'],
      ['rempli:type', '« Type » a une réponse'],
      ['vide:type', '« Type » n’a pas de réponse'],
      ['rempli:precision', '« Précision » a une réponse'],
      ['vide:precision', '« Précision » n’a pas de réponse'],
      ['oui:materiel', '« Matériel ? » vaut Oui'],
      ['non:materiel', '« Matériel ? » vaut Non'],
      ['rempli:materiel', '« Matériel ? » a une réponse'],
      ['vide:materiel', '« Matériel ? » n’a pas de réponse'],
      ['rempli:enfants', '« Enfants » contient au moins un élément'],
      ['vide:enfants', '« Enfants » ne contient aucun élément'],
    ]);
    for (const choice of choices) expect(conditionChoiceValue(choice.condition)).toBe(choice.value);
  });

  it.each([
    [{ field: 'type', equals: 'b' }, '« Type » vaut « B »'],
    [{ field: 'type', in: ['a', 'b'] }, '« Type » vaut « A » ou « B »'],
    [{ field: 'materiel', equals: false }, '« Matériel ? » vaut Non'],
    [{ field: 'precision' }, '« Précision » a une réponse'],
    [{ field: 'enfants', filled: false }, '« Enfants » ne contient aucun élément'],
    [
      {
        all: [
          { field: 'type', equals: 'a' },
          {
            any: [
              { field: 'materiel', equals: true },
              { field: 'precision', filled: true },
            ],
          },
        ],
      },
      '« Type » vaut « A » et (« Matériel ? » vaut Oui ou « Précision » a une réponse)',
    ],
    [{ field: 'disparu', equals: 'x' }, '« disparu » (question introuvable) vaut « x »'],
  ] as Array<[Condition, string]>)('describes %j in French', (condition, text) => {
    expect(plain(describeCondition(BASE, condition))).toBe(text);
    const value = conditionChoiceValue(condition);
    expect(value === 'garder').toBe('in' in condition || 'all' in condition);
  });
});

describe('problems before saving a version', () => {
  it('says in plain words what a new page or question lacks, and the engine’s other errors, each where it is', () => {
    let def = addPage(BASE, 'Pièces').definition;
    def = addField(def, { pageId: 'contact' }, 'choice', 'Votre commune').definition;
    def = addField(def, { pageId: 'contact' }, 'group', 'Votre foyer').definition;
    def = addField(def, { pageId: 'contact' }, 'explanation', '').definition;
    const number = addField(def, { pageId: 'contact' }, 'number', 'Surface');
    def = replaceField(
      number.definition,
      { ...field(number.definition, 'surface'), validation: { min: 10, max: 1 } },
      [],
    );
    const problems = definitionProblems(def, [
      ...RULES,
      { number: 2, fieldId: 'disparu', equals: 'x', serviceName: 'Accueil' },
    ]);
    expect(problems.map((problem) => ({ ...problem, message: plain(problem.message) }))).toEqual([
      {
        pageId: 'contact',
        fieldId: 'commune',
        message: 'Page 3 « Contact », la question « Votre commune » : saisissez au moins deux choix.',
      },
      {
        pageId: 'contact',
        fieldId: 'foyer',
        message: 'Page 3 « Contact », la question « Votre foyer » : ajoutez au moins une question dans le groupe.',
      },
      {
        pageId: 'contact',
        fieldId: 'texteExplicatif',
        message:
          'Page 3 « Contact », la question n° 4 de la page « Contact » (texte explicatif) : saisissez le texte à afficher.',
      },
      {
        pageId: 'pieces',
        message: 'Page 4 « Pièces » : la page n’a pas encore de question ; ajoutez-en une ou supprimez la page.',
      },
      {
        pageId: 'contact',
        fieldId: 'surface',
        message: 'Page 3 « Contact », la question « Surface » : le minimum (10) dépasse le maximum (1)',
      },
      {
        message:
          'La règle d’orientation n° 2 (vers « Accueil ») teste la question « disparu », absente du formulaire : gardez cette question ou modifiez la règle sur la page de la démarche.',
      },
    ]);
    expect(definitionProblems(BASE, RULES)).toEqual([]);
  });

  it.each([
    ['type', 'b', []],
    ['type', 'c', [/le choix « c » n’existe plus/]],
    ['precision', 'b', [/qui doit rester une question à choix hors d’un groupe/]],
    ['disparu', 'b', [/absente du formulaire/]],
  ])('checks a routing rule on %s = %s', (fieldId, equals, expected) => {
    const problems = ruleProblems(BASE, [{ number: 1, fieldId, equals, serviceName: 'Urbanisme' }]);
    expect(problems).toHaveLength(expected.length);
    problems.forEach((problem, index) => {
      expect(plain(problem)).toMatch(expected[index]!);
    });
  });
});
