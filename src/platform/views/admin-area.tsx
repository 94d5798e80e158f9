/**
 * The commune's administration area: a shell whose links the modules contribute (`adminLinks`),
 * each shown to a person only when the route it points to admits them — the route's declared
 * policy decides, nothing is re-stated here.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { routeAdmits } from '../authz/route-admits.js';
import type { AdminLinkDefinition } from '../module.js';
import { type PageSpec, sendPage } from './page-kit.js';

export function adminBase(request: FastifyRequest): string {
  return `/c/${request.commune!.slug}/admin`;
}

export { routeAdmits };

/** The contributed administration links the request's actor may follow, in their order. */
export function visibleAdminLinks(request: FastifyRequest): Array<AdminLinkDefinition & { href: string }> {
  const base = adminBase(request);
  return request.server.contributions.adminLinks
    .filter((link) => routeAdmits(request, `/c/:slug/admin/${link.path}`))
    .map((link) => ({ ...link, href: `${base}/${link.path}` }));
}

/** The sub-navigation of the administration, with the links the actor may follow. */
function AdminNav({ request }: { request: FastifyRequest }) {
  const items = [{ href: adminBase(request), label: 'Administration' }, ...visibleAdminLinks(request)];
  const current = request.url.split('?')[0];
  return (
    <nav class="govuk-!-margin-bottom-6" aria-label="Administration">
      <ul class="govuk-list">
        {items.map((item) => (
          <li key={item.href} class="govuk-!-display-inline-block govuk-!-margin-right-4">
            <a class="govuk-link" href={item.href} aria-current={current === item.href ? 'page' : undefined}>
              {item.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export interface AdminPageSpec extends Omit<PageSpec, 'header'> {
  /** Shows the administration sub-navigation (default: yes). */
  adminNav?: boolean;
}

/** Sends a page of the administration area. */
export function sendAdminPage(request: FastifyRequest, reply: FastifyReply, page: AdminPageSpec) {
  const { adminNav, ...spec } = page;
  return sendPage(request, reply, {
    ...spec,
    workspace: true,
    ...(adminNav === false ? {} : { header: <AdminNav request={request} /> }),
  });
}
