import { describe, expect, it } from 'vitest';
import type { Answers } from './answers.js';
import { type FormDefinition, parseFormDefinition } from './definition.js';
import { formatAnswer, summarize } from './summary.js';

function parse(json: unknown): FormDefinition {
  const result = parseFormDefinition(json);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.definition;
}

const definition = parse({
  schemaVersion: 1,
  title: 'Réserver une salle',
  pages: [
    {
      id: 'evenement',
      title: 'Votre événement',
      fields: [
        { id: 'intro', type: 'explanation', label: '', content: 'Bienvenue' },
        { id: 'section', type: 'section', label: 'Quand' },
        { id: 'date', type: 'date', label: 'La date', required: true },
        { id: 'premier', type: 'date', label: 'Le premier jour' },
        { id: 'personnes', type: 'number', label: 'Le nombre de personnes' },
        { id: 'surface', type: 'number', label: 'La surface' },
        {
          id: 'salle',
          type: 'choice',
          label: 'La salle',
          options: [
            { value: 'fetes', label: 'Salle des fêtes' },
            { value: 'reunion', label: 'Salle de réunion' },
          ],
        },
        {
          id: 'options',
          type: 'multichoice',
          label: 'Les options',
          options: [
            { value: 'sono', label: 'Sonorisation' },
            { value: 'cuisine', label: 'Cuisine' },
          ],
        },
        { id: 'boissons', type: 'yesno', label: 'Des boissons\u00a0?' },
        { id: 'musique', type: 'yesno', label: 'De la musique\u00a0?' },
        { id: 'description', type: 'textarea', label: 'La description' },
        { id: 'telephone', type: 'phone', label: 'Le téléphone' },
      ],
    },
    {
      id: 'organisateur',
      title: 'L’organisateur',
      fields: [
        {
          id: 'identite',
          type: 'group',
          label: 'Identité',
          fields: [
            { id: 'nom', type: 'text', label: 'Le nom' },
            { id: 'adresse', type: 'address', label: 'L’adresse' },
          ],
        },
        {
          id: 'assurance',
          type: 'file',
          label: 'L’assurance',
          file: { accept: ['pdf'], maxBytes: 10000000, maxFiles: 3 },
        },
      ],
    },
    {
      id: 'materiel',
      title: 'Matériel',
      condition: { field: 'boissons', equals: true },
      fields: [
        {
          id: 'lignes',
          type: 'group',
          label: 'Le matériel',
          repeat: { min: 0, max: 5, itemLabel: 'équipement' },
          fields: [
            { id: 'objet', type: 'text', label: 'L’objet' },
            { id: 'quantite', type: 'number', label: 'La quantité' },
          ],
        },
      ],
    },
  ],
});

const answers: Answers = {
  date: '2026-03-12',
  premier: '2026-04-01',
  personnes: 1200,
  surface: 12.5,
  salle: 'fetes',
  options: ['sono', 'cuisine'],
  boissons: true,
  musique: false,
  description: 'Anniversaire\nAvec buffet',
  telephone: '06 12 34 56 78',
  nom: 'Martin',
  adresse: { line1: '12 rue de la Paix', line2: 'Bâtiment B', postcode: '75002', city: 'Paris' },
  assurance: [
    { id: 'a', name: 'attestation.pdf', size: 122880, type: 'application/pdf' },
    { id: 'b', name: 'avenant.pdf', size: 1572864, type: 'application/pdf' },
  ],
  lignes: [{ objet: 'Tables', quantite: 4 }, { objet: 'Chaises' }],
};

function plain(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, ' ');
}

describe('summarize', () => {
  it('gives French values for every field type, page by page', () => {
    const sections = summarize(definition, answers).map((section) => ({
      ...section,
      rows: section.rows.map((row) => ({ ...row, label: plain(row.label), value: plain(row.value) })),
    }));
    expect(sections).toEqual([
      {
        pageId: 'evenement',
        pageTitle: 'Votre événement',
        rows: [
          { fieldId: 'date', label: 'La date', value: '12 mars 2026' },
          { fieldId: 'premier', label: 'Le premier jour', value: '1er avril 2026' },
          { fieldId: 'personnes', label: 'Le nombre de personnes', value: '1 200' },
          { fieldId: 'surface', label: 'La surface', value: '12,5' },
          { fieldId: 'salle', label: 'La salle', value: 'Salle des fêtes' },
          { fieldId: 'options', label: 'Les options', value: 'Sonorisation, Cuisine' },
          { fieldId: 'boissons', label: 'Des boissons ?', value: 'Oui' },
          { fieldId: 'musique', label: 'De la musique ?', value: 'Non' },
          { fieldId: 'description', label: 'La description', value: 'Anniversaire\nAvec buffet' },
          { fieldId: 'telephone', label: 'Le téléphone', value: '06 12 34 56 78' },
        ],
      },
      {
        pageId: 'organisateur',
        pageTitle: 'L’organisateur',
        rows: [
          { fieldId: 'nom', label: 'Le nom', value: 'Martin' },
          { fieldId: 'adresse', label: 'L’adresse', value: '12 rue de la Paix, Bâtiment B, 75002 Paris' },
          { fieldId: 'assurance', label: 'L’assurance', value: 'attestation.pdf (120 Ko), avenant.pdf (1,5 Mo)' },
        ],
      },
      {
        pageId: 'materiel',
        pageTitle: 'Matériel',
        rows: [
          { fieldId: 'lignes-0', label: 'Équipement 1', value: 'L’objet : Tables\nLa quantité : 4' },
          { fieldId: 'lignes-1', label: 'Équipement 2', value: 'L’objet : Chaises\nLa quantité : Non renseigné' },
        ],
      },
    ]);
  });

  it('shows unanswered fields as "Non renseigné" and leaves out hidden pages', () => {
    const sections = summarize(definition, { date: '2026-03-12', boissons: false, lignes: [{ objet: 'Tables' }] });
    expect(sections.map((section) => section.pageId)).toEqual(['evenement', 'organisateur']);
    expect(sections[0]?.rows.find((row) => row.fieldId === 'salle')?.value).toBe('Non renseigné');
    expect(sections[1]?.rows.find((row) => row.fieldId === 'adresse')?.value).toBe('Non renseigné');
  });

  it('says "Aucun" for a repeatable group without items', () => {
    const sections = summarize(definition, { boissons: true, lignes: [] });
    expect(sections[2]?.rows).toEqual([{ fieldId: 'lignes', label: 'Le matériel', value: 'Aucun' }]);
  });

  it('shows raw values kept by a draft as typed', () => {
    const field = definition.pages[0]?.fields.find((candidate) => candidate.id === 'date');
    if (field === undefined) throw new Error('no field');
    expect(formatAnswer(field, ['31', '2', '2026'])).toBe('31/2/2026');
  });
});
