/**
 * The roles a person holds in a commune (from their membership). The platform knows them so that
 * route policies and the actor can be typed without importing the identity module.
 */
export const ROLES = ['citizen', 'agent', 'councillor', 'mayor', 'dgs', 'admin'] as const;
export type Role = (typeof ROLES)[number];
