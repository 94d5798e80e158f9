/** Who is acting on a request: nobody, or an account with its roles in the request's commune. */
import type { Role } from './roles.js';

export interface Actor {
  accountId: string;
  sessionId: string;
  email: string;
  displayName: string;
  isOperator: boolean;
  /** Roles in the request's commune (empty at instance level or without membership). */
  roles: ReadonlySet<Role>;
  /** Services an agent belongs to in the request's commune. */
  serviceIds: ReadonlySet<string>;
  /** The session has passed a second factor (or a passkey, which is one). */
  mfaVerified: boolean;
  /** The account must present a second factor and its grace period is over. */
  mfaRequiredNow: boolean;
  /**
   * An administrator of the request's commune or an OPSN operator without any second factor yet:
   * no staff page until one is set up (no grace period for them, decision 0029).
   */
  mfaSetupRequired: boolean;
  /** When the person last re-entered a credential in this session (step-up). */
  reauthenticatedAt: Date | null;
}

export const STAFF_ROLES: ReadonlySet<Role> = new Set(['agent', 'councillor', 'mayor', 'dgs', 'admin']);
/** Roles that see every service of their commune. */
export const CROSS_SERVICE_ROLES: ReadonlySet<Role> = new Set(['mayor', 'dgs', 'admin']);

export function isStaff(actor: Actor | null): boolean {
  return !!actor && [...actor.roles].some((r) => STAFF_ROLES.has(r));
}

export function hasRole(actor: Actor | null, ...roles: Role[]): boolean {
  return !!actor && roles.some((r) => actor.roles.has(r));
}

/** An agent sees a service's data if attached to it; the mayor, DGS and admin see all. */
export function canSeeService(actor: Actor | null, serviceId: string): boolean {
  return !!actor && accessSeesService(actor, serviceId);
}

/** The same rule for roles and services read without a session (a calendar feed's owner). */
export function accessSeesService(
  access: { roles: ReadonlySet<Role>; serviceIds: ReadonlySet<string> },
  serviceId: string,
): boolean {
  if ([...access.roles].some((r) => CROSS_SERVICE_ROLES.has(r))) return true;
  return access.roles.has('agent') && access.serviceIds.has(serviceId);
}
