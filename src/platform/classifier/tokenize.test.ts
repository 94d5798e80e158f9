import { describe, expect, it } from 'vitest';
import { extractFeatures, MAX_TEXT_LENGTH, normalizeWord, stem, tokenize } from './tokenize.js';

const terms = (text: string) => tokenize(text).map((t) => t.term);

describe('normalizeWord', () => {
  it.each([
    ['École', 'ecole'],
    ['ÉTAT', 'etat'],
    ['façade', 'facade'],
    ['Noël', 'noel'],
    ['sœur', 'soeur'],
    ['m²', 'm2'],
    ['déjà', 'deja'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeWord(input)).toBe(expected);
  });
});

describe('tokenize', () => {
  it.each([
    // accents and case fold together
    ['école', ['ecol']],
    ['Ecole', ['ecol']],
    ['ÉCOLES', ['ecol']],
    ['éclairage public', ['eclairag', 'public']],
    // elisions: l', d', qu', j', typographic apostrophe
    ["l'école", ['ecol']],
    ['l’école', ['ecol']],
    ["d'urbanisme", ['urban']],
    ["qu'il", []],
    ["j'ai besoin d'un acte", ['act']],
    ["aujourd'hui", []],
    // plural and singular, feminine and masculine, verb and noun
    ['actes', ['act']],
    ['acte', ['act']],
    ['lampadaires', ['lampadair']],
    ['bureaux', ['bureau']],
    ['chevaux', ['cheval']],
    ['travaux', ['travail']],
    ['facture factures facturée facturer facturation', ['factur', 'factur', 'factur', 'factur', 'factur']],
    ['inscrite inscrits inscrit', ['inscrit', 'inscrit', 'inscrit']],
    // stop words and greetings carry no service
    ['Bonjour Madame, je vous remercie par avance, cordialement', ['avanc']],
    // SMS spellings
    ['bjr jveux 1 acte pr mon fils stp', ['act', 'fil']],
    ['pb de rdv', ['problem', 'rend']],
    ['rendez-vous', ['rend']],
    // numbers dropped, units kept
    ['abri de 8m2 en 2024', ['abri', 'm2']],
    ['abri de 8 m²', ['abri', 'm2']],
    // nothing to keep
    ['', []],
    ['   ', []],
    ['!!! ??? ...', []],
    ['🙂🙂🙂', []],
    ['12 34 56', []],
  ])('%j → %j', (input, expected) => {
    expect(terms(input)).toEqual(expected);
  });

  it('keeps each word as written and where it is', () => {
    const text = 'Le Lampadaire est cassé.';
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.surface)).toEqual(['Lampadaire', 'cassé']);
    for (const t of tokens) expect(text.slice(t.start, t.end)).toBe(t.surface);
  });

  it('reads only the beginning of a very long text', () => {
    const text = `${'acte '.repeat(MAX_TEXT_LENGTH)}lampadaire`;
    const tokens = tokenize(text);
    expect(tokens.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH / 5 + 1);
    expect(tokens.every((t) => t.term === 'act')).toBe(true);
  });
});

describe('stem', () => {
  it('leaves short words and words with digits alone', () => {
    expect(stem('rue')).toBe('rue');
    expect(stem('m2')).toBe('m2');
    expect(stem('rn7')).toBe('rn7');
  });

  it('folds singular and plural to the same stem', () => {
    for (const [a, b] of [
      ['rue', 'rues'],
      ['trottoir', 'trottoirs'],
      ['cantine', 'cantines'],
      ['naissance', 'naissances'],
      ['inscription', 'inscriptions'],
      ['journal', 'journaux'],
    ] as const)
      expect(stem(a)).toBe(stem(b));
  });
});

describe('extractFeatures', () => {
  it('has unigrams and bigrams, the bigram shown with the words between', () => {
    const features = extractFeatures("Bonjour, je voudrais un acte de naissance s'il vous plaît");
    expect(features.map((f) => f.key)).toEqual(expect.arrayContaining(['act', 'naiss', 'act naiss']));
    expect(features.find((f) => f.key === 'act naiss')?.surface).toBe('acte de naissance');
  });

  it('does not join words across sentences', () => {
    const keys = extractFeatures('Lampadaire. Facture').map((f) => f.key);
    expect(keys).toContain('lampadair');
    expect(keys).toContain('factur');
    expect(keys).not.toContain('lampadair factur');
  });

  it('adds character n-grams when asked, linked to their word', () => {
    const features = extractFeatures('naissance', { bigrams: false, charGrams: 4 });
    expect(features.map((f) => f.key)).toEqual(['naiss', '#<nai', '#nais', '#aiss', '#iss>']);
    expect(new Set(features.map((f) => f.surface))).toEqual(new Set(['naissance']));
  });

  it('adds n-grams of the written word, accents folded and unstemmed, when asked', () => {
    const keys = extractFeatures('Écoles', { bigrams: false, wordGrams: [4, 5] }).map((f) => f.key);
    expect(keys).toEqual(['ecol', '~<eco', '~ecol', '~cole', '~oles', '~les>', '~<ecol', '~ecole', '~coles', '~oles>']);
    // A typo shares most of them.
    const typo = new Set(extractFeatures('ecolles', { bigrams: false, wordGrams: [4, 5] }).map((f) => f.key));
    expect(keys.filter((k) => typo.has(k)).length).toBeGreaterThanOrEqual(4);
  });
});
