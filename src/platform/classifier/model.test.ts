import { describe, expect, it } from 'vitest';
import { competenceExamples } from './competences.js';
import { routeRequest } from './decision.js';
import {
  addExample,
  createModel,
  deserializeModel,
  predict,
  REROUTING_WEIGHT,
  serializeModel,
  type TrainingExample,
  toJSON,
  train,
} from './model.js';

const TOY: TrainingExample[] = [
  { text: 'Je voudrais un acte de naissance', serviceSlug: 'etat-civil' },
  { text: 'copie intégrale de mon acte de mariage', serviceSlug: 'etat-civil' },
  { text: 'livret de famille perdu', serviceSlug: 'etat-civil' },
  { text: 'extrait d’acte de décès pour le notaire', serviceSlug: 'etat-civil' },
  { text: 'le lampadaire de ma rue est en panne', serviceSlug: 'services-techniques' },
  { text: 'un nid-de-poule sur la route de la gare', serviceSlug: 'services-techniques' },
  { text: 'trottoir défoncé devant l’école', serviceSlug: 'services-techniques' },
  { text: 'dépôt sauvage de déchets au bout du chemin', serviceSlug: 'services-techniques' },
  { text: 'ma facture de cantine est fausse', serviceSlug: 'finances' },
  { text: 'prélèvement en double sur mon compte', serviceSlug: 'finances' },
  { text: 'comment payer la facture de garderie en ligne', serviceSlug: 'finances' },
  { text: 'remboursement de la caution de la salle', serviceSlug: 'finances' },
];

describe('train and predict', () => {
  const model = train(TOY);

  it('routes new texts of a toy set to the right service', () => {
    expect(predict(model, 'acte de naissance de mon fils').serviceSlug).toBe('etat-civil');
    expect(predict(model, 'Le LAMPADAIRE est en panne rue des Lilas').serviceSlug).toBe('services-techniques');
    expect(predict(model, 'erreur sur la facture de cantine de mars').serviceSlug).toBe('finances');
  });

  it('explains with the words of the text as written', () => {
    const p = predict(model, 'Bonjour, le Lampadaire devant chez moi est en panne.');
    expect(p.serviceSlug).toBe('services-techniques');
    expect(p.explanation.length).toBeGreaterThan(0);
    expect(p.explanation.join(' ')).toMatch(/Lampadaire/);
    // Only words of the text: no stems, no words it does not contain.
    for (const words of p.explanation) expect('Bonjour, le Lampadaire devant chez moi est en panne.').toContain(words);
    expect(p.explanation).not.toContain('lampadair');
  });

  it('ranks every service with probabilities that add up to 1', () => {
    const p = predict(model, 'facture de garderie');
    expect(p.ranking.map((r) => r.serviceSlug).sort()).toEqual(['etat-civil', 'finances', 'services-techniques']);
    expect(p.ranking[0]).toEqual({ serviceSlug: p.serviceSlug, confidence: p.confidence });
    expect(p.ranking.reduce((sum, r) => sum + r.confidence, 0)).toBeCloseTo(1, 10);
    for (let i = 1; i < p.ranking.length; i++)
      expect(p.ranking[i - 1]!.confidence).toBeGreaterThanOrEqual(p.ranking[i]!.confidence);
  });

  it.each([
    [''],
    ['   '],
    ['!!!???'],
    ['🙂🙂🙂'],
    ['zzzz qqqq wxwxwx'],
    ['Bonjour, merci, cordialement'],
    ['0123456789'],
    ['\u0000\u0001\uFFFF'],
  ])('gives confidence 0 and no explanation for %j', (text) => {
    const p = predict(model, text);
    expect(p.confidence).toBe(0);
    expect(p.explanation).toEqual([]);
    expect(p.serviceSlug).not.toBeNull();
  });

  it('survives a huge text', () => {
    const p = predict(model, 'facture '.repeat(200_000));
    expect(p.serviceSlug).toBe('finances');
  });

  it('has no service to propose before any example', () => {
    expect(predict(createModel(), 'acte de naissance')).toEqual({
      serviceSlug: null,
      confidence: 0,
      explanation: [],
      ranking: [],
    });
  });

  it('is deterministic', () => {
    expect(serializeModel(train(TOY))).toBe(serializeModel(train(TOY)));
  });

  it('refuses a nonsensical smoothing', () => {
    expect(() => train(TOY, { alpha: 0 })).toThrow(RangeError);
  });
});

describe('confidence on the standard competence set', () => {
  const model = train(competenceExamples());

  it('is high for a clear request and lower for a vague one', () => {
    const clear = predict(model, 'je voudrais un acte de naissance pour mon fils né en 2015');
    expect(clear.serviceSlug).toBe('etat-civil');
    expect(clear.confidence).toBeGreaterThan(0.8);
    const vague = predict(model, 'j’ai une question');
    expect(vague.confidence).toBeLessThan(clear.confidence);
    expect(vague.confidence).toBeLessThan(0.6);
  });

  it('fits a softening temperature', () => {
    expect(model.temperature).toBeGreaterThan(1);
    expect(toJSON(model).temperature).toBe(model.temperature);
  });
});

describe('serialisation', () => {
  const model = train(competenceExamples());

  it('round-trips to identical predictions', () => {
    const restored = deserializeModel(serializeModel(model));
    const fromObject = deserializeModel(JSON.parse(JSON.stringify(toJSON(model))));
    for (const { text } of competenceExamples().slice(0, 200)) {
      const expected = predict(model, text);
      expect(predict(restored, text)).toEqual(expected);
      expect(predict(fromObject, text)).toEqual(expected);
    }
    expect(serializeModel(restored)).toBe(serializeModel(model));
  });

  it('keeps learning after a round trip', () => {
    const restored = deserializeModel(serializeModel(model));
    addExample(restored, 'composteur collectif', 'services-techniques');
    addExample(model, 'composteur collectif', 'services-techniques');
    expect(serializeModel(restored)).toBe(serializeModel(model));
  });

  it.each([
    ['not JSON', 'pas du json'],
    ['an empty object', '{}'],
    ['another format', JSON.stringify({ ...toJSON(train(TOY)), format: 'other' })],
    ['a newer version', JSON.stringify({ ...toJSON(train(TOY)), version: 2 })],
    ['counts that do not match the labels', JSON.stringify({ ...toJSON(train(TOY)), docCounts: [1] })],
    [
      'a negative count',
      JSON.stringify({ ...toJSON(train(TOY)), features: [['act', [-1, 0, 0]]] as [string, number[]][] }),
    ],
    ['duplicate labels', JSON.stringify({ ...toJSON(train(TOY)), labels: ['a', 'a', 'b'] })],
  ])('refuses %s', (_, input) => {
    expect(() => deserializeModel(input)).toThrow(/Invalid classifier model/);
  });
});

describe('addExample (a re-routing becomes a training example)', () => {
  it('gives the same counts as training with the example from the start', () => {
    const extra = { text: 'le composteur du jardin partagé est plein', serviceSlug: 'services-techniques' };
    const incremental = addExample(train(TOY), extra.text, extra.serviceSlug);
    const retrained = train([...TOY, extra]);
    const strip = (m: typeof incremental) => ({ ...toJSON(m), temperature: 0 });
    expect(strip(incremental)).toEqual(strip(retrained));
  });

  it('moves a near-identical request towards the service an agent re-routed one to', () => {
    const model = train(competenceExamples());
    const first = 'Bonjour, je voudrais un composteur pour mon jardin';
    const next = 'bonjour je voudrais un composteur pour le jardin svp';
    const confidenceOf = (slug: string) =>
      routeRequest(model, next).prediction.ranking.find((r) => r.serviceSlug === slug)?.confidence ?? 0;
    const before = routeRequest(model, next);
    expect(before.automatic).toBe(false); // urbanisme, espaces verts or déchets: the accueil triages it
    expect(before.prediction.serviceSlug).not.toBe('proprete-dechets');
    const confidenceBefore = confidenceOf('proprete-dechets');
    // An agent sends the first one to the waste service.
    addExample(model, first, 'proprete-dechets');
    expect(confidenceOf('proprete-dechets')).toBeGreaterThan(confidenceBefore);
  });

  it('routes a near-identical request right after one weighted re-routing', () => {
    const model = train(competenceExamples());
    const next = 'bonjour je voudrais un composteur pour le jardin svp';
    addExample(model, 'Bonjour, je voudrais un composteur pour mon jardin', 'proprete-dechets', REROUTING_WEIGHT);
    const after = routeRequest(model, next);
    expect(after).toMatchObject({ serviceSlug: 'proprete-dechets', automatic: true });
    expect(after.prediction.explanation.join(' ')).toContain('composteur');
  });

  it('counts a weighted example as that many copies', () => {
    const text = 'le composteur du jardin partagé est plein';
    const weighted = train([...TOY, { text, serviceSlug: 'services-techniques', weight: 3 }]);
    const copies = train([...TOY, ...[1, 2, 3].map(() => ({ text, serviceSlug: 'services-techniques' }))]);
    // Same counts; only the confidence temperature may differ (leave-one-out leaves out all copies of an example).
    expect({ ...toJSON(weighted), temperature: 0 }).toEqual({ ...toJSON(copies), temperature: 0 });
    expect(() => addExample(weighted, text, 'finances', 0.5)).toThrow(RangeError);
  });

  it('learns a service the model did not know', () => {
    const model = train(TOY);
    addExample(model, 'un chien aboie toute la nuit chez le voisin', 'police-municipale');
    addExample(model, 'voiture garée sur le trottoir depuis un mois', 'police-municipale');
    expect(model.labels).toContain('police-municipale');
    expect(predict(model, 'le chien du voisin aboie toute la nuit').serviceSlug).toBe('police-municipale');
  });

  it('turns an empty model into a useful one', () => {
    const model = createModel();
    addExample(model, 'acte de naissance', 'etat-civil');
    addExample(model, 'lampadaire en panne', 'services-techniques');
    const p = predict(model, 'il me faut un acte de naissance');
    expect(p.serviceSlug).toBe('etat-civil');
    expect(p.confidence).toBeGreaterThan(0.5);
  });
});
