/**
 * Whether a page's link should be shown to the request's actor: the GET route it points to
 * decides through its declared policy (nothing is re-stated by the place showing the link).
 */
import type { FastifyRequest } from 'fastify';
import { POLICIES } from './policies.js';

/** Whether the GET route at `url` (as registered, e.g. `/c/:slug/admin/membres`) admits the request's actor. */
export function routeAdmits(request: FastifyRequest, url: string): boolean {
  const route = request.server.routeRegistry.find((r) => r.method === 'GET' && r.url === url);
  return !!route && POLICIES[route.policy].check(request.actor, request) === null;
}
