/**
 * The six statuses every request moves through (they drive closing, late flags, filters, the API
 * and webhooks). Each démarche's workflow (workflow.ts) chooses its outcomes, names and steps
 * over them.
 */
export const REQUEST_STATUSES = ['nouvelle', 'en_cours', 'attente_usager', 'acceptee', 'refusee', 'classee'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
/** Statuses after which a request is closed. */
export const CLOSED_STATUSES: ReadonlySet<RequestStatus> = new Set(['acceptee', 'refusee', 'classee']);
export const STATUS_LABELS: Record<RequestStatus, string> = {
  nouvelle: 'Nouvelle',
  en_cours: 'En cours',
  attente_usager: 'En attente de votre réponse',
  acceptee: 'Acceptée',
  refusee: 'Refusée',
  classee: 'Classée',
};
/** Agent-facing status labels (the citizen-facing ones speak to the citizen). */
export const AGENT_STATUS_LABELS: Record<RequestStatus, string> = {
  nouvelle: 'Nouvelle',
  en_cours: 'En cours',
  attente_usager: 'En attente de l’usager',
  acceptee: 'Acceptée',
  refusee: 'Refusée',
  classee: 'Classée',
};
