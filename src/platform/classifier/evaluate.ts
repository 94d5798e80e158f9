/**
 * Evaluation of a request classifier: a stratified held-out split with a fixed seed, accuracy,
 * per-service precision/recall/F1, macro-F1, the confusion matrix, and what a confidence threshold
 * does (share routed automatically, share sent to the accueil, accuracy of the automatic part).
 */

import { DEFAULT_FALLBACK_SERVICE, isAutomatic } from './decision.js';
import { type ClassifierOptions, type Prediction, predict, type TrainingExample, train } from './model.js';

/** mulberry32: a small deterministic PRNG, so that splits are the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SplitOptions {
  /** Share of each service's examples held out for testing (default 0.2). */
  testFraction?: number;
  seed?: number;
}

export const DEFAULT_SEED = 20_240_601;

/** Each service's examples shuffled with the seed, and `testFraction` of them (at least one) held out. */
export function stratifiedSplit<T extends { serviceSlug: string }>(
  examples: readonly T[],
  options: SplitOptions = {},
): { train: T[]; test: T[] } {
  const fraction = options.testFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) throw new RangeError('testFraction must be between 0 and 1');
  const random = seededRandom(options.seed ?? DEFAULT_SEED);
  const byLabel = new Map<string, T[]>();
  for (const e of examples) {
    const list = byLabel.get(e.serviceSlug) ?? [];
    list.push(e);
    byLabel.set(e.serviceSlug, list);
  }
  const trainSet: T[] = [];
  const testSet: T[] = [];
  for (const list of byLabel.values()) {
    const shuffled = list.slice();
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const nTest = list.length < 2 ? 0 : Math.max(1, Math.round(list.length * fraction));
    testSet.push(...shuffled.slice(0, nTest));
    trainSet.push(...shuffled.slice(nTest));
  }
  return { train: trainSet, test: testSet };
}

export interface ClassMetrics {
  serviceSlug: string;
  precision: number;
  recall: number;
  f1: number;
  /** Test examples of this service. */
  support: number;
}

export interface Evaluation {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  /** rows: actual service, columns: predicted service, in the order of `labels`. */
  confusion: { labels: string[]; matrix: number[][] };
}

/** Metrics of predicted vs actual labels. Labels default to those seen, in order of appearance. */
export function scorePredictions(
  pairs: ReadonlyArray<{ actual: string; predicted: string | null }>,
  labels?: readonly string[],
): Evaluation {
  const all = labels ? [...labels] : [];
  for (const { actual, predicted } of pairs)
    for (const l of [actual, predicted]) if (l !== null && !all.includes(l)) all.push(l);
  const index = new Map(all.map((l, i) => [l, i]));
  const matrix = all.map(() => new Array<number>(all.length).fill(0));
  let correct = 0;
  for (const { actual, predicted } of pairs) {
    if (predicted === null) continue;
    matrix[index.get(actual)!]![index.get(predicted)!]! += 1;
    if (actual === predicted) correct += 1;
  }
  const perClass = all.map((serviceSlug, i) => {
    const tp = matrix[i]![i]!;
    const predictedCount = matrix.reduce((sum, row) => sum + row[i]!, 0);
    const support = pairs.filter((p) => p.actual === serviceSlug).length;
    const precision = predictedCount === 0 ? 0 : tp / predictedCount;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { serviceSlug, precision, recall, f1, support };
  });
  const scored = perClass.filter((c) => c.support > 0);
  return {
    n: pairs.length,
    accuracy: pairs.length === 0 ? 0 : correct / pairs.length,
    macroF1: scored.length === 0 ? 0 : scored.reduce((sum, c) => sum + c.f1, 0) / scored.length,
    perClass,
    confusion: { labels: all, matrix },
  };
}

export interface ThresholdRow {
  threshold: number;
  /** Share of requests whose confidence reaches the threshold (routed without a human). */
  automaticShare: number;
  /** Accuracy among those (null when none). */
  automaticAccuracy: number | null;
  /** Share sent to the fallback service for triage. */
  toFallbackShare: number;
  /** Share of requests that end up in the right service right away (a request that really is for the fallback counts as right). */
  endToEndAccuracy: number;
}

export const DEFAULT_THRESHOLDS = [0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** What each threshold would do to these predictions. */
export function thresholdSweep(
  results: ReadonlyArray<{ actual: string; prediction: Pick<Prediction, 'serviceSlug' | 'confidence'> }>,
  thresholds: readonly number[] = DEFAULT_THRESHOLDS,
  fallback = DEFAULT_FALLBACK_SERVICE,
): ThresholdRow[] {
  const n = results.length;
  return thresholds.map((threshold) => {
    let automatic = 0;
    let automaticRight = 0;
    let right = 0;
    for (const { actual, prediction } of results) {
      const auto = isAutomatic(prediction, threshold);
      const routed = auto ? prediction.serviceSlug : fallback;
      if (auto) {
        automatic += 1;
        if (routed === actual) automaticRight += 1;
      }
      if (routed === actual) right += 1;
    }
    return {
      threshold,
      automaticShare: n === 0 ? 0 : automatic / n,
      automaticAccuracy: automatic === 0 ? null : automaticRight / automatic,
      toFallbackShare: n === 0 ? 0 : (n - automatic) / n,
      endToEndAccuracy: n === 0 ? 0 : right / n,
    };
  });
}

export interface HeldOutReport {
  trainSize: number;
  testSize: number;
  evaluation: Evaluation;
  thresholds: ThresholdRow[];
  results: Array<{ text: string; actual: string; prediction: Prediction }>;
}

/** Trains on the training split, predicts the held-out split and scores it. */
export function evaluateHeldOut(
  examples: readonly TrainingExample[],
  options: { split?: SplitOptions; model?: Partial<ClassifierOptions>; thresholds?: readonly number[] } = {},
): HeldOutReport {
  const { train: trainSet, test } = stratifiedSplit(examples, options.split);
  const model = train(trainSet, options.model);
  const results = test.map((e) => ({ text: e.text, actual: e.serviceSlug, prediction: predict(model, e.text) }));
  return {
    trainSize: trainSet.length,
    testSize: test.length,
    evaluation: scorePredictions(
      results.map((r) => ({ actual: r.actual, predicted: r.prediction.serviceSlug })),
      model.labels,
    ),
    thresholds: thresholdSweep(results, options.thresholds),
    results,
  };
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

/** A plain-text confusion matrix (rows: actual, columns: predicted). */
export function formatConfusion(evaluation: Evaluation): string {
  const { labels, matrix } = evaluation.confusion;
  const short = labels.map((l) => l.slice(0, 8));
  const width = Math.max(...labels.map((l) => l.length), 'actual \\ predicted'.length);
  const header = `${'actual \\ predicted'.padEnd(width)}  ${short.map((s) => s.padStart(8)).join(' ')}`;
  const rows = labels.map((l, i) => `${l.padEnd(width)}  ${matrix[i]!.map((v) => String(v).padStart(8)).join(' ')}`);
  return [header, ...rows].join('\n');
}

/** A plain-text summary: accuracy, macro-F1, per-service metrics, thresholds. */
export function formatReport(report: HeldOutReport): string {
  const e = report.evaluation;
  const lines = [
    `train ${report.trainSize}, held out ${report.testSize}: accuracy ${pct(e.accuracy)}, macro-F1 ${e.macroF1.toFixed(3)}`,
    ...e.perClass.map(
      (c) =>
        `  ${c.serviceSlug.padEnd(20)} P ${c.precision.toFixed(2)}  R ${c.recall.toFixed(2)}  F1 ${c.f1.toFixed(2)}  (${c.support})`,
    ),
    formatConfusion(e),
    'threshold  automatic  accuracy(auto)  to accueil  end-to-end',
    ...report.thresholds.map(
      (t) =>
        `${t.threshold.toFixed(2).padStart(9)}  ${pct(t.automaticShare).padStart(9)}  ${pct(t.automaticAccuracy).padStart(14)}  ${pct(t.toFallbackShare).padStart(10)}  ${pct(t.endToEndAccuracy).padStart(10)}`,
    ),
  ];
  return lines.join('\n');
}
