/**
 * Front door of requests (demandes): what other modules may ask of citizen requests.
 */
import type { Tx } from '../../platform/db/tenant.js';
import { insertRoutingExamples } from './repo.js';

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
