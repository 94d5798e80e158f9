/**
 * The frugal local text classifier (free-text requests today, incoming mail tomorrow): French
 * normalisation, a naive Bayes model with a confidence and an explanation in the writer's
 * words, JSON (de)serialisation for storing a commune's model, and the evaluation tools (held-out
 * splits, threshold sweeps, a keyword baseline). No external service, no large language model;
 * trains in milliseconds and classifies in microseconds. The routing rule that uses it lives in
 * the requests module, its demo training set in the demo.
 */

export {
  CLOSE_RATIO,
  COMPETENCE_SLUGS,
  COMPETENCE_TEMPERATURE,
  COMPETENCE_THRESHOLD,
  COMPETENCES,
  type Competence,
  competenceExamples,
  competenceLabel,
} from './competences.js';
export {
  DEFAULT_CONFIDENCE_THRESHOLD,
  DEFAULT_FALLBACK_SERVICE,
  isAutomatic,
  type RoutingDecision,
  type RoutingOptions,
  routeRequest,
} from './decision.js';
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
export {
  COMPETENCE_KEYWORDS,
  DEMO_KEYWORDS,
  type KeywordClassifier,
  keywordClassifier,
} from './keyword-baseline.js';
export {
  type CompetencePrediction,
  fitTemperature,
  isFiller,
  type LogisticModel,
  predictLogistic,
  trainLogistic,
} from './logistic.js';
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
export { extractFeatures, type Feature, normalizeWord, stem, type Token, tokenize } from './tokenize.js';
