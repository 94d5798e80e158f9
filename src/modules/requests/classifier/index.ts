/**
 * Frugal local routing of free-text requests ("contacter la mairie") to a commune service:
 * French normalisation, a naive Bayes model with a calibrated confidence and an explanation in
 * the citizen's words, the routing rule (under the threshold → accueil), JSON (de)serialisation
 * for storing a commune's model, a labelled demo set and the evaluation tools. No external
 * service, no large language model; trains in milliseconds and classifies in microseconds.
 */

export {
  type ClassMetrics,
  DEFAULT_SEED,
  DEFAULT_THRESHOLDS,
  type Evaluation,
  evaluateHeldOut,
  formatConfusion,
  formatReport,
  type HeldOutReport,
  type SplitOptions,
  scorePredictions,
  seededRandom,
  stratifiedSplit,
  type ThresholdRow,
  thresholdSweep,
} from './evaluate.js';
export { DEMO_KEYWORDS, type KeywordClassifier, keywordClassifier } from './keyword-baseline.js';
export {
  addExample,
  type ClassifierModel,
  type ClassifierOptions,
  createModel,
  DEFAULT_OPTIONS,
  deserializeModel,
  type Prediction,
  type PredictOptions,
  predict,
  type RankedService,
  REROUTING_WEIGHT,
  type SerializedModel,
  serializeModel,
  type TrainingExample,
  toJSON,
  train,
} from './model.js';
export {
  DEFAULT_CONFIDENCE_THRESHOLD,
  DEFAULT_FALLBACK_SERVICE,
  isAutomatic,
  type RoutingDecision,
  type RoutingOptions,
  routeRequest,
} from './routing.js';
export { extractFeatures, type Feature, normalizeWord, stem, type Token, tokenize } from './tokenize.js';
export { DEMO_REQUESTS, DEMO_SERVICE_SLUGS, type DemoServiceSlug, type LabelledRequest } from './training-data.js';
