import { describe, expect, it } from 'vitest';
import { formOutcome } from '../../test/fixtures.js';
import {
  canMove,
  DEFAULT_WORKFLOW,
  nextPositions,
  parsePosition,
  positionLabel,
  positionValue,
  stepKey,
  storedWorkflow,
  type Workflow,
  type WorkflowForm,
  workflowFromForm,
  workflowToForm,
  workflowToStored,
} from './workflow.js';

/** The road-works workflow of the demo: no refusal, renamed outcomes, one step. */
const VOIRIE: Workflow = {
  statuses: ['nouvelle', 'en_cours', 'attente_usager', 'acceptee', 'classee'],
  labels: { acceptee: 'Intervention réalisée' },
  steps: [{ key: 'intervention-programmee', label: 'Intervention programmée' }],
};

const form = (overrides: Partial<WorkflowForm> = {}): WorkflowForm => ({
  outcomes: ['acceptee', 'refusee', 'classee'],
  labels: {},
  steps: '',
  ...overrides,
});

function fieldErrors(f: WorkflowForm): Record<string, string> {
  const outcome = formOutcome(() => workflowFromForm(f));
  return 'errors' in outcome ? outcome.errors : {};
}

describe('workflow of a démarche: the administrator’s form', () => {
  it('reads the default form as the default workflow, stored as null', () => {
    const w = workflowFromForm(form());
    expect(w).toEqual(DEFAULT_WORKFLOW);
    expect(workflowToStored(w)).toBeNull();
    expect(workflowToForm(DEFAULT_WORKFLOW)).toEqual(form());
  });

  it('keeps the chosen outcomes, the new names and the steps in order, with keys from the labels', () => {
    const w = workflowFromForm(
      form({
        outcomes: ['classee', 'acceptee'],
        labels: { acceptee: '  Intervention   réalisée ', en_cours: 'En cours' },
        steps: 'Intervention programmée\r\n\r\n  Contrôle après travaux  \nŒuvre d’art à déposer',
      }),
    );
    expect(w.statuses).toEqual(['nouvelle', 'en_cours', 'attente_usager', 'acceptee', 'classee']);
    // A name equal to the default is no renaming.
    expect(w.labels).toEqual({ acceptee: 'Intervention réalisée' });
    expect(w.steps).toEqual([
      { key: 'intervention-programmee', label: 'Intervention programmée' },
      { key: 'controle-apres-travaux', label: 'Contrôle après travaux' },
      { key: 'oeuvre-d-art-a-deposer', label: 'Œuvre d’art à déposer' },
    ]);
    expect(workflowFromForm(workflowToForm(w))).toEqual(w);
  });

  it.each([
    ['no outcome', form({ outcomes: [] }), 'issues', 'Gardez au moins une issue : acceptée, refusée ou classée.'],
    [
      'an unknown outcome',
      form({ outcomes: ['acceptee', 'nouvelle'] }),
      'issues',
      'Choisissez les issues dans la liste.',
    ],
    [
      'a name of 1 character',
      form({ labels: { refusee: 'R' } }),
      'libelle-refusee',
      'Le nom « Refusée » doit faire au moins 2 caractères.',
    ],
    [
      'a name of 41 characters',
      form({ labels: { en_cours: 'x'.repeat(41) } }),
      'libelle-en_cours',
      'Le nom « En cours » doit faire au plus 40 caractères.',
    ],
    [
      'a control character in a name',
      form({ labels: { classee: 'Clas\u0007sée' } }),
      'libelle-classee',
      'Le nom « Classée » contient des caractères non autorisés.',
    ],
    [
      'two statuses with the same name',
      form({ labels: { acceptee: 'Traitée', classee: 'traitée' } }),
      'issues',
      'Donnez un nom différent à chaque statut.',
    ],
    [
      'a step of 61 characters',
      form({ steps: `Visite\n${'é'.repeat(61)}` }),
      'etapes',
      `L’étape 2 (« ${'é'.repeat(30)} ») doit faire au plus 60 caractères.`,
    ],
    [
      'a step without letters',
      form({ steps: '— …' }),
      'etapes',
      'L’étape 1 doit contenir des lettres ou des chiffres.',
    ],
    [
      'the same step twice (accents aside)',
      form({ steps: 'Visite sur place\nvisite sur PLACE' }),
      'etapes',
      'L’étape « visite sur PLACE » figure deux fois.',
    ],
    [
      '9 steps',
      form({ steps: Array.from({ length: 9 }, (_, i) => `Étape ${i + 1}`).join('\n') }),
      'etapes',
      'Indiquez au plus 8 étapes (une par ligne) ; il y en a 9.',
    ],
  ])('refuses %s with a French message on its field', (_name, f, field, message) => {
    expect(fieldErrors(f)).toEqual({ [field]: message });
  });

  it.each([
    ['a name of exactly 2 characters', form({ labels: { refusee: 'Ko' } })],
    ['a name of exactly 40 characters', form({ labels: { en_cours: 'x'.repeat(40) } })],
    ['a step of exactly 60 characters', form({ steps: 'é'.repeat(60) })],
    ['exactly 8 steps', form({ steps: Array.from({ length: 8 }, (_, i) => `Étape ${i + 1}`).join('\n') })],
    ['a single outcome', form({ outcomes: ['classee'] })],
  ])('accepts %s', (_name, f) => {
    expect(fieldErrors(f)).toEqual({});
  });

  it.each([
    ['Avis de l’ABF', 'avis-de-l-abf'],
    ['  Arrêté à la signature ', 'arrete-a-la-signature'],
    ['Cœur de ville', 'coeur-de-ville'],
    ['Étape n° 2', 'etape-n-2'],
    ['!!!', ''],
  ])('gives the step « %s » the key %s', (label, key) => {
    expect(stepKey(label)).toBe(key);
  });
});

describe('workflow of a démarche: where a request may go', () => {
  const at = (status: Workflow['statuses'][number], step: string | null = null) => ({ status, step });
  const values = (w: Workflow, from: ReturnType<typeof at>) => nextPositions(w, from).map(positionValue);

  it.each([
    ['nouvelle', null, ['en_cours', 'attente_usager', 'acceptee', 'refusee', 'classee']],
    ['en_cours', null, ['attente_usager', 'acceptee', 'refusee', 'classee']],
    ['attente_usager', null, ['en_cours', 'acceptee', 'refusee', 'classee']],
    ['acceptee', null, ['en_cours']],
    ['classee', null, ['en_cours']],
  ] as const)('default workflow: from %s (step %s) to %j', (status, step, expected) => {
    expect(values(DEFAULT_WORKFLOW, at(status, step))).toEqual(expected);
  });

  it.each([
    ['nouvelle', null, ['en_cours', 'en_cours/intervention-programmee', 'attente_usager', 'acceptee', 'classee']],
    ['en_cours', null, ['en_cours/intervention-programmee', 'attente_usager', 'acceptee', 'classee']],
    ['en_cours', 'intervention-programmee', ['en_cours', 'attente_usager', 'acceptee', 'classee']],
    ['acceptee', null, ['en_cours', 'en_cours/intervention-programmee']],
  ] as const)('road works: from %s (step %s) to %j — never refused', (status, step, expected) => {
    expect(values(VOIRIE, at(status, step))).toEqual(expected);
  });

  it('reads radio values back only when the workflow has them', () => {
    expect(parsePosition(VOIRIE, 'en_cours/intervention-programmee')).toEqual(
      at('en_cours', 'intervention-programmee'),
    );
    expect(parsePosition(VOIRIE, 'acceptee')).toEqual(at('acceptee'));
    for (const bad of ['refusee', 'en_cours/autre', 'acceptee/intervention-programmee', 'en_cours/a/b', '', 'ouverte'])
      expect(parsePosition(VOIRIE, bad), bad).toBeUndefined();
  });

  it('allows a move only along the workflow', () => {
    expect(canMove(VOIRIE, at('nouvelle'), at('en_cours', 'intervention-programmee'))).toBe(true);
    expect(canMove(VOIRIE, at('en_cours', 'intervention-programmee'), at('en_cours', 'intervention-programmee'))).toBe(
      false,
    );
    expect(canMove(VOIRIE, at('nouvelle'), at('refusee'))).toBe(false);
    expect(canMove(VOIRIE, at('acceptee'), at('classee'))).toBe(false);
  });

  it('names positions for citizens and agents in the démarche’s words', () => {
    const renamed: Workflow = { ...VOIRIE, labels: { ...VOIRIE.labels, en_cours: 'En instruction' } };
    expect(positionLabel(renamed, at('en_cours', 'intervention-programmee'), 'citizen')).toBe(
      'En instruction — Intervention programmée',
    );
    expect(positionLabel(renamed, at('acceptee'), 'agent')).toBe('Intervention réalisée');
    expect(positionLabel(renamed, at('attente_usager'), 'citizen')).toBe('En attente de votre réponse');
    expect(positionLabel(renamed, at('attente_usager'), 'agent')).toBe('En attente de l’usager');
    // A step removed since: the status alone.
    expect(positionLabel(renamed, at('en_cours', 'ancienne-etape'), 'citizen')).toBe('En instruction');
  });
});

describe('workflow of a démarche: what the database holds', () => {
  it.each([
    ['null', null],
    ['not an object', 'en_cours'],
    ['an unknown status', { statuses: ['ouverte'], labels: {}, steps: [] }],
    ['steps without keys', { statuses: ['acceptee'], labels: {}, steps: [{ label: 'Visite' }] }],
    ['no outcome at all', { statuses: ['nouvelle', 'en_cours'], labels: {}, steps: [] }],
  ])('falls back on the default workflow for %s', (_name, raw) => {
    expect(storedWorkflow(raw)).toEqual(DEFAULT_WORKFLOW);
  });

  it('always keeps nouvelle, en cours and en attente, whatever is stored', () => {
    expect(storedWorkflow({ statuses: ['classee'], labels: {}, steps: [] }).statuses).toEqual([
      'nouvelle',
      'en_cours',
      'attente_usager',
      'classee',
    ]);
  });
});
