/**
 * Front door of requests (demandes): what other modules may ask of citizen requests.
 */
import type { Tx } from '../../platform/db/tenant.js';
import { insertRoutingExamples } from './repo.js';
import { routeFreeText } from './routing.js';

export { routingModelsSettled, warmUpRouting } from './routing.js';

/** Adds labelled examples (text → service slug) to the commune's routing classifier. */
export function addRoutingExamples(
  tx: Tx,
  communeId: string,
  examples: ReadonlyArray<{ text: string; serviceSlug: string }>,
): Promise<void> {
  return insertRoutingExamples(
    tx,
    communeId,
    examples.map((e) => ({ ...e, source: 'seed' as const })),
  );
}
export { readSavableRequestFile } from './vault-reuse.js';

/** The agents' page of a request (for a link from another module's screen). */
export function agentRequestPath(communeSlug: string, number: string): string {
  return `/c/${communeSlug}/agent/demandes/${encodeURIComponent(number)}`;
}

/**
 * The service the commune's competence map proposes for a free text (the routing of « Contacter
 * la mairie »: the competence classifier, then the commune's map): with its confidence, the words
 * that explain it, and whether it is sure enough to route without triage. Used by the courrier.
 */
export async function proposeService(
  tx: Tx,
  communeId: string,
  text: string,
): Promise<{
  serviceId: string;
  confidence: number | null;
  explanation: string[];
  competences: string[];
  automatic: boolean;
}> {
  const choice = await routeFreeText(tx, communeId, text);
  return {
    serviceId: choice.serviceId,
    confidence: choice.confidence,
    explanation: choice.explanation ?? [],
    competences: choice.competences ?? [],
    automatic: choice.routedBy === 'classifier',
  };
}
