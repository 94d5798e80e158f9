import { describe, expect, it } from 'vitest';
import { competenceExamples } from './competences.js';
import { DEFAULT_CONFIDENCE_THRESHOLD, DEFAULT_FALLBACK_SERVICE, routeRequest } from './decision.js';
import { train } from './model.js';

describe('routeRequest', () => {
  const model = train(competenceExamples());
  const clear = 'Bonjour, le lampadaire devant le 12 rue des Lilas est en panne depuis lundi.';

  it('follows a confident proposal', () => {
    const decision = routeRequest(model, clear);
    expect(decision.serviceSlug).toBe('eclairage-public');
    expect(decision.automatic).toBe(true);
    expect(decision.prediction.confidence).toBeGreaterThanOrEqual(DEFAULT_CONFIDENCE_THRESHOLD);
    expect(decision.prediction.explanation.join(' ')).toMatch(/lampadaire/);
  });

  it('sends a request under the threshold to the accueil, keeping the proposal for the agent', () => {
    const decision = routeRequest(model, clear, { threshold: 1.01 });
    expect(decision).toMatchObject({ serviceSlug: DEFAULT_FALLBACK_SERVICE, automatic: false });
    expect(decision.prediction.serviceSlug).toBe('eclairage-public');
  });

  it('applies the threshold inclusively', () => {
    const { confidence } = routeRequest(model, clear).prediction;
    expect(routeRequest(model, clear, { threshold: confidence }).automatic).toBe(true);
    expect(routeRequest(model, clear, { threshold: confidence + 1e-9 }).automatic).toBe(false);
  });

  it('uses the fallback the commune chose', () => {
    expect(routeRequest(model, '', { fallback: 'secretariat' })).toMatchObject({
      serviceSlug: 'secretariat',
      automatic: false,
    });
  });

  it.each(['', '???', 'asdfgh qwerty', 'Bonjour, merci'])(
    'never routes %j automatically, even at threshold 0',
    (text) => {
      const decision = routeRequest(model, text, { threshold: 0 });
      expect(decision.serviceSlug).toBe(DEFAULT_FALLBACK_SERVICE);
      expect(decision.automatic).toBe(false);
    },
  );
});
