/**
 * Who may do what in the council (deny by default). The secretariat (agents, the maire who presides,
 * the DGS and the commune's administrators) prepares séances and records them; élus read their convocations.
 */
import { type Actor, hasRole } from '../../platform/authz/actor.js';

export function canManageCouncil(actor: Actor | null): actor is Actor {
  return hasRole(actor, 'agent', 'mayor', 'dgs', 'admin');
}

/** Élus (and the secretariat) read the séances and their agenda. */
export function canReadCouncil(actor: Actor | null): actor is Actor {
  return hasRole(actor, 'councillor', 'mayor', 'agent', 'dgs', 'admin');
}
