/**
 * Assembles a full page for a request: commune branding, navigation and footer links around the
 * page's own content, rendered by the layout.
 */
import type { FastifyRequest } from 'fastify';
import { type Actor, isStaff } from '../authz/actor.js';
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

export function communeNav(commune: Commune, currentPath: string, actor: Actor | null): NavItem[] {
  const base = `/c/${commune.slug}`;
  const items = [
    { href: `${base}/`, label: 'Accueil' },
    { href: `${base}/services`, label: 'Services municipaux' },
    { href: `${base}/contact`, label: 'Nous contacter' },
    ...(isStaff(actor) ? [{ href: `${base}/agent`, label: 'Espace agent' }] : []),
    actor ? { href: `${base}/compte`, label: 'Mon compte' } : { href: `${base}/connexion`, label: 'Se connecter' },
  ];
  return items.map((item) => ({ ...item, current: currentPath.split('?')[0] === item.href }));
}

export function footerLinks(commune: Commune | null): NavItem[] {
  const base = commune ? `/c/${commune.slug}` : '';
  return [
    { href: `${base}/mentions-legales`, label: 'Mentions légales' },
    { href: `${base}/donnees-personnelles`, label: 'Données personnelles' },
    { href: `${base}/accessibilite`, label: 'Accessibilité : non conforme' },
  ];
}

export type PageContent = Omit<PageOptions, 'commune' | 'nav' | 'footerLinks'>;

/** Renders `content` inside the layout of the request's commune (or of the instance). */
export function renderRequestPage(request: FastifyRequest, content: PageContent): string {
  const commune = request.commune;
  return renderPage({
    ...content,
    ...(commune ? { commune: communeBranding(commune), nav: communeNav(commune, request.url, request.actor) } : {}),
    footerLinks: footerLinks(commune),
  });
}
