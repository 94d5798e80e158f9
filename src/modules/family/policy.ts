/**
 * Who may do what in the family portal (deny by default). Tariffs are public: the simulator is
 * open to everyone. Activities and their grids are the commune administrators' (a grid is adopted
 * by délibération; the administrator records it).
 */
import { type Actor, hasRole, isStaff } from '../../platform/authz/actor.js';

export function canManageTariffs(actor: Actor | null): boolean {
  return !!actor && hasRole(actor, 'admin');
}

/** A signed-in person enrols the children of their own household. */
export function canEnrol(actor: Actor | null): actor is Actor {
  return !!actor;
}

/** The guardian who asked, or an administrator of the commune, may cancel an enrolment. */
export function canCancelEnrolment(actor: Actor | null, enrolment: { accountId: string }): boolean {
  return !!actor && (actor.accountId === enrolment.accountId || hasRole(actor, 'admin'));
}

/** Only the guardian confirms a place offered to their child. */
export function canAcceptPlace(actor: Actor | null, enrolment: { accountId: string }): boolean {
  return !!actor && actor.accountId === enrolment.accountId;
}

/** Only the guardian who enrolled the child books or cancels its days. */
export function canBook(actor: Actor | null, enrolment: { accountId: string }): actor is Actor {
  return !!actor && actor.accountId === enrolment.accountId;
}

/** The commune's staff point attendance (the enfance service's agents, on a tablet). */
export function canPoint(actor: Actor | null): actor is Actor {
  return isStaff(actor);
}

/** Billing runs and the PayFiP contract are the commune administrators'. */
export function canManageBilling(actor: Actor | null): actor is Actor {
  return !!actor && hasRole(actor, 'admin');
}

/** An invoice is read by its payer and by the commune's administrators. */
export function canSeeInvoice(actor: Actor | null, invoice: { accountId: string }): actor is Actor {
  return !!actor && (actor.accountId === invoice.accountId || hasRole(actor, 'admin'));
}

/** Only the payer pays online. */
export function canPayInvoice(actor: Actor | null, invoice: { accountId: string }): actor is Actor {
  return !!actor && actor.accountId === invoice.accountId;
}
