/**
 * Who may read the survey's results (deny by default): those who process requests — agents for
 * their own services, the mayor, the DGS and administrators for the whole commune. Answering needs
 * no account: the signed link is the permission (use-cases/answer-survey.ts).
 */
import { type Actor, CROSS_SERVICE_ROLES, hasRole } from '../../platform/authz/actor.js';

export function canReadResults(actor: Actor | null): boolean {
  return hasRole(actor, 'agent', 'mayor', 'dgs', 'admin');
}

/** The services whose answers the person reads: null for all of them, else the agent's own. */
export function visibleServiceIds(actor: Actor): readonly string[] | null {
  if ([...actor.roles].some((r) => CROSS_SERVICE_ROLES.has(r))) return null;
  return actor.roles.has('agent') ? [...actor.serviceIds] : [];
}
