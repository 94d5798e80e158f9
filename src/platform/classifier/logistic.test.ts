import { describe, expect, it } from 'vitest';
import { COMPETENCE_SLUGS, COMPETENCES, competenceExamples, parseCompetenceFile } from './competences.js';
import { fitTemperature, isFiller, predictLogistic, softmax, trainLogistic } from './logistic.js';
import { normalizeWord, stem } from './tokenize.js';

const toy = [
  ...[
    'acte de naissance',
    'copie acte naissance',
    'extrait acte de mariage',
    'livret de famille perdu',
    'acte de décès',
  ].map((text) => ({ text, serviceSlug: 'etat-civil' })),
  ...['nid de poule chaussée', 'trottoir défoncé', 'chaussée abîmée', 'nid de poule avenue', 'trottoir cassé'].map(
    (text) => ({
      text,
      serviceSlug: 'voirie',
    }),
  ),
];

describe('softmax with a temperature (calibration)', () => {
  it.each([
    // scores, temperature, expected probabilities (worked by hand)
    { scores: [0, 0], t: 1, p: [0.5, 0.5] },
    { scores: [Math.log(3), 0], t: 1, p: [0.75, 0.25] },
    // T = 2 takes the square root of the odds: 3:1 becomes √3:1
    { scores: [Math.log(3), 0], t: 2, p: [Math.sqrt(3) / (1 + Math.sqrt(3)), 1 / (1 + Math.sqrt(3))] },
    // T = 0.5 squares them: 3:1 becomes 9:1
    { scores: [Math.log(3), 0], t: 0.5, p: [0.9, 0.1] },
    // shifting every score changes nothing
    { scores: [1000 + Math.log(3), 1000], t: 1, p: [0.75, 0.25] },
  ])('softmax($scores, T=$t) = $p', ({ scores, t, p }) => {
    const got = softmax(scores, t);
    for (const [i, v] of got.entries()) expect(v).toBeCloseTo(p[i]!, 10);
  });

  it('fits a temperature above 1 for an overconfident model and below 1 for an underconfident one', () => {
    const model = trainLogistic(toy, { epochs: 60 });
    const rightSet = toy.map((e) => ({ text: e.text, serviceSlug: e.serviceSlug }));
    // Held-out labels all right: sharpen (T < 1). Half of them swapped: soften (T > 1).
    expect(fitTemperature(model, rightSet)).toBeLessThan(1);
    const noisy = rightSet.map((e, i) =>
      i % 2 === 0 ? { ...e, serviceSlug: e.serviceSlug === 'voirie' ? 'etat-civil' : 'voirie' } : e,
    );
    expect(fitTemperature(model, noisy)).toBeGreaterThan(1);
  });

  it('gives confidence 0 to a text without any known word, and a ranking that sums to 1 otherwise', () => {
    const model = trainLogistic(toy);
    expect(predictLogistic(model, 'zzz qqq').confidence).toBe(0);
    const p = predictLogistic(model, 'un nid de poule');
    expect(p.serviceSlug).toBe('voirie');
    expect(p.ranking.reduce((a, r) => a + r.confidence, 0)).toBeCloseTo(1, 10);
  });
});

describe('explanations', () => {
  it.each(['rue', 'devant', 'mairie', 'commune', 'quartier', 'bonjour', 'depuis', 'semaine', 'Avenue', 'chez'])(
    '« %s » is filler',
    (word) => expect(isFiller(stem(normalizeWord(word)))).toBe(true),
  );
  it.each(['lampadaire', 'concession', 'passeport', 'crèche', 'poubelle'])('« %s » is not filler', (word) =>
    expect(isFiller(stem(normalizeWord(word)))).toBe(false),
  );

  it('shows the discriminating words of a message, never street or filler words', () => {
    const model = trainLogistic(competenceExamples());
    const p = predictLogistic(
      model,
      'Bonjour, le lampadaire devant chez moi rue des Lilas est éteint depuis une semaine.',
    );
    expect(p.serviceSlug).toBe('eclairage-public');
    expect(p.explanation.join(' ').toLowerCase()).toContain('lampadaire');
    for (const word of p.explanation) expect(word).not.toMatch(/\b(rue|devant|chez|depuis|semaine|Bonjour)\b/i);
  });
});

describe('the standard competence map', () => {
  it('has every competence of issue 9 with at least 200 distinct messages each', () => {
    expect(COMPETENCE_SLUGS).toHaveLength(18);
    const examples = competenceExamples();
    for (const { slug } of COMPETENCES) {
      const texts = examples.filter((e) => e.serviceSlug === slug).map((e) => e.text.toLocaleLowerCase('fr'));
      expect(texts.length, slug).toBeGreaterThanOrEqual(200);
      expect(new Set(texts).size, `${slug}: duplicates`).toBe(texts.length);
    }
    const all = examples.map((e) => e.text.toLocaleLowerCase('fr'));
    expect(new Set(all).size, 'a message labelled twice').toBe(all.length);
  });

  it('reads one message a line, skipping comments and blank lines', () => {
    expect(parseCompetenceFile('# titre\n\n  un message \r\ndeux\n#fin')).toEqual(['un message', 'deux']);
  });
});
