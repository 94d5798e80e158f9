/**
 * The roles a person holds in a commune (from their membership). The platform knows them so that
 * route policies and the actor can be typed without importing the identity module.
 */
export const ROLES = ['citizen', 'agent', 'councillor', 'mayor', 'dgs', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** How each role is named to people (lower case, as inside a sentence). */
export const ROLE_LABELS: Record<Role, string> = {
  citizen: 'usager',
  agent: 'agent',
  councillor: 'élu',
  mayor: 'maire',
  dgs: 'directeur ou directrice générale des services',
  admin: 'administrateur de la commune',
};
