/**
 * Who may do what in the family portal (deny by default). Tariffs are public: the simulator is
 * open to everyone. Activities and their grids are the commune administrators' (a grid is adopted
 * by délibération; the administrator records it).
 */
import { type Actor, hasRole } from '../../platform/authz/actor.js';

export function canManageTariffs(actor: Actor | null): boolean {
  return !!actor && hasRole(actor, 'admin');
}
