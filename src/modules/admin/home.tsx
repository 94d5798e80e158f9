/**
 * The administration area's home: the links the modules contribute (`adminLinks`), each shown to
 * the people its route admits.
 */
import type { FastifyInstance } from 'fastify';
import { sendAdminPage, visibleAdminLinks } from '../../platform/views/admin-area.js';

export function registerAdminHome(app: FastifyInstance): void {
  app.get('/c/:slug/admin', { config: { policy: 'communeLeadership' } }, async (request, reply) => {
    const links = visibleAdminLinks(request);
    return sendAdminPage(request, reply, {
      title: 'Administration',
      children: (
        <>
          <h1 class="govuk-heading-xl">Administration de {request.commune!.name}</h1>
          <ul class="govuk-list">
            {links.map((l) => (
              <li key={l.href}>
                <h2 class="govuk-heading-s govuk-!-margin-bottom-1">
                  <a class="govuk-link" href={l.href}>
                    {l.title ?? l.label}
                  </a>
                </h2>
                <p class="govuk-body">{l.description}</p>
              </li>
            ))}
          </ul>
        </>
      ),
    });
  });
}
