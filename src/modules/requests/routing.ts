/**
 * Which service receives a request. A démarche: its routing rules (first rule whose field equals
 * the answer), else its default service. A free-text request ("contacter la mairie"): the
 * commune's frugal classifier, trained on its routing examples; under the confidence threshold
 * (or without examples) the request goes to the accueil for triage. The words that explain the
 * classifier's proposal are kept with the request.
 */

import { routeRequest as classify, DEFAULT_CONFIDENCE_THRESHOLD } from '../../platform/classifier/decision.js';
import { type ClassifierModel, train } from '../../platform/classifier/model.js';
import type { Tx } from '../../platform/db/tenant.js';
import { listServices, type Service } from '../../platform/tenancy/communes.js';
import type { Procedure } from '../procedures/index.js';
import { listRoutingRules } from '../procedures/index.js';
import { listRoutingExamples } from './repo.js';

export interface RoutingChoice {
  serviceId: string;
  routedBy: 'procedure' | 'rule' | 'classifier' | 'triage';
  /** The classifier's confidence (free text only). */
  confidence: number | null;
  /** The words that explain the classifier's proposal (free text only). */
  explanation: string[] | null;
  /** The service the classifier proposed, even when under the threshold (for the triaging agent). */
  proposedServiceSlug?: string | null;
}

/** Services that triage requests, by preference (the village has only its secretariat). */
const TRIAGE_SLUGS = ['accueil', 'secretariat'];

/** The service that triages: accueil, else secretariat, else the first service. */
export function triageService(services: readonly Service[]): Service {
  for (const slug of TRIAGE_SLUGS) {
    const found = services.find((s) => s.slug === slug);
    if (found) return found;
  }
  const first = services[0];
  if (!first) throw new Error('commune without any service');
  return first;
}

/** Routes a démarche's submission by its rules, else to its default service. */
export async function routeByRules(
  tx: Tx,
  communeId: string,
  proc: Procedure,
  answers: Record<string, unknown>,
): Promise<RoutingChoice> {
  for (const rule of await listRoutingRules(tx, communeId, proc.id)) {
    const answer = answers[rule.fieldId];
    const values = Array.isArray(answer) ? answer.map(String) : answer === undefined ? [] : [String(answer)];
    if (values.includes(rule.equals)) {
      return { serviceId: rule.serviceId, routedBy: 'rule', confidence: null, explanation: null };
    }
  }
  return { serviceId: proc.serviceId, routedBy: 'procedure', confidence: null, explanation: null };
}

// A commune's model is rebuilt from its examples when they change (training is counting: a few
// milliseconds for the demo set). Cache only: every process may hold its own copy.
const models = new Map<string, { stamp: string; model: ClassifierModel | null }>();

async function communeModel(tx: Tx, communeId: string): Promise<ClassifierModel | null> {
  const { rows } = await tx.client.query<{ n: number; last: Date | null }>(
    'SELECT count(*)::int AS n, max(created_at) AS last FROM routing_example WHERE commune_id = $1',
    [communeId],
  );
  const stamp = `${rows[0]?.n ?? 0}:${rows[0]?.last?.toISOString() ?? ''}`;
  const cached = models.get(communeId);
  if (cached?.stamp === stamp) return cached.model;
  const examples = await listRoutingExamples(tx, communeId);
  const model = examples.length > 0 ? train(examples.map((e) => ({ text: e.text, serviceSlug: e.serviceSlug }))) : null;
  models.set(communeId, { stamp, model });
  return model;
}

/** Routes a free-text request with the commune's classifier; unsure → triage. */
export async function routeFreeText(
  tx: Tx,
  communeId: string,
  text: string,
  options: { threshold?: number } = {},
): Promise<RoutingChoice> {
  const services = await listServices(tx, communeId);
  const triage = triageService(services);
  const model = await communeModel(tx, communeId);
  if (!model) {
    return { serviceId: triage.id, routedBy: 'triage', confidence: null, explanation: null, proposedServiceSlug: null };
  }
  const decision = classify(model, text, {
    threshold: options.threshold ?? DEFAULT_CONFIDENCE_THRESHOLD,
    fallback: triage.slug,
  });
  const proposed = services.find((s) => s.slug === decision.serviceSlug);
  const automatic = decision.automatic && proposed !== undefined;
  return {
    serviceId: automatic ? proposed.id : triage.id,
    routedBy: automatic ? 'classifier' : 'triage',
    confidence: decision.prediction.confidence,
    explanation: decision.prediction.explanation,
    proposedServiceSlug: decision.prediction.serviceSlug,
  };
}
