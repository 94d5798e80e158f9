/**
 * Who may do what with the courrier, deny by default; pages use the same predicates to show links
 * and buttons. Agents register incoming mail (the accueil does it for everyone). A mail is seen
 * by its registrar, its assignee and the people named on it (in copy, or readers); a mail that is
 * not confidential also by the agents of the service in charge and the leadership (maire, DGS,
 * administrators). A confidential mail by the named people only: anyone else gets 404, as if it
 * did not exist. Processing (assigning, redirecting, replying) is for those who see the mail and
 * belong to the service in charge, the assignee, or the leadership. A service asked for an avis on a
 * mail sees it (it must, to answer); on a confidential mail an avis is asked of a named person, who
 * is then named on the mail.
 */
import { type Actor, CROSS_SERVICE_ROLES, hasRole } from '../../platform/authz/actor.js';
import type { PersonRole } from './schema.js';

export interface MailAccess {
  /** Null: registered by the e-mail intake. */
  registeredBy: string | null;
  assignedTo: string | null;
  confidential: boolean;
  serviceId: string;
  people: ReadonlyArray<{ accountId: string; role: PersonRole }>;
  /** Services asked for an avis on the mail (never on a confidential one: a person is named there). */
  avisServiceIds?: readonly string[];
}

function seesAllServices(actor: Actor): boolean {
  return [...actor.roles].some((r) => CROSS_SERVICE_ROLES.has(r));
}

/** Registers incoming mail: agents, the maire, the DGS and administrators. */
export function canRegister(actor: Actor | null): boolean {
  return hasRole(actor, 'agent', 'mayor', 'dgs', 'admin');
}

export function isNamed(actor: Actor, mail: MailAccess): boolean {
  return (
    mail.registeredBy === actor.accountId ||
    mail.assignedTo === actor.accountId ||
    mail.people.some((p) => p.accountId === actor.accountId)
  );
}

export function canSeeMail(actor: Actor | null, mail: MailAccess): boolean {
  if (!actor || !canRegister(actor)) return false;
  if (isNamed(actor, mail)) return true;
  if (mail.confidential) return false;
  return (
    seesAllServices(actor) ||
    actor.serviceIds.has(mail.serviceId) ||
    (mail.avisServiceIds ?? []).some((id) => actor.serviceIds.has(id))
  );
}

export function canProcessMail(actor: Actor | null, mail: MailAccess): boolean {
  if (!actor || !canSeeMail(actor, mail)) return false;
  return mail.assignedTo === actor.accountId || seesAllServices(actor) || actor.serviceIds.has(mail.serviceId);
}

/** Who an avis is asked of: the named agent, or the agents of the service asked. */
export function isAskedForAvis(
  actor: Actor | null,
  avis: { accountId: string | null; serviceId: string | null },
): boolean {
  if (!actor || !canRegister(actor)) return false;
  if (avis.accountId) return avis.accountId === actor.accountId;
  return avis.serviceId !== null && actor.serviceIds.has(avis.serviceId);
}

/** Administers the commune's e-mail intake (the mailbox, the refused files): its administrators. */
export function canAdministerIntake(actor: Actor | null): boolean {
  return hasRole(actor, 'admin');
}

/** Edits the commune's reply templates: its administrators (as for the e-mail intake). */
export function canAdministerTemplates(actor: Actor | null): boolean {
  return hasRole(actor, 'admin');
}

/**
 * Who declares an agent's absence (their new mail going to a colleague meanwhile): the agent
 * themselves, the head of one of their services (the parapheur's « chef du service »), or the
 * leadership (maire, DGS, administrators), who see every service.
 */
export function canDeclareAbsenceOf(
  actor: Actor | null,
  absent: { accountId: string; serviceIds: readonly string[] },
  headedServiceIds: readonly string[],
): boolean {
  if (!actor || !canRegister(actor)) return false;
  if (actor.accountId === absent.accountId || seesAllServices(actor)) return true;
  return absent.serviceIds.some((id) => headedServiceIds.includes(id));
}

/** Who may receive mail in an absent agent's place: a person who may open the courrier. */
export function mayReceiveMail(person: { roles: readonly string[] }): boolean {
  return person.roles.some((r) => r === 'agent' || r === 'mayor' || r === 'dgs' || r === 'admin');
}

/** What the register lists for a person (the same rule, in SQL: repo.listRegister). */
export function viewerOf(actor: Actor): { accountId: string; serviceIds: string[]; allServices: boolean } {
  return { accountId: actor.accountId, serviceIds: [...actor.serviceIds], allServices: seesAllServices(actor) };
}
