/**
 * The routing decision for a free-text request: the classifier's proposal when it is confident
 * enough, otherwise the accueil, which triages by hand (and each re-routing becomes an example).
 */
import { type ClassifierModel, type Prediction, predict } from './model.js';

/**
 * Below this confidence a request goes to the accueil. Chosen on the demo set (mean over 20
 * held-out splits, see bench/classifier.bench.ts): about 84 % of requests reach it and about 91 %
 * of those are routed right, against 84 % right when everything is routed automatically.
 */
export const DEFAULT_CONFIDENCE_THRESHOLD = 0.6;

/** The service that triages what the classifier is unsure about. */
export const DEFAULT_FALLBACK_SERVICE = 'accueil';

export interface RoutingOptions {
  threshold?: number;
  fallback?: string;
}

export interface RoutingDecision {
  /** Where the request goes. */
  serviceSlug: string;
  /** True when the classifier's proposal was followed; false when it went to the fallback for triage. */
  automatic: boolean;
  /** The classifier's proposal, confidence, explanation and ranking (shown to the triaging agent). */
  prediction: Prediction;
}

/**
 * Whether a prediction is routed without a human: a proposal, some evidence (confidence above 0:
 * at least one word of the text is known) and a confidence at or above the threshold.
 */
export function isAutomatic(prediction: Pick<Prediction, 'serviceSlug' | 'confidence'>, threshold: number): boolean {
  return prediction.serviceSlug !== null && prediction.confidence > 0 && prediction.confidence >= threshold;
}

export function routeRequest(model: ClassifierModel, text: string, options: RoutingOptions = {}): RoutingDecision {
  const threshold = options.threshold ?? DEFAULT_CONFIDENCE_THRESHOLD;
  const fallback = options.fallback ?? DEFAULT_FALLBACK_SERVICE;
  const prediction = predict(model, text);
  const automatic = isAutomatic(prediction, threshold);
  return { serviceSlug: automatic ? prediction.serviceSlug! : fallback, automatic, prediction };
}
