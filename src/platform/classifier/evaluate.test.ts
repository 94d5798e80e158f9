import { describe, expect, it } from 'vitest';
import { competenceExamples } from './competences.js';
import { DEFAULT_CONFIDENCE_THRESHOLD } from './decision.js';
import { evaluateHeldOut, formatReport, scorePredictions, stratifiedSplit, thresholdSweep } from './evaluate.js';
import { COMPETENCE_KEYWORDS, keywordClassifier } from './keyword-baseline.js';

describe('stratifiedSplit', () => {
  const items = ['a', 'b', 'c'].flatMap((serviceSlug) =>
    Array.from({ length: 10 }, (_, i) => ({ id: `${serviceSlug}${i}`, serviceSlug })),
  );

  it('holds out the same share of every service, without overlap', () => {
    const { train, test } = stratifiedSplit(items, { testFraction: 0.3, seed: 1 });
    expect(test.filter((e) => e.serviceSlug === 'a')).toHaveLength(3);
    expect(test.filter((e) => e.serviceSlug === 'b')).toHaveLength(3);
    expect(test.filter((e) => e.serviceSlug === 'c')).toHaveLength(3);
    expect(new Set([...train, ...test].map((e) => e.id)).size).toBe(items.length);
    expect(train.length + test.length).toBe(items.length);
  });

  it('is the same for the same seed and differs for another', () => {
    const ids = (seed: number) => stratifiedSplit(items, { seed }).test.map((e) => e.id);
    expect(ids(7)).toEqual(ids(7));
    expect(ids(7)).not.toEqual(ids(8));
  });

  it('keeps a service with a single example for training', () => {
    const { train, test } = stratifiedSplit([...items, { id: 'z', serviceSlug: 'z' }]);
    expect(train.map((e) => e.id)).toContain('z');
    expect(test.map((e) => e.id)).not.toContain('z');
  });
});

describe('scorePredictions', () => {
  it('computes accuracy, per-service precision/recall/F1, macro-F1 and the confusion matrix', () => {
    const e = scorePredictions(
      [
        { actual: 'a', predicted: 'a' },
        { actual: 'a', predicted: 'a' },
        { actual: 'a', predicted: 'b' },
        { actual: 'b', predicted: 'b' },
        { actual: 'b', predicted: 'a' },
        { actual: 'c', predicted: null },
      ],
      ['a', 'b', 'c'],
    );
    expect(e.accuracy).toBeCloseTo(3 / 6);
    const [a, b, c] = e.perClass;
    expect(a).toMatchObject({ serviceSlug: 'a', precision: 2 / 3, recall: 2 / 3, support: 3 });
    expect(b).toMatchObject({ serviceSlug: 'b', precision: 1 / 2, recall: 1 / 2, support: 2 });
    expect(c).toMatchObject({ serviceSlug: 'c', precision: 0, recall: 0, f1: 0, support: 1 });
    expect(e.macroF1).toBeCloseTo((2 / 3 + 1 / 2 + 0) / 3);
    expect(e.confusion.matrix).toEqual([
      [2, 1, 0],
      [1, 1, 0],
      [0, 0, 0],
    ]);
  });
});

describe('thresholdSweep', () => {
  it('splits requests between automatic routing and the accueil', () => {
    const results = [
      { actual: 'finances', prediction: { serviceSlug: 'finances', confidence: 0.9 } },
      { actual: 'urbanisme', prediction: { serviceSlug: 'finances', confidence: 0.7 } },
      { actual: 'accueil', prediction: { serviceSlug: 'urbanisme', confidence: 0.4 } },
      { actual: 'urbanisme', prediction: { serviceSlug: 'urbanisme', confidence: 0.3 } },
    ];
    const [all, mid, none] = thresholdSweep(results, [0, 0.5, 0.95]);
    expect(all).toMatchObject({ automaticShare: 1, automaticAccuracy: 0.5, toFallbackShare: 0, endToEndAccuracy: 0.5 });
    expect(mid).toMatchObject({ automaticShare: 0.5, automaticAccuracy: 0.5, toFallbackShare: 0.5 });
    // finances right, urbanisme wrong, the accueil request lands at the accueil: 2 of 4.
    expect(mid!.endToEndAccuracy).toBe(0.5);
    expect(none).toMatchObject({
      automaticShare: 0,
      automaticAccuracy: null,
      toFallbackShare: 1,
      endToEndAccuracy: 0.25,
    });
  });
});

describe('the standard competence set, held out', () => {
  const report = evaluateHeldOut(competenceExamples());

  it('routes clearly better than keyword matching', () => {
    const { test } = stratifiedSplit(competenceExamples());
    const keywords = keywordClassifier(COMPETENCE_KEYWORDS);
    const baseline = scorePredictions(
      test.map((e) => ({ actual: e.serviceSlug, predicted: keywords.classify(e.text) })),
      report.evaluation.confusion.labels,
    );
    expect(report.testSize).toBe(test.length);
    expect(report.evaluation.macroF1).toBeGreaterThan(baseline.macroF1 + 0.05);
    expect(report.evaluation.accuracy).toBeGreaterThan(0.7);
  });

  it('is more often right on what it routes on its own than overall', () => {
    const atZero = report.thresholds.find((t) => t.threshold === 0)!;
    const atDefault = report.thresholds.find((t) => t.threshold === DEFAULT_CONFIDENCE_THRESHOLD)!;
    expect(atDefault.automaticAccuracy!).toBeGreaterThan(atZero.automaticAccuracy!);
    expect(atDefault.automaticShare).toBeGreaterThan(0.5);
  });

  it('prints a readable report', () => {
    const text = formatReport(report);
    expect(text).toMatch(/macro-F1 0\.\d{3}/);
    expect(text).toContain('eclairage-public');
  });
});
