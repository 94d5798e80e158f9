/**
 * Route policies: every route declares one in its config (`config: { policy: 'public' }`);
 * a route without a policy makes the application refuse to start (deny by default). The same
 * predicates decide which links and buttons a page shows.
 */
import type { FastifyRequest } from 'fastify';
import type { Actor } from './actor.js';
import { hasRole, isStaff } from './actor.js';

/** What happens when a policy refuses. */
export type Refusal = 'sign_in' | 'not_found' | 'mfa_required';

export interface RoutePolicy {
  /** One sentence for the route list in the docs. */
  description: string;
  /** null = allowed; otherwise the kind of refusal. */
  check(actor: Actor | null, request: FastifyRequest): Refusal | null;
}

/** Signed in, and past the second factor when one is required. */
function signedIn(actor: Actor | null): Refusal | null {
  if (!actor) return 'sign_in';
  if (actor.mfaRequiredNow && !actor.mfaVerified) return 'mfa_required';
  return null;
}

/**
 * Staff pages: a second factor is required once the grace period is over — and at once, with no
 * grace period, for administrators and operators, who are sent to set one up (decision 0029).
 */
function staffOnly(allowed: (actor: Actor) => boolean) {
  return (actor: Actor | null): Refusal | null => {
    if (!actor) return 'sign_in';
    if (!allowed(actor)) return 'not_found';
    if (actor.mfaSetupRequired) return 'mfa_required';
    return signedIn(actor);
  };
}

const POLICY_TABLE = {
  /** Anyone, signed in or not. */
  public: { description: 'accessible à tous', check: () => null },
  /** Infrastructure endpoints (health, assets, OpenAPI). */
  infrastructure: { description: 'infrastructure (santé, ressources statiques)', check: () => null },
  /** Sign-in, registration, password reset: anyone (throttled). */
  anonymous: { description: 'formulaires d’accès (connexion, inscription)', check: () => null },
  /** Any signed-in person, e.g. their own account pages. */
  signedIn: { description: 'toute personne connectée', check: (actor) => signedIn(actor) },
  /** Signed in, second factor possibly still to present (the second-factor pages, sign-out). */
  signedInPendingMfa: {
    description: 'personne connectée, second facteur pas encore présenté',
    check: (actor) => (actor ? null : 'sign_in'),
  },
  /** Staff of the request's commune (agents, élus, DGS, maire, admin). */
  staff: { description: 'agents et élus de la commune', check: staffOnly((a) => isStaff(a)) },
  /** Those who process citizen requests: agents, and the mayor, DGS and admins (not élus alone). */
  requestsInbox: {
    description: 'agents, maire, DGS et administrateurs (traitement des demandes)',
    check: staffOnly((a) => hasRole(a, 'agent', 'mayor', 'dgs', 'admin')),
  },
  /** The commune's administrators. */
  communeAdmin: { description: 'administrateurs de la commune', check: staffOnly((a) => hasRole(a, 'admin')) },
  /** The commune's administrators, the mayor and the DGS (steering, security journal). */
  communeLeadership: {
    description: 'maire, DGS et administrateurs de la commune',
    check: staffOnly((a) => hasRole(a, 'admin', 'mayor', 'dgs')),
  },
  /** OPSN operators. */
  operator: { description: 'opérateurs de l’instance (OPSN)', check: staffOnly((a) => a.isOperator) },
  /** API clients with a live token of a commune (`Authorization: Bearer gch_…`); sessions do not count. */
  apiToken: {
    description: 'clients de l’API munis d’un jeton de la commune',
    check: (_actor, request) => (request.apiToken ? null : 'sign_in'),
  },
  /**
   * Demo-only pages (exist only on a demo instance): signed-in staff of the instance. Anyone else,
   * signed in or not, gets 404 — the same answer as on a real install, where the pages do not
   * exist. The demo module adds the role check (operator, or administrator of a commune).
   */
  demo: {
    description: 'pages de démonstration : administrateurs et opérateurs connectés (instance de démonstration)',
    check: (actor) => (actor ? signedIn(actor) : 'not_found'),
  },
} satisfies Record<string, RoutePolicy>;

export type PolicyName = keyof typeof POLICY_TABLE;
export const POLICIES: Record<PolicyName, RoutePolicy> = POLICY_TABLE;

/**
 * A sensitive route asks for a recent authentication (signing, role changes, exports of personal
 * data, changes to one's own second factor, publication): `true`, or the page to come back to
 * after confirming (for a POST, the page that shows the form). Checked by the platform after the
 * policy (see `step-up.ts`), listed in the route registry and covered by the authorization matrix.
 */
export type StepUpRule = true | ((request: FastifyRequest) => string);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The access policy of the route (required). */
    policy?: PolicyName;
    /** Ask for a recent authentication before the handler runs. */
    stepUp?: StepUpRule;
  }
}
