/**
 * Issue 19 item 7: the catalogue search understands everyday words. Worked examples on the six
 * ready démarches of the library (their real titles, categories and summaries).
 */
import { describe, expect, it } from 'vitest';
import { FORM_LIBRARY } from '../forms/index.js';
import { EVERYDAY_WORDS, matchesCatalogue, searchTerms } from './catalogue-search.js';

const texts = FORM_LIBRARY.map((form) => ({
  slug: form.slug,
  text: `${form.title} ${form.category} ${(form.definition as { summary?: string }).summary ?? ''}`,
}));
const search = (query: string) => texts.filter((t) => matchesCatalogue(query, t.text)).map((t) => t.slug);

describe('the catalogue search', () => {
  it.each([
    ['lampadaire', ['signalement-voirie']],
    ['Lampadaires en panne', ['signalement-voirie']],
    ['réverbère', ['signalement-voirie']],
    ['trou', ['signalement-voirie', 'occupation-domaine-public']],
    ['trou dans la route', ['signalement-voirie', 'occupation-domaine-public']],
    ['nid de poule', ['signalement-voirie']],
    ['tag', ['signalement-voirie']],
    ['graffitis sur le mur', []],
    ['poubelle', ['signalement-voirie']],
    ['dépôt sauvage', ['signalement-voirie']],
    ['benne', ['occupation-domaine-public']],
    ['voter', ['inscription-liste-electorale']],
    ['élections', ['inscription-liste-electorale']],
    ['naissance', ['acte-etat-civil']],
    ['anniversaire', ['reservation-salle']],
    ['question', ['contact']],
    // Direct words still work; every meaningful word must match.
    ['acte de décès', ['acte-etat-civil']],
    ['salle des fêtes', ['reservation-salle']],
    ['lampadaire salle', []],
    ['piscine', []],
    ['Nids de poule', ['signalement-voirie']],
  ])('« %s » finds %j', (query, expected) => {
    expect(search(query).sort()).toEqual([...expected].sort());
  });

  it('ignores small words and plurals, folds accents, reads expressions whole', () => {
    expect(searchTerms('un nid de poule')).toEqual([['nid de poule', 'nid-de-poule', 'voie publique']]);
    expect(searchTerms('Les LAMPADAIRES de la rue')).toEqual([
      ['lampadaires', 'eclairage', 'voie publique'],
      ['rue', 'trottoir', 'voie publique', 'voirie'],
    ]);
  });

  it('lists every everyday word once, folded (the table is data)', () => {
    const words = EVERYDAY_WORDS.flatMap((e) => e.words);
    expect(new Set(words).size).toBe(words.length);
    for (const w of words) expect(w).toMatch(/^[a-z]+( [a-z]+)*$/);
  });
});
