/**
 * Who may do what with appointments, deny by default; pages use the same predicates to show
 * links and buttons. Configuration is the administrators'; the desks' day is the service's agents
 * (and the mayor, DGS, administrators, who see every service).
 */
import { type Actor, canSeeService, hasRole, isStaff } from '../../platform/authz/actor.js';
import type { BookableBy } from './schema.js';

export type BookingMode = 'citizen' | 'visitor' | 'agent';

export function canConfigure(actor: Actor | null): boolean {
  return hasRole(actor, 'admin');
}

/** An agent works on an agenda of a service they belong to (the leadership on all). */
export function canWorkAgenda(actor: Actor | null, agenda: { serviceId: string }): boolean {
  return canSeeService(actor, agenda.serviceId);
}

/** Whether a motif may be booked that way: public by anyone, signed-in motifs not by visitors, agents-only by agents. */
export function canBook(bookableBy: BookableBy, mode: BookingMode): boolean {
  if (mode === 'agent') return true;
  if (bookableBy === 'agents') return false;
  return bookableBy === 'public' || mode === 'citizen';
}

/** The mode of a person booking on the public pages: signed in (citizen or staff for themselves), or a visitor. */
export function publicMode(actor: Actor | null): BookingMode {
  return actor ? 'citizen' : 'visitor';
}

export function isAgentOf(actor: Actor | null): boolean {
  return isStaff(actor);
}

/** An agent calls, serves and closes the tickets of the walk-in motifs of their services (the leadership all). */
export function canCallTickets(actor: Actor | null, motif: { serviceId: string }): boolean {
  return canSeeService(actor, motif.serviceId);
}
