/**
 * A frugal request classifier: multinomial naive Bayes over French unigrams and bigrams
 * (tokenize.ts), with binary counts (a word counts once per message) and additive smoothing.
 *
 * Why naive Bayes: training is counting, so a commune's model is rebuilt from all its examples in
 * milliseconds on a small CPU, and `addExample` (an agent re-routes a request) updates the counts
 * exactly as retraining with that example would. Each word's contribution to a decision is a
 * difference of log-probabilities, which gives the explanation for free.
 *
 * Confidence: naive Bayes posteriors are far too sure of themselves (word evidence is counted as
 * if independent). `train` fits a temperature on leave-one-out scores of the training examples —
 * exact and cheap for naive Bayes — so that a confidence of 0.8 means about 80 % right on
 * messages like the training ones. A text with no known word gets confidence 0.
 */
import { z } from 'zod';
import { extractFeatures, type Feature } from './tokenize.js';

export interface ClassifierOptions {
  /**
   * Additive (Lidstone) smoothing of word counts. 0.5 rather than 1: as good on the demo set
   * (within the spread between splits) and more responsive to a single re-routed example.
   */
  alpha: number;
  /** Use bigrams of consecutive kept words besides single words. */
  bigrams: boolean;
  /** Character n-grams of this length inside words (0 = none). */
  charGrams: number;
  /** Count a feature once per message however often it appears. */
  binary: boolean;
  /** Ignore how many examples each service has (a commune's examples are rarely balanced). */
  uniformPriors: boolean;
}

export const DEFAULT_OPTIONS: Readonly<ClassifierOptions> = Object.freeze({
  alpha: 0.5,
  bigrams: true,
  charGrams: 4,
  binary: true,
  uniformPriors: false,
});

/** The counts behind the classifier; mutable through `addExample`. */
export interface ClassifierModel {
  options: ClassifierOptions;
  /** Service slugs, in the order of every per-service array below. */
  labels: string[];
  /** Examples per service. */
  docCounts: number[];
  /** Feature occurrences per service (sum over `counts`). */
  totals: number[];
  /** Feature key → occurrences per service. */
  counts: Map<string, number[]>;
  /** Divides the log-scores before the softmax (≥ 1; fitted by `train`). */
  temperature: number;
}

export interface RankedService {
  serviceSlug: string;
  confidence: number;
}

export interface Prediction {
  /** The most likely service, or null when the model knows no service at all. */
  serviceSlug: string | null;
  /** Probability of that service, 0–1; 0 when no word of the text is known to the model. */
  confidence: number;
  /** The words of the text that weigh most for that service, as the citizen wrote them. */
  explanation: string[];
  /** Every known service, most likely first. */
  ranking: RankedService[];
}

export interface TrainingExample {
  text: string;
  serviceSlug: string;
  /** How many times the example counts (a whole number, default 1); see REROUTING_WEIGHT. */
  weight?: number;
}

/**
 * Suggested weight of a request re-routed by an agent: a correction is a known mistake of the
 * model, so it counts as three ordinary examples. On the demo set one such correction is enough
 * to route a near-identical request to the right service.
 */
export const REROUTING_WEIGHT = 3;

export interface PredictOptions {
  /** Maximum number of explanation entries (default 5). */
  maxExplanation?: number;
}

/** An empty model: every prediction has confidence 0 until examples are added. */
export function createModel(options: Partial<ClassifierOptions> = {}): ClassifierModel {
  const merged = { ...DEFAULT_OPTIONS, ...options };
  if (!(merged.alpha > 0) || !Number.isFinite(merged.alpha)) throw new RangeError('alpha must be a positive number');
  return { options: merged, labels: [], docCounts: [], totals: [], counts: new Map(), temperature: 1 };
}

/**
 * Trains a model on labelled messages and fits its confidence temperature. Deterministic: the
 * same examples in the same order give the same model.
 */
export function train(examples: Iterable<TrainingExample>, options: Partial<ClassifierOptions> = {}): ClassifierModel {
  const model = createModel(options);
  const encoded: EncodedExample[] = [];
  for (const example of examples) {
    const weight = checkWeight(example.weight);
    const label = labelIndex(model, example.serviceSlug);
    const keys = featureKeys(model, example.text);
    addCounts(model, label, keys, weight);
    encoded.push({ label, keys, weight });
  }
  model.temperature = fitTemperature(model, encoded);
  return model;
}

/**
 * Adds one labelled message to the model (e.g. a request re-routed by an agent): afterwards the
 * counts are exactly those of a model trained with it. The temperature is kept; retrain from all
 * stored examples from time to time to refit it. Returns the same (mutated) model.
 */
export function addExample(model: ClassifierModel, text: string, serviceSlug: string, weight = 1): ClassifierModel {
  const w = checkWeight(weight);
  addCounts(model, labelIndex(model, serviceSlug), featureKeys(model, text), w);
  return model;
}

/** The most likely service for a text, with its confidence, the words that explain it and the ranking. */
export function predict(model: ClassifierModel, text: string, options: PredictOptions = {}): Prediction {
  const k = model.labels.length;
  if (k === 0) return { serviceSlug: null, confidence: 0, explanation: [], ranking: [] };
  const features = uniqueFeatures(
    model,
    extractFeatures(text, { bigrams: model.options.bigrams, charGrams: model.options.charGrams }),
  );
  const known: Array<{ feature: Feature; logProbs: number[] }> = [];
  const denominators = logDenominators(model);
  for (const feature of features) {
    const counts = model.counts.get(feature.key);
    if (!counts) continue;
    known.push({ feature, logProbs: counts.map((n, c) => Math.log(n + model.options.alpha) - denominators[c]!) });
  }
  if (known.length === 0) {
    const ranking = model.labels
      .map((serviceSlug, c) => ({ serviceSlug, confidence: 0, docs: model.docCounts[c]! }))
      .sort((a, b) => b.docs - a.docs)
      .map(({ serviceSlug, confidence }) => ({ serviceSlug, confidence }));
    return { serviceSlug: ranking[0]!.serviceSlug, confidence: 0, explanation: [], ranking };
  }
  const scores = logPriors(model);
  for (const { logProbs } of known) for (let c = 0; c < k; c++) scores[c]! += logProbs[c]!;
  const probabilities = softmax(scores, model.temperature);
  const order = probabilities.map((_, c) => c).sort((a, b) => probabilities[b]! - probabilities[a]! || a - b);
  const best = order[0]!;
  return {
    serviceSlug: model.labels[best]!,
    confidence: probabilities[best]!,
    explanation: explain(known, best, k, options.maxExplanation ?? 5),
    ranking: order.map((c) => ({ serviceSlug: model.labels[c]!, confidence: probabilities[c]! })),
  };
}

// ---------------------------------------------------------------------------------------------
// Serialisation: a commune's model as JSON (for a jsonb column or a file).

const FORMAT = 'guichet.request-classifier';

const count = z.number().int().nonnegative();
const serializedSchema = z
  .object({
    format: z.literal(FORMAT),
    version: z.literal(1),
    options: z.object({
      alpha: z.number().positive().finite(),
      bigrams: z.boolean(),
      charGrams: z.number().int().min(0).max(8),
      binary: z.boolean(),
      uniformPriors: z.boolean(),
    }),
    labels: z.array(z.string().min(1)),
    docCounts: z.array(count),
    totals: z.array(count),
    temperature: z.number().min(1).finite(),
    features: z.array(z.tuple([z.string().min(1), z.array(count)])),
  })
  .superRefine((m, ctx) => {
    const k = m.labels.length;
    if (new Set(m.labels).size !== k) ctx.addIssue({ code: 'custom', message: 'duplicate labels' });
    if (m.docCounts.length !== k || m.totals.length !== k)
      ctx.addIssue({ code: 'custom', message: 'per-service arrays do not match the labels' });
    if (m.features.some(([, counts]) => counts.length !== k))
      ctx.addIssue({ code: 'custom', message: 'feature counts do not match the labels' });
  });

export type SerializedModel = z.infer<typeof serializedSchema>;

/** A plain JSON-compatible object; `JSON.stringify` it to store. */
export function toJSON(model: ClassifierModel): SerializedModel {
  return {
    format: FORMAT,
    version: 1,
    options: { ...model.options },
    labels: [...model.labels],
    docCounts: [...model.docCounts],
    totals: [...model.totals],
    temperature: model.temperature,
    features: [...model.counts].map(([key, counts]) => [key, [...counts]] as [string, number[]]),
  };
}

export function serializeModel(model: ClassifierModel): string {
  return JSON.stringify(toJSON(model));
}

/** Rebuilds a model from `serializeModel`'s string or `toJSON`'s object; throws on anything else. */
export function deserializeModel(input: unknown): ClassifierModel {
  let data: unknown = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input);
    } catch (error) {
      throw new Error('Invalid classifier model: not JSON', { cause: error });
    }
  }
  const parsed = serializedSchema.safeParse(data);
  if (!parsed.success) throw new Error(`Invalid classifier model: ${z.prettifyError(parsed.error)}`);
  const m = parsed.data;
  return {
    options: { ...m.options },
    labels: [...m.labels],
    docCounts: [...m.docCounts],
    totals: [...m.totals],
    temperature: m.temperature,
    counts: new Map(m.features.map(([key, counts]) => [key, [...counts]])),
  };
}

// ---------------------------------------------------------------------------------------------
// Internals.

interface EncodedExample {
  label: number;
  keys: string[];
  weight: number;
}

function checkWeight(weight: number | undefined): number {
  const w = weight ?? 1;
  if (!Number.isInteger(w) || w < 1 || w > 1000) throw new RangeError('weight must be a whole number from 1 to 1000');
  return w;
}

function labelIndex(model: ClassifierModel, serviceSlug: string): number {
  if (serviceSlug.length === 0) throw new RangeError('a service slug is required');
  const existing = model.labels.indexOf(serviceSlug);
  if (existing >= 0) return existing;
  model.labels.push(serviceSlug);
  model.docCounts.push(0);
  model.totals.push(0);
  for (const counts of model.counts.values()) counts.push(0);
  return model.labels.length - 1;
}

function uniqueFeatures(model: ClassifierModel, features: Feature[]): Feature[] {
  if (!model.options.binary) return features;
  const seen = new Set<string>();
  return features.filter((f) => !seen.has(f.key) && seen.add(f.key));
}

function featureKeys(model: ClassifierModel, text: string): string[] {
  return uniqueFeatures(
    model,
    extractFeatures(text, { bigrams: model.options.bigrams, charGrams: model.options.charGrams }),
  ).map((f) => f.key);
}

function addCounts(model: ClassifierModel, label: number, keys: string[], weight: number): void {
  model.docCounts[label]! += weight;
  for (const key of keys) {
    let counts = model.counts.get(key);
    if (!counts) {
      counts = new Array<number>(model.labels.length).fill(0);
      model.counts.set(key, counts);
    }
    counts[label]! += weight;
    model.totals[label]! += weight;
  }
}

/** log(N_c + α·V) per service: the denominator of every smoothed word probability. */
function logDenominators(model: ClassifierModel): number[] {
  const v = model.counts.size;
  return model.totals.map((n) => Math.log(n + model.options.alpha * v));
}

/** Laplace-smoothed class priors (uniform when asked). */
function logPriors(model: ClassifierModel, docCounts = model.docCounts): number[] {
  const k = docCounts.length;
  if (model.options.uniformPriors) return docCounts.map(() => -Math.log(k));
  const total = docCounts.reduce((a, b) => a + b, 0);
  return docCounts.map((n) => Math.log((n + 1) / (total + k)));
}

function softmax(scores: number[], temperature: number): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp((s - max) / temperature));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/**
 * The words that push most towards the chosen service compared with the average of the others:
 * the weights of a word's features (the word itself and its character n-grams) are added up, a
 * bigram is a group of its own, and a bigram shown replaces its single words. Returned as the
 * citizen wrote them.
 */
function explain(
  known: Array<{ feature: Feature; logProbs: number[] }>,
  best: number,
  k: number,
  max: number,
): string[] {
  if (k < 2) return [];
  const groups = new Map<string, { surface: string; tokens: number[]; weight: number }>();
  for (const { feature, logProbs } of known) {
    let others = 0;
    for (let c = 0; c < k; c++) if (c !== best) others += logProbs[c]!;
    const weight = logProbs[best]! - others / (k - 1);
    const id = feature.tokens.join(',');
    const group = groups.get(id);
    if (group) group.weight += weight;
    else groups.set(id, { surface: feature.surface, tokens: feature.tokens, weight });
  }
  const ranked = [...groups.values()]
    .filter((g) => g.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.tokens[0]! - b.tokens[0]!);
  const chosen: Array<{ surface: string; tokens: number[] }> = [];
  const folded = (s: string) => s.toLocaleLowerCase('fr');
  for (const group of ranked) {
    if (chosen.length >= max) break;
    if (chosen.some((c) => group.tokens.every((t) => c.tokens.includes(t)))) continue;
    if (chosen.some((c) => folded(c.surface) === folded(group.surface))) continue;
    if (group.tokens.length > 1) {
      // The bigram replaces its single words already shown.
      for (let i = chosen.length - 1; i >= 0; i--)
        if (chosen[i]!.tokens.every((t) => group.tokens.includes(t))) chosen.splice(i, 1);
    }
    chosen.push(group);
  }
  return chosen.map((c) => c.surface);
}

/**
 * Leave-one-out scores (exact for naive Bayes: remove the example's own counts) and the
 * temperature minimising their log-loss. 1 when there are too few examples to say.
 */
function fitTemperature(model: ClassifierModel, examples: EncodedExample[]): number {
  const k = model.labels.length;
  if (k < 2 || examples.length < 2 * k) return 1;
  const alpha = model.options.alpha;
  const v = model.counts.size;
  const held: Array<{ label: number; scores: number[] }> = [];
  for (const { label, keys, weight } of examples) {
    const docCounts = model.docCounts.slice();
    docCounts[label]! -= weight;
    const scores = logPriors(model, docCounts);
    const denominators = model.totals.map((n, c) => Math.log(n - (c === label ? keys.length * weight : 0) + alpha * v));
    const times = new Map<string, number>();
    for (const key of keys) times.set(key, (times.get(key) ?? 0) + weight);
    let anyKnown = false;
    for (const [key, own] of times) {
      const counts = model.counts.get(key)!;
      const total = counts.reduce((a, b) => a + b, 0);
      if (total <= own) continue; // seen only in this example: unknown once it is left out
      anyKnown = true;
      for (let c = 0; c < k; c++) {
        const n = counts[c]! - (c === label ? own : 0);
        scores[c]! += own * (Math.log(n + alpha) - denominators[c]!);
      }
    }
    if (anyKnown) held.push({ label, scores });
  }
  if (held.length === 0) return 1;
  const logLoss = (t: number) => {
    let sum = 0;
    for (const { label, scores } of held) sum -= Math.log(Math.max(softmax(scores, t)[label]!, 1e-12));
    return sum / held.length;
  };
  // Golden-section search on log(T) over [1, 200]: the loss is unimodal in practice.
  let lo = 0;
  let hi = Math.log(200);
  const phi = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - phi * (hi - lo);
  let x2 = lo + phi * (hi - lo);
  let f1 = logLoss(Math.exp(x1));
  let f2 = logLoss(Math.exp(x2));
  for (let i = 0; i < 40; i++) {
    if (f1 <= f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - phi * (hi - lo);
      f1 = logLoss(Math.exp(x1));
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + phi * (hi - lo);
      f2 = logLoss(Math.exp(x2));
    }
  }
  const t = Math.exp((lo + hi) / 2);
  return logLoss(1) <= logLoss(t) ? 1 : t;
}
