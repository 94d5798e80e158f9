/** @jsxImportSource preact */
import { render } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import {
  Button,
  CsrfField,
  DateInput,
  ErrorSummary,
  errorSummaryItems,
  Input,
  Radios,
  SummaryList,
  Table,
  Textarea,
  titleWithErrors,
} from './components.js';
import { type CommuneBranding, type PageOptions, renderPage } from './layout.js';
import { frenchSpacing } from './typography.js';

// scripts/ is plain JavaScript without type declarations: import it by URL.
const brandGuardUrl = new URL('../../../scripts/brand-guard.mjs', import.meta.url).href;
const { findRestrictedBrandMarks } = (await import(brandGuardUrl)) as {
  findRestrictedBrandMarks: (text: string) => string[];
};

const commune: CommuneBranding = {
  slug: 'bourg-jaune',
  name: 'Mairie de Bourg-Jaune',
  logoUrl: '/c/bourg-jaune/logo.svg',
  themeUrl: '/theme/bourg-jaune.css',
};

const footerLinks = [
  { href: '/c/bourg-jaune/accessibilite', label: 'Accessibilité : partiellement conforme' },
  { href: '/c/bourg-jaune/mentions-legales', label: 'Mentions légales' },
  { href: '/c/bourg-jaune/donnees-personnelles', label: 'Données personnelles' },
];

function page(overrides: Partial<PageOptions> = {}): string {
  return renderPage({
    title: 'Demander la réservation d’une salle',
    commune,
    nav: [
      { href: '/c/bourg-jaune/salles/nouvelle', label: 'Nouvelle demande', current: true },
      { href: '/c/bourg-jaune/salles/mes-demandes', label: 'Mes demandes' },
    ],
    breadcrumbs: [
      { href: '/c/bourg-jaune/', label: 'Accueil' },
      { href: '/c/bourg-jaune/salles', label: 'Salles municipales' },
    ],
    footerLinks,
    children: (
      <form method="post" action="/c/bourg-jaune/salles/nouvelle" novalidate>
        <CsrfField token="jeton" />
        <Input name="nom" label="Nom" autocomplete="family-name" />
        <Button>Continuer</Button>
      </form>
    ),
    ...overrides,
  });
}

describe('renderPage', () => {
  it('starts with the doctype and declares French', () => {
    const html = page();
    expect(html.startsWith('<!doctype html><html lang="fr" class="govuk-template">')).toBe(true);
    expect(html).toContain('<body class="govuk-template__body">');
  });

  it('puts supported.js first in the body, then the skip link to #contenu', () => {
    const html = page();
    const body = html.slice(html.indexOf('<body'));
    expect(body).toMatch(
      /^<body class="govuk-template__body"><script src="\/static\/js\/supported\.js"><\/script><a href="#contenu" class="govuk-skip-link" data-module="govuk-skip-link">Aller au contenu principal<\/a>/,
    );
    expect(html).toContain('<main class="govuk-main-wrapper" id="contenu">');
  });

  it('links the stylesheet, then the commune theme, then the module script', () => {
    const html = page();
    const css = html.indexOf('<link rel="stylesheet" href="/static/css/guichet.css"/>');
    const theme = html.indexOf('<link rel="stylesheet" href="/theme/bourg-jaune.css"/>');
    const script = html.indexOf('<script type="module" src="/static/js/app.mjs"></script>');
    expect(css).toBeGreaterThan(0);
    expect(theme).toBeGreaterThan(css);
    expect(script).toBeGreaterThan(theme);
  });

  it('has no inline script, no inline style and no style attribute (strict CSP)', () => {
    const html = page({ notice: { kind: 'success', title: 'Demande envoyée', text: 'Merci.' } });
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(2);
    for (const [, attributes, content] of scripts) {
      expect(attributes).toMatch(/\ssrc="\/static\/js\//);
      expect(content).toBe('');
    }
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('escapes the title and the content', () => {
    const html = page({
      title: '<script>alert(1)</script>',
      commune: { ...commune, name: 'Saint-<b>Exemple</b> & Cie' },
      children: <p class="govuk-body">{'<img src=x onerror=alert(1)>'}</p>,
    });
    expect(html).toContain('<title>&lt;script>alert(1)&lt;/script> – Saint-&lt;b>Exemple&lt;/b> &amp; Cie</title>');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)>');
  });

  it('brands the header with the commune logo and name, linking to the commune home', () => {
    const html = page();
    expect(html).toContain(
      '<a href="/c/bourg-jaune/" class="govuk-generic-header__homepage-link guichet-header__link"><img class="guichet-header__logo" src="/c/bourg-jaune/logo.svg" alt/><span>Mairie de Bourg-Jaune</span></a>',
    );
    expect(html).toContain('<title>Demander la réservation d’une salle – Mairie de Bourg-Jaune</title>');
  });

  it('falls back to Guichet on instance pages, without a theme stylesheet', () => {
    const html = page({ commune: undefined, nav: undefined, breadcrumbs: undefined });
    expect(html).toContain('<title>Demander la réservation d’une salle – Guichet</title>');
    expect(html).toContain(
      '<a href="/" class="govuk-generic-header__homepage-link guichet-header__link"><span>Guichet</span></a>',
    );
    expect(html).not.toContain('/theme/');
    expect(html).not.toContain('govuk-service-navigation');
    expect(html).not.toContain('govuk-breadcrumbs');
    expect(html).toContain('Service proposé avec Guichet, logiciel libre');
  });

  it('renders the service navigation with a French "Menu" toggle and the current page', () => {
    const html = page();
    expect(html).toContain('<nav aria-label="Menu principal" class="govuk-service-navigation__wrapper">');
    expect(html).toMatch(
      /<button type="button" class="govuk-service-navigation__toggle[^"]*" aria-controls="navigation" hidden>Menu<\/button>/,
    );
    expect(html).toContain('href="/c/bourg-jaune/salles/nouvelle" aria-current="page"');
  });

  it('renders the breadcrumbs and the footer links, with the free-software credit and no crown', () => {
    const html = page();
    expect(html).toContain('<nav class="govuk-breadcrumbs" aria-label="Fil d’Ariane">');
    for (const link of footerLinks) {
      // The label in French typography (« Accessibilité : … » with a no-break space).
      expect(html).toContain(`<a class="govuk-footer__link" href="${link.href}">${frenchSpacing(link.label)}</a>`);
    }
    expect(html).toContain('Service proposé par Mairie de Bourg-Jaune avec Guichet, logiciel libre');
    expect(html).not.toMatch(/crown|licence-logo|open-government-licence|©/i);
  });

  it('shows the notice as a notification banner (success is an alert)', () => {
    const info = page({ notice: { kind: 'info', title: 'La salle est fermée en août.' } });
    expect(info).toContain(
      '<section class="govuk-notification-banner" aria-labelledby="govuk-notification-banner-title" data-module="govuk-notification-banner">',
    );
    expect(info).toContain('>Important</h2>');
    const success = page({ notice: { kind: 'success', title: 'Demande envoyée', text: 'Dossier SAL-2026-0042' } });
    expect(success).toContain('class="govuk-notification-banner govuk-notification-banner--success" role="alert"');
    expect(success).toContain('<p class="govuk-body">Dossier SAL-2026-0042</p>');
  });

  it('contains no GOV.UK-restricted mark and no DSFR', () => {
    const html = page({ notice: { kind: 'info', title: 'Information' } });
    expect(findRestrictedBrandMarks(html)).toEqual([]);
  });
});

describe('brand guard', () => {
  it('finds the restricted marks', () => {
    expect(
      findRestrictedBrandMarks(
        '@font-face{font-family:"GDS Transport";src:url(/assets/fonts/light.woff2)} .govuk-header__crown{} © Crown copyright',
      ),
    ).toEqual(['GDS Transport (×1)', '__crown (×1)', 'Crown copyright (×1)', '/assets/fonts (×1)']);
    expect(findRestrictedBrandMarks('<link href="/dsfr/dsfr.min.css"> Marianne')).toEqual([
      'dsfr (×2)',
      'Marianne (×1)',
    ]);
  });
});

describe('components', () => {
  it('links a field to its hint and error message', () => {
    const html = render(
      <Input
        name="email"
        label="Adresse e-mail"
        hint="Par exemple, nom@exemple.fr"
        error="Saisissez une adresse e-mail"
        type="email"
      />,
    );
    expect(html).toContain('class="govuk-form-group govuk-form-group--error"');
    expect(html).toContain('<span class="govuk-visually-hidden">Erreur\u00a0:</span> Saisissez une adresse e-mail');
    expect(html).toContain('aria-describedby="email-hint email-error"');
    expect(html).toContain('class="govuk-input govuk-input--error"');
  });

  it('builds the error summary in page order, linking to the first control', () => {
    const errors = {
      description: 'La description doit comporter 300 caractères au maximum',
      date: 'Saisissez la date',
    };
    const items = errorSummaryItems(errors, ['type', 'date', 'description'], { date: 'date-day' });
    expect(items).toEqual([
      { href: '#date-day', text: 'Saisissez la date' },
      { href: '#description', text: 'La description doit comporter 300 caractères au maximum' },
    ]);
    const html = render(<ErrorSummary errors={items} />);
    expect(html).toContain(
      '<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert"><h2 class="govuk-error-summary__title">Il y a un problème</h2>',
    );
    expect(html).toContain('<a href="#date-day">Saisissez la date</a>');
    expect(render(<ErrorSummary errors={[]} />)).toBe('');
    expect(titleWithErrors('Réserver', true)).toBe('Erreur\u00a0: Réserver');
    expect(titleWithErrors('Réserver', false)).toBe('Réserver');
  });

  it('gives radios a fieldset described by the hint and error, first input id = name', () => {
    const html = render(
      <Radios
        name="type"
        legend="Quel type d’événement organisez-vous ?"
        isPageHeading
        hint="Sélectionnez une seule réponse."
        error="Sélectionnez le type d’événement"
        items={[
          { value: 'reunion', label: 'Réunion associative' },
          { value: 'fete', label: 'Fête familiale' },
        ]}
        value="fete"
      />,
    );
    expect(html).toContain('<fieldset class="govuk-fieldset" aria-describedby="type-hint type-error">');
    expect(html).toContain(
      '<legend class="govuk-fieldset__legend govuk-fieldset__legend--l"><h1 class="govuk-fieldset__heading">',
    );
    expect(html).toContain('id="type" name="type" type="radio" value="reunion"/>');
    expect(html).toContain('id="type-2" name="type" type="radio" value="fete" checked/>');
  });

  it('adds a French character count to a textarea and escapes its value', () => {
    const html = render(
      <Textarea name="description" label="Décrivez votre événement" maxLength={300} value="</textarea><script>" />,
    );
    expect(html).toContain('data-module="govuk-character-count" data-maxlength="300"');
    expect(html).toContain('aria-describedby="description-info"');
    expect(html).toContain('Vous pouvez saisir jusqu’à 300 caractères');
    expect(html).toContain('&lt;/textarea>&lt;script>');
  });

  it('renders a date input with French labels and numeric keyboards', () => {
    const html = render(
      <DateInput name="date" legend="Date souhaitée" value={{ day: '14', month: '7', year: '2026' }} />,
    );
    expect(html).toContain('<fieldset class="govuk-fieldset" role="group">');
    for (const label of ['Jour', 'Mois', 'Année']) expect(html).toContain(`>${label}</label>`);
    expect(html).toContain('id="date-day" name="date-day" type="text" inputmode="numeric" value="14"');
  });

  it('renders buttons as submit buttons or as links', () => {
    expect(render(<Button>Continuer</Button>)).toBe(
      '<button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true">Continuer</button>',
    );
    expect(
      render(
        <Button href="/nouvelle" variant="secondary">
          Commencer
        </Button>,
      ),
    ).toBe(
      '<a href="/nouvelle" role="button" draggable="false" class="govuk-button govuk-button--secondary" data-module="govuk-button">Commencer</a>',
    );
  });

  it('escapes the CSRF token', () => {
    expect(render(<CsrfField token={'a"><script>'} />)).toBe(
      '<input type="hidden" name="_csrf" value="a&quot;>&lt;script>"/>',
    );
  });

  it('renders summary lists with hidden context on change links, and tables with a caption', () => {
    const list = render(
      <SummaryList
        rows={[
          {
            key: 'Date souhaitée',
            value: '14 juillet 2026',
            actions: [{ href: '/modifier#date', label: 'Modifier', visuallyHiddenText: 'la date souhaitée' }],
          },
          { key: 'Salle', value: 'Salle des fêtes' },
        ]}
      />,
    );
    expect(list).toContain('Modifier<span class="govuk-visually-hidden"> la date souhaitée</span>');
    expect(list).toContain('govuk-summary-list__row govuk-summary-list__row--no-actions');
    const table = render(
      <Table
        caption="Mes demandes"
        columns={[{ label: 'Dossier' }, { label: 'Montant', numeric: true }]}
        rows={[['SAL-1', '50 €']]}
        firstCellIsHeader
      />,
    );
    expect(table).toContain('<caption class="govuk-table__caption govuk-table__caption--m">Mes demandes</caption>');
    expect(table).toContain('<th scope="row" class="govuk-table__header">SAL-1</th>');
    expect(table).toContain('<td class="govuk-table__cell govuk-table__cell--numeric">50 €</td>');
  });
});
