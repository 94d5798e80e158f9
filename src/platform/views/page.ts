/**
 * Assembles a full page for a request: commune branding, navigation and footer links around the
 * page's own content, rendered by the layout.
 */
import type { FastifyRequest } from 'fastify';
import { routeAdmits } from '../authz/route-admits.js';
import type { Commune } from '../tenancy/communes.js';
import { type CommuneBranding, type NavItem, type PageOptions, renderPage } from './layout.js';

export function communeBranding(commune: Commune): CommuneBranding {
  return {
    slug: commune.slug,
    name: commune.name,
    logoUrl: `/c/${commune.slug}/logo.svg`,
    // The colour in the URL: a changed colour is a new URL, not a stylesheet cached five minutes.
    themeUrl: `/theme/${commune.slug}.css?v=${commune.brandColour.slice(1)}`,
  };
}

/**
 * The public site's navigation: the entries modules contribute (`nav`), each shown when its
 * route admits the person; the current page is marked.
 */
export function communeNav(request: FastifyRequest, commune: Commune): NavItem[] {
  const base = `/c/${commune.slug}`;
  const currentPath = request.url.split('?')[0];
  return request.server.contributions.nav
    .filter((item) => !(item.signedOutOnly && request.actor) && routeAdmits(request, `/c/:slug/${item.path}`))
    .map((item) => {
      const href = `${base}/${item.path}`;
      return { href, label: item.label, current: currentPath === href };
    });
}

export function footerLinks(commune: Commune | null): NavItem[] {
  const base = commune ? `/c/${commune.slug}` : '';
  return [
    { href: `${base}/mentions-legales`, label: 'Mentions légales' },
    { href: `${base}/donnees-personnelles`, label: 'Données personnelles' },
    { href: `${base}/accessibilite`, label: 'Accessibilité : non conforme' },
  ];
}

/**
 * The agent's navigation in the back office: the workspace's home, the contributed tiles
 * (`agentTiles`: the requests' inbox today, the parapheur tomorrow) and the administration, each
 * shown when its route admits the person. The current item is the longest matching prefix.
 */
export function workspaceNav(request: FastifyRequest, commune: Commune): NavItem[] {
  const base = `/c/${commune.slug}`;
  const items: NavItem[] = [
    { href: `${base}/agent`, label: 'Accueil' },
    ...request.server.contributions.agentTiles
      .filter((tile) => routeAdmits(request, `/c/:slug/${tile.path}`))
      .map((tile) => ({ href: `${base}/${tile.path}`, label: tile.label })),
    ...(routeAdmits(request, '/c/:slug/admin') ? [{ href: `${base}/admin`, label: 'Administration' }] : []),
  ];
  const path = request.url.split('?')[0] ?? '';
  const current = items
    .filter((item) => path === item.href || path.startsWith(`${item.href}/`))
    .sort((a, b) => b.href.length - a.href.length)[0];
  return items.map((item) => ({ ...item, current: item === current }));
}

export type PageContent = Omit<PageOptions, 'commune' | 'nav' | 'footerLinks' | 'workspace'> & {
  /** The back-office chrome (full width, the agent's navigation) instead of the public site's. */
  workspace?: boolean;
};

/** Renders `content` inside the layout of the request's commune (or of the instance). */
export function renderRequestPage(request: FastifyRequest, content: PageContent): string {
  const commune = request.commune;
  const { workspace, ...rest } = content;
  if (workspace && commune && request.actor) {
    const base = `/c/${commune.slug}`;
    return renderPage({
      ...rest,
      commune: communeBranding(commune),
      nav: workspaceNav(request, commune),
      workspace: {
        person: request.actor.displayName,
        links: [
          { href: `${base}/`, label: 'Site de la commune' },
          { href: `${base}/compte`, label: 'Mon compte' },
        ],
      },
      footerLinks: footerLinks(commune),
    });
  }
  return renderPage({
    ...rest,
    ...(commune ? { commune: communeBranding(commune), nav: communeNav(request, commune) } : {}),
    footerLinks: footerLinks(commune),
  });
}
