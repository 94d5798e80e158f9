/** @jsxImportSource preact */
// Page layout shared by every HTML page: govuk-frontend 6.6 template markup
// with our own header (commune logo and name, no crown) and footer (no crown,
// no OGL, no "Crown copyright"). Compatible with a strict CSP: no inline
// script or style; the commune's colours come from its /theme/<slug>.css.

import type { ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';
import { Breadcrumbs, NotificationBanner } from './components.js';
import { frenchTypography } from './typography.js';

/** What the layout needs to know about a commune to brand its pages. */
export interface CommuneBranding {
  slug: string;
  name: string;
  logoUrl: string;
  /** URL of the commune's theme stylesheet, e.g. `/theme/<slug>.css`. */
  themeUrl: string;
}

export interface NavItem {
  href: string;
  label: string;
  current?: boolean;
}

export interface PageOptions {
  /** Page title; the `<title>` is `${title} – ${commune?.name ?? 'Guichet'}`. */
  title: string;
  /** Absent on instance-level pages. */
  commune?: CommuneBranding;
  /** Main navigation (govuk-service-navigation). */
  nav?: NavItem[];
  breadcrumbs?: NavItem[];
  /** Mentions légales, données personnelles, accessibilité… */
  footerLinks: NavItem[];
  /** Notification banner at the top of the main content. */
  notice?: { kind: 'success' | 'info'; title: string; text?: string };
  /** Extra same-origin ES modules for this page only (e.g. `/static/js/passkey.mjs`). */
  scripts?: string[];
  /**
   * The back-office chrome instead of the public site's: full width, « Espace agent » next to
   * the commune, the agent's navigation (`nav`) and the person's own links on the right.
   */
  workspace?: { person: string; links: NavItem[] };
  children: ComponentChildren;
}

const STYLESHEET_URL = '/static/css/guichet.css';
const SUPPORTED_SCRIPT_URL = '/static/js/supported.js';
const APP_SCRIPT_URL = '/static/js/app.mjs';
const MAIN_CONTENT_ID = 'contenu';

function ServiceNavigation({ items, label = 'Menu principal' }: { items: NavItem[]; label?: string }) {
  // Collapsed behind a "Menu" button on mobile (by the ServiceNavigation
  // script) only when there is more than one item, as upstream does.
  const collapsible = items.length > 1;
  return (
    <div class="govuk-service-navigation" data-module="govuk-service-navigation">
      <div class="govuk-width-container">
        <div class="govuk-service-navigation__container">
          <nav aria-label={label} class="govuk-service-navigation__wrapper">
            {collapsible && (
              <button
                type="button"
                class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle"
                aria-controls="navigation"
                // Hidden until the ServiceNavigation script shows it on small
                // screens (it manages aria-hidden itself).
                hidden
              >
                Menu
              </button>
            )}
            <ul class="govuk-service-navigation__list" id="navigation">
              {items.map((item) => (
                <li
                  key={item.href}
                  class={`govuk-service-navigation__item${item.current ? ' govuk-service-navigation__item--active' : ''}`}
                >
                  <a
                    class="govuk-service-navigation__link"
                    href={item.href}
                    aria-current={item.current ? 'page' : undefined}
                  >
                    {item.current ? (
                      <strong class="govuk-service-navigation__active-fallback">{item.label}</strong>
                    ) : (
                      item.label
                    )}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </div>
      </div>
    </div>
  );
}

function Header({ commune, nav }: Pick<PageOptions, 'commune' | 'nav'>) {
  return (
    <header class="govuk-template__header">
      <div class="govuk-generic-header">
        <div class="govuk-generic-header__container govuk-width-container">
          <div class="govuk-generic-header__logo">
            <a
              href={commune ? `/c/${encodeURIComponent(commune.slug)}/` : '/'}
              class="govuk-generic-header__homepage-link guichet-header__link"
            >
              {/* The name is next to the logo: the image is decorative. */}
              {commune && <img class="guichet-header__logo" src={commune.logoUrl} alt="" />}
              <span>{commune?.name ?? 'Guichet'}</span>
            </a>
          </div>
        </div>
      </div>
      {nav !== undefined && nav.length > 0 && <ServiceNavigation items={nav} />}
    </header>
  );
}

/** The back-office header: the commune, « Espace agent », the person and their links, the agent's navigation. */
function WorkspaceHeader({
  commune,
  nav,
  workspace,
}: Pick<PageOptions, 'commune' | 'nav'> & { workspace: NonNullable<PageOptions['workspace']> }) {
  return (
    <header class="govuk-template__header guichet-workspace-header">
      <div class="govuk-generic-header">
        <div class="govuk-generic-header__container govuk-width-container guichet-workspace-header__bar">
          <div class="govuk-generic-header__logo">
            <a
              href={commune ? `/c/${encodeURIComponent(commune.slug)}/agent` : '/'}
              class="govuk-generic-header__homepage-link guichet-header__link"
            >
              {commune && <img class="guichet-header__logo" src={commune.logoUrl} alt="" />}
              <span>{commune?.name ?? 'Guichet'}</span>
              <span class="guichet-workspace-header__area">Espace agent</span>
            </a>
          </div>
          <div class="guichet-workspace-header__person">
            <span class="guichet-workspace-header__name">{workspace.person}</span>
            <ul class="guichet-workspace-header__links">
              {workspace.links.map((link) => (
                <li key={link.href}>
                  <a class="govuk-link govuk-link--inverse" href={link.href}>
                    {link.label}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        </div>
      </div>
      {nav !== undefined && nav.length > 0 && <ServiceNavigation items={nav} label="Navigation de l’espace agent" />}
    </header>
  );
}

function Footer({ commune, footerLinks }: Pick<PageOptions, 'commune' | 'footerLinks'>) {
  return (
    <footer class="govuk-template__footer">
      <div class="govuk-footer">
        <div class="govuk-width-container">
          <div class="govuk-footer__meta">
            <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
              {footerLinks.length > 0 && (
                <>
                  <h2 class="govuk-visually-hidden">Liens utiles</h2>
                  <ul class="govuk-footer__inline-list">
                    {footerLinks.map((link) => (
                      <li class="govuk-footer__inline-list-item" key={link.href}>
                        <a class="govuk-footer__link" href={link.href} aria-current={link.current ? 'page' : undefined}>
                          {link.label}
                        </a>
                      </li>
                    ))}
                  </ul>
                </>
              )}
              <p class="govuk-footer__meta-custom guichet-footer__credit">
                {commune
                  ? `Service proposé par ${commune.name} avec Guichet, logiciel libre`
                  : 'Service proposé avec Guichet, logiciel libre'}
              </p>
            </div>
          </div>
        </div>
      </div>
    </footer>
  );
}

function Page(options: PageOptions) {
  const { title, commune, nav, breadcrumbs, footerLinks, notice, scripts, workspace, children } = options;
  return (
    <html lang="fr" class="govuk-template">
      <head>
        <meta charset="utf-8" />
        <title>{`${title} – ${commune?.name ?? 'Guichet'}`}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <link rel="stylesheet" href={STYLESHEET_URL} />
        {commune && <link rel="stylesheet" href={commune.themeUrl} />}
        {commune && <link rel="icon" href={commune.logoUrl} />}
        <script type="module" src={APP_SCRIPT_URL} />
        {scripts?.map((src) => (
          <script key={src} type="module" src={src} />
        ))}
      </head>
      <body class={workspace ? 'govuk-template__body guichet-workspace' : 'govuk-template__body'}>
        <script src={SUPPORTED_SCRIPT_URL} />
        <a href={`#${MAIN_CONTENT_ID}`} class="govuk-skip-link" data-module="govuk-skip-link">
          Aller au contenu principal
        </a>
        {workspace ? (
          <WorkspaceHeader commune={commune} nav={nav} workspace={workspace} />
        ) : (
          <Header commune={commune} nav={nav} />
        )}
        <div class="govuk-width-container">
          {breadcrumbs !== undefined && breadcrumbs.length > 0 && <Breadcrumbs items={breadcrumbs} />}
          <main class="govuk-main-wrapper" id={MAIN_CONTENT_ID}>
            {notice && <NotificationBanner kind={notice.kind} title={notice.title} text={notice.text} />}
            {children}
          </main>
        </div>
        <Footer commune={commune} footerLinks={footerLinks} />
      </body>
    </html>
  );
}

/** Renders a full HTML page (`<!doctype html>` included) with the Guichet layout, in French typography. */
export function renderPage(options: PageOptions): string {
  return `<!doctype html>${frenchTypography(render(<Page {...options} />))}`;
}
