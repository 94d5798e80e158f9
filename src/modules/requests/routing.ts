/**
 * Which service receives a request. A démarche: its routing rules (first rule whose field equals
 * the answer), else its default service. A free-text request ("contacter la mairie"): the
 * competence classifier (platform/classifier/logistic.ts) trained on the standard competence map
 * plus the commune's re-routings, then the commune's competence map gives the service. The
 * probabilities of competences that go to the same service add up; under the threshold, or when
 * two close competences go to different services, the request goes to the accueil for triage
 * with both suggested. The words that explain the proposal are kept with the request.
 */

import {
  CLOSE_RATIO,
  COMPETENCE_TEMPERATURE,
  COMPETENCE_THRESHOLD,
  competenceExamples,
} from '../../platform/classifier/competences.js';
import {
  type CompetencePrediction,
  type LogisticModel,
  predictLogistic,
  trainLogistic,
} from '../../platform/classifier/logistic.js';
import { REROUTING_WEIGHT } from '../../platform/classifier/model.js';
import type { Tx } from '../../platform/db/tenant.js';
import { listActiveServices, type Service } from '../../platform/tenancy/communes.js';
import type { Procedure } from '../procedures/index.js';
import { listRoutingRules } from '../procedures/index.js';
import { type CompetenceRoute, competenceRoutes, triageService } from './competence-map.js';
import { communeOf } from './deps.js';
import { listRoutingExamples } from './repo.js';
import type { CitizenRequest } from './schema.js';

export { triageService } from './competence-map.js';

export interface RoutingChoice {
  serviceId: string;
  routedBy: 'procedure' | 'rule' | 'classifier' | 'triage';
  /** The probability of the chosen service (free text only). */
  confidence: number | null;
  /** The words that explain the classifier's proposal (free text only). */
  explanation: string[] | null;
  /** The estimated competence; when sent to triage, the two most likely (free text only). */
  competences?: string[] | null;
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

// Training takes about a second of CPU (bench/classifier.bench.ts). The standard model is trained
// once per process, at start-up (`warmUpRouting`, called by `guichet serve` before it listens) or
// else on first use. A commune with re-routings gets its own model, retrained when its examples
// change — off the request path: the request that notices the change is routed with the model the
// commune had (or the standard one) and the new model is trained right after, then swapped in.
// Cache only: every process may hold its own copy.
let standard: LogisticModel | null = null;
const models = new Map<string, { stamp: string; model: LogisticModel }>();
const training = new Map<string, Promise<void>>();

export function standardModel(): LogisticModel {
  standard ??= trainLogistic(competenceExamples(), { temperature: COMPETENCE_TEMPERATURE });
  return standard;
}

/** Trains the standard model now, so that no citizen's message waits for it. */
export function warmUpRouting(): void {
  standardModel();
}

/** Resolves when every commune model being retrained is in place (tests, shutdown). */
export async function routingModelsSettled(): Promise<void> {
  while (training.size > 0) await Promise.all([...training.values()]);
}

async function communeModel(tx: Tx, communeId: string): Promise<LogisticModel> {
  const { rows } = await tx.client.query<{ n: number; last: Date | null }>(
    'SELECT count(*)::int AS n, max(created_at) AS last FROM routing_example WHERE commune_id = $1 AND competence IS NOT NULL',
    [communeId],
  );
  const n = rows[0]?.n ?? 0;
  if (n === 0) return standardModel();
  const stamp = `${n}:${rows[0]?.last?.toISOString() ?? ''}`;
  const cached = models.get(communeId);
  if (cached?.stamp === stamp) return cached.model;
  if (!training.has(communeId)) {
    const own = (await listRoutingExamples(tx, communeId)).filter((e) => e.competence !== null);
    const examples = [
      ...competenceExamples(),
      ...own.map((e) => ({ text: e.text, serviceSlug: e.competence!, weight: REROUTING_WEIGHT })),
    ];
    const job = new Promise<void>((resolve) => {
      setImmediate(() => {
        try {
          models.set(communeId, { stamp, model: trainLogistic(examples, { temperature: COMPETENCE_TEMPERATURE }) });
        } catch {
          // Keep the previous model; the next message retries.
        } finally {
          training.delete(communeId);
          resolve();
        }
      });
    });
    training.set(communeId, job);
  }
  return cached?.model ?? standardModel();
}

export interface ServiceDecision {
  serviceId: string;
  automatic: boolean;
  /** Probability of the chosen service (sum over the competences it handles). */
  confidence: number;
  competences: string[];
}

/**
 * The service for a competence prediction under a commune's map (pure: the rule itself).
 * Automatic when the service's probability reaches the threshold and no close runner-up
 * competence belongs to another service.
 */
export function decideService(
  prediction: CompetencePrediction,
  routes: readonly CompetenceRoute[],
  triage: Service,
  threshold = COMPETENCE_THRESHOLD,
): ServiceDecision {
  const serviceOf = (competence: string) =>
    routes.find((r) => r.competence.slug === competence)?.service.id ?? triage.id;
  const [first, second] = prediction.ranking;
  if (!first || prediction.confidence <= 0) {
    return { serviceId: triage.id, automatic: false, confidence: 0, competences: [] };
  }
  const byService = new Map<string, number>();
  for (const r of prediction.ranking)
    byService.set(serviceOf(r.serviceSlug), (byService.get(serviceOf(r.serviceSlug)) ?? 0) + r.confidence);
  const serviceId = serviceOf(first.serviceSlug);
  const confidence = byService.get(serviceId) ?? 0;
  const close =
    second !== undefined &&
    second.confidence >= CLOSE_RATIO * first.confidence &&
    serviceOf(second.serviceSlug) !== serviceId;
  const automatic = confidence >= threshold && !close;
  const competences = automatic || !second ? [first.serviceSlug] : [first.serviceSlug, second.serviceSlug];
  return { serviceId: automatic ? serviceId : triage.id, automatic, confidence, competences };
}

/** Routes a free-text request: competence classifier, then the commune's map; unsure → triage. */
export async function routeFreeText(
  tx: Tx,
  communeId: string,
  text: string,
  options: { threshold?: number } = {},
): Promise<RoutingChoice> {
  const services = await listActiveServices(tx, communeId);
  const triage = triageService(services);
  const routes = await competenceRoutes(tx, communeId, services);
  const prediction = predictLogistic(await communeModel(tx, communeId), text);
  const decision = decideService(prediction, routes, triage, options.threshold ?? COMPETENCE_THRESHOLD);
  return {
    serviceId: decision.serviceId,
    routedBy: decision.automatic ? 'classifier' : 'triage',
    confidence: prediction.confidence > 0 ? decision.confidence : null,
    explanation: prediction.explanation,
    competences: decision.competences,
  };
}

/**
 * The competence a re-routing teaches: among the competences the commune sends to the chosen
 * service, the one the model finds most likely for the text; null when none goes there.
 */
export async function competenceForService(
  tx: Tx,
  communeId: string,
  text: string,
  serviceId: string,
): Promise<string | null> {
  const routes = (await competenceRoutes(tx, communeId)).filter((r) => r.service.id === serviceId);
  if (routes.length === 0) return null;
  const prediction = predictLogistic(await communeModel(tx, communeId), text);
  const handled = new Set(routes.map((r) => r.competence.slug));
  return prediction.ranking.find((r) => handled.has(r.serviceSlug))?.serviceSlug ?? routes[0]!.competence.slug;
}

/**
 * Chooses the service of a new request: a démarche by its rules (else its default service), a
 * free text by the commune's classifier (else the accueil, for triage).
 */
export async function routeRequest(
  tx: Tx,
  input: { procedure: Procedure | null; answers: Record<string, unknown>; freeText?: string },
): Promise<RoutingChoice> {
  const communeId = communeOf(tx);
  if (input.procedure) return routeByRules(tx, communeId, input.procedure, input.answers);
  return routeFreeText(tx, communeId, input.freeText ?? '');
}

/** The text a request is classified by: its subject and free-text answers. */
export function requestText(request: Pick<CitizenRequest, 'subject' | 'answers'>): string {
  const texts = Object.values(request.answers ?? {}).filter((v): v is string => typeof v === 'string');
  return [request.subject, ...texts].join('\n').slice(0, 5000);
}
