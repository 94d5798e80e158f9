/**
 * Who may see pilotage and change the savings model's assumptions: the commune's leadership
 * (mayor, DGS, administrators) — the routes' `communeLeadership` policy; the same predicate for
 * the pages' links.
 */
import { type Actor, hasRole } from '../../platform/authz/actor.js';

export function canSteer(actor: Actor | null): boolean {
  return hasRole(actor, 'admin', 'mayor', 'dgs');
}
